"""The usage ledger, on SQLite and PostgreSQL: it counts what was asked and spent, keeps it
when answers are deleted or replaced, knows the channel, and agrees with the messages."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import statistics
from collections import Counter

from sqlalchemy import delete, select

from finucity import db
from finucity.models import Conversation, Message, MessageFeedback, UsageCounter, UsageLedger
from finucity.services import accounts, chat, conversations, quota, usage_ledger
from finucity.services.admin import get_user, overview
from finucity.services.admin.query import period
from finucity.services.context import read_only, unit_of_work
from finucity.services.usage_ledger import bucket_bounds, bucket_of, percentile
from tests.fakes.fake_openai import Script
from tests.support.admin_data import Turn, add_conversation, an_admin, days_ago


async def _answered(turn) -> None:
    await asyncio.wait_for(turn.generation.wait(), 10)


async def test_deleting_or_regenerating_answers_does_not_give_tokens_back(database, people, ai_fake):
    _, actor = await people.user()
    ai_fake.set_default(Script(chunks=["Section 80C allows ₹1.5 lakh."], usage=(700, 300)))
    turn = await chat.send_message(actor, message="How much does 80C allow?")
    await _answered(turn)
    await _answered(await chat.regenerate(actor, turn.conversation.id))  # replaces the first answer
    assert (await quota.usage(actor)).used == 2000  # both answers were paid for

    await conversations.delete_conversation(actor, turn.conversation.id)

    assert (await quota.usage(actor)).used == 2000


async def test_usage_by_channel_names_the_web_app_and_each_api_token(database, people, ai_fake):
    user, web = await people.user()
    _, admin = await people.user(admin=True)
    created = await accounts.create_api_token(web, "ci-bot")
    _, token_id = await accounts.resolve_api_token_and_id(created.secret)
    by_token = dataclasses.replace(web, channel="api", api_token_id=token_id)
    web = dataclasses.replace(web, channel="ui")
    ai_fake.set_default(Script(chunks=["An answer."], usage=(10, 5)))
    await _answered(await chat.send_message(web, message="What is HRA?"))
    for question in ("What is 80C?", "What is 80D?"):
        await _answered(await chat.send_message(by_token, message=question))

    detail = await get_user(admin, user.id, days=7)

    label = f"API token ci-bot ({created.token.prefix}…)"
    assert [(c.model, c.answers, c.tokens_in, c.tokens_out) for c in detail.usage_by_channel] == [
        (label, 2, 20, 10),
        ("Web app", 1, 10, 5),
    ]
    today = days_ago(0).date()
    assert {(d.day, d.name, d.answers) for d in detail.usage_by_day_and_channel} == {
        (today, label, 2),
        (today, "Web app", 1),
    }
    assert [(d.day, d.answers, d.tokens_in) for d in detail.usage_by_day_and_model] == [(today, 3, 30)]
    assert sum(d.messages for d in detail.usage_by_day) == 6


def test_percentiles_from_the_histogram_are_within_five_percent():
    rng = random.Random(7)
    values = [int(rng.lognormvariate(7, 1)) for _ in range(5000)] + list(range(20))
    histogram = Counter(bucket_of(v) for v in values)
    for fraction in (0.5, 0.95):
        exact = statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]
        assert abs(percentile(histogram, fraction) - exact) <= 0.05 * exact + 1
    for v in (0, 7, 19, 20, 21, 999, 30_000, 3_600_000):
        low, high = bucket_bounds(bucket_of(v))
        assert low <= v <= max(high, low)


async def _direct(days: int) -> dict:
    """The overview's figures computed straight from the messages, as before the ledger."""
    span = period(days)
    async with read_only() as session:
        rows = (
            await session.execute(
                select(Message, Conversation.user_id)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(Message.created_at >= span.start, Message.created_at < span.end)
            )
        ).all()
    per_day, active, statuses, tokens, first, whole, failures = Counter(), {}, Counter(), {}, [], [], Counter()
    for message, user_id in rows:
        day = message.created_at.date().isoformat()
        per_day[day] += 1
        if message.role == "user":
            active.setdefault(day, set()).add(user_id)
            continue
        statuses[message.status] += 1
        if message.model:
            n, i, o = tokens.get(message.model, (0, 0, 0))
            tokens[message.model] = (n + 1, i + (message.tokens_in or 0), o + (message.tokens_out or 0))
        if message.first_token_ms is not None:
            first.append(message.first_token_ms)
        if message.status == "complete" and message.latency_ms is not None:
            whole.append(message.latency_ms)
        if message.status == "failed" and message.error:
            failures[message.error] += 1
    return {
        "messages_per_day": [(d.isoformat(), per_day[d.isoformat()]) for d in span.each_day],
        "active_users_per_day": [(d.isoformat(), len(active.get(d.isoformat(), ()))) for d in span.each_day],
        "answers_by_status": [(s, statuses[s]) for s in ("complete", "stopped", "failed")],
        "tokens_by_model": sorted(tokens.items(), key=lambda kv: (-(kv[1][1] + kv[1][2]), kv[0])),
        "failure_reasons": sorted(failures.items(), key=lambda kv: (-kv[1], kv[0])),
        "first": sorted(first),
        "whole": sorted(whole),
    }


