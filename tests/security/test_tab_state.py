"""What a tab's state holds after sign-out, after the tab closes and after the session
expires, read straight from Redis (Reflex's state manager on the live server here).

A tab's state is keyed by its tab token and lives `TAB_STATE_TTL_S` seconds (3,600,
rxconfig's `redis_token_expiration`) after its last write, in Redis or in memory
alike. The boundary (states/boundary.py) empties it of the previous user's data at
the tab's next event, before anything is sent; ending a session empties its tabs
at once (test_tab_state_after_signout.py).
"""

from __future__ import annotations

import uuid

import httpx

from tests.security.conftest import ProbeTab, holds_user_data, live_db, stored
from tests.support.live_server import run_async
from tests.support.reflex_socket import root_event

STATE_LIFETIME_S = 3600


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
