"""Daily token quotas, on SQLite and PostgreSQL: what counts, which limit applies, and
that a user over it is stopped before anything is saved or the model is called.

Usage is written straight into the database with the times each test needs,
and `now` is passed explicitly, so nothing depends on the hour the suite runs.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from finucity.models import AuditLog, Conversation, Message, MessageRole, MessageStatus, User, utcnow
from finucity.services import chat, quota, usage_ledger
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.errors import QuotaExceeded, RateLimited
from tests.fakes.fake_openai import Script

EVENING = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)  # midnight in India: 5 h 30 min to the reset


async def _answer(actor: Actor, tokens_in: int | None, tokens_out: int | None, *, at: datetime, **fields) -> Message:
    """A question and its answer in a conversation of `actor`, written at `at`."""
    async with unit_of_work(Actor(channel="system")) as uow:
        conversation = Conversation(user_id=actor.user_id, title="Usage", created_at=at, updated_at=at)
        uow.session.add(conversation)
        await uow.session.flush()
        question = Message(
            conversation_id=conversation.id, role=MessageRole.user.value, content="Q", created_at=at, updated_at=at
        )
        answer = Message(
            conversation_id=conversation.id,
            role=MessageRole.assistant.value,
            content="A",
            model=fields.pop("model", "openai/gpt-4o-mini"),
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            created_at=at + timedelta(milliseconds=1),
            updated_at=at + timedelta(milliseconds=1),
            **fields,
        )
        uow.session.add_all([question, answer])
        await uow.session.flush()
        # What the writers add to the usage ledger for this question and answer.
        tally = usage_ledger.Tally()
        for message in (question, answer):
            tally.message(message, actor.user_id, "web")
        await usage_ledger.apply(uow.session, tally)
    return answer


async def _set_quota(user_id: uuid.UUID, value: int | None) -> None:
    """What the admin area's quota setting writes."""
    async with unit_of_work(Actor(channel="system")) as uow:
        await uow.session.execute(update(User).where(User.id == user_id).values(daily_token_quota=value))


async def _next_request(user_id: uuid.UUID) -> Actor:
    """The actor of the user's next request, which reads the user (and their quota) afresh."""
    async with read_only() as session:
        user = await session.get(User, user_id)
    return Actor(channel="api", ip="203.0.113.7").as_user(user)


async def _count(model) -> int:
    async with read_only() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_usage_counts_todays_answers_of_the_user_only(database, people, ai_fake):
    _, actor = await people.user()
    _, other = await people.user()
    midnight = datetime(2026, 12, 2, tzinfo=UTC)
    await _answer(actor, 1000, 2345, at=midnight)  # the first moment of the day counts
    await _answer(actor, 5000, 4000, at=EVENING - timedelta(hours=1), status=MessageStatus.stopped.value)
    await _answer(actor, None, None, at=EVENING - timedelta(minutes=5), status=MessageStatus.failed.value)
    await _answer(actor, 99_999, 1, at=midnight - timedelta(milliseconds=5))  # yesterday
    await _answer(actor, 50_000, 50_000, at=EVENING - timedelta(hours=2), model="finucity-offline")  # free
    await _answer(other, 70_000, 0, at=EVENING - timedelta(hours=1))

    today = await quota.usage(actor, now=EVENING)

    assert today.used == 12_345
    assert today.resets_at == datetime(2026, 12, 3, tzinfo=UTC)
    assert (await quota.usage(actor, now=midnight - timedelta(seconds=1))).used == 100_000


async def test_the_users_own_quota_overrides_the_default_and_zero_means_no_limit(
    database, people, ai_fake, settings_env
):
    user, actor = await people.user()
    await _answer(actor, 30_000, 20_000, at=EVENING - timedelta(hours=1))
    assert (await quota.usage(actor, now=EVENING)).limit is None  # nothing set anywhere

    settings_env(DEFAULT_DAILY_TOKEN_QUOTA="50000")
    assert (await quota.usage(actor, now=EVENING)).limit == 50_000
    with pytest.raises(QuotaExceeded):
        await quota.check_quota(actor, now=EVENING)

    await _set_quota(user.id, 80_000)
    assert (await quota.usage(actor, now=EVENING)).limit == 80_000
    await quota.check_quota(actor, now=EVENING)  # 50,000 of 80,000: fine

    await _set_quota(user.id, 0)
    assert (await quota.usage(actor, now=EVENING)).limit is None
    await quota.check_quota(actor, now=EVENING)

    await _set_quota(user.id, None)  # back to the default
    with pytest.raises(QuotaExceeded):
        await quota.check_quota(actor, now=EVENING)


