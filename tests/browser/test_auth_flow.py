"""Accounts in the browser: sign up, sign out, sign in, redirects and the cookie."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.screens import screenshot

# The production server serves pages as folders: /chat may become /chat/.
CHAT_HOME = re.compile(r"/chat/?$")
LOGIN_NEXT_CHAT = re.compile(r"/login/?\?next=(%2F|/)chat/?$")
SIGNED_OUT = re.compile(r"/login/?\?signed_out=1$")


def test_sign_up_then_sign_out_then_sign_in(page: Page):
    email = f"{uuid.uuid4().hex[:10]}@Example.com"
    page.goto("/signup")
    page.fill("#fc-full_name", "Kavya Nair")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    page.wait_for_url(CHAT_HOME)
    expect(page.get_by_text("Hello Kavya, how can I help?")).to_be_visible()
    expect(page.locator(".fc-user-email")).to_have_text(email.lower())

    page.click("#fc-logout")
    page.wait_for_url(SIGNED_OUT)
    expect(page.get_by_text("You have been signed out.")).to_be_visible()

    # The email is matched whatever its letter case.
    page.fill("#fc-email", email.upper())
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    page.wait_for_url(CHAT_HOME)
    expect(page.locator(".fc-user-name")).to_have_text("Kavya Nair")


def test_wrong_password_shows_an_error_and_keeps_the_email(page: Page, new_account):
    email, _, _ = new_account()
    page.goto("/login")
    page.fill("#fc-email", email)
    page.fill("#fc-password", "definitely not it")
    page.click("#fc-submit")
    expect(page.locator("#fc-form-error")).to_have_text("Incorrect email or password.")
    expect(page.locator("#fc-email")).to_have_value(email)
    expect(page.locator("#fc-password")).to_have_value("")


def test_signup_errors_are_shown_and_nothing_typed_but_the_password_is_lost(page: Page, new_account):
    email, _, _ = new_account()
    page.goto("/signup")
    page.fill("#fc-full_name", "Second Person")
    page.fill("#fc-email", email.upper())
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    expect(page.locator("#fc-form-error")).to_contain_text("already exists")
    expect(page.locator("#fc-full_name")).to_have_value("Second Person")


def test_a_protected_page_sends_you_to_sign_in_and_back(page: Page, new_account):
    email, password, _ = new_account()
    page.goto("/chat")
    page.wait_for_url(LOGIN_NEXT_CHAT)
    page.fill("#fc-email", email)
    page.fill("#fc-password", password)
    page.click("#fc-submit")
    page.wait_for_url(CHAT_HOME)
    page.wait_for_selector("#fc-composer-input")


def test_next_pointing_elsewhere_is_ignored(page: Page, new_account, live_server):
    email, password, _ = new_account()
    for target in ("https://elsewhere.example", "//elsewhere.example/x", "/\\elsewhere.example"):
        page.context.clear_cookies()
        page.goto(f"/login?next={target}")
        page.fill("#fc-email", email)
        page.fill("#fc-password", password)
        page.click("#fc-submit")
        page.wait_for_url(CHAT_HOME)
        assert re.fullmatch(re.escape(live_server.url) + r"/chat/?", page.url)


def test_the_session_cookie_is_http_only_and_invisible_to_scripts(page: Page, new_account, sign_in):
    email, password, _ = new_account()
    sign_in(page, email, password)
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["finucity_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"
    assert session["value"] not in page.evaluate("document.cookie")
    assert "finucity_session" not in page.evaluate("document.cookie")


def test_logout_makes_the_old_cookie_useless(page: Page, new_account, sign_in, live_server):
    email, password, _ = new_account()
    sign_in(page, email, password)
    old = {c["name"]: c["value"] for c in page.context.cookies()}["finucity_session"]
    me = httpx.get(f"{live_server.url}/api/auth/me", cookies={"finucity_session": old})
    assert me.status_code == 200

    page.click("#fc-logout")
    page.wait_for_url(SIGNED_OUT)
    assert httpx.get(f"{live_server.url}/api/auth/me", cookies={"finucity_session": old}).status_code == 401
    # Putting the old cookie back does not sign the browser in again.
    page.context.add_cookies([{"name": "finucity_session", "value": old, "url": live_server.url}])
    page.goto("/chat")
    page.wait_for_url(LOGIN_NEXT_CHAT)


def test_auth_pages_look_finished(page: Page):
    for name, path in (("login", "/login"), ("signup", "/signup")):
        for width, height in ((1280, 800), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(path)
            page.wait_for_selector("#fc-submit")
            page.evaluate("document.fonts.ready")
            screenshot(page, f"{name}-{width}x{height}")
            # Nothing overflows sideways on a phone.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_after_sign_out_the_tab_sends_nothing_of_the_previous_user(page: Page, new_account, sign_in):
    email, password, _ = new_account("First User")
    sign_in(page, email, password)
    secret = f"my-private-question-{uuid.uuid4().hex[:6]}"
    box = page.locator("#fc-composer-input")
    box.fill(secret)
    box.press("Enter")
    page.locator("[data-testid=assistant-bubble][data-status=complete]").wait_for()

    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    page.click("#fc-logout")
    page.wait_for_url(SIGNED_OUT)
    page.wait_for_selector("#fc-submit")

    # Another person signs in on the same tab.
    other_email, other_password, _ = new_account("Second User")
    page.fill("#fc-email", other_email)
    page.fill("#fc-password", other_password)
    page.click("#fc-submit")
    page.wait_for_url(CHAT_HOME)
    page.wait_for_selector("[data-testid=suggestion]")
    expect(page.get_by_text(secret)).to_have_count(0)
    assert frames, "no websocket traffic was observed"
    assert not [f for f in frames if secret in f or email in f]
