"""The composer on a phone, the topic picker, and the browser tab's title.

Phone tests run at 390x844 with touch emulation (what an iPhone 12-15 reports):
there `(pointer: coarse)` holds, which is what the touch sizes key on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_chat_flow import ask, conversation_id, row_action, stored_messages, wait_for_answer

SHOTS = Path("/tmp/shots-phone")
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
TOUCH_TARGET_PX = 44
COMPACT_COMPOSER_PX = 120
DISCLAIMER = "can make mistakes"

# What the composer costs on screen, and whether its placeholder fits on its
# line (a textarea wraps a long placeholder out of sight instead of scrolling,
# so scrollWidth cannot tell: measure the text in the box's own font).
MEASURE_COMPOSER = """
() => {
  const box = document.getElementById('fc-composer-input');
  const style = getComputedStyle(box);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {
    height: document.querySelector('.fc-composer-wrap').getBoundingClientRect().height,
    fontSize: parseFloat(style.fontSize),
    placeholder: box.placeholder,
    placeholderWidth: ctx.measureText(box.placeholder).width,
    room,
  };
}
"""

# Every button a thumb can reach in the chat's bars and under the messages.
SMALL_TARGETS = """
async (min) => {
  // Measured once the answers' fade-in (a slight zoom) has ended; endless ones aside.
  const finite = document.getAnimations().filter(
    (a) => a.effect?.getComputedTiming().iterations !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => null)));
  const where = '.fc-topbar, .fc-composer-wrap, .fc-msg-actions';
  const small = [];
  for (const el of document.querySelectorAll(`:is(${where}) :is(button, [role=button], [role=combobox])`)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.height < min || r.width < min) {
      const name = el.getAttribute('aria-label') || el.textContent.trim() || el.className;
      small.push(`${name}: ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}
"""


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), animations="disabled")


@pytest.fixture
def phone(browser: Browser, live_server, new_account, sign_in):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    email, password, _ = new_account("Arjun Mehta")
    sign_in(page, email, password)
    yield page
    context.close()


def topic_picker(page: Page):
    return page.get_by_role("combobox", name="Topic")


def choose_topic(page: Page, label: str) -> None:
    topic_picker(page).click()
    page.get_by_role("option", name=label, exact=True).click()
    expect(topic_picker(page)).to_have_text(label)


def assert_compact(page: Page, when: str) -> dict:
    m = page.evaluate(MEASURE_COMPOSER)
    assert m["height"] <= COMPACT_COMPOSER_PX, f"{when}: the composer takes {m['height']} px of 844"
    assert m["placeholderWidth"] <= m["room"], (
        f"{when}: placeholder {m['placeholder']!r} needs {m['placeholderWidth']:.0f} px, the box has {m['room']:.0f}"
    )
    return m


def test_on_a_phone_the_composer_is_compact_and_its_placeholder_fits(phone: Page):
    page = phone
    page.wait_for_selector("[data-testid=suggestion]")
    measured = assert_compact(page, "empty chat")
    # The topic is a small control in the composer's own row.
    expect(page.locator(".fc-composer").get_by_role("combobox", name="Topic")).to_be_visible()
    # iOS Safari zooms into a focused field whose text is under 16 px.
    assert measured["fontSize"] >= 16
    # The disclaimer is said once, on the welcome screen...
    expect(page.get_by_text(DISCLAIMER)).to_have_count(1)
    expect(page.get_by_text(DISCLAIMER)).to_be_visible()
    shot(page, "phone-empty-390x844")

    ask(page, "How is salary income taxed under the new regime? [[fake:slow]]")
    expect(page.locator(".fc-stop")).to_be_visible()
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble]')?.innerText || '').length > 200"
    )
    assert_compact(page, "while an answer streams")
    shot(page, "phone-streaming-390x844")

    wait_for_answer(page)
    assert_compact(page, "after the answer")
    # ...not under every screen after it, where it is one tap away.
    expect(page.get_by_text(DISCLAIMER)).to_have_count(0)
    shot(page, "phone-answered-390x844")
    page.get_by_role("button", name="About these answers").tap()
    expect(page.get_by_text(DISCLAIMER)).to_be_visible()
    shot(page, "phone-about-answers-390x844")
    page.keyboard.press("Escape")

    # The topic list says what choosing one does, above the choices.
    topic_picker(page).tap()
    expect(page.get_by_role("listbox").get_by_text("tunes")).to_be_visible()
    # (measured once its opening animation, a slight zoom, has finished)
    page.get_by_role("listbox").evaluate(
        "el => Promise.all(el.closest('[data-radix-popper-content-wrapper]')"
        ".getAnimations({subtree: true}).map((a) => a.finished))"
    )
    heights = page.get_by_role("option").evaluate_all("els => els.map((el) => el.getBoundingClientRect().height)")
    assert len(heights) == 6 and min(heights) >= TOUCH_TARGET_PX, heights
    shot(page, "phone-topic-menu-390x844")


def test_on_a_phone_every_button_is_a_touch_target(phone: Page):
    page = phone
    ask(page, "What is the standard deduction? [[fake:long]]")
    wait_for_answer(page)
    # Copy, the thumbs, Regenerate under the answer; Edit under the question.
    expect(page.locator("[data-testid=regenerate]")).to_be_visible()
    expect(page.locator("[data-testid=edit-question]")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS, TOUCH_TARGET_PX) == []

    # Editing the question adds a banner with Cancel above the box.
    page.locator("[data-testid=edit-question]").tap()
    cancel = page.locator(".fc-editing").get_by_role("button", name="Cancel")
    expect(cancel).to_be_visible()
    assert page.evaluate(SMALL_TARGETS, TOUCH_TARGET_PX) == []
    shot(page, "phone-editing-390x844")
    cancel.tap()
    expect(cancel).to_have_count(0)

    ask(page, "And for pensioners? [[fake:slow]]")
    expect(page.locator(".fc-stop")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS, TOUCH_TARGET_PX) == []


def test_the_picker_shows_the_open_conversations_topic_and_says_what_it_does(page: Page, signed_in, live_server):
    picker = topic_picker(page)
    expect(picker).to_have_text("General")
    # What choosing changes is said to everyone, not only to mouse users.
    described_by = picker.get_attribute("aria-describedby")
    assert described_by
    expect(page.locator(f"[id='{described_by}']")).to_contain_text("tunes")

    ask(page, "Which ITR form do I file for salary and capital gains?")
    wait_for_answer(page)
    tax_chat = conversation_id(page)
    expect(page.locator(".fc-topbar .fc-tag")).to_have_text("Income Tax")
    expect(picker).to_have_text("Income Tax")

    page.click("[data-testid=new-chat]")
    expect(picker).to_have_text("General")
    ask(page, "Hello, what can you help me with?")
    wait_for_answer(page)
    general_chat = conversation_id(page)
    expect(picker).to_have_text("General")

    page.goto(f"/chat/{tax_chat}")
    expect(picker).to_have_text("Income Tax")

    # A topic chosen in an open conversation tunes the next question; the
    # conversation keeps the topic it is filed under (the service's rule).
    choose_topic(page, "GST")
    ask(page, "Is there GST on my consulting fees?")
    wait_for_answer(page)
    expect(page.locator("[data-status=complete]")).to_have_count(2)
    asked = stored_messages(live_server, tax_chat)
    assert [m.category for m in asked] == ["income_tax", "income_tax", "gst", "gst"]
    expect(page.locator(".fc-topbar .fc-tag")).to_have_text("Income Tax")
    shot(page, "category-picked-1280x800")

    page.goto(f"/chat/{general_chat}")
    expect(picker).to_have_text("General")


def test_the_tab_title_names_the_open_conversation(page: Page, signed_in):
    expect(page).to_have_title("Finucity AI")
    ask(page, "How much can I invest in PPF each year?")
    expect(page).to_have_title("How much can I invest in PPF each year? · Finucity AI")
    wait_for_answer(page)
    first = conversation_id(page)

    page.click("[data-testid=new-chat]")
    expect(page).to_have_title("Finucity AI")
    ask(page, "When is GSTR-3B due?")
    expect(page).to_have_title("When is GSTR-3B due? · Finucity AI")
    wait_for_answer(page)

    # Renamed, the tab follows.
    row_action(page, "Rename")
    page.fill("#fc-rename-input", "GST return dates")
    page.click("#fc-rename-save")
    expect(page).to_have_title("GST return dates · Finucity AI")

    # Switching conversations, and opening one by its address.
    page.locator("[data-testid=conversation-item]", has_text="PPF").click()
    expect(page).to_have_url(re.compile(rf"/chat/{first}/?$"))
    expect(page).to_have_title("How much can I invest in PPF each year? · Finucity AI")
    page.reload()
    expect(page).to_have_title("How much can I invest in PPF each year? · Finucity AI")
    shot(page, "titled-1280x800")


def test_desktop_composer_screens(page: Page, signed_in):
    page.wait_for_selector("[data-testid=suggestion]")
    shot(page, "desktop-empty-1280x800")
    ask(page, "How is salary income taxed under the new regime? [[fake:slow]]")
    expect(page.locator(".fc-stop")).to_be_visible()
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble]')?.innerText || '').length > 200"
    )
    shot(page, "desktop-streaming-1280x800")
    wait_for_answer(page)
    page.mouse.move(0, 0)
    shot(page, "desktop-answered-1280x800")
    topic_picker(page).click()
    expect(page.get_by_role("listbox").get_by_text("tunes")).to_be_visible()
    shot(page, "desktop-topic-menu-1280x800")
