"""The chat in the browser: streaming, history, stop, errors, deletion, safety."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from finucity import db
from finucity.models import Message
from tests.browser.screens import screenshot
from tests.support.live_server import run_async

# Collects every length the streaming bubble's text goes through.
WATCH_LENGTHS = """
() => {
  window.__lengths = [];
  const record = () => {
    const bubble = document.querySelector('[data-testid=streaming-bubble] .fc-md');
    if (bubble) {
      const n = bubble.innerText.length;
      if (window.__lengths[window.__lengths.length - 1] !== n) window.__lengths.push(n);
    }
  };
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


def ask(page: Page, text: str) -> None:
    box = page.locator("#fc-composer-input")
    box.fill(text)
    box.press("Enter")


def last_answer(page: Page):
    return page.locator("[data-testid=assistant-bubble]").last


def wait_for_answer(page: Page, status: str = "complete", timeout: float = 30_000):
    bubble = page.locator(f"[data-testid=assistant-bubble][data-status={status}]").last
    bubble.wait_for(timeout=timeout)
    return bubble


def row_action(page: Page, action: str, row=None):
    """Choose Rename or Delete from a sidebar row's menu (the first row unless given);
    returns the row's menu button."""
    row = row if row is not None else page.locator(".fc-conv-row").first
    row.hover()
    menu_button = row.get_by_test_id("conversation-menu")
    menu_button.click()
    page.get_by_role("menuitem", name=action).click()
    return menu_button


def conversation_id(page: Page) -> str:
    page.wait_for_function("() => /\\/chat\\/[0-9a-f-]{36}/.test(location.pathname)")
    return page.url.rsplit("/", 1)[-1]


def stored_messages(live_server, conversation: str) -> list[Message]:
    """Read the live server's database directly, as an auditor would."""

    async def read():
        from sqlalchemy import select

        db.configure(live_server.database_url)
        try:
            async with db.session_scope() as session:
                rows = await session.scalars(
                    select(Message)
                    .where(Message.conversation_id == uuid.UUID(conversation))
                    .order_by(Message.created_at)
                )
                return list(rows)
        finally:
            await db.dispose()
            db.configure(None)

    return run_async(read())


def test_an_answer_streams_in_and_survives_a_reload(page: Page, signed_in, live_server):
    page.evaluate(WATCH_LENGTHS)
    ask(page, "How is salary income taxed under the new regime? [[fake:slow]]")
    expect(page.locator("[data-testid=streaming-bubble]")).to_be_visible()
    expect(page.locator(".fc-stop")).to_be_visible()  # Stop while streaming
    answer = wait_for_answer(page)
    lengths = page.evaluate("window.__lengths")
    intermediate = [n for n in lengths if 0 < n < max(lengths)]
    assert len(intermediate) >= 2, f"expected progressive rendering, saw lengths {lengths}"
    text = answer.inner_text()
    assert "You asked about" in text
    expect(page.locator(".fc-send")).to_be_visible()

    conversation = conversation_id(page)
    expect(page.locator("[data-testid=conversation-item]").first).to_contain_text("How is salary income taxed")

    page.reload()
    page.wait_for_selector("[data-testid=assistant-bubble]")
    expect(page.locator("[data-testid=user-bubble]")).to_have_text(
        "How is salary income taxed under the new regime? [[fake:slow]]"
    )
    assert last_answer(page).inner_text() == text
    stored = stored_messages(live_server, conversation)
    assert [m.role for m in stored] == ["user", "assistant"]
    assert stored[1].status == "complete"


def test_another_user_cannot_open_the_conversation(page: Page, signed_in, browser, live_server, new_account, sign_in):
    ask(page, "My private question about my salary")
    wait_for_answer(page)
    conversation = conversation_id(page)

    other = browser.new_context(base_url=live_server.url)
    intruder = other.new_page()
    email, password, _ = new_account("Intruder")
    sign_in(intruder, email, password)
    intruder.goto(f"/chat/{conversation}")
    expect(intruder.locator("[data-testid=not-found]")).to_be_visible()
    expect(intruder.get_by_text("My private question")).to_have_count(0)
    other.close()


def test_a_missing_conversation_is_not_called_a_new_chat(page: Page, signed_in):
    page.goto(f"/chat/{uuid.uuid4()}")
    expect(page.locator("[data-testid=not-found]")).to_be_visible()
    expect(page.locator("[data-testid=conversation-title]")).to_have_text("Conversation not found")


def test_stop_keeps_the_partial_answer_marked_stopped(page: Page, signed_in, live_server):
    ask(page, "Explain every section of the Income Tax Act [[fake:very-slow]]")
    bubble = page.locator("[data-testid=streaming-bubble] .fc-md")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 60"
    )
    page.click(".fc-stop")
    stopped = wait_for_answer(page, "stopped")
    expect(stopped.locator("[data-testid=stopped-tag]")).to_be_visible()
    partial = stopped.locator(".fc-md").inner_text()
    assert len(partial) > 60
    assert bubble.count() == 0
    conversation = conversation_id(page)
    page.reload()
    reloaded = wait_for_answer(page, "stopped")
    assert reloaded.locator(".fc-md").inner_text() == partial
    assert stored_messages(live_server, conversation)[1].status == "stopped"


