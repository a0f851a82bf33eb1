"""The answer cache (services/answer_cache.py): what shares a key, what is stored, and for how long.

Each backend test runs on this process's memory and on the real Redis at
127.0.0.1:6379 (`answer_cache_on`). Time moves through `answer_cache.clock`,
never by sleeping. The chat tests go through `chat.send_message` and
`chat.regenerate` with the fake OpenAI server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis
from sqlalchemy import func, select

from finucity.config import get_settings
from finucity.models import Category, Message, MessageRole, UsageLedger
from finucity.services import answer_cache, chat
from finucity.services.ai import prompts
from finucity.services.ai.factory import get_provider
from finucity.services.context import read_only
from finucity.telemetry import metrics
from tests.fakes.fake_openai import Script
from tests.support.waiting import wait_until

QUESTION = "What is the limit of section 80C?"
ANSWER = ["Section 80C allows ", "up to ₹1,50,000 ", "a year."]


@pytest.fixture(autouse=True)
def _cache_on(settings_env) -> None:
    """On for every test here (the suite's default is off: tests/conftest.py)."""
    settings_env(ANSWER_CACHE_ENABLED="true")


class _Model:
    """Stands in for a provider where only `model` and `offline` matter."""

    def __init__(self, model: str = "openai/gpt-4o-mini", offline: bool = False) -> None:
        self.model, self.offline = model, offline


def _first(question: str, category: Category = Category.income_tax, now: datetime | None = None) -> list[dict]:
    return prompts.build_messages(question, [], category, budget_tokens=6000, now=now)


def _key(question: str, category: Category = Category.income_tax, provider=None, now=None) -> str | None:
    return answer_cache.key_for(_first(question, category, now), category=category, provider=provider or _Model())


async def _in_redis(key: str) -> bool:
    """Whether the entry went to Redis (with a TTL as its ceiling), not to this process."""
    url = get_settings().redis_url
    if not url:
        return False
    client = aioredis.Redis.from_url(url)
    try:
        return await client.ttl(key) > 0
    finally:
        await client.aclose()


def _lookups(result: str) -> float:
    return metrics.cache_requests.labels(result)._value.get()


# --- the key ------------------------------------------------------------------------------------


def test_case_spacing_and_punctuation_do_not_change_the_key():
    assert _key(QUESTION) == _key("  what is the LIMIT of section 80c ")
    assert _key(QUESTION) == _key("What is the limit of section 80C!?")
    assert _key(QUESTION) == _key("what   is\tthe limit,of section 80C")
    assert _key(QUESTION) != _key("What is the limit of section 80D?")


def test_points_and_separators_inside_numbers_are_kept():
    assert answer_cache.normalise("Is it 1.5 lakh?") != answer_cache.normalise("Is it 15 lakh?")
    assert answer_cache.normalise("Salary 12,50,000") != answer_cache.normalise("Salary 125000")
    assert answer_cache.normalise("For FY 2024-25.") == "for fy 2024-25"


def test_only_a_question_that_starts_a_conversation_has_a_key():
    with_history = prompts.build_messages(
        QUESTION, [("user", "I earn ₹12 lakh."), ("assistant", "Noted.")], Category.income_tax, budget_tokens=6000
    )
    assert answer_cache.key_for(with_history, category=Category.income_tax, provider=_Model()) is None
    assert _key(QUESTION) is not None


def test_the_offline_assistant_and_a_disabled_cache_have_no_key(settings_env):
    assert _key(QUESTION, provider=_Model("finucity-offline", offline=True)) is None
    settings_env(ANSWER_CACHE_ENABLED="false")
    assert _key(QUESTION) is None


def test_category_model_and_system_prompt_each_change_the_key():
    base = _key(QUESTION)
    assert _key(QUESTION, Category.general) != base
    assert _key(QUESTION, provider=_Model("gpt-4o")) != base
    # The system prompt carries the date: another day's prompt is another version.
    assert _key(QUESTION, now=datetime(2026, 4, 1, 12, tzinfo=UTC)) != _key(
        QUESTION, now=datetime(2026, 4, 2, 12, tzinfo=UTC)
    )


# --- the stores ---------------------------------------------------------------------------------


async def test_a_stored_answer_is_found_until_its_time_is_up(answer_cache_on, settings_env, monkeypatch):
    settings_env(ANSWER_CACHE_TTL_S="300")
    now = [1_000_000.0]
    monkeypatch.setattr(answer_cache, "clock", lambda: now[0])
    key = _key(QUESTION)
    hits, misses = _lookups("hit"), _lookups("miss")

    assert await answer_cache.lookup(key) is None
    await answer_cache.store(key, "".join(ANSWER))
    assert await _in_redis(key) == (answer_cache_on == "redis")
    now[0] += 299
    assert await answer_cache.lookup(key) == "".join(ANSWER)
    now[0] += 2
    assert await answer_cache.lookup(key) is None

    assert (_lookups("hit") - hits, _lookups("miss") - misses) == (1, 2)


async def test_an_empty_answer_is_never_stored(answer_cache_on):
    key = _key(QUESTION)
    await answer_cache.store(key, "  \n ")
    assert await answer_cache.lookup(key) is None


async def test_memory_keeps_at_most_its_size():
    store = answer_cache.MemoryStore(size=2)
    for n in range(3):
        await store.put(f"k{n}", f"v{n}", 300)
    assert [await store.get(f"k{n}") for n in range(3)] == [None, "v1", "v2"]


async def test_redis_down_means_answering_without_the_cache(settings_env, caplog):
    settings_env(REDIS_URL="redis://127.0.0.1:1/0", ANSWER_CACHE_ENABLED="true")
    key = _key(QUESTION)
    errors = _lookups("error")
    with caplog.at_level(logging.WARNING, logger="finucity.services.answer_cache"):
        await answer_cache.store(key, "A secret answer about my PAN")
        assert await answer_cache.lookup(key) is None
    await answer_cache.close()
    assert _lookups("error") == errors + 1
    assert "Redis unreachable" in caplog.text
    assert "secret" not in caplog.text and "80C" not in caplog.text


# --- through chat: what is stored and what is not --------------------------------------------------


async def _answer_of(turn: chat.Turn) -> Message:
    await turn.generation.wait()
    async with read_only() as session:
        return await session.get(Message, turn.answer.id)


async def test_a_second_user_gets_the_first_users_answer_without_the_model(database, answer_cache_on, ai_fake, people):
    _, asha = await people.user()
    _, ravi = await people.user()
    ai_fake.enqueue(Script(chunks=ANSWER, usage=(50, 20)))

    first = await _answer_of(await chat.send_message(asha, message=QUESTION, category="income_tax"))
    turn = await chat.send_message(ravi, message="what is the LIMIT of section 80c", category="income_tax")
    second = await _answer_of(turn)

    assert len(ai_fake.requests) == 1
    assert second.content == first.content == "".join(ANSWER)
    assert (second.status, second.cached, second.tokens_in, second.tokens_out) == ("complete", True, 0, 0)
    assert (first.cached, first.tokens_in, first.tokens_out) == (False, 50, 20)
    assert turn.generation.cached and second.model == first.model == get_provider().model


async def test_failed_and_stopped_answers_are_never_stored(database, answer_cache_on, ai_fake, people, settings_env):
    settings_env(AI_MAX_RETRIES="0")
    _, asha = await people.user()
    ai_fake.enqueue(Script(chunks=ANSWER, error_after=1))
    failed = await _answer_of(await chat.send_message(asha, message=QUESTION, category="income_tax"))
    assert failed.status == "failed"

    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=ANSWER, gate=gate, gate_after=1))
    turn = await chat.send_message(asha, message=QUESTION, category="income_tax")
    await wait_until(lambda: _has_text(turn), what="the first words")
    await chat.stop_answer(asha, turn.answer.id)
    gate.set()
    assert (await _answer_of(turn)).status == "stopped"

    ai_fake.enqueue(Script(chunks=ANSWER))
    third = await _answer_of(await chat.send_message(asha, message=QUESTION, category="income_tax"))
    assert (third.status, third.cached) == ("complete", False)
    assert len(ai_fake.requests) == 3


