"""The one result type every calculator returns, ready for a chat card, the API and a page.

A `Calculation` holds the inputs as the user gave them, the headline figures,
the working as ordered `Step`s, an optional `Table` (an amortisation schedule,
year-by-year growth) and `Chart` series, and the name and date of the rule set
the figures come from. Amounts are `Decimal` rupees; `to_dict()` adds the
Indian-grouped strings (₹12,34,567) a renderer shows as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from finucity.finance.dates import format_date
from finucity.finance.money import format_inr

ONE = Decimal(1)
PAISA = Decimal("0.01")
HUNDRED = Decimal(100)
# No personal finance figure reaches ₹1,000 lakh crore; larger input is a typo or an attack.
LARGEST_DIGITS = 15

Value = Decimal | int | str | date | bool


def number(value: object, name: str) -> Decimal:
    """A calculator input as an exact Decimal: ints, Decimals, numeric strings and floats
    (through their shortest repr, so 8.5 is exactly 8.5). Anything else is a ValueError
    whose message can be shown to the user."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"{name} must be a number")
    try:
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"{name} must be a number") from None
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number")
    # `adjusted()` is the exponent of the leading digit: no arithmetic, so no Overflow.
    if result and result.adjusted() >= LARGEST_DIGITS:
        raise ValueError(f"{name} is too large a number")
    return result


def rupees(amount: Decimal) -> Decimal:
    """To the whole rupee, half up, as tax and instalments are stated."""
    return amount.quantize(ONE, rounding=ROUND_HALF_UP)


def paise(amount: Decimal) -> Decimal:
    """To the paisa, half up, as invoices show tax."""
    return amount.quantize(PAISA, rounding=ROUND_HALF_UP)


def pct(rate: Decimal) -> str:
    """`Decimal("12.50")` -> `"12.5%"`."""
    text = f"{rate.normalize():f}"
    return f"{text}%"


@dataclasses.dataclass(frozen=True)
class Step:
    """One row of the working: a label, its amount (None for a note-only row) and where it comes from."""

    label: str
    amount: Decimal | None
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Table:
    """A table of figures: column headings and rows of cells (Decimal amounts, ints or text)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


@dataclasses.dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal, ...]


@dataclasses.dataclass(frozen=True)
class Chart:
    """Chart data: one x label per point and one or more series of amounts; `kind` is bar, line or area."""

    title: str
    kind: str
    x_label: str
    x: tuple[str, ...]
    series: tuple[Series, ...]

    def records(self) -> list[dict[str, Any]]:
        """Rows as recharts wants them: [{"x": "Year 1", "Interest": 4000.0, ...}, ...]."""
        return [{"x": label, **{s.name: float(s.values[i]) for s in self.series}} for i, label in enumerate(self.x)]


@dataclasses.dataclass(frozen=True)
class Calculation:
    """What a calculator found, with its working and the rules it used.

    `figures` are the headline amounts in order (the first is *the* answer);
    `rule_set` names the rules ("Income tax, FY 2025-26") and `rule_date` is the
    date they took effect; `source` cites the law or notification.
    """

    kind: str
    title: str
    inputs: Mapping[str, Value]
    figures: Mapping[str, Decimal]
    steps: tuple[Step, ...]
    rule_set: str
    rule_date: date
    source: str
    notes: tuple[str, ...] = ()
    table: Table | None = None
    chart: Chart | None = None

    @property
    def headline(self) -> tuple[str, Decimal]:
        label = next(iter(self.figures))
        return label, self.figures[label]

    def figure(self, label: str) -> Decimal:
        return self.figures[label]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: every amount as a string of the Decimal and formatted in rupees."""
        return {
            "kind": self.kind,
            "title": self.title,
            "inputs": {k: _plain(v) for k, v in self.inputs.items()},
            "figures": [{"label": k, "amount": str(v), "text": money(v)} for k, v in self.figures.items()],
            "steps": [
                {
                    "label": s.label,
                    "amount": None if s.amount is None else str(s.amount),
                    "text": "" if s.amount is None else money(s.amount),
                    "note": s.note,
                }
                for s in self.steps
            ],
            "table": None
            if self.table is None
            else {
                "title": self.table.title,
                "columns": list(self.table.columns),
                "rows": [[_plain(cell) for cell in row] for row in self.table.rows],
            },
            "chart": None
            if self.chart is None
            else {
                "title": self.chart.title,
                "kind": self.chart.kind,
                "x_label": self.chart.x_label,
                "series": [s.name for s in self.chart.series],
                "data": self.chart.records(),
            },
            "rule_set": self.rule_set,
            "rule_date": self.rule_date.isoformat(),
            "rule_date_text": format_date(self.rule_date),
            "source": self.source,
            "notes": list(self.notes),
        }


def money(amount: Decimal) -> str:
    """Rupees with Indian grouping; paise shown only when there are any."""
    return format_inr(amount, decimals=0 if amount == amount.to_integral_value() else 2)


def _plain(value: Value) -> str | int | bool:
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, date):
        return format_date(value)
    return value
