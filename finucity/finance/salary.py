"""Salary calculators: HRA exemption and gratuity, as `Calculation`s.

    hra_exemption(basic_da=Decimal(600_000), hra_received=Decimal(240_000),
                  rent_paid=Decimal(300_000), city="Pune", year="2026-27")
    gratuity(Decimal(50_000), years=10, months=7)

Amounts for HRA are for the year (or the part of it the rent was paid); the
metro cities come from the rule set of the year (`rules/hra_*.toml`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finucity.finance import rules
from finucity.finance.dates import india_now
from finucity.finance.money import as_decimal, format_inr
from finucity.finance.result import HUNDRED, Calculation, Step, number, pct, rupees

ZERO = Decimal(0)


def _year_start(year: str) -> date:
    """ "2026-27" -> 1 April 2026."""
    return date(int(year[:4]), 4, 1)


def is_metro(city: str, year: str = "2025-26") -> bool:
    """Whether HRA in `city` is exempt up to 50% of salary in `year`."""
    rule = rules.in_force("hra", _year_start(year))
    return city.strip().lower() in rule["metro_cities"]


def hra_exemption(
    *, basic_da: Decimal, hra_received: Decimal, rent_paid: Decimal, city: str, year: str = "2025-26"
) -> Calculation:
    """The exempt part of HRA: the least of HRA received, rent less 10% of salary, and 50%/40% of salary."""
    basic_da, hra_received = number(basic_da, "Basic pay + DA"), number(hra_received, "HRA received")
    rent_paid = number(rent_paid, "Rent paid")
    if min(basic_da, hra_received, rent_paid) < 0:
        raise ValueError("amounts cannot be negative")
    rule = rules.in_force("hra", _year_start(year))
    metro = city.strip().lower() in rule["metro_cities"]
    share = as_decimal(rule["metro_share"] if metro else rule["other_share"])
    excess_share = as_decimal(rule["rent_excess_over_salary_share"])
    rent_less = max(ZERO, rent_paid - basic_da * excess_share / HUNDRED)
    salary_share = basic_da * share / HUNDRED
    exempt = min(hra_received, rent_less, salary_share)
    which = {
        hra_received: "the HRA received",
        rent_less: "rent less 10% of salary",
        salary_share: "the share of salary",
    }
    place = f"{city.strip().title()}, {'a metro' if metro else 'not a metro'} city"
    return Calculation(
        kind="hra",
        title="HRA exemption",
        inputs={
            "Basic pay + DA": basic_da,
            "HRA received": hra_received,
            "Rent paid": rent_paid,
            "City": place,
            "Year": year,
        },
        figures={"Exempt HRA": rupees(exempt), "Taxable HRA": rupees(hra_received - exempt)},
        steps=(
            Step("1. HRA received", hra_received),
            Step(
                f"2. Rent paid less {pct(excess_share)} of salary",
                rupees(rent_less),
                f"{format_inr(rent_paid)} - {format_inr(basic_da * excess_share / HUNDRED)}",
            ),
            Step(f"3. {pct(share)} of salary", rupees(salary_share), place),
            Step("Exempt HRA: the least of the three", rupees(exempt), f"Here {which[exempt]}"),
            Step("Taxable HRA", rupees(hra_received - exempt), "Added to salary"),
        ),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        notes=("HRA is exempt only under the old regime; the new regime taxes all of it.",),
    )


def gratuity(last_monthly_salary: Decimal, *, years: int, months: int = 0, covered: bool = True) -> Calculation:
    """Gratuity on leaving after `years` years and `months` months.

    `last_monthly_salary` is basic pay + DA: the last drawn if `covered` by the
    Payment of Gratuity Act, the average of the last 10 months otherwise.
    """
    last_monthly_salary = number(last_monthly_salary, "The monthly salary")
    if last_monthly_salary < 0 or years < 0 or not 0 <= months < 12:
        raise ValueError("salary and service must be positive; months 0 to 11")
    rule = rules.in_force("gratuity", india_now().date())
    ceiling = as_decimal(rule["ceiling"])
    if covered:
        counted = years + (1 if months > 6 else 0)
        days, month_days = as_decimal(rule["covered_days"]), as_decimal(rule["covered_month_days"])
        service_note = "Completed years, a final part over six months counting as a year"
    else:
        counted = years
        days, month_days = as_decimal(rule["not_covered_days"]), as_decimal(rule["not_covered_month_days"])
        service_note = "Completed years only"
    notes: list[str] = []
    eligible = years >= int(rule["minimum_years"])
    formula = last_monthly_salary * days / month_days * counted
    if not eligible:
        notes.append(
            f"Gratuity is due after {rule['minimum_years']} years of continuous service "
            "(sooner only on death or disablement)."
        )
        formula = ZERO
    amount = min(formula, ceiling)
    steps = [
        Step(
            "Monthly salary (basic + DA)",
            last_monthly_salary,
            "Last drawn" if covered else "Average of the last 10 months",
        ),
        Step(f"Years counted: {counted}", None, f"{years} years {months} months: {service_note.lower()}"),
        Step(f"Gratuity: salary x {days} / {month_days} x years", rupees(formula)),
    ]
    if formula > ceiling:
        steps.append(
            Step(
                "Capped at the ceiling",
                ceiling,
                "Payment of Gratuity Act, section 4(3)" if covered else "Tax-exempt limit",
            )
        )
    steps.append(Step("Tax-exempt gratuity", rupees(amount), f"Up to {format_inr(ceiling)}"))
    return Calculation(
        kind="gratuity",
        title="Gratuity" + ("" if covered else " (employer not covered by the Act)"),
        inputs={
            "Monthly salary (basic + DA)": last_monthly_salary,
            "Service": f"{years} years {months} months",
            "Covered by the Gratuity Act": "Yes" if covered else "No",
        },
        figures={"Gratuity": rupees(amount)},
        steps=tuple(steps),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        notes=tuple(notes),
    )
