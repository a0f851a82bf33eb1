"""Income tax of a resident individual, as a `Calculation` with its working.

    income_tax(salary=Decimal(1_800_000), regime="new", year="2025-26")
    compare_regimes(salary=Decimal(1_000_000), section_80c=Decimal(150_000))

Salary gets the standard deduction; other income (interest, rent after its
deductions, business profit) does not. Under the old regime the chapter VI-A
deductions and home-loan interest are allowed within their caps; under the new
regime they are not. The section names follow the Act in force in the year:
the Income-tax Act, 1961 for FY 2025-26 and the Income-tax Act, 2025 from
tax year 2026-27.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from finucity.finance.money import format_inr
from finucity.finance.result import Calculation, Chart, Series, Step, Table, number, pct, rupees
from finucity.finance.tax_rules import (
    SENIOR,
    SUPER_SENIOR,
    ZERO,
    TaxOnIncome,
    YearRules,
    age_band,
    tax_on_income,
    year_rules,
)

_BAND_LABELS = {"below_60": "Below 60", SENIOR: "Senior citizen (60 to 79)", SUPER_SENIOR: "Super senior citizen (80+)"}


@dataclasses.dataclass(frozen=True)
class TaxCase:
    """What a person earned and claims in a year. Amounts in rupees for the whole year."""

    salary: Decimal = ZERO
    other_income: Decimal = ZERO
    age: int = 30
    section_80c: Decimal = ZERO
    section_80ccd_1b: Decimal = ZERO
    health_insurance_self: Decimal = ZERO
    health_insurance_parents: Decimal = ZERO
    parents_age: int | None = None
    home_loan_interest: Decimal = ZERO  # self-occupied home
    year: str = "2025-26"

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            if field.name in ("age", "parents_age", "year"):
                continue
            label = field.name.replace("_", " ").capitalize()
            value = number(getattr(self, field.name), label)
            if value < 0:
                raise ValueError(f"{label} cannot be negative")
            object.__setattr__(self, field.name, value)
        if not 0 <= self.age <= 130 or (self.parents_age is not None and not 0 <= self.parents_age <= 130):
            raise ValueError("age must be 0 to 130")

    @property
    def claims(self) -> bool:
        return any(
            (
                self.section_80c,
                self.section_80ccd_1b,
                self.health_insurance_self,
                self.health_insurance_parents,
                self.home_loan_interest,
            )
        )


@dataclasses.dataclass(frozen=True)
class _Worked:
    steps: tuple[Step, ...]
    gross: Decimal
    taxable: Decimal
    tax: TaxOnIncome
    notes: tuple[str, ...]

    @property
    def payable(self) -> Decimal:
        return rupees(self.tax.total)


def _deductions(case: TaxCase, rules: YearRules) -> tuple[list[Step], Decimal]:
    """The old regime's deductions, each within its cap."""
    s, caps = rules.sections, rules.caps
    senior_self = case.age >= 60
    senior_parents = case.parents_age is not None and case.parents_age >= 60
    rows = [
        (
            "Home-loan interest, self-occupied home",
            case.home_loan_interest,
            caps["home_loan_interest"],
            s["home_loan_interest"],
        ),
        ("Investments (PF, PPF, ELSS, life cover...)", case.section_80c, caps["section_80c"], s["section_80c"]),
        (
            "Own NPS contribution",
            case.section_80ccd_1b,
            caps["section_80ccd_1b"],
            f"{s['section_80ccd_1b']} (80CCD(1B) limit)",
        ),
        (
            "Health insurance, self and family",
            case.health_insurance_self,
            caps["section_80d_self_senior" if senior_self else "section_80d_self"],
            s["section_80d"],
        ),
        (
            "Health insurance, parents",
            case.health_insurance_parents,
            caps["section_80d_parents_senior" if senior_parents else "section_80d_parents"],
            s["section_80d"],
        ),
    ]
    steps, total = [], ZERO
    for label, claimed, cap, section in rows:
        if claimed <= 0:
            continue
        allowed = min(claimed, cap)
        note = f"{section}, up to {format_inr(cap)}"
        if allowed < claimed:
            note += f" ({format_inr(claimed)} claimed)"
        steps.append(Step(f"Less: {label}", -allowed, note))
        total += allowed
    return steps, total


