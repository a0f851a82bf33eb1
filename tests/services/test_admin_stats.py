"""The overview: every figure is what the test wrote, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from finucity.models import MessageFeedback
from finucity.services.admin import overview
from finucity.services.admin.query import _interpolated, percentiles, period
from finucity.services.context import read_only, unit_of_work
from finucity.services.errors import ValidationError
from tests.support.admin_data import Turn, add_conversation, an_admin, days_ago


async def test_with_no_messages_in_the_period_there_is_no_data(database, people):
    _, admin = await people.user(admin=True)
    owner, _ = await people.user()
    await add_conversation(owner.id, at=days_ago(10), turns=[Turn(first_token_ms=100, rating="up")])

    week = await overview(admin, 7)

    assert week.has_data is False and week.days == 7
    assert [day for day, _ in week.messages_per_day] == [days_ago(n).date().isoformat() for n in range(6, -1, -1)]
    assert {n for _, n in week.messages_per_day} == {0} and {n for _, n in week.active_users_per_day} == {0}
    assert week.conversations_by_category == [] and week.tokens_by_model == [] and week.failure_reasons == []
    assert week.answers_by_status == [("complete", 0), ("stopped", 0), ("failed", 0)]
    assert (week.first_token_p50_ms, week.first_token_p95_ms, week.answer_p50_ms, week.answer_p95_ms) == (None,) * 4
    assert (week.thumbs_up, week.thumbs_down) == (0, 0)
    month = await overview(admin, 30)
    assert month.has_data is True and sum(n for _, n in month.messages_per_day) == 2


async def test_the_figures_are_those_written(database, people):
    _, admin = await people.user(admin=True)
    asha, _ = await people.user()
    ravi, _ = await people.user()
    today, two_days_ago = days_ago(0), days_ago(2)
    await add_conversation(
        asha.id,
        category="income_tax",
        at=today,
        turns=[
            Turn(first_token_ms=100, latency_ms=1000, model="gpt-a", tokens_in=100, tokens_out=10, rating="up"),
            Turn(first_token_ms=200, latency_ms=2000, model="gpt-a", tokens_in=200, tokens_out=20, rating="up"),
            Turn(status="stopped", first_token_ms=300, latency_ms=9000, model="gpt-b", tokens_in=5, tokens_out=5),
        ],
    )
    await add_conversation(
        ravi.id,
        category="income_tax",
        at=today,
        turns=[Turn(status="failed", error="Timed out", first_token_ms=400, latency_ms=50, model=None, rating="down")],
    )
    await add_conversation(
        ravi.id,
        category="gst",
        at=two_days_ago,
        turns=[
            Turn(first_token_ms=500, latency_ms=3000, model="gpt-b", tokens_in=1, tokens_out=1),
            Turn(status="failed", error="Rate limited", model=None, tokens_in=None, tokens_out=None),
            Turn(status="failed", error="Timed out", model=None, tokens_in=None, tokens_out=None),
        ],
    )
    await add_conversation(asha.id, category="gst", at=days_ago(8), turns=[Turn(rating="down")])  # outside

    stats = await overview(admin, 7)

    assert stats.has_data is True
    per_day = dict(stats.messages_per_day)
    assert per_day[today.date().isoformat()] == 8 and per_day[two_days_ago.date().isoformat()] == 6
    assert sum(per_day.values()) == 14
    active = dict(stats.active_users_per_day)
    assert active[today.date().isoformat()] == 2 and active[two_days_ago.date().isoformat()] == 1
    assert sum(active.values()) == 3
    assert stats.conversations_by_category == [("Income Tax", 2), ("GST", 1)]
    assert stats.answers_by_status == [("complete", 3), ("stopped", 1), ("failed", 3)]
    # first token: 100, 200, 300, 400, 500; whole answer, complete ones only: 1000, 2000, 3000.
    # Read from the usage ledger's histograms: within 5% of the exact percentile_cont values.
    found = (stats.first_token_p50_ms, stats.first_token_p95_ms, stats.answer_p50_ms, stats.answer_p95_ms)
    for value, exact in zip(found, (300, 480, 2000, 2900), strict=True):
        assert abs(value - exact) <= 0.05 * exact, (value, exact)
    assert [(m.model, m.answers, m.tokens_in, m.tokens_out) for m in stats.tokens_by_model] == [
        ("gpt-a", 2, 300, 30),
        ("gpt-b", 2, 6, 6),
    ]
    assert (stats.thumbs_up, stats.thumbs_down) == (2, 1)
    assert stats.failure_reasons == [("Timed out", 2), ("Rate limited", 1)]


async def test_thumbs_count_when_the_rating_was_given(database, people):
    _, admin = await people.user(admin=True)
    owner, _ = await people.user()
    made = await add_conversation(owner.id, at=days_ago(20), turns=[Turn(rating="up")])
    async with unit_of_work(an_admin()) as uow:  # rated again today: now a thumbs down
        rating = await uow.session.get(MessageFeedback, made.answer_ids[0])
        rating.rating, rating.updated_at = "down", days_ago(0)

    stats = await overview(admin, 7)

    assert (stats.thumbs_up, stats.thumbs_down) == (0, 1)


@pytest.mark.parametrize("days", [0, 1, 14, 31, 365, -7, True, "7", None, 7.0])
async def test_the_period_is_7_30_or_90_days(sqlite_database, days):
    with pytest.raises(ValidationError) as raised:
        await overview(an_admin(), days)
    assert raised.value.field == "days"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], [None, None]),
        ([42], [42, 42]),
        ([10, 20], [15, 20]),
        ([1, 2, 3, 4], [2, 4]),  # 2.5 rounds to even, as round() does with the database's value
        (list(range(1, 101)), [50, 95]),
    ],
)
async def test_percentiles_agree_on_both_databases(database, people, values, expected):
    """percentile_cont on PostgreSQL, the sorted column interpolated here on SQLite: the same numbers."""
    owner, _ = await people.user()
    await add_conversation(owner.id, at=days_ago(1), turns=[Turn(first_token_ms=v) for v in reversed(values)])
    from finucity.models import Message

    span = period(7)
    async with read_only() as session:
        found = await percentiles(session, Message.first_token_ms, [Message.created_at >= span.start], (0.5, 0.95))

    assert found == expected
    assert found == [_interpolated(sorted(values), f) for f in (0.5, 0.95)]


def test_the_period_ends_after_today_and_spans_whole_utc_days():
    span = period(7)
    assert span.end - span.start == timedelta(days=7)
    assert span.start.hour == span.start.minute == 0 and span.start.utcoffset() == timedelta(0)
    assert span.each_day[-1] == days_ago(0).date()
