"""Dates the way Indian finance counts them: India time, financial and assessment years.

Slabs, due dates and limits change every financial year (1 April to 31
March), and the year turns over at midnight in India: a server in UTC would
otherwise start the new year 5.5 hours late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")


def india_now(now: datetime | None = None) -> datetime:
    """`now` (default: the current time) in Asia/Kolkata. Naive values are taken as UTC."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(IST)


def financial_year(d: date) -> str:
    """The Indian financial year (April to March) containing `d`: 25 Nov 2026 -> "2026-27".

    A datetime is first converted to its date in India.
    """
    start = _financial_year_start(d)
    return f"{start}-{(start + 1) % 100:02d}"


def assessment_year(d: date) -> str:
    """The year in which income of `d`'s financial year is assessed: the next one."""
    start = _financial_year_start(d) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def _financial_year_start(d: date) -> int:
    if isinstance(d, datetime):
        d = india_now(d).date()
    return d.year if d.month >= 4 else d.year - 1


def format_date(day: date) -> str:
    """`date(2025, 4, 1)` -> `"1 April 2025"`, the form used in Indian prose."""
    return f"{day.day} {day:%B %Y}"
