"""The chat by keyboard: each shortcut does what the help dialog says, and focus
goes somewhere sensible when dialogs open and close and when a question is sent.

Chromium here runs on Linux, so the modifier is Ctrl (⌘ on a Mac)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.screens import screenshot
from tests.browser.test_chat_flow import ask, conversation_id, row_action, stored_messages, wait_for_answer

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


def focused_id(page: Page) -> str:
    return page.evaluate(FOCUSED_ID)


def blur(page: Page) -> None:
    """Focus on nothing in particular, as after clicking empty space."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def test_ctrl_shift_o_starts_a_new_chat(page: Page, signed_in):
    ask(page, "What is the standard deduction for salaried people?")
    wait_for_answer(page)
    conversation_id(page)
    page.keyboard.press("Control+Shift+O")
    expect(page).to_have_url(re.compile(r"/chat/?$"))
    expect(page.get_by_test_id("conversation-title")).to_have_text("New chat")
    expect(page.locator("[data-testid=suggestion]").first).to_be_visible()


def test_ctrl_k_and_slash_find_the_search_and_shift_esc_the_question_box(page: Page, signed_in):
    page.keyboard.press("Control+K")
    page.wait_for_function(f"() => ({FOCUSED_ID})() === 'fc-search'")

    page.keyboard.press("Shift+Escape")
    page.wait_for_function(f"() => ({FOCUSED_ID})() === 'fc-composer-input'")
    # In the question box, / and ? are text, not shortcuts.
    page.keyboard.type("80C / 80D?")
    expect(page.locator("#fc-composer-input")).to_have_value("80C / 80D?")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert focused_id(page) == "fc-composer-input"

    blur(page)
    page.keyboard.press("/")
    page.wait_for_function(f"() => ({FOCUSED_ID})() === 'fc-search'")
    expect(page.locator("#fc-search")).to_have_value("")


def test_ctrl_k_opens_the_menu_on_a_phone(page: Page, signed_in):
    page.set_viewport_size({"width": 390, "height": 844})
    menu = page.get_by_role("button", name="Open menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#fc-search")).not_to_be_in_viewport()
    page.keyboard.press("Control+K")
    expect(page.locator("#fc-search")).to_be_in_viewport()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.wait_for_function(f"() => ({FOCUSED_ID})() === 'fc-search'")


def test_escape_stops_the_answer_being_written(page: Page, signed_in, live_server):
    ask(page, "Explain every section of the Income Tax Act [[fake:very-slow]]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 40"
    )
    # Esc closes an open dialog first, and the answer goes on.
    page.get_by_role("button", name="Keyboard shortcuts").click()
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    grown = page.evaluate("() => document.querySelector('[data-testid=streaming-bubble] .fc-md').innerText.length")
    page.wait_for_function(
        "(n) => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > n",
        arg=grown,
    )
    # From the question box (where the writer is) and without touching Stop.
    page.keyboard.press("Shift+Escape")
    page.keyboard.press("Escape")
    stopped = wait_for_answer(page, "stopped")
    expect(stopped.locator("[data-testid=stopped-tag]")).to_be_visible()
    # Stopped on the server, not only on the screen.
    assert stored_messages(live_server, conversation_id(page))[1].status == "stopped"


def test_ctrl_shift_c_copies_the_last_answer(page: Page, signed_in, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    ask(page, "What is the standard deduction for salaried people?")
    wait_for_answer(page)
    ask(page, "And how does section 80C work?")
    page.locator("[data-testid=assistant-bubble][data-status=complete]").nth(1).wait_for()
    blur(page)
    page.keyboard.press("Control+Shift+C")
    answers = [m for m in stored_messages(live_server, conversation_id(page)) if m.role == "assistant"]
    assert len(answers) == 2 and answers[0].content != answers[1].content
    page.wait_for_function("(want) => navigator.clipboard.readText().then((t) => t === want)", arg=answers[1].content)
    expect(page.locator("#fc-announcer")).to_have_text("Last answer copied")


def test_question_mark_opens_the_shortcuts_and_focus_comes_back(page: Page, signed_in):
    blur(page)
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("shortcut-list")).to_contain_text("New chat")
    assert page.evaluate("() => Boolean(document.activeElement.closest('[role=dialog]'))")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # From its button: closing gives focus back to the button.
    button = page.get_by_role("button", name="Keyboard shortcuts")
    button.click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
    expect(button).to_be_focused()

    page.keyboard.press("Control+/")
    expect(dialog).to_be_visible()


