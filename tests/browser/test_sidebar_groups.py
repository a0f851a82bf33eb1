"""The sidebar with a long history: date headings, room for titles, folded filters, a row menu.

Forty conversations over three months are written into the live database with
their dates; the browser runs in India's zone unless a test says otherwise.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from finucity.services.date_groups import date_group, group_by_date, zone_or_default
from tests.browser.sidebar_data import LONG_TITLE, seed_conversations, seed_forty

SHOTS = Path("/tmp/shots-sidebar")
IST = zone_or_default("Asia/Kolkata")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "Asia/Kolkata"}


@pytest.fixture
def history(page: Page, new_account, sign_in, live_server):
    """A user with forty dated conversations, signed in at 1280x800."""
    email, password, _ = new_account()
    now = datetime.now(UTC)
    dated = seed_forty(live_server, email, now)
    sign_in(page, email, password)
    return email, password, dated, now


def _labels(page: Page):
    return page.locator("[data-testid=group-label]")


def _rows(page: Page):
    return page.locator("[data-testid=conversation-item]")


def _expected_groups(dated, now, zone, loaded: int) -> list[str]:
    newest_first = sorted(dated, key=lambda d: d[2], reverse=True)[:loaded]
    return [label for label, _ in group_by_date(newest_first, lambda d: d[2], now, zone)]


def _visible_rows(page: Page) -> int:
    """Rows wholly inside the list's visible area."""
    return page.evaluate(
        """() => {
            const list = document.querySelector('nav.fc-conv-list').getBoundingClientRect();
            return [...document.querySelectorAll('[data-testid=conversation-item]')].filter((el) => {
                const r = el.getBoundingClientRect();
                return r.height > 0 && r.top >= list.top && r.bottom <= list.bottom;
            }).length;
        }"""
    )


def test_conversations_are_grouped_by_date_with_room_for_a_dozen_and_long_titles(page: Page, history):
    _, _, dated, now = history
    rows = _rows(page)
    expect(rows.first).to_have_text(LONG_TITLE)
    loaded = rows.count()
    assert loaded >= 20
    expected = _expected_groups(dated, now, IST, loaded)
    assert expected[:4] == ["Today", "Yesterday", "Previous 7 days", "Previous 30 days"]
    assert len(expected) >= 5  # and at least one month
    expect(_labels(page)).to_have_text(expected)

    # The headings follow their rows: each row sits under the heading of its own date.
    for title, _, when in dated[:loaded]:
        group = page.locator("[role=group]", has=page.get_by_text(title, exact=True))
        expect(group.locator("[data-testid=group-label]")).to_have_text(date_group(when, now, IST))

    page.screenshot(path=str(SHOTS / "sidebar-40-1280x800.png"))
    assert _visible_rows(page) >= 12
    # The newest title uses the row's full width: 32 characters fit, not 25.
    room = page.locator(".fc-conv-title").first.evaluate(
        """(el) => {
            const style = getComputedStyle(el);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            return {width: el.clientWidth, need: ctx.measureText(el.textContent.slice(0, 32)).width};
        }"""
    )
    assert room["width"] >= room["need"], room

    # A heading stays in sight while its group scrolls under it.
    page.locator("nav.fc-conv-list").evaluate("(el) => { el.scrollTop = 400 }")
    stuck = page.evaluate(
        """() => {
            const list = document.querySelector('nav.fc-conv-list').getBoundingClientRect();
            return [...document.querySelectorAll('[data-testid=group-label]')]
                .some((h) => Math.abs(h.getBoundingClientRect().top - list.top) < 2);
        }"""
    )
    assert stuck
    page.screenshot(path=str(SHOTS / "sidebar-40-scrolled-1280x800.png"))


def test_the_sidebar_on_a_phone(browser, new_account, sign_in, live_server):
    email, password, _ = new_account()
    seed_forty(live_server, email)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        timezone_id="Asia/Kolkata",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        sign_in(page, email, password)
        page.click("[data-testid=open-menu]")
        expect(page.locator("#fc-sidebar")).to_be_in_viewport()
        expect(_labels(page).first).to_have_text("Today")
        row_menu = page.locator("[data-testid=conversation-menu]").first
        # No hover on a touch screen: the row's menu is always there to tap.
        expect(row_menu).to_have_css("opacity", "1")
        assert _visible_rows(page) >= 10
        page.wait_for_function("() => !document.querySelector('#fc-sidebar').getAnimations().length")
        page.screenshot(path=str(SHOTS / "sidebar-40-390x844.png"))
        row_menu.tap()
        expect(page.get_by_role("menuitem", name="Rename")).to_be_visible()
        page.screenshot(path=str(SHOTS / "sidebar-row-menu-390x844.png"))
    finally:
        context.close()