def test_a_provider_error_shows_retry_and_keeps_the_question(page: Page, signed_in, live_server):
    question = "What is the GST rate on restaurant food? [[fake:error]]"
    ask(page, question)
    failed = wait_for_answer(page, "failed")
    error = failed.locator("[data-testid=answer-error]")
    expect(error).to_be_visible()
    assert "Traceback" not in error.inner_text() and "500" not in error.inner_text()
    expect(page.locator("[data-testid=regenerate]")).to_have_text("Retry")
    page.reload()
    expect(page.locator("[data-testid=user-bubble]")).to_have_text(question)
    wait_for_answer(page, "failed")


def test_retry_after_a_failure_answers(page: Page, signed_in, fake):
    ask(page, "Is there GST on rent? [[fake:empty]]")
    wait_for_answer(page, "failed")
    # The retry goes to the same question; it carries the same marker, so
    # register a good answer under that name for the second call.
    fake.register("empty", fake_script_ok())
    page.click("[data-testid=regenerate]")
    answer = wait_for_answer(page)
    assert "You asked about" in answer.inner_text()


def fake_script_ok():
    from tests.fakes.fake_openai import Script

    return Script(answer_tokens=30)


def test_delete_removes_it_from_the_list_and_the_database(page: Page, signed_in, live_server):
    ask(page, "Conversation to delete about PPF")
    wait_for_answer(page)
    conversation = conversation_id(page)
    item = page.locator(f"[data-testid=conversation-item][data-id='{conversation}']")
    row = page.locator(f".fc-conv-row[data-id='{conversation}']")
    row.hover()
    row.get_by_test_id("conversation-menu").click()
    page.get_by_role("menuitem", name="Delete").click()
    page.click("[data-testid=confirm-delete]")
    expect(item).to_have_count(0)
    page.wait_for_url(re.compile(r"/chat/?$"))
    assert stored_messages(live_server, conversation) == []


def test_html_in_questions_and_answers_is_shown_as_text(page: Page, signed_in):
    page.evaluate("window.__xss = 0; window.alert = () => { window.__xss = 'alert' }")
    question = "<img src=x onerror=\"window.__xss='q'\"> <script>window.__xss='s'</script> [[fake:xss]]"
    ask(page, question)
    answer = wait_for_answer(page)
    expect(page.locator("[data-testid=user-bubble]")).to_have_text(question)
    text = answer.inner_text()
    assert '<img src=x onerror="window.__xss=1">' in text
    assert "<script>window.__xss=2</script>" in text
    assert answer.locator("img").count() == 0
    assert answer.locator("script").count() == 0
    assert page.locator("[data-testid=user-bubble] img").count() == 0
    page.reload()
    wait_for_answer(page)
    assert page.evaluate("window.__xss") in (0, None)


def test_a_link_to_an_unsafe_address_is_plain_text(page: Page, signed_in):
    # react-markdown's URL filter empties a javascript: address; what is left
    # must not look or act like a link (an empty href opens this same page).
    ask(page, "Show me a link [[fake:xss]]")
    answer = wait_for_answer(page)
    expect(answer.get_by_text("bad link")).to_be_visible()
    expect(answer.get_by_text("bad image")).to_be_visible()
    expect(answer.locator("a")).to_have_count(0)


