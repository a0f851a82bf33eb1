"""Properties the calculators keep for any input (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from finucity.finance.gst import gst
from finucity.finance.income_tax import income_tax
from finucity.finance.loans import emi_schedule
from finucity.finance.result import rupees
from finucity.finance.savings import ppf

incomes = st.integers(min_value=0, max_value=80_00_00_000)  # up to 80 crore, past every threshold
ages = st.sampled_from([30, 59, 60, 79, 80, 90])


@settings(max_examples=300, deadline=None)
@given(
    a=incomes,
    b=incomes,
    regime=st.sampled_from(["new", "old"]),
    year=st.sampled_from(["2025-26", "2026-27"]),
    age=ages,
    kind=st.sampled_from(["salary", "other_income"]),
    section_80c=st.integers(min_value=0, max_value=300_000),
)
def test_tax_never_decreases_when_income_rises(a, b, regime, year, age, kind, section_80c):
    low, high = sorted((a, b))

    def tax(income: int) -> Decimal:
        fields = {kind: Decimal(income), "age": age, "year": year, "section_80c": Decimal(section_80c)}
        return income_tax(regime, **fields).figure("Tax payable")

    assert tax(low) <= tax(high)


# Where the new regime's rebate ends or a surcharge starts, marginal relief keeps
# the extra tax within the extra income: no cliff.
edges = st.sampled_from([1_200_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000])


@settings(max_examples=200, deadline=None)
@given(edge=edges, offset=st.integers(min_value=0, max_value=200_000), regime=st.sampled_from(["new", "old"]))
def test_just_past_a_threshold_the_extra_tax_stays_within_the_extra_income(edge, offset, regime):
    at = income_tax(regime, other_income=Decimal(edge)).figure("Tax payable")
    above = income_tax(regime, other_income=Decimal(edge + offset)).figure("Tax payable")

    # Tax plus cess on the extra income is at most 104% of it, plus a rupee of rounding.
    assert above - at <= Decimal(offset) * Decimal("1.04") + 1


@settings(max_examples=200, deadline=None)
@given(
    principal=st.integers(min_value=1_000, max_value=10_00_00_000),
    rate=st.decimals(min_value=0, max_value=30, places=2),
    months=st.integers(min_value=1, max_value=360),
)
def test_emi_times_tenure_covers_the_principal(principal, rate, months):
    result = emi_schedule(Decimal(principal), rate, months)

    assert result.figure("Total payment") >= principal
    assert result.figure("Monthly EMI") * months >= principal - months  # each EMI is rounded by under a rupee
    assert result.table is not None and result.table.rows[-1][-1] == 0


@settings(max_examples=300, deadline=None)
@given(
    paise=st.integers(min_value=0, max_value=10_000_000_000),
    rate=st.sampled_from(["0", "0.1", "0.25", "1.5", "3", "5", "12", "18", "28", "40"]),
    inter=st.booleans(),
)
def test_inclusive_and_exclusive_gst_are_inverses(paise, rate, inter):
    value, rate_d = Decimal(paise) / 100, Decimal(rate)

    forward = gst(value, rate_d, inter_state=inter)
    back = gst(forward.figure("Total including GST"), rate_d, inclusive=True, inter_state=inter)

    # Back to the same taxable value within a paisa, and to the same rupee as invoices round.
    assert abs(back.figure("Taxable value") - value) <= Decimal("0.01")
    assert rupees(back.figure("Total including GST")) == forward.figure("Amount payable")
    assert abs(back.figure("GST") - forward.figure("GST")) <= Decimal("0.01")


@settings(max_examples=100, deadline=None)
@given(deposit=st.integers(min_value=500, max_value=150_000), extensions=st.integers(min_value=0, max_value=3))
def test_ppf_maturity_is_at_least_what_was_deposited(deposit, extensions):
    result = ppf(Decimal(deposit), 15 + 5 * extensions)

    assert result.figure("Maturity value") >= result.figure("Deposited")
