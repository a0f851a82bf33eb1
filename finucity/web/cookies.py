"""The app's cookies, by name, and how to read them from a raw Cookie header.

Both adapters need this: the API reads cookies from requests, and the Reflex
states from the Cookie header the websocket connected with. Writing cookies
on a response is the API's job (finucity/api/cookies.py).
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

from finucity.services import security

SESSION_COOKIE = "finucity_session"
FLASH_COOKIE = "finucity_flash"
FLASH_SECONDS = 120


def cookie_value(cookie_header: str | None, name: str) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # noqa: BLE001 (a malformed header from some other site's cookie)
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


def encode_flash(form: str, error: str, values: dict[str, str]) -> str:
    """The signed value of a flash cookie: a form error and what was typed (never the password)."""
    payload = json.dumps({"form": form, "error": error, "values": values}, separators=(",", ":"))
    return security.sign_value("flash", payload.encode().hex())


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
