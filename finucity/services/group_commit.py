"""Group commit: the small writes that arrive together share one transaction.

When 200 people ask at once, each question needs a short write before its model
is called (the question, its answer's empty row, the usage ledger's count), and
each answer a last one when it ends. In a transaction each, they queued for the
pool's connections and, on SQLite, for its one write lock, whose busy handler
sleeps between tries; and every transaction paid its own begin, commit and
statements. Here one writer per event loop takes every write waiting, runs them
one after another in one transaction with one flush of the rows they add, adds
their usage ledger counts up into one upsert per row, and commits once. Writes
that arrive meanwhile wait for the next transaction, so the batches grow with
the load and a lone write waits for nobody.

A write is a job: an async function of a `Batch`, returning what its caller
awaits. When a batch fails, its jobs run again each alone, so one bad job
(a race on a unique index, a conversation deleted meanwhile) fails only its own
caller; a job must therefore build what it writes without side effects elsewhere.
The database being down fails every job of the batch at once, as `Unavailable`.
A caller that goes away does not take its job with it: it is written anyway, and
`then` (see `run`) still runs, so a saved question always gets its answer started.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from finucity import db
from finucity.models import Conversation, utcnow
from finucity.services import usage_ledger
from finucity.services.context import DATABASE_DOWN, Actor, UnitOfWork
from finucity.services.errors import Unavailable

T = TypeVar("T")
R = TypeVar("R")
# More than this many jobs in one transaction hold the write lock too long for the rest.
MAX_JOBS = 256


@dataclasses.dataclass
class Batch:
    """What a job writes with: the shared session (add rows to it; they are flushed together
    after the last job), the ledger counts to add, and conversations to mark as updated."""

    session: AsyncSession
    tally: usage_ledger.Tally = dataclasses.field(default_factory=usage_ledger.Tally)
    touched: set[uuid.UUID] = dataclasses.field(default_factory=set)

    def audit(self, actor: Actor, action: str, **fields: Any) -> None:
        UnitOfWork(self.session, actor).audit(action, **fields)

    def touch(self, conversation_id: uuid.UUID) -> None:
        """Move the conversation to the top of its owner's list (one UPDATE for the batch)."""
        self.touched.add(conversation_id)


Job = Callable[[Batch], Awaitable[T]]


class _Writer:
    def __init__(self) -> None:
        self.waiting: list[tuple[Job, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    def submit(self, job: Job) -> asyncio.Future:
        done = asyncio.get_running_loop().create_future()
        self.waiting.append((job, done))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._write_waiting(), name="group-commit")
        return done

    async def _write_waiting(self) -> None:
        while self.waiting:
            jobs, self.waiting = self.waiting[:MAX_JOBS], self.waiting[MAX_JOBS:]
            await _write(jobs)


# One writer per event loop: tests and the CLI run several loops one after another.
_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Writer] = weakref.WeakKeyDictionary()


async def run(job: Job[T], then: Callable[[T], R] | None = None) -> T | R:
    """Write `job` in the next transaction; returns its result, or `then(result)`.

    `then` runs right after the commit even when the caller was cancelled meanwhile
    (the write is not undone by a caller going away)."""
    loop = asyncio.get_running_loop()
    writer = _WRITERS.get(loop)
    if writer is None:
        writer = _WRITERS[loop] = _Writer()
    done = writer.submit(job)
    try:
        result = await asyncio.shield(done)
    except asyncio.CancelledError:
        if then is not None:
            done.add_done_callback(lambda f: f.cancelled() or f.exception() is not None or then(f.result()))
        raise
    return then(result) if then is not None else result


async def execute(statement) -> None:
    """One statement written with the others (a "last seen" stamp, say)."""

    async def write(batch: Batch) -> None:
        await batch.session.execute(statement)

    await run(write)


async def _write(jobs: list[tuple[Job, asyncio.Future]]) -> None:
    try:
        results = await _transaction([job for job, _ in jobs])
    except DATABASE_DOWN as exc:
        for _, done in jobs:
            _fail(done, Unavailable(), cause=exc)
        return
    except Exception as exc:  # noqa: BLE001 - handed to the callers, below
        if len(jobs) == 1:
            _fail(jobs[0][1], exc)
            return
        # Which job broke it is unknown: each alone, so only that one fails.
        for one in jobs:
            await _write([one])
        return
    except BaseException as exc:  # the writer itself cancelled (shutdown): its callers hear of it
        for _, done in jobs:
            _fail(done, exc)
        raise
    for (_, done), result in zip(jobs, results, strict=True):
        if not done.done():
            done.set_result(result)


def _fail(done: asyncio.Future, exc: BaseException, *, cause: BaseException | None = None) -> None:
    if cause is not None:
        exc.__cause__ = cause
    if not done.done():
        done.set_exception(exc)


async def _transaction(jobs: list[Job]) -> list:
    async with db.session_scope() as session:
        batch = Batch(session)
        try:
            # Jobs run Core statements and add rows: no flush before each statement,
            # one flush of every added row (grouped into multi-row INSERTs) at the end.
            with session.no_autoflush:
                results = [await job(batch) for job in jobs]
            await session.flush()
            if batch.touched:
                now = utcnow()
                await session.execute(_TOUCH, [{"conversation_id": c, "now": now} for c in batch.touched])
            await usage_ledger.apply(session, batch.tally)
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
    return results


# The table's, not the entity's: with a list of rows, an ORM update would be a bulk update by key.
_TOUCH = (
    update(Conversation.__table__)
    .where(Conversation.__table__.c.id == bindparam("conversation_id"))
    .values(updated_at=bindparam("now"))
)
