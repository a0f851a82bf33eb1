"""What a server stop does to answers in flight, without a server process.

`begin_shutdown` (called on SIGTERM) and `shutdown` (the server's last hook)
end each live answer with its text, marked as interrupted by the restart,
never as stopped by the user; the test_worker_death tests drive the same path
through a real SIGTERM.
"""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import select

from finucity.models import Message
from finucity.services import chat, generation
from finucity.services.context import read_only
from tests.fakes.fake_openai import Script
from tests.support.waiting import wait_until


async def _held(actor, ai_fake, gate) -> chat.Turn:
    ai_fake.enqueue(Script(chunks=["Saved ", "so far", " not this"], gate=gate, gate_after=2))
    turn = await chat.send_message(actor, message="What is HRA exemption?")

    async def streamed() -> bool:
        return turn.generation.text == "Saved so far"

    await wait_until(streamed, what="two pieces")
    return turn


async def _row(message_id) -> Message:
    async with read_only() as session:
        return await session.scalar(select(Message).where(Message.id == message_id))


async def test_sigterm_marks_each_live_answer_interrupted_by_the_restart_with_its_text(database, people, ai_fake):
    _, first_user = await people.user()
    _, second_user = await people.user()
    gate = threading.Event()
    try:
        turns = [await _held(first_user, ai_fake, gate), await _held(second_user, ai_fake, gate)]
        generation.begin_shutdown()
        await asyncio.wait_for(asyncio.gather(*(t.generation.wait() for t in turns)), 10)
    finally:
        gate.set()
        await generation.shutdown()  # the server's last hook; also ends the shutting-down state
    for turn in turns:
        row = await _row(turn.answer.id)
        assert (row.status, row.content, row.error) == ("failed", "Saved so far", generation.INTERRUPTED_BY_SHUTDOWN)


async def test_a_stop_after_the_server_came_back_is_a_user_stop_again(database, people, ai_fake):
    _, actor = await people.user()
    generation.begin_shutdown()
    await generation.shutdown()
    gate = threading.Event()
    try:
        turn = await _held(actor, ai_fake, gate)
        await chat.stop_answer(actor, turn.answer.id)
        await asyncio.wait_for(turn.generation.wait(), 10)
    finally:
        gate.set()
    row = await _row(turn.answer.id)
    assert (row.status, row.content) == ("stopped", "Saved so far")
