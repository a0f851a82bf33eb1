"""The calculators on their own: EMI, SIP growth, income tax by slab, tax saved.

Expected figures are worked out here from the textbook formulas and the
published slab tables (tests/support/published_tax.py), not from the code.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from finucity.finance.calculators import (
    emi,
    future_value_annuity_due,
    income_tax,
    new_regime,
    old_regime,
    sip_future_value,
    tax_saved,
)
from tests.support.published_tax import NEW_REGIME, OLD_REGIME, slab_tax

CESS = Decimal("1.04")


def test_the_emi_of_a_reducing_balance_loan():
    principal, r, n = 5_000_000, 0.085 / 12, 240
    expected = principal * r * (1 + r) ** n / ((1 + r) ** n - 1)

    monthly = emi(Decimal(principal), Decimal("8.5"), n)

    assert float(monthly) == pytest.approx(expected, rel=1e-12)
    assert round(monthly) == 43_391


def test_an_interest_free_loan_is_repaid_in_equal_parts():
    assert emi(Decimal(120_000), Decimal(0), 12) == Decimal(10_000)


def test_a_loan_needs_at_least_one_month():
    with pytest.raises(ValueError):
        emi(Decimal(100_000), Decimal(9), 0)


def test_a_sip_grows_as_an_annuity_due():
    monthly, r, n = 10_000, 0.12 / 12, 180
    expected = monthly * ((1 + r) ** n - 1) / r * (1 + r)

    assert float(sip_future_value(Decimal(monthly), Decimal(12), n)) == pytest.approx(expected, rel=1e-12)


def test_without_growth_the_future_value_is_what_was_paid_in():
    assert future_value_annuity_due(Decimal(150_000), Decimal(0), 15) == Decimal(2_250_000)


def test_tax_on_a_salary_under_both_regimes():
    salary = Decimal(1_500_000)

    new = income_tax(salary, new_regime(), salaried=True)
    old = income_tax(salary, old_regime(), salaried=True)

    assert (new.deduction, new.taxable) == (75_000, 1_425_000)
    assert new.total == slab_tax(1_425_000, NEW_REGIME) * CESS == 97_500
    assert (old.deduction, old.taxable) == (50_000, 1_450_000)
    assert old.total == slab_tax(1_450_000, OLD_REGIME) * CESS == 257_400
    assert sum(line.taxed for line in new.lines) == new.taxable


def test_only_a_salary_gets_the_standard_deduction():
    tax = income_tax(Decimal(1_500_000), new_regime(), salaried=False)

    assert tax.deduction == 0 and tax.taxable == 1_500_000


def test_the_new_regime_rebate_makes_tax_nil_up_to_12_lakh_of_taxable_income():
    tax = income_tax(Decimal(1_275_000), new_regime(), salaried=True)

    assert tax.taxable == 1_200_000
    assert tax.rebate == tax.slab_tax == slab_tax(1_200_000, NEW_REGIME)
    assert tax.total == 0


def test_just_above_the_rebate_limit_tax_is_capped_at_the_income_above_it():
    tax = income_tax(Decimal(1_210_000), new_regime(), salaried=False)

    assert tax.slab_tax - tax.rebate == min(slab_tax(1_210_000, NEW_REGIME), Decimal(10_000)) == 10_000
    assert tax.total == 10_000 * CESS


def test_above_50_lakh_a_surcharge_is_added_before_cess():
    tax = income_tax(Decimal(6_000_000), new_regime(), salaried=True)

    assert tax.surcharge == slab_tax(5_925_000, NEW_REGIME) * Decimal("0.10")
    assert tax.total == slab_tax(5_925_000, NEW_REGIME) * Decimal("1.10") * CESS


def test_a_deduction_saves_the_slab_rate_plus_cess():
    assert tax_saved(Decimal(150_000), Decimal(30)) == Decimal(46_800)
