"""Signing out in one tab empties every tab of that browser at once, open or closed.

Each tab keeps its own state on the server (in the worker's memory, or in Redis
with REDIS_URL), and tab states outlive sign-outs. The boundary already empties a
tab at its next event; these tests check that nobody has to click: right after the
sign-out returns, the stored state of the browser's other tabs holds nothing of the
user, and an open tab is sent to the sign-in page without sending anything (in a
browser: tests/browser/test_sign_out_tabs.py). Another browser of the same person,
with a session of its own, keeps its data. Both state stores are checked. A session
that expires ends at the tab's next event instead.

The stored state is read two ways: Redis's keys, as an auditor would; and, for
either store, by opening the closed tab's token with the cookie of the same
person's other session and asking only for `hydrate` (the whole stored state, no
page load): a state still bound to that person comes back as it is.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.browser.conftest import PASSWORD
from tests.security.conftest import ProbeTab, holds_user_data, live_db, make_owner
from tests.support.live_server import LiveServer, run_async, run_live_server
from tests.support.reflex_socket import root_event

LEAVE = "window.location.replace"


@pytest.fixture(scope="module", params=["redis", "memory"])
def server(request, live_server, tmp_path_factory) -> Iterator[LiveServer]:
    """The folder's server (Redis holds the tabs' state), or one keeping it in memory."""
    if request.param == "redis":
        if not live_server.redis_url:
            pytest.skip("Redis is not running at 127.0.0.1:6379")
        yield live_server
        return
    with run_live_server(live_server.fake, tmp_path_factory.mktemp("memory-state")) as memory_server:
        memory_server.redis_url = None
        yield memory_server


def _redis(server: LiveServer):
    import redis

    return redis.Redis.from_url(server.redis_url) if server.redis_url else None


def _is_loaded(frame: str) -> bool:
    return '"is_hydrated_rx_state_": true' in frame


def _sign_out(base_url: str, cookie: str) -> None:
    """The sidebar's sign-out form, posted by the tab that signs out."""
    response = httpx.post(
        f"{base_url}/auth/logout", headers={"Origin": base_url, "Cookie": cookie}, follow_redirects=False, timeout=30
    )
    assert response.status_code == 303 and "signed_out=1" in response.headers["location"], response.text


def _sign_in_again(base_url: str, email: str) -> str:
    """The same person in another browser: a session of its own."""
    response = httpx.post(
        f"{base_url}/api/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"Origin": base_url},
        timeout=20,
    )
    assert response.status_code == 200, response.text
    return f"finucity_session={response.cookies['finucity_session']}"


async def _open(tab: ProbeTab, owner) -> list[str]:
    """Load the conversation's page in the tab; the frames that answered."""
    seen = len(tab.frames)
    path = f"/chat/{owner['conversation']}"
    await tab.send_to(root_event("hydrate_and_load"), {}, path=path, query={"conversation_id": owner["conversation"]})
    # (wait_for also reads the frames of earlier loads.)
    await tab.wait_for(lambda _: any(map(_is_loaded, tab.frames[seen:])), what="the page load")
    return tab.frames[seen:]


async def _hydrate_only(base_url: str, token: str, cookie: str) -> list[str]:
    """The tab's whole stored state, as the same person's other session gets it."""
    async with ProbeTab(base_url, token, cookie) as tab:
        await tab.send_to(root_event("hydrate"), {}, path="/login")
        await tab.wait_for(lambda f: '"is_hydrated_rx_state_": false' in f, what="the hydration")
        return tab.frames


