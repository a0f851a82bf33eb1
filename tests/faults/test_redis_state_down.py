"""Redis, holding every tab's state, goes down under an open chat and comes back.

What we decided (README, "When things fail"): with REDIS_URL set, a tab's state
lives only in Redis, so while Redis is down no event of any tab can run. The app
does not stop and does not pretend: each event the tab sends is refused with
"The service is unavailable right now" and a question being sent goes back in the
box. An answer already being written goes on: its writer saves it to the
database, which stays the record. /health says Redis is unavailable (200,
degraded: the database is fine). When Redis returns (here empty, as after a
crash), the page, untouched, loads itself again (it watches /health) and is
rebuilt from the database, the question still in the box: no restart of the app.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PASSWORD, browser_type_launch_args, register_scripts  # noqa: F401  (fixtures)
from tests.fakes.fake_openai import FakeOpenAI, Script
from tests.faults.own_services import REDIS_SERVER, OwnRedis, own_redis
from tests.support.live_server import LiveServer, ServerFailed, run_live_server
from tests.support.waiting import pump_until

pytestmark = pytest.mark.skipif(not REDIS_SERVER.exists(), reason=f"no redis-server at {REDIS_SERVER}")

UNAVAILABLE = "The service is unavailable right now"
# Long enough to still be writing when Redis stops, short enough to finish soon after.
STREAMING = "streaming-through-outage"


@pytest.fixture(scope="module")
def redis_state_server(tmp_path_factory) -> Iterator[tuple[LiveServer, OwnRedis]]:
    fake = FakeOpenAI().start()
    register_scripts(fake)
    fake.register(STREAMING, Script(answer_tokens=300, delay_s=0.05))
    try:
        with own_redis() as redis_server:
            data = tmp_path_factory.mktemp("redis-state-down")
            try:
                with run_live_server(fake, data, REDIS_URL=redis_server.url) as server:
                    yield server, redis_server
            except ServerFailed as exc:
                pytest.fail(str(exc))
    finally:
        fake.stop()


def _health(server: LiveServer) -> dict:
    return httpx.get(f"{server.url}/health", timeout=10).json()


def _answer_status(server: LiveServer, cookie: dict, conversation_id: str) -> str | None:
    response = httpx.get(f"{server.url}/api/conversation/{conversation_id}", cookies=cookie, timeout=10)
    assert response.status_code == 200, response.text
    answers = [m for m in response.json()["messages"] if m["role"] == "assistant"]
    return answers[0]["status"] if answers else None


def _sign_in(browser: Browser, server: LiveServer):
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    signup = httpx.post(
        f"{server.url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": "Redis Outage"},
        headers={"Origin": server.url},
        timeout=20,
    )
    assert signup.status_code == 201, signup.text
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("/login")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    page.locator("#fc-composer-input").wait_for()
    return context, page, {"finucity_session": signup.cookies["finucity_session"]}


def _redis_back(page, server: LiveServer, redis_server: OwnRedis) -> None:
    """Redis starts again, empty as after a crash; the page, untouched, loads itself again."""
    with page.expect_event("load", timeout=30_000):
        redis_server.start()
        pump_until(page, lambda: _health(server)["redis"] == "ok", timeout_ms=30_000, what="Redis to answer again")


def test_an_answer_being_written_when_redis_goes_is_saved_and_shown_when_it_returns(
    browser: Browser, redis_state_server
):
    server, redis_server = redis_state_server
    context, page, api_cookie = _sign_in(browser, server)
    box = page.locator("#fc-composer-input")
    box.fill(f"Explain presumptive taxation under 44ADA [[fake:{STREAMING}]]")
    box.press("Enter")
    expect(page.get_by_test_id("streaming-bubble")).to_be_visible(timeout=30_000)
    page.wait_for_url(re.compile(r"/chat/[0-9a-f-]{36}/?$"))
    conversation_id = page.url.rstrip("/").rsplit("/", 1)[1]

    redis_server.stop()
    health = _health(server)
    assert (health["status"], health["redis"]) == ("degraded", "unavailable")
    # The tab can no longer follow the answer, and says why.
    expect(page.get_by_text(UNAVAILABLE).first).to_be_visible(timeout=30_000)
    # The answer's writer never needed Redis: the database gets all of it.
    pump_until(
        page,
        lambda: _answer_status(server, api_cookie, conversation_id) == "complete",
        timeout_ms=90_000,
        what="the answer written during the outage to be saved complete",
    )

    # No restart, no click: the page loads itself again and shows the whole answer.
    _redis_back(page, server, redis_server)
    answers = page.locator("[data-testid=assistant-bubble][data-status=complete]")
    expect(answers).to_have_count(1, timeout=30_000)
    expect(page.get_by_test_id("streaming-bubble")).to_have_count(0)
    context.close()


def test_a_question_sent_while_redis_is_down_is_kept_and_sent_once_it_returns(browser: Browser, redis_state_server):
    server, redis_server = redis_state_server
    context, page, _ = _sign_in(browser, server)
    box = page.locator("#fc-composer-input")
    answers = page.locator("[data-testid=assistant-bubble][data-status=complete]")
    box.fill("What is Section 80C?")
    box.press("Enter")
    expect(answers).to_have_count(1, timeout=30_000)

    redis_server.stop()
    question = "Can I claim 80D for my parents?"
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_text(UNAVAILABLE).first).to_be_visible(timeout=30_000)
    expect(box).to_have_value(question)  # given back, not lost
    expect(answers).to_have_count(1)

    # The page loads itself again, with the question still in the box: send it.
    _redis_back(page, server, redis_server)
    expect(page.locator("[data-testid=user-bubble]")).to_have_count(1, timeout=30_000)
    expect(box).to_have_value(question)
    box.press("Enter")
    expect(answers).to_have_count(2, timeout=60_000)
    expect(page.locator("[data-testid=user-bubble]").last).to_contain_text(question)
    context.close()