async def _has_text(turn: chat.Turn) -> bool:
    return bool(turn.generation.text)


async def test_regenerate_and_edits_never_use_or_fill_the_cache(database, answer_cache_on, ai_fake, people):
    _, asha = await people.user()
    _, ravi = await people.user()
    ai_fake.enqueue(
        Script(chunks=ANSWER),
        Script(chunks=["A second answer."]),
        Script(chunks=["An answer to the edit."]),
        Script(chunks=["The model again."]),
    )
    asked = await chat.send_message(asha, message=QUESTION, category="income_tax")
    await _answer_of(asked)

    again = await _answer_of(await chat.regenerate(asha, asked.conversation.id))
    assert (again.content, again.cached) == ("A second answer.", False)
    # The cache still holds the first answer, not the regenerated one.
    from_cache = await _answer_of(await chat.send_message(ravi, message=QUESTION, category="income_tax"))
    assert (from_cache.content, from_cache.cached) == ("".join(ANSWER), True)

    edited = await _answer_of(await chat.regenerate(asha, asked.conversation.id, new_question="Is 80CCD(1B) extra?"))
    assert (edited.content, edited.cached) == ("An answer to the edit.", False)
    fresh = await _answer_of(await chat.send_message(ravi, message="Is 80CCD(1B) extra?", category="income_tax"))
    assert (fresh.content, fresh.cached) == ("The model again.", False)
    assert len(ai_fake.requests) == 4


async def test_a_cached_answer_is_counted_as_an_answer_but_spends_no_quota(
    database, answer_cache_on, ai_fake, people, settings_env
):
    from finucity.services import quota

    settings_env(DEFAULT_DAILY_TOKEN_QUOTA="100000")
    _, asha = await people.user()
    _, ravi = await people.user()
    ai_fake.enqueue(Script(chunks=ANSWER, usage=(50, 20)))
    await _answer_of(await chat.send_message(asha, message=QUESTION, category="income_tax"))
    assert (await _answer_of(await chat.send_message(ravi, message=QUESTION, category="income_tax"))).cached

    assert (await quota.usage(asha)).used == 70
    assert (await quota.usage(ravi)).used == 0
    async with read_only() as session:
        answers = list(await session.scalars(select(Message).where(Message.role == MessageRole.assistant.value)))
        # The ledger the overview reads: two complete answers, only the first one's tokens.
        ledger = (
            await session.execute(
                select(func.sum(UsageLedger.answers_complete), func.sum(UsageLedger.tokens_in + UsageLedger.tokens_out))
            )
        ).one()
    assert sorted(m.cached for m in answers) == [False, True]
    assert tuple(ledger) == (2, 70)
