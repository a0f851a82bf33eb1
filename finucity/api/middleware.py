"""Plain ASGI middleware (no BaseHTTPMiddleware: it would buffer SSE streams).

- Every HTTP response carries `X-Request-ID` (the client's, if sane) and
  `X-Response-Time` (time to the response headers). The request id, and the
  route once matched, are bound to the log context for the request's lines.
- Every API request is counted and timed by route template and status
  (Prometheus), and logged in one line when it ends.
- Request bodies over `MAX_BODY_BYTES` are refused with 413 before they are
  read into memory.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from finucity.telemetry import context, metrics

log = logging.getLogger("finucity.api")
access_log = logging.getLogger("finucity.access")

MAX_BODY_BYTES = 64 * 1024
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _SANE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        bound = context.request_id.set(request_id)

        response_started = False
        status = 500
        elapsed_ms = 0.0

        async def send_with_headers(message: Message) -> None:
            nonlocal response_started, status, elapsed_ms
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                elapsed_ms = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-response-time", f"{elapsed_ms:.1f}ms".encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            status = 500
            # Answer unexpected errors here, not in Starlette's outermost
            # handler, so even a 500 carries the request id a user can quote.
            log.exception("Unhandled error (%s %s, request %s)", scope["method"], scope["path"], request_id)
            if response_started:
                raise
            body = json.dumps({"success": False, "error": "Internal server error", "request_id": request_id}).encode()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": body})
        finally:
            _record(scope, status, elapsed_ms)
            context.request_id.reset(bound)


def _record(scope: Scope, status: int, elapsed_ms: float) -> None:
    """Count, time and log one request. Only the API's routes are logged: the
    compiled pages and their assets would bury them."""
    template = _route_template(scope)
    method = scope["method"]
    label = template or ("/api/<unmatched>" if scope["path"].startswith("/api/") else "<pages>")
    metrics.http_requests.labels(method, label, str(status)).inc()
    metrics.http_latency.labels(method, label).observe(elapsed_ms / 1000)
    if template is None and status < 500:
        return
    outcome = "ok" if status < 400 else ("client error" if status < 500 else "server error")
    # The caller is known only inside the route (api/deps.py leaves it on the scope).
    user = scope.get("state", {}).get("user_id")
    bound = context.route.set(label), context.user_id.set(user)
    try:
        access_log.info(
            "%s %s %s",
            method,
            label,
            status,
            extra={"method": method, "status": status, "duration_ms": round(elapsed_ms, 1), "outcome": outcome},
        )
    finally:
        context.route.reset(bound[0])
        context.user_id.reset(bound[1])


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(send, self.max_bytes)
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.max_bytes)


class _BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing re-raises it untouched."""

    def __init__(self, limit: int):
        super().__init__(413, f"The request body is larger than {limit // 1024} KB.")


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"success": False, "error": f"The request body is larger than {limit // 1024} KB."}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _route_template(scope: Scope) -> str | None:
    """`/api/conversation/{conversation_id}` for `/api/conversation/3f2a...`.

    FastAPI leaves the matched route on the scope with its path as declared in
    its router, without the prefix it was included under (`/api`,
    `/chat/api`): the prefix is what the request path has in front of it."""
    declared = getattr(scope.get("route"), "path", None)
    if not declared:  # no route, or a Mount (the compiled pages)
        return None
    actual = [part for part in scope["path"].split("/") if part]
    own = [part for part in declared.split("/") if part]
    prefix = actual[: max(0, len(actual) - len(own))]
    return "/" + "/".join(prefix + own)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None
