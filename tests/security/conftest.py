"""Fixtures for the attack tests: the live app (the browser tests' server), raw sockets,
accounts made over HTTP, and the live database read directly, as an auditor would.

The in-process API fixtures (`api`, `app`) come from tests/api/conftest.py and the
live production server from tests/browser/conftest.py, so these tests probe the
same app the rest of the suite drives.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid

import httpx
import pytest

from tests.api.conftest import Api, ApiUser, api, app  # noqa: F401  (fixtures)
from tests.browser.conftest import PASSWORD, fake, live_server  # noqa: F401  (fixtures)
from tests.support.reflex_socket import EVENT_PREFIX, RawTab


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/security/" in str(item.fspath) and "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


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


def live_db(server) -> sqlite3.Connection:
    """The live server's SQLite file, opened read-only."""
    path = server.database_url.removeprefix("sqlite:///")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


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
