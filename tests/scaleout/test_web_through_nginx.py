"""A browser through nginx (deploy/nginx/finucity.conf) in front of two workers.

nginx spreads requests and sockets over both workers (round robin), so the
page, the socket before the reload and the socket after it need not meet the
same worker: signing in, streaming, reloading mid-answer and stopping must all
work regardless.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.test_chat_flow import ask, conversation_id, wait_for_answer
from tests.scaleout.conftest import PASSWORD, User

STREAM_TEXT = "[data-testid=streaming-bubble] .fc-md"

pytestmark = pytest.mark.browser


def _length(page: Page) -> int:
    return page.evaluate(f"document.querySelector('{STREAM_TEXT}')?.innerText.length || 0")


def test_sign_in_stream_reload_and_stop_through_nginx(page: Page, proxied, cluster):
    user = User(proxied)
    page.goto("/login")
    page.fill("#fc-email", user.email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    page.wait_for_url(re.compile(r"/chat(/[0-9a-f-]*)?/?$"))

    ask(page, "Walk me through the new tax regime slabs [[fake:slow]]")
    page.wait_for_function(f"() => (document.querySelector('{STREAM_TEXT}')?.innerText.length || 0) > 20")
    conversation = conversation_id(page)

    page.reload()
    page.wait_for_url(f"**/chat/{conversation}")
    page.locator(STREAM_TEXT).wait_for()
    shown = _length(page)
    # Still growing after the reload, whichever worker the new socket reached.
    page.wait_for_function(
        f"(n) => (document.querySelector('{STREAM_TEXT}')?.innerText.length || 0) > n + 20", arg=shown
    )

    page.click(".fc-stop")
    stopped = wait_for_answer(page, "stopped")
    partial = stopped.locator(".fc-md").inner_text()

    stored = httpx.get(f"{proxied}/api/conversation/{conversation}", headers=user.bearer, timeout=20).json()
    answer = stored["messages"][-1]
    assert answer["status"] == "stopped"
    assert partial.split() == answer["content"].split()
    # The pages' scripts are cached by the browser for a year (content-hashed names).
    script = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
        ".find(name => name.includes('/assets/') && name.endsWith('.js'))"
    )
    assert script, "no compiled script under /assets/"
    cached = httpx.get(script, timeout=20)
    assert cached.status_code == 200
    assert "immutable" in cached.headers["cache-control"]
