"""The generation writer: one answer being written, independent of who watches.

A `Generation` reads the provider's stream, merges the pieces into its text,
saves that text to the database on a timer (services/stream_saver.py, one
task for every answer of the process), so a reload, another tab or another
worker can see it, and wakes its readers. Readers (`follow`; from elsewhere,
services/stream_readers.py) get the
text added since their offset, batched to at most one update per interval, so
a fast model does not turn into thousands of screen updates. A reader can
join at any offset and leave at any time; the answer goes on without it.

Stopping: `stop()` cancels the task reading the stream, which closes the
upstream HTTP response at once; the partial answer is kept and marked
`stopped`. A stop requested on another worker flips the row's status to
`stopped` and, with Redis, reaches the owner at once (services/live_bus.py,
which also carries the text to readers on other workers); without Redis the
owner sees the row at its next save.

Dying: a worker that dies mid-answer leaves its row `streaming`. The reaper
at the end of this module tells such a row (no heartbeat for a while, and
not live here) from a slow one, and marks it failed, keeping its text.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import update

from finucity.config import get_settings
from finucity.models import Message, MessageStatus, utcnow
from finucity.services import answer_cache, group_commit, live_bus, stream_saver, usage_ledger
from finucity.services.ai.provider import EMPTY_ANSWER, ChatProvider, ProviderError, Usage
from finucity.services.context import Actor, unit_of_work
from finucity.services.live_bus import StreamUpdate
from finucity.telemetry import metrics

log = logging.getLogger(__name__)

# Defaults of STREAM_HEARTBEAT_S and STREAM_STALE_AFTER_S (config.py), which win.
# Seconds between heartbeats of a streaming answer even when no text arrives.
HEARTBEAT_S = 5.0
# A streaming answer whose worker has not saved it for this long is dead:
# several missed heartbeats, not one slow save.
STALE_STREAM_AFTER = timedelta(seconds=30)
INTERRUPTED = "The answer was interrupted before it finished. Please retry."
FAILED_UNEXPECTEDLY = "Something went wrong while writing this answer. Please retry."
INTERRUPTED_BY_SHUTDOWN = "The server restarted while writing this answer. Please retry."

_LIVE: dict[uuid.UUID, Generation] = {}
# Set when the server is told to stop: from then on a stop is a shutdown, not a user's.
_SHUTTING_DOWN = False
_BACKGROUND: set[asyncio.Task] = set()


class Generation:
    def __init__(
        self,
        *,
        message_id: uuid.UUID,
        conversation_id: uuid.UUID,
        prompt: list[dict],
        provider: ChatProvider,
        spender: usage_ledger.Spender | None = None,
        cached: bool = False,
        on_complete: Callable[[str], Awaitable[None]] | None = None,
    ):
        self.message_id = message_id
        # Replayed from the answer cache (services/answer_cache.py): no tokens to count.
        self.cached = cached
        # Called with the text once a complete answer is saved (the answer cache's `store`).
        self.on_complete = on_complete
        self.spender = spender  # whose usage ledger the final save adds to
        self.conversation_id = conversation_id
        self.prompt = prompt
        self.provider = provider
        self.text = ""
        self.status = MessageStatus.streaming.value
        self.error: str | None = None
        self.usage = Usage()
        self.started = time.monotonic()
        self.first_token_s: float | None = None
        self._stop_requested = False
        self._saved_len = 0
        self._last_save = time.monotonic()
        self._changed = asyncio.Event()
        self._finished = asyncio.Event()
        self._stream_task: asyncio.Task | None = None
        self._task: asyncio.Task | None = None
        self._relay: live_bus.Relay | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> Generation:
        _LIVE[self.message_id] = self
        stream_saver.WRITING.add(self)
        # With Redis, readers and stops on other workers go through the bus.
        bus = live_bus.get_bus()
        bus.watch_stops(_stop_here)
        self._relay = bus.relay(self)
        if self._relay is not None:
            self._relay.start()
        metrics.stream_started()
        self._task = asyncio.create_task(self._run(), name=f"generation-{self.message_id}")
        return self

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    async def wait(self) -> None:
        await self._finished.wait()

    def stop(self) -> None:
        """Stop now and keep what was written (status `stopped`)."""
        if self.done or self._stop_requested:
            return
        self._stop_requested = True
        if self._stream_task is not None:
            self._stream_task.cancel()

    async def _run(self) -> None:
        settings = get_settings()
        # Saves come at least as often as the heartbeat the reaper waits for.
        stream_saver.ensure_saver(min(settings.stream_persist_interval_s, settings.stream_heartbeat_s))
        self._stream_task = asyncio.create_task(self._consume(settings))
        if self._stop_requested:  # stopped before the stream even began
            self._stream_task.cancel()
        try:
            await self._stream_task
            if not self.text.strip():
                raise EMPTY_ANSWER
            self.status = MessageStatus.complete.value
        except asyncio.CancelledError:
            if not self._stop_requested or _SHUTTING_DOWN:
                # The process is shutting down: record why, then let it go.
                self._finish_as(MessageStatus.failed.value, INTERRUPTED_BY_SHUTDOWN)
                await asyncio.shield(self._final_save())
                if not self._stop_requested:
                    raise
                return
            self.status = MessageStatus.stopped.value
        except ProviderError as exc:
            self._finish_as(MessageStatus.failed.value, exc.user_message)
        except Exception:
            log.exception("Generation %s failed", self.message_id)
            self._finish_as(MessageStatus.failed.value, FAILED_UNEXPECTEDLY)
        await self._final_save()

    def _finish_as(self, status: str, error: str | None) -> None:
        self.status = status
        self.error = error

    async def _consume(self, settings) -> None:
        stream = self.provider.stream(
            self.prompt,
            max_tokens=settings.ai_max_tokens,
            temperature=settings.ai_temperature,
            usage=self.usage,
        )
        try:
            async for piece in stream:
                if self.first_token_s is None:
                    self.first_token_s = time.monotonic() - self.started
                self.text += piece
                self._changed.set()
        finally:
            await stream.aclose()

    # --- persistence -------------------------------------------------------------

    def _save_due(self) -> bool:
        """Text not saved yet, or no heartbeat for STREAM_HEARTBEAT_S."""
        heartbeat_s = get_settings().stream_heartbeat_s
        return len(self.text) != self._saved_len or time.monotonic() - self._last_save >= heartbeat_s

    async def _final_save(self) -> None:
        latency_ms = int((time.monotonic() - self.started) * 1000)
        first_token_ms = None if self.first_token_s is None else int(self.first_token_s * 1000)

        async def write(batch: group_commit.Batch) -> bool:
            # `stopped` too: a stop from another worker set it, and the
            # text written since then still belongs in the row.
            # synchronize_session=False: the session holds no loaded rows, and the ORM's
            # default compiles each WHERE into a Python evaluator first (5.6% of a loaded
            # worker's event loop, by py-spy).
            saved = await batch.session.execute(
                update(Message)
                .execution_options(synchronize_session=False)
                .where(
                    Message.id == self.message_id,
                    Message.status.in_([MessageStatus.streaming.value, MessageStatus.stopped.value]),
                )
                .values(
                    content=self.text,
                    status=self.status,
                    error=self.error,
                    model=self.provider.model,
                    tokens_in=self.usage.tokens_in,
                    tokens_out=self.usage.tokens_out,
                    first_token_ms=first_token_ms,
                    latency_ms=latency_ms,
                    updated_at=utcnow(),
                )
            )
            if self.spender is not None:  # counted even if the row is gone: the tokens were spent
                usage_ledger.count_answer(
                    batch.tally,
                    self.spender,
                    saved=bool(saved.rowcount),
                    model=self.provider.model,
                    status=self.status,
                    tokens_in=self.usage.tokens_in,
                    tokens_out=self.usage.tokens_out,
                    first_token_ms=first_token_ms,
                    latency_ms=latency_ms,
                    error=self.error,
                )
            batch.touch(self.conversation_id)
            return bool(saved.rowcount)

        try:
            # With the other answers ending at this moment, in one transaction.
            saved = await group_commit.run(write)
            # Before readers hear of the end: whoever asks next finds it cached.
            if saved and self.status == MessageStatus.complete.value and self.on_complete is not None:
                await self.on_complete(self.text)
        except Exception:
            log.exception("Could not save the final state of answer %s", self.message_id)
        finally:
            _LIVE.pop(self.message_id, None)
            stream_saver.WRITING.discard(self)
            metrics.stream_finished(
                model=self.provider.model,
                status=self.status,
                first_token_s=self.first_token_s,
                # A replayed answer wrote no tokens; a 0 would skew the histogram.
                tokens_out=None if self.cached else self.usage.tokens_out,
            )
            self._finished.set()
            self._changed.set()
            if self._relay is not None:
                await self._relay.finish()  # after the final save: readers elsewhere read it next

    # --- readers -----------------------------------------------------------------

    async def wait_for_text(self, have: int) -> None:
        """Until the text is longer than `have`, or the answer is done."""
        while len(self.text) <= have and not self.done:
            self._changed.clear()
            await self._changed.wait()

    async def follow(self, offset: int = 0, interval: float | None = None) -> AsyncIterator[StreamUpdate]:
        """Text from `offset` on, at most one update per `interval`, then the end."""
        interval = get_settings().stream_ui_interval_s if interval is None else interval
        while True:
            finished = self.done
            if len(self.text) > offset or finished:
                delta = self.text[offset:]
                yield StreamUpdate(
                    delta=delta,
                    offset=offset,
                    done=finished,
                    status=self.status if finished else MessageStatus.streaming.value,
                    error=self.error if finished else None,
                )
                offset += len(delta)
                if finished:
                    return
                # Batch what arrives meanwhile into the next update.
                await asyncio.sleep(interval)
                continue
            self._changed.clear()
            if len(self.text) > offset or self.done:
                continue
            await self._changed.wait()


# --- the registry of this process -------------------------------------------------


def is_live(message_id: uuid.UUID) -> bool:
    return message_id in _LIVE


def live(message_id: uuid.UUID) -> Generation | None:
    return _LIVE.get(message_id)


def start(
    *,
    message_id: uuid.UUID,
    conversation_id: uuid.UUID,
    prompt: list[dict],
    provider: ChatProvider,
    spender: usage_ledger.Spender | None = None,
    cached: bool = False,
    on_complete: Callable[[str], Awaitable[None]] | None = None,
) -> Generation:
    return Generation(
        message_id=message_id,
        conversation_id=conversation_id,
        prompt=prompt,
        provider=provider,
        spender=spender,
        cached=cached,
        on_complete=on_complete,
    ).start()


def _stop_here(message_id: uuid.UUID) -> None:
    generation = _LIVE.get(message_id)
    if generation is not None:
        generation.stop()


def stop_conversation_local(conversation_id: uuid.UUID) -> None:
    for generation in list(_LIVE.values()):
        if generation.conversation_id == conversation_id:
            generation.stop()


async def request_stop(message_id: uuid.UUID) -> bool:
    """Stop an answer wherever it is being written. True if it was streaming."""
    generation = _LIVE.get(message_id)
    if generation is not None:
        generation.stop()
        return True
    # Another worker owns it: flag the row (the owner sees it at its next
    # save), and with Redis tell the owner at once.
    async with unit_of_work(Actor(channel="system")) as uow:
        result = await uow.session.execute(
            update(Message)
            .execution_options(synchronize_session=False)
            .where(Message.id == message_id, Message.status == MessageStatus.streaming.value)
            .values(status=MessageStatus.stopped.value)
        )
    if result.rowcount:
        await live_bus.get_bus().request_stop(message_id)
    return bool(result.rowcount)


# --- the reaper: answers whose worker died ----------------------------------------
# Beside the writer because "dead" is defined by it: not in this process's
# registry, and no heartbeat from any other worker for STALE_STREAM_AFTER.


def is_abandoned(message_id: uuid.UUID, updated_at: datetime) -> bool:
    """A streaming answer no worker is writing: not live here, and not saved
    by any other worker for STALE_STREAM_AFTER."""
    return not is_live(message_id) and utcnow() - updated_at > _stale_after()


def _stale_after() -> timedelta:
    return timedelta(seconds=get_settings().stream_stale_after_s)


async def fail_stale_streams(conversation_id: uuid.UUID) -> int:
    """Mark answers whose worker died mid-stream as failed, keeping their text."""
    cutoff = utcnow() - _stale_after()
    async with unit_of_work(Actor(channel="system")) as uow:
        result = await uow.session.execute(
            update(Message)
            .execution_options(synchronize_session=False)
            .where(
                Message.conversation_id == conversation_id,
                Message.status == MessageStatus.streaming.value,
                Message.updated_at < cutoff,
            )
            .values(status=MessageStatus.failed.value, error=INTERRUPTED)
            .returning(Message.id)
        )
        reaped = list(result.scalars())
        await usage_ledger.record_reaped(uow.session, reaped)
        return len(reaped)


def begin_shutdown() -> None:
    """The server was told to stop (SIGTERM): answers ended from now on, by a
    client that goes away or by `shutdown`, are marked interrupted by the
    restart, with their text, not stopped by the user."""
    global _SHUTTING_DOWN
    _SHUTTING_DOWN = True
    for generation in list(_LIVE.values()):
        generation.stop()


async def shutdown() -> None:
    """Cancel live generations so each records why it ended (server stopping)."""
    global _SHUTTING_DOWN
    _SHUTTING_DOWN = True
    tasks = [g._task for g in _LIVE.values() if g._task is not None]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    _SHUTTING_DOWN = False
    await live_bus.close()
    await answer_cache.close()
