"""India time, financial and assessment years, and dates in prose."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from finucity.finance.dates import assessment_year, financial_year, format_date, india_now

# 20:00 UTC on 31 March is 01:30 on 1 April in India: a new financial year.
LAST_EVENING_UTC = datetime(2027, 3, 31, 20, 0, tzinfo=UTC)
LAST_NIGHT_IN_INDIA = datetime(2027, 3, 31, 18, 0, tzinfo=UTC)  # 23:30 IST, still 31 March


def test_india_now_is_in_india_time():
    local = india_now(LAST_EVENING_UTC)
    assert (local.date(), local.hour, local.minute) == (date(2027, 4, 1), 1, 30)
    assert local.utcoffset().total_seconds() == 5.5 * 3600


def test_a_naive_time_is_taken_as_utc():
    assert india_now(datetime(2027, 3, 31, 20, 0)) == india_now(LAST_EVENING_UTC)


def test_india_now_defaults_to_the_current_time():
    before = datetime.now(UTC)
    assert abs((india_now() - before).total_seconds()) < 5


@pytest.mark.parametrize(
    ("day", "fy", "ay"),
    [
        (date(2026, 11, 25), "2026-27", "2027-28"),
        (date(2027, 2, 1), "2026-27", "2027-28"),
        (date(2027, 3, 31), "2026-27", "2027-28"),
        (date(2027, 4, 1), "2027-28", "2028-29"),
        (date(2099, 4, 1), "2099-00", "2100-01"),
    ],
)
def test_financial_and_assessment_years_turn_over_on_1_april(day, fy, ay):
    assert financial_year(day) == fy
    assert assessment_year(day) == ay


def test_the_year_of_a_moment_is_decided_in_india_time():
    assert financial_year(LAST_EVENING_UTC) == "2027-28"
    assert assessment_year(LAST_EVENING_UTC) == "2028-29"
    assert financial_year(LAST_NIGHT_IN_INDIA) == "2026-27"


def test_dates_read_day_month_year():
    assert format_date(date(2025, 4, 1)) == "1 April 2025"
