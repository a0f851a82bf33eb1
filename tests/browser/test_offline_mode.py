"""With no AI key the app still answers, honestly labelled, through the same stream,
and its tables (tax slabs, EMIs) read well on a phone and on a desktop.

This module starts its own server without an AI key (after the other browser
tests, see tests/conftest.py), so it measures what `make run` gives a fresh
machine.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.screens import screenshot
from tests.browser.test_phone_composer import SHOTS
from tests.support.live_server import LiveServer, ServerFailed, run_live_server


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory, live_server) -> Iterator[LiveServer]:
    # `live_server` first: both build the same frontend, one after the other.
    try:
        with run_live_server(None, tmp_path_factory.mktemp("offline")) as server:
            yield server
    except ServerFailed as exc:
        pytest.fail(str(exc))


def test_without_a_key_the_offline_assistant_answers_and_says_so(browser: Browser, offline_server):
    health = httpx.get(f"{offline_server.url}/health").json()
    assert health["ai_service"] == "offline assistant"

    context = browser.new_context(base_url=offline_server.url)
    page = context.new_page()
    _sign_in_new_account(page, offline_server)

    box = page.locator("#fc-composer-input")
    box.fill("What is the EMI on a 50 lakh loan at 8.5% for 20 years?")
    box.press("Enter")
    answer = page.locator("[data-testid=assistant-bubble][data-status=complete]").last
    answer.wait_for(timeout=30_000)
    # Computed, with Indian digit grouping, in the calculator's card with its rules.
    expect(answer.locator("[data-testid=calc-headline]")).to_have_text("₹43,391")
    expect(answer.locator("[data-testid=calc-rules]")).to_be_visible()
    context.close()


def test_an_offline_question_that_needs_arithmetic_shows_the_figure_and_its_working(browser: Browser, offline_server):
    context = browser.new_context(base_url=offline_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in_new_account(page, offline_server)
    box = page.locator("#fc-composer-input")
    box.fill("What is the GST on Rs 2,000 at 5% within the state?")
    box.press("Enter")
    answer = page.locator("[data-testid=assistant-bubble][data-status=complete]").last
    answer.wait_for(timeout=30_000)
    expect(answer.locator("strong", has_text="GST: ₹100")).to_be_visible()
    # The working is the calculator's card, step by step.
    working = answer.locator("[data-testid=calc-step]", has_text="to the Centre")
    expect(working).to_contain_text("₹50")
    expect(answer).to_contain_text("GST rates from 22 September 2025")
    screenshot(page, "offline-gst-worked-390x844")

    box.fill("GST on 5,000")
    box.press("Enter")
    expect(page.locator("[data-testid=assistant-bubble][data-status=complete]")).to_have_count(2, timeout=30_000)
    asked = page.locator("[data-testid=assistant-bubble]").last
    expect(asked).to_contain_text("What is the GST rate on it")
    expect(asked).not_to_contain_text("GST: ₹")
    context.close()


def test_on_a_phone_the_offline_badge_says_offline_and_a_tap_explains_it(browser: Browser, offline_server):
    context = browser.new_context(
        base_url=offline_server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    _sign_in_new_account(page, offline_server)
    badge = page.locator("[data-testid=offline-badge]")
    assert badge.inner_text().strip() == "Offline"  # a word on screen, not an icon alone
    expect(badge).to_have_accessible_name(re.compile("Offline mode"))
    assert badge.bounding_box()["height"] >= 44  # a touch target
    badge.tap()
    expect(page.locator("[data-testid=offline-explained]")).to_contain_text("No AI model is configured")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-offline-explained-390x844.png"), animations="disabled")
    context.close()


# --- tables in answers -----------------------------------------------------------------------

# Answers with Markdown tables (a question with figures to work out gets the
# calculator's card instead: tests/browser/test_calculation_in_chat.py).
TABLE_QUESTIONS = [
    "What are the income tax slabs in the new regime?",  # slab tables, and "Standard deduction"
    "How much health insurance premium can I deduct under 80D?",
    "How does a SIP work?",
    "When is GST registration compulsory?",
    "What is GST?",
    "What is ITC in GST?",
    "How is EMI calculated?",  # six columns of amounts, wider than a phone
]

# What a reader sees of each table: words and amounts drawn across two lines,
# how its amounts are aligned, whether it stays inside its answer, and
# whether it scrolls and says so.
READ_TABLES = """
() => {
  const amount = /^[−-]?₹[\\d,]+(\\.\\d+)?$/;
  const lines = (text, start, end) => {
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, end);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const cueShown = (el, side) => getComputedStyle(el, side === 'left' ? '::before' : '::after').opacity === '1';
  return [...document.querySelectorAll('[data-testid=assistant-bubble] .fc-table-wrap')].map((wrap) => {
    const broken = [];
    let amounts = 0;
    for (const cell of wrap.querySelectorAll('th, td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        for (const word of text.data.matchAll(/\\S+/g)) {
          if (word[0].includes('₹')) amounts += 1;
          if (lines(text, word.index, word.index + word[0].length) > 1) broken.push(word[0]);
        }
      }
    }
    const amountCells = [...wrap.querySelectorAll('td')].filter((td) => amount.test(td.textContent.trim()));
    const bubble = wrap.closest('[data-testid=assistant-bubble]').getBoundingClientRect();
    const box = wrap.getBoundingClientRect();
    return {
      header: [...wrap.querySelectorAll('th')].map((th) => th.textContent),
      amounts,
      broken,
      amountCells: amountCells.length,
      amountCellsNotRight: amountCells
        .filter((td) => getComputedStyle(td).textAlign !== 'right')
        .map((td) => td.textContent),
      insideBubble: box.left >= bubble.left && box.right <= bubble.right + 0.5,
      scrolls: wrap.scrollWidth - wrap.clientWidth > 1,
      cueLeft: cueShown(wrap.parentElement, 'left'),
      cueRight: cueShown(wrap.parentElement, 'right'),
    };
  });
}
"""

PAGE_SCROLLS_SIDEWAYS = """
() => {
  const page = document.scrollingElement;
  const column = document.getElementById('fc-viewport');
  return page.scrollWidth > page.clientWidth || column.scrollWidth > column.clientWidth;
}
"""


SIZES = ((1280, 800), (390, 844))


@pytest.fixture(scope="module")
def table_answers(browser: Browser, offline_server) -> Iterator[Page]:
    """One conversation with the offline answers that have tables: nine of them."""
    context = browser.new_context(base_url=offline_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    _sign_in_new_account(page, offline_server)
    box = page.locator("#fc-composer-input")
    for number, question in enumerate(TABLE_QUESTIONS, start=1):
        box.fill(question)
        box.press("Enter")
        expect(page.locator("[data-testid=assistant-bubble][data-status=complete]")).to_have_count(
            number, timeout=30_000
        )
    yield page
    context.close()


def test_table_cells_keep_amounts_and_words_whole(table_answers: Page):
    page = table_answers
    problems = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        tables = page.evaluate(READ_TABLES)
        assert len(tables) == 9, [t["header"] for t in tables]
        assert sum(t["amounts"] for t in tables) > 60
        assert sum(t["amountCells"] for t in tables) >= 30
        for table in tables:
            where = f"{width}px, table {table['header']}"
            if table["broken"]:
                problems.append(f"{where}: drawn across two lines: {table['broken']}")
            if table["amountCellsNotRight"]:
                problems.append(f"{where}: amounts not right-aligned: {table['amountCellsNotRight']}")
            if not table["insideBubble"]:
                problems.append(f"{where}: sticks out of the answer")
        if page.evaluate(PAGE_SCROLLS_SIDEWAYS):
            problems.append(f"{width}px: the page scrolls sideways")
    assert not problems, "\n".join(problems)


def test_a_wide_table_scrolls_in_its_own_box_and_shows_that_it_does(table_answers: Page):
    page = table_answers
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        # The fades follow the layout a frame later: wait until each table
        # shows one exactly when it has more to show on that side.
        page.wait_for_function(f"() => ({READ_TABLES})().every((t) => t.cueRight === t.scrolls && !t.cueLeft)")
        emi = page.locator("[data-testid=assistant-bubble]").last.locator(".fc-table", has_text="Total repaid")
        emi.evaluate("el => el.scrollIntoView({block: 'center'})")
        screenshot(page, f"emi-table-{width}x{height}")

    # On a phone the EMI table is wider than the answer: scrolled to its end,
    # the fade moves to the side that now has more to show.
    wrap = emi.locator(".fc-table-wrap")
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth + 100")
    wrap.evaluate("el => el.scrollTo({left: el.scrollWidth})")
    page.wait_for_function(
        "el => getComputedStyle(el, '::before').opacity === '1' && getComputedStyle(el, '::after').opacity === '0'",
        arg=emi.element_handle(),
    )
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS)
    screenshot(page, "emi-table-scrolled-390x844")
    wrap.evaluate("el => el.scrollTo({left: 0})")


def _sign_in_new_account(page, server: LiveServer) -> None:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    signup = httpx.post(
        f"{server.url}/api/auth/signup",
        json={"email": email, "password": PASSWORD, "full_name": "Offline Person"},
        headers={"Origin": server.url},
    )
    assert signup.status_code == 201
    page.goto("/login")
    page.fill("#fc-email", email)
    page.fill("#fc-password", PASSWORD)
    page.click("#fc-submit")
    expect(page.locator("[data-testid=offline-badge]")).to_have_text("Offline mode")