async def _sign_out_beside_open_tabs(base_url: str, owner, other_browser: str, stored) -> dict:
    """Tab B (this browser) and tab D (another browser) open and idle, tab C closed;
    the browser signs out. What each tab's stored state and socket show right after."""
    cookie = owner["user"].cookie
    closed = uuid.uuid4().hex
    async with ProbeTab(base_url, closed, cookie) as tab_c:
        await _open(tab_c, owner)
    async with (
        ProbeTab(base_url, uuid.uuid4().hex, cookie) as tab_b,
        ProbeTab(base_url, uuid.uuid4().hex, other_browser) as tab_d,
    ):
        await _open(tab_b, owner)
        await _open(tab_d, owner)
        tokens = {"b": tab_b.token, "c": closed, "d": tab_d.token}
        before = {k: stored(t) for k, t in tokens.items()}
        seen_by_b = len(tab_b.frames)
        await asyncio.to_thread(_sign_out, base_url, cookie)
        # Read before anything else happens: no tab has sent an event since.
        after = {k: stored(t) for k, t in tokens.items()}
        # Tab B, without sending anything, is told to leave for the sign-in page.
        await tab_b.wait_for(lambda f: LEAVE in f and "signed_out=1" in f, what="tab B sent to sign in")
        pushed_to_b = tab_b.frames[seen_by_b:]
        # Tab D is left alone: it loads its page again and still sees its data.
        pushed_to_d = await _open(tab_d, owner)
    # Every tab closed now: what their stored states give the same person's other session.
    hydrated = {k: await _hydrate_only(base_url, t, other_browser) for k, t in tokens.items()}
    return {
        "before": before,
        "after": after,
        "pushed_to_b": pushed_to_b,
        "pushed_to_d": pushed_to_d,
        "hydrated": {k: any(owner["secret"] in f for f in frames) for k, frames in hydrated.items()},
    }


def test_signing_out_empties_the_browsers_other_tabs_open_or_closed(server):
    owner = make_owner(server.url)
    other_browser = _sign_in_again(server.url, owner["user"].email)
    redis_client = _redis(server)

    def stored(token: str) -> bool | None:
        return holds_user_data(redis_client, token, owner) if redis_client else None

    seen = run_async(_sign_out_beside_open_tabs(server.url, owner, other_browser, stored))
    if redis_client:
        assert seen["before"] == {"b": True, "c": True, "d": True}, "the probe cannot see the data it looks for"
        assert seen["after"]["b"] is False, "the open tab's stored state still holds the user's data"
        assert seen["after"]["c"] is False, "the closed tab's stored state still holds the user's data"
        assert seen["after"]["d"] is True, "the other browser's session lost its tab"
        redis_client.close()
    # What reached tab B emptied it and showed nothing of the user.
    assert not [f for f in seen["pushed_to_b"] if owner["secret"] in f]
    assert any('"messages_rx_state_": []' in f for f in seen["pushed_to_b"]), seen["pushed_to_b"]
    assert not [f for f in seen["pushed_to_d"] if LEAVE in f]
    assert any(owner["secret"] in f for f in seen["pushed_to_d"])
    # In either store: the other session gets tab D back whole, and nothing of B or C.
    assert seen["hydrated"] == {"b": False, "c": False, "d": True}


async def _event_after_expiry(base_url: str, owner, expire) -> tuple[list[str], str]:
    async with ProbeTab(base_url, uuid.uuid4().hex, owner["user"].cookie) as tab:
        await _open(tab, owner)
        await asyncio.to_thread(expire)
        seen = len(tab.frames)
        # Any event of the tab, here the page loading again.
        path, query = f"/chat/{owner['conversation']}", {"conversation_id": owner["conversation"]}
        await tab.send_to(root_event("hydrate_and_load"), {}, path=path, query=query)
        await tab.wait_for(lambda f: "/login?next=" in f, what="the tab sent to sign in")
        return tab.frames[seen:], tab.token


def test_an_open_tab_whose_session_expired_is_emptied_at_its_next_event(live_server, redis_client, owner):
    def expire() -> None:
        with live_db(live_server, write=True) as conn:
            conn.execute(
                "UPDATE sessions SET expires_at = '2000-01-01 00:00:00.000000' WHERE user_id = ?",
                (uuid.UUID(owner["user"].id).hex,),
            )

    frames, token = run_async(_event_after_expiry(live_server.url, owner, expire))
    assert not [f for f in frames if owner["secret"] in f]
    assert not holds_user_data(redis_client, token, owner)
