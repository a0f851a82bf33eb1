"""What a screen-reader user meets: named landmarks and dialogs, and one polite
announcement when an answer ends, never one per token."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_chat_flow import ask, row_action, wait_for_answer

# Every text the live region goes through, in order, and how many tokens the
# streaming answer showed meanwhile (so the test knows it watched a stream).
RECORD_ANNOUNCEMENTS = """
() => {
  window.__said = [];
  window.__growth = 0;
  const region = document.getElementById("fc-announcer");
  new MutationObserver(() => window.__said.push(region.textContent)).observe(region, {
    subtree: true, childList: true, characterData: true,
  });
  new MutationObserver(() => {
    if (document.querySelector("[data-testid=streaming-bubble]")) window.__growth += 1;
  }).observe(document.getElementById("fc-viewport"), {subtree: true, childList: true, characterData: true});
}
"""


def said(page: Page) -> list[str]:
    return [text for text in page.evaluate("window.__said") if text]


def test_the_end_of_an_answer_is_announced_once(page: Page, signed_in):
    region = page.locator("#fc-announcer")
    assert region.get_attribute("aria-live") == "polite"
    # Visually hidden, but in the accessibility tree.
    assert region.bounding_box()["width"] <= 1
    page.evaluate(RECORD_ANNOUNCEMENTS)

    ask(page, "How is salary income taxed under the new regime? [[fake:slow]]")
    wait_for_answer(page)
    expect(region).to_have_text("Answer finished")
    assert page.evaluate("window.__growth") > 10  # it watched the answer grow...
    assert said(page) == ["Answer finished"]  # ...and spoke once, at the end

    ask(page, "Explain every section of the Income Tax Act [[fake:very-slow]]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=streaming-bubble] .fc-md')?.innerText.length || 0) > 40"
    )
    page.click(".fc-stop")
    wait_for_answer(page, "stopped")
    expect(region).to_have_text("Answer stopped")

    ask(page, "What is the GST rate on restaurant food? [[fake:error]]")
    wait_for_answer(page, "failed")
    expect(region).to_have_text("Answer failed")
    assert said(page) == ["Answer finished", "Answer stopped", "Answer failed"]

    # Opening another conversation is not an answer ending.
    page.click("[data-testid=new-chat]")
    expect(page.locator("[data-testid=suggestion]").first).to_be_visible()
    assert said(page)[-1] == "Answer failed" and len(said(page)) == 3


def test_landmarks_and_dialogs_have_names(page: Page, signed_in):
    ask(page, "Should I buy a term plan or a ULIP?")
    wait_for_answer(page)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("complementary", name="Sidebar")).to_be_visible()
    expect(page.get_by_role("navigation", name="Conversations")).to_be_visible()
    messages = page.get_by_role("region", name="Messages")
    expect(messages.get_by_test_id("assistant-bubble")).to_have_count(1)
    # The answers column is not itself live: tokens are not read out as they come.
    assert messages.get_attribute("aria-live") in (None, "off")
    assert messages.get_attribute("role") != "log"
    expect(page.get_by_role("heading", level=1)).to_contain_text("term plan")
    expect(page.locator("[data-testid=conversation-item][aria-current=page]")).to_have_count(1)
    # Screen readers can say which keys reach the main controls.
    expect(page.get_by_test_id("new-chat")).to_have_attribute("aria-keyshortcuts", re.compile(r"Control\+Shift\+O"))
    expect(page.locator("#fc-search")).to_have_attribute("aria-keyshortcuts", re.compile(r"Control\+K"))

    row_action(page, "Rename")
    expect(page.get_by_role("dialog", name="Rename conversation")).to_be_visible()
    page.keyboard.press("Escape")
    row_action(page, "Delete")
    expect(page.get_by_role("alertdialog", name="Delete this conversation?")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
