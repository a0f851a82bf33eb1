"""The generation writer: saving as it streams, stopping, failing, following."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import delete, select

from finucity.models import Conversation, Message, MessageRole, MessageStatus
from finucity.services import generation, stream_readers
from finucity.services.ai.provider import ProviderError, Usage
from finucity.services.context import Actor, read_only, unit_of_work
from tests.support.waiting import wait_until


class ScriptedProvider:
    """A provider whose pieces arrive when the test releases them."""

    model = "scripted"
    offline = False

    def __init__(self, pieces: list[str], *, fail_with: ProviderError | None = None):
        self.pieces = pieces
        self.fail_with = fail_with
        self.released = asyncio.Queue()
        self.closed = asyncio.Event()

    def release(self, n: int = 1) -> None:
        for _ in range(n):
            self.released.put_nowait(True)

    async def stream(self, messages, *, max_tokens, temperature, usage: Usage):
        try:
            for piece in self.pieces:
                await self.released.get()
                yield piece
            if self.fail_with is not None:
                await self.released.get()
                raise self.fail_with
            usage.tokens_in, usage.tokens_out = 11, len(self.pieces)
        finally:
            self.closed.set()


async def _placeholder(people) -> tuple[uuid.UUID, uuid.UUID]:
    user, actor = await people.user()
    async with unit_of_work(actor) as uow:
        conversation = Conversation(user_id=user.id, title="Test")
        uow.session.add(conversation)
        await uow.session.flush()
        uow.session.add(Message(conversation_id=conversation.id, role=MessageRole.user.value, content="Q?"))
        answer = Message(
            conversation_id=conversation.id, role=MessageRole.assistant.value, status=MessageStatus.streaming.value
        )
        uow.session.add(answer)
    return conversation.id, answer.id


async def _stored(message_id: uuid.UUID) -> Message | None:
    async with read_only() as session:
        return await session.scalar(select(Message).where(Message.id == message_id))


async def test_text_is_saved_while_streaming_and_completed_at_the_end(database, people):
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(["Namaste", ", here is ", "the answer."])
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)

    provider.release(1)

    async def first_piece_saved():
        stored = await _stored(message_id)
        return stored.content == "Namaste" and stored.status == MessageStatus.streaming.value

    await wait_until(first_piece_saved, what="the first piece to be saved")  # saved before the answer finished
    provider.release(2)
    await running.wait()
    stored = await _stored(message_id)
    assert stored.content == "Namaste, here is the answer."
    assert stored.status == MessageStatus.complete.value
    assert (stored.tokens_in, stored.tokens_out, stored.model) == (11, 3, "scripted")
    assert stored.latency_ms is not None
    assert not generation.is_live(message_id)


async def test_stop_keeps_the_partial_answer_and_closes_the_stream(database, people):
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(["Part one. ", "Part two.", "Never sent."])
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(2)
    while len(running.text) < len("Part one. Part two."):
        await asyncio.sleep(0.01)
    assert await generation.request_stop(message_id)
    await running.wait()
    assert provider.closed.is_set()
    stored = await _stored(message_id)
    assert stored.status == MessageStatus.stopped.value
    assert stored.content == "Part one. Part two."


async def test_a_provider_error_is_stored_as_failed_with_its_safe_message(database, people):
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(
        ["Half an answer"], fail_with=ProviderError("The AI service is busy right now.", code="rate_limited")
    )
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(2)
    await running.wait()
    stored = await _stored(message_id)
    assert stored.status == MessageStatus.failed.value
    assert stored.error == "The AI service is busy right now."
    assert stored.content == "Half an answer"  # kept, never silently dropped


@pytest.mark.parametrize("pieces", [[], ["   ", "\n\n"]])
async def test_an_empty_or_blank_answer_is_a_failure(database, people, pieces):
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(pieces)
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(len(pieces))
    await running.wait()
    stored = await _stored(message_id)
    assert stored.status == MessageStatus.failed.value
    assert "empty" in stored.error.lower()


async def test_an_unexpected_crash_is_stored_as_failed_without_details(database, people):
    class Exploding(ScriptedProvider):
        async def stream(self, messages, **kwargs):
            yield "Start. "
            raise RuntimeError("secret internal detail sk-12345")

    conversation_id, message_id = await _placeholder(people)
    running = generation.start(
        message_id=message_id, conversation_id=conversation_id, prompt=[], provider=Exploding([])
    )
    await running.wait()
    stored = await _stored(message_id)
    assert stored.status == MessageStatus.failed.value
    assert "secret" not in stored.error and "sk-" not in stored.error
    assert stored.content == "Start. "


async def test_readers_get_batched_deltas_that_add_up_to_the_answer(database, people):
    conversation_id, message_id = await _placeholder(people)
    pieces = [f"w{i} " for i in range(200)]
    provider = ScriptedProvider(pieces)
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(len(pieces))
    updates = [u async for u in running.follow(0, interval=0.05)]
    text = "".join(u.delta for u in updates)
    assert text == "".join(pieces)
    assert updates[-1].done and updates[-1].status == MessageStatus.complete.value
    # Many pieces, few updates: the reader is not woken per token.
    assert len(updates) < len(pieces) / 4
    # Offsets are contiguous, so a reader can resume anywhere.
    position = 0
    for u in updates:
        assert u.offset == position
        position += len(u.delta)


async def test_a_late_reader_joins_at_its_offset(database, people):
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(["abc", "def", "ghi"])
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(2)
    while running.text != "abcdef":
        await asyncio.sleep(0.01)
    reader = running.follow(3, interval=0.01)
    first = await anext(reader)
    assert first.delta == "def"
    provider.release(1)
    rest = "".join([u.delta async for u in reader])
    assert rest == "ghi"


async def test_following_from_another_worker_reads_the_database(database, people):
    """A reader in a process that does not run the generation polls the row."""
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(["Saved ", "and ", "finished."])
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(1)
    # Pretend this reader lives elsewhere: bypass the in-process registry.
    remote = stream_readers.follow_database(message_id, 0)
    first = await anext(remote)
    assert first.delta == "Saved "
    provider.release(2)
    rest = [u async for u in remote]
    assert "".join(u.delta for u in rest) == "and finished."
    assert rest[-1].done and rest[-1].status == MessageStatus.complete.value
    await running.wait()


async def test_a_stop_requested_from_another_worker_is_honoured(database, people):
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(["Kept. ", "Lost."])
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(1)
    while running.text != "Kept. ":
        await asyncio.sleep(0.01)
    # Another worker flags the row; this one sees it at its next save.
    generation._LIVE.pop(message_id)
    assert await generation.request_stop(message_id)
    await running.wait()
    stored = await _stored(message_id)
    assert stored.status == MessageStatus.stopped.value
    assert stored.content == "Kept. "


async def test_deleting_the_conversation_ends_its_generation(database, people):
    conversation_id, message_id = await _placeholder(people)
    provider = ScriptedProvider(["One. ", "Two."])
    running = generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
    provider.release(1)
    async with unit_of_work(Actor()) as uow:
        await uow.session.execute(delete(Message).where(Message.conversation_id == conversation_id))
        await uow.session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    await asyncio.wait_for(running.wait(), 5)
    assert provider.closed.is_set()
    assert await _stored(message_id) is None


async def test_answers_streaming_side_by_side_are_each_saved_while_streaming(database, people):
    # One saver writes every live answer of the process: none may be skipped,
    # and each keeps its own text.
    placeholders = [await _placeholder(people) for _ in range(3)]
    ids = [message_id for _, message_id in placeholders]
    providers = [ScriptedProvider([f"Answer {i} begins. ", "It ends."]) for i in range(3)]
    running = [
        generation.start(message_id=message_id, conversation_id=conversation_id, prompt=[], provider=provider)
        for (conversation_id, message_id), provider in zip(placeholders, providers, strict=True)
    ]
    for provider in providers:
        provider.release(1)

    async def all_first_pieces_saved():
        stored = [await _stored(message_id) for message_id in ids]
        return all(
            s.content == f"Answer {i} begins. " and s.status == MessageStatus.streaming.value
            for i, s in enumerate(stored)
        )

    await wait_until(all_first_pieces_saved, what="every answer's first piece to be saved while streaming")
    for provider in providers:
        provider.release(1)
    for g in running:
        await g.wait()
    for i, message_id in enumerate(ids):
        stored = await _stored(message_id)
        assert (stored.content, stored.status) == (f"Answer {i} begins. It ends.", MessageStatus.complete.value)