def test_the_shortcuts_dialog_on_a_desktop_and_a_phone(page: Page, signed_in):
    button = page.get_by_role("button", name="Keyboard shortcuts")
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if width > 767:
            button.click()
        else:
            # No keyboard button in a phone's top bar; a phone with a keyboard still has `?`.
            expect(button).to_be_hidden()
            blur(page)
            page.keyboard.press("?")
        dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
        expect(dialog).to_be_visible()
        page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
        box = dialog.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        screenshot(page, f"shortcuts-{width}x{height}")
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)


def test_focus_returns_to_what_opened_a_dialog(page: Page, signed_in):
    ask(page, "Should I buy a term plan or a ULIP?")
    wait_for_answer(page)
    # The dialogs open from the row's menu: focus comes back to its button.
    menu_button = row_action(page, "Rename")
    expect(page.locator("#fc-rename-input")).to_be_focused()  # inside the dialog at once
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(menu_button).to_be_focused()

    def delete_by_keyboard():
        menu_button.focus()
        page.keyboard.press("Enter")
        delete_item = page.get_by_role("menuitem", name="Delete")
        expect(delete_item).to_be_visible()
        delete_item.focus()
        page.keyboard.press("Enter")

    delete_by_keyboard()
    alert = page.get_by_role("alertdialog", name="Delete this conversation?")
    expect(alert).to_be_visible()
    assert page.evaluate("() => Boolean(document.activeElement.closest('[role=alertdialog]'))")
    alert.get_by_role("button", name="Cancel").click()
    expect(alert).to_have_count(0)
    expect(menu_button).to_be_focused()

    # Deleted: its buttons are gone, so focus goes to the question box.
    delete_by_keyboard()
    page.get_by_test_id("confirm-delete").click()
    expect(page.locator("[data-testid=conversation-item]")).to_have_count(0)
    expect(page.locator("#fc-composer-input")).to_be_focused()


def test_focus_stays_in_the_question_box_after_sending(page: Page, signed_in):
    # (A guard: this held before the shortcuts came, and they must not break it.)
    # The first question moves the page to the new conversation's address.
    ask(page, "What is the standard deduction for salaried people?")
    conversation_id(page)
    wait_for_answer(page)
    expect(page.locator("#fc-composer-input")).to_be_focused()
    ask(page, "And under the old regime?")
    page.locator("[data-testid=assistant-bubble][data-status=complete]").nth(1).wait_for()
    expect(page.locator("#fc-composer-input")).to_be_focused()


def test_on_a_mac_the_keys_use_command(page: Page, signed_in):
    page.add_init_script(
        "Object.defineProperty(navigator, 'platform', {get: () => 'MacIntel'});"
        "Object.defineProperty(navigator, 'userAgentData', {get: () => ({platform: 'macOS'})});"
    )
    page.reload()
    page.wait_for_selector("#fc-composer-input")
    page.get_by_role("button", name="Keyboard shortcuts").click()
    keys = page.get_by_test_id("shortcut-list")
    expect(keys).to_contain_text("⌘")
    expect(keys).not_to_contain_text("Ctrl")
    page.keyboard.press("Escape")
    # Until the dialog has gone, its focus trap takes focus back from the search box.
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.keyboard.press("Control+K")  # Ctrl+K is not the Mac's shortcut
    assert focused_id(page) != "fc-search"
    page.keyboard.press("Meta+K")
    page.wait_for_function(f"() => ({FOCUSED_ID})() === 'fc-search'")
