"""A question that needs arithmetic is answered with the calculator's card in the chat.

Here the model calls a calculator as a tool (the fake OpenAI server's
tool-call stream); test_offline_calculation_in_chat.py has the offline
assistant's way to the same card. Either way the card shows the figure in
rupees with Indian grouping, the working and the rule set with its date, and
is still there after a reload.

EMI on ₹50 lakh at 8.5% for 20 years: P·r·(1+r)^n / ((1+r)^n − 1) with
r = 0.085/12 and n = 240 is ₹43,391; total interest ₹54,13,879.
"""

from __future__ import annotations

import json
import threading

from playwright.sync_api import Page, expect

from tests.browser.screens import screenshot
from tests.fakes.fake_openai import Script, tool_results

EMI_ARGS = {"principal": 5_000_000, "rate": 8.5, "years": 20}
SIZES = ((1280, 800), (390, 844))
PAGE_SCROLLS_SIDEWAYS = """
() => {
  const page = document.scrollingElement;
  const column = document.getElementById('fc-viewport');
  return page.scrollWidth > page.clientWidth || column.scrollWidth > column.clientWidth;
}
"""


BROKEN_AMOUNTS = """
(card) => [...card.querySelectorAll('.fc-calc-headline, .fc-calc-figure-value, .fc-calc-amount')]
  .filter((el) => el.textContent.includes('₹'))
  .filter((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
  })
  .map((el) => el.textContent)
"""


def _quote_the_figure(results: list[str]) -> list[str]:
    """The fake model's answer: it states the figure the calculator returned."""
    figure = json.loads(results[0])["figures"]["Monthly EMI"]
    return ["Your EMI ", f"comes to **{figure}** a month ", "for 20 years."]


def _answer(page: Page):
    return page.locator("[data-testid=assistant-bubble][data-status=complete]").last


def _look_at_it(page: Page, name: str) -> None:
    answer = _answer(page)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        # Loaded at this size: a phone's sidebar drawer is closed, not sliding shut.
        page.reload()
        expect(answer.locator("[data-testid=calc-headline]")).to_be_visible(timeout=30_000)
        answer.evaluate("el => el.scrollIntoView({block: 'start'})")
        # A picture for people: after the messages' fade-in has finished.
        page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
        assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), f"the page scrolls sideways at {width}px"
        # No amount is drawn across two lines.
        broken = answer.locator("[data-testid=calc-card]").evaluate(BROKEN_AMOUNTS)
        assert not broken, f"{width}px: amounts broken across lines: {broken}"
        screenshot(page, f"{name}-{width}x{height}")
    # The whole answer, card and words, in one picture: a window tall enough to hold it.
    for width, _ in SIZES:
        page.set_viewport_size({"width": width, "height": 2400})
        answer.screenshot(path=str(screenshot(page, f"{name}-whole-{width}w")))


def test_a_tool_call_from_the_model_runs_the_calculator_and_its_card_is_in_the_answer(page: Page, fake, signed_in):
    held = threading.Event()
    # The answer after the tool result waits at its first word until the test
    # has seen the status the user sees meanwhile.
    fake.register(
        "emi-tool",
        Script(tool_calls=[("emi", EMI_ARGS)], after_tool=_quote_the_figure, gate=held, gate_after=0),
    )
    asked = len(fake.requests)
    box = page.locator("#fc-composer-input")
    box.fill("What is the EMI on 50 lakh at 8.5% for 20 years? [[fake:emi-tool]]")
    box.press("Enter")

    status = page.locator("[data-testid=streaming-bubble] [data-testid=calc-chip]")
    expect(status).to_have_text("Calculating…", timeout=30_000)
    screenshot(page, "chat-tool-calculating-1280x800")
    held.set()

    answer = _answer(page)
    expect(answer).to_contain_text("Your EMI comes to ₹43,391 a month for 20 years.", timeout=30_000)
    card = answer.locator("[data-testid=calc-card]")
    expect(card.locator("[data-testid=calc-headline]")).to_have_text("₹43,391")
    expect(card.locator("[data-testid=calc-figure]", has_text="Total interest")).to_contain_text("₹54,13,879")
    expect(card.locator("[data-testid=calc-rules]")).to_contain_text("in force from")
    expect(card).to_contain_text("₹50,00,000")  # the input as the model gave it, in Indian grouping
    # The model was sent the calculator's result for its answer.
    follow_up = fake.requests[asked + 1]
    assert json.loads(tool_results(follow_up)[0])["figures"]["Monthly EMI"] == "₹43,391"

    # Saved with the answer: a reload draws the same card.
    page.reload()
    expect(_answer(page).locator("[data-testid=calc-headline]")).to_have_text("₹43,391", timeout=30_000)
    _look_at_it(page, "chat-tool-card")
