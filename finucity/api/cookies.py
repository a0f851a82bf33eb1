"""The session cookie and the small signed cookie that carries form errors."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

from fastapi import Response

from finucity.config import get_settings
from finucity.services import security

SESSION_COOKIE = "finucity_session"
FLASH_COOKIE = "finucity_flash"
FLASH_SECONDS = 120


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
    payload = json.dumps({"form": form, "error": error, "values": values}, separators=(",", ":"))
    response.set_cookie(
        FLASH_COOKIE,
        security.sign_value("flash", payload.encode().hex()),
        max_age=FLASH_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().is_production,
    )


def read_flash(cookie_header: str | None, form: str) -> dict | None:
    """The flash for `form` from a raw Cookie header (the Reflex socket has only that)."""
    raw = cookie_value(cookie_header, FLASH_COOKIE)
    value = security.unsign_value("flash", raw)
    if value is None:
        return None
    try:
        data = json.loads(bytes.fromhex(value).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("form") == form else None


def cookie_value(cookie_header: str | None, name: str) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header from some other site's cookie
        return _fallback_cookie_value(cookie_header, name)
    morsel = jar.get(name)
    return morsel.value if morsel else _fallback_cookie_value(cookie_header, name)


def _fallback_cookie_value(cookie_header: str, name: str) -> str | None:
    # SimpleCookie gives up on the whole header at the first odd cookie.
    for part in cookie_header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value
    return None
