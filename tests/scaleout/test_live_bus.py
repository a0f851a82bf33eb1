"""The live bus on Redis, in one process: what a reader on another worker would get."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest

from finucity.services.live_bus import InProcessBus, RedisBus, StreamUpdate
from tests.scaleout.cluster import scratch_redis
from tests.support.live_server import run_async


class Answer:
    """Stands in for a Generation: text that grows, then an end."""

    def __init__(self) -> None:
        self.message_id = uuid.uuid4()
        self.text = ""
        self.status = "streaming"
        self.error: str | None = None
        self._done = False
        self._changed = asyncio.Event()

    @property
    def done(self) -> bool:
        return self._done

    def write(self, piece: str) -> None:
        self.text += piece
        self._changed.set()

    def end(self, status: str) -> None:
        self.status, self._done = status, True
        self._changed.set()

    async def wait_for_text(self, have: int) -> None:
        while len(self.text) <= have and not self._done:
            self._changed.clear()
            await self._changed.wait()


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with scratch_redis() as url:
        yield url


async def _nothing_saved(_message_id, _offset) -> StreamUpdate | None:
    return None


def test_a_reader_gets_each_delta_while_it_is_written(redis_url, settings_env):
    run_async(_a_reader_gets_each_delta_while_it_is_written(redis_url, settings_env))


async def _a_reader_gets_each_delta_while_it_is_written(redis_url, settings_env):
    settings_env(STREAM_UI_INTERVAL_S="0.05")
    writer, reader = RedisBus(redis_url), RedisBus(redis_url)
    answer = Answer()
    relay = writer.relay(answer)
    relay.start()
    received: list[tuple[StreamUpdate, str]] = []

    async def read() -> None:
        async for update in reader.follow(answer.message_id, 0, _nothing_saved):
            received.append((update, answer.text))

    reading = asyncio.create_task(read())
    try:
        for n in range(10):
            answer.write(f"word{n} ")
            await asyncio.sleep(0.06)
        async with asyncio.timeout(5):
            while not received:
                await asyncio.sleep(0.01)
        answer.write("last.")
        answer.end("complete")
        await relay.finish()
        await asyncio.wait_for(reading, 5)
    finally:
        await writer.close()
        await reader.close()
    live = [update for update, written in received if not update.done]
    assert len(live) >= 3, "the text arrived in one piece at the end, not as it was written"
    assert "".join(update.delta for update, _ in received) == answer.text
    assert received[-1][0].done and received[-1][0].status == "complete"
    assert [update.offset for update, _ in received] == [
        sum(len(u.delta) for u, _ in received[:i]) for i in range(len(received))
    ]


def test_a_late_reader_gets_the_text_so_far_at_once(redis_url):
    run_async(_a_late_reader_gets_the_text_so_far_at_once(redis_url))


async def _a_late_reader_gets_the_text_so_far_at_once(redis_url):
    writer, reader = RedisBus(redis_url), RedisBus(redis_url)
    answer = Answer()
    relay = writer.relay(answer)
    relay.start()
    try:
        answer.write("The standard deduction is ")
        answer.write("₹75,000 under the new regime.")
        answer.end("stopped")
        await relay.finish()
        updates = [u async for u in reader.follow(answer.message_id, 5, _nothing_saved)]
    finally:
        await writer.close()
        await reader.close()
    assert "".join(u.delta for u in updates) == answer.text[5:]
    assert updates[0].offset == 5 and updates[-1].status == "stopped"


def test_a_stop_published_anywhere_reaches_the_writer(redis_url):
    run_async(_a_stop_published_anywhere_reaches_the_writer(redis_url))


async def _a_stop_published_anywhere_reaches_the_writer(redis_url):
    writer, elsewhere = RedisBus(redis_url), RedisBus(redis_url)
    heard: list[uuid.UUID] = []
    writer.watch_stops(heard.append)
    target = uuid.uuid4()
    try:
        # Subscribed once a stop sent now is heard (the subscription is asynchronous).
        async with asyncio.timeout(5):
            while True:
                if (await elsewhere.redis.pubsub_numsub("finucity:stop"))[0][1] > 0:
                    break
                await asyncio.sleep(0.02)
        pressed = time.monotonic()
        await elsewhere.request_stop(target)
        async with asyncio.timeout(5):
            while not heard:
                await asyncio.sleep(0.001)
        print(f"\nstop published -> heard by the writer's worker in {(time.monotonic() - pressed) * 1000:.1f} ms")
    finally:
        await writer.close()
        await elsewhere.close()
    assert heard == [target]


def test_without_redis_nothing_is_relayed():
    run_async(_without_redis_nothing_is_relayed())


async def _without_redis_nothing_is_relayed():
    bus = InProcessBus()
    assert not bus.distributed
    assert bus.relay(Answer()) is None
