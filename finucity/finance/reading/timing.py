"""Dates and financial years as people write them.

"15 March 2022", "15th Mar, 2022", "March 15, 2022", "2019-04-10" and
"10/04/2019" (day first, the Indian order) are one day; "March 2022" is a
month and "in 2015" a year: a `StatedDate` keeps the earliest and latest day
the words allow, and only the callers that need a day decide what to do with
a span. "FY 2026-27", "2026-27", "financial year 2026-27" name a financial
year; "AY 2027-28" names the year before it; "this year", "last year" and
"next year" are counted from `today`, which the caller passes in.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from datetime import date

from finucity.finance.dates import financial_year


@dataclasses.dataclass(frozen=True)
class StatedDate:
    """A date as stated: one day when `earliest == latest`, else a month or a year."""

    earliest: date
    latest: date

    @property
    def exact(self) -> date | None:
        return self.earliest if self.earliest == self.latest else None


_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

# Most specific first: a day, then a month, then a bare year after a preposition.
DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>(?:19|20)\d{2})\b"),
    re.compile(rf"\b{_DAY}(?:\s+of)?[\s-]+{_MONTH}[\s,'-]+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}[\s-]+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}[\s,'-]+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b(?:in|since|during|from|year)\s+{_YEAR}\b(?!\s*[-–/]\s*\d)", re.IGNORECASE),
)

_FY_RE = re.compile(
    r"\b(?P<kind>fy|f\.y\.|financial\s+year|ay|a\.y\.|assessment\s+year)?\s*'?"
    r"(?P<start>(?:19|20)?\d{2})\s*[-–/]\s*(?P<end>(?:19|20)?\d{2})\b",
    re.IGNORECASE,
)
_RELATIVE_FY_RE = re.compile(
    r"\b(?P<which>this|current|last|previous|next|coming)\s+(?:financial\s+year|fiscal(?:\s+year)?|fy|year)\b",
    re.IGNORECASE,
)


def date_from_match(match: re.Match[str]) -> StatedDate | None:
    """The date a `DATE_PATTERNS` match names, or None if no such day exists."""
    groups = match.groupdict()
    year = int(groups["year"])
    month_text = groups.get("month")
    if month_text is None:
        return StatedDate(date(year, 1, 1), date(year, 12, 31))
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower().rstrip(".")]
    if not 1 <= month <= 12:
        return None
    last_day = calendar.monthrange(year, month)[1]
    day_text = groups.get("day")
    if day_text is None:
        return StatedDate(date(year, month, 1), date(year, month, last_day))
    day = int(day_text)
    if not 1 <= day <= last_day:
        return None
    return StatedDate(date(year, month, day), date(year, month, day))


def parse_date(text: str) -> StatedDate | None:
    """The first date in `text` ("15 March 2022", "March 2022", "2019-04-10"), or None."""
    found = find_dates(text)
    return found[0][2] if found else None


def find_dates(text: str) -> list[tuple[int, int, StatedDate]]:
    """Every date in `text` as (start, end, date), in order, without overlaps."""
    taken: list[tuple[int, int, StatedDate | None]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end, _ in taken):
                continue
            # An impossible day ("31 February 2023") is kept out, not read as its month.
            taken.append((match.start(), match.end(), date_from_match(match)))
    return sorted(((s, e, d) for s, e, d in taken if d is not None), key=lambda item: item[0])


def _full_year(text: str) -> int:
    value = int(text)
    return value if value >= 1900 else 2000 + value


def find_financial_years(text: str) -> list[tuple[int, int, str]]:
    """Every financial year named in `text` as (start, end, "2026-27"); an AY counts as its FY."""
    found = []
    for match in _FY_RE.finditer(text):
        start, end = _full_year(match["start"]), _full_year(match["end"])
        if end % 100 != (start + 1) % 100:
            continue  # "2019-2022" is a span of years, not a financial year
        if match["kind"] and match["kind"].lower().replace(".", "").startswith(("ay", "assessment")):
            start -= 1
        elif not match["kind"] and len(match["start"]) != 4:
            continue  # "10-11" alone is not a year
        found.append((match.start(), match.end(), f"{start}-{(start + 1) % 100:02d}"))
    return found


def parse_financial_year(text: str, today: date) -> str | None:
    """The financial year `text` names ("FY 2026-27", "AY 2026-27", "this year"), or None.

    `today` is the caller's date (in India), so "this year" never reads the clock here.
    """
    named = find_financial_years(text)
    if named:
        return named[0][2]
    match = _RELATIVE_FY_RE.search(text)
    if not match:
        return None
    start = int(financial_year(today)[:4])
    which = match["which"].lower()
    if which in {"last", "previous"}:
        start -= 1
    elif which in {"next", "coming"}:
        start += 1
    return f"{start}-{(start + 1) % 100:02d}"