def _work(case: TaxCase, regime_key: str) -> _Worked:
    rules = year_rules(case.year)
    regime = rules.regime(regime_key)
    band = age_band(case.age) if regime_key == "old" else "below_60"
    steps: list[Step] = []
    notes: list[str] = []
    standard = min(case.salary, regime.standard_deduction)
    if case.salary:
        steps.append(Step("Salary", case.salary, "Gross salary after exempt allowances"))
        steps.append(
            Step("Less: Standard deduction", -standard, f"{rules.sections['standard_deduction']}, salary only")
        )
    if case.other_income:
        steps.append(Step("Other income", case.other_income, "No standard deduction on non-salary income"))
    gross = case.salary - standard + case.other_income
    steps.append(Step("Gross total income", gross))
    deducted = ZERO
    if regime_key == "old":
        rows, deducted = _deductions(case, rules)
        steps.extend(rows)
        deducted = min(deducted, gross)
    elif case.claims:
        notes.append(
            "The new regime does not allow deductions for investments, health insurance or home-loan "
            "interest on a self-occupied home; they are left out."
        )
    taxable = gross - deducted
    tax = tax_on_income(taxable, regime, band)
    steps.append(Step("Total (taxable) income", taxable, _BAND_LABELS[band] if regime_key == "old" else ""))
    for line in tax.lines:
        steps.append(Step(line.slab.label, line.tax, f"{format_inr(line.taxed)} taxed in this slab"))
    steps.append(Step("Tax on slabs", tax.slab_tax))
    if tax.rebate:
        section = rules.sections["rebate"]
        if taxable <= regime.rebate_limit:
            limit, most = format_inr(regime.rebate_limit), format_inr(regime.rebate_max)
            note = f"{section}: income up to {limit}, rebate up to {most}"
        else:
            note = f"{section}, marginal relief: tax limited to the income above {format_inr(regime.rebate_limit)}"
        steps.append(Step("Less: Rebate", -tax.rebate, note))
    if tax.surcharge_before_relief:
        steps.append(
            Step(f"Surcharge at {pct(tax.surcharge_rate)}", tax.surcharge_before_relief, rules.sections["surcharge"])
        )
        if tax.marginal_relief:
            steps.append(
                Step(
                    "Less: Marginal relief on surcharge",
                    -tax.marginal_relief,
                    "Extra tax limited to the income above the threshold",
                )
            )
    steps.append(Step(f"Health and education cess at {pct(regime.cess_rate)}", tax.cess, rules.sections["cess"]))
    steps.append(Step("Tax payable", rupees(tax.total), "Rounded to the rupee (the return rounds to the nearest ₹10)"))
    return _Worked(tuple(steps), gross, taxable, tax, tuple(notes))


def _inputs(case: TaxCase, rules: YearRules, regime: str | None) -> dict[str, Decimal | int | str]:
    inputs: dict[str, Decimal | int | str] = {"Year": rules.year_label}
    if regime:
        inputs["Regime"] = "New" if regime == "new" else "Old"
    labels = {
        "salary": "Salary",
        "other_income": "Other income",
        "section_80c": "Investments under 80C",
        "section_80ccd_1b": "Own NPS contribution",
        "health_insurance_self": "Health insurance, self",
        "health_insurance_parents": "Health insurance, parents",
        "home_loan_interest": "Home-loan interest",
    }
    for name, label in labels.items():
        value = getattr(case, name)
        if value or (name == "salary" and not case.other_income):
            inputs[label] = value
    inputs["Age"] = case.age
    if case.parents_age is not None:
        inputs["Parents' age"] = case.parents_age
    return inputs


def income_tax(regime: str = "new", **case_fields) -> Calculation:
    """Tax of a resident individual under `regime` ("new" or "old"); fields as in `TaxCase`."""
    case = TaxCase(**case_fields)
    rules = year_rules(case.year)
    worked = _work(case, regime)
    name = rules.regime(regime).label
    return Calculation(
        kind="income_tax",
        title=f"Income tax, {name[:1].lower()}{name[1:]}, {rules.year_label}",
        inputs=_inputs(case, rules, regime),
        figures={
            "Tax payable": worked.payable,
            "Taxable income": worked.taxable,
            "Cess": rupees(worked.tax.cess),
            "Surcharge": rupees(worked.tax.surcharge),
            "Rebate": rupees(worked.tax.rebate),
        },
        steps=worked.steps,
        rule_set=rules.rule_set.name,
        rule_date=rules.rule_set.effective,
        source=rules.rule_set.source,
        notes=worked.notes,
    )


def compare_regimes(**case_fields) -> Calculation:
    """Tax under both regimes side by side, and which is lower."""
    case = TaxCase(**case_fields)
    rules = year_rules(case.year)
    new, old = _work(case, "new"), _work(case, "old")
    saving = abs(new.payable - old.payable)
    if new.payable == old.payable:
        verdict = "Both regimes cost the same."
    else:
        better = "new" if new.payable < old.payable else "old"
        verdict = f"The {better} regime costs {format_inr(saving)} less."
    rows = (
        ("Taxable income", new.taxable, old.taxable),
        ("Tax on slabs", rupees(new.tax.slab_tax), rupees(old.tax.slab_tax)),
        ("Rebate", rupees(new.tax.rebate), rupees(old.tax.rebate)),
        ("Surcharge", rupees(new.tax.surcharge), rupees(old.tax.surcharge)),
        ("Cess", rupees(new.tax.cess), rupees(old.tax.cess)),
        ("Tax payable", new.payable, old.payable),
    )
    steps = (
        Step("New regime: taxable income", new.taxable),
        Step("New regime: tax payable", new.payable, rules.new.label),
        Step("Old regime: taxable income", old.taxable),
        Step("Old regime: tax payable", old.payable, "With the deductions claimed, within their caps"),
        Step("Difference", saving, verdict),
    )
    return Calculation(
        kind="regime_comparison",
        title=f"New or old regime, {rules.year_label}",
        inputs=_inputs(case, rules, None),
        figures={
            "Tax under the new regime": new.payable,
            "Tax under the old regime": old.payable,
            "Difference": saving,
        },
        steps=steps,
        rule_set=rules.rule_set.name,
        rule_date=rules.rule_set.effective,
        source=rules.rule_set.source,
        notes=(verdict, *new.notes),
        table=Table("Both regimes", ("", "New regime", "Old regime"), rows),
        chart=Chart(
            "Tax payable by regime",
            "bar",
            "Regime",
            ("New regime", "Old regime"),
            (Series("Tax payable", (new.payable, old.payable)),),
        ),
    )
