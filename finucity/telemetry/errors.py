"""Error reports to Sentry when SENTRY_DSN is set; nothing otherwise.

A report carries what an operator needs to find the failure (the exception,
its stack without local variables, the request id, route and user id) and
nothing a user typed or a client holds: no request bodies, cookies, auth or
CSRF headers, query strings or local variables, and every text that remains
goes through the same redaction as the logs.
"""

from __future__ import annotations

import logging
from typing import Any

from finucity.config import VERSION, get_settings
from finucity.telemetry import context
from finucity.telemetry.logs import MASK, redact

log = logging.getLogger("finucity.telemetry")

_SECRET_HEADERS = {"cookie", "authorization", "x-csrf-token", "proxy-authorization", "set-cookie"}


def init_error_reports() -> bool:
    """Start the Sentry client if configured; True when it was started."""
    settings = get_settings()
    if settings.sentry_dsn is None:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.env,
        release=f"finucity-chat@{VERSION}",
        data_collection={
            "user_info": False,
            "http_bodies": [],  # bodies carry questions and passwords
            "database_query_data": False,
            "stack_frame_variables": False,  # a frame's locals hold questions and answers
        },
        traces_sample_rate=settings.sentry_traces_sample_rate,
        before_send=scrub_event,
        before_breadcrumb=_scrub_breadcrumb,
    )
    log.info("Error reports go to Sentry (environment %s).", settings.env)
    return True


def scrub_event(event: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as it may leave: tagged with the log context, stripped of secrets."""
    tags = event.setdefault("tags", {})
    for name, value in context.current().items():
        if name == "user_id":
            event["user"] = {"id": value}
        else:
            tags[name] = value
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        if request.get("query_string"):
            request["query_string"] = MASK
        headers = request.get("headers")
        if isinstance(headers, dict):
            for name in list(headers):
                if name.lower() in _SECRET_HEADERS:
                    headers[name] = MASK
    return _redact_strings(event)


def _scrub_breadcrumb(crumb: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    return _redact_strings(crumb)


def _redact_strings(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_strings(item) for item in value]
    return value