def _close(found: int | None, values: list[int], fraction: float) -> bool:
    exact = statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]
    return found is not None and abs(found - exact) <= 0.05 * exact + 1


async def _random_data(people) -> None:
    rng = random.Random(2026)
    users = [(await people.user())[0] for _ in range(4)]
    for n in range(40):
        turns = []
        for _ in range(rng.randint(1, 4)):
            status = rng.choice(["complete"] * 6 + ["stopped", "failed"])
            turns.append(
                Turn(
                    status=status,
                    model=rng.choice(["gpt-a", "gpt-b", None]),
                    tokens_in=rng.choice([None, rng.randint(1, 900)]),
                    tokens_out=rng.randint(0, 400),
                    first_token_ms=rng.choice([None, rng.randint(1, 4000)]),
                    latency_ms=rng.randint(5, 30_000),
                    error=rng.choice(["Timed out", "Rate limited"]) if status == "failed" else None,
                    rating=rng.choice([None, "up", "down"]),
                )
            )
        category = rng.choice(["gst", "general"])
        await add_conversation(rng.choice(users).id, category=category, at=days_ago(n), turns=turns)


async def _assert_overview_agrees(days: int) -> None:
    stats, direct = await overview(an_admin(), days), await _direct(days)
    assert stats.messages_per_day == direct["messages_per_day"]
    assert stats.active_users_per_day == direct["active_users_per_day"]
    assert stats.answers_by_status == direct["answers_by_status"]
    assert [(m.model, (m.answers, m.tokens_in, m.tokens_out)) for m in stats.tokens_by_model] == direct[
        "tokens_by_model"
    ]
    assert stats.failure_reasons == direct["failure_reasons"]
    assert _close(stats.first_token_p50_ms, direct["first"], 0.5)
    assert _close(stats.first_token_p95_ms, direct["first"], 0.95)
    assert _close(stats.answer_p50_ms, direct["whole"], 0.5)
    assert _close(stats.answer_p95_ms, direct["whole"], 0.95)


async def test_the_overview_from_the_ledger_agrees_with_the_messages(database, people):
    await _random_data(people)
    for days in (7, 30, 90):
        await _assert_overview_agrees(days)


async def test_the_backfill_builds_the_same_ledger_from_stored_messages(database, people):
    """What migration 0005 runs: the ledger rebuilt from the messages alone."""
    await _random_data(people)
    async with read_only() as session:
        before = await _ledger(session)
    async with unit_of_work(an_admin()) as uow:
        await uow.session.execute(delete(UsageLedger))
        await uow.session.execute(delete(UsageCounter))

    async with db.get_engine().begin() as connection:
        read = await connection.run_sync(usage_ledger.backfill)

    assert read > 100
    async with read_only() as session:
        after = await _ledger(session)
    ledger_before, counters_before = before
    assert after == (
        {(day, user, model, "unknown", cat): n for (day, user, model, _, cat), n in ledger_before.items()},
        counters_before,
    )
    await _assert_overview_agrees(90)


async def _ledger(session) -> tuple[dict, dict]:
    rows = (await session.execute(select(UsageLedger))).scalars().all()
    found = {}
    for r in rows:
        key = (r.day, r.user_id, r.model, r.channel, r.category)
        found[key] = (r.questions, r.answers_complete, r.answers_stopped, r.answers_failed, r.tokens_in, r.tokens_out)
    counters = (await session.execute(select(UsageCounter))).scalars().all()
    return found, {(c.day, c.metric, c.key): c.n for c in counters}


async def test_feedback_rows_are_not_needed_for_the_ledger(database, people):
    """Ratings live in their own table: the ledger neither needs nor counts them."""
    owner, _ = await people.user()
    await add_conversation(owner.id, at=days_ago(1), turns=[Turn(rating="up")])
    async with read_only() as session:
        assert len((await session.execute(select(MessageFeedback))).all()) == 1
    stats = await overview(an_admin(), 7)
    assert stats.thumbs_up == 1
