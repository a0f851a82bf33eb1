"""A `Calculation` as the browser receives it: the text of every cell, ready to show.

The /tools page holds one of these; anything else that shows a calculator's
result (the chat's answer card) can hold the same and render it with
`components.calculation_card`. Amounts arrive formatted in rupees with Indian
grouping (`Calculation.to_dict()`); the chart's rows use the fixed keys `a`
and `b` so one chart component draws every calculator's series.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from finucity.finance.result import Calculation

# Series that would flatten the others on a shared axis (a loan's balance).
LEFT_OUT_OF_CHART = ("Balance",)
CHART_KEYS = ("a", "b")


@dataclasses.dataclass
class Pair:
    label: str
    text: str


@dataclasses.dataclass
class StepView:
    label: str
    text: str
    note: str
    negative: bool = False
    total: bool = False


@dataclasses.dataclass
class CalculationView:
    kind: str = ""
    title: str = ""
    headline_label: str = ""
    headline_text: str = ""
    figures: list[Pair] = dataclasses.field(default_factory=list)
    inputs: list[Pair] = dataclasses.field(default_factory=list)
    steps: list[StepView] = dataclasses.field(default_factory=list)
    table_title: str = ""
    table_columns: list[str] = dataclasses.field(default_factory=list)
    table_rows: list[list[str]] = dataclasses.field(default_factory=list)
    chart_title: str = ""
    chart_kind: str = ""
    chart_series: list[str] = dataclasses.field(default_factory=list)
    chart_data: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    rule_set: str = ""
    rule_date_text: str = ""
    source: str = ""
    notes: list[str] = dataclasses.field(default_factory=list)


def calculation_view(calculation: Calculation) -> CalculationView:
    return calculation_view_of(calculation.to_dict())


def calculation_view_of(data: dict[str, Any]) -> CalculationView:
    """The view of `Calculation.to_dict()`, as an answer's stored card holds it."""
    headline, *others = data["figures"]
    chart = data.get("chart") or {}
    series = [name for name in chart.get("series", []) if name not in LEFT_OUT_OF_CHART][: len(CHART_KEYS)]
    rows = [
        {"x": row["x"], **{key: row[name] for key, name in zip(CHART_KEYS, series, strict=False)}}
        for row in chart.get("data", [])
    ]
    table = data.get("table") or {}
    return CalculationView(
        kind=data["kind"],
        title=data["title"],
        headline_label=headline["label"],
        headline_text=headline["text"],
        figures=[Pair(f["label"], f["text"]) for f in others],
        inputs=[Pair(label, _cell(value)) for label, value in (data.get("inputs") or {}).items()],
        steps=[
            StepView(
                label=s["label"],
                text=s["text"],
                note=s["note"],
                negative=(s["amount"] or "").startswith("-"),
                total=s["label"] == headline["label"],
            )
            for s in data["steps"]
        ],
        table_title=table.get("title", ""),
        table_columns=list(table.get("columns", [])),
        table_rows=[[_cell(cell) for cell in row] for row in table.get("rows", [])],
        chart_title=chart.get("title", ""),
        chart_kind=chart.get("kind", ""),
        chart_series=series,
        chart_data=rows,
        rule_set=data["rule_set"],
        rule_date_text=data["rule_date_text"],
        source=data["source"],
        # A verdict already in the working is not repeated under it.
        notes=[n for n in data.get("notes") or () if n not in {s["note"] for s in data["steps"]}],
    )


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
