"""Signing out in one tab takes the conversation off every other tab of the browser at
once, without anyone touching them (states/signed_out_tabs.py). What each tab's
stored state holds afterwards, in memory and in Redis: tests/security/test_tab_state_after_signout.py.
"""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.test_auth_flow import SIGNED_OUT
from tests.browser.test_chat_flow import ask, conversation_id, wait_for_answer


def test_the_other_tabs_of_a_browser_stop_showing_the_conversation(page: Page, new_account, sign_in):
    email, password, _ = new_account(f"Tabs {uuid.uuid4().hex[:6]}")
    sign_in(page, email, password)
    secret = f"bonus-{uuid.uuid4().hex[:8]}"
    ask(page, f"How is my bonus taxed {secret}?")
    wait_for_answer(page)
    idle_tabs = [page.context.new_page() for _ in range(2)]
    idle_tabs[0].goto(f"/chat/{conversation_id(page)}")
    idle_tabs[1].goto("/chat")
    for tab in idle_tabs:
        expect(tab.get_by_test_id("conversation-item")).to_have_count(1)
    expect(idle_tabs[0].get_by_text(secret).first).to_be_visible()

    page.click("#fc-logout")
    page.wait_for_url(SIGNED_OUT)

    # The other tabs, untouched: on the sign-in page, nothing of the conversation anywhere.
    for tab in idle_tabs:
        tab.wait_for_url(SIGNED_OUT)
        expect(tab.get_by_text("You have been signed out.")).to_be_visible()
        expect(tab.get_by_text(secret)).to_have_count(0)
        expect(tab.get_by_test_id("conversation-item")).to_have_count(0)
