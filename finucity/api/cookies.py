"""Writing the app's cookies on API responses (names and reading: finucity/web/cookies.py)."""

from __future__ import annotations

from fastapi import Response

from finucity.config import get_settings
from finucity.web.cookies import FLASH_COOKIE, FLASH_SECONDS, SESSION_COOKIE, encode_flash


def set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=get_settings().is_production)


def set_flash(response: Response, form: str, error: str, values: dict[str, str]) -> None:
    """A form error and what the user typed (never the password), for the next page."""
    response.set_cookie(
        FLASH_COOKIE,
        encode_flash(form, error, values),
        max_age=FLASH_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().is_production,
    )
