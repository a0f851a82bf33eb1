"""Usage figures by UTC day and by model, shared by the overview and a user's page."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from finucity.models import Conversation, Message, MessageRole
from finucity.services.admin.query import Period, dialect_of, utc_day


@dataclasses.dataclass(frozen=True)
class UsageDay:
    day: date
    messages: int  # questions and answers
    tokens_in: int  # prompt tokens
    tokens_out: int  # completion tokens


@dataclasses.dataclass(frozen=True)
class ModelUsage:
    model: str
    answers: int
    tokens_in: int
    tokens_out: int


def in_period(period: Period) -> list[ColumnElement[bool]]:
    return [Message.created_at >= period.start, Message.created_at < period.end]


def of_user(user_id) -> ColumnElement[bool]:
    """Messages in the user's conversations (their questions and the answers they got)."""
    return Message.conversation_id.in_(select(Conversation.id).where(Conversation.user_id == user_id))


async def by_day(session: AsyncSession, period: Period, where: Sequence[ColumnElement[bool]] = ()) -> list[UsageDay]:
    """Every day of the period, oldest first, days without messages as zeros."""
    day = utc_day(Message.created_at, dialect_of(session))
    stmt = (
        select(
            day,
            func.count(Message.id),
            func.coalesce(func.sum(Message.tokens_in), 0),
            func.coalesce(func.sum(Message.tokens_out), 0),
        )
        .where(*in_period(period), *where)
        .group_by(day)
    )
    found = {row[0]: row[1:] for row in (await session.execute(stmt)).all()}
    return [UsageDay(d, *(int(n) for n in found.get(d.isoformat(), (0, 0, 0)))) for d in period.each_day]


async def by_model(
    session: AsyncSession, period: Period, where: Sequence[ColumnElement[bool]] = ()
) -> list[ModelUsage]:
    """Answers and tokens per model, the most tokens first."""
    tokens_in = func.coalesce(func.sum(Message.tokens_in), 0)
    tokens_out = func.coalesce(func.sum(Message.tokens_out), 0)
    stmt = (
        select(Message.model, func.count(Message.id), tokens_in, tokens_out)
        .where(*in_period(period), *where, Message.role == MessageRole.assistant.value, Message.model.is_not(None))
        .group_by(Message.model)
        .order_by((tokens_in + tokens_out).desc(), Message.model)
    )
    return [ModelUsage(model, int(n), int(i), int(o)) for model, n, i, o in (await session.execute(stmt)).all()]
