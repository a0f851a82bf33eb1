"""GST amounts and registration thresholds, against figures worked by hand.

Intra-state supplies carry CGST and SGST at half the rate each, inter-state
IGST at the full rate (IGST Act, 2017, section 5; CGST Act, section 9).
Inclusive prices: taxable value = price x 100 / (100 + rate), the method of
CBIC's GST FAQs on valuation; each tax to the paisa, the invoice total to the
rupee (section 170 of the CGST Act rounds tax to the rupee when it is paid).
Rates: the schedule from 22 September 2025 (GST Council, 56th meeting).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from finucity.finance.gst import gst, gst_rates, gst_registration

AFTER = date(2025, 10, 1)

# (amount, rate, inclusive, inter-state, expected {figure: amount}, worked figure)
CASES = [
    (
        "2000",
        "5",
        False,
        False,
        {"GST": "100", "CGST": "50", "SGST": "50", "Amount payable": "2100"},
        "Issue 12: GST on Rs 2,000 at 5% within the state: 2.5% + 2.5%",
    ),
    (
        "11800",
        "18",
        True,
        False,
        {"GST": "1800", "Taxable value": "10000", "CGST": "900", "SGST": "900"},
        "11,800 x 100/118 = 10,000; GST 1,800 split in halves",
    ),
    ("2000", "18", False, True, {"GST": "360", "IGST": "360", "Amount payable": "2360"}, "IGST 18% of 2,000"),
    (
        "999",
        "18",
        False,
        False,
        {"CGST": "89.91", "SGST": "89.91", "GST": "179.82", "Total including GST": "1178.82", "Amount payable": "1179"},
        "9% of 999 = 89.91 each; invoice 1,178.82 rounded off to 1,179",
    ),
    (
        "1000",
        "18",
        True,
        False,
        {"Taxable value": "847.46", "GST": "152.54", "CGST": "76.27", "SGST": "76.27"},
        "1000/1.18 = 847.4576 -> 847.46; tax 152.54 halves 76.27",
    ),
    ("1050", "5", True, False, {"Taxable value": "1000", "GST": "50"}, "1050/1.05 = 1000"),
    ("100000", "40", False, False, {"GST": "40000", "CGST": "20000"}, "40% on a luxury good, 20% + 20%"),
    ("100000", "3", False, False, {"GST": "3000", "CGST": "1500", "SGST": "1500"}, "gold jewellery at 3%: 1.5% + 1.5%"),
    ("10000", "0.25", False, True, {"IGST": "25"}, "rough diamonds at 0.25%"),
    ("105", "5", True, True, {"Taxable value": "100", "IGST": "5"}, "105/1.05 = 100"),
    (
        "1",
        "18",
        True,
        False,
        {"Taxable value": "0.85", "GST": "0.15", "CGST": "0.08", "SGST": "0.07"},
        "1/1.18 = 0.847 -> 0.85; tax 0.15 split so the halves add up: 0.08 + 0.07",
    ),
    ("59", "18", True, False, {"Taxable value": "50", "GST": "9"}, "59/1.18 = 50"),
]


@pytest.mark.parametrize(
    ("amount", "rate", "inclusive", "inter", "expected", "source"), CASES, ids=[c[5][:40] for c in CASES]
)
def test_gst_matches_the_worked_figure(amount, rate, inclusive, inter, expected, source):
    result = gst(Decimal(amount), Decimal(rate), inclusive=inclusive, inter_state=inter, on=AFTER)

    for label, value in expected.items():
        assert result.figure(label) == Decimal(value), f"{label}: {source}"


def test_an_inclusive_price_splits_into_parts_that_add_up_to_it():
    result = gst(Decimal("1"), Decimal(18), inclusive=True, on=AFTER)

    assert result.figure("Taxable value") + result.figure("CGST") + result.figure("SGST") == Decimal(1)


def test_a_rate_from_before_the_rationalisation_is_flagged_after_it():
    after = gst(Decimal(1000), Decimal(12), on=AFTER)
    before = gst(Decimal(1000), Decimal(12), on=date(2025, 9, 21))

    assert after.figure("GST") == before.figure("GST") == 120
    assert any("not a rate of the schedule" in n for n in after.notes)
    assert not before.notes
    assert after.rule_set == "GST rates from 22 September 2025"
    assert before.rule_set == "GST rates from 1 July 2017"


def test_the_schedule_from_22_september_2025_has_the_two_main_rates_and_40():
    rates = {rate for rate, _ in gst_rates(AFTER)}

    assert {Decimal(5), Decimal(18), Decimal(40), Decimal("0.25"), Decimal(3)} <= rates
    assert Decimal(12) not in rates and Decimal(28) not in rates


# (turnover, supply, state, threshold, must register, worked figure)
REGISTRATION = [
    (3_000_000, "goods", "Maharashtra", 4_000_000, False, "Notification 10/2019-CT: 40L for goods"),
    (3_000_000, "goods", "Telangana", 2_000_000, True, "Telangana kept 20L for goods"),
    (2_500_000, "services", None, 2_000_000, True, "CGST Act s.22: 20L for services"),
    (1_500_000, "services", "Manipur", 1_000_000, True, "Manipur, Mizoram, Nagaland, Tripura: 10L"),
    (4_000_000, "goods", "Karnataka", 4_000_000, False, "40L exactly is not above the threshold"),
]


@pytest.mark.parametrize(("turnover", "supply", "state", "threshold", "must", "source"), REGISTRATION)
def test_registration_threshold_by_supply_and_state(turnover, supply, state, threshold, must, source):
    result = gst_registration(Decimal(turnover), supply, state=state)

    assert result.figure("Threshold") == threshold, source
    assert ("Registration is required" in result.notes[0]) is must


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        gst(Decimal(-1), Decimal(18))
    with pytest.raises(ValueError):
        gst(Decimal(1), Decimal(180))
    with pytest.raises(ValueError):
        gst_registration(Decimal(1), "software")
