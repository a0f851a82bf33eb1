"""The log context: who and what a log line is about, without passing it around.

The API middleware binds the request id and route of each HTTP request; the
Reflex tab boundary binds the event name and, once known, the user id. Every
log line made while that work runs carries them (see telemetry.logs).
"""

from __future__ import annotations

import contextvars
import uuid

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("finucity_request_id", default=None)
user_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("finucity_user_id", default=None)
# An HTTP route template ("/api/conversation/{conversation_id}") or a Reflex event name.
route: contextvars.ContextVar[str | None] = contextvars.ContextVar("finucity_route", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current() -> dict[str, str]:
    """The bound fields that have a value, for a log line or an error report."""
    fields = {"request_id": request_id.get(), "user_id": user_id.get(), "route": route.get()}
    return {name: value for name, value in fields.items() if value}
