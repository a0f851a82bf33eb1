"""Every way the AI service can fail, end to end through the service layer.

The real `OpenAIProvider` talks to the fake server (tests/fakes/fake_openai.py),
and each fault must end the same way for the user: the question is kept, any
text that streamed is kept and the answer marked failed with a reason, no blank
answer is stored as complete, and Retry (regenerate) then works.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading

import pytest
from sqlalchemy import select

from finucity.models import Message, MessageRole, MessageStatus
from finucity.services import chat
from finucity.services.context import read_only
from tests.fakes.fake_openai import FakeOpenAI, Script

KEY = "sk-faults-DO-NOT-LOG-91c2"
NEVER = threading.Event()  # a gate nobody opens: a stream that stalls


@pytest.fixture
def faulty_ai(fake_openai, settings_env):
    """The fake provider with short time-outs and fast retries."""
    settings_env(
        AI_BASE_URL=fake_openai.base_url,
        AI_API_KEY=KEY,
        AI_TIMEOUT_S="0.5",
        AI_STREAM_IDLE_TIMEOUT_S="0.4",
        AI_MAX_RETRIES="2",
        AI_RETRY_BACKOFF_S="0.02",
        AI_RETRY_MAX_WAIT_S="2",
    )
    return fake_openai


@dataclasses.dataclass
class Fault:
    name: str
    scripts: list[Script]
    status: str  # of the stored answer
    text: str  # the stored answer's text ("" = nothing streamed)
    requests: int  # attempts the fake saw
    message: str = ""  # part of the error the user sees

    def __str__(self) -> str:
        return self.name


def _ok(*chunks: str) -> Script:
    return Script(chunks=list(chunks))


FAULTS = [
    Fault("first-token-timeout", [Script(first_delay_s=30)] * 3, "failed", "", 3, "took too long"),
    Fault("head-timeout", [Script(head_delay_s=30)] * 3, "failed", "", 3, "took too long"),
    Fault("timeout-then-ok", [Script(first_delay_s=30), _ok("Fine", ".")], "complete", "Fine.", 2),
    Fault(
        "stall-between-tokens",
        [Script(chunks=["Part one,", " part two", " never"], gate=NEVER, gate_after=2)],
        "failed",
        "Part one, part two",
        1,
        "stopped sending",
    ),
    Fault("401", [Script(status=401)], "failed", "", 1, "assistant is unavailable"),
    Fault("403", [Script(status=403)], "failed", "", 1, "assistant is unavailable"),
    Fault(
        "429-retry-after-then-ok",
        [Script(status=429, retry_after_ms=None, retry_after_s=0.05), _ok("After", " waiting.")],
        "complete",
        "After waiting.",
        2,
    ),
    Fault("429-always", [Script(status=429)] * 3, "failed", "", 3, "busy"),
    Fault("429-retry-after-too-long", [Script(status=429, retry_after_ms=None, retry_after_s=3600)], "failed", "", 1),
    Fault(
        "500-then-ok", [Script(status=500, retry_after_ms=None), _ok("Second", " try.")], "complete", "Second try.", 2
    ),
    Fault("502-503-then-ok", [Script(status=502), Script(status=503), _ok("Third.")], "complete", "Third.", 3),
    Fault("503-always", [Script(status=503)] * 3, "failed", "", 3, "failed to answer"),
    Fault("400-not-retried", [Script(status=400)], "failed", "", 1, "could not process"),
    Fault(
        "error-event-after-text",
        [Script(chunks=["Half", " an", " answer"], error_after=2)],
        "failed",
        "Half an",
        1,
    ),
    Fault("malformed-first-then-ok", [Script(chunks=["x"], malformed_after=0), _ok("Clean.")], "complete", "Clean.", 2),
    Fault(
        "malformed-after-text",
        [Script(chunks=["Some", " text", " more"], malformed_after=2)],
        "failed",
        "Some text",
        1,
    ),
    Fault(
        "disconnect-mid-stream",
        [Script(chunks=["Alpha", " beta", " gamma"], disconnect_after=2)],
        "failed",
        "Alpha beta",
        1,
    ),
    Fault(
        "disconnect-before-text-then-ok",
        [Script(chunks=["lost"], disconnect_after=0), _ok("Recovered.")],
        "complete",
        "Recovered.",
        2,
    ),
    Fault("empty-answer", [Script(empty=True)], "failed", "", 1, "empty answer"),
    Fault("blank-answer", [Script(chunks=["  ", "\n"])], "failed", "  \n", 1, "empty answer"),
]


async def _messages(conversation_id) -> list[Message]:
    async with read_only() as session:
        rows = await session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.created_at, Message.id)
        )
        return list(rows)


def assert_kept_and_marked(messages: list[Message], question: str) -> Message:
    """The invariant of every fault: the question, then one answer, complete or marked."""
    assert [m.role for m in messages] == [MessageRole.user.value, MessageRole.assistant.value]
    assert messages[0].content == question
    answer = messages[1]
    assert answer.status in (MessageStatus.complete.value, MessageStatus.failed.value)
    if answer.status == MessageStatus.complete.value:
        assert answer.content.strip(), "a complete answer is never blank"
        assert answer.error is None
    else:
        assert answer.error, "a failed answer says why"
    return answer


@pytest.mark.parametrize("fault", FAULTS, ids=str)
async def test_each_provider_fault_keeps_the_question_marks_the_answer_and_retry_works(
    sqlite_database, people, faulty_ai: FakeOpenAI, fault: Fault, caplog
):
    _, actor = await people.user()
    faulty_ai.enqueue(*fault.scripts)
    question = f"What is the tax on my salary? ({fault.name})"

    caplog.set_level(logging.INFO)
    turn = await chat.send_message(actor, message=question)
    await asyncio.wait_for(turn.generation.wait(), 30)

    answer = assert_kept_and_marked(await _messages(turn.conversation.id), question)
    assert (answer.status, answer.content) == (fault.status, fault.text)
    assert fault.message.lower() in (answer.error or "").lower()
    assert len(faulty_ai.requests) == fault.requests
    assert KEY not in caplog.text
    assert KEY not in (answer.error or "")

    # Retry, as the user's button does: the last question answered again.
    faulty_ai.reset()
    faulty_ai.enqueue(_ok("A fresh", " answer."))
    retried = await chat.regenerate(actor, turn.conversation.id)
    await asyncio.wait_for(retried.generation.wait(), 30)
    messages = await _messages(turn.conversation.id)
    again = assert_kept_and_marked(messages, question)
    assert (again.status, again.content) == ("complete", "A fresh answer.")


async def test_a_refused_connection_is_retried_then_marked_and_retry_works_when_it_is_back(
    sqlite_database, people, settings_env, caplog
):
    # A port that listened and is closed now: connection refused.
    server = FakeOpenAI().start()
    base_url = server.base_url
    server.stop()
    settings_env(
        AI_BASE_URL=base_url, AI_API_KEY=KEY, AI_TIMEOUT_S="0.5", AI_MAX_RETRIES="2", AI_RETRY_BACKOFF_S="0.02"
    )
    _, actor = await people.user()
    caplog.set_level(logging.WARNING)
    turn = await chat.send_message(actor, message="Is my PPF interest taxable?")
    await asyncio.wait_for(turn.generation.wait(), 30)

    answer = assert_kept_and_marked(await _messages(turn.conversation.id), "Is my PPF interest taxable?")
    assert (answer.status, answer.content) == ("failed", "")
    assert "could not reach" in answer.error.lower()
    assert caplog.text.count("retry ") == 2  # two retries, then it gave up

    with server:  # the same port answers again
        server.enqueue(_ok("Yes, ", "mostly not."))
        retried = await chat.regenerate(actor, turn.conversation.id)
        await asyncio.wait_for(retried.generation.wait(), 30)
    again = assert_kept_and_marked(await _messages(turn.conversation.id), "Is my PPF interest taxable?")
    assert (again.status, again.content) == ("complete", "Yes, mostly not.")


async def test_a_rejected_key_tells_the_operator_which_setting_without_the_key(
    sqlite_database, people, faulty_ai: FakeOpenAI, caplog
):
    _, actor = await people.user()
    faulty_ai.enqueue(Script(status=401))
    caplog.set_level(logging.INFO)
    turn = await chat.send_message(actor, message="How much GST on restaurant bills?")
    await asyncio.wait_for(turn.generation.wait(), 30)

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("AI_API_KEY" in r.getMessage() and "401" in r.getMessage() for r in errors), caplog.text
    assert KEY not in caplog.text
    assert "assistant is unavailable" in turn.generation.error.lower()


async def test_retry_after_is_honoured_before_the_next_attempt(sqlite_database, people, faulty_ai, caplog):
    _, actor = await people.user()
    faulty_ai.enqueue(Script(status=429, retry_after_ms=None, retry_after_s=0.3), _ok("Done."))
    caplog.set_level(logging.WARNING)
    turn = await chat.send_message(actor, message="When is advance tax due?")
    await asyncio.wait_for(turn.generation.wait(), 30)

    assert turn.generation.status == "complete"
    # The wait announced is the one the service asked for, not the backoff.
    assert "retry 1 of 2 in 0.30 s" in caplog.text
