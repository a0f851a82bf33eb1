"""The pages arrive with the Content-Security-Policy, and the app works under it."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.test_chat_flow import ask, wait_for_answer


def test_pages_carry_the_policy_and_nothing_is_refused(page: Page, new_account, sign_in):
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    response = page.goto("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    email, password, _ = new_account()
    sign_in(page, email, password)
    ask(page, "What is the standard deduction? [[fake:long]]")
    wait_for_answer(page)
    page.reload()
    wait_for_answer(page)
    assert not refused, refused[:3]
