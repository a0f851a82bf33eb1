"""Fixtures for the REST API tests: an in-process client, users made through the API.

The app is built once per session (`create_api()` holds no state of its own:
settings, database and rate limits are read at request time) and reached
through `httpx.ASGITransport`, which runs every request in the test's event
loop. Note that this transport collects a streaming body completely before it
returns, so tests that need a live stream (a client that goes away) use
`live_server`, a real uvicorn server in the same loop.

Every test picks its database itself (`database` = SQLite and PostgreSQL,
`sqlite_database` = SQLite only); `api` refuses to run without one, so no
test can write to the developer's own database by accident.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from finucity import db
from finucity.models import ApiToken, AuditLog, Conversation, Message, User
from finucity.services import accounts
from finucity.services.context import Actor, read_only
from tests.support.waiting import wait_until  # noqa: F401  (re-exported for the API tests)

BASE_URL = "http://testserver"
PASSWORD = "a perfectly fine passphrase"
SESSION_COOKIE = "finucity_session"
NOT_FOUND = {"success": False, "error": "Conversation not found"}
RATE_LIMITED = "Rate limit exceeded. Please try again later."


# --- the app and clients ----------------------------------------------------------------


@pytest.fixture(scope="session")
def app():
    from finucity.api import create_api

    return create_api()


@dataclasses.dataclass
class ApiUser:
    """A user made through the API, with the cookie client that signed them up."""

    id: str
    email: str
    full_name: str
    password: str
    client: httpx.AsyncClient  # carries the session cookie
    csrf: str

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(self.id)

    @property
    def csrf_headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}

    @property
    def session_cookie(self) -> str:
        value = self.client.cookies.get(SESSION_COOKIE)
        assert value, "the client holds no session cookie"
        return value


class Api:
    """Clients and users for one test. Everything goes through the HTTP API."""

    def __init__(self, app) -> None:
        self.app = app
        self._clients: list[httpx.AsyncClient] = []

    def client(self, *, headers: dict[str, str] | None = None, raise_app_exceptions: bool = False) -> httpx.AsyncClient:
        """A fresh client with its own cookie jar.

        An unhandled error reaches the test as the 500 a user would get (its
        traceback is in the captured log), not as an exception in the client.
        """
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=raise_app_exceptions)
        client = httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers or {})
        self._clients.append(client)
        return client

    async def signup(
        self,
        email: str | None = None,
        *,
        full_name: str = "Asha Verma",
        password: str = PASSWORD,
        client: httpx.AsyncClient | None = None,
    ) -> ApiUser:
        client = client or self.client()
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
        response = await client.post(
            "/api/auth/signup", json={"email": email, "password": password, "full_name": full_name}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["csrf_token"]
        return ApiUser(
            id=body["user"]["id"],
            email=body["user"]["email"],
            full_name=body["user"]["full_name"],
            password=password,
            client=client,
            csrf=body["csrf_token"],
        )

    async def login(self, user: ApiUser) -> ApiUser:
        """A second, independent cookie session of the same user."""
        client = self.client()
        response = await client.post("/api/auth/login", json={"email": user.email, "password": user.password})
        assert response.status_code == 200, response.text
        return dataclasses.replace(user, client=client, csrf=response.json()["csrf_token"])

    async def create_token(self, user: ApiUser, name: str = "script") -> dict[str, Any]:
        response = await user.client.post("/api/tokens", json={"name": name}, headers=user.csrf_headers)
        assert response.status_code == 201, response.text
        return response.json()

    async def bearer(self, user: ApiUser, name: str = "script") -> httpx.AsyncClient:
        """A client that authenticates with a new personal API token only (no cookie)."""
        created = await self.create_token(user, name)
        return self.client(headers={"Authorization": f"Bearer {created['secret']}"})

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()


@pytest.fixture
async def api(app) -> AsyncIterator[Api]:
    if db._url_override is None:
        pytest.fail("API tests must request `database` or `sqlite_database` before `api`")
    helper = Api(app)
    yield helper
    await helper.aclose()


async def sign_in_admin(api: Api, email: str | None = None, *, full_name: str = "Meera Admin") -> ApiUser:
    """An admin, made the only way there is outside the admin area (as `create-user --admin`
    does), then signed in through the API like everybody else."""
    email = email or f"admin-{uuid.uuid4().hex[:8]}@example.com"
    user = await accounts.create_user(
        Actor(channel="cli"), email=email, password=PASSWORD, full_name=full_name, admin=True
    )
    client = api.client()
    response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return ApiUser(
        id=str(user.id),
        email=user.email,
        full_name=user.full_name,
        password=PASSWORD,
        client=client,
        csrf=response.json()["csrf_token"],
    )


@pytest.fixture
async def admin_user(api) -> ApiUser:
    return await sign_in_admin(api, "boss@example.com")


# --- sending ---------------------------------------------------------------------------------


async def send(
    client: httpx.AsyncClient, message: str, *, headers: dict[str, str] | None = None, **fields: Any
) -> httpx.Response:
    return await client.post("/api/send-message", json={"message": message, **fields}, headers=headers or {})


def parse_sse(text: str) -> list[dict[str, Any]]:
    """Events of a `text/event-stream` body, checked line by line.

    Every event is one `data: <json>` line followed by a blank line; nothing else
    (no comments, no other fields) is expected from this API.
    """
    events: list[dict[str, Any]] = []
    lines = text.split("\n")
    assert lines[-1] == "", f"the stream does not end with a newline: {text[-80:]!r}"
    pending: str | None = None
    for number, line in enumerate(lines[:-1], 1):
        if pending is None:
            assert line.startswith("data: "), f"line {number} is not a data line: {line!r}"
            pending = line[len("data: ") :]
        else:
            assert line == "", f"line {number} should end the event: {line!r}"
            events.append(json.loads(pending))
            pending = None
    assert pending is None, "the last event is not terminated by a blank line"
    return events


# --- looking at the database ------------------------------------------------------------------


async def count_rows(model, *where) -> int:
    async with read_only() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def stored_message(message_id: str | uuid.UUID) -> Message | None:
    async with read_only() as session:
        return await session.get(Message, uuid.UUID(str(message_id)))


async def messages_of(conversation_id: str | uuid.UUID) -> list[Message]:
    async with read_only() as session:
        rows = await session.scalars(
            select(Message)
            .where(Message.conversation_id == uuid.UUID(str(conversation_id)))
            .order_by(Message.created_at, Message.id)
        )
        return list(rows)


async def audit_actions(action: str | None = None) -> list[AuditLog]:
    async with read_only() as session:
        stmt = select(AuditLog).order_by(AuditLog.created_at)
        if action is not None:
            stmt = stmt.where(AuditLog.action == action)
        return list(await session.scalars(stmt))


async def snapshot() -> dict[str, list[tuple]]:
    """Every user, token, conversation and message, to prove nothing changed."""
    async with read_only() as session:
        users = [
            (u.id, u.email, u.full_name, u.is_active) for u in await session.scalars(select(User).order_by(User.email))
        ]
        tokens = [(t.id, t.name, t.revoked_at) for t in await session.scalars(select(ApiToken).order_by(ApiToken.id))]
        conversations = [
            (c.id, c.user_id, c.title, c.category)
            for c in await session.scalars(select(Conversation).order_by(Conversation.id))
        ]
        messages = [
            (m.id, m.conversation_id, m.role, m.content, m.status)
            for m in await session.scalars(select(Message).order_by(Message.id))
        ]
    return {"users": users, "tokens": tokens, "conversations": conversations, "messages": messages}


def assert_error(response: httpx.Response, status: int, *, field: str | None = None, error: str | None = None) -> dict:
    """A JSON error of the API: `{success: false, error, field?}`, no stack trace."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text}"
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    body = response.json()
    assert body["success"] is False, body
    assert isinstance(body["error"], str) and body["error"], body
    assert set(body) <= {"success", "error", "field", "request_id", "conversation_id", "message_id"}, body
    if field is not None:
        assert body.get("field") == field, body
    if error is not None:
        assert body["error"] == error, body
    for leak in ("Traceback", 'File "', "sqlalchemy", "psycopg", "aiosqlite"):
        assert leak not in response.text, response.text
    return body


def engine() -> str:
    """ "sqlite" or "postgres": the database the current test runs on."""
    return "postgres" if db.current_url(asynchronous=False).startswith("postgresql") else "sqlite"


def without_request_id(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "request_id"}


# --- a real server, for live streams ---------------------------------------------------------


@dataclasses.dataclass
class LiveServer:
    url: str


@pytest.fixture
async def live_server(app) -> AsyncIterator[LiveServer]:
    """The app under uvicorn on a free port, in the test's own event loop.

    Same loop, so the database engine and the generation tasks are shared with
    the test; a real socket, so a client that closes its response is seen as a
    disconnect exactly as in production.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        yield LiveServer(url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        try:
            async with asyncio.timeout(10):
                await task
        except TimeoutError:
            server.force_exit = True
            task.cancel()
        sock.close()
