"""With no AI key, the offline assistant works a calculation out and answers with
the calculator's card (the model's way to it: test_calculation_in_chat.py).

This module starts an offline server of its own, so it runs after the other
browser tests (tests/conftest.py): the servers share one compiled frontend.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_calculation_in_chat import _answer, _look_at_it
from tests.support.live_server import LiveServer, ServerFailed, run_live_server


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory, live_server) -> Iterator[LiveServer]:
    # `live_server` first: both build the same frontend, one after the other.
    try:
        with run_live_server(None, tmp_path_factory.mktemp("offline-calc")) as server:
            yield server
    except ServerFailed as exc:
        pytest.fail(str(exc))


def test_offline_a_question_that_needs_a_calculation_gets_the_card_with_the_right_figure(
    browser: Browser, offline_server: LiveServer
):
    context = browser.new_context(base_url=offline_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    signup = httpx.post(
        f"{offline_server.url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": "Offline Person"},
        headers={"Origin": offline_server.url},
    )
    assert signup.status_code == 201, signup.text
    page.goto("/login")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    expect(page.locator("[data-testid=offline-badge]")).to_have_text("Offline mode")

    box = page.locator("#fc-composer-input")
    box.fill("What is the EMI on a 50 lakh loan at 8.5% for 20 years?")
    box.press("Enter")

    card = _answer(page).locator("[data-testid=calc-card]")
    expect(card.locator("[data-testid=calc-headline]")).to_have_text("₹43,391", timeout=30_000)
    expect(card.locator("[data-testid=calc-step]").first).to_be_visible()
    expect(card.locator("[data-testid=calc-rules]")).to_contain_text("in force from")
    # The JSON the card is stored as never shows as text.
    expect(_answer(page)).not_to_contain_text("finucity-calc")
    expect(_answer(page)).not_to_contain_text('"kind"')

    page.reload()
    expect(_answer(page).locator("[data-testid=calc-headline]")).to_have_text("₹43,391", timeout=30_000)
    _look_at_it(page, "chat-offline-card")
    context.close()
