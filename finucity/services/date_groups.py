"""Conversations grouped by when they were last used, as the reader's calendar sees it.

"Today" ends at midnight where the reader lives, not at midnight UTC: for a
reader in India a conversation from 02:00 IST is today's, although it is
yesterday's in UTC. The browser tells the sidebar its IANA zone; until it
has, India's zone is assumed (the app is for Indian users).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Kolkata"
TODAY, YESTERDAY, LAST_7_DAYS, LAST_30_DAYS = "Today", "Yesterday", "Previous 7 days", "Previous 30 days"

# An IANA name such as "Asia/Kolkata" or "America/Argentina/Buenos_Aires";
# anything else (a path, an empty string) is refused before ZoneInfo sees it.
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")

T = TypeVar("T")


def zone_or_default(name: object) -> ZoneInfo:
    """The zone called `name`, or India's when the name is not a known IANA zone."""
    if isinstance(name, str) and len(name) <= 64 and _ZONE_NAME.match(name):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo(DEFAULT_ZONE)


def date_group(when: datetime, now: datetime, zone: ZoneInfo) -> str:
    """The heading `when` falls under, seen from `now` in `zone`.

    Today, Yesterday, Previous 7 days, Previous 30 days, then one group per
    calendar month ("October" this year, "December 2025" before). Naive
    datetimes are UTC, as stored. A time in the future (a clock ahead) is Today.
    """
    day = _local(when, zone).date()
    today = _local(now, zone).date()
    age = (today - day).days
    if age <= 0:
        return TODAY
    if age == 1:
        return YESTERDAY
    if age <= 7:
        return LAST_7_DAYS
    if age <= 30:
        return LAST_30_DAYS
    month = day.strftime("%B")
    return month if day.year == today.year else f"{month} {day.year}"


def group_by_date(
    items: Iterable[T], when: Callable[[T], datetime], now: datetime, zone: ZoneInfo
) -> list[tuple[str, list[T]]]:
    """`items` (newest first) cut into consecutive runs under one heading each."""
    groups: list[tuple[str, list[T]]] = []
    for item in items:
        label = date_group(when(item), now, zone)
        if groups and groups[-1][0] == label:
            groups[-1][1].append(item)
        else:
            groups.append((label, [item]))
    return groups


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)
