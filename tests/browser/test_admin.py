"""The admin area in the browser (every admin handler called by non-admins over a raw
websocket: tests/security/test_handler_authorization.py).

The first administrator comes from the command line, as on a fresh install.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import Page, expect

from finucity.config import PROJECT_ROOT
from tests.browser.conftest import PASSWORD
from tests.browser.screens import screenshot
from tests.browser.test_chat_flow import ask, conversation_id, wait_for_answer


@pytest.fixture
def admin_account(live_server) -> tuple[str, str]:
    email = f"admin-{uuid.uuid4().hex[:8]}@finucity.example"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "finucity",
            "create-user",
            "--email",
            email,
            "--name",
            "Asha Admin",
            "--admin",
            "--password",
            PASSWORD,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": live_server.database_url},
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    return email, PASSWORD


# --- people who are not admins ------------------------------------------------------------------


def test_a_normal_user_gets_403_and_no_admin_data(page: Page, signed_in, new_account, live_server):
    # Someone else's conversation exists, so there is data to leak.
    other_email, _, _ = new_account("Other Person")
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    for path in ("/admin", "/admin/conversations", "/admin/users", "/admin/audit"):
        page.goto(path)
        expect(page.get_by_test_id("admin-forbidden")).to_be_visible()
    assert not [f for f in frames if other_email in f]
    screenshot(page, "admin-403-1280x800")


# --- an administrator at work ----------------------------------------------------------------------


def _sign_in(page: Page, sign_in, email: str) -> None:
    """Sign this page in as `email`, whoever it was signed in as."""
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)


def test_an_admin_finds_reads_exports_and_deletes(
    page: Page, browser, new_account, sign_in, admin_account, live_server
):
    # A user asks two questions in two categories.
    owner_email, _, _ = new_account("Kavya Rao")
    owner = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}).new_page()
    sign_in(owner, owner_email)
    marker = uuid.uuid4().hex[:8]
    ask(owner, f"What GST rate applies to restaurant bills {marker}?")
    wait_for_answer(owner)
    gst_conversation = conversation_id(owner)
    owner.click("[data-testid=new-chat]")
    ask(owner, f"How is my salary taxed under the new regime {marker}?")
    wait_for_answer(owner)

    _sign_in(page, sign_in, admin_account[0])
    page.goto("/admin/conversations")
    page.fill("input[name=q]", marker)
    page.click("[data-testid=apply-filters]")
    rows = page.get_by_test_id("admin-conversation-row")
    expect(rows).to_have_count(2)
    # The header's box selects every row on the page, and clears them again.
    delete_selected = page.get_by_role("button", name=re.compile(r"^Delete selected"))
    select_all = page.get_by_role("checkbox", name="Select all conversations on this page")
    # (Clicks, not check(): the boxes show the selection the server holds, a moment later.)
    select_all.click()
    expect(delete_selected).to_have_text("Delete selected (2)")
    expect(rows.get_by_role("checkbox", checked=True)).to_have_count(2)
    expect(select_all).to_be_checked()
    screenshot(page, "admin-conversations-selected-1280x800")
    rows.first.get_by_role("checkbox").click()
    expect(select_all).not_to_be_checked()
    expect(delete_selected).to_have_text("Delete selected (1)")
    select_all.click()
    expect(delete_selected).to_have_text("Delete selected (2)")
    select_all.click()
    expect(delete_selected).to_have_text("Delete selected (0)")
    expect(delete_selected).to_be_disabled()

    page.select_option("select[name=category]", "gst")
    page.click("[data-testid=apply-filters]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("restaurant bills")
    screenshot(page, "admin-conversations-1280x800")

    # The export holds exactly the filtered rows.
    href = page.get_by_test_id("export-csv").get_attribute("href")
    export = page.request.get(href)
    assert export.ok, export.text()
    table = list(csv.DictReader(io.StringIO(export.text())))
    assert len(table) == 1 and marker in str(table[0])

    # Read the transcript.
    rows.first.locator(".fc-admin-link").click()
    expect(page.get_by_role("dialog")).to_contain_text("restaurant bills")
    expect(page.get_by_role("dialog")).to_contain_text(owner_email)
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    page.get_by_test_id("confirm-admin-delete").click()
    expect(rows).to_have_count(0)

    # Gone for its owner too.
    owner.goto(f"/chat/{gst_conversation}")
    expect(owner.get_by_test_id("conversation-title")).to_have_text("Conversation not found")

    # Each action is in the audit log.
    page.goto("/admin/audit")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    text = page.locator("main").inner_text()
    assert "admin.conversation.read" in text
    assert "admin.conversations.export" in text
    assert re.search(r"admin\.conversation\S*delete", text)
    screenshot(page, "admin-audit-1280x800")


def test_an_admin_changes_a_role_and_deactivates_someone(
    page: Page, browser, new_account, sign_in, admin_account, live_server
):
    target_email, _, _ = new_account(f"Rohan {uuid.uuid4().hex[:4]}")
    target = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}).new_page()
    sign_in(target, target_email)

    _sign_in(page, sign_in, admin_account[0])
    page.goto("/admin/users")
    page.fill("input[name=q]", target_email)
    page.get_by_role("button", name="Apply").click()
    row = page.get_by_test_id("admin-user-row")
    expect(row).to_have_count(1)
    row.locator(".fc-admin-link").click()
    page.get_by_test_id("make-admin").click()
    expect(row).to_contain_text("admin")
    page.get_by_test_id("deactivate").click()
    expect(row).to_contain_text("Deactivated")
    screenshot(page, "admin-users-1280x800")

    # The deactivated person's open tab leaves for the sign-in page at once, untouched.
    target.wait_for_url(re.compile(r"/login"))
    expect(target.locator("#fc-composer-input")).to_have_count(0)

    page.goto("/admin/audit")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    text = page.locator("main").inner_text()
    assert "admin.user.role" in text and "admin.user.active" in text


def test_the_overview_with_data_and_on_a_phone(page: Page, signed_in, sign_in, admin_account):
    ask(page, "What is the standard deduction?")
    wait_for_answer(page)
    _sign_in(page, sign_in, admin_account[0])
    page.goto("/admin")
    expect(page.locator(".fc-admin-figure").first).to_be_visible()
    expect(page.locator(".recharts-surface").first).to_be_visible()
    screenshot(page, "admin-overview-1280x800")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator(".fc-admin-figure").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "admin-overview-390x844")
