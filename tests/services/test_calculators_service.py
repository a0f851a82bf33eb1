"""The calculators as forms and API bodies give their inputs (services/calculators.py).

Expected figures are the finance package's, checked there against official
examples: tests/finance/test_income_tax_rules.py (the 12-lakh rebate edge:
taxable ₹12,10,000 -> ₹10,400), tests/finance/test_finance_results.py (₹50 lakh
at 8.5% for 20 years -> EMI ₹43,391). Here: the same figures reached from text
as a person types it, and every refusal naming its field.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from finucity.services import calculators
from finucity.services.errors import RateLimited, ValidationError


@pytest.mark.parametrize(
    "typed, rupees",
    [
        ("12,85,000", 1_285_000),
        ("₹12,85,000", 1_285_000),
        ("Rs. 12,85,000", 1_285_000),
        ("12.85 lakh", 1_285_000),
        ("12.85L", 1_285_000),
        ("0.1285 cr", 1_285_000),
        ("1285k", 1_285_000),
        (1_285_000, 1_285_000),
        (1285000.0, 1_285_000),
    ],
)
def test_amounts_are_read_as_indians_write_them(typed, rupees):
    assert calculators.amount(typed, "salary", "Salary") == rupees
    result = calculators.income_tax({"salary": typed, "regime": "new"})
    assert result.headline == ("Tax payable", Decimal(10_400))


def test_each_calculator_gives_its_figure_from_form_text():
    cases = [
        ("regime_comparison", {"salary": "18 lakh", "section_80c": "1.5 lakh"}, "Tax under the new regime", 150_800),
        ("emi", {"principal": "50,00,000", "rate": "8.5%", "years": "20"}, "Monthly EMI", 43_391),
        ("emi", {"principal": "50 lakh", "rate": 8.5, "months": 240}, "Monthly EMI", 43_391),
        ("gst", {"amount": "11,800", "rate": "18", "inclusive": "true"}, "GST", 1_800),
        ("sip", {"monthly": "10k", "rate": "12", "years": "10"}, "Future value", 2_323_391),
        ("ppf", {"yearly_deposit": "1,50,000"}, "Maturity value", 4_068_209),
        (
            "capital_gains",
            {
                "asset": "listed_equity",
                "bought": "2023-01-01",
                "sold": "2025-06-01",
                "cost": "1 lakh",
                "sale_price": "4 lakh",
            },
            "Tax payable",
            22_750,
        ),
        ("gratuity", {"last_monthly_salary": "50,000", "years": "10"}, "Gratuity", 288_462),
    ]
    for kind, values, label, expected in cases:
        assert calculators.calculate(kind, values).figure(label) == expected, kind


@pytest.mark.parametrize(
    "kind, values, field, words",
    [
        ("emi", {"principal": "fifty lakh", "rate": "8.5", "years": "20"}, "principal", "loan amount"),
        ("emi", {"principal": "50 lakh", "rate": "eight", "years": "20"}, "rate", "interest rate"),
        ("emi", {"principal": "50 lakh", "rate": "8.5", "years": "2.5"}, "years", "whole number"),
        ("emi", {"principal": "50 lakh", "rate": "8.5"}, "years", "tenure"),
        ("emi", {"principal": "0", "rate": "8.5", "years": "5"}, "principal", "more than zero"),
        ("income_tax", {"salary": "-5"}, "salary", "negative"),
        ("income_tax", {"salary": "10 lakh", "age": "200"}, "age", "Age"),
        ("income_tax", {"salary": "10 lakh", "year": "2019-20"}, "year", "2025-26"),
        ("income_tax", {"salary": "10 lakh", "regime": "newest"}, "regime", "new, old"),
        ("income_tax", {}, "salary", "salary or other income"),
        ("income_tax", {"salary": "9" * 41}, "salary", "too long"),
        ("income_tax", {"salary": "9" * 20}, "salary", "too large"),
        ("gst", {"amount": "1000", "rate": "120"}, "rate", "between 0 and 100"),
        ("gst", {"amount": "1000", "inclusive": "maybe"}, "inclusive", "yes or no"),
        ("ppf", {"yearly_deposit": "2 lakh"}, "yearly_deposit", "₹1,50,000"),
        ("ppf", {"yearly_deposit": "1 lakh", "years": "17"}, "years", "blocks of 5"),
        (
            "capital_gains",
            {"bought": "2025-06-01", "sold": "2024-01-01", "cost": "1", "sale_price": "2"},
            "sold",
            "before",
        ),
        (
            "capital_gains",
            {"bought": "01/06/2024", "sold": "2025-01-01", "cost": "1", "sale_price": "2"},
            "bought",
            "date",
        ),
        ("sip", {"monthly": ["10k"], "rate": "12", "years": "10"}, "monthly", "rupees"),
        ("gratuity", {"last_monthly_salary": "50,000", "years": "10", "months": "12"}, "months", "0 to 11"),
        ("nonsense", {}, "kind", "no calculator"),
    ],
)
def test_bad_input_is_refused_on_its_field(kind, values, field, words):
    with pytest.raises(ValidationError) as caught:
        calculators.calculate(kind, values)
    assert caught.value.field == field
    assert words.lower() in caught.value.message.lower()
    assert caught.value.message[0].isupper() and caught.value.message.endswith(".")


async def test_runs_are_limited_per_client(monkeypatch):
    monkeypatch.setattr(calculators, "RATE_LIMIT", "3/minute")
    for _ in range(3):
        await calculators.check_rate("203.0.113.7")
    with pytest.raises(RateLimited):
        await calculators.check_rate("203.0.113.7")
    await calculators.check_rate("203.0.113.8")  # another client has its own allowance
