"""The REST API: thin FastAPI routes over finucity.services (assembled in main.py)."""

from finucity.api.main import create_api

__all__ = ["create_api"]
