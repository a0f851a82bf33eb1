"""Data for the admin tests, written straight to the database with chosen times and figures.

`add_conversation` writes one conversation with its turns (a question and an
answer each), the answers' figures and, when asked, a rating on the answer,
so every number the admin area shows can be checked against what was written.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from finucity.models import (
    ApiToken,
    AuditLog,
    Conversation,
    Message,
    MessageFeedback,
    MessageRole,
    User,
    UserSession,
    utcnow,
)
from finucity.services import usage_ledger
from finucity.services.context import Actor, read_only, unit_of_work


@dataclasses.dataclass(frozen=True)
class Turn:
    question: str = "How much can I save under 80C?"
    answer: str = "Up to ₹1.5 lakh a year."
    status: str = "complete"
    model: str | None = "test-model"
    tokens_in: int | None = 10
    tokens_out: int | None = 20
    first_token_ms: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    rating: str | None = None  # "up" | "down": a MessageFeedback row on the answer
    comment: str | None = None


@dataclasses.dataclass(frozen=True)
class Made:
    id: uuid.UUID
    question_ids: list[uuid.UUID]
    answer_ids: list[uuid.UUID]


def an_admin() -> Actor:
    """An admin actor with no row behind it: for checks that refuse input before any query."""
    return Actor(user_id=uuid.uuid4(), email="admin@example.com", role="admin", channel="api")


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def days_ago(n: int) -> datetime:
    """Noon of the UTC day n days before today (today's noon may be later today: still today)."""
    return noon(utcnow().date() - timedelta(days=n))


async def add_conversation(
    user_id: uuid.UUID,
    title: str = "Saving tax",
    *,
    category: str = "general",
    at: datetime | None = None,
    turns: Sequence[Turn] = (Turn(),),
    channel: str = "web",
) -> Made:
    """A conversation started at `at`, a turn a minute, last active at its last message.
    Its questions and finished answers go into the usage ledger as the writers would add them."""
    at = at or utcnow()
    questions, answers = [], []
    tally = usage_ledger.Tally()
    async with unit_of_work(Actor(channel="system")) as uow:
        last = at + timedelta(minutes=len(turns))
        conversation = Conversation(user_id=user_id, title=title, category=category, created_at=at, updated_at=last)
        uow.session.add(conversation)
        await uow.session.flush()
        for i, turn in enumerate(turns):
            stamp = at + timedelta(minutes=i)
            question = Message(
                conversation_id=conversation.id,
                role=MessageRole.user.value,
                content=turn.question,
                category=category,
                created_at=stamp,
                updated_at=stamp,
            )
            answer = Message(
                conversation_id=conversation.id,
                role=MessageRole.assistant.value,
                content=turn.answer,
                status=turn.status,
                category=category,
                model=turn.model,
                tokens_in=turn.tokens_in,
                tokens_out=turn.tokens_out,
                first_token_ms=turn.first_token_ms,
                latency_ms=turn.latency_ms,
                error=turn.error,
                created_at=stamp + timedelta(seconds=1),
                updated_at=stamp + timedelta(seconds=1),
            )
            uow.session.add_all([question, answer])
            await uow.session.flush()
            tally.message(question, user_id, channel)
            tally.message(answer, user_id, channel)
            if turn.rating:
                uow.session.add(
                    MessageFeedback(
                        message_id=answer.id,
                        user_id=user_id,
                        rating=turn.rating,
                        comment=turn.comment,
                        created_at=stamp,
                        updated_at=stamp + timedelta(seconds=2),
                    )
                )
            questions.append(question.id)
            answers.append(answer.id)
        await usage_ledger.apply(uow.session, tally)
    return Made(id=conversation.id, question_ids=questions, answer_ids=answers)


async def count(model, *where) -> int:
    async with read_only() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def audit_rows(action: str) -> list[AuditLog]:
    async with read_only() as session:
        return list(await session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


async def snapshot() -> dict[str, list[tuple]]:
    """Every row the admin area can change, to prove a refused call changed nothing."""
    async with read_only() as session:

        async def rows(*columns):
            return [tuple(r) for r in (await session.execute(select(*columns).order_by(columns[0]))).all()]

        return {
            "users": await rows(User.id, User.role, User.is_active, User.daily_token_quota),
            "sessions": await rows(UserSession.id, UserSession.revoked_at),
            "tokens": await rows(ApiToken.id, ApiToken.revoked_at),
            "conversations": await rows(Conversation.id, Conversation.title, Conversation.updated_at),
            "messages": await rows(Message.id, Message.content, Message.status),
            "feedback": await rows(MessageFeedback.message_id, MessageFeedback.rating),
            "audit": await rows(AuditLog.id),
        }
