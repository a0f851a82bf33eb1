"""Income tax of individuals, FY 2025-26 and tax year 2026-27, against worked figures.

Each case's expected tax is worked by hand in its comment from the published
slabs (Finance Act, 2025, First Schedule; the Budget 2025-26 speech's annex
table of tax at 12, 16, 20, 24 and 50 lakh), never from the code. Slab tax at
the new regime's edges: 8L 20,000; 12L 60,000; 16L 1,20,000; 20L 2,00,000;
24L 3,00,000; then 30%. Old regime (below 60): 5L 12,500; 10L 1,12,500; then 30%.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from finucity.finance.income_tax import compare_regimes, income_tax

L = 100_000

# (regime, fields, expected tax payable with 4% cess, where the figure comes from)
CASES = [
    # --- New regime: the rebate and its marginal relief (section 87A) ---
    (
        "new",
        {"salary": 1_275_000},
        0,
        "Budget 2025 speech: no tax on salary up to 12.75L (75k std deduction + 12L rebate)",
    ),
    ("new", {"other_income": 12 * L}, 0, "12L non-salary: slab 60,000, rebate 60,000 -> 0"),
    (
        "new",
        {"other_income": 1_210_000},
        10_400,
        "Issue 12: slab 61,500 > income over 12L (10,000): tax 10,000 + cess 400",
    ),
    (
        "new",
        {"other_income": 1_270_000},
        72_800,
        "slab 60,000+10,500=70,500; relief to 70,000 over 12L; x1.04 = 72,800",
    ),
    ("new", {"other_income": 1_280_000}, 74_880, "slab 72,000 < 80,000 over 12L: no relief; 72,000 x 1.04"),
    ("new", {"other_income": 4 * L}, 0, "basic exemption 4L"),
    ("new", {"other_income": 8 * L}, 0, "slab 20,000, rebated in full"),
    ("new", {"salary": 50_000}, 0, "standard deduction is capped at the salary"),
    ("new", {"salary": 18 * L}, 150_800, "taxable 17.25L: 1,20,000 + 20% of 1.25L = 1,45,000; x1.04"),
    ("new", {"other_income": 16 * L}, 124_800, "Budget 2025 annex: tax on 16L = 1,20,000; x1.04"),
    ("new", {"other_income": 20 * L}, 208_000, "Budget 2025 annex: tax on 20L = 2,00,000; x1.04"),
    ("new", {"other_income": 24 * L}, 312_000, "Budget 2025 annex: tax on 24L = 3,00,000; x1.04"),
    ("new", {"other_income": 14 * L, "age": 85}, 93_600, "new regime ignores age: 60,000 + 15% of 2L = 90,000; x1.04"),
    ("new", {"salary": 15 * L, "section_80c": 150_000}, 97_500, "80C ignored: taxable 14.25L: 60,000+33,750; x1.04"),
    # --- Surcharge thresholds with marginal relief ---
    (
        "new",
        {"other_income": 50 * L},
        1_123_200,
        "Budget 2025 annex: tax on 50L = 10,80,000; no surcharge at exactly 50L; x1.04",
    ),
    (
        "new",
        {"other_income": 5_010_000},
        1_133_600,
        "slab 10,83,000; 10% surcharge 1,08,300 capped by relief: 10,80,000 + 10,000 = 10,90,000; x1.04",
    ),
    ("new", {"other_income": 60 * L}, 1_578_720, "slab 13,80,000 + 10% = 15,18,000 (relief not binding); x1.04"),
    ("new", {"other_income": 100 * L}, 2_951_520, "1 crore: slab 25,80,000 + 10% = 28,38,000; x1.04"),
    (
        "new",
        {"other_income": 101 * L},
        3_055_520,
        "slab 26,10,000; 15% would give 30,01,500; relief: 28,38,000 + 1,00,000 = 29,38,000; x1.04",
    ),
    ("new", {"other_income": 200 * L}, 6_673_680, "2 crore: slab 55,80,000 + 15% = 64,17,000; x1.04"),
    (
        "new",
        {"other_income": 201 * L},
        6_777_680,
        "slab 56,10,000; 25% gives 70,12,500; relief: 64,17,000 + 1,00,000 = 65,17,000; x1.04",
    ),
    ("new", {"other_income": 600 * L}, 22_854_000, "6 crore: slab 1,75,80,000 + surcharge capped at 25%; x1.04"),
    ("old", {"other_income": 600 * L}, 25_379_250, "old regime 6 crore: slab 1,78,12,500 + 37% = 2,44,03,125; x1.04"),
    (
        "old",
        {"other_income": 5_100_000},
        1_469_000,
        "old: slab 13,42,500; relief: tax at 50L 13,12,500 + 1,00,000 = 14,12,500; x1.04",
    ),
    (
        "old",
        {"other_income": 501 * L},
        19_360_250,
        "old: slab 1,48,42,500; 37% capped by relief: 1,48,12,500 x 1.25 + 1,00,000 = 1,86,15,625; x1.04",
    ),
    # --- Old regime slabs and the 12,500 rebate ---
    ("old", {"other_income": 5 * L}, 0, "slab 12,500, rebated under 87A (income up to 5L)"),
    ("old", {"other_income": 510_000}, 15_080, "no marginal relief in the old regime: 12,500 + 2,000; x1.04"),
    ("old", {"other_income": 7 * L}, 54_600, "12,500 + 20% of 2L = 52,500; x1.04"),
    ("old", {"salary": 10 * L}, 106_600, "taxable 9.5L: 12,500 + 90,000 = 1,02,500; x1.04"),
    ("old", {"other_income": 12 * L}, 179_400, "1,12,500 + 30% of 2L = 1,72,500; x1.04"),
    # --- Age bands of the old regime ---
    ("old", {"other_income": 3 * L, "age": 65}, 0, "senior citizen: nil up to 3L"),
    ("old", {"other_income": 7 * L, "age": 65}, 52_000, "senior: 5% of 2L = 10,000 + 20% of 2L = 40,000; x1.04"),
    ("old", {"other_income": 12 * L, "age": 60}, 176_800, "senior at 60: 10,000 + 1,00,000 + 60,000; x1.04"),
    ("old", {"other_income": 5 * L, "age": 82}, 0, "super senior: nil up to 5L"),
    ("old", {"other_income": 7 * L, "age": 82}, 41_600, "super senior: 20% of 2L = 40,000; x1.04"),
    ("old", {"other_income": 12 * L, "age": 80}, 166_400, "super senior at 80: 1,00,000 + 60,000; x1.04"),
    # --- Chapter VI-A deductions and their caps ---
    ("old", {"salary": 10 * L, "section_80c": 150_000}, 75_400, "Issue 12: taxable 8L: 12,500 + 60,000; x1.04"),
    ("old", {"salary": 10 * L, "section_80c": 200_000}, 75_400, "80C capped at 1.5L: same as above"),
    (
        "old",
        {
            "other_income": 10 * L,
            "health_insurance_self": 30_000,
            "health_insurance_parents": 60_000,
            "parents_age": 65,
        },
        101_400,
        "80D: 25,000 (self, below 60) + 50,000 (senior parents); taxable 9.25L: 12,500 + 85,000; x1.04",
    ),
    (
        "old",
        {"other_income": 10 * L, "age": 62, "health_insurance_self": 60_000},
        104_000,
        "80D senior self capped at 50,000; taxable 9.5L, senior slabs: 10,000 + 90,000; x1.04",
    ),
    (
        "old",
        {"salary": 15 * L, "section_80c": 150_000, "section_80ccd_1b": 60_000, "home_loan_interest": 200_000},
        132_600,
        "15L - 50k - 1.5L - 50k (80CCD(1B) cap) - 2L = 10.5L: 1,12,500 + 15,000; x1.04",
    ),
    ("old", {"salary": 12 * L, "home_loan_interest": 300_000}, 106_600, "24(b) capped at 2L: taxable 9.5L as above"),
    # --- Tax year 2026-27: the Budget of February 2026 kept the slabs ---
    ("new", {"other_income": 1_210_000, "year": "2026-27"}, 10_400, "same rules as FY 2025-26 (Finance Act, 2026)"),
    ("new", {"salary": 18 * L, "year": "2026-27"}, 150_800, "same as FY 2025-26"),
    ("old", {"salary": 10 * L, "section_80c": 150_000, "year": "2026-27"}, 75_400, "same as FY 2025-26"),
    ("old", {"other_income": 7 * L, "age": 82, "year": "2026-27"}, 41_600, "same as FY 2025-26"),
]


@pytest.mark.parametrize(("regime", "fields", "expected", "source"), CASES, ids=[c[3][:50] for c in CASES])
def test_tax_payable_matches_the_worked_figure(regime, fields, expected, source):
    fields = {k: Decimal(v) if isinstance(v, int) and k not in ("age", "parents_age") else v for k, v in fields.items()}

    result = income_tax(regime, **fields)

    assert result.figure("Tax payable") == expected, source


def test_the_working_shows_the_rebate_relief_and_cess():
    result = income_tax("new", other_income=Decimal(1_210_000))

    steps = {s.label: s.amount for s in result.steps}
    assert steps["Tax on slabs"] == 61_500
    assert steps["Less: Rebate"] == -51_500
    assert steps["Health and education cess at 4%"] == 400
    assert result.rule_set == "Income tax, FY 2025-26"
    assert any("section 87A" in s.note for s in result.steps)


def test_tax_year_2026_27_names_the_sections_of_the_income_tax_act_2025():
    new = income_tax("new", other_income=Decimal(1_000_000), year="2026-27")
    old = income_tax(
        "old",
        salary=Decimal(1_000_000),
        section_80c=Decimal(150_000),
        health_insurance_self=Decimal(10_000),
        year="2026-27",
    )

    notes = " ".join(s.note for s in (*new.steps, *old.steps))
    # Rebate: section 156 (was 87A); 1.5 lakh deduction: 123 (was 80C); health insurance: 126 (was 80D);
    # standard deduction: 19 (was 16(ia)); new regime: 202 (was 115BAC).
    for section in ("section 156", "section 123", "section 126", "section 19"):
        assert section in notes
    assert "87A" not in notes and "80C" not in notes
    assert "section 202" in new.title
    assert new.rule_date.isoformat() == "2026-04-01"


def test_the_surcharge_relief_is_shown_as_its_own_step():
    result = income_tax("new", other_income=Decimal(5_010_000))

    steps = {s.label: s.amount for s in result.steps}
    assert steps["Surcharge at 10%"] == Decimal(108_300)
    assert steps["Less: Marginal relief on surcharge"] == Decimal(-101_300)


def test_the_new_regime_says_which_deductions_it_left_out():
    result = income_tax("new", salary=Decimal(1_500_000), section_80c=Decimal(150_000))

    assert any("does not allow deductions" in note for note in result.notes)


def test_comparing_the_regimes_with_home_loan_interest():
    # New: taxable 9.25L, rebated to 0. Old: 10L - 50k - 2L (24(b) cap) - 1.5L = 6L:
    # 12,500 + 20,000 = 32,500; x1.04 = 33,800.
    result = compare_regimes(
        salary=Decimal(1_000_000), section_80c=Decimal(150_000), home_loan_interest=Decimal(250_000), year="2026-27"
    )

    assert result.figure("Tax under the new regime") == 0
    assert result.figure("Tax under the old regime") == 33_800
    assert result.figure("Difference") == 33_800
    assert "new regime costs ₹33,800 less" in result.notes[0]
    assert result.chart is not None and result.chart.records()[1]["Tax payable"] == 33_800.0


def test_comparing_the_regimes_with_every_deduction():
    # New: taxable 19.25L: 1,20,000 + 65,000 = 1,85,000; x1.04 = 1,92,400.
    # Old: 20L - 50k - 2L - 1.5L - 50k - 25k = 15.25L: 1,12,500 + 1,57,500 = 2,70,000; x1.04 = 2,80,800.
    result = compare_regimes(
        salary=Decimal(2_000_000),
        section_80c=Decimal(150_000),
        section_80ccd_1b=Decimal(50_000),
        health_insurance_self=Decimal(25_000),
        home_loan_interest=Decimal(200_000),
    )

    assert result.figure("Tax under the new regime") == 192_400
    assert result.figure("Tax under the old regime") == 280_800
    assert result.table is not None and result.table.rows[-1] == ("Tax payable", 192_400, 280_800)


def test_an_unknown_year_or_regime_is_refused():
    with pytest.raises(Exception, match="2019-20"):
        income_tax("new", other_income=Decimal(1), year="2019-20")
    with pytest.raises(ValueError):
        income_tax("middle", other_income=Decimal(1))
    with pytest.raises(ValueError):
        income_tax("new", other_income=Decimal(-1))


def test_the_result_serialises_with_indian_grouping():
    data = income_tax("new", salary=Decimal(1_800_000)).to_dict()

    assert data["figures"][0] == {"label": "Tax payable", "amount": "150800", "text": "₹1,50,800"}
    assert data["inputs"]["Salary"] == "₹18,00,000"
    assert data["rule_date_text"] == "1 April 2025"
