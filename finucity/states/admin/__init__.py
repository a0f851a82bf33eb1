"""The admin area's states: one per page, over finucity.services.admin."""
