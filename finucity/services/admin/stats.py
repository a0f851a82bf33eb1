"""The overview: what the product did over a period, every figure from the database.

Days are UTC days; the period is the last 7, 30 or 90 of them, today included.
"Messages" are questions and answers; a user is active on a day they asked
something; conversations count in the period they were started in; answer
statuses, timings and failures are those of answers written in the period;
thumbs are the ratings given (or last changed) in the period.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import distinct, func, select

from finucity.models import Category, Conversation, Message, MessageFeedback, MessageRole, MessageStatus, Rating
from finucity.services.admin import usage
from finucity.services.admin.guard import require_admin
from finucity.services.admin.query import dialect_of, percentiles, period, utc_day
from finucity.services.admin.usage import ModelUsage
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.services.context import Actor, read_only

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
    in_span = usage.in_period(span)
    answers = [*in_span, Message.role == MessageRole.assistant.value]
    async with read_only() as session:
        per_day = await usage.by_day(session, span)
        day = utc_day(Message.created_at, dialect_of(session))
        active = dict(
            (
                await session.execute(
                    select(day, func.count(distinct(Conversation.user_id)))
                    .join(Conversation, Conversation.id == Message.conversation_id)
                    .where(*in_span, Message.role == MessageRole.user.value)
                    .group_by(day)
                )
            ).all()
        )
        categories = (
            await session.execute(
                select(Conversation.category, func.count(Conversation.id))
                .where(Conversation.created_at >= span.start, Conversation.created_at < span.end)
                .group_by(Conversation.category)
                .order_by(func.count(Conversation.id).desc(), Conversation.category)
            )
        ).all()
        statuses = dict(
            (
                await session.execute(
                    select(Message.status, func.count(Message.id)).where(*answers).group_by(Message.status)
                )
            ).all()
        )
        first_p50, first_p95 = await percentiles(session, Message.first_token_ms, answers, (0.5, 0.95))
        complete = [*answers, Message.status == MessageStatus.complete.value]
        answer_p50, answer_p95 = await percentiles(session, Message.latency_ms, complete, (0.5, 0.95))
        by_model = await usage.by_model(session, span)
        thumbs = dict(
            (
                await session.execute(
                    select(MessageFeedback.rating, func.count())
                    .where(MessageFeedback.updated_at >= span.start, MessageFeedback.updated_at < span.end)
                    .group_by(MessageFeedback.rating)
                )
            ).all()
        )
        failures = (
            await session.execute(
                select(Message.error, func.count(Message.id))
                .where(*answers, Message.status == MessageStatus.failed.value, Message.error.is_not(None))
                .group_by(Message.error)
                .order_by(func.count(Message.id).desc(), Message.error)
                .limit(TOP_FAILURES)
            )
        ).all()
    return Overview(
        days=span.days,
        has_data=any(d.messages for d in per_day),
        messages_per_day=[(d.day.isoformat(), d.messages) for d in per_day],
        active_users_per_day=[(d.isoformat(), int(active.get(d.isoformat(), 0))) for d in span.each_day],
        conversations_by_category=[(_label(category), int(n)) for category, n in categories],
        answers_by_status=[(status, int(statuses.get(status, 0))) for status in FINISHED],
        first_token_p50_ms=first_p50,
        first_token_p95_ms=first_p95,
        answer_p50_ms=answer_p50,
        answer_p95_ms=answer_p95,
        tokens_by_model=by_model,
        thumbs_up=int(thumbs.get(Rating.up.value, 0)),
        thumbs_down=int(thumbs.get(Rating.down.value, 0)),
        failure_reasons=[(error, int(n)) for error, n in failures],
    )


def _label(category: str) -> str:
    try:
        return CATEGORY_LABELS[Category(category)]
    except ValueError:
        return category
