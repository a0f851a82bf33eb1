"""Reading amounts, rates, durations, dates and years as Indian users type them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finucity.finance.money import format_inr, format_inr_words
from finucity.finance.reading import (
    find_amounts,
    parse_amount,
    parse_date,
    parse_financial_year,
    parse_months,
    parse_percent,
    scan,
)

TODAY = date(2026, 12, 2)  # in FY 2026-27


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18 lakh", 1_800_000),
        ("18 lakhs", 1_800_000),
        ("18 lacs", 1_800_000),
        ("18 Lac", 1_800_000),
        ("18L", 1_800_000),
        ("18 LPA", 1_800_000),
        ("1.5 cr", 15_000_000),
        ("1.5 crore", 15_000_000),
        ("2 crores", 20_000_000),
        ("20k", 20_000),
        ("20K", 20_000),
        ("5 thousand", 5_000),
        ("Rs 2,000", 2_000),
        ("Rs. 2000", 2_000),
        ("rs.2000", 2_000),
        ("INR 2,000", 2_000),
        ("₹11,800", 11_800),
        ("₹ 11,800", 11_800),
        ("11,800", 11_800),
        ("1,20,000", 120_000),
        ("12,34,567", 1_234_567),
        ("50,000/-", 50_000),
        ("2000 rupees", 2_000),
        ("5000rs", 5_000),
        ("2,000 INR", 2_000),
        ("INR18L", 1_800_000),
        ("Rs.18,00,000/-", 1_800_000),
        ("₹ 2.5L", 250_000),
        ("1.5Cr", 15_000_000),
        ("18lakh", 1_800_000),
        ("18 LAKHS", 1_800_000),
        ("one lakh", 100_000),
        ("a lakh", 100_000),
        ("two and a half lakh", 250_000),
        ("one and a half crore", 15_000_000),
        ("half a lakh", 50_000),
        ("fifty thousand", 50_000),
        ("twenty five lakh", 2_500_000),
        ("one lakh fifty thousand", 150_000),
        ("₹1,234.50", Decimal("1234.50")),
        ("2 million", 2_000_000),
        ("1 lakh 50 thousand", 150_000),
        ("1 crore 20 lakh", 12_000_000),
    ],
)
def test_every_amount_form_reads_as_rupees(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("20k a month", "month"),
        ("20k per month", "month"),
        ("20k monthly", "month"),
        ("20k every month", "month"),
        ("20k p.m.", "month"),
        ("monthly rent of 20k", "month"),
        ("12 lakh a year", "year"),
        ("12 lakh per annum", "year"),
        ("12 lakh p.a.", "year"),
        ("annual income of 12 lakh", "year"),
        ("15 LPA", "year"),
        ("20k", None),
    ],
)
def test_a_period_written_beside_an_amount_is_kept_with_it(text, period):
    (amount,) = scan(text).of("amount")
    assert amount.period == period


@pytest.mark.parametrize(
    "text",
    [
        "80C",
        "section 80 C",
        "24(b)",
        "section 24",
        "80CCD(1B)",
        "FY 2026-27",
        "AY 2026-27",
        "I am 62",
        "8.5%",
        "20 years",
    ],
)
def test_sections_years_ages_rates_and_durations_are_not_money(text):
    assert find_amounts(text) == []


def test_two_amounts_joined_by_and_stay_two():
    assert find_amounts("salary 12 lakh and 50k FD interest") == [Decimal(1_200_000), Decimal(50_000)]


def test_a_number_in_words_after_and_keeps_the_and():
    found = scan("salary twelve lakh and one lakh in PPF")
    assert [m.value for m in found.of("amount")] == [Decimal(1_200_000), Decimal(100_000)]
    assert " and " in found.masked


def test_small_bare_numbers_are_not_money_but_marked_ones_are():
    assert find_amounts("I have 2 kids") == []
    assert find_amounts("Rs 50 and ₹20") == [Decimal(50), Decimal(20)]


def test_which_one_keeps_its_word():
    assert scan("which one is better").mentions == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8.5%", "8.5"),
        ("8.5 %", "8.5"),
        ("8.5 percent", "8.5"),
        ("8.5 per cent", "8.5"),
        ("8.5 pc", "8.5"),
        ("ten percent", "10"),
    ],
)
def test_rates_in_every_spelling(text, expected):
    assert parse_percent(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("20 years", 240),
        ("20 yrs", 240),
        ("20-year", 240),
        ("240 months", 240),
        ("6 months", 6),
        ("six months", 6),
        ("1.5 years", 18),
        ("10 years 7 months", 127),
        ("10 years and 7 months", 127),
    ],
)
def test_durations_in_months(text, months):
    assert parse_months(text) == months


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("15 March 2022", date(2022, 3, 15), date(2022, 3, 15)),
        ("15th Mar, 2022", date(2022, 3, 15), date(2022, 3, 15)),
        ("March 15, 2022", date(2022, 3, 15), date(2022, 3, 15)),
        ("2019-04-10", date(2019, 4, 10), date(2019, 4, 10)),
        ("10/04/2019", date(2019, 4, 10), date(2019, 4, 10)),  # day first, the Indian order
        ("March 2022", date(2022, 3, 1), date(2022, 3, 31)),
        ("Feb 2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("bought in 2015", date(2015, 1, 1), date(2015, 12, 31)),
    ],
)
def test_dates_keep_how_precise_they_were(text, earliest, latest):
    stated = parse_date(text)
    assert (stated.earliest, stated.latest) == (earliest, latest)
    assert (stated.exact is not None) == (earliest == latest)


def test_an_impossible_day_is_no_date():
    assert parse_date("31 February 2023") is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("FY 2026-27", "2026-27"),
        ("fy2025-26", "2025-26"),
        ("financial year 2025-26", "2025-26"),
        ("FY 26-27", "2026-27"),
        ("2026-27", "2026-27"),
        ("AY 2026-27", "2025-26"),  # the assessment year follows its financial year
        ("assessment year 2027-28", "2026-27"),
        ("this year", "2026-27"),
        ("the current financial year", "2026-27"),
        ("last year", "2025-26"),
        ("next financial year", "2027-28"),
        ("no year here", None),
    ],
)
def test_financial_years_with_today_passed_in(text, year):
    assert parse_financial_year(text, TODAY) == year


def test_this_year_is_counted_from_the_date_passed_not_the_clock():
    assert parse_financial_year("this year", date(2026, 3, 31)) == "2025-26"
    assert parse_financial_year("this year", date(2026, 4, 1)) == "2026-27"


@given(st.integers(min_value=0, max_value=10**13))
def test_an_amount_with_indian_grouping_reads_back_the_same(value):
    assert parse_amount(format_inr(value)) == value
    assert parse_amount(format_inr(value, symbol=False)) == value


@given(st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=99))
def test_an_amount_with_paise_reads_back_the_same(rupees, paise):
    value = Decimal(rupees) + Decimal(paise) / 100
    assert parse_amount(format_inr(value, decimals=2)) == value


@given(st.integers(min_value=100_000, max_value=10**12))
def test_the_lakh_and_crore_short_form_reads_back_to_its_rounded_value(value):
    text = format_inr_words(value)  # "₹1.23 crore": rounded to two places of the unit
    unit = Decimal(10_000_000) if text.endswith("crore") else Decimal(100_000)
    assert abs(parse_amount(text) - value) <= unit / 200
