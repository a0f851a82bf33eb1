"""The overview: what the product did over a period, every figure from the database.

Days are UTC days; the period is the last 7, 30 or 90 of them, today included.
"Messages" are questions and answers; a user is active on a day they asked
something; conversations count in the period they were started in; answer
statuses, timings and failures are those of answers written in the period;
thumbs are the ratings given (or last changed) in the period.

Messages, active users, statuses, tokens, timings and failures come from the usage
ledger's per-day totals (`usage_counters`, finucity/services/usage_ledger.py), written
with each question and each answer's final save, so the overview reads a few rows a
day instead of every message of the period (4 to 6 s at a million messages before;
see bench/RESULTS.md).
They count what happened: an answer deleted later still counts, and an answer still
being written counts once it ends. Medians and p95s are read from the ledger's
latency histograms: exact under 20 ms, within 5% above. Conversations by category
and thumbs are read from their own tables (a covering index and a small table).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from sqlalchemy import func, select

from finucity.models import Category, Conversation, MessageFeedback, MessageStatus, Rating, UsageCounter
from finucity.services.admin import usage
from finucity.services.admin.guard import require_admin
from finucity.services.admin.query import period, reading
from finucity.services.admin.usage import DayUsage, ModelUsage
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.services.context import Actor
from finucity.services.usage_ledger import (
    ACTIVE,
    ANSWER,
    FAILURE,
    FIRST_TOKEN,
    PER_MODEL,
    QUESTIONS,
    TOKENS_IN,
    TOKENS_OUT,
    percentile,
)

FINISHED = (MessageStatus.complete.value, MessageStatus.stopped.value, MessageStatus.failed.value)
TOP_FAILURES = 10


@dataclasses.dataclass
class Overview:
    days: int
    has_data: bool  # False: no message in the period, nothing to chart
    messages_per_day: list[tuple[str, int]]  # ("2026-11-30", n), every day of the period
    active_users_per_day: list[tuple[str, int]]
    conversations_by_category: list[tuple[str, int]]  # (label, n), largest first
    answers_by_status: list[tuple[str, int]]  # complete, stopped, failed, in that order
    # Read from the ledger's histograms: exact under 20 ms, within 5% above.
    first_token_p50_ms: int | None
    first_token_p95_ms: int | None
    answer_p50_ms: int | None  # complete answers only: a stopped one says nothing of speed
    answer_p95_ms: int | None
    tokens_by_model: list[ModelUsage]
    thumbs_up: int
    thumbs_down: int
    failure_reasons: list[tuple[str, int]]  # the `error` of failed answers, most common first


async def overview(actor: Actor, days: int) -> Overview:
    """The figures for the last `days` (7, 30 or 90) UTC days."""
    require_admin(actor)
    span = period(days)
    first, last = span.start.date(), span.end.date()
    in_span = (UsageCounter.day >= first, UsageCounter.day < last)
    async with reading() as session:
        # The ledger's per-day totals (a few rows a day) and one count of active users per day.
        counters = (
            await session.execute(
                select(UsageCounter.day, UsageCounter.metric, UsageCounter.key, UsageCounter.n).where(
                    *in_span, UsageCounter.metric.in_([QUESTIONS, *PER_MODEL, FAILURE])
                )
            )
        ).all()
        histogram_rows = (
            await session.execute(
                select(UsageCounter.metric, UsageCounter.key, func.sum(UsageCounter.n))
                .where(*in_span, UsageCounter.metric.in_([FIRST_TOKEN, ANSWER]))
                .group_by(UsageCounter.metric, UsageCounter.key)
            )
        ).all()
        active = dict(
            (
                await session.execute(
                    select(UsageCounter.day, func.count())
                    .where(*in_span, UsageCounter.metric == ACTIVE)
                    .group_by(UsageCounter.day)
                )
            ).all()
        )
        categories = (
            await session.execute(
                select(Conversation.category, func.count())
                .where(Conversation.created_at >= span.start, Conversation.created_at < span.end)
                .group_by(Conversation.category)
                .order_by(func.count().desc(), Conversation.category)
            )
        ).all()
        thumbs = dict(
            (
                await session.execute(
                    select(MessageFeedback.rating, func.count())
                    .where(MessageFeedback.updated_at >= span.start, MessageFeedback.updated_at < span.end)
                    .group_by(MessageFeedback.rating)
                )
            ).all()
        )
    per_day: dict = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    by_model: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: dict[str, int] = defaultdict(int)
    for day, metric, key, n in counters:
        n = int(n)
        if metric == FAILURE:
            failures[key] += n
            continue
        if metric in FINISHED:
            statuses[metric] += n
        if metric == QUESTIONS or metric in FINISHED:
            per_day[day] += n
        if metric in PER_MODEL and key:
            by_model[(day, key)][metric] += n
    histograms: dict[str, dict[int, int]] = {FIRST_TOKEN: {}, ANSWER: {}}
    for metric, key, n in histogram_rows:
        histograms[metric][int(key)] = int(n)
    first_token, answer = histograms[FIRST_TOKEN], histograms[ANSWER]
    models = [
        DayUsage(day, model, sum(f[s] for s in FINISHED), f[TOKENS_IN], f[TOKENS_OUT])
        for (day, model), f in by_model.items()
    ]
    reasons = sorted(failures.items(), key=lambda item: (-item[1], item[0]))
    return Overview(
        days=span.days,
        has_data=any(per_day.values()),
        messages_per_day=[(d.isoformat(), per_day.get(d, 0)) for d in span.each_day],
        active_users_per_day=[(d.isoformat(), int(active.get(d, 0))) for d in span.each_day],
        conversations_by_category=[(_label(category), int(n)) for category, n in categories],
        answers_by_status=[(status, statuses[status]) for status in FINISHED],
        first_token_p50_ms=percentile(first_token, 0.5),
        first_token_p95_ms=percentile(first_token, 0.95),
        answer_p50_ms=percentile(answer, 0.5),
        answer_p95_ms=percentile(answer, 0.95),
        tokens_by_model=usage.totals(models),
        thumbs_up=int(thumbs.get(Rating.up.value, 0)),
        thumbs_down=int(thumbs.get(Rating.down.value, 0)),
        failure_reasons=reasons[:TOP_FAILURES],
    )


def _label(category: str) -> str:
    try:
        return CATEGORY_LABELS[Category(category)]
    except ValueError:
        return category
