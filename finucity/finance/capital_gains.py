"""Capital gains of a resident individual on one sale, as a `Calculation`.

    capital_gains("listed_equity", bought=date(2023, 5, 1), sold=date(2025, 6, 1),
                  cost=Decimal(300_000), sale_price=Decimal(500_000))

Assets: "listed_equity" (shares, STT paid), "equity_fund", "property" (land or
building) and "debt_fund". The rules in force on the date of sale apply
(`rules/capital_gains_*.toml`). Gains taxed at slab rates (short-term property,
debt funds bought from 1 April 2023) need the seller's `slab_rate`; without it
the result gives the gain and says so. Surcharge, and the use of an unused basic
exemption against the gain, are not applied.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from finucity.finance import rules
from finucity.finance.dates import financial_year, format_date
from finucity.finance.money import as_decimal, format_inr
from finucity.finance.result import HUNDRED, Calculation, Step, number, pct, rupees

ZERO = Decimal(0)
ASSETS = {
    "listed_equity": "Listed equity shares",
    "equity_fund": "Equity mutual fund units",
    "property": "Land or building",
    "debt_fund": "Debt mutual fund units",
}


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_long_term(bought: date, sold: date, months: int) -> bool:
    """Held for more than `months` months: sold after the same date `months` later."""
    return sold > add_months(bought, months)


def cost_inflation_index(day: date) -> int | None:
    """The CII of `day`'s financial year (None if not yet notified); years before 2001-02 use the base."""
    index = rules.in_force("cost_inflation_index", date.max)["index"]
    year = financial_year(day)
    if year < "2001-02":
        year = "2001-02"
    value = index.get(year)
    return int(value) if value is not None else None


def capital_gains(
    asset: str,
    *,
    bought: date,
    sold: date,
    cost: Decimal,
    sale_price: Decimal,
    transfer_expenses: Decimal = ZERO,
    exemption_used: Decimal = ZERO,
    slab_rate: Decimal | None = None,
    resident_individual: bool = True,
) -> Calculation:
    cost, sale_price = number(cost, "The cost"), number(sale_price, "The sale price")
    transfer_expenses = number(transfer_expenses, "Transfer expenses")
    exemption_used = number(exemption_used, "The exemption already used")
    slab_rate = None if slab_rate is None else number(slab_rate, "The slab rate")
    if asset not in ASSETS:
        raise ValueError(f"asset must be one of {', '.join(ASSETS)}")
    if sold < bought:
        raise ValueError("the sale cannot come before the purchase")
    if min(cost, sale_price, transfer_expenses, exemption_used) < 0:
        raise ValueError("amounts cannot be negative")
    rule = rules.in_force("capital_gains", sold)
    kind = "equity" if asset in ("listed_equity", "equity_fund") else asset
    data, sections = rule[kind], rule["sections"]
    gain = sale_price - transfer_expenses - cost
    steps = [
        Step("Sale price", sale_price),
        *(
            [Step("Less: Transfer expenses", -transfer_expenses, "Brokerage, stamp duty paid by you")]
            * bool(transfer_expenses)
        ),
        Step("Less: Cost of acquisition", -cost),
        Step("Capital gain" if gain >= 0 else "Capital loss", gain),
    ]
    notes: list[str] = []
    slab_bought = data.get("slab_rate_if_bought_from")
    if slab_bought is not None and bought >= slab_bought:
        term, long_term = "Short-term (slab rate)", False
        since = format_date(slab_bought)
        rule_name = sections["debt_fund"]
        notes.append(f"Debt funds bought on or after {since} are taxed at slab rates however long held ({rule_name}).")
    else:
        months = int(data["long_term_after_months"])
        long_term = is_long_term(bought, sold, months)
        term = "Long-term" if long_term else "Short-term"
        steps.append(
            Step(f"Held {'more than' if long_term else 'not more than'} {months} months: {term.lower()}", None)
        )
    taxable, tax, rate_note = gain, None, ""
    if gain <= 0:
        taxable, tax = ZERO, ZERO
        notes.append(
            "A capital loss pays no tax; it can be set off against other capital gains and carried forward for 8 years."
        )
    elif kind == "equity" and not long_term:
        rate = as_decimal(data["stcg_rate"])
        tax, rate_note = gain * rate / HUNDRED, f"{pct(rate)} under {sections['equity_stcg']}"
    elif kind == "equity":
        exemption = as_decimal(data["ltcg_exemption"])
        if sold >= date(2024, 4, 1) and "ltcg_exemption_from_2024_04_01" in data:
            exemption = as_decimal(data["ltcg_exemption_from_2024_04_01"])
        left = max(ZERO, exemption - exemption_used)
        exempt = min(gain, left)
        steps.append(
            Step(
                "Less: Exempt long-term gain",
                -exempt,
                f"{format_inr(exemption)} a year under {sections['equity_ltcg']}",
            )
        )
        taxable = gain - exempt
        rate = as_decimal(data["ltcg_rate"])
        tax, rate_note = taxable * rate / HUNDRED, f"{pct(rate)} under {sections['equity_ltcg']}"
    elif long_term:
        tax, rate_note, taxable = _long_term_other(
            data, sections, bought, sold, cost, gain, resident_individual, steps, notes
        )
    elif slab_rate is not None:
        tax, rate_note = gain * slab_rate / HUNDRED, f"your slab rate, {pct(slab_rate)}"
    else:
        notes.append(
            "Short-term gains on this asset are added to your income and taxed at your slab rate; "
            "give the rate to see the tax."
        )
    figures: dict[str, Decimal] = {}
    if tax is not None:
        cess_rate = as_decimal(rule["cess"]["rate"])
        cess = tax * cess_rate / HUNDRED
        if gain > 0:
            steps.append(Step("Taxable gain", taxable))
            steps.append(Step(f"Tax at {rate_note}", rupees(tax)))
            steps.append(Step(f"Health and education cess at {pct(cess_rate)}", rupees(cess)))
        steps.append(Step("Tax payable", rupees(tax + cess), "Rounded to the rupee; surcharge not included"))
        figures["Tax payable"] = rupees(tax + cess)
    figures["Capital gain"] = gain
    figures["Taxable gain"] = max(ZERO, taxable)
    inputs = {
        "Asset": ASSETS[asset],
        "Bought on": bought,
        "Sold on": sold,
        "Cost": cost,
        "Sale price": sale_price,
        "Holding": term,
    }
    return Calculation(
        kind="capital_gains",
        title=f"Capital gains on {ASSETS[asset].lower()}",
        inputs=inputs,
        figures=figures,
        steps=tuple(steps),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        notes=tuple(notes),
    )


