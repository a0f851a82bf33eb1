"""What a tab's state holds after sign-out, after the tab closes and after the session
expires, read straight from Redis (Reflex's state manager on the live server here).

A tab's state is keyed by its tab token and lives `redis_token_expiration` seconds
(3,600, Reflex's default) after its last write, in Redis or in memory alike. The
boundary (states/boundary.py) empties it of the previous user's data at the tab's
next event, before anything is sent.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.security.conftest import ProbeTab, live_db, live_signup
from tests.support.live_server import run_async
from tests.support.reflex_socket import root_event

STATE_LIFETIME_S = 3600


@pytest.fixture
def redis_client(live_server):
    if not getattr(live_server, "redis_url", None):
        pytest.skip("Redis is not running at 127.0.0.1:6379: the live server keeps tab state in memory")
    import redis

    client = redis.Redis.from_url(live_server.redis_url)
    yield client
    client.close()


@pytest.fixture
def owner(live_server):
    name = f"Tabowner {uuid.uuid4().hex[:8]}"
    user = live_signup(live_server.url, name)
    secret = f"tabsecret{uuid.uuid4().hex[:8]}"
    headers = {"Origin": live_server.url, "X-CSRF-Token": user.csrf}
    with httpx.Client(base_url=live_server.url, headers=headers, cookies={"finucity_session": user.session}) as c:
        sent = c.post("/api/send-message", json={"message": f"Question {secret}"}, timeout=60)
        assert sent.status_code == 200, sent.text
    return {"user": user, "secret": secret, "name": name, "conversation": sent.json()["conversation_id"]}


def stored(redis_client, token: str) -> list[tuple[bytes, int]]:
    """Every key of the tab's state in Redis: (value, seconds left)."""
    keys = list(redis_client.scan_iter(match=f"*{token}*", count=1000))
    return [(redis_client.get(k) or b"", redis_client.ttl(k)) for k in keys]


def holds_user_data(redis_client, token: str, owner) -> bool:
    marks = [owner["secret"], owner["user"].email, owner["name"]]
    return any(m.encode() in value for value, _ in stored(redis_client, token) for m in marks)


async def _load(base_url: str, token: str, cookie: str | None, path: str, query: dict, wait_for: str | None) -> None:
    async with ProbeTab(base_url, token, cookie) as tab:
        await tab.send_to(root_event("hydrate_and_load"), {}, path=path, query=query)
        await tab.wait_for(lambda f: '"is_hydrated_rx_state_": true' in f, what="the page load")
        if wait_for:
            await tab.wait_for(lambda f: wait_for in f, what="the owner's data")


def open_then_close(live_server, owner) -> str:
    token = uuid.uuid4().hex
    path = f"/chat/{owner['conversation']}"
    query = {"conversation_id": owner["conversation"]}
    run_async(_load(live_server.url, token, owner["user"].cookie, path, query, owner["secret"]))
    return token


def test_a_closed_tab_keeps_its_state_for_at_most_an_hour(live_server, redis_client, owner):
    token = open_then_close(live_server, owner)
    kept = stored(redis_client, token)
    assert kept, "the tab's state is not in Redis"
    assert all(0 < ttl <= STATE_LIFETIME_S for _, ttl in kept), [ttl for _, ttl in kept]
    # (It does hold the owner's data: only the owner's cookie gets it back, test_tab_boundary.py.)
    assert holds_user_data(redis_client, token, owner)


def test_after_sign_out_the_tabs_state_holds_nothing_of_the_user(live_server, redis_client, owner):
    token = open_then_close(live_server, owner)
    signed_out = httpx.post(
        f"{live_server.url}/auth/logout",
        headers={"Origin": live_server.url, "Cookie": owner["user"].cookie},
        follow_redirects=False,
        timeout=20,
    )
    assert signed_out.status_code == 303 and "/login" in signed_out.headers["location"]
    # The sign-out page loads in the same tab (same token), now without the cookie.
    run_async(_load(live_server.url, token, None, "/login", {"signed_out": "1"}, None))
    assert stored(redis_client, token)
    assert not holds_user_data(redis_client, token, owner)


def test_after_the_session_expires_the_tabs_state_holds_nothing_of_the_user(live_server, redis_client, owner):
    token = open_then_close(live_server, owner)
    with live_db(live_server, write=True) as conn:
        conn.execute(
            "UPDATE sessions SET expires_at = '2000-01-01 00:00:00.000000' WHERE user_id = ?",
            (uuid.UUID(owner["user"].id).hex,),
        )
    # The tab comes back with its old cookie, now expired.
    path = f"/chat/{owner['conversation']}"
    run_async(
        _load(live_server.url, token, owner["user"].cookie, path, {"conversation_id": owner["conversation"]}, None)
    )
    assert not holds_user_data(redis_client, token, owner)
