"""Rate limits on the `limits` library: Redis when REDIS_URL is set, else memory.

The same counters serve the UI and the API, so a user cannot double their
allowance by switching doors.

Redis down: the limits fall back to this process's own counters (logged as a
warning, at most once a minute), so sending and signing in keep working and
are still limited per worker; the shared counters are used again as soon as
Redis answers.
"""

from __future__ import annotations

import functools
import logging
import math
import time

from limits import RateLimitItem, parse
from limits import storage as sync_storage
from limits import strategies as sync_strategies
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from finucity.config import get_settings
from finucity.services.errors import RateLimited
from finucity.telemetry import metrics
from finucity.telemetry.logs import ThrottledWarning

log = logging.getLogger(__name__)
# Seconds between two "Redis is down" warnings.
_redis_down = ThrottledWarning(log)


class _LocalLimiter:
    """This process's counters, with the asynchronous limiter's methods.

    limits' asyncio MemoryStorage expires old hits by handing each key to a
    thread (`asyncio.to_thread`) after every hit: under 200 streams starting at
    once that was about 5% of the event loop's time. The synchronous storage
    does the same bookkeeping under a lock in microseconds and expires from
    its own timer thread, so calling it from the loop does not block."""

    def __init__(self) -> None:
        self._sync = sync_strategies.MovingWindowRateLimiter(sync_storage.MemoryStorage())

    async def hit(self, item: RateLimitItem, *keys: str) -> bool:
        return self._sync.hit(item, *keys)

    async def test(self, item: RateLimitItem, *keys: str) -> bool:
        return self._sync.test(item, *keys)

    async def get_window_stats(self, item: RateLimitItem, *keys: str):
        return self._sync.get_window_stats(item, *keys)


@functools.lru_cache(maxsize=1)
def _limiter() -> MovingWindowRateLimiter | _LocalLimiter:
    settings = get_settings()
    if not settings.redis_url:
        return _LocalLimiter()
    storage = storage_from_string(
        _async_redis_uri(settings.redis_url),
        implementation="redispy",
        socket_connect_timeout=1,
        socket_timeout=1,
    )
    return MovingWindowRateLimiter(storage)


def _async_redis_uri(url: str) -> str:
    # limits picks its asyncio Redis client from the "async+" scheme prefix.
    return url if url.startswith("async+") else f"async+{url}"


@functools.lru_cache(maxsize=32)
def _parse(limit: str) -> RateLimitItem:
    return parse(limit)


@functools.lru_cache(maxsize=1)
def _fallback() -> _LocalLimiter:
    """This process's own counters, while the shared ones cannot be reached."""
    return _LocalLimiter()


def reset() -> None:
    """Forget every counter (tests, and after changing RATE_LIMIT)."""
    _limiter.cache_clear()
    _fallback.cache_clear()
    _redis_down.reset()


async def _ask(method: str, *args):
    """`_limiter().<method>(*args)`, on local counters if the storage fails."""
    try:
        return await getattr(_limiter(), method)(*args)
    except Exception as exc:  # redis, limits and socket errors alike
        if not get_settings().redis_url:
            raise
        _redis_down.warn("Redis unreachable for rate limits (%s): using this worker's own counters", type(exc).__name__)
        return await getattr(_fallback(), method)(*args)


async def _retry_after(item: RateLimitItem, *keys: str) -> int:
    stats = await _ask("get_window_stats", item, *keys)
    return max(1, math.ceil(stats.reset_time - time.time()))


async def hit(limit: str, *keys: str, message: str | None = None) -> None:
    """Count one attempt; raise RateLimited when over `limit`."""
    item = _parse(limit)
    if not await _ask("hit", item, *keys):
        metrics.rate_limited.labels(keys[0] if keys else "-").inc()
        retry_after = await _retry_after(item, *keys)
        raise RateLimited(message or "Rate limit exceeded. Please try again later.", retry_after=retry_after)


async def check(limit: str, *keys: str, message: str | None = None) -> None:
    """Raise RateLimited if `limit` is already used up, without counting."""
    item = _parse(limit)
    if not await _ask("test", item, *keys):
        metrics.rate_limited.labels(keys[0] if keys else "-").inc()
        retry_after = await _retry_after(item, *keys)
        raise RateLimited(message or "Rate limit exceeded. Please try again later.", retry_after=retry_after)


async def hit_send_message(user_id) -> None:
    """The per-user limit on sending messages (RATE_LIMIT), shared by UI and API."""
    await hit(get_settings().rate_limit, "send", str(user_id))
