"""Rupee amounts as Indian readers write them, and read back from what they type."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finucity.finance.money import as_decimal, find_amounts, format_inr, format_inr_words, parse_amount


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "₹0"),
        (999, "₹999"),
        (1000, "₹1,000"),
        (100000, "₹1,00,000"),
        (1234567, "₹12,34,567"),
        (10_000_000, "₹1,00,00,000"),
        (1_000_000_000, "₹1,00,00,00,000"),
        (Decimal("1234567"), "₹12,34,567"),
        (1234567.0, "₹12,34,567"),
    ],
)
def test_amounts_use_indian_digit_grouping(amount, expected):
    assert format_inr(amount) == expected


def test_negative_amounts_put_the_sign_before_the_rupee_symbol():
    assert format_inr(-5000) == "-₹5,000"
    assert format_inr(Decimal("-1234567.891"), decimals=2) == "-₹12,34,567.89"


def test_a_negative_amount_that_rounds_to_zero_has_no_sign():
    assert format_inr(-0.4) == "₹0"


@pytest.mark.parametrize(
    ("amount", "decimals", "expected"),
    [
        (Decimal("0.5"), 0, "₹1"),
        (Decimal("1234567.5"), 0, "₹12,34,568"),
        (Decimal("2.675"), 2, "₹2.68"),
        (2.675, 2, "₹2.68"),  # the float a person typed, not its binary neighbour 2.67499...
        (Decimal("-2.5"), 0, "-₹3"),
        (100000, 2, "₹1,00,000.00"),
    ],
)
def test_rounding_is_half_up(amount, decimals, expected):
    assert format_inr(amount, decimals=decimals) == expected


def test_the_symbol_can_be_left_out():
    assert format_inr(1234567, symbol=False) == "12,34,567"


@pytest.mark.parametrize("bad", ["1000", True, None, float("nan"), float("inf"), Decimal("NaN")])
def test_anything_but_a_finite_number_is_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        format_inr(bad)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (15_000_000, "₹1.5 crore"),
        (250_000, "₹2.5 lakh"),
        (100_000, "₹1 lakh"),
        (5_000_000, "₹50 lakh"),
        (12_345_678, "₹1.23 crore"),
        (9_999_999, "₹1 crore"),  # not "₹100 lakh"
        (12_345_678_900, "₹1,234.57 crore"),
        (99_999, "₹99,999"),  # below a lakh there is no shorter form
        (-250_000, "-₹2.5 lakh"),
    ],
)
def test_the_short_form_speaks_in_lakh_and_crore(amount, expected):
    assert format_inr_words(amount) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50 lakh", 5_000_000),
        ("₹12,34,567", 1_234_567),
        ("1.2 crore", 12_000_000),
        ("Rs 5000", 5000),
        ("Rs.5,000/-", 5000),
        ("rs5000", 5000),
        ("INR 1,500.50", Decimal("1500.50")),
        ("5k", 5000),
        ("10L", 1_000_000),
        ("2 cr", 20_000_000),
        ("3 lacs", 300_000),
        ("15 LPA", 1_500_000),
        ("1,234,567", 1_234_567),
        ("my salary is 18 lakhs a year", 1_800_000),
    ],
)
def test_amounts_are_read_the_way_people_type_them(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "no numbers here", "section 80C", "8.5%", "GSTR3B", "version v2.5"])
def test_text_without_an_amount_gives_none(text):
    assert parse_amount(text) is None


def test_a_sentence_yields_its_amounts_in_order():
    assert find_amounts("EMI for 50 lakh at 8.5% for 20 years") == [Decimal(5_000_000), Decimal(20)]


def test_a_unit_must_be_a_whole_word():
    # "5 lots" is five, not five lakh.
    assert parse_amount("5 lots") == Decimal(5)


def test_figures_from_files_and_questions_become_exact_decimals():
    assert as_decimal(8.5) == Decimal("8.5")
    assert as_decimal(0.1) + as_decimal(0.2) == Decimal("0.3")
    assert as_decimal("12") == Decimal(12)
