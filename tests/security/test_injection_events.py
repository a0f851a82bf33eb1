"""Injection strings in every text argument of every event handler, over a real
websocket, by a signed-in user acting on their own conversation (so the handlers
reach their services): SQL metacharacters, path traversal, NUL, lone surrogates,
text that was overlong UTF-8, 200 KB strings, and 1 MB messages (which the
socket refuses by closing). The tab keeps working, nothing
unstorable is stored, nothing fails with a traceback, and the server stays up.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid

import httpx
from websockets.exceptions import ConnectionClosed

from tests.security.conftest import ProbeTab, live_db, live_signup
from tests.security.test_handler_authorization import app_handlers
from tests.support.live_server import run_async
from tests.support.reflex_socket import root_event, state_event

PAYLOADS = [
    "'; DROP TABLE conversations; --",
    "../../../../etc/passwd",
    "nul\x00byte",
    "lone \ud800 surrogate",
    "\xc0\xaf overlong slash as Latin-1",
    "%00%2e%2e%2f",
    "<script>alert(1)</script>",
    "x" * 200_000,
]
# Over Socket.IO's 1,000,000-byte message limit: the server closes that connection.
HUGE = "x" * 1_000_000


def _text_params(handler) -> list[tuple[str, str]]:
    return [
        (p.name, "dict" if p.annotation in ("dict", dict) else "str")
        for p in list(inspect.signature(handler.fn).parameters.values())[1:]
        if p.annotation in ("str", str, "dict", dict)
    ]


async def _send_all(base_url: str, cookie: str, conversation: str, handlers) -> int:
    path, query = f"/chat/{conversation}", {"conversation_id": conversation}
    sent = 0
    async with ProbeTab(base_url, uuid.uuid4().hex, cookie) as tab:
        await tab.send_to(root_event("hydrate_and_load"), {}, path=path, query=query)
        for state_class, name, handler in handlers:
            params = _text_params(handler)
            for payload in PAYLOADS:
                args = {
                    p: ({"title": payload, "comment": payload, "q": payload} if kind == "dict" else payload)
                    for p, kind in params
                }
                await tab.send_to(state_event(state_class, name), args, path=path, query=query)
                sent += 1
        await tab.send_to(root_event("hydrate"), {}, path=path, query=query)
        await tab.wait_for_hydrations(2, timeout=90)
    return sent


async def _send_huge(base_url: str, cookie: str, name: str) -> str:
    """Send one 1 MB event, then `hydrate`: "answered" or "closed" (by the server)."""
    async with ProbeTab(base_url, uuid.uuid4().hex, cookie) as tab:
        try:
            await tab.send_to(name, {"value": HUGE, "text": HUGE}, path="/chat")
            await tab.send_to(root_event("hydrate"), {}, path="/chat")
        except (ConnectionClosed, OSError):
            return "closed"
        async with asyncio.timeout(60):
            while True:
                if any('"is_hydrated_rx_state_": false' in f for f in tab.frames):
                    return "answered"
                if tab._reader is not None and tab._reader.done():
                    return "closed"
                await asyncio.sleep(0.05)


def test_injection_strings_in_every_handler_leave_the_server_up(live_server):
    user = live_signup(live_server.url, "Event Prober")
    headers = {"Origin": live_server.url, "X-CSRF-Token": user.csrf}
    with httpx.Client(base_url=live_server.url, headers=headers, cookies={"finucity_session": user.session}) as c:
        conversation = c.post("/api/send-message", json={"message": "first question"}, timeout=60).json()[
            "conversation_id"
        ]
    handlers = [h for h in app_handlers() if _text_params(h[2])]
    assert len(handlers) >= 10
    log_before = live_server.log_path.read_text(errors="replace").count("Traceback")

    sent = run_async(_send_all(live_server.url, user.cookie, conversation, handlers))

    assert sent == len(handlers) * len(PAYLOADS)
    for state_class, name, _ in handlers[:3]:
        assert run_async(_send_huge(live_server.url, user.cookie, state_event(state_class, name))) in (
            "closed",
            "answered",
        )
    assert httpx.get(f"{live_server.url}/health", timeout=20).status_code == 200
    uid = uuid.UUID(user.id).hex
    with live_db(live_server) as conn:
        texts = [
            row[0]
            for row in conn.execute(
                "SELECT title FROM conversations WHERE user_id = ? UNION ALL SELECT m.content FROM messages m"
                " JOIN conversations c ON c.id = m.conversation_id WHERE c.user_id = ?",
                (uid, uid),
            )
        ]
        assert conn.execute("SELECT count(*) FROM conversations").fetchone()[0] > 0
    assert texts and not [t[:40] for t in texts if "\x00" in t or len(t) > 20_000]
    log = live_server.log_path.read_text(errors="replace")
    assert log.count("Traceback") == log_before, log[-3000:]
