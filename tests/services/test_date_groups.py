"""The sidebar's date headings: local midnight is the boundary, older months get a heading each."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from finucity.services.date_groups import date_group, group_by_date, zone_or_default

IST = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
# 2 Dec 2026, 10:00 in India (04:30 UTC).
NOW = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)


def ist(*args) -> datetime:
    return datetime(*args, tzinfo=IST)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (ist(2026, 12, 2, 0, 0), "Today"),  # local midnight starts today
        (ist(2026, 12, 1, 23, 59), "Yesterday"),  # a minute before it
        (ist(2026, 12, 1, 0, 0), "Yesterday"),
        (ist(2026, 11, 30, 23, 59), "Previous 7 days"),
        (ist(2026, 11, 25, 0, 0), "Previous 7 days"),  # seven days back
        (ist(2026, 11, 24, 23, 59), "Previous 30 days"),
        (ist(2026, 11, 2, 0, 0), "Previous 30 days"),  # thirty days back
        (ist(2026, 11, 1, 23, 59), "November"),
        (ist(2026, 1, 5, 12, 0), "January"),
        (ist(2025, 12, 31, 12, 0), "December 2025"),  # another year says so
        (ist(2026, 12, 3, 9, 0), "Today"),  # a clock ahead of ours
    ],
)
def test_headings_follow_the_readers_calendar(when, expected):
    assert date_group(when, NOW, IST) == expected


def test_a_time_after_midnight_in_india_is_today_although_it_is_yesterday_in_utc():
    early_morning = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 01:30 IST on 2 Dec
    assert date_group(early_morning, NOW, IST) == "Today"
    assert date_group(early_morning, NOW, ZoneInfo("UTC")) == "Yesterday"


def test_the_same_moments_fall_on_other_days_in_another_zone():
    # 2 Dec 04:30 UTC is 23:30 on 1 Dec in New York: "today" there is 1 Dec.
    assert date_group(datetime(2026, 12, 1, 6, 0, tzinfo=UTC), NOW, NEW_YORK) == "Today"
    assert date_group(datetime(2026, 12, 1, 6, 0, tzinfo=UTC), NOW, IST) == "Yesterday"


def test_naive_times_are_utc_as_stored():
    assert date_group(datetime(2026, 12, 1, 20, 0), NOW, IST) == "Today"


def test_runs_are_grouped_in_order_newest_first():
    times = [
        ist(2026, 12, 2, 9, 0),
        ist(2026, 12, 2, 8, 0),
        ist(2026, 12, 1, 9, 0),
        ist(2026, 11, 28, 9, 0),
        ist(2026, 11, 10, 9, 0),
        ist(2026, 10, 20, 9, 0),
        ist(2026, 10, 2, 9, 0),
        ist(2026, 9, 2, 9, 0),
    ]
    groups = group_by_date(times, lambda t: t, NOW, IST)
    assert [(label, len(items)) for label, items in groups] == [
        ("Today", 2),
        ("Yesterday", 1),
        ("Previous 7 days", 1),
        ("Previous 30 days", 1),
        ("October", 2),
        ("September", 1),
    ]
    assert group_by_date([], lambda t: t, NOW, IST) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Europe/London", "Europe/London"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("UTC", "UTC"),
        ("Not/AZone", "Asia/Kolkata"),
        ("../../etc/passwd", "Asia/Kolkata"),
        ("", "Asia/Kolkata"),
        (None, "Asia/Kolkata"),
        ("A" * 300, "Asia/Kolkata"),
    ],
)
def test_unknown_zones_fall_back_to_india(name, expected):
    assert zone_or_default(name).key == expected
