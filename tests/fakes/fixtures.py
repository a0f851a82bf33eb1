"""Pytest fixtures for the fake OpenAI server.

Re-export them from a conftest to use them anywhere::

    from tests.fakes.fixtures import fake_openai, fake_openai_server  # noqa: F401

One server serves the whole session (starting a thread and a socket per test
is wasted time); each test gets it freshly reset.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.fake_openai import FakeOpenAI


@pytest.fixture(scope="session")
def fake_openai_server() -> Iterator[FakeOpenAI]:
    """The session's fake server, not reset: prefer `fake_openai` in tests."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAI) -> FakeOpenAI:
    """The fake server with an empty queue, no requests, zero counters and the
    default script. Marker scripts registered by earlier tests are cleared too,
    so a test sees only what it set up itself."""
    # reset() also starts a new epoch: a stream an earlier test left running
    # cannot bump this test's counters when it ends.
    fake_openai_server.reset(registered=True)
    return fake_openai_server
