"""Loan EMI with its amortisation schedule, as a `Calculation`.

    emi_schedule(Decimal(5_000_000), Decimal("8.5"), 240)

The table is month by month (instalment, interest, principal, balance); the
chart is the yearly summary (principal and interest paid in each year of the
loan), readable on a phone. Amounts are exact internally and shown to the rupee.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from finucity.finance import rules
from finucity.finance.calculators import emi
from finucity.finance.result import HUNDRED, Calculation, Chart, Series, Step, Table, number, pct, rupees

ZERO = Decimal(0)
MAX_MONTHS = 600  # 50 years: longer than any Indian lender offers


@dataclasses.dataclass(frozen=True)
class Instalment:
    month: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal


def amortisation(principal: Decimal, annual_rate_pct: Decimal, months: int) -> list[Instalment]:
    """Every instalment of a reducing-balance loan, exact; the last clears the balance."""
    payment = emi(principal, annual_rate_pct, months)
    rate = annual_rate_pct / HUNDRED / 12
    balance, rows = principal, []
    for month in range(1, months + 1):
        interest = balance * rate
        repaid = balance if month == months else payment - interest
        balance -= repaid
        rows.append(Instalment(month, interest + repaid, interest, repaid, balance))
    return rows


def yearly_summary(rows: list[Instalment]) -> list[tuple[int, Decimal, Decimal, Decimal]]:
    """(year of the loan, principal paid, interest paid, balance at the year's end)."""
    years: list[tuple[int, Decimal, Decimal, Decimal]] = []
    for start in range(0, len(rows), 12):
        block = rows[start : start + 12]
        principal = sum((r.principal for r in block), ZERO)
        interest = sum((r.interest for r in block), ZERO)
        years.append((start // 12 + 1, principal, interest, block[-1].balance))
    return years


def emi_schedule(principal: Decimal, annual_rate_pct: Decimal, months: int) -> Calculation:
    """EMI, total interest and the schedule of a loan of `principal` at `annual_rate_pct` for `months`."""
    principal, annual_rate_pct = number(principal, "The loan amount"), number(annual_rate_pct, "The interest rate")
    if principal <= 0:
        raise ValueError("the loan amount must be positive")
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"the tenure must be 1 to {MAX_MONTHS} months")
    if annual_rate_pct < 0:
        raise ValueError("the interest rate cannot be negative")
    rows = amortisation(principal, annual_rate_pct, months)
    payment = emi(principal, annual_rate_pct, months)
    total = sum((r.payment for r in rows), ZERO)
    interest = total - principal
    rule = rules.rule_set("formulas")
    years = yearly_summary(rows)
    tenure = f"{months // 12} years" + (f" {months % 12} months" if months % 12 else "")
    return Calculation(
        kind="emi",
        title="Loan EMI",
        inputs={"Loan amount": principal, "Interest rate": f"{pct(annual_rate_pct)} a year", "Tenure": tenure},
        figures={
            "Monthly EMI": rupees(payment),
            "Total interest": rupees(interest),
            "Total payment": rupees(total),
            "Loan amount": principal,
        },
        steps=(
            Step("Loan amount", principal),
            Step(
                "Monthly rate",
                None,
                f"{pct(annual_rate_pct)} / 12 = {pct((annual_rate_pct / 12).quantize(Decimal('0.0001')))}",
            ),
            Step(f"{months} monthly instalments", None),
            Step("Monthly EMI", rupees(payment), rule["emi"]),
            Step("Total of all instalments", rupees(total), f"EMI x {months}"),
            Step("Total interest", rupees(interest), "Total paid less the loan amount"),
        ),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        table=Table(
            "Repayment schedule",
            ("Month", "EMI", "Interest", "Principal", "Balance"),
            tuple(
                (r.month, rupees(r.payment), rupees(r.interest), rupees(r.principal), rupees(r.balance)) for r in rows
            ),
        ),
        chart=Chart(
            "Principal and interest paid each year",
            "bar",
            "Year",
            tuple(f"Year {y}" for y, *_ in years),
            (
                Series("Principal", tuple(rupees(p) for _, p, _, _ in years)),
                Series("Interest", tuple(rupees(i) for _, _, i, _ in years)),
                Series("Balance", tuple(rupees(b) for *_, b in years)),
            ),
        ),
    )
