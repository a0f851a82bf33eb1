"""Web plumbing shared by both adapters (the Reflex states and the API routes)."""
