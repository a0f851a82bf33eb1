"""Usage figures by UTC day, model and channel, read from the usage ledger.

The ledger (finucity/services/usage_ledger.py) counts each question when it is asked
and each answer when it is finished, and keeps the count when either is deleted later:
these figures are what was asked and spent, not what is still stored. An answer still
being written counts once it ends.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from finucity.models import ApiToken, Message, UsageLedger
from finucity.services.admin.query import Period
from finucity.services.usage_ledger import token_of


@dataclasses.dataclass(frozen=True)
class UsageDay:
    day: date
    messages: int  # questions and answers
    tokens_in: int  # prompt tokens
    tokens_out: int  # completion tokens


@dataclasses.dataclass(frozen=True)
class ModelUsage:
    model: str  # the model; in a "by channel" list, the channel's label
    answers: int
    tokens_in: int
    tokens_out: int


@dataclasses.dataclass(frozen=True)
class DayUsage:
    """One day's answers and tokens for one model or one channel."""

    day: date
    name: str  # the model, or the channel's label
    answers: int
    tokens_in: int
    tokens_out: int


def in_period(period: Period) -> list[ColumnElement[bool]]:
    return [Message.created_at >= period.start, Message.created_at < period.end]


def _ledger_where(period: Period, user_id: uuid.UUID | None) -> list[ColumnElement[bool]]:
    where = [UsageLedger.day >= period.start.date(), UsageLedger.day < period.end.date()]
    if user_id is not None:
        where.append(UsageLedger.user_id == user_id)
    return where


_ANSWERS = UsageLedger.answers_complete + UsageLedger.answers_stopped + UsageLedger.answers_failed


async def by_day(session: AsyncSession, period: Period, user_id: uuid.UUID | None = None) -> list[UsageDay]:
    """Every day of the period, oldest first, days without messages as zeros."""
    stmt = (
        select(
            UsageLedger.day,
            func.sum(UsageLedger.questions + _ANSWERS),
            func.sum(UsageLedger.tokens_in),
            func.sum(UsageLedger.tokens_out),
        )
        .where(*_ledger_where(period, user_id))
        .group_by(UsageLedger.day)
    )
    found = {row[0]: row[1:] for row in (await session.execute(stmt)).all()}
    return [UsageDay(d, *(int(n or 0) for n in found.get(d, (0, 0, 0)))) for d in period.each_day]


def totals(rows: list[DayUsage]) -> list[ModelUsage]:
    """Per name over the period, the most tokens first."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        total = sums[row.name]
        total[0] += row.answers
        total[1] += row.tokens_in
        total[2] += row.tokens_out
    ordered = sorted(sums.items(), key=lambda item: (-(item[1][1] + item[1][2]), item[0]))
    return [ModelUsage(name, *figures) for name, figures in ordered]


async def by_day_and_model(session: AsyncSession, period: Period, user_id: uuid.UUID | None = None) -> list[DayUsage]:
    """Answers and tokens per day and model (days with none left out), oldest first."""
    stmt = (
        select(
            UsageLedger.day,
            UsageLedger.model,
            func.sum(_ANSWERS),
            func.sum(UsageLedger.tokens_in),
            func.sum(UsageLedger.tokens_out),
        )
        .where(*_ledger_where(period, user_id), UsageLedger.model != "")
        .group_by(UsageLedger.day, UsageLedger.model)
        .order_by(UsageLedger.day, UsageLedger.model)
    )
    rows = [DayUsage(d, m, int(n), int(i), int(o)) for d, m, n, i, o in (await session.execute(stmt)).all()]
    return [r for r in rows if r.answers or r.tokens_in or r.tokens_out]


async def by_model(session: AsyncSession, period: Period, user_id: uuid.UUID | None = None) -> list[ModelUsage]:
    """Answers and tokens per model, the most tokens first."""
    return totals(await by_day_and_model(session, period, user_id))


async def by_day_and_channel(session: AsyncSession, period: Period, user_id: uuid.UUID) -> list[DayUsage]:
    """One user's answers and tokens per day and channel (web, API, each API token by name)."""
    stmt = (
        select(
            UsageLedger.day,
            UsageLedger.channel,
            func.sum(_ANSWERS),
            func.sum(UsageLedger.tokens_in),
            func.sum(UsageLedger.tokens_out),
        )
        .where(*_ledger_where(period, user_id))
        .group_by(UsageLedger.day, UsageLedger.channel)
        .order_by(UsageLedger.day, UsageLedger.channel)
    )
    rows = (await session.execute(stmt)).all()
    labels = await channel_labels(session, user_id, {channel for _, channel, *_ in rows})
    found = [DayUsage(d, labels[c], int(n), int(i), int(o)) for d, c, n, i, o in rows]
    return [r for r in found if r.answers or r.tokens_in or r.tokens_out]


async def by_channel(session: AsyncSession, period: Period, user_id: uuid.UUID) -> list[ModelUsage]:
    """One user's answers and tokens per channel over the period, the most tokens first."""
    return totals(await by_day_and_channel(session, period, user_id))


_CHANNEL_LABELS = {
    "web": "Web app",
    "api": "API (signed-in browser)",
    "cli": "Command line",
    "system": "System",
    "unknown": "Not recorded (before the ledger)",
}


async def channel_labels(session: AsyncSession, user_id: uuid.UUID, channels: set[str]) -> dict[str, str]:
    """A readable name per channel: API tokens by their name and prefix (revoked ones too)."""
    token_ids = {t for c in channels if (t := token_of(c)) is not None}
    tokens = {}
    if token_ids:
        found = await session.execute(
            select(ApiToken.id, ApiToken.name, ApiToken.prefix).where(
                ApiToken.user_id == user_id, ApiToken.id.in_(token_ids)
            )
        )
        tokens = {ident: f"API token {name} ({prefix}…)" for ident, name, prefix in found.all()}
    labels = {}
    for channel in channels:
        token = token_of(channel)
        if token is not None:
            labels[channel] = tokens.get(token, "API token (deleted)")
        else:
            labels[channel] = _CHANNEL_LABELS.get(channel, channel)
    return labels
