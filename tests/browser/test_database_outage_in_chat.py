"""The database goes down under an open chat and comes back: nothing typed is lost.

The app runs on a PostgreSQL cluster of the test's own (tests/faults/own_services.py),
stopped at once as a crash looks and started again, with no restart of the app.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PASSWORD
from tests.faults.own_services import OwnPostgres, own_postgres, postgres_unavailable_reason
from tests.support.live_server import LiveServer, ServerFailed, run_live_server
from tests.support.waiting import pump_until

UNAVAILABLE = "The service is unavailable right now"


@pytest.fixture(scope="module")
def outage_server(tmp_path_factory, live_server) -> Iterator[tuple[LiveServer, OwnPostgres]]:
    # `live_server` first: both build the same frontend, one after the other.
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"cannot run a PostgreSQL of our own: {reason}")
    with own_postgres() as database:
        try:
            with run_live_server(None, tmp_path_factory.mktemp("outage"), DATABASE_URL=database.url) as server:
                yield server, database
        except ServerFailed as exc:
            pytest.fail(str(exc))


def test_a_question_sent_while_the_database_is_down_is_kept_and_sent_once_it_is_back(browser: Browser, outage_server):
    server, database = outage_server
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    signup = httpx.post(
        f"{server.url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": "Outage Person"},
        headers={"Origin": server.url},
    )
    assert signup.status_code == 201, signup.text
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    page.goto("/login")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    box = page.locator("#fc-composer-input")
    box.wait_for()
    answers = page.locator("[data-testid=assistant-bubble][data-status=complete]")

    box.fill("What is Section 80C?")
    box.press("Enter")
    expect(answers).to_have_count(1, timeout=30_000)

    database.stop()
    question = "How is HRA exempt from tax?"
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_text(UNAVAILABLE)).to_be_visible(timeout=30_000)
    expect(box).to_have_value(question)  # given back, not lost
    expect(answers).to_have_count(1)

    database.start()
    pump_until(
        page,
        lambda: httpx.get(f"{server.url}/health", timeout=5).status_code == 200,
        timeout_ms=60_000,
        what="the database to answer again",
    )
    box.press("Enter")
    expect(answers).to_have_count(2, timeout=30_000)
    expect(page.locator("[data-testid=user-bubble]").last).to_contain_text(question)
    context.close()
