"""Worked answers offline: questions as people type them get the figure to the rupee, with the working.

Each expected figure is computed by hand in its comment from the rules in force
(Finance Act 2025 slabs, kept by the Budget of February 2026; CBIC rate
notifications of September 2025; the standard EMI, SIP and PPF formulas).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from finucity.services import calculation_blocks
from finucity.services.ai.offline import answer_question

IN_FY_2026_27 = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)

CASES = [
    # GST 5% on ₹2,000 within the state: 100, split 50 CGST + 50 SGST.
    ("What is the GST on Rs 2,000 at 5% within the state?", "GST: ₹100", ["CGST", "SGST", "₹2,100"]),
    # Inclusive ₹11,800 at 18%: taxable 11,800 / 1.18 = 10,000; GST 1,800.
    ("GST on 11,800 inclusive at 18%", "GST: ₹1,800", ["₹10,000"]),
    # EMI of ₹50 lakh at 8.5% for 240 months: P·r·(1+r)^n/((1+r)^n−1) = 43,391.
    ("EMI for 50 lakh at 8.5% for 20 years", "Monthly EMI: ₹43,391", ["₹54,13,879"]),
    # SIP ₹10,000 a month, 12% a year, 15 years, annuity due: 50,45,760.
    ("SIP of 10000 per month for 15 years at 12%", "Future value: ₹50,45,760", ["₹18,00,000"]),
    # PPF ₹1.5 lakh a year for 15 years at 7.1% compounded yearly: 40,68,209.
    ("PPF maturity if I deposit 1.5 lakh every year for 15 years", "₹40,68,209", []),
    # Old regime, salary 10 lakh, full 80C: 10L − 50k SD − 1.5L = 8L; 12,500 + 60,000 = 72,500; +4% = 75,400.
    ("Tax on salary 10 lakh with the full 1.5 lakh under 80C in the old regime", "Tax payable: ₹75,400", ["₹8,00,000"]),
    # New regime, business income 12.1 lakh: slabs give 61,500, marginal relief caps it at 10,000; +4% = 10,400.
    (
        "income tax on business income of 12.1 lakh under the new regime",
        "Tax payable: ₹10,400",
        ["section 156", "relief"],
    ),
    # New regime, salary 18 lakh: 17.25L taxable; 20k + 40k + 60k + 1.25L×20% = 1,45,000... see below.
    # 4-8L 5% = 20,000; 8-12L 10% = 40,000; 12-16L 15% = 60,000; 16-17.25L 20% = 25,000 → 1,45,000; +4% = 1,50,800.
    ("tax on 18 lakh salary under the new regime", "Tax payable: ₹1,50,800", ["₹17,25,000"]),
    # Listed shares held over 12 months: gain 3L − 1.25L exempt = 1.75L at 12.5% = 21,875; +4% = 22,750.
    (
        "I sold shares bought on 10 Jan 2023 for 2 lakh, sold for 5 lakh on 1 March 2025. Capital gains tax?",
        "Tax payable: ₹22,750",
        ["112A", "₹1,25,000"],
    ),
    # HRA, Mumbai: basic 6L, HRA 2.4L, rent 3L a year; least of 2.4L, 3L − 60k = 2.4L, 50% × 6L = 3L → 2,40,000.
    (
        "HRA exemption: basic 50,000 a month, HRA 20,000 a month, rent 25,000 a month in Mumbai",
        "₹2,40,000",
        ["Mumbai"],
    ),
    # Gratuity under the Act: 15/26 × 50,000 × 10 years = 2,88,461.5 → 2,88,462.
    ("Gratuity for last drawn salary 50,000 after 10 years of service", "₹2,88,462", ["15 / 26"]),
]


@pytest.mark.parametrize("question, figure, also", CASES, ids=[c[0][:40] for c in CASES])
def test_a_plain_question_gets_its_figure_and_the_working(question, figure, also):
    answer = answer_question(question, now=IN_FY_2026_27)
    assert figure in answer, answer[:600]
    # The working, the inputs and the rules travel as the answer's card.
    text, cards = calculation_blocks.split(answer)
    assert len(cards) == 1 and cards[0]["steps"] and cards[0]["rule_set"], answer[:600]
    assert figure in text
    shown = json.dumps(cards[0], ensure_ascii=False) + text
    for expected in also:
        assert expected in shown, f"{expected!r} missing from:\n{shown[:1500]}"


@pytest.mark.parametrize(
    "question, asks",
    [
        ("What is the EMI on a 30 lakh loan at 9%?", "how many years"),
        ("GST on 5,000", "rate"),
        ("tax on 18 lakh", "salary or pension, business income"),
        ("capital gains on my flat sold for 90 lakh", "buy"),
    ],
)
def test_a_question_missing_an_input_is_asked_for_it_never_given_a_guess(question, asks):
    answer = answer_question(question, now=IN_FY_2026_27)
    assert answer.startswith("### I need a little more to work this out"), answer[:300]
    assert asks.lower() in answer.lower()
    assert "Tax payable" not in answer and "EMI:" not in answer and "GST:" not in answer  # no figure


def test_what_no_calculator_takes_is_declined_not_ignored():
    answer = answer_question("tax on salary 20 lakh, old regime, deductions of 2 lakh", now=IN_FY_2026_27)
    assert "Tax payable" not in answer
    assert "which" in answer.lower()
