"""With no AI key the app still answers, honestly labelled, through the same stream.

This module starts its own server without an AI key (after the other browser
tests, see tests/conftest.py), so it measures what `make run` gives a fresh
machine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PASSWORD
from tests.support.live_server import LiveServer, ServerFailed, run_live_server


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory, live_server) -> Iterator[LiveServer]:
    # `live_server` first: both build the same frontend, one after the other.
    try:
        with run_live_server(None, tmp_path_factory.mktemp("offline")) as server:
            yield server
    except ServerFailed as exc:
        pytest.fail(str(exc))


def test_without_a_key_the_offline_assistant_answers_and_says_so(browser: Browser, offline_server):
    health = httpx.get(f"{offline_server.url}/health").json()
    assert health["ai_service"] == "offline assistant"

    email = f"{uuid.uuid4().hex[:10]}@example.com"
    signup = httpx.post(
        f"{offline_server.url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": "Offline Person"},
        headers={"Origin": offline_server.url},
    )
    assert signup.status_code == 201
    context = browser.new_context(base_url=offline_server.url)
    page = context.new_page()
    page.goto("/login")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    expect(page.locator("[data-testid=offline-badge]")).to_have_text("Offline mode")

    box = page.locator("#fc-composer-input")
    box.fill("What is the EMI on a 50 lakh loan at 8.5% for 20 years?")
    box.press("Enter")
    answer = page.locator("[data-testid=assistant-bubble][data-status=complete]").last
    answer.wait_for(timeout=30_000)
    text = answer.inner_text()
    assert "₹43,391" in text  # computed, with Indian digit grouping
    assert "Source" in text
    context.close()
