"""Savings: SIP and lump-sum future value, and PPF maturity, as `Calculation`s.

    sip(Decimal(10_000), Decimal(12), 15)
    lump_sum(Decimal(100_000), Decimal(10), 10)
    ppf(Decimal(150_000))                 # 15 years at the rate in rules/ppf_*.toml

Returns are assumed steady; real market returns vary. Each result has a
year-by-year table and a chart of money put in against its value.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finucity.finance import rules
from finucity.finance.calculators import sip_future_value
from finucity.finance.dates import india_now
from finucity.finance.money import as_decimal, format_inr
from finucity.finance.result import HUNDRED, Calculation, Chart, Series, Step, Table, number, pct, rupees

ZERO = Decimal(0)


def _growth(title: str, years: list[tuple[int, Decimal, Decimal]]) -> tuple[Table, Chart]:
    """Table and chart of (year, invested so far, value at the year's end)."""
    table = Table(
        title,
        ("Year", "Invested", "Value", "Gain"),
        tuple((y, rupees(i), rupees(v), rupees(v - i)) for y, i, v in years),
    )
    chart = Chart(
        title,
        "area",
        "Year",
        tuple(f"Year {y}" for y, _, _ in years),
        (
            Series("Invested", tuple(rupees(i) for _, i, _ in years)),
            Series("Value", tuple(rupees(v) for *_, v in years)),
        ),
    )
    return table, chart


def _check(amount: Decimal, rate: Decimal, years: int) -> None:
    if amount <= 0:
        raise ValueError("the amount must be positive")
    if rate < 0:
        raise ValueError("the return cannot be negative")
    if not 0 < years <= 100:
        raise ValueError("years must be 1 to 100")


def sip(monthly: Decimal, annual_return_pct: Decimal, years: int) -> Calculation:
    """What `monthly` invested at the start of each month may grow to in `years`."""
    monthly, annual_return_pct = number(monthly, "The monthly amount"), number(annual_return_pct, "The return")
    _check(monthly, annual_return_pct, years)
    rule = rules.rule_set("formulas")
    value = sip_future_value(monthly, annual_return_pct, years * 12)
    invested = monthly * years * 12
    rows = [(y, monthly * 12 * y, sip_future_value(monthly, annual_return_pct, 12 * y)) for y in range(1, years + 1)]
    table, chart = _growth("Growth of the SIP", rows)
    return Calculation(
        kind="sip",
        title="SIP future value",
        inputs={"Monthly SIP": monthly, "Expected return": f"{pct(annual_return_pct)} a year", "Years": years},
        figures={"Future value": rupees(value), "Invested": invested, "Gain": rupees(value - invested)},
        steps=(
            Step("Monthly instalment", monthly),
            Step(f"{years * 12} monthly instalments", None, f"{years} years x 12"),
            Step("Total invested", invested),
            Step("Future value", rupees(value), rule["sip"]),
            Step("Estimated gain", rupees(value - invested)),
        ),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        notes=("Market returns are not steady; this assumes the same return every year.",),
        table=table,
        chart=chart,
    )


def lump_sum(amount: Decimal, annual_return_pct: Decimal, years: int) -> Calculation:
    """What `amount` invested once may grow to in `years`, compounded yearly."""
    amount, annual_return_pct = number(amount, "The amount"), number(annual_return_pct, "The return")
    _check(amount, annual_return_pct, years)
    rule = rules.rule_set("formulas")
    growth = 1 + annual_return_pct / HUNDRED
    value = amount * growth**years
    table, chart = _growth("Growth of the investment", [(y, amount, amount * growth**y) for y in range(1, years + 1)])
    return Calculation(
        kind="lump_sum",
        title="Lump-sum future value",
        inputs={"Amount": amount, "Expected return": f"{pct(annual_return_pct)} a year", "Years": years},
        figures={"Future value": rupees(value), "Invested": amount, "Gain": rupees(value - amount)},
        steps=(
            Step("Amount invested", amount),
            Step("Future value", rupees(value), rule["lump_sum"]),
            Step("Estimated gain", rupees(value - amount)),
        ),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        table=table,
        chart=chart,
    )


def ppf(
    yearly_deposit: Decimal, years: int | None = None, *, rate: Decimal | None = None, on: date | None = None
) -> Calculation:
    """PPF balance after `years` (15 by default) of the same deposit made by 5 April each year."""
    rule = rules.in_force("ppf", on or india_now().date())
    yearly_deposit = number(yearly_deposit, "The yearly deposit")
    low, high = as_decimal(rule["minimum_deposit"]), as_decimal(rule["maximum_deposit"])
    if not low <= yearly_deposit <= high:
        raise ValueError(f"a PPF deposit must be between {format_inr(low)} and {format_inr(high)} a year")
    term, block = int(rule["term_years"]), int(rule["extension_years"])
    years = term if years is None else years
    if years < term or (years - term) % block:
        raise ValueError(f"a PPF account runs {term} years, extendable in blocks of {block}")
    rate = as_decimal(rule["rate"]) if rate is None else number(rate, "The interest rate")
    balance, interest_total, rows, growth = ZERO, ZERO, [], []
    for year in range(1, years + 1):
        interest = (balance + yearly_deposit) * rate / HUNDRED
        balance += yearly_deposit + interest
        interest_total += interest
        rows.append((year, rupees(yearly_deposit), rupees(interest), rupees(balance)))
        growth.append((year, yearly_deposit * year, balance))
    deposited = yearly_deposit * years
    _, chart = _growth("PPF balance", growth)
    return Calculation(
        kind="ppf",
        title="PPF maturity",
        inputs={"Yearly deposit": yearly_deposit, "Years": years, "Interest rate": f"{pct(rate)} a year"},
        figures={
            "Maturity value": rupees(balance),
            "Deposited": deposited,
            "Interest earned": rupees(balance - deposited),
        },
        steps=(
            Step("Deposit each year, by 5 April", yearly_deposit, f"Between {format_inr(low)} and {format_inr(high)}"),
            Step("Total deposited", deposited, f"{years} years"),
            Step("Interest earned", rupees(balance - deposited), f"{pct(rate)} compounded yearly"),
            Step("Maturity value", rupees(balance), "Tax-free (EEE)"),
        ),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        notes=(
            "The government reviews the PPF rate every quarter; a change applies to the whole balance from then on.",
        ),
        table=Table("PPF year by year", ("Year", "Deposit", "Interest", "Balance"), tuple(rows)),
        chart=chart,
    )
