"""Rating answers in the browser: thumbs up and down beside Copy, a comment after a thumbs down."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect
from sqlalchemy import select

from finucity import db
from finucity.models import Message, MessageFeedback
from tests.browser.screens import screenshot
from tests.browser.test_chat_flow import ask, conversation_id, wait_for_answer
from tests.support.live_server import run_async


def on_live_database(live_server, work):
    async def run():
        db.configure(live_server.database_url)
        try:
            async with db.session_scope() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await db.dispose()
            db.configure(None)

    return run_async(run())


def stored_feedback(live_server, conversation: str) -> list[tuple[str, str | None]]:
    async def read(session):
        rows = await session.execute(
            select(MessageFeedback.rating, MessageFeedback.comment)
            .join(Message, Message.id == MessageFeedback.message_id)
            .where(Message.conversation_id == uuid.UUID(conversation))
        )
        return [tuple(row) for row in rows]

    return on_live_database(live_server, read)


def reload_answered(page: Page) -> None:
    page.reload()
    wait_for_answer(page)


def _thumbs(page: Page):
    answer = page.locator(".fc-msg-assistant").last
    return answer.get_by_role("button", name="Good answer"), answer.get_by_role("button", name="Bad answer")


def test_rate_an_answer_up_change_it_to_down_with_a_comment_then_clear_it(page: Page, signed_in, live_server):
    ask(page, "Is interest on a savings account taxable?")
    wait_for_answer(page)
    conversation = conversation_id(page)
    up, down = _thumbs(page)
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(down).to_have_attribute("aria-pressed", "false")

    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    reload_answered(page)
    up, down = _thumbs(page)
    expect(up).to_have_attribute("aria-pressed", "true")  # the choice survives a reload
    expect(down).to_have_attribute("aria-pressed", "false")
    assert stored_feedback(live_server, conversation) == [("up", None)]

    # Down asks what was wrong; skipping keeps the thumbs down.
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    page.get_by_test_id("feedback-skip").click()
    expect(page.get_by_test_id("feedback-form")).to_have_count(0)
    expect(down).to_have_attribute("aria-pressed", "true")

    down.click()  # clicking the chosen one again clears it
    expect(down).to_have_attribute("aria-pressed", "false")
    down.click()
    comment = page.get_by_label("What was wrong with this answer? (optional)")
    expect(comment).to_be_focused()
    comment.fill("It ignores the ₹10,000 deduction under section 80TTA.")
    page.get_by_test_id("feedback-send").click()
    expect(page.get_by_test_id("feedback-form")).to_have_count(0)
    expect(page.get_by_test_id("feedback-note")).to_contain_text("80TTA")

    reload_answered(page)
    up, down = _thumbs(page)
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("feedback-note")).to_contain_text("₹10,000 deduction under section 80TTA")
    assert stored_feedback(live_server, conversation) == [
        ("down", "It ignores the ₹10,000 deduction under section 80TTA.")
    ]

    down.click()
    expect(down).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("feedback-note")).to_have_count(0)
    reload_answered(page)
    up, down = _thumbs(page)
    expect(down).to_have_attribute("aria-pressed", "false")
    expect(up).to_have_attribute("aria-pressed", "false")
    assert stored_feedback(live_server, conversation) == []


def _size(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["width"], box["height"]


def test_thumbs_are_easy_to_hit_on_desktop_and_phone(page: Page, signed_in, browser, live_server, new_account, sign_in):
    ask(page, "Compare loan prepayment with investing [[fake:long]]")
    wait_for_answer(page)
    up, down = _thumbs(page)
    assert min(_size(up) + _size(down)) >= 36
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    down.click()
    expect(page.get_by_test_id("feedback-form")).to_be_visible()
    page.get_by_test_id("feedback-comment").fill("The tax on the FD interest is missing.")
    page.get_by_test_id("feedback-form").scroll_into_view_if_needed()
    screenshot(page, "feedback-1280x800")

    # A phone: touch-sized targets.
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    mobile = phone.new_page()
    email, password, _ = new_account("Kavya Rao")
    sign_in(mobile, email, password)
    assert mobile.evaluate("matchMedia('(pointer: coarse)').matches")
    ask(mobile, "What is the GST rate on gold?")
    wait_for_answer(mobile)
    up, down = _thumbs(mobile)
    assert min(_size(up) + _size(down)) >= 44
    down.tap()
    expect(mobile.get_by_test_id("feedback-form")).to_be_visible()
    for button in ("feedback-skip", "feedback-send"):
        assert _size(mobile.get_by_test_id(button))[1] >= 44
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    mobile.get_by_test_id("feedback-form").scroll_into_view_if_needed()
    screenshot(mobile, "feedback-390x844")
    phone.close()
