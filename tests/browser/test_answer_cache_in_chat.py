"""The answer cache in the app: a second person asking the same first question gets the
answer at once, without the model, and an admin reading the transcript sees it was cached.

This module starts its own server with the cache on (the test environment turns it
off elsewhere, tests/conftest.py) and its own fake model, whose request count is
this module's alone; it runs after the other browser tests (tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from finucity.config import PROJECT_ROOT
from tests.browser.conftest import PASSWORD
from tests.browser.screens import screenshot
from tests.fakes.fake_openai import FakeOpenAI, Script
from tests.support.live_server import LiveServer, ServerFailed, run_live_server

ANSWER = [
    "**Direct answer:** section 80C allows deductions of up to ₹1,50,000 a year.\n\n",
    "**Explanation:** PPF, ELSS, EPF, life insurance premiums and home-loan principal all count, together.\n\n",
    "*Tax rules change with each Union Budget. Verify with a chartered accountant before you file.*",
]


@pytest.fixture(scope="module")
def cache_server(tmp_path_factory, live_server) -> Iterator[LiveServer]:
    # `live_server` first: both build the same frontend, one after the other.
    fake = FakeOpenAI().start()
    fake.register("eighty-c", Script(chunks=ANSWER, delay_s=0.05))
    try:
        with run_live_server(fake, tmp_path_factory.mktemp("cache"), ANSWER_CACHE_ENABLED="true") as server:
            yield server
    except ServerFailed as exc:
        pytest.fail(str(exc))
    finally:
        fake.stop()


def _account(server: LiveServer, name: str, *, admin: bool = False) -> str:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    if admin:
        command = ["create-user", "--email", email, "--name", name, "--admin", "--password", PASSWORD]
        made = subprocess.run(
            [sys.executable, "-m", "finucity", *command],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": server.database_url},
            capture_output=True,
            text=True,
        )
        assert made.returncode == 0, made.stderr
        return email
    response = httpx.post(
        f"{server.url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": name},
        headers={"Origin": server.url},
        timeout=20,
    )
    assert response.status_code == 201, response.text
    return email


def _page(browser: Browser, server: LiveServer, email: str, **context):
    page = browser.new_context(base_url=server.url, **context).new_page()
    page.goto("/login")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    page.wait_for_selector("#fc-composer-input")
    return page


def _ask(page, text: str, *, answers: int = 1):
    """Ask, and wait until the page shows `answers` complete answers (this one the last)."""
    box = page.locator("#fc-composer-input")
    box.fill(text)
    box.press("Enter")
    complete = page.locator("[data-testid=assistant-bubble][data-status=complete]")
    expect(complete).to_have_count(answers, timeout=30_000)
    return complete.last


def test_a_second_person_gets_the_cached_answer_and_the_admin_sees_it(browser: Browser, cache_server):
    fake = cache_server.fake
    marker = uuid.uuid4().hex[:8]
    asha = _page(browser, cache_server, _account(cache_server, "Asha Verma"))
    first = _ask(asha, f"What is the limit of section 80C {marker}? [[fake:eighty-c]]")
    expect(first).to_contain_text("₹1,50,000 a year")
    assert len(fake.requests) == 1

    # Another person, on a phone, other case and punctuation: the same answer, and no model call.
    ravi_email = _account(cache_server, "Ravi Shankar")
    ravi = _page(browser, cache_server, ravi_email, viewport={"width": 390, "height": 844}, has_touch=True)
    second = _ask(ravi, f"what is the LIMIT of section 80c {marker} [[fake:eighty-c]]")
    expect(second).to_contain_text("₹1,50,000 a year")
    expect(second).to_contain_text("home-loan principal")
    assert len(fake.requests) == 1
    screenshot(ravi, "answer-cache-chat-390x844")

    # A follow-up in Ravi's conversation goes to the model.
    _ask(ravi, "And does ELSS count? [[fake:eighty-c]]", answers=2)
    assert len(fake.requests) == 2

    admin = _page(browser, cache_server, _account(cache_server, "Meera Admin", admin=True))
    admin.goto("/admin/conversations")
    admin.fill("input[name=user]", ravi_email)
    admin.click("[data-testid=apply-filters]")
    rows = admin.get_by_test_id("admin-conversation-row")
    expect(rows).to_have_count(1)
    rows.first.locator(".fc-admin-link").click()
    dialog = admin.get_by_role("dialog")
    expect(dialog).to_contain_text("home-loan principal")
    # The first answer was cached, the follow-up was not.
    expect(dialog.get_by_test_id("cached-tag")).to_have_count(1)
    expect(dialog.get_by_test_id("cached-tag")).to_have_text("cached")
    # The dialog's opening animation done, so the picture is what a reader sees.
    admin.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter(a => a.effect?.getTiming().iterations !== Infinity).map(a => a.finished))"
    )
    screenshot(admin, "answer-cache-admin-transcript-1280x800")
