"""Following an answer from anywhere: this process, another worker, or the database.

A tab that reloads, a second tab, or a tab served by another worker follows
the answer from the offset it already shows: live from the `Generation` when
it runs in this process, through the live bus when Redis connects the workers
(services/live_bus.py), else by reading the saved row every DB_POLL_S. A row
left `streaming` by a dead worker is reaped on the way (generation's reaper).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

from sqlalchemy import select

from finucity.models import Message, MessageStatus
from finucity.services import generation, live_bus
from finucity.services.context import read_only
from finucity.services.live_bus import StreamUpdate

# How often a reader on another worker polls the database.
DB_POLL_S = 0.5


async def follow(message_id: uuid.UUID, offset: int = 0) -> AsyncIterator[StreamUpdate]:
    """Follow an answer: live from this process, through the live bus from
    another worker (Redis), or by polling the database."""
    running = generation.live(message_id)
    if running is not None:
        async for update_ in running.follow(offset):
            yield update_
        return
    bus = live_bus.get_bus()
    source = bus.follow(message_id, offset, read_durable) if bus.distributed else follow_database(message_id, offset)
    async for update_ in source:
        yield update_


async def follow_database(message_id: uuid.UUID, offset: int) -> AsyncIterator[StreamUpdate]:
    while True:
        running = generation.live(message_id)
        if running is not None:  # it started here after all (a retry, a race)
            async for update_ in running.follow(offset):
                yield update_
            return
        update_ = await read_durable(message_id, offset)
        if update_ is not None:
            yield update_
            offset += len(update_.delta)
            if update_.done:
                return
        await asyncio.sleep(DB_POLL_S)


async def read_durable(message_id: uuid.UUID, offset: int) -> StreamUpdate | None:
    """The saved text after `offset` and whether it is finished (None: no news)."""
    while True:
        async with read_only() as session:
            row = (
                await session.execute(
                    select(
                        Message.content, Message.status, Message.error, Message.updated_at, Message.conversation_id
                    ).where(Message.id == message_id)
                )
            ).first()
        if row is None:
            return StreamUpdate(
                delta="", offset=offset, done=True, status=MessageStatus.failed.value, error="This answer was deleted."
            )
        content, status, error, updated_at, conversation_id = row
        finished = status != MessageStatus.streaming.value
        if not finished and generation.is_abandoned(message_id, updated_at):
            await generation.fail_stale_streams(conversation_id)
            continue
        delta = content[offset:] if len(content) > offset else ""
        if delta or finished:
            return StreamUpdate(delta=delta, offset=offset, done=finished, status=status, error=error)
        return None
