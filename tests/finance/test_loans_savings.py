"""EMI, SIP, lump sum, PPF, HRA and gratuity against worked figures.

EMI: P r (1+r)^n / ((1+r)^n - 1) with r = rate/12 (the formula in RBI's and
banks' published EMI calculators), worked with a hand calculator and rounded
to the rupee. SIP: an annuity due, P ((1+r)^n - 1)/r (1+r) with r = return/12
(AMFI's SIP calculator convention). PPF: yearly compounding, deposits by 5
April (PPF Scheme, 2019); 1.5 lakh a year for 15 years at 7.1% is the widely
published 40,68,209. HRA: least of the three (rule 2A). Gratuity: 15/26 x
salary x years (Payment of Gratuity Act, section 4(2)).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from finucity.finance.loans import emi_schedule
from finucity.finance.salary import gratuity, hra_exemption, is_metro
from finucity.finance.savings import lump_sum, ppf, sip

L = 100_000

EMI_CASES = [
    (50 * L, "8.5", 240, 43_391, 5_413_879, "EMI 43,391.16; x240 = 1,04,13,878.80; interest 54,13,879"),
    (1 * L, "10", 12, 8_792, 5_499, "EMI 8,791.59; x12 = 1,05,499.06"),
    (20 * L, "9", 240, 17_995, 2_318_685, "EMI 17,994.52; x240 = 43,18,684.59; interest 23,18,685"),
    (10 * L, "8.5", 120, 12_399, 487_828, "EMI 12,398.57; x120 = 14,87,828.27"),
    (120_000, "0", 12, 10_000, 0, "no interest: 1,20,000 / 12"),
]


@pytest.mark.parametrize(
    ("principal", "rate", "months", "emi", "interest", "source"), EMI_CASES, ids=[c[5][:30] for c in EMI_CASES]
)
def test_emi_and_total_interest(principal, rate, months, emi, interest, source):
    result = emi_schedule(Decimal(principal), Decimal(rate), months)

    assert result.figure("Monthly EMI") == emi, source
    assert result.figure("Total interest") == interest, source


def test_the_schedule_starts_with_a_month_of_interest_and_ends_at_zero():
    result = emi_schedule(Decimal(5_000_000), Decimal("8.5"), 240)

    assert result.table is not None and len(result.table.rows) == 240
    # Month 1: interest 50,00,000 x 8.5% / 12 = 35,416.67; principal 43,391.16 - 35,416.67 = 7,974.49.
    assert result.table.rows[0] == (1, 43_391, 35_417, 7_974, 4_992_026)
    assert result.table.rows[-1][-1] == 0
    assert result.chart is not None and len(result.chart.x) == 20
    # The yearly principal adds up to the loan.
    assert abs(sum(result.chart.series[0].values) - 5_000_000) <= 20


SAVINGS_CASES = [
    (
        sip,
        (Decimal(10_000), Decimal(12), 15),
        "Future value",
        5_045_760,
        "SIP 10k/month, 12%, 15 years (AMFI convention)",
    ),
    (
        sip,
        (Decimal(5_000), Decimal(12), 10),
        "Future value",
        1_161_695,
        "5000 x ((1.01^120 - 1)/0.01) x 1.01 = 11,61,695.38",
    ),
    (lump_sum, (Decimal(100_000), Decimal(10), 10), "Future value", 259_374, "1L x 1.1^10 = 2,59,374.25"),
    (lump_sum, (Decimal(50_000), Decimal(12), 5), "Future value", 88_117, "50k x 1.12^5 = 88,117.08"),
    (ppf, (Decimal(150_000),), "Maturity value", 4_068_209, "published PPF table: 1.5L x 15 years at 7.1%"),
    (
        ppf,
        (Decimal(150_000), 20),
        "Maturity value",
        6_658_288,
        "one 5-year extension: 1.5L x 1.071 x (1.071^20 - 1)/0.071",
    ),
    (ppf, (Decimal(500),), "Maturity value", 13_561, "the minimum deposit: 500 x 27.1214"),
    (ppf, (Decimal(100_000),), "Interest earned", 1_212_139, "1L a year: maturity 27,12,139.48 less 15L deposited"),
]


@pytest.mark.parametrize(
    ("calculator", "args", "label", "expected", "source"), SAVINGS_CASES, ids=[c[4][:30] for c in SAVINGS_CASES]
)
def test_savings_match_the_worked_figure(calculator, args, label, expected, source):
    assert calculator(*args).figure(label) == expected, source


def test_ppf_limits_and_terms_are_enforced_from_the_rules():
    with pytest.raises(ValueError, match="1,50,000"):
        ppf(Decimal(150_001))
    with pytest.raises(ValueError):
        ppf(Decimal(400))
    with pytest.raises(ValueError):
        ppf(Decimal(10_000), 17)
    assert ppf(Decimal(150_000)).rule_set.startswith("PPF, 7.1%")


HRA_CASES = [
    (6 * L, 3 * L, 360_000, "Pune", "2025-26", 240_000, "rule 2A: Pune not a metro: 40% of 6L = 2.4L is least"),
    (6 * L, 3 * L, 360_000, "Pune", "2026-27", 300_000, "Income-tax Rules 2026: Pune at 50%: 3L (= HRA = rent - 10%)"),
    (6 * L, 3 * L, 360_000, "Mumbai", "2025-26", 300_000, "Mumbai, 50% of 6L = 3L"),
    (5 * L, 2 * L, 120_000, "Delhi", "2025-26", 70_000, "rent 1.2L - 10% of 5L = 70,000 is least"),
    (5 * L, 2 * L, 0, "Delhi", "2025-26", 0, "no rent paid, no exemption"),
    (8 * L, 150_000, 4 * L, "Chennai", "2025-26", 150_000, "the HRA received is least"),
]


@pytest.mark.parametrize(
    ("basic", "hra", "rent", "city", "year", "expected", "source"), HRA_CASES, ids=[c[6][:30] for c in HRA_CASES]
)
def test_hra_exemption_is_the_least_of_three(basic, hra, rent, city, year, expected, source):
    result = hra_exemption(
        basic_da=Decimal(basic), hra_received=Decimal(hra), rent_paid=Decimal(rent), city=city, year=year
    )

    assert result.figure("Exempt HRA") == expected, source
    assert result.figure("Taxable HRA") == hra - expected


def test_metro_cities_are_dated_data():
    assert is_metro("Bengaluru", "2026-27") and not is_metro("Bengaluru", "2025-26")
    assert is_metro(" new delhi ", "2025-26")


GRATUITY_CASES = [
    (50_000, 10, 7, True, 317_308, "50,000 x 15/26 x 11 (7 months > 6 round up) = 3,17,307.69"),
    (50_000, 10, 6, True, 288_462, "exactly 6 months does not round up: x 10 = 2,88,461.54"),
    (50_000, 10, 7, False, 250_000, "not covered: 50,000 x 15/30 x 10, fractions ignored"),
    (500_000, 30, 0, True, 2_000_000, "86,53,846 capped at the 20 lakh ceiling"),
    (40_000, 4, 11, True, 0, "under 5 years of continuous service: not yet due"),
    (26_000, 5, 0, True, 75_000, "26,000 x 15/26 x 5"),
]


@pytest.mark.parametrize(
    ("salary", "years", "months", "covered", "expected", "source"),
    GRATUITY_CASES,
    ids=[c[5][:30] for c in GRATUITY_CASES],
)
def test_gratuity(salary, years, months, covered, expected, source):
    result = gratuity(Decimal(salary), years=years, months=months, covered=covered)

    assert result.figure("Gratuity") == expected, source
