"""The result type as a renderer sees it: inputs from JSON or a form, and the serialised card."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from finucity.finance.capital_gains import capital_gains
from finucity.finance.gst import gst
from finucity.finance.income_tax import income_tax
from finucity.finance.loans import emi_schedule
from finucity.finance.salary import gratuity
from finucity.finance.savings import sip


def test_inputs_may_come_as_json_numbers_or_form_text():
    # A model's tool call sends ints and floats; a form sends text with commas.
    assert income_tax("new", salary=1_800_000).figure("Tax payable") == 150_800
    assert income_tax("new", salary="18,00,000").figure("Tax payable") == 150_800
    assert emi_schedule(5_000_000, 8.5, 240).figure("Monthly EMI") == 43_391
    assert gst("11800", 18.0, inclusive=True).figure("GST") == 1_800


@pytest.mark.parametrize("bad", [None, True, "twelve", float("nan"), "1e999999999"])
def test_a_value_that_is_not_a_number_is_refused_with_a_readable_message(bad):
    with pytest.raises(ValueError, match="number"):
        gst(bad, 18)


def test_out_of_range_inputs_are_refused():
    with pytest.raises(ValueError, match="months"):
        emi_schedule(100_000, 9, 6_000)
    with pytest.raises(ValueError, match="age"):
        income_tax("old", salary=1, age=200)


def test_every_calculation_serialises_to_json_with_rupee_text():
    results = [
        income_tax("old", salary=1_000_000, section_80c=150_000),
        capital_gains(
            "listed_equity", bought=date(2023, 5, 1), sold=date(2025, 6, 1), cost=300_000, sale_price=500_000
        ),
        gst(999, 18),
        emi_schedule(1_000_000, 9, 60),
        sip(10_000, 12, 10),
        gratuity(50_000, years=10, months=7),
    ]
    for result in results:
        data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
        assert data["rule_set"] and data["source"] and data["rule_date"], result.kind
        assert data["figures"][0]["text"].startswith("₹"), result.kind
        for step in data["steps"]:
            # A step with an amount shows it in rupees; a counting step has none.
            assert step["amount"] is None or step["text"].startswith(("₹", "-₹")), (result.kind, step)


def test_paise_show_only_when_there_are_any():
    data = gst(999, 18).to_dict()
    texts = {f["label"]: f["text"] for f in data["figures"]}

    assert texts["CGST"] == "₹89.91"
    assert texts["Amount payable"] == "₹1,179"


def test_the_emi_chart_is_ready_for_recharts():
    records = emi_schedule(1_000_000, 9, 60).to_dict()["chart"]["data"]

    assert len(records) == 5
    assert set(records[0]) == {"x", "Principal", "Interest", "Balance"}
    assert records[0]["x"] == "Year 1"
    assert sum(r["Principal"] for r in records) == pytest.approx(1_000_000, abs=5)


def test_the_headline_is_the_answer():
    assert income_tax("new", other_income=Decimal(1_210_000)).headline == ("Tax payable", Decimal(10_400))
    assert sip(10_000, 12, 15).headline == ("Future value", Decimal(5_045_760))
