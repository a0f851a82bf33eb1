"""Ending a session hands its browser tabs, and only its, to whoever empties them
(services/session_tabs.py): on sign-out, deactivation and a new password, from this
process's memory or from Redis shared by the workers, and a sign-out still
succeeds with Redis down."""

from __future__ import annotations

import logging

import pytest

from finucity.services import accounts, session_tabs
from finucity.services.admin import set_active
from finucity.services.context import Actor
from tests.faults.own_services import REDIS_SERVER, free_port, own_redis

WEB = Actor(channel="api", ip="198.51.100.20", user_agent="pytest")
PASSWORD = "a perfectly fine passphrase"


@pytest.fixture
def handed(monkeypatch) -> list[list[str]]:
    """What the listener received, one list per ended batch; a register of this test's own."""
    monkeypatch.setattr(session_tabs, "_listeners", [])
    monkeypatch.setattr(session_tabs, "_written", {})
    received: list[list[str]] = []

    async def listener(tokens: list[str]) -> None:
        received.append(tokens)

    session_tabs.on_sessions_ended(listener)
    return received


async def _two_sessions(email: str = "neha@example.com"):
    first = await accounts.sign_up(WEB, email=email, password=PASSWORD, full_name="Neha Kapoor")
    second = await accounts.sign_in(WEB, email=email, password=PASSWORD)
    await session_tabs.remember(first.session.id, "tab-a")
    await session_tabs.remember(first.session.id, "tab-b")
    await session_tabs.remember(second.session.id, "tab-c")
    return first, second


async def test_signing_out_hands_over_the_tabs_of_that_session_only(database, handed):
    first, _ = await _two_sessions()
    await accounts.sign_out(WEB.as_user(first.user), first.token)
    assert handed == [["tab-a", "tab-b"]]
    # Signing out again ends nothing and hands over nothing.
    await accounts.sign_out(WEB.as_user(first.user), first.token)
    assert handed == [["tab-a", "tab-b"]]


async def test_deactivating_a_user_hands_over_the_tabs_of_all_their_sessions(database, handed, people):
    _, admin = await people.user("boss@example.com", admin=True)
    first, _ = await _two_sessions()
    await set_active(admin, first.user.id, False)
    assert handed == [["tab-a", "tab-b", "tab-c"]]


@pytest.mark.skipif(not REDIS_SERVER.exists(), reason=f"no redis-server at {REDIS_SERVER}")
async def test_with_redis_a_worker_that_never_saw_the_tab_hands_it_over(database, handed, settings_env, monkeypatch):
    with own_redis() as redis_server:
        settings_env(REDIS_URL=redis_server.url)
        first, _ = await _two_sessions()
        # The sign-out lands on another worker: nothing of these tabs in its memory.
        monkeypatch.setattr(session_tabs, "_written", {})
        await accounts.sign_out(WEB.as_user(first.user), first.token)
    assert handed == [["tab-a", "tab-b"]]


async def test_a_sign_out_with_redis_down_still_ends_the_session(database, handed, settings_env, caplog):
    settings_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    caplog.set_level(logging.WARNING)
    first, _ = await _two_sessions()
    await accounts.sign_out(WEB.as_user(first.user), first.token)
    assert await accounts.resolve_session(first.token) is None
    # This worker's own tabs are still emptied; the others at their next event.
    assert handed == [["tab-a", "tab-b"]]
    assert any("Redis" in r.getMessage() for r in caplog.records)
