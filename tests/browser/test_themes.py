"""Light and dark themes (issue 14) in the browser.

The app follows the device's `prefers-color-scheme` until the user picks
System, Light or Dark in the user menu; the pick is painted from the very
first frame of the next load (no flash of the other theme), and it is saved
on the account, so another browser shows it once the user signs in there.
Both themes meet WCAG AA contrast on every page a user sees, measured in the
page (tests/browser/contrast.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from finucity.models import User
from tests.browser.admin_people import make_admin
from tests.browser.contrast import contrast_report, describe_failures
from tests.browser.test_chat_flow import ask, wait_for_answer
from tests.browser.test_feedback_in_chat import on_live_database
from tests.fakes.fake_openai import Script, long_markdown_answer
from tests.support.waiting import pump_until

# --fc-bg-main of each theme, as the browser reports it.
GROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(15, 15, 30)"}

# Installed before any script of the page: what the first frame paints.
FIRST_FRAME = """
requestAnimationFrame(() => {
  const root = document.documentElement;
  window.__firstFrame = {
    theme: root.classList.contains("dark") ? "dark" : root.classList.contains("light") ? "light" : "",
    ground: getComputedStyle(document.body || root).backgroundColor,
  };
});
"""


def open_context(browser: Browser, live_server, scheme: str, **options):
    options = {"viewport": {"width": 1280, "height": 800}, **options}
    context = browser.new_context(base_url=live_server.url, color_scheme=scheme, **options)
    context.add_init_script(FIRST_FRAME)
    return context


def first_frame(page: Page) -> dict:
    page.wait_for_function("() => window.__firstFrame !== undefined")
    return page.evaluate("() => window.__firstFrame")


def expect_theme(page: Page, theme: str) -> None:
    expect(page.locator("html")).to_have_class(re.compile(rf"\b{theme}\b"))
    expect(page.locator("body")).to_have_css("background-color", GROUND[theme])


def stored_theme(live_server, email: str) -> str | None:
    async def read(session):
        return await session.scalar(select(User.theme).where(User.email == email))

    return on_live_database(live_server, read)


def choose(page: Page, theme: str) -> None:
    page.get_by_test_id("theme-menu").click()
    page.get_by_test_id(f"theme-{theme}").click()


# --- following the device, and the choice ---------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_with_no_choice_the_device_setting_is_followed_from_the_first_frame(browser, live_server, scheme):
    context = open_context(browser, live_server, scheme)
    page = context.new_page()
    page.goto("/login")
    assert first_frame(page) == {"theme": scheme, "ground": GROUND[scheme]}
    expect_theme(page, scheme)
    context.close()


def test_a_choice_is_kept_across_reloads_and_follows_the_user_to_another_browser(
    browser, live_server, new_account, sign_in
):
    email, password, _ = new_account()
    laptop = open_context(browser, live_server, "light")
    page = laptop.new_page()
    sign_in(page, email, password)
    expect_theme(page, "light")
    expect(page.get_by_test_id("theme-system")).to_have_count(0)  # the menu is closed

    choose(page, "dark")
    expect_theme(page, "dark")
    expect(page.get_by_test_id("theme-menu")).to_be_visible()
    page.wait_for_function("() => localStorage.getItem('theme') === 'dark'")
    # Saved on the account, not only in this browser.
    pump_until(page, lambda: stored_theme(live_server, email) == "dark", what="the theme saved on the account")

    # A cold reload paints dark from the first frame, though the device is light.
    page.reload()
    assert first_frame(page) == {"theme": "dark", "ground": GROUND["dark"]}
    page.get_by_test_id("theme-menu").click()
    expect(page.get_by_test_id("theme-dark")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("theme-light")).to_have_attribute("aria-checked", "false")
    page.keyboard.press("Escape")
    laptop.close()

    # Another browser, on a light device, that has never seen this user.
    phone = open_context(browser, live_server, "light", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto("/login")
    expect_theme(page, "light")
    sign_in(page, email, password)
    expect_theme(page, "dark")
    # Signed out, the sign-in page keeps the last choice made here.
    phone.clear_cookies()
    page.goto("/login")
    assert first_frame(page)["theme"] == "dark"

    # System hands the decision back to the device, on the account too.
    sign_in(page, email, password)
    page.locator(".fc-topbar .fc-menu-btn").click()
    choose(page, "system")
    expect_theme(page, "light")
    page.wait_for_function("() => localStorage.getItem('theme') === 'system'")
    pump_until(page, lambda: stored_theme(live_server, email) is None, what="the account back on System")
    phone.close()


def test_each_user_has_their_own_theme_on_a_shared_browser(browser, live_server, new_account, sign_in):
    dark_user, password, _ = new_account("Dev Dark")
    light_user, _, _ = new_account("Lata Light")

    async def prefer_dark(session):
        await session.execute(update(User).where(User.email == dark_user).values(theme="dark"))

    on_live_database(live_server, prefer_dark)
    context = open_context(browser, live_server, "light")
    page = context.new_page()
    sign_in(page, dark_user, password)
    expect_theme(page, "dark")
    page.click("#fc-logout")
    page.wait_for_url(re.compile(r"/login"))
    sign_in(page, light_user, password)
    expect_theme(page, "light")  # follows the device: this user never chose
    context.close()


# --- contrast --------------------------------------------------------------------------------------


# Menus and messages fade in: measure once they have (endless ones aside).
SETTLED = """() => document.getAnimations().every(
  (a) => a.playState !== "running" || a.effect.getComputedTiming().iterations === Infinity
)"""


def assert_readable(page: Page, where: str, at_least: int) -> None:
    page.wait_for_function(SETTLED)
    report = contrast_report(page)
    assert not report["failures"], f"{where}: text below WCAG AA contrast:\n" + describe_failures(report["failures"])
    # The check measured the page, not an empty shell.
    assert report["checked"] >= at_least, f"{where}: only {report['checked']} text elements measured"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_meets_wcag_aa_contrast(browser, live_server, fake, new_account, sign_in, theme):
    context = open_context(browser, live_server, theme)
    page = context.new_page()
    page.goto("/login")
    expect_theme(page, theme)
    assert_readable(page, "login", 8)

    # The chat: a finished answer with a table and code, the question, the
    # sidebar with the day's usage, the composer and a notice (quota used up).
    email, password, _ = new_account()
    fake.register("themes-long", Script(chunks=long_markdown_answer(), delay_s=0.002, usage=(600, 400)))

    async def small_quota(session):
        await session.execute(update(User).where(User.email == email).values(daily_token_quota=1000))

    on_live_database(live_server, small_quota)
    sign_in(page, email, password)
    assert_readable(page, "the empty chat", 20)
    ask(page, "Compare the old and the new regime [[fake:themes-long]]")
    answer = wait_for_answer(page)
    expect(answer.locator("table")).to_be_visible()
    expect(answer.locator(".fc-code")).to_be_visible()
    ask(page, "And for a pensioner?")
    expect(page.get_by_test_id("chat-notice")).to_be_visible()
    expect(page.get_by_test_id("token-usage")).to_be_visible()
    assert_readable(page, "the chat", 80)
    page.get_by_test_id("theme-menu").click()
    expect(page.get_by_test_id(f"theme-{theme}")).to_be_visible()
    assert_readable(page, "the theme menu", 80)
    page.keyboard.press("Escape")

    page.goto("/tools")
    expect(page.get_by_test_id("calc-card")).to_be_visible()
    assert_readable(page, "the calculators", 40)
    context.close()

    admin_email, admin_password = make_admin(live_server)
    context = open_context(browser, live_server, theme)
    page = context.new_page()
    sign_in_admin(page, admin_email, admin_password)
    for path, ready in (("/admin", ".fc-admin-figures"), ("/admin/users", ".fc-admin-table")):
        page.goto(path)
        expect(page.locator(ready)).to_be_visible()
        expect_theme(page, theme)
        assert_readable(page, path, 20)
    context.close()


def sign_in_admin(page: Page, email: str, password: str) -> None:
    page.goto("/login?next=/admin")
    page.fill("#fc-email", email)
    page.fill("#fc-password", password)
    page.click("#fc-submit")
    page.wait_for_url(re.compile(r"/admin/?$"))
