"""Stored XSS in the pages: a user's name, question, conversation title (in the
sidebar and the header) and the model's answer are all markup that must stay text,
in the chat and in the admin area, and no script of theirs ever runs.

Every payload sets `window.__xss` if it runs. (Model output as Markdown with raw
HTML and `javascript:` links: tests/browser/test_chat_flow.py.)
"""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_admin import admin_account  # noqa: F401  (fixture)
from tests.security.conftest import live_signup

TITLE = '<img src=x onerror="window.__xss=1">Tax <script>window.__xss=2</script>'
QUESTION = '<svg onload="window.__xss=3"></svg> and <iframe srcdoc="<script>parent.__xss=4</script>"></iframe>'
NAME = '<img src=y onerror="window.__xss=5"> Priya'


def _user_with_markup(live_server) -> tuple[str, str]:
    user = live_signup(live_server.url, NAME)
    headers = {"Origin": live_server.url, "X-CSRF-Token": user.csrf}
    with httpx.Client(base_url=live_server.url, headers=headers, cookies={"finucity_session": user.session}) as c:
        sent = c.post("/api/send-message", json={"message": QUESTION}, timeout=60)
        assert sent.status_code == 200, sent.text
        conversation = sent.json()["conversation_id"]
        assert c.patch(f"/api/conversation/{conversation}", json={"title": TITLE}, timeout=20).status_code == 200
    return user.email, conversation


def _sign_in(page: Page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    page.wait_for_url(re.compile(re.escape(next_path) + "/?$"))


def _nothing_ran(page: Page) -> None:
    assert page.evaluate("() => window.__xss === undefined"), page.evaluate("() => window.__xss")
    assert page.locator("img[src=x], img[src=y], svg[onload], iframe[srcdoc]").count() == 0


def test_markup_in_a_title_question_and_name_stays_text_in_the_chat(page: Page, live_server):
    email, conversation = _user_with_markup(live_server)
    _sign_in(page, email, f"/chat/{conversation}")
    expect(page.locator(".fc-conv-title", has_text="<script>window.__xss=2</script>").first).to_be_visible()
    expect(page.get_by_text(QUESTION).first).to_be_visible()
    expect(page).to_have_title(TITLE + " · Finucity AI")  # the browser tab names it, as text
    page.locator("[data-testid=assistant-bubble][data-status=complete]").last.wait_for()
    _nothing_ran(page)


def test_markup_stays_text_in_the_admin_area(page: Page, live_server, admin_account):  # noqa: F811
    _user_with_markup(live_server)
    admin_email, _ = admin_account
    _sign_in(page, admin_email, "/admin/conversations")
    expect(page.get_by_text("<script>window.__xss=2</script>", exact=False).first).to_be_visible()
    page.goto("/admin/users")
    expect(page.get_by_text(NAME, exact=False).first).to_be_visible()
    _nothing_ran(page)