def _long_term_other(data, sections, bought, sold, cost, gain, resident, steps, notes) -> tuple[Decimal, str, Decimal]:
    """Long-term gain on property or an older debt fund: 12.5% flat, or 20% with indexation."""
    rate = as_decimal(data["ltcg_rate"])
    section = sections["other_ltcg"]
    if data["indexation"]:
        indexed = _indexed(bought, sold, cost, gain, steps, notes)
        if indexed is None:
            return gain * rate / HUNDRED, f"{pct(rate)} under {section} (without indexation)", gain
        indexed = max(ZERO, indexed)
        return indexed * rate / HUNDRED, f"{pct(rate)} of the indexed gain under {section}", indexed
    flat = gain * rate / HUNDRED
    before = data.get("grandfathered_if_bought_before")
    if before is None or bought >= before or not resident:
        return flat, f"{pct(rate)} under {section}, no indexation", gain
    # Bought before 23 July 2024 by a resident individual: the lower of the two.
    steps.append(Step(f"Option 1: {pct(rate)} without indexation", rupees(flat)))
    indexed = _indexed(bought, sold, cost, gain, steps, notes)
    if indexed is None:
        return flat, f"{pct(rate)} under {section}, no indexation", gain
    old_rate = as_decimal(data["grandfathered_rate"])
    with_index = max(ZERO, indexed) * old_rate / HUNDRED
    steps.append(Step(f"Option 2: {pct(old_rate)} with indexation", rupees(with_index)))
    if with_index < flat:
        return with_index, f"{pct(old_rate)} of the indexed gain (lower of the two, {section})", max(ZERO, indexed)
    return flat, f"{pct(rate)} without indexation (lower of the two, {section})", gain


def _indexed(bought, sold, cost, gain, steps, notes) -> Decimal | None:
    start, end = cost_inflation_index(bought), cost_inflation_index(sold)
    if start is None or end is None:
        notes.append(
            f"The Cost Inflation Index for {financial_year(sold)} is not notified yet, so indexation is not applied."
        )
        return None
    if bought < date(2001, 4, 1):
        notes.append("For an asset bought before 1 April 2001, the cost may be its fair market value on that date.")
    # Indexed cost to the rupee, as the return forms take it.
    indexed_cost = rupees(cost * end / start)
    steps.append(Step("Indexed cost of acquisition", indexed_cost, f"Cost x CII {end} / {start}"))
    steps.append(Step("Indexed gain", gain + cost - indexed_cost))
    return gain + cost - indexed_cost
