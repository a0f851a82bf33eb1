"""Pieces every admin listing shares: keyset cursors, page sizes, choices, UTC days, percentiles.

Cursors are opaque to clients: base64 of `[kind, key, id]`, where `kind` names
the ordering they were made for, so a cursor from one sort order (or one list)
is refused by another instead of silently skipping rows.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from finucity.models import utcnow
from finucity.services.context import read_only
from finucity.services.errors import ValidationError

MAX_PAGE_SIZE = 100
PERIODS = (7, 30, 90)
BAD_CURSOR = "The cursor is not valid; start from the first page."


# --- cursors and pages ---------------------------------------------------------------------


def encode_cursor(kind: str, key: datetime | int, ident: uuid.UUID | int) -> str:
    plain_key = key.isoformat() if isinstance(key, datetime) else key
    plain_ident = str(ident) if isinstance(ident, uuid.UUID) else ident
    raw = json.dumps([kind, plain_key, plain_ident], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, *, key: Callable[[Any], Any], ident: Callable[[Any], Any]) -> tuple[Any, Any]:
    """(key, id) of a cursor made by `encode_cursor(kind, ...)`, each read by its parser."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        found_kind, raw_key, raw_ident = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if found_kind != kind:
            raise ValueError(kind)
        return key(raw_key), ident(raw_ident)
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        raise ValidationError(BAD_CURSOR, field="cursor") from None


def parse_time(value: object) -> datetime:
    when = datetime.fromisoformat(value)  # type: ignore[arg-type]
    if when.tzinfo is None:
        raise ValueError(value)
    return when.astimezone(UTC)


def parse_int(value: object) -> int:
    if type(value) is not int:
        raise ValueError(value)
    return value


def page_size(limit: object) -> int:
    """The number of rows to return: at least 1, at most MAX_PAGE_SIZE."""
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValidationError("The page size must be a whole number.", field="limit")
    return max(1, min(limit, MAX_PAGE_SIZE))


# --- choices ---------------------------------------------------------------------------------


def one_of(value: object, choices: Sequence[str], *, field: str) -> str | None:
    """`value` when it is one of `choices`; None when left out; else a ValidationError on `field`."""
    if value is None or value == "":
        return None
    if value not in choices:
        raise ValidationError(f"Use one of: {', '.join(choices)}.", field=field)
    return value  # type: ignore[return-value]


def optional_flag(value: object, *, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError("Use true or false.", field=field)


# --- UTC days ----------------------------------------------------------------------------------


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def day_bounds(since: object, until: object) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC for the days `since` to `until`, both included, either left out."""
    for value, field in ((since, "since"), (until, "until")):
        # A datetime is a date too; a day filter given a time is a mistake, not a day.
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise ValidationError("Give a day as YYYY-MM-DD.", field=field)
    if since is not None and until is not None and since > until:
        raise ValidationError("The end day is before the start day.", field="until")
    start = day_start(since) if since is not None else None
    end = day_start(until + timedelta(days=1)) if until is not None and until < date.max else None
    return start, end


@dataclasses.dataclass(frozen=True)
class Period:
    """The last `days` UTC days, today included: [start, end)."""

    days: int
    start: datetime
    end: datetime

    @property
    def each_day(self) -> list[date]:
        first = self.start.date()
        return [first + timedelta(days=n) for n in range(self.days)]


def period(days: object) -> Period:
    if type(days) is not int or days not in PERIODS:
        raise ValidationError("Choose a period of 7, 30 or 90 days.", field="days")
    tomorrow = utcnow().date() + timedelta(days=1)
    return Period(days=days, start=day_start(tomorrow - timedelta(days=days)), end=day_start(tomorrow))  # type: ignore[operator]


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


@asynccontextmanager
async def reading() -> AsyncIterator[AsyncSession]:
    """A read-only session for the admin area's queries, with PostgreSQL's JIT off.

    Their plans (a keyset walk with per-row subqueries, an aggregate over the ledger) are
    costed past jit_above_cost, and compiling them took 0.3 to 2.5 s where running them
    takes milliseconds (bench/RESULTS.md). SET LOCAL lasts for this transaction only, so it
    holds behind a transaction pooler (Supabase, PgBouncer) and changes no other session.
    """
    async with read_only() as session:
        if dialect_of(session) == "postgresql":
            await session.execute(text("SET LOCAL jit = off"))
        yield session


def utc_day(column: ColumnElement[datetime], dialect: str) -> ColumnElement[str]:
    """The UTC day of a time column as "YYYY-MM-DD", grouped by in the database."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    # SQLite keeps UTC times as "YYYY-MM-DD HH:MM:SS" text (models.UTCDateTime).
    return func.date(column)


async def percentiles(
    session: AsyncSession, column: ColumnElement[int], where: Sequence[ColumnElement[bool]], fractions: Sequence[float]
) -> list[int | None]:
    """Continuous percentiles (as PostgreSQL's percentile_cont) of `column` over the rows
    matching `where`, rounded to whole numbers; None for each when there are no values.

    PostgreSQL computes them itself; elsewhere the sorted column is read and interpolated
    here, which is fine for the periods the admin area looks at.
    """
    where = [*where, column.is_not(None)]
    if dialect_of(session) == "postgresql":
        stmt = select(*(func.percentile_cont(f).within_group(column.asc()) for f in fractions)).where(*where)
        row = (await session.execute(stmt)).one()
        return [None if value is None else round(value) for value in row]
    values = list(await session.scalars(select(column).where(*where).order_by(column)))
    return [_interpolated(values, f) for f in fractions]


def _interpolated(ordered: Sequence[int], fraction: float) -> int | None:
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low))
