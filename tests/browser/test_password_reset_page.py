"""/reset-password: an imported user sets a password from the link and signs in with it."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from finucity import db
from finucity.services import password_resets
from finucity.services.context import Actor
from tests.browser.test_admin_support import user_id_of
from tests.support.live_server import run_async

NEW_PASSWORD = "kitchen garden in monsoon"


def _reset_link(live_server, email: str) -> str:
    user_id = uuid.UUID(user_id_of(live_server, email))

    async def issue():
        db.configure(live_server.database_url)
        try:
            return await password_resets.issue_reset_link(Actor(channel="cli"), user_id, base_url=live_server.url)
        finally:
            await db.dispose()
            db.configure(None)

    return run_async(issue())


def test_a_link_sets_the_password_and_the_login_page_says_so(page: Page, live_server, new_account):
    email, _, _ = new_account("Kavya Menon")
    link = _reset_link(live_server, email)

    page.goto(link)
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    page.fill("#fc-password", "too short")
    page.evaluate("document.querySelector('#fc-password').removeAttribute('minlength')")
    page.click("#fc-submit")
    expect(page.locator(".fc-alert")).to_contain_text("at least 10 characters")
    expect(page).to_have_url(re.compile(r"/reset-password/?\?token="))

    page.fill("#fc-password", NEW_PASSWORD)
    page.click("#fc-submit")
    expect(page).to_have_url(re.compile(r"/login/?\?password_set=1"))
    expect(page.get_by_text("Your password is set. Sign in with it.")).to_be_visible()
    expect(page.locator("#fc-email")).to_have_value(email)
    page.fill("#fc-password", NEW_PASSWORD)
    page.click("#fc-submit")
    page.wait_for_url(re.compile(r"/chat/?$"))

    # The same link does nothing a second time.
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#fc-password", "another fine passphrase")
    page.click("#fc-submit")
    expect(page.locator(".fc-alert")).to_contain_text("not valid any more")
