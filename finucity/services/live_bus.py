"""The live bus: answers being written, followed from any worker, and stops.

One interface, two implementations:

* `InProcessBus` (no REDIS_URL, the default): one process serves every tab,
  so a reader always finds the answer in this process's registry
  (`generation.live`), and a stop always reaches it there. Nothing is relayed;
  the default one-process setup works exactly as it did before the bus.
* `RedisBus` (REDIS_URL set): each answer's writer appends its new text to a
  Redis Stream, `finucity:live:<message id>`, at most once per
  STREAM_UI_INTERVAL_S, and an end entry once the final text is saved. A
  reader on any worker reads the stream from the beginning (XREAD BLOCK), so
  it gets the text so far at once and then each delta as it is written. A
  stop is published on the `finucity:stop` channel; every worker writing
  answers listens and stops its own at once.

The database stays the durable record (saved on the writer's timer): a
reader falls back to it when the stream is silent (a slow model, a writer
that died, an answer older than the stream), and the stop is also written to
the row, so a worker that missed the message still stops at its next save.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

from finucity.config import get_settings

log = logging.getLogger(__name__)

STREAM_PREFIX = "finucity:live:"
STOP_CHANNEL = "finucity:stop"
# How long a reader waits on a silent stream before asking the database.
IDLE_CHECK_S = 2.0
# A stream outlives its answer briefly (readers that were mid-read), and an
# abandoned one expires on its own.
KEEP_WHILE_STREAMING_S = 3600
KEEP_AFTER_END_S = 120


@dataclasses.dataclass(frozen=True)
class StreamUpdate:
    """What a reader receives: new text, and once, the end."""

    delta: str
    offset: int  # length of the text before this delta
    done: bool = False
    status: str = "streaming"
    error: str | None = None


class Writing(Protocol):
    """What the bus needs of an answer being written (a `Generation`)."""

    message_id: uuid.UUID
    text: str
    status: str
    error: str | None

    @property
    def done(self) -> bool: ...

    async def wait_for_text(self, have: int) -> None: ...


# Reads the durable record: the update since `offset`, or None if no news.
DurableRead = Callable[[uuid.UUID, int], Awaitable[StreamUpdate | None]]


class LiveBus(Protocol):
    #: True when readers and stops may be on another process.
    distributed: bool

    def relay(self, answer: Writing) -> Relay | None: ...

    def follow(self, message_id: uuid.UUID, offset: int, durable: DurableRead) -> AsyncIterator[StreamUpdate]: ...

    async def request_stop(self, message_id: uuid.UUID) -> None: ...

    def watch_stops(self, on_stop: Callable[[uuid.UUID], None]) -> None: ...

    async def close(self) -> None: ...


class Relay(Protocol):
    def start(self) -> None: ...

    async def finish(self) -> None: ...


# --- one process -------------------------------------------------------------------


class InProcessBus:
    """Everything is in this process: readers use the live generation itself."""

    distributed = False

    def __init__(self) -> None:
        self._on_stop: Callable[[uuid.UUID], None] | None = None

    def relay(self, answer: Writing) -> Relay | None:
        return None

    async def follow(self, message_id: uuid.UUID, offset: int, durable: DurableRead) -> AsyncIterator[StreamUpdate]:
        # Not live here, so not live anywhere: the database has it all.
        while True:
            update = await durable(message_id, offset)
            if update is not None:
                yield update
                offset += len(update.delta)
                if update.done:
                    return
            await asyncio.sleep(IDLE_CHECK_S)

    async def request_stop(self, message_id: uuid.UUID) -> None:
        if self._on_stop is not None:
            self._on_stop(message_id)

    def watch_stops(self, on_stop: Callable[[uuid.UUID], None]) -> None:
        self._on_stop = on_stop

    async def close(self) -> None:
        return None


# --- Redis -------------------------------------------------------------------------


def _stream_key(message_id: uuid.UUID) -> str:
    return f"{STREAM_PREFIX}{message_id}"


class RedisRelay:
    """Appends an answer's new text to its stream while it is written."""

    def __init__(self, bus: RedisBus, answer: Writing, interval: float) -> None:
        self.bus = bus
        self.answer = answer
        self.interval = interval
        self.key = _stream_key(answer.message_id)
        self.sent = 0
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"relay-{self.answer.message_id}")

    async def _add(self, fields: dict[str, Any], keep_s: int) -> None:
        async with self.bus.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self.key, fields)
            pipe.expire(self.key, keep_s)
            await pipe.execute()

    async def _run(self) -> None:
        failures = 0
        while not self.answer.done:
            text = self.answer.text
            if len(text) <= self.sent:
                await self.answer.wait_for_text(self.sent)
                continue
            try:
                await self._add({"o": self.sent, "d": text[self.sent :]}, KEEP_WHILE_STREAMING_S)
                self.sent = len(text)
                failures = 0
            except Exception:  # noqa: BLE001 (readers fall back to the database)
                failures += 1
                if failures == 1:
                    log.warning("Could not relay answer %s through Redis; readers use the database", self.key)
            # Batch what arrives meanwhile into the next entry.
            await asyncio.sleep(self.interval)

    async def finish(self) -> None:
        """The final text is saved: send what is left and the end."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        text = self.answer.text
        fields: dict[str, Any] = {"o": self.sent, "d": text[self.sent :], "end": 1, "s": self.answer.status}
        if self.answer.error:
            fields["e"] = self.answer.error
        try:
            await self._add(fields, KEEP_AFTER_END_S)
        except Exception:  # noqa: BLE001
            log.warning("Could not relay the end of answer %s through Redis", self.key)


class RedisBus:
    distributed = True

    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self.url = url
        self.redis = aioredis.Redis.from_url(url, decode_responses=True, health_check_interval=30)
        self._stop_task: asyncio.Task | None = None
        self._on_stop: Callable[[uuid.UUID], None] | None = None

    def relay(self, answer: Writing) -> Relay | None:
        return RedisRelay(self, answer, get_settings().stream_ui_interval_s)

    async def follow(self, message_id: uuid.UUID, offset: int, durable: DurableRead) -> AsyncIterator[StreamUpdate]:
        """The answer from `offset` on, as its writer appends it, then the end."""
        key = _stream_key(message_id)
        last_id = "0-0"
        while True:
            try:
                reply = await self.redis.xread({key: last_id}, block=int(IDLE_CHECK_S * 1000), count=1000)
            except Exception:  # noqa: BLE001 (Redis gone: the database still has it)
                log.warning("Could not read answer %s from Redis; reading the database", key)
                reply = None
                await asyncio.sleep(IDLE_CHECK_S)
            entries = reply[0][1] if reply else []
            if not entries:
                # A silent stream: a slow model, a dead writer, or an answer
                # that started before its stream. The durable record decides.
                update = await durable(message_id, offset)
                if update is not None:
                    yield update
                    offset += len(update.delta)
                    if update.done:
                        return
                continue
            parts: list[str] = []
            start = offset
            end: dict[str, str] | None = None
            for entry_id, fields in entries:
                last_id = entry_id
                at, delta = int(fields.get("o", 0)), fields.get("d", "")
                if at <= offset < at + len(delta):
                    parts.append(delta[offset - at :])
                    offset = at + len(delta)
                if fields.get("end"):
                    end = fields
            behind = any(int(fields.get("o", 0)) > offset for _, fields in entries)
            if behind:
                # Text this reader never saw (an entry lost, or a stream that
                # began late): the durable record has what was saved of it.
                update = await durable(message_id, offset)
                if update is not None:
                    parts.append(update.delta)
                    offset += len(update.delta)
                    if update.done:
                        end = {"s": update.status, "e": update.error or ""}
            if end is not None:
                yield StreamUpdate(
                    delta="".join(parts),
                    offset=start,
                    done=True,
                    status=end.get("s") or "complete",
                    error=end.get("e") or None,
                )
                return
            if parts:
                yield StreamUpdate(delta="".join(parts), offset=start)

    async def request_stop(self, message_id: uuid.UUID) -> None:
        try:
            await self.redis.publish(STOP_CHANNEL, str(message_id))
        except Exception:  # noqa: BLE001 (the row says stopped; the writer sees it at its next save)
            log.warning("Could not publish a stop through Redis")
        if self._on_stop is not None:
            self._on_stop(message_id)  # (a writer here needs no Redis to hear it)

    def watch_stops(self, on_stop: Callable[[uuid.UUID], None]) -> None:
        """Call `on_stop` for every stop published by any worker (from now on)."""
        self._on_stop = on_stop
        if self._stop_task is None or self._stop_task.done():
            self._stop_task = asyncio.create_task(self._listen_for_stops(), name="live-bus-stops")

    async def _listen_for_stops(self) -> None:
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(STOP_CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") != "message" or self._on_stop is None:
                            continue
                        with contextlib.suppress(ValueError):
                            self._on_stop(uuid.UUID(str(message["data"])))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 (reconnect; the database flag covers the gap)
                log.warning("Lost the Redis stop channel; reconnecting")
                await asyncio.sleep(1.0)

    async def close(self) -> None:
        if self._stop_task is not None:
            self._stop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._stop_task
        await self.redis.aclose()


# --- the bus of this process ---------------------------------------------------------------


_buses: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveBus] = weakref.WeakKeyDictionary()
_default_bus = InProcessBus()


def get_bus() -> LiveBus:
    """This process's bus: Redis when REDIS_URL is set, else in-process.

    Created lazily (workers fork after import), one per event loop (a Redis
    connection belongs to the loop that opened it)."""
    url = get_settings().redis_url
    if not url:
        return _default_bus
    loop = asyncio.get_running_loop()
    bus = _buses.get(loop)
    if bus is None or getattr(bus, "url", None) != url:
        bus = _buses[loop] = RedisBus(url)
    return bus


async def close() -> None:
    """Server stopping: close this loop's bus."""
    with contextlib.suppress(RuntimeError):
        bus = _buses.pop(asyncio.get_running_loop(), None)
        if bus is not None:
            await bus.close()
