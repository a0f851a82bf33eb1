"""Fixtures for the attack tests: the live app, raw sockets, accounts made over HTTP,
and the live database and Redis read directly, as an auditor would.

The in-process API fixtures (`api`, `app`) come from tests/api/conftest.py. The live
production server is the browser tests' (tests/support/live_server.py, the same fake
model and scripts), started once for this folder with Redis as Reflex's state
manager (a database number of its own), so the probes also show what a tab's state
leaves in Redis. Without Redis it runs on memory state and the Redis checks skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import Api, ApiUser, api, app  # noqa: F401  (fixtures)
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    CHROMIUM,
    PASSWORD,
    browser_context_args,
    browser_type_launch_args,
    fake,
    new_account,
    register_scripts,
    sign_in,
)
from tests.fakes.fake_openai import FakeOpenAI
from tests.support.live_server import LiveServer, ServerFailed, run_live_server
from tests.support.reflex_socket import EVENT_PREFIX, RawTab

REDIS_DB = 13
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The production server with the fake model, and Redis holding the tabs' state.

    On a machine too loaded for the build's 10-second prerender of each page, the
    server starts again without prerendering (REFLEX_SSR=false): the pages then
    render in the browser, and nothing these tests probe changes."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    fake_model = FakeOpenAI().start()
    register_scripts(fake_model)
    settings = {"REDIS_URL": REDIS_URL} if redis_answers() else {}
    try:
        with contextlib.ExitStack() as stack:
            for attempt in ({}, {"REFLEX_SSR": "false"}):
                try:
                    data = tmp_path_factory.mktemp("security-live")
                    server = stack.enter_context(run_live_server(fake_model, data, **settings, **attempt))
                    break
                except ServerFailed as exc:
                    if attempt or "Prerender" not in str(exc):
                        pytest.fail(str(exc))
            server.redis_url = settings.get("REDIS_URL")
            yield server
    finally:
        fake_model.stop()


@dataclasses.dataclass
class LiveUser:
    """An account on the live server, signed in through the JSON API."""

    id: str
    email: str
    name: str
    session: str  # the raw session cookie value
    csrf: str

    @property
    def cookie(self) -> str:
        return f"finucity_session={self.session}"


def live_signup(base_url: str, name: str = "Someone Else") -> LiveUser:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    response = httpx.post(
        f"{base_url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": name},
        headers={"Origin": base_url},
        timeout=20,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return LiveUser(body["user"]["id"], email, name, response.cookies["finucity_session"], body["csrf_token"])


def live_db(server, *, write: bool = False) -> sqlite3.Connection:
    """The live server's SQLite file (read-only unless `write`)."""
    path = server.database_url.removeprefix("sqlite:///")
    return sqlite3.connect(f"file:{path}?mode={'rw' if write else 'ro'}", uri=True, timeout=10)


class ProbeTab(RawTab):
    """A raw tab that also sends the page's route parameters (`/chat/<id>` gives
    `conversation_id`), as Reflex's JavaScript does."""

    async def send_to(self, name: str, payload: dict | None, *, path: str, query: dict | None = None) -> None:
        import json

        event = {
            "name": name,
            "payload": payload or {},
            "router_data": {"pathname": path, "asPath": path, "query": query or {}},
        }
        assert self._socket is not None
        await self._socket.send(EVENT_PREFIX + json.dumps(["event", event]))

    async def wait_for_hydrations(self, count: int, *, timeout: float = 30.0) -> None:
        """Until `count` hydration deltas came back: a tab's events are handled in order,
        so the last `hydrate` sent answers after every event before it."""

        def seen() -> int:
            return sum('"is_hydrated_rx_state_": false' in f for f in self.frames)

        try:
            async with asyncio.timeout(timeout):
                while seen() < count:
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(f"{seen()} of {count} hydrations came back in {timeout}s") from None


# --- what a tab leaves in Redis (test_tab_state*.py) ------------------------------------


@pytest.fixture
def redis_client(live_server):
    if not getattr(live_server, "redis_url", None):
        pytest.skip("Redis is not running at 127.0.0.1:6379: the live server keeps tab state in memory")
    import redis

    client = redis.Redis.from_url(live_server.redis_url)
    yield client
    client.close()


def make_owner(base_url: str) -> dict:
    """A user with one conversation, and the marks of their data a probe looks for."""
    name = f"Tabowner {uuid.uuid4().hex[:8]}"
    user = live_signup(base_url, name)
    secret = f"tabsecret{uuid.uuid4().hex[:8]}"
    headers = {"Origin": base_url, "X-CSRF-Token": user.csrf}
    with httpx.Client(base_url=base_url, headers=headers, cookies={"finucity_session": user.session}) as c:
        sent = c.post("/api/send-message", json={"message": f"Question {secret}"}, timeout=60)
        assert sent.status_code == 200, sent.text
    return {"user": user, "secret": secret, "name": name, "conversation": sent.json()["conversation_id"]}


@pytest.fixture
def owner(live_server):
    return make_owner(live_server.url)


def stored(redis_client, token: str) -> list[tuple[bytes, int]]:
    """Every key of the tab's state in Redis: (value, seconds left)."""
    keys = list(redis_client.scan_iter(match=f"*{token}*", count=1000))
    return [(redis_client.get(k) or b"", redis_client.ttl(k)) for k in keys]


def holds_user_data(redis_client, token: str, owner) -> bool:
    marks = [owner["secret"], owner["user"].email, owner["name"]]
    return any(m.encode() in value for value, _ in stored(redis_client, token) for m in marks)