def test_the_readers_own_zone_decides_where_today_ends(browser, new_account, sign_in, live_server):
    """A conversation twelve hours old is today's for one reader and yesterday's for another."""
    now = datetime.now(UTC)
    when = now - timedelta(hours=12)
    zones = ["Pacific/Kiritimati", "Asia/Tokyo", "Europe/London", "America/New_York", "Pacific/Pago_Pago"]
    zone = next(z for z in zones if date_group(when, now, zone_or_default(z)) != date_group(when, now, IST))
    email, password, _ = new_account()
    seed_conversations(live_server, email, [("Advance tax instalments for a consultant", "income_tax", when)])
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}, timezone_id=zone)
    page = context.new_page()
    try:
        sign_in(page, email, password)
        expect(_labels(page)).to_have_text([date_group(when, datetime.now(UTC), zone_or_default(zone))])
    finally:
        context.close()


def test_filters_stay_folded_until_asked_for(page: Page, history):
    rows = _rows(page)
    expect(rows.first).to_be_visible()
    toggle = page.get_by_test_id("filter-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#fc-filters")).to_have_count(0)

    toggle.click()
    chips = page.get_by_role("toolbar", name="Filter by category")
    expect(chips).to_be_visible()
    chips.get_by_role("button", name="GST").click()
    expect(toggle).to_have_accessible_name("Filter, 1 active")
    expect(rows.first).to_contain_text("GST")
    page.screenshot(path=str(SHOTS / "sidebar-filters-open-1280x800.png"))
    for text in rows.all_inner_texts():
        assert "GST" in text or "Input tax credit" in text

    # Folded again, the filter in force stays in sight and clears in one tap.
    toggle.click()
    expect(page.locator("#fc-filters")).to_have_count(0)
    active = page.get_by_test_id("active-filter")
    expect(active).to_have_text("GST")
    active.click()
    expect(toggle).to_have_accessible_name("Filter")
    expect(rows.first).to_have_text(LONG_TITLE)


def _open_row_menu(page: Page, title: str):
    menu = page.get_by_role("menu")
    # A menu still fading out after its last choice keeps its outside-click
    # listener: a click on the button then opens the menu and that listener closes
    # it again in the same press. A person cannot click that fast; the test can.
    expect(menu).to_have_count(0)
    row = page.locator(".fc-conv-row", has=page.get_by_text(title, exact=True))
    row.hover()
    row.get_by_test_id("conversation-menu").click()
    expect(menu).to_be_visible()
    return menu


def test_the_row_menu_renames_exports_and_deletes(page: Page, history):
    _, _, dated, _ = history
    title = dated[1][0]
    rows = _rows(page)
    expect(rows.first).to_be_visible()
    # Closed, the menu takes no room: the button is not shown until the row is hovered.
    first_menu = page.locator(".fc-conv-row").first.get_by_test_id("conversation-menu")
    expect(first_menu).to_have_css("opacity", "0")

    sidebar = page.locator("#fc-sidebar")
    sidebar.get_by_text(title, exact=True).click()  # open it: its row is the current one
    expect(page.get_by_test_id("conversation-title")).to_have_text(title)
    menu = _open_row_menu(page, title)
    page.wait_for_function("() => !document.querySelector('[role=menu]').getAnimations().length")
    page.screenshot(path=str(SHOTS / "sidebar-row-menu-1280x800.png"))
    with page.expect_download() as markdown:
        menu.get_by_role("menuitem", name="Export as Markdown").click()
    download = markdown.value
    assert download.suggested_filename.endswith(".md")
    assert Path(download.path()).read_text().startswith(f"# {title}")

    menu = _open_row_menu(page, title)
    with page.expect_download() as as_json:
        menu.get_by_role("menuitem", name="Export as JSON").click()
    exported = json.loads(Path(as_json.value.path()).read_text())
    assert exported["conversation"]["title"] == title

    menu = _open_row_menu(page, title)
    menu.get_by_role("menuitem", name="Rename").click()
    page.fill("#fc-rename-input", "Salary tax, new regime")
    page.click("#fc-rename-save")
    expect(sidebar.get_by_text("Salary tax, new regime", exact=True)).to_be_visible()
    expect(page.get_by_test_id("conversation-title")).to_have_text("Salary tax, new regime")

    menu = _open_row_menu(page, "Salary tax, new regime")
    menu.get_by_role("menuitem", name="Delete").click()
    page.click("[data-testid=confirm-delete]")
    expect(sidebar.get_by_text("Salary tax, new regime", exact=True)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/chat/?$"))  # it was open: back to a new chat
    page.reload()
    expect(rows.first).to_have_text(LONG_TITLE)
    expect(sidebar.get_by_text("Salary tax, new regime", exact=True)).to_have_count(0)
