"""Fixtures for the fault tests that run the app in its own process.

`app_env` is the environment of such a process: its own SQLite file (migrated),
the fake AI, and short heartbeat and stale times so a dead worker's answer is
found within seconds. `in_process` points this test process at the same
database and fake, to look at rows and to press Retry as another worker would.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from finucity import db
from finucity.models import Message, User
from finucity.services import generation
from finucity.services.context import Actor, read_only
from tests.fakes.fake_openai import Script

PASSWORD = "a perfectly fine passphrase"
HEARTBEAT_S = 0.5
STALE_AFTER_S = 2.0
KEY = "sk-faults-process-key"
HELD = "held"  # a marker script: two pieces, then waits for its gate


@pytest.fixture
def gate(fake_openai) -> threading.Event:
    """Holds every `[[fake:held]]` answer after "Partial answer"; opened at the end."""
    opened = threading.Event()
    fake_openai.register(HELD, Script(chunks=["Partial", " answer", " and the rest."], gate=opened, gate_after=2))
    yield opened
    opened.set()


@pytest.fixture
async def app_env(tmp_path, fake_openai) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'faults.db'}"
    await asyncio.to_thread(db.upgrade, url)
    return {
        "DATABASE_URL": url,
        "AI_BASE_URL": fake_openai.base_url,
        "AI_API_KEY": KEY,
        "AI_TIMEOUT_S": "5",
        "REDIS_URL": "",
        "STREAM_PERSIST_INTERVAL_S": "0.2",
        "STREAM_HEARTBEAT_S": str(HEARTBEAT_S),
        "STREAM_STALE_AFTER_S": str(STALE_AFTER_S),
    }


@pytest.fixture
async def in_process(app_env, settings_env) -> AsyncIterator[str]:
    """This process on the app process's database and AI settings."""
    settings_env(**app_env)
    db.configure(app_env["DATABASE_URL"])
    yield app_env["DATABASE_URL"]
    await generation.shutdown()
    await db.dispose()
    db.configure(None)


async def sign_up(base_url: str, email: str | None = None) -> httpx.AsyncClient:
    """A cookie client of a new user, sending its CSRF token on every request."""
    client = httpx.AsyncClient(base_url=base_url, timeout=30)
    email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
    response = await client.post(
        "/api/auth/signup", json={"email": email, "password": PASSWORD, "full_name": "Ravi Kumar"}
    )
    assert response.status_code == 201, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    client.headers["X-Test-Email"] = email
    return client


async def sign_in(base_url: str, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=30)
    response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


async def actor_for(email: str) -> Actor:
    async with read_only() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return Actor(channel="api").as_user(user)


async def answer_row(message_id) -> Message | None:
    async with read_only() as session:
        return await session.get(Message, uuid.UUID(str(message_id)))
