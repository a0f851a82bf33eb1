"""The user's own account from the sidebar: download all of it, delete it behind the password."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.browser.sidebar_data import seed_conversations, user_exists

SHOTS = Path("/tmp/shots-sidebar")


def _account_menu(page: Page):
    page.get_by_test_id("account-menu").click()
    return page.get_by_role("menu")


def _api_login(live_server, email: str, password: str) -> int:
    return httpx.post(
        f"{live_server.url}/api/auth/login",
        json={"email": email, "password": password},
        headers={"Origin": live_server.url},
        timeout=20,
    ).status_code


def test_download_all_my_data_holds_my_conversations(page: Page, signed_in, live_server):
    email, _, name = signed_in
    now = datetime.now(UTC)
    titles = ["Section 80C limit for this year", "GST on rent of a shop"]
    seed_conversations(
        live_server, email, [(t, "income_tax", now - timedelta(hours=i + 1)) for i, t in enumerate(titles)]
    )
    page.reload()
    expect(page.get_by_text(titles[0], exact=True)).to_be_visible()

    menu = _account_menu(page)
    page.screenshot(path=str(SHOTS / "account-menu-1280x800.png"))
    with page.expect_download() as download:
        menu.get_by_role("menuitem", name="Download all my data").click()
    assert download.value.suggested_filename.endswith(".json")
    data = json.loads(Path(download.value.path()).read_text())
    assert data["user"]["email"] == email
    assert data["user"]["full_name"] == name
    assert sorted(c["title"] for c in data["conversations"]) == sorted(titles)


def test_delete_account_needs_the_right_password(page: Page, signed_in, live_server):
    email, password, _ = signed_in
    seed_conversations(live_server, email, [("NPS tier 2 withdrawals", "investment", datetime.now(UTC))])
    page.reload()
    expect(page.get_by_text("NPS tier 2 withdrawals", exact=True)).to_be_visible()

    _account_menu(page).get_by_role("menuitem", name="Delete account…").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("cannot be undone")
    box = dialog.get_by_label("Type your password to confirm")
    box.fill("not my password at all")
    dialog.get_by_role("button", name="Delete my account").click()
    expect(dialog.get_by_role("alert")).to_have_text("The password is not correct.")
    expect(box).to_have_value("")
    page.screenshot(path=str(SHOTS / "delete-account-wrong-password-1280x800.png"))
    # Nothing was deleted: still signed in, the account and its conversation are there.
    assert user_exists(live_server, email)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    page.reload()
    expect(page.get_by_text("NPS tier 2 withdrawals", exact=True)).to_be_visible()

    _account_menu(page).get_by_role("menuitem", name="Delete account…").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.get_by_role("alert")).to_have_text("")  # the old error is not shown again
    dialog.get_by_label("Type your password to confirm").fill(password)
    dialog.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(re.compile(r"/login/?\?account_deleted=1"))
    expect(page.get_by_test_id("account-deleted")).to_contain_text("have been deleted")
    page.screenshot(path=str(SHOTS / "account-deleted-login-1280x800.png"))
    assert not user_exists(live_server, email)

    # Signed out for good: the chat sends back to sign in, and the password no longer works.
    page.goto("/chat")
    page.wait_for_url(re.compile(r"/login/?\?next="))
    page.fill("#fc-email", email)
    page.fill("#fc-password", password)
    page.click("#fc-submit")
    expect(page.locator("#fc-form-error")).to_be_visible()
    assert _api_login(live_server, email, password) == 401
