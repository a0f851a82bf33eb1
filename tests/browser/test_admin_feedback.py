"""A user rates an answer in the chat; an administrator sees that rating in the admin area:
in the transcript, through the feedback filter, and counted on the overview."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.admin_people import make_admin
from tests.browser.test_admin import _sign_in
from tests.browser.test_chat_flow import ask, wait_for_answer
from tests.browser.test_feedback_in_chat import _thumbs


@pytest.fixture
def admin_account(live_server) -> tuple[str, str]:
    return make_admin(live_server)


def _thumbs_down_on_overview(page: Page) -> int:
    """How many thumbs down /admin counts now (0 while it says there is no data yet)."""
    page.goto("/admin")
    hint = page.locator(".fc-admin-figure", has_text="Thumbs up").locator(".fc-admin-figure-hint")
    expect(hint.or_(page.locator(".fc-admin-empty"))).to_be_visible()
    if not hint.count():
        return 0
    expect(hint).to_have_text(re.compile(r"^[\d,]+ down$"))
    return int(hint.inner_text().split()[0].replace(",", ""))


def _filter(page: Page, marker: str, feedback: str):
    page.fill("input[name=q]", marker)
    page.select_option("select[name=feedback]", feedback)
    page.click("[data-testid=apply-filters]")
    return page.get_by_test_id("admin-conversation-row")


def test_a_thumbs_down_with_a_comment_reaches_the_admin(
    page: Page,
    browser,
    new_account,
    sign_in,
    admin_account,
    live_server,
):
    admin = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}).new_page()
    _sign_in(admin, sign_in, admin_account[0])
    down_before = _thumbs_down_on_overview(admin)

    # A user rates an answer down, with a comment, in the chat.
    email, _, _ = new_account("Ritu Sharma")
    sign_in(page, email)
    marker = uuid.uuid4().hex[:8]
    ask(page, f"Can I claim 80C for my child's tuition fees {marker}?")
    wait_for_answer(page)
    _, down = _thumbs(page)
    down.click()
    comment = f"It forgot the two-children limit {marker}."
    page.get_by_test_id("feedback-comment").fill(comment)
    page.get_by_test_id("feedback-send").click()
    expect(page.get_by_test_id("feedback-note")).to_contain_text("two-children limit")

    # Counted on the overview.
    admin.reload()
    hint = admin.locator(".fc-admin-figure", has_text="Thumbs up").locator(".fc-admin-figure-hint")
    expect(hint).to_have_text(f"{down_before + 1} down")

    # Found by the feedback filter, and not by the opposite one.
    admin.goto("/admin/conversations")
    rows = _filter(admin, marker, "down")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("0 / 1")
    expect(_filter(admin, marker, "up")).to_have_count(0)
    expect(_filter(admin, marker, "any")).to_have_count(1)

    # Read in the transcript, with the comment, next to the answer it rates.
    rows.first.locator(".fc-admin-link").click()
    dialog = admin.get_by_role("dialog")
    rating = dialog.locator(".fc-admin-msg").filter(has_text="Rated down")
    expect(rating).to_have_count(1)
    expect(rating).to_contain_text(comment)
    expect(rating).to_contain_text("Answer")
