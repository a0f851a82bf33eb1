"""Who is calling: the session cookie or a Bearer token, and the CSRF rule.

A request authenticated by cookie that changes state must carry the
session's CSRF token in `X-CSRF-Token`: a browser on another site can make the
browser send the cookie, but cannot read the token or set that header without
passing CORS. Bearer requests carry their credential explicitly and need none.
"""

from __future__ import annotations

import dataclasses

from fastapi import Depends, Request

from finucity.api.errors import ApiError
from finucity.services import accounts, security
from finucity.services.context import Actor
from finucity.telemetry import context
from finucity.web.client_ip import client_ip as forwarded_client_ip
from finucity.web.cookies import SESSION_COOKIE

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclasses.dataclass(frozen=True)
class Caller:
    actor: Actor
    via: str  # "cookie" | "bearer"
    session_id: str | None = None

    @property
    def csrf_token(self) -> str | None:
        return security.csrf_token_for(self.session_id) if self.session_id else None


def client_ip(request: Request) -> str | None:
    # X-Forwarded-For counts only from TRUSTED_PROXIES (web/client_ip.py).
    return forwarded_client_ip(request.client.host if request.client else None, request.headers)


def base_actor(request: Request) -> Actor:
    return Actor.anonymous(
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        channel="api",
        request_id=getattr(request.state, "request_id", None),
    )


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _known_caller(request: Request, caller: Caller) -> Caller:
    """Name the caller in this request's log lines (the access line included)."""
    request.state.user_id = str(caller.actor.user_id)
    context.user_id.set(request.state.user_id)
    return caller


async def optional_caller(request: Request) -> Caller | None:
    base = base_actor(request)
    if (token := _bearer(request)) is not None:
        found = await accounts.resolve_api_token_and_id(token)
        if found is None:
            raise ApiError(401, "The API token is not valid or was revoked.")
        user, token_id = found
        caller = Caller(actor=dataclasses.replace(base.as_user(user), api_token_id=token_id), via="bearer")
        return _known_caller(request, caller)
    resolved = await accounts.resolve_session(request.cookies.get(SESSION_COOKIE))
    if resolved is None:
        return None
    user, session = resolved
    return _known_caller(request, Caller(actor=base.as_user(user), via="cookie", session_id=str(session.id)))


async def current_caller(request: Request, caller: Caller | None = Depends(optional_caller)) -> Caller:
    if caller is None:
        raise ApiError(401, "Please sign in, or send an API token as 'Authorization: Bearer ...'.")
    unsafe_with_cookie = caller.via == "cookie" and request.method not in SAFE_METHODS
    if unsafe_with_cookie and not security.csrf_matches(caller.session_id or "", request.headers.get(CSRF_HEADER)):
        raise ApiError(403, "Missing or invalid CSRF token. Send the X-CSRF-Token header from /api/auth/me.")
    return caller


async def current_actor(caller: Caller = Depends(current_caller)) -> Actor:
    return caller.actor