async def test_the_refusal_says_when_it_resets_and_retry_after_runs_to_utc_midnight(
    database, people, ai_fake, settings_env
):
    user, actor = await people.user()
    settings_env(DEFAULT_DAILY_TOKEN_QUOTA="50000")
    await _answer(actor, 20_000, 30_000, at=EVENING - timedelta(hours=3))

    with pytest.raises(QuotaExceeded) as refused:
        await quota.check_quota(actor, now=EVENING)

    assert refused.value.message == (
        "Your daily limit of 50,000 tokens is used up. It resets at 05:30 IST (00:00 UTC)."
    )
    assert refused.value.retry_after == 5 * 3600 + 30 * 60
    assert refused.value.status_code == 429 and isinstance(refused.value, RateLimited)

    # Half a second before midnight: one second to wait, never zero.
    with pytest.raises(QuotaExceeded) as later:
        await quota.check_quota(actor, now=datetime(2026, 12, 2, 23, 59, 59, 500_000, tzinfo=UTC))
    assert later.value.retry_after == 1

    # Lakhs are grouped the Indian way.
    await _set_quota(user.id, 1_50_000)
    await _answer(actor, 1_00_000, 0, at=EVENING - timedelta(hours=1))
    with pytest.raises(QuotaExceeded, match=r"limit of 1,50,000 tokens"):
        await quota.check_quota(actor, now=EVENING)


async def test_just_under_the_limit_may_still_ask(database, people, ai_fake, settings_env):
    _, actor = await people.user()
    settings_env(DEFAULT_DAILY_TOKEN_QUOTA="1000")
    await _answer(actor, 600, 399, at=EVENING - timedelta(hours=1))
    await quota.check_quota(actor, now=EVENING)
    await _answer(actor, 1, 0, at=EVENING - timedelta(minutes=1))
    with pytest.raises(QuotaExceeded):
        await quota.check_quota(actor, now=EVENING)


async def test_over_the_quota_nothing_is_saved_and_the_model_is_not_called(database, people, ai_fake):
    user, actor = await people.user()
    ai_fake.set_default(Script(chunks=["Section 80C allows ₹1.5 lakh."], usage=(700, 300)))
    turn = await chat.send_message(actor, message="How much does 80C allow?")
    await asyncio.wait_for(turn.generation.wait(), 10)
    assert (await quota.usage(actor)).used == 1000  # what the provider reported
    await _set_quota(user.id, 1000)
    actor = await _next_request(user.id)
    before = {"messages": await _count(Message), "conversations": await _count(Conversation)}
    audits = await _count(AuditLog)
    requests = len(ai_fake.requests)

    with pytest.raises(QuotaExceeded):
        await chat.send_message(actor, message="And 80D?")
    with pytest.raises(QuotaExceeded):
        await chat.send_message(actor, message="And 80D?", conversation_id=turn.conversation.id)
    with pytest.raises(QuotaExceeded):
        await chat.regenerate(actor, turn.conversation.id)
    with pytest.raises(QuotaExceeded):
        await chat.regenerate(actor, turn.conversation.id, new_question="Edited: and 80D?")

    assert {"messages": await _count(Message), "conversations": await _count(Conversation)} == before
    assert await _count(AuditLog) == audits
    assert len(ai_fake.requests) == requests
    async with read_only() as session:
        kept = await session.get(Message, turn.answer.id)
    assert kept.content == "Section 80C allows ₹1.5 lakh."  # Regenerate did not replace it


async def test_the_offline_assistant_is_never_limited(database, people, settings_env):
    user, actor = await people.user()
    settings_env(DEFAULT_DAILY_TOKEN_QUOTA="10")
    await _set_quota(user.id, 10)
    for question in ("What is the standard deduction?", "What is HRA?"):
        turn = await chat.send_message(actor, message=question)
        await asyncio.wait_for(turn.generation.wait(), 10)

    today = await quota.usage(actor)
    assert today.limit is None
    assert today.used == 0  # its answers record estimates, not spent tokens
    await quota.check_quota(actor)


async def test_the_day_is_the_utc_day(database, people, ai_fake):
    _, actor = await people.user()
    now = utcnow()
    today = await quota.usage(actor)
    assert today.resets_at.tzinfo is not None
    assert timedelta(0) < today.resets_at - now <= timedelta(days=1)
    assert (today.resets_at.hour, today.resets_at.minute, today.resets_at.second) == (0, 0, 0)
