"""Capital gains on one sale, against figures worked by hand from the Act.

Rates: Finance (No. 2) Act, 2024 (CBDT FAQs on the capital gains changes of
23 July 2024): STCG on listed equity 20% (was 15%), LTCG 12.5% over 1.25 lakh
(was 10% over 1 lakh), property 12.5% without indexation, or for a resident
individual's property bought before 23 July 2024 the lower of that and 20% with
indexation. CII: 2010-11 167, 2015-16 254, 2020-21 301, 2024-25 363, 2025-26 376
(CBDT notifications). Every tax below includes the 4% cess.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from finucity.finance.capital_gains import add_months, capital_gains, is_long_term

L = 100_000

# (asset, bought, sold, cost, sale price, extra fields, expected tax payable, worked figure)
CASES = [
    (
        "listed_equity",
        date(2023, 5, 1),
        date(2025, 6, 1),
        3 * L,
        5 * L,
        {},
        9_750,
        "LTCG 2L - 1.25L = 75,000 x 12.5% = 9,375; x1.04",
    ),
    ("listed_equity", date(2023, 5, 1), date(2025, 6, 1), 3 * L, 425_000, {}, 0, "LTCG exactly 1.25L: all exempt"),
    (
        "listed_equity",
        date(2023, 5, 1),
        date(2025, 6, 1),
        3 * L,
        425_100,
        {},
        13,
        "100 over the exemption: 12.50; x1.04 = 13",
    ),
    (
        "equity_fund",
        date(2023, 5, 1),
        date(2025, 6, 1),
        1 * L,
        2 * L,
        {"exemption_used": Decimal(1 * L)},
        9_750,
        "1L of the 1.25L already used: 75,000 taxable x 12.5%; x1.04",
    ),
    ("listed_equity", date(2025, 1, 10), date(2025, 6, 1), 2 * L, 3 * L, {}, 20_800, "STCG 1L x 20% = 20,000; x1.04"),
    (
        "listed_equity",
        date(2023, 10, 1),
        date(2024, 7, 22),
        2 * L,
        3 * L,
        {},
        15_600,
        "before 23 July 2024: STCG 15%; x1.04",
    ),
    (
        "listed_equity",
        date(2023, 1, 1),
        date(2024, 7, 1),
        3 * L,
        5 * L,
        {},
        7_800,
        "FY 2024-25 before 23 July: 10% over 1.25L (exemption raised for the whole year): 7,500; x1.04",
    ),
    (
        "listed_equity",
        date(2022, 1, 1),
        date(2024, 2, 1),
        3 * L,
        5 * L,
        {},
        10_400,
        "FY 2023-24: 10% over 1L = 10,000; x1.04",
    ),
    (
        "listed_equity",
        date(2024, 1, 15),
        date(2025, 1, 15),
        1 * L,
        150_000,
        {},
        10_400,
        "held exactly 12 months is not 'more than 12': STCG 50,000 x 20%; x1.04",
    ),
    (
        "listed_equity",
        date(2024, 1, 15),
        date(2025, 1, 16),
        1 * L,
        150_000,
        {},
        0,
        "held 12 months and a day: LTCG within 1.25L",
    ),
    ("listed_equity", date(2024, 1, 15), date(2025, 6, 1), 3 * L, 250_000, {}, 0, "a loss pays no tax"),
    (
        "property",
        date(2010, 6, 1),
        date(2025, 6, 1),
        20 * L,
        80 * L,
        {},
        727_377,
        "12.5% flat = 7,50,000; indexed cost 20L x 376/167 = 45,02,994; 20% of 34,97,006 = 6,99,401.20 is lower; x1.04",
    ),
    (
        "property",
        date(2020, 5, 1),
        date(2025, 6, 1),
        50 * L,
        60 * L,
        {},
        0,
        "indexed cost 50L x 376/301 = 62,45,847 > sale: no indexed gain, so nil is the lower tax",
    ),
    (
        "property",
        date(2024, 8, 1),
        date(2026, 9, 1),
        50 * L,
        70 * L,
        {},
        260_000,
        "bought after 23 July 2024: 12.5% of 20L, no choice; x1.04",
    ),
    (
        "property",
        date(2024, 1, 1),
        date(2025, 6, 1),
        50 * L,
        60 * L,
        {"slab_rate": Decimal(30)},
        312_000,
        "held 17 months: short-term at the 30% slab; x1.04",
    ),
    (
        "property",
        date(2015, 6, 1),
        date(2024, 5, 1),
        40 * L,
        100 * L,
        {},
        890_961,
        "before 23 July 2024: 20% with indexation: 40L x 363/254 = 57,16,535; 20% of 42,83,465 = 8,56,693; x1.04",
    ),
    (
        "property",
        date(2015, 6, 1),
        date(2026, 6, 1),
        40 * L,
        100 * L,
        {},
        780_000,
        "FY 2026-27 CII not notified in the data: 12.5% of 60L = 7,50,000; x1.04",
    ),
    (
        "property",
        date(2010, 6, 1),
        date(2025, 6, 1),
        20 * L,
        80 * L,
        {"resident_individual": False},
        780_000,
        "a non-resident has no indexation choice: 12.5% of 60L; x1.04",
    ),
    (
        "debt_fund",
        date(2023, 6, 1),
        date(2025, 6, 1),
        1 * L,
        120_000,
        {"slab_rate": Decimal(20)},
        4_160,
        "bought after 1 April 2023: slab rate however long held; 20% of 20,000; x1.04",
    ),
    (
        "debt_fund",
        date(2022, 1, 1),
        date(2025, 3, 1),
        4 * L,
        5 * L,
        {},
        13_000,
        "bought before April 2023, held > 24 months: 12.5%; x1.04",
    ),
]


@pytest.mark.parametrize(
    ("asset", "bought", "sold", "cost", "sale", "extra", "expected", "source"), CASES, ids=[c[7][:40] for c in CASES]
)
def test_tax_on_the_gain_matches_the_worked_figure(asset, bought, sold, cost, sale, extra, expected, source):
    result = capital_gains(asset, bought=bought, sold=sold, cost=Decimal(cost), sale_price=Decimal(sale), **extra)

    assert result.figure("Tax payable") == expected, source


def test_the_grandfathered_choice_shows_both_options():
    result = capital_gains(
        "property",
        bought=date(2010, 6, 1),
        sold=date(2025, 6, 1),
        cost=Decimal(2_000_000),
        sale_price=Decimal(8_000_000),
    )

    steps = {s.label: s.amount for s in result.steps}
    assert steps["Option 1: 12.5% without indexation"] == 750_000
    assert steps["Indexed cost of acquisition"] == 4_502_994
    assert steps["Option 2: 20% with indexation"] == 699_401
    assert result.figure("Taxable gain") == 3_497_006
    assert result.rule_set == "Capital gains, transfers from 23 July 2024"


def test_from_april_2026_the_sections_are_those_of_the_2025_act():
    result = capital_gains(
        "listed_equity",
        bought=date(2025, 1, 1),
        sold=date(2026, 6, 1),
        cost=Decimal(100_000),
        sale_price=Decimal(400_000),
    )

    # Section 198 of the Income-tax Act, 2025 replaces section 112A.
    assert any("section 198" in s.label or "section 198" in s.note for s in result.steps)
    # 3L gain - 1.25L exempt = 1.75L x 12.5% = 21,875; x1.04 = 22,750.
    assert result.figure("Tax payable") == 22_750


def test_a_slab_rate_gain_without_the_rate_gives_the_gain_and_asks_for_it():
    result = capital_gains(
        "debt_fund", bought=date(2023, 6, 1), sold=date(2025, 6, 1), cost=Decimal(100_000), sale_price=Decimal(120_000)
    )

    assert "Tax payable" not in result.figures
    assert result.headline == ("Capital gain", Decimal(20_000))
    assert any("slab rate" in note for note in result.notes)


def test_holding_periods_count_calendar_months():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert not is_long_term(date(2023, 2, 28), date(2024, 2, 28), 12)
    assert is_long_term(date(2023, 2, 28), date(2024, 2, 29), 12)


def test_impossible_sales_are_refused():
    with pytest.raises(ValueError):
        capital_gains("gold", bought=date(2020, 1, 1), sold=date(2025, 1, 1), cost=Decimal(1), sale_price=Decimal(2))
    with pytest.raises(ValueError):
        capital_gains(
            "property", bought=date(2025, 1, 1), sold=date(2020, 1, 1), cost=Decimal(1), sale_price=Decimal(2)
        )