def test_table_columns_keep_the_alignment_the_markdown_gives(page: Page, signed_in):
    # Where the Markdown says nothing (`|---|`), a column of amounts is
    # right-aligned; where it does say (`|:---|`, `|---:|`, `|:---:|`), it wins,
    # even over a column of numbers ("Year").
    ask(page, "Show me a table [[fake:aligned-table]]")
    answer = wait_for_answer(page)
    aligned = "cells => cells.map((cell) => getComputedStyle(cell).textAlign)"
    assert answer.locator("th").evaluate_all(aligned) == ["left", "right", "center", "right"]
    assert answer.locator("td").evaluate_all(aligned) == ["left", "right", "center", "right"] * 2


def test_reopening_a_conversation_mid_stream_shows_it_still_growing(page: Page, signed_in, live_server):
    ask(page, "A long question about NPS [[fake:very-slow]]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 40"
    )
    conversation = conversation_id(page)
    page.reload()
    page.wait_for_url(f"**/chat/{conversation}")
    streaming = page.locator("[data-testid=streaming-bubble] .fc-md")
    streaming.wait_for()
    first = len(streaming.inner_text())
    page.wait_for_function(
        "(n) => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > n + 40",
        arg=first,
    )
    shown = streaming.inner_text().split()
    page.click(".fc-stop")
    wait_for_answer(page, "stopped")
    # What streamed on screen is the start of the saved answer, each word once:
    # the follower from before the reload must not add its own copy.
    saved = stored_messages(live_server, conversation)[1].content.split()
    assert len(shown) > 10
    assert saved[: len(shown) - 1] == shown[:-1]


def test_the_chat_works_on_a_phone(page: Page, signed_in):
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#fc-composer-input")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    expect(page.locator("#fc-sidebar")).not_to_be_in_viewport()
    screenshot(page, "chat-empty-390x844")
    ask(page, "Tax on 15 lakh salary [[fake:long]]")
    wait_for_answer(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "chat-long-390x844")
    page.click("[data-testid=open-menu]")
    # Fully slid in, not just started moving.
    page.wait_for_function("document.querySelector('#fc-sidebar').getBoundingClientRect().left >= 0")
    screenshot(page, "chat-menu-390x844")


def test_closing_the_tab_loses_nothing(page: Page, signed_in, live_server, fake):
    ask(page, "Walk me through ELSS in detail [[fake:slow]]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 40"
    )
    conversation = conversation_id(page)
    page.close()

    def finished():
        stored = stored_messages(live_server, conversation)
        return len(stored) == 2 and stored[1].status != "streaming"

    import time

    deadline = time.monotonic() + 60
    while not finished():
        assert time.monotonic() < deadline, "the answer never finished after the tab closed"
        time.sleep(0.5)
    stored = stored_messages(live_server, conversation)
    assert stored[1].status == "complete"
    assert "You asked about" in stored[1].content


def test_stop_ends_the_upstream_request(page: Page, signed_in, fake):
    before = fake.closed_early
    ask(page, "Everything about GST input tax credit [[fake:very-slow]]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 20"
    )
    page.click(".fc-stop")
    fake.wait_closed_early(before + 1, timeout=5)
    wait_for_answer(page, "stopped")


def test_edit_the_last_question_and_resend(page: Page, signed_in):
    ask(page, "What is the PPF interest rate?")
    wait_for_answer(page)
    page.click("[data-testid=edit-question]")
    box = page.locator("#fc-composer-input")
    expect(box).to_have_value("What is the PPF interest rate?")
    box.fill("What is the PPF lock-in period?")
    box.press("Enter")
    answer = wait_for_answer(page)
    expect(page.locator("[data-testid=user-bubble]")).to_have_count(1)
    expect(page.locator("[data-testid=user-bubble]")).to_have_text("What is the PPF lock-in period?")
    assert "PPF lock-in period" in answer.inner_text()


def test_search_and_rename_in_the_sidebar(page: Page, signed_in):
    ask(page, "Should I buy a term plan or a ULIP?")
    wait_for_answer(page)
    page.click("[data-testid=new-chat]")
    ask(page, "How do I register for GST as a freelancer?")
    wait_for_answer(page)
    items = page.locator("[data-testid=conversation-item]")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("GST as a freelancer")  # newest first

    page.fill("#fc-search", "ulip")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("term plan")
    page.fill("#fc-search", "")
    expect(items).to_have_count(2)

    target = page.locator(".fc-conv-row").first
    target.hover()
    target.get_by_test_id("conversation-menu").click()
    page.get_by_role("menuitem", name="Rename").click()
    page.fill("#fc-rename-input", "GST for freelancers")
    page.click("#fc-rename-save")
    expect(items.first).to_contain_text("GST for freelancers")
    page.reload()
    expect(page.locator("[data-testid=conversation-item]").first).to_contain_text("GST for freelancers")


