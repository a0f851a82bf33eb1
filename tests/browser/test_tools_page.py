"""/tools in Chromium, signed out, on a laptop and on a phone: each form gives the
calculator's figure in the card with its working, chart and rules, and a bad
input is refused under its own field.

Expected figures (checked in tests/finance):
- salary ₹12,85,000, new regime, FY 2025-26: taxable ₹12,10,000, tax ₹10,400
  after marginal relief of section 87A (test_income_tax_rules.py, "12-lakh
  rebate edge" cases: other income ₹12,10,000 -> ₹10,400);
- ₹50 lakh at 8.5% for 20 years: EMI ₹43,391 (test_finance_results.py).

Set FINUCITY_TOOLS_SHOTS=/tmp/shots/tools to save a screenshot of every
calculator at both sizes for people to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from finucity.states.tools import CALCULATORS

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SHOTS = os.environ.get("FINUCITY_TOOLS_SHOTS")


def _open(page: Page, size: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.context.clear_cookies()  # signed out: the page needs no account
    page.goto("/tools")
    expect(page).to_have_url(re.compile(r"/tools/?$"))
    expect(page.get_by_test_id("calc-headline")).to_be_visible(timeout=30_000)


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("size", SIZES)
def test_income_tax_form_shows_the_tax_with_its_working(page: Page, size: str):
    _open(page, size)
    page.get_by_test_id("tool-income_tax").click()
    form = page.get_by_test_id("form-income_tax")
    form.get_by_role("radio", name="New").check()
    form.locator("#tool-salary").fill("12,85,000")
    form.get_by_test_id("calculate").click()

    card = page.get_by_test_id("calc-card")
    expect(page.get_by_test_id("calc-title")).to_contain_text("new regime")
    expect(page.get_by_test_id("calc-headline")).to_have_text("₹10,400")
    # The working names its rules, amounts in rupees with Indian grouping.
    expect(card.get_by_test_id("calc-step").filter(has_text="Standard deduction")).to_contain_text("₹75,000")
    expect(card.get_by_test_id("calc-step").filter(has_text="marginal relief").first).to_be_visible()
    expect(card.get_by_test_id("calc-rules")).to_contain_text("Income tax, FY 2025-26")
    _no_sideways_scroll(page)

    # Both regimes side by side, with their chart.
    form.get_by_role("radio", name="Compare").check()
    form.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("calc-title")).to_contain_text("New or old regime")
    expect(card.get_by_test_id("calc-chart").locator(".recharts-bar-rectangle")).to_have_count(2)


@pytest.mark.parametrize("size", SIZES)
def test_emi_form_shows_the_instalment_and_the_years_chart(page: Page, size: str):
    _open(page, size)
    page.get_by_test_id("tool-emi").click()
    form = page.get_by_test_id("form-emi")
    form.locator("#tool-principal").fill("50 lakh")
    form.locator("#tool-rate").fill("8.5")
    form.locator("#tool-years").fill("20")
    form.get_by_test_id("calculate").click()

    expect(page.get_by_test_id("calc-headline")).to_have_text("₹43,391")
    card = page.get_by_test_id("calc-card")
    expect(card.get_by_test_id("calc-figure").filter(has_text="Total interest")).to_contain_text("₹54,13,879")
    # Principal and interest for each of the 20 years.
    expect(card.get_by_test_id("calc-chart").locator(".recharts-bar-rectangle")).to_have_count(40)
    _no_sideways_scroll(page)

    # A loan amount that is not one is refused under its field; the figure stays.
    form.locator("#tool-principal").fill("fifty")
    form.get_by_test_id("calculate").click()
    expect(form.get_by_test_id("field-error")).to_contain_text("The loan amount")
    expect(form.locator("#tool-principal")).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("size", SIZES)
def test_gst_registration_form_gives_the_threshold_of_the_state(page: Page, size: str):
    # Goods only: 40 lakh in most states (Notification 10/2019-CT), 10 lakh in Mizoram.
    _open(page, size)
    page.get_by_test_id("tool-gst_registration").click()
    form = page.get_by_test_id("form-gst_registration")
    form.locator("#tool-turnover").fill("30 lakh")
    form.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("calc-headline")).to_have_text("₹40,00,000")
    card = page.get_by_test_id("calc-card")
    expect(card).to_contain_text("not required")

    form.locator("#tool-state").select_option(label="Mizoram")
    form.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("calc-headline")).to_have_text("₹10,00,000")
    expect(card).to_contain_text("Registration is required")
    expect(card.get_by_test_id("calc-rules")).to_contain_text("1 April 2019")
    _no_sideways_scroll(page)


@pytest.mark.skipif(not SHOTS, reason="screenshots only on request (FINUCITY_TOOLS_SHOTS)")
@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_every_calculator(page: Page, size: str):
    folder = Path(SHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)
    _open(page, size)
    for calculator in CALCULATORS:
        page.get_by_test_id(f"tool-{calculator.key}").click()
        expect(page.get_by_test_id(f"form-{calculator.key}")).to_be_visible()
        expect(page.get_by_test_id("calc-card")).to_be_visible()
        page.wait_for_timeout(300)  # the chart lays itself out; a picture for people, not an assertion
        page.screenshot(path=str(folder / f"{calculator.key}-{size}.png"), full_page=True)
