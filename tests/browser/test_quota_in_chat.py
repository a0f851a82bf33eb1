"""A user over their daily token quota, in the browser: a clear message, the question kept,
and the day's usage in the sidebar's account footer.

The quota is set by writing the user's row, as the admin area's quota setting does.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from finucity.models import Conversation, Message, User
from tests.browser.screens import screenshot
from tests.browser.test_chat_flow import ask, wait_for_answer
from tests.browser.test_feedback_in_chat import on_live_database, reload_answered
from tests.fakes.fake_openai import Script


def set_quota(live_server, email: str, tokens: int | None) -> None:
    async def write(session):
        await session.execute(update(User).where(User.email == email).values(daily_token_quota=tokens))

    on_live_database(live_server, write)


def count_messages(live_server, email: str) -> int:
    async def read(session):
        rows = await session.scalars(
            select(Message.id).join(Conversation).join(User, User.id == Conversation.user_id).where(User.email == email)
        )
        return len(list(rows))

    return on_live_database(live_server, read)


def test_a_user_over_a_small_quota_is_told_and_keeps_the_question(page: Page, signed_in, live_server, fake):
    email, _, _ = signed_in
    fake.register("costly", Script(answer_tokens=20, usage=(1200, 800)))  # 2,000 tokens an answer
    set_quota(live_server, email, 4000)
    page.reload()
    usage = page.get_by_test_id("token-usage").locator(".fc-usage-text")
    expect(usage).to_have_text("0 of 4,000 tokens today", timeout=15_000)  # when the page loads

    ask(page, "How is a fixed deposit taxed? [[fake:costly]]")
    wait_for_answer(page)
    reload_answered(page)
    expect(usage).to_have_text("2,000 of 4,000 tokens today")
    # In the same conversation no page loads: the footer follows the answer.
    ask(page, "And a tax-saver deposit? [[fake:costly]]")
    expect(page.locator("[data-testid=assistant-bubble][data-status=complete]")).to_have_count(2)
    expect(usage).to_have_text("4,000 of 4,000 tokens today")
    stored = count_messages(live_server, email)

    question = "And a recurring deposit? [[fake:costly]]"
    ask(page, question)
    notice = page.get_by_test_id("chat-notice")
    expect(notice).to_contain_text("Your daily limit of 4,000 tokens is used up. It resets at 05:30 IST (00:00 UTC).")
    expect(page.locator("#fc-composer-input")).to_have_value(question)
    expect(page.locator("[data-testid=user-bubble]")).to_have_count(2)
    assert count_messages(live_server, email) == stored
    screenshot(page, "quota-used-up-1280x800")

    # Without a limit the footer says nothing about tokens.
    set_quota(live_server, email, 0)
    reload_answered(page)
    expect(page.get_by_test_id("token-usage")).to_have_count(0)
