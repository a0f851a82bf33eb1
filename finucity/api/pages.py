"""Signed-out visitors of protected pages are sent to /login before any HTML.

This is a convenience for full page loads in the production server (one port):
the page shell never flashes. It is not the security boundary; every Reflex
event handler and API route checks the session itself.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.types import ASGIApp, Receive, Scope, Send

from finucity.services import accounts
from finucity.web.cookies import SESSION_COOKIE, cookie_value

PROTECTED_PREFIXES = ("/chat", "/admin")
NOT_PAGES = ("/chat/api/",)


def is_protected_page(path: str) -> bool:
    if path.startswith(NOT_PAGES):
        return False
    return any(path == p or path.startswith(p + "/") for p in PROTECTED_PREFIXES)


class PageGuardMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and is_protected_page(scope["path"]):
            headers = dict(scope.get("headers", []))
            accepts_html = b"text/html" in headers.get(b"accept", b"")
            token = cookie_value(headers.get(b"cookie", b"").decode("latin-1"), SESSION_COOKIE)
            if accepts_html and await accounts.resolve_session(token) is None:
                target = scope["path"] + (
                    f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else ""
                )
                location = f"/login?next={quote(target, safe='/')}"
                await send(
                    {
                        "type": "http.response.start",
                        "status": 303,
                        "headers": [(b"location", location.encode()), (b"content-length", b"0")],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
