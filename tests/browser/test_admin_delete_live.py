"""An administrator deletes a conversation: its owner's open tab shows it gone at once,
without the owner doing anything, whether the tab was idle or an answer was still streaming."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.admin_people import make_admin
from tests.browser.test_admin import _sign_in
from tests.browser.test_chat_flow import ask, conversation_id, wait_for_answer

VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def admin_account(live_server) -> tuple[str, str]:
    return make_admin(live_server)


def _owner_page(browser, live_server, sign_in, email: str) -> Page:
    owner = browser.new_context(base_url=live_server.url, viewport=VIEWPORT).new_page()
    sign_in(owner, email)
    return owner


def _delete_as_admin(page: Page, marker: str) -> None:
    page.goto("/admin/conversations")
    page.fill("input[name=q]", marker)
    page.click("[data-testid=apply-filters]")
    rows = page.get_by_test_id("admin-conversation-row")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("button", name="Delete conversation").click()
    page.get_by_test_id("confirm-admin-delete").click()
    expect(rows).to_have_count(0)


def test_the_owners_idle_tab_shows_the_deleted_conversation_gone(
    page: Page,
    browser,
    new_account,
    sign_in,
    admin_account,
    live_server,
):
    owner_email, _, _ = new_account("Nisha Verma")
    owner = _owner_page(browser, live_server, sign_in, owner_email)
    marker = uuid.uuid4().hex[:8]
    ask(owner, f"Kept question about PPF limits {uuid.uuid4().hex[:6]}")
    wait_for_answer(owner)
    kept = conversation_id(owner)
    owner.click("[data-testid=new-chat]")
    ask(owner, f"Is HRA exempt if I pay rent to my parents {marker}?")
    wait_for_answer(owner)
    doomed = conversation_id(owner)
    items = owner.get_by_test_id("conversation-item")
    expect(items).to_have_count(2)

    _sign_in(page, sign_in, admin_account[0])
    _delete_as_admin(page, marker)

    # The owner's tab, untouched since: the conversation leaves the screen and the sidebar.
    owner.wait_for_url(re.compile(r"/chat/?$"))
    expect(owner.get_by_test_id("chat-notice")).to_contain_text("deleted")
    expect(items).to_have_count(1)
    expect(owner.locator(f"[href='/chat/{doomed}']")).to_have_count(0)
    expect(owner.locator(f"[href='/chat/{kept}']")).to_have_count(1)


def test_the_owners_tab_on_another_conversation_loses_it_from_the_sidebar(
    page: Page,
    browser,
    new_account,
    sign_in,
    admin_account,
    live_server,
):
    owner_email, _, _ = new_account("Arjun Nair")
    owner = _owner_page(browser, live_server, sign_in, owner_email)
    marker = uuid.uuid4().hex[:8]
    ask(owner, f"What is the LTCG tax on equity funds {marker}?")
    wait_for_answer(owner)
    doomed = conversation_id(owner)
    owner.click("[data-testid=new-chat]")
    ask(owner, "Should I choose the old or the new tax regime?")
    wait_for_answer(owner)
    kept = conversation_id(owner)
    expect(owner.get_by_test_id("conversation-item")).to_have_count(2)

    _sign_in(page, sign_in, admin_account[0])
    _delete_as_admin(page, marker)

    expect(owner.locator(f"[href='/chat/{doomed}']")).to_have_count(0)
    expect(owner.get_by_test_id("conversation-item")).to_have_count(1)
    # The conversation being read stays, with no notice about the other one.
    assert conversation_id(owner) == kept
    expect(owner.get_by_test_id("chat-notice")).to_have_count(0)


def test_a_streaming_answer_ends_and_the_owners_tab_shows_the_conversation_gone(
    page: Page,
    browser,
    new_account,
    sign_in,
    admin_account,
    live_server,
):
    owner_email, _, _ = new_account("Farah Khan")
    owner = _owner_page(browser, live_server, sign_in, owner_email)
    marker = uuid.uuid4().hex[:8]
    ask(owner, f"Explain every section of the Income Tax Act {marker} [[fake:very-slow]]")
    expect(owner.get_by_test_id("streaming-bubble")).to_be_visible()

    _sign_in(page, sign_in, admin_account[0])
    _delete_as_admin(page, marker)

    owner.wait_for_url(re.compile(r"/chat/?$"))
    expect(owner.get_by_test_id("streaming-bubble")).to_have_count(0)
    expect(owner.get_by_test_id("chat-notice")).to_contain_text("deleted")
    expect(owner.get_by_test_id("conversation-item")).to_have_count(0)
