"""An axe-core audit of every screen a person meets: no serious or critical
violation on sign-in, sign-up, the chat in each of its states, its dialogs,
the calculators and the admin area, in a browser that prefers a dark and one
that prefers a light colour scheme. Lesser findings are printed (`-s`)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe_audit import audit, describe
from tests.browser.test_admin import admin_account  # noqa: F401  (a fixture)
from tests.browser.test_chat_flow import ask, row_action, wait_for_answer


@pytest.fixture(params=["dark", "light"])
def browser_context_args(request, browser_context_args):
    """Each audit runs in both colour schemes: contrast differs between them."""
    return {**browser_context_args, "color_scheme": request.param}


def assert_accessible(page: Page, what: str) -> None:
    scheme = page.evaluate("() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')")
    what = f"{what} ({scheme})"
    blocking = audit(page, what)
    assert not blocking, f"{what}:\n{describe(blocking)}"


def test_sign_in_and_sign_up(page: Page):
    page.goto("/login")
    page.wait_for_selector("#fc-submit")
    assert_accessible(page, "login")
    page.goto("/signup")
    page.wait_for_selector("#fc-submit")
    assert_accessible(page, "signup")


def test_the_chat_empty_streaming_finished_and_failed(page: Page, signed_in):
    page.wait_for_selector("[data-testid=suggestion]")
    assert_accessible(page, "chat, empty")

    ask(page, "Explain every section of the Income Tax Act [[fake:very-slow]]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 40"
    )
    assert_accessible(page, "chat, streaming")
    page.click(".fc-stop")
    wait_for_answer(page, "stopped")

    ask(page, "What is the standard deduction for salaried people?")
    wait_for_answer(page)
    assert_accessible(page, "chat, finished")

    ask(page, "What is the GST rate on restaurant food? [[fake:error]]")
    wait_for_answer(page, "failed")
    assert_accessible(page, "chat, failed")


def test_the_chat_on_a_phone(page: Page, signed_in):
    page.set_viewport_size({"width": 390, "height": 844})
    ask(page, "How is a fixed deposit taxed?")
    wait_for_answer(page)
    assert_accessible(page, "chat on a phone")
    page.click("[data-testid=open-menu]")
    expect(page.locator("#fc-search")).to_be_visible()
    assert_accessible(page, "chat on a phone, menu open")


def test_the_dialogs(page: Page, signed_in):
    ask(page, "Should I buy a term plan or a ULIP?")
    wait_for_answer(page)
    row_action(page, "Rename")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page, "rename dialog")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    row_action(page, "Delete")
    expect(page.get_by_role("alertdialog")).to_be_visible()
    assert_accessible(page, "delete dialog")
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)

    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page, "shortcuts dialog")


def test_the_calculators(page: Page):
    page.goto("/tools")
    page.get_by_test_id("tool-income_tax").click()
    form = page.get_by_test_id("form-income_tax")
    form.locator("#tool-salary").fill("12,85,000")
    form.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("calc-card")).to_be_visible()
    assert_accessible(page, "calculators, with a result")


def test_the_admin_area(page: Page, new_account, sign_in, admin_account):  # noqa: F811
    # Someone with a conversation, so the lists and the transcript have rows.
    email, password, _ = new_account("Kavya Rao")
    sign_in(page, email, password)
    ask(page, "What GST rate applies to restaurant bills?")
    wait_for_answer(page)
    page.context.clear_cookies()
    sign_in(page, admin_account[0], admin_account[1])

    page.goto("/admin")
    expect(page.locator(".fc-admin-figure").first).to_be_visible()
    assert_accessible(page, "admin overview")

    page.goto("/admin/conversations")
    rows = page.get_by_test_id("admin-conversation-row")
    expect(rows.first).to_be_visible()
    assert_accessible(page, "admin conversations")
    rows.first.locator(".fc-admin-link").click()
    expect(page.get_by_role("dialog")).to_contain_text("restaurant bills")
    assert_accessible(page, "admin transcript dialog")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    assert_accessible(page, "admin delete dialog")
    page.keyboard.press("Escape")

    page.goto("/admin/users")
    users = page.get_by_test_id("admin-user-row")
    expect(users.first).to_be_visible()
    assert_accessible(page, "admin users")
    users.first.locator(".fc-admin-link").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page, "admin user dialog")

    page.goto("/admin/audit")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    assert_accessible(page, "admin audit log")
