"""What the /tools page sends the browser for each calculator tab (states/tools.py,
states/calculation_view.py): every default form gives a card, tabs that hold two
calculators pick the right one, and the chart rows use the keys the card draws.

Figures from tests/finance: ₹1,00,000 for 10 years at 12% -> ₹3,10,585
(test_loans_savings.py); ₹50 lakh at 8.5% for 20 years -> ₹43,391.
"""

from __future__ import annotations

import pytest

from finucity.services.errors import ValidationError
from finucity.states.calculation_view import CHART_KEYS
from finucity.states.tools import CALCULATORS, defaults, run


@pytest.mark.parametrize("key", [c.key for c in CALCULATORS])
def test_every_tab_gives_a_card_from_its_defaults(key):
    card = run(key, defaults(key))
    assert card.headline_text.startswith("₹")
    assert card.steps and card.rule_set and card.rule_date_text


def test_a_tab_with_two_calculators_runs_the_one_chosen():
    assert (
        run("sip", {"mode": "lump_sum", "amount": "1 lakh", "rate": "12", "years": "10"}).headline_text == "₹3,10,585"
    )
    assert run("sip", {"mode": "sip", "amount": "10k", "rate": "12", "years": "10"}).kind == "sip"
    assert run("income_tax", {"regime": "old", "salary": "12,85,000"}).kind == "income_tax"
    assert run("income_tax", {"regime": "compare", "salary": "12,85,000"}).kind == "regime_comparison"


def test_the_loan_chart_shows_principal_and_interest_not_the_balance():
    card = run("emi", {"principal": "50 lakh", "rate": "8.5", "years": "20"})
    assert card.headline_text == "₹43,391"
    assert card.chart_series == ["Principal", "Interest"]
    assert len(card.chart_data) == 20
    assert set(card.chart_data[0]) == {"x", *CHART_KEYS}
    assert [s.total for s in card.steps].count(True) == 1  # the EMI row is the one marked


def test_a_refused_field_is_named():
    with pytest.raises(ValidationError) as caught:
        run("emi", {"principal": "lots", "rate": "8.5", "years": "20"})
    assert caught.value.field == "principal"
