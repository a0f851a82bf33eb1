"""GST on an amount, inclusive or exclusive, and whether a supplier must register.

    gst(Decimal(2000), Decimal(5))                       # ₹100: CGST ₹50 + SGST ₹50
    gst(Decimal(11_800), Decimal(18), inclusive=True)    # ₹1,800 in ₹11,800
    gst(Decimal(2000), Decimal(18), inter_state=True)    # IGST ₹360
    gst_registration(Decimal(3_000_000), "goods", state="Telangana")

Rounding as invoices do: each tax to the paisa (CGST and SGST are each half the
rate on the taxable value), and the invoice total to the rupee with a round-off
line. An inclusive price is split so the parts add up to it exactly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finucity.finance import rules
from finucity.finance.dates import india_now
from finucity.finance.money import as_decimal, format_inr
from finucity.finance.result import HUNDRED, Calculation, Step, number, paise, pct, rupees

ZERO = Decimal(0)
SUPPLIES = {"goods": "Goods only", "services": "Services, or goods and services"}


def gst_rates(on: date) -> list[tuple[Decimal, str]]:
    """The rate schedule in force on `on`: (rate, what it applies to)."""
    return [(as_decimal(r["rate"]), r["use"]) for r in rules.in_force("gst", on)["rates"]]


def gst(
    amount: Decimal, rate: Decimal, *, inclusive: bool = False, inter_state: bool = False, on: date | None = None
) -> Calculation:
    """GST at `rate` per cent on `amount` (the price before GST, or including it if `inclusive`)."""
    amount, rate = number(amount, "The amount"), number(rate, "The GST rate")
    if amount < 0:
        raise ValueError("amount cannot be negative")
    if not 0 <= rate <= 100:
        raise ValueError("rate must be between 0 and 100 per cent")
    on = on or india_now().date()
    rule = rules.in_force("gst", on)
    notes: list[str] = []
    schedule = dict(gst_rates(on))
    if rate in schedule:
        rate_note = schedule[rate]
    else:
        rate_note = ""
        listed = ", ".join(pct(r) for r in schedule)
        notes.append(f"{pct(rate)} is not a rate of the schedule in force on this date ({listed}).")
    if inclusive:
        taxable = paise(amount * HUNDRED / (HUNDRED + rate))
        tax = amount - taxable
        parts = _split(tax, inter_state, exact=True, taxable=taxable, rate=rate)
        steps = [
            Step("Price including GST", amount),
            Step("Taxable value", taxable, f"{format_inr(amount, decimals=2)} x 100 / {100 + rate}"),
        ]
        total = amount
    else:
        taxable = amount
        parts = _split(ZERO, inter_state, exact=False, taxable=taxable, rate=rate)
        tax = sum((v for _, v, _ in parts), ZERO)
        steps = [Step("Taxable value", taxable)]
        total = taxable + tax
    steps.extend(Step(label, value, note) for label, value, note in parts)
    steps.append(Step(f"GST at {pct(rate)}", tax, rate_note))
    figures = {"GST": tax, "Taxable value": taxable, "Total including GST": total}
    if not inclusive:
        rounded = rupees(total)
        steps.append(Step("Invoice total", total))
        if rounded != total:
            steps.append(Step("Round off", rounded - total, "Invoice total to the nearest rupee"))
            steps.append(Step("Amount payable", rounded))
        figures["Amount payable"] = rounded
    figures.update({label: value for label, value, _ in parts})
    where = "Inter-state (IGST)" if inter_state else "Within the state (CGST + SGST)"
    return Calculation(
        kind="gst",
        title=f"GST at {pct(rate)}, {'inclusive' if inclusive else 'exclusive'}",
        inputs={
            "Amount": amount,
            "Amount includes GST": "Yes" if inclusive else "No",
            "Rate": pct(rate),
            "Supply": where,
        },
        figures=figures,
        steps=tuple(steps),
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        notes=tuple(notes),
    )


def _split(
    tax: Decimal, inter_state: bool, *, exact: bool, taxable: Decimal, rate: Decimal
) -> list[tuple[str, Decimal, str]]:
    """IGST, or CGST and SGST at half the rate each, to the paisa."""
    if inter_state:
        igst = tax if exact else paise(taxable * rate / HUNDRED)
        return [("IGST", igst, f"{pct(rate)}, to the Centre")]
    half = rate / 2
    if exact:
        cgst = paise(tax / 2)
        sgst = tax - cgst
    else:
        cgst = sgst = paise(taxable * half / HUNDRED)
    return [("CGST", cgst, f"{pct(half)}, to the Centre"), ("SGST", sgst, f"{pct(half)}, to the state (UTGST in a UT)")]


def gst_registration(turnover: Decimal, supply: str, *, state: str | None = None) -> Calculation:
    """Whether aggregate turnover in a year crosses the registration threshold for `supply` in `state`."""
    turnover = number(turnover, "Turnover")
    if supply not in SUPPLIES:
        raise ValueError(f"supply must be one of {', '.join(SUPPLIES)}")
    if turnover < 0:
        raise ValueError("turnover cannot be negative")
    rule = rules.in_force("gst_registration", india_now().date())
    limits = rule["states"].get((state or "").strip().lower(), rule["default"])
    threshold = as_decimal(limits[supply])
    must = turnover > threshold
    place = state.strip().title() if state else "most states"
    verdict = (
        "Registration is required (within 30 days of crossing the limit)."
        if must
        else "Registration is not required by turnover alone."
    )
    steps = (
        Step("Aggregate turnover in the year", turnover, "All-India, taxable and exempt supplies, excluding GST"),
        Step(f"Threshold for {SUPPLIES[supply].lower()} in {place}", threshold, "CGST Act, section 22"),
        Step("Above the threshold" if must else "Within the threshold", turnover - threshold, verdict),
    )
    return Calculation(
        kind="gst_registration",
        title="GST registration threshold",
        inputs={"Turnover": turnover, "Supply": SUPPLIES[supply], "State": place},
        figures={"Threshold": threshold, "Turnover": turnover},
        steps=steps,
        rule_set=rule.name,
        rule_date=rule.effective,
        source=rule.source,
        notes=(
            verdict,
            "Some suppliers must register whatever their turnover: inter-state sellers of goods, "
            "sellers through e-commerce platforms, casual and non-resident taxable persons.",
        ),
    )
