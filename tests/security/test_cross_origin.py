"""Requests from other sites, against the live server: CORS answers only the
ALLOWED_ORIGINS, the websocket refuses other origins, and cookie-authenticated
requests that change something are refused without the CSRF token (a plain HTML
form on another site can send the cookie, never the header).
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.security.conftest import live_db, live_signup
from tests.support.live_server import run_async

EVIL = "https://evil.example"


def test_cors_answers_only_allowed_origins(live_server):
    for origin, allowed in ((live_server.url, True), (EVIL, False), ("null", False)):
        preflight = httpx.options(
            f"{live_server.url}/api/send-message",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-csrf-token",
            },
            timeout=20,
        )
        granted = preflight.headers.get("access-control-allow-origin")
        assert (granted == origin) == allowed, (origin, preflight.status_code, dict(preflight.headers))
        assert granted != "*"
        read = httpx.get(f"{live_server.url}/api/auth/me", headers={"Origin": origin}, timeout=20)
        assert (read.headers.get("access-control-allow-origin") == origin) == allowed


async def _open_socket(base_url: str, origin: str) -> str:
    url = base_url.replace("http", "ws", 1) + f"/_event/?EIO=4&transport=websocket&token={uuid.uuid4().hex}"
    try:
        async with connect(url, additional_headers={"Origin": origin}, open_timeout=10) as socket:
            first = await asyncio.wait_for(socket.recv(), 10)
            await socket.send("40/_event,")
            joined = await asyncio.wait_for(socket.recv(), 10)
            return f"open: {first} {joined}"
    except InvalidStatus as exc:
        return f"refused: {exc.response.status_code}"
    except (OSError, TimeoutError, ConnectionClosed) as exc:  # closed by the server after the handshake
        return f"closed: {type(exc).__name__}"


@pytest.mark.parametrize("origin", [EVIL, "http://127.0.0.1:1", "null"])
def test_the_websocket_refuses_other_origins(live_server, origin):
    assert run_async(_open_socket(live_server.url, live_server.url)).startswith("open: 0")
    outcome = run_async(_open_socket(live_server.url, origin))
    assert not outcome.startswith("open:"), outcome


def test_a_cross_site_form_cannot_act_with_the_cookie(live_server):
    victim = live_signup(live_server.url, "Form Victim")
    headers = {"Origin": EVIL, "Cookie": victim.cookie}
    marker = f"forged-{uuid.uuid4().hex[:8]}"
    attempts = [
        httpx.post(f"{live_server.url}/api/send-message", data={"message": marker}, headers=headers, timeout=20),
        httpx.post(
            f"{live_server.url}/api/send-message",
            content=f'{{"message": "{marker}"}}',
            headers={**headers, "Content-Type": "text/plain"},
            timeout=20,
        ),
        httpx.post(f"{live_server.url}/api/tokens", json={"name": marker}, headers=headers, timeout=20),
        httpx.request("DELETE", f"{live_server.url}/api/me", json={"password": "x"}, headers=headers, timeout=20),
    ]
    for response in attempts:
        assert response.status_code in (403, 422), (response.status_code, response.text)
    # The form sign-out from another site does not sign the victim out (logout CSRF).
    httpx.post(f"{live_server.url}/auth/logout", headers=headers, follow_redirects=False, timeout=20)
    me = httpx.get(f"{live_server.url}/api/auth/me", headers={"Cookie": victim.cookie}, timeout=20)
    assert me.status_code == 200
    with live_db(live_server) as conn:
        stored = conn.execute("SELECT count(*) FROM messages WHERE content LIKE ?", (f"%{marker}%",)).fetchone()[0]
        tokens = conn.execute("SELECT count(*) FROM api_tokens WHERE name = ?", (marker,)).fetchone()[0]
    assert stored == tokens == 0
