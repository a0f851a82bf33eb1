"""The admin area's visual pieces, in the chat's design system."""
