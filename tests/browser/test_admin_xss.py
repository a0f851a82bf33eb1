"""Stored XSS: a user puts markup in their name, titles, a feedback comment and messages.
Every admin view shows it as text, nothing runs, and the exports hold it as text
(with spreadsheet formulas defused in the CSV)."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.admin_people import make_admin
from tests.browser.test_admin import _sign_in
from tests.browser.test_chat_flow import ask, wait_for_answer

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=1</script>"
SVG = '"><svg onload=window.__xss=1>'
ALERT = "<img src=x onerror=alert(1)>"

# Anything the admin pages would have made of the markup above, had they rendered it.
INJECTED = """() => ({
    xss: window.__xss ?? null,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter(s => s.textContent.includes('__xss')).length,
    javascriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
})"""
NOTHING = {"xss": None, "handlers": 0, "images": 0, "scripts": 0, "javascriptLinks": 0}


@pytest.fixture
def admin_account(live_server) -> tuple[str, str]:
    return make_admin(live_server)


def assert_inert(page: Page, dialogs: list[str], where: str) -> None:
    assert page.evaluate(INJECTED) == NOTHING, where
    assert not dialogs, f"{where}: a dialog fired: {dialogs}"


def test_markup_from_users_stays_text_in_every_admin_view_and_export(
    page: Page,
    browser,
    new_account,
    sign_in,
    admin_account,
    live_server,
):
    marker = uuid.uuid4().hex[:8]
    name = f'=HYPERLINK("http://evil.example") {IMG}'
    email, _, _ = new_account(name)
    sign_in(page, email)
    titles = [
        f"@SUM(1+1) {IMG} {marker}",
        f"+1 {SVG} {marker}",
        f"-5% {SCRIPT} {marker} [[fake:xss]]",
    ]
    for i, title in enumerate(titles):
        if i:
            page.click("[data-testid=new-chat]")
        ask(page, title)
        wait_for_answer(page)
    comment = f"-1 {ALERT} {SVG} {SCRIPT}"
    page.locator(".fc-msg-assistant").last.get_by_role("button", name="Bad answer").click()
    page.get_by_test_id("feedback-comment").fill(comment)
    page.get_by_test_id("feedback-send").click()
    expect(page.get_by_test_id("feedback-note")).to_contain_text("svg onload")

    admin = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}).new_page()
    dialogs: list[str] = []
    admin.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _sign_in(admin, sign_in, admin_account[0])

    admin.goto("/admin")
    expect(admin.locator(".fc-admin-figure").first).to_be_visible()
    assert_inert(admin, dialogs, "overview")

    # The conversations list: titles and the owner's name, as typed.
    admin.goto("/admin/conversations")
    admin.fill("input[name=user]", email)
    admin.click("[data-testid=apply-filters]")
    rows = admin.get_by_test_id("admin-conversation-row")
    expect(rows).to_have_count(3)
    main = admin.locator("main")
    for title in titles[:2]:
        expect(main).to_contain_text(title)
    expect(main).to_contain_text(f"-5% {SCRIPT} {marker}")
    expect(main).to_contain_text(name)
    assert_inert(admin, dialogs, "conversations list")

    # The exports: the same text, formulas defused in the CSV.
    href = admin.get_by_test_id("export-csv").get_attribute("href")
    exported = admin.request.get(href)
    assert exported.ok, exported.text()
    table = list(csv.DictReader(io.StringIO(exported.text())))
    assert sorted(r["title"] for r in table) == sorted(f"'{t}" for t in titles)
    assert {r["user_name"] for r in table} == {f"'{name}"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in table for cell in r.values())
    as_json = admin.request.get(href.replace("format=csv", "format=json"))
    assert as_json.ok, as_json.text()
    items = json.loads(as_json.text())
    assert sorted(i["title"] for i in items) == sorted(titles)
    assert {i["user_name"] for i in items} == {name}
    contents = [m["content"] for i in items for m in i["messages"]]
    assert titles[2] in contents
    assert any(c.startswith("Here is markup that must stay text: <img") for c in contents)
    assert comment in [m.get("comment") for i in items for m in i["messages"]]

    # The transcript: the question, the answer full of markup, the comment.
    rows.filter(has_text="-5%").locator(".fc-admin-link").click()
    dialog = admin.get_by_role("dialog")
    expect(dialog).to_contain_text(f"-5% {SCRIPT} {marker}")
    expect(dialog).to_contain_text(comment)
    expect(dialog).to_contain_text(name)
    expect(dialog).to_contain_text("Here is markup that must stay text")
    assert_inert(admin, dialogs, "transcript")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)

    # The users list and the person's detail.
    admin.goto("/admin/users")
    admin.fill("input[name=q]", email)
    admin.get_by_role("button", name="Apply").click()
    user_row = admin.get_by_test_id("admin-user-row")
    expect(user_row).to_have_count(1)
    expect(user_row).to_contain_text(name)
    assert_inert(admin, dialogs, "users list")
    user_row.locator(".fc-admin-link").click()
    expect(admin.get_by_role("dialog")).to_contain_text(name)
    assert_inert(admin, dialogs, "user detail")

    # Deleting one puts its title in the audit log, which shows it as text too.
    admin.goto("/admin/conversations")
    admin.fill("input[name=user]", email)
    admin.click("[data-testid=apply-filters]")
    rows.filter(has_text="@SUM").get_by_role("button", name="Delete conversation").click()
    admin.get_by_test_id("confirm-admin-delete").click()
    expect(rows).to_have_count(2)
    admin.goto("/admin/audit")
    expect(admin.get_by_test_id("audit-row").first).to_be_visible()
    expect(admin.locator("main")).to_contain_text(IMG)
    assert_inert(admin, dialogs, "audit log")
