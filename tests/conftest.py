"""Shared fixtures: databases (SQLite and PostgreSQL), users, settings, the fake AI.

The environment is pinned before anything imports finucity, so a developer's
own `.env` (an AI key, Redis) cannot change what the tests see.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

TEST_ENV = {
    "ENV": "development",
    "SECRET_KEY": "test-secret-key-not-for-production-000000000000",
    "AI_API_KEY": "",
    "GITHUB_TOKEN": "",
    "OPENAI_API_KEY": "",
    "REDIS_URL": "",
    "RATE_LIMIT": "1000/minute",
    "LOGIN_LIMIT_ACCOUNT": "5/15 minutes",
    "LOGIN_LIMIT_IP": "1000/15 minutes",
    "STREAM_PERSIST_INTERVAL_S": "0.2",
    # Off unless a test asks for it (`answer_cache_on`): tests, and the live servers
    # that share this environment, ask the same first questions again and again and
    # expect the model each time (to stop it, to fail it, to count its tokens).
    "ANSWER_CACHE_ENABLED": "false",
    "ALLOWED_ORIGINS": "http://localhost:3000,http://127.0.0.1:3000,http://testserver",
}
os.environ.update(TEST_ENV)
os.environ.setdefault("REFLEX_USE_NPM", "1")

from finucity import db  # noqa: E402
from finucity.config import reset_settings_cache  # noqa: E402
from finucity.models import User  # noqa: E402
from finucity.services import accounts, answer_cache, generation, health, ratelimit  # noqa: E402
from finucity.services.ai.factory import reset_provider  # noqa: E402
from finucity.services.context import Actor  # noqa: E402
from tests.fakes.fixtures import fake_openai, fake_openai_server  # noqa: E402,F401

POSTGRES_ADMIN_URL = os.environ.get("FINUCITY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
TABLES_CHILD_FIRST = [
    "usage_counters",
    "usage_ledger",
    "audit_log",
    "legacy_imports",
    "password_resets",
    "messages",
    "conversations",
    "api_tokens",
    "sessions",
    "users",
]


# --- settings ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch) -> Iterator[None]:
    """Each test starts from TEST_ENV; `settings_env` changes it for one test."""
    for key, value in TEST_ENV.items():
        monkeypatch.setenv(key, value)
    reset_settings_cache()
    reset_provider()
    health.reset_ai_check()
    ratelimit.reset()
    answer_cache.reset()
    yield
    reset_settings_cache()
    reset_provider()
    health.reset_ai_check()
    ratelimit.reset()
    answer_cache.reset()


@pytest.fixture
def settings_env(monkeypatch):
    """Call with keyword settings (e.g. RATE_LIMIT="2/minute") to change them."""

    def apply(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        reset_settings_cache()
        reset_provider()
        health.reset_ai_check()
        ratelimit.reset()

    return apply


@pytest.fixture
def ai_fake(fake_openai, settings_env):  # noqa: F811
    """The app's AI provider pointed at the fake OpenAI server."""
    settings_env(AI_BASE_URL=fake_openai.base_url, AI_API_KEY="sk-test-not-a-real-key", AI_TIMEOUT_S="10")
    return fake_openai


@pytest.fixture(scope="session")
def redis_test_url() -> Iterator[str]:
    """A Redis database number of this session's own, flushed at the end.

    Skipped when Redis is not running, unless FINUCITY_REQUIRE_REDIS=1 (CI)."""
    import redis

    from tests.scaleout.cluster import REDIS_BASE_URL, scratch_redis

    try:
        redis.Redis.from_url(REDIS_BASE_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("FINUCITY_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required but not reachable at {REDIS_BASE_URL}")
        pytest.skip("Redis is not reachable; set FINUCITY_TEST_REDIS to run these tests")
    with scratch_redis() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
async def answer_cache_on(request, settings_env) -> AsyncIterator[str]:
    """The answer cache switched on, in this process's memory or in Redis (emptied first)."""
    if request.param == "redis":
        import redis.asyncio as aioredis

        url = request.getfixturevalue("redis_test_url")
        client = aioredis.Redis.from_url(url)
        async for key in client.scan_iter(match=f"{answer_cache.KEY_PREFIX}*"):
            await client.delete(key)
        await client.aclose()
        settings_env(REDIS_URL=url)
    settings_env(ANSWER_CACHE_ENABLED="true")
    yield request.param
    await answer_cache.close()


# --- databases -----------------------------------------------------------------------------


def _postgres_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'finucity-test.db'}"
    db.upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not _postgres_available():
        if os.environ.get("FINUCITY_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}")
        pytest.skip("PostgreSQL is not reachable; set FINUCITY_TEST_POSTGRES to run these tests")
    import psycopg

    name = f"finucity_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    db.upgrade(url)
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _empty_tables() -> None:
    from sqlalchemy import text

    async with db.session_scope() as session:
        for table in TABLES_CHILD_FIRST:
            await session.execute(text(f"DELETE FROM {table}"))
        await session.commit()


