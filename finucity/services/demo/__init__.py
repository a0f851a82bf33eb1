"""Demo data: realistic users and conversations for trying the app and measuring it at scale."""
