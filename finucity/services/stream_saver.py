"""Saving the answers being written in this process: one task, one transaction per interval.

Each `Generation` (services/generation.py) adds itself to `WRITING` when it
starts and leaves when it ends. One task per process saves the progress of
every answer in it, so 200 answers streaming at once cost one commit a second,
not 200. An answer whose row is no longer `streaming` (stopped from another
worker, its conversation deleted) is told to stop.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy import update

from finucity.models import Message, MessageStatus, utcnow
from finucity.services import group_commit

log = logging.getLogger("finucity.services.generation")

_saver: asyncio.Task | None = None
# The answers this process writes (what generation._LIVE lists, unless a test
# pretends an answer lives on another worker).
WRITING: set = set()


def ensure_saver(interval: float) -> None:
    """Start the saver of this event loop if it is not running."""
    global _saver
    loop = asyncio.get_running_loop()
    if _saver is None or _saver.done() or _saver.get_loop() is not loop:
        _saver = loop.create_task(_save_live_periodically(interval), name="generation-saver")


async def _save_live_periodically(interval: float) -> None:
    while WRITING:
        await asyncio.sleep(interval)
        due = [g for g in list(WRITING) if not g.done and g._save_due()]
        if not due:
            continue
        try:
            gone = await save_progress(due)
        except Exception:
            log.exception("Could not save %d streaming answers; will retry", len(due))
            continue
        for g in gone:
            # Stopped from another worker, or the conversation was deleted.
            g.stop()


async def save_progress(generations: list) -> list:
    """Save each answer's text so far; returns those no longer streaming in the database."""
    gone = []
    saved = []

    async def write(batch: group_commit.Batch) -> None:
        gone.clear()
        saved.clear()
        now = utcnow()
        for g in generations:
            text = g.text
            result = await batch.session.execute(
                update(Message)
                .execution_options(synchronize_session=False)
                .where(Message.id == g.message_id, Message.status == MessageStatus.streaming.value)
                .values(content=text, updated_at=now)
            )
            if result.rowcount:
                saved.append((g, len(text)))
            else:
                gone.append(g)

    # Through the writer the questions and final saves of this process go through: on
    # SQLite a transaction of its own would wait for theirs on the file's write lock.
    await group_commit.run(write)
    at = time.monotonic()
    for g, length in saved:
        g._saved_len = length
        g._last_save = at
    return gone
