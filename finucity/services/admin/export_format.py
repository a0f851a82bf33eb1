"""How exported conversations are written: CSV safe to open in a spreadsheet, and JSON."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

CSV_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "user_id",
    "user_email",
    "user_name",
    "title",
    "category",
    "last_status",
    "message_count",
    "thumbs_up",
    "thumbs_down",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: a leading ' defuses formulas
    (=HYPERLINK(...), +cmd|...) in titles, names and emails people typed."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


CSV_HEADER = _csv([CSV_COLUMNS])


def csv_rows(items: Iterable[Any]) -> str:
    """One CSV line per conversation row, columns as CSV_COLUMNS."""
    return _csv([getattr(item, column) for column in CSV_COLUMNS] for item in items)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _dict(item: Any) -> dict[str, object]:
    return {key: _plain(value) for key, value in dataclasses.asdict(item).items()}


def json_items(items: Sequence[Any], messages: Mapping[str, Sequence[Any]], *, first: bool) -> str:
    """Conversations with their messages as elements of a JSON array, each on its own
    lines; `first` says whether this batch opens the array (no comma before it)."""
    parts = [
        json.dumps({**_dict(item), "messages": [_dict(m) for m in messages.get(item.id, ())]}, ensure_ascii=False)
        for item in items
    ]
    return ("" if first else ",\n") + ",\n".join(parts)


def filters_dict(filters: Any) -> dict[str, object]:
    """The filters that were set, JSON-ready (for the audit log)."""
    return {key: _plain(value) for key, value in dataclasses.asdict(filters).items() if value not in (None, "")}
