"""Asking questions through the service layer: what is saved, what the model sees, what a user can do.

Every answer comes from the fake OpenAI server (`ai_fake`), so the text is
known exactly and `ai_fake.requests` shows what the model was sent. Streams
are held open with a `threading.Event` gate instead of sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from finucity.models import AuditLog, Conversation, Message, MessageRole, MessageStatus, utcnow
from finucity.services import chat, conversations, generation
from finucity.services.context import read_only, unit_of_work
from finucity.services.errors import Busy, NotFound, RateLimited, ValidationError
from tests.fakes.fake_openai import Script
from tests.support.waiting import wait_until

FIRST_ANSWER = ["Under the new regime, ", "income up to ₹7 lakh ", "is effectively tax-free."]
SECOND_ANSWER = ["Section 80C ", "only helps ", "in the old regime."]
API_KEY = "sk-test-not-a-real-key"  # what the `ai_fake` fixture configures


# --- helpers --------------------------------------------------------------------------------


async def _count(model, *where) -> int:
    async with read_only() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def _row_counts() -> dict[str, int]:
    return {
        "conversations": await _count(Conversation),
        "messages": await _count(Message),
        "audit_log": await _count(AuditLog),
    }


async def _stored(message_id: uuid.UUID) -> Message | None:
    async with read_only() as session:
        return await session.get(Message, message_id)


async def _conversation(conversation_id: uuid.UUID) -> Conversation | None:
    async with read_only() as session:
        return await session.get(Conversation, conversation_id)


async def _messages_of(conversation_id: uuid.UUID) -> list[Message]:
    async with read_only() as session:
        rows = await session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.created_at, Message.id)
        )
        return list(rows)


async def _requests_reach(ai_fake, n: int) -> None:
    """Wait (off the event loop, which the generation needs) until the model got `n` requests."""
    await asyncio.to_thread(ai_fake.wait_for_requests, n)


async def _finish(turn: chat.Turn) -> Message:
    await asyncio.wait_for(turn.generation.wait(), 10)
    stored = await _stored(turn.answer.id)
    assert stored is not None
    return stored


def _sent(request: dict) -> list[tuple[str, str]]:
    """(role, content) of what the model was sent, without the system prompt."""
    messages = request["messages"]
    assert messages[0]["role"] == "system" and messages[0]["content"].strip()
    return [(m["role"], m["content"]) for m in messages[1:]]


async def _complete_turn(actor, ai_fake, question: str, answer: list[str], **kwargs) -> chat.Turn:
    ai_fake.enqueue(Script(chunks=answer))
    turn = await chat.send_message(actor, message=question, **kwargs)
    stored = await _finish(turn)
    assert stored.status == MessageStatus.complete.value, stored.error
    assert stored.content == "".join(answer)
    return turn


async def _insert_streaming_answer(
    conversation_id: uuid.UUID, *, heartbeat_age: timedelta, partial: str = ""
) -> Message:
    """A question with an answer row still marked streaming, as a worker leaves it.

    No generation runs for it in this process; `heartbeat_age` says how long
    ago its worker last saved it.
    """
    from finucity.services.context import Actor

    stamp = utcnow() - heartbeat_age
    async with unit_of_work(Actor(channel="system")) as uow:
        question = Message(
            conversation_id=conversation_id,
            role=MessageRole.user.value,
            content="A question whose answer never finished",
            created_at=stamp - timedelta(seconds=1),
            updated_at=stamp - timedelta(seconds=1),
        )
        answer = Message(
            conversation_id=conversation_id,
            role=MessageRole.assistant.value,
            content=partial,
            status=MessageStatus.streaming.value,
            created_at=stamp - timedelta(milliseconds=999),
            updated_at=stamp,
        )
        uow.session.add_all([question, answer])
    assert not generation.is_live(answer.id)
    return answer


# --- saving the question first ----------------------------------------------------------------


async def test_the_question_is_saved_before_the_model_answers(database, people, ai_fake):
    user, actor = await people.user()
    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=FIRST_ANSWER, gate=gate, gate_after=0))

    turn = await chat.send_message(actor, message="  How is my salary taxed?  ")
    try:
        await _requests_reach(ai_fake, 1)  # the model has been called and is holding its answer
        stored = await _messages_of(turn.conversation.id)
        assert [(m.role, m.content, m.status) for m in stored] == [
            ("user", "How is my salary taxed?", "complete"),
            ("assistant", "", "streaming"),
        ]
        assert stored[1].id == turn.answer.id
        conversation = await _conversation(turn.conversation.id)
        assert conversation is not None and conversation.user_id == user.id
        assert not turn.generation.done
    finally:
        gate.set()

    answer = await _finish(turn)
    assert answer.status == MessageStatus.complete.value
    assert answer.content == "".join(FIRST_ANSWER)
    assert turn.created_conversation
    # What the model was asked: the question itself, after a system prompt.
    assert _sent(ai_fake.requests[0]) == [("user", "How is my salary taxed?")]


async def test_a_new_conversation_is_titled_from_the_first_question_with_a_detected_category(database, people, ai_fake):
    _, actor = await people.user()

    gst = await _complete_turn(actor, ai_fake, "How do I claim **input tax credit** under GST?", ["Keep the invoices."])
    stored = await _conversation(gst.conversation.id)
    # Titles are plain text, shown as typed: nothing in them is Markdown.
    assert stored.title == "How do I claim **input tax credit** under GST?"
    assert stored.category == "gst"
    assert gst.question.category == "gst"

    long_question = (
        "I have a home loan, a car loan and a small personal loan from my bank, "
        "which of them should I repay first if I get a bonus this year?"
    )
    long = await _complete_turn(actor, ai_fake, long_question, ["The costliest one."])
    title = (await _conversation(long.conversation.id)).title
    assert title.endswith("…")
    assert 10 < len(title) <= 61
    assert long_question.startswith(title[:-1])

    chosen = await _complete_turn(actor, ai_fake, "How do I file my GST return?", ["Monthly."], category="insurance")
    assert (await _conversation(chosen.conversation.id)).category == "insurance"

    dunder = await _complete_turn(actor, ai_fake, "What does __init__ do in _my_ script?", ["It sets up."])
    assert (await _conversation(dunder.conversation.id)).title == "What does __init__ do in _my_ script?"

    plain = await _complete_turn(actor, ai_fake, "Hello there", ["Hello!"])
    assert (await _conversation(plain.conversation.id)).category == "general"

    # A follow-up does not retitle the conversation.
    await _complete_turn(
        actor, ai_fake, "And what about e-way bills?", ["Above ₹50,000."], conversation_id=gst.conversation.id
    )
    assert (await _conversation(gst.conversation.id)).title == "How do I claim **input tax credit** under GST?"


# --- history sent to the model ----------------------------------------------------------------


async def test_a_follow_up_sends_the_earlier_turns_to_the_model(database, people, ai_fake):
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "How is my salary taxed?", FIRST_ANSWER)

    second = await _complete_turn(
        actor, ai_fake, "Does 80C still help?", SECOND_ANSWER, conversation_id=str(first.conversation.id)
    )

    assert second.conversation.id == first.conversation.id
    assert not second.created_conversation
    assert _sent(ai_fake.requests[-1]) == [
        ("user", "How is my salary taxed?"),
        ("assistant", "".join(FIRST_ANSWER)),
        ("user", "Does 80C still help?"),
    ]
    assert [m.content for m in await _messages_of(first.conversation.id)] == [
        "How is my salary taxed?",
        "".join(FIRST_ANSWER),
        "Does 80C still help?",
        "".join(SECOND_ANSWER),
    ]


async def test_a_failed_answer_is_not_sent_as_history(database, people, ai_fake):
    _, actor = await people.user()
    ai_fake.enqueue(Script(chunks=["A wrong half-answer ", "that broke off"], error_after=1))
    first = await chat.send_message(actor, message="Which ITR form do I need?")
    failed = await _finish(first)
    assert failed.status == MessageStatus.failed.value
    assert failed.content == "A wrong half-answer "

    await _complete_turn(
        actor,
        ai_fake,
        "Let me ask again: which ITR form?",
        ["ITR-1 if salaried."],
        conversation_id=first.conversation.id,
    )

    sent = _sent(ai_fake.requests[-1])
    assert sent == [("user", "Which ITR form do I need?"), ("user", "Let me ask again: which ITR form?")]
    assert "half-answer" not in str(ai_fake.requests[-1]["messages"])


async def test_the_history_is_trimmed_to_the_newest_turns_when_the_budget_is_small(
    database, people, ai_fake, settings_env
):
    settings_env(AI_HISTORY_TOKENS="50")
    _, actor = await people.user()
    old_answer = "The oldest answer talks at length about the old regime slabs. " * 2  # ~30 tokens
    new_answer = "The newest answer covers HRA exemption rules in detail here!! " * 2  # ~30 tokens
    first = await _complete_turn(actor, ai_fake, "Old regime slabs?", [old_answer])
    cid = first.conversation.id
    await _complete_turn(actor, ai_fake, "HRA rules?", [new_answer], conversation_id=cid)
    await _complete_turn(actor, ai_fake, "And LTA?", ["LTA covers travel."], conversation_id=cid)

    sent = _sent(ai_fake.requests[-1])
    full = [("user", "Old regime slabs?"), ("assistant", old_answer), ("user", "HRA rules?"), ("assistant", new_answer)]
    assert sent[-1] == ("user", "And LTA?")
    history = sent[:-1]
    # The newest turn is kept, the oldest is dropped, and what is kept is the end of the conversation.
    assert ("assistant", new_answer) in history and ("user", "HRA rules?") in history
    assert ("assistant", old_answer) not in history and ("user", "Old regime slabs?") not in history
    assert history == full[len(full) - len(history) :]


# --- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(Script(status=401), id="bad-key"),  # the provider's error body echoes the API key
        pytest.param(Script(status=500), id="server-error"),
        pytest.param(Script(chunks=["Half ", "an answer"], error_after=1), id="error-mid-stream"),
        pytest.param(Script(chunks=["Half ", "an answer"], disconnect_after=1), id="disconnect-mid-stream"),
    ],
)
async def test_a_failed_answer_is_stored_as_failed_with_a_user_safe_error(database, people, ai_fake, script):
    ai_fake.set_default(script)  # also covers the SDK's one retry
    _, actor = await people.user()

    turn = await chat.send_message(actor, message="How much advance tax do I owe?")
    answer = await _finish(turn)

    assert answer.status == MessageStatus.failed.value
    assert answer.error and 10 < len(answer.error) <= 200
    for leak in (API_KEY, "sk-", "Incorrect API key", "Traceback", "Error(", "HTTP", "openai", "platform.openai.com"):
        assert leak not in answer.error, f"{leak!r} leaked into {answer.error!r}"
    if script.status == 200:
        assert answer.content == "Half "  # the partial text is kept
    # The question stays, and so does the conversation.
    stored = await _messages_of(turn.conversation.id)
    first = stored[0]
    assert (first.role, first.content, first.status) == ("user", "How much advance tax do I owe?", "complete")
    assert len(stored) == 2
    assert await _conversation(turn.conversation.id) is not None


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"message": ""}, "message", id="empty"),
        pytest.param({"message": "   \n\t  "}, "message", id="whitespace"),
        pytest.param({"message": "x" * 10_001}, "message", id="10001-chars"),
        pytest.param({"message": "What is \x00 GST?"}, "message", id="nul-byte"),
        pytest.param({"message": 42}, "message", id="not-a-string"),
        pytest.param({"message": None}, "message", id="none"),
        pytest.param({"message": ["a", "list"]}, "message", id="list"),
        pytest.param({"message": "Fine question", "category": "crypto"}, "category", id="unknown-category"),
        pytest.param({"message": "Fine question", "category": 7}, "category", id="category-not-a-string"),
    ],
)
async def test_invalid_input_is_refused_and_nothing_is_stored(database, people, ai_fake, fields, field):
    _, actor = await people.user()
    existing = await _complete_turn(actor, ai_fake, "A first question", ["A first answer."])
    before = await _row_counts()
    requests_before = len(ai_fake.requests)

    for conversation_id in (None, existing.conversation.id):
        with pytest.raises(ValidationError) as raised:
            await chat.send_message(actor, conversation_id=conversation_id, **fields)
        assert raised.value.field == field
        assert raised.value.message.strip()

    assert await _row_counts() == before
    assert len(ai_fake.requests) == requests_before


async def test_a_message_of_exactly_the_limit_is_accepted(database, people, ai_fake):
    _, actor = await people.user()
    text = "a" * 10_000
    turn = await _complete_turn(actor, ai_fake, text, ["Long question, short answer."])
    assert (await _stored(turn.question.id)).content == text


# --- rate limits ----------------------------------------------------------------------------


async def test_the_third_send_in_a_minute_is_rate_limited_and_stores_nothing(database, people, ai_fake, settings_env):
    settings_env(RATE_LIMIT="2/minute")
    _, actor = await people.user()
    _, other = await people.user()
    first = await _complete_turn(actor, ai_fake, "Question one", ["One."])
    await _complete_turn(actor, ai_fake, "Question two", ["Two."], conversation_id=first.conversation.id)
    before = await _row_counts()
    requests_before = len(ai_fake.requests)

    for conversation_id in (None, first.conversation.id):
        with pytest.raises(RateLimited) as raised:
            await chat.send_message(actor, message="Question three", conversation_id=conversation_id)
        assert raised.value.retry_after > 0
        assert raised.value.message.strip()

    assert await _row_counts() == before
    assert len(ai_fake.requests) == requests_before
    # Another user has their own allowance.
    await _complete_turn(other, ai_fake, "My own question", ["Your own answer."])


async def test_refused_input_does_not_use_up_the_rate_limit(database, people, ai_fake, settings_env):
    settings_env(RATE_LIMIT="2/minute")
    _, actor = await people.user()
    for _ in range(3):
        with pytest.raises(ValidationError):
            await chat.send_message(actor, message="   ")
    await _complete_turn(actor, ai_fake, "Now a real question", ["A real answer."])


# --- busy, ownership --------------------------------------------------------------------------


async def test_sending_into_a_conversation_that_is_still_answering_is_busy(database, people, ai_fake):
    _, actor = await people.user()
    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=["Part one", " and part two"], gate=gate, gate_after=1))
    turn = await chat.send_message(actor, message="A long question")
    try:
        await _requests_reach(ai_fake, 1)
        with pytest.raises(Busy):
            await chat.send_message(actor, message="Another one", conversation_id=turn.conversation.id)
        with pytest.raises(Busy):
            await chat.regenerate(actor, turn.conversation.id)
        assert len(await _messages_of(turn.conversation.id)) == 2  # nothing added
        assert len(ai_fake.requests) == 1
    finally:
        gate.set()
    answer = await _finish(turn)
    assert answer.content == "Part one and part two"
    # Once it is done, the next question goes through.
    await _complete_turn(actor, ai_fake, "Another one", ["Sure."], conversation_id=turn.conversation.id)


async def test_an_answer_streaming_on_another_worker_also_makes_the_conversation_busy(database, people, ai_fake):
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "First", ["First answer."])
    # Not live here, but saved a moment ago: another worker is writing it.
    await _insert_streaming_answer(first.conversation.id, heartbeat_age=timedelta(seconds=1), partial="Being writ")
    before = await _row_counts()

    with pytest.raises(Busy):
        await chat.send_message(actor, message="Next", conversation_id=first.conversation.id)

    assert await _row_counts() == before


async def test_two_questions_sent_at_once_into_one_conversation_start_only_one_answer(
    database, people, ai_fake, monkeypatch
):
    """A double-click on Send (or two tabs): only one answer may be written in a conversation at a time.

    The two sends are lined up so that both have looked for a streaming answer
    before either has saved its own, which is what happens when two requests
    arrive together. Each waits (at most a second) for the other at that
    point; a send that is made to wait by a lock simply goes on after it.
    """
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "First", ["First answer."])
    gate = threading.Event()
    ai_fake.set_default(Script(chunks=["Held ", "answer"], gate=gate, gate_after=1))

    checked = 0
    both_checked = asyncio.Event()
    real_open = chat._open_for_question

    async def lined_up_open(actor, conversation_id):
        nonlocal checked
        found = await real_open(actor, conversation_id)
        checked += 1
        if checked >= 2:
            both_checked.set()
        # Serialised by the application: the other send may never get here.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_checked.wait(), 1.0)
        return found

    monkeypatch.setattr(chat, "_open_for_question", lined_up_open)
    results: list = []
    try:
        results = await asyncio.gather(
            chat.send_message(actor, message="Again", conversation_id=first.conversation.id),
            chat.send_message(actor, message="Again", conversation_id=first.conversation.id),
            return_exceptions=True,
        )
        turns = [r for r in results if isinstance(r, chat.Turn)]
        refused = [r for r in results if isinstance(r, BaseException)]
        stored = await _messages_of(first.conversation.id)
        streaming = [m for m in stored if m.status == MessageStatus.streaming.value]
        assert len(turns) == 1 and len(refused) == 1 and isinstance(refused[0], Busy), results
        assert len(streaming) == 1
        assert [m.content for m in stored if m.role == MessageRole.user.value] == ["First", "Again"]
    finally:
        gate.set()
        for r in results:
            if isinstance(r, chat.Turn):
                await _finish(r)


@pytest.mark.parametrize("kind", ["someone-elses", "not-a-uuid", "unknown-uuid", "number"])
async def test_sending_to_a_conversation_that_is_not_yours_is_not_found(database, people, ai_fake, kind):
    _, owner = await people.user()
    _, intruder = await people.user()
    theirs = await _complete_turn(owner, ai_fake, "My private question", ["My private answer."])
    target = {
        "someone-elses": str(theirs.conversation.id),
        "not-a-uuid": "not-a-uuid' OR 1=1 --",
        "unknown-uuid": str(uuid.uuid4()),
        "number": 12345,
    }[kind]
    before = await _row_counts()
    updated_before = (await _conversation(theirs.conversation.id)).updated_at
    requests_before = len(ai_fake.requests)

    with pytest.raises(NotFound) as raised:
        await chat.send_message(intruder, message="Let me in", conversation_id=target)
    assert raised.value.message == "Conversation not found"
    with pytest.raises(NotFound):
        await chat.regenerate(intruder, target)
    with pytest.raises(NotFound):
        await chat.regenerate(intruder, target, new_question="Rewritten by someone else")

    assert await _row_counts() == before
    assert len(ai_fake.requests) == requests_before
    assert [m.content for m in await _messages_of(theirs.conversation.id)] == [
        "My private question",
        "My private answer.",
    ]
    assert (await _conversation(theirs.conversation.id)).updated_at == updated_before


async def test_answer_for_owner_shows_only_the_owners_answers(database, people, ai_fake):
    _, owner = await people.user()
    _, other = await people.user()
    turn = await _complete_turn(owner, ai_fake, "Question", ["Answer."])

    assert (await chat.answer_for_owner(owner, str(turn.answer.id))).content == "Answer."
    for actor, ident in ((other, turn.answer.id), (owner, "garbage"), (owner, uuid.uuid4())):
        with pytest.raises(NotFound):
            await chat.answer_for_owner(actor, ident)


# --- regenerate -----------------------------------------------------------------------------


async def test_regenerate_replaces_the_last_answer(database, people, ai_fake):
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "Is PPF tax-free?", ["Maybe."])
    old_answer_id = first.answer.id

    ai_fake.enqueue(Script(chunks=["Yes: ", "PPF is EEE."]))
    again = await chat.regenerate(actor, str(first.conversation.id))
    answer = await _finish(again)

    assert answer.status == MessageStatus.complete.value and answer.content == "Yes: PPF is EEE."
    assert await _stored(old_answer_id) is None
    stored = await _messages_of(first.conversation.id)
    assert [(m.role, m.content) for m in stored] == [("user", "Is PPF tax-free?"), ("assistant", "Yes: PPF is EEE.")]
    assert stored[0].id == first.question.id
    # The model is asked the same question, without the answer being replaced.
    assert _sent(ai_fake.requests[-1]) == [("user", "Is PPF tax-free?")]


async def test_regenerate_with_a_new_question_edits_the_last_question_and_answers_it(database, people, ai_fake):
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "What is ELSS?", ["A tax-saving fund."])
    second = await _complete_turn(
        actor, ai_fake, "Lock-in of PPF?", ["Fifteen years."], conversation_id=first.conversation.id
    )

    ai_fake.enqueue(Script(chunks=["Three years."]))
    edited = await chat.regenerate(actor, first.conversation.id, new_question="  Lock-in of ELSS?  ")
    answer = await _finish(edited)

    assert answer.content == "Three years." and answer.status == MessageStatus.complete.value
    assert await _stored(second.answer.id) is None
    stored = await _messages_of(first.conversation.id)
    assert [(m.role, m.content) for m in stored] == [
        ("user", "What is ELSS?"),
        ("assistant", "A tax-saving fund."),
        ("user", "Lock-in of ELSS?"),
        ("assistant", "Three years."),
    ]
    assert stored[2].id == second.question.id  # the same question, edited
    assert _sent(ai_fake.requests[-1]) == [
        ("user", "What is ELSS?"),
        ("assistant", "A tax-saving fund."),
        ("user", "Lock-in of ELSS?"),
    ]
    async with read_only() as session:
        edits = list(await session.scalars(select(AuditLog).where(AuditLog.action == "message.edit")))
    assert [e.target_id for e in edits] == [str(second.question.id)]


async def test_regenerate_with_an_invalid_new_question_changes_nothing(database, people, ai_fake):
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "What is ELSS?", ["A tax-saving fund."])
    before = await _row_counts()
    for bad in ("", "   ", "x" * 10_001, "a\x00b", 5):
        with pytest.raises(ValidationError) as raised:
            await chat.regenerate(actor, first.conversation.id, new_question=bad)
        assert raised.value.field == "message"
    assert await _row_counts() == before
    assert [m.content for m in await _messages_of(first.conversation.id)] == ["What is ELSS?", "A tax-saving fund."]


# --- stopping ---------------------------------------------------------------------------------


async def _held_answer(actor, ai_fake) -> tuple[chat.Turn, threading.Event]:
    """An answer that has written two pieces and is held before the third."""
    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=["Part one. ", "Part two. ", "The rest."], gate=gate, gate_after=2))
    turn = await chat.send_message(actor, message="Explain the new tax regime")

    async def two_pieces_saved():
        stored = await _stored(turn.answer.id)
        return stored.content == "Part one. Part two. "

    await wait_until(two_pieces_saved, what="the partial answer to be saved")
    return turn, gate


async def test_the_owner_can_stop_an_answer_and_keeps_the_partial_text(database, people, ai_fake):
    _, actor = await people.user()
    turn, gate = await _held_answer(actor, ai_fake)
    try:
        assert await chat.stop_answer(actor, str(turn.answer.id)) is True
        answer = await _finish(turn)
    finally:
        gate.set()

    assert answer.status == MessageStatus.stopped.value
    assert answer.content == "Part one. Part two. "
    await asyncio.to_thread(ai_fake.wait_closed_early, 1)  # the model's stream was closed, not read to the end
    # A stopped conversation takes the next question.
    await _complete_turn(actor, ai_fake, "Thanks", ["You're welcome."], conversation_id=turn.conversation.id)


async def test_another_user_cannot_stop_an_answer(database, people, ai_fake):
    _, owner = await people.user()
    _, other = await people.user()
    turn, gate = await _held_answer(owner, ai_fake)
    try:
        for ident in (turn.answer.id, str(turn.answer.id)):
            with pytest.raises(NotFound):
                await chat.stop_answer(other, ident)
        for ident in ("garbage", uuid.uuid4()):
            with pytest.raises(NotFound):
                await chat.stop_answer(owner, ident)
        assert not turn.generation.done
        assert (await _stored(turn.answer.id)).status == MessageStatus.streaming.value
    finally:
        gate.set()

    answer = await _finish(turn)
    assert answer.status == MessageStatus.complete.value
    assert answer.content == "Part one. Part two. The rest."


async def test_deleting_a_conversation_while_it_answers_ends_the_answer_and_leaves_no_rows(database, people, ai_fake):
    _, actor = await people.user()
    turn, gate = await _held_answer(actor, ai_fake)
    try:
        await conversations.delete_conversation(actor, turn.conversation.id)
        await asyncio.wait_for(turn.generation.wait(), 10)
        await asyncio.to_thread(ai_fake.wait_closed_early, 1)
    finally:
        gate.set()

    assert not generation.is_live(turn.answer.id)
    assert await _count(Message, Message.conversation_id == turn.conversation.id) == 0
    assert await _count(Conversation, Conversation.id == turn.conversation.id) == 0
    with pytest.raises(NotFound):
        await conversations.get_conversation(actor, turn.conversation.id)


# --- answers whose worker died ----------------------------------------------------------------


async def test_a_stale_streaming_answer_is_shown_as_interrupted_and_does_not_block(database, people, ai_fake):
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "First question", ["First answer."])
    dead = await _insert_streaming_answer(
        first.conversation.id,
        heartbeat_age=generation.STALE_STREAM_AFTER + timedelta(seconds=30),
        partial="Half of a dead answer",
    )

    detail = await conversations.get_conversation(actor, first.conversation.id)
    shown = next(m for m in detail.messages if m.id == dead.id)
    assert shown.status == MessageStatus.failed.value
    assert shown.error == generation.INTERRUPTED
    assert "interrupted" in shown.error.lower()
    assert shown.content == "Half of a dead answer"  # kept
    assert (await _stored(dead.id)).status == MessageStatus.failed.value

    turn = await _complete_turn(
        actor, ai_fake, "Next question", ["Next answer."], conversation_id=first.conversation.id
    )
    assert turn.conversation.id == first.conversation.id
    assert "Half of a dead answer" not in str(ai_fake.requests[-1]["messages"])


async def test_a_stale_streaming_answer_does_not_block_a_question_sent_without_reading_first(database, people, ai_fake):
    _, actor = await people.user()
    first = await _complete_turn(actor, ai_fake, "First question", ["First answer."])
    dead = await _insert_streaming_answer(
        first.conversation.id, heartbeat_age=generation.STALE_STREAM_AFTER + timedelta(minutes=5), partial="Dead"
    )

    await _complete_turn(actor, ai_fake, "Next question", ["Next answer."], conversation_id=first.conversation.id)

    stored = await _stored(dead.id)
    assert stored.status == MessageStatus.failed.value
    assert stored.error == generation.INTERRUPTED


async def test_a_lone_surrogate_is_a_clear_error_not_a_crash(database, people, ai_fake):
    _, actor = await people.user()
    with pytest.raises(ValidationError) as caught:
        await chat.send_message(actor, message="hello \ud800 world")
    assert caught.value.field == "message"
    assert "invalid character" in caught.value.message
    async with read_only() as session:
        assert await session.scalar(select(func.count()).select_from(Message)) == 0


async def test_a_stop_that_arrives_before_the_stream_starts_is_honoured(database, people, ai_fake):
    _, actor = await people.user()
    turn = await chat.send_message(actor, message="What is the PPF lock-in period?")
    turn.generation.stop()  # before the task reading the stream has even run
    await turn.generation.wait()
    async with read_only() as session:
        stored = await session.get(Message, turn.answer.id)
    assert stored.status == MessageStatus.stopped.value
