"""Tokens, hashes and password hashing: the small primitives, in one place."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from finucity.config import get_settings

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = _hasher.hash("finucity-timing-equaliser")

API_TOKEN_PREFIX = "fc_"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is the right hash."""
    return hashlib.sha256(token.encode()).hexdigest()


async def hash_password(password: str) -> str:
    # Argon2 is deliberately slow: keep it off the event loop.
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    # "!..." marks an account with no password yet (imported, to be set by a
    # reset link): it fails after the same work as a wrong password.
    usable = password_hash if password_hash and not password_hash.startswith("!") else None

    def verify() -> bool:
        try:
            return _hasher.verify(usable or _DUMMY_HASH, password) and usable is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def _sign(purpose: str, value: str) -> str:
    return hmac.new(get_settings().secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token_for(session_id: str) -> str:
    """The CSRF token of a session: derived, so nothing extra is stored."""
    return _sign("csrf", session_id)


def csrf_matches(session_id: str, candidate: str | None) -> bool:
    return bool(candidate) and hmac.compare_digest(csrf_token_for(session_id), candidate or "")


def sign_value(purpose: str, value: str) -> str:
    """`value.signature`, for small tamper-proof cookies (form flash messages)."""
    return f"{value}.{_sign(purpose, value)}"


def unsign_value(purpose: str, signed: str | None) -> str | None:
    if not signed or "." not in signed:
        return None
    value, _, signature = signed.rpartition(".")
    return value if hmac.compare_digest(_sign(purpose, value), signature) else None


def safe_next_path(candidate: object, default: str = "/chat") -> str:
    """Where to go after signing in: only a path on this site, never elsewhere.

    Rejects absolute URLs, scheme-relative `//host`, backslash tricks that
    browsers read as `//`, and control characters.
    """
    if not isinstance(candidate, str) or not candidate:
        return default
    from urllib.parse import unquote, urlsplit

    decoded = unquote(candidate)
    if (
        not candidate.startswith("/")
        or any(ord(ch) < 32 or ch == "\\" for ch in decoded)
        or decoded.startswith("//")
        or len(candidate) > 2000
    ):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    if parts.path.startswith(("/login", "/signup", "/auth/")):
        return default
    return candidate