async def _use_database(url: str) -> None:
    db.configure(url)
    await _empty_tables()


async def _release_database() -> None:
    await generation.shutdown()
    await db.dispose()
    db.configure(None)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(request) -> AsyncIterator[str]:
    """An empty, migrated database: each test runs once on SQLite and once on PostgreSQL."""
    await _use_database(request.getfixturevalue(f"{request.param}_url"))
    yield request.param
    await _release_database()


@pytest.fixture
async def sqlite_database(sqlite_url) -> AsyncIterator[str]:
    """An empty, migrated SQLite database, for tests where the engine does not matter."""
    await _use_database(sqlite_url)
    yield "sqlite"
    await _release_database()


# --- people -----------------------------------------------------------------------------------


class People:
    """Creates users straight through the service layer."""

    password = "correct horse battery"

    async def user(
        self, email: str | None = None, *, name: str = "Asha Verma", admin: bool = False
    ) -> tuple[User, Actor]:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        user = await accounts.create_user(
            Actor(channel="cli"), email=email, password=self.password, full_name=name, admin=admin
        )
        return user, Actor(channel="api", ip="203.0.113.7").as_user(user)


@pytest.fixture
def people() -> People:
    return People()


@pytest.fixture(autouse=True)
def _fast_offline_assistant(monkeypatch) -> None:
    """The offline assistant streams without its reading-speed pauses in tests."""
    from finucity.services.ai.offline import OfflineProvider

    monkeypatch.setattr(OfflineProvider, "delay_s", 0.0)


def pytest_collection_modifyitems(config, items):
    """Tests that drive a browser run last, wherever they live: Playwright's sync
    API keeps an event loop running in the main thread for the rest of the
    session, which asyncio tests cannot share."""
    # Servers of their own (offline, a database or Redis outage) build the frontend again,
    # into the same .web the shared live server serves: after everything else.
    items.sort(key=lambda item: (_uses_a_browser(item), _builds_its_own_server(item)))
    # Pages are compiled into one .web with the address of the server that built
    # them last. These tests drive pages of a server built early in a full run
    # (the security server, the scale-out cluster), which the browser tests'
    # servers have rebuilt by the time browser tests may run: `make test` runs
    # them in a pytest of their own right after (OWN_BUILD_TESTS).
    if any("tests/browser/" in str(item.fspath) for item in items):
        for item in items:
            if any(path in str(item.fspath) for path in OWN_BUILD_TESTS):
                item.add_marker(pytest.mark.skip(reason="run on their own by `make test` (see OWN_BUILD_TESTS)"))


OWN_BUILD_TESTS = ("tests/security/test_xss_pages.py", "tests/scaleout/test_web_through_nginx.py")


def _builds_its_own_server(item) -> bool:
    own = (
        "test_offline_mode",
        "test_database_outage_in_chat",
        "test_answer_cache_in_chat",
        "test_offline_calculation_in_chat",
        "test_redis_state_down",
    )
    return any(name in str(item.fspath) for name in own)


def _uses_a_browser(item) -> bool:
    """tests/browser/, and any test elsewhere (security, scale-out) that drives Chromium."""
    fixtures = getattr(item, "fixturenames", ())
    return "tests/browser/" in str(item.fspath) or "page" in fixtures or "browser" in fixtures