def test_desktop_screens_look_finished(page: Page, signed_in):
    page.wait_for_selector("[data-testid=suggestion]")
    screenshot(page, "chat-empty-1280x800")
    ask(page, "Give me the full picture of salary tax [[fake:very-slow]]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 300"
    )
    screenshot(page, "chat-streaming-1280x800")
    page.click(".fc-stop")
    wait_for_answer(page, "stopped")
    ask(page, "Compare loan prepayment with investing [[fake:long]]")
    wait_for_answer(page)
    screenshot(page, "chat-long-answer-1280x800")
    # Tables and code render as such, with their copy button.
    assert page.locator(".fc-md table").count() >= 1
    assert page.locator(".fc-code .fc-copy-code").count() >= 1


def test_scrolling_up_stops_following_and_offers_a_way_back(page: Page, signed_in):
    page.set_viewport_size({"width": 1280, "height": 600})
    ask(page, "Tell me everything about HRA [[fake:very-slow]]")
    viewport = page.locator("#fc-viewport")
    at_bottom = (
        "(() => { const v = document.getElementById('fc-viewport');"
        " return v.scrollHeight - v.scrollTop - v.clientHeight < 100; })()"
    )
    # Enough text to scroll, followed all the way down.
    page.wait_for_function(
        "() => { const v = document.getElementById('fc-viewport'); return v.scrollHeight > v.clientHeight + 400; }"
    )
    assert page.evaluate(at_bottom)
    expect(page.locator(".fc-jump")).to_have_count(0)

    viewport.evaluate("v => v.scrollTo({top: 0})")
    expect(page.locator(".fc-jump")).to_be_visible()  # the stream grew below the reader
    assert viewport.evaluate("v => v.scrollTop") < 50  # and they were left where they were

    page.click(".fc-jump")
    page.wait_for_function(at_bottom)
    expect(page.locator(".fc-jump")).to_have_count(0)
    page.click(".fc-stop")
    wait_for_answer(page, "stopped")


def test_a_conversation_deleted_in_another_tab_is_left_cleanly(page: Page, signed_in, live_server):
    ask(page, "Is PPF interest taxable?")
    wait_for_answer(page)
    conversation = conversation_id(page)
    # Another tab (the same session) deletes it.
    csrf = page.request.get("/api/auth/me").json()["csrf_token"]
    deleted = page.request.delete(
        f"/api/conversation/{conversation}", headers={"X-CSRF-Token": csrf, "Origin": live_server.url}
    )
    assert deleted.ok, deleted.text()

    box = page.locator("#fc-composer-input")
    box.fill("And what about EPF interest?")
    box.press("Enter")
    expect(page.get_by_text("no longer exists")).to_be_visible()
    page.wait_for_url(re.compile(r"/chat/?$"))
    expect(box).to_have_value("And what about EPF interest?")
    expect(page.locator("[data-testid=assistant-bubble]")).to_have_count(0)
    expect(page.locator(f'[data-testid=conversation-item][href="/chat/{conversation}"]')).to_have_count(0)

    # Sending again starts a new conversation with the kept question.
    box.press("Enter")
    wait_for_answer(page)
    assert conversation_id(page) != conversation
    expect(page.get_by_text("no longer exists")).to_have_count(0)


def test_a_search_term_and_its_box_agree_after_a_reload(page: Page, signed_in):
    ask(page, "Should I buy a term plan?")
    wait_for_answer(page)
    page.fill("#fc-search", "zz-nothing-matches")
    expect(page.get_by_text("No conversations match.")).to_be_visible()
    page.reload()
    page.wait_for_selector("#fc-composer-input")
    # Whatever filters the list is what the box shows.
    expect(page.locator("#fc-search")).to_have_value("zz-nothing-matches")
    page.fill("#fc-search", "")
    expect(page.locator("[data-testid=conversation-item]")).to_have_count(1)
