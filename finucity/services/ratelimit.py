"""Rate limits on the `limits` library: Redis when REDIS_URL is set, else memory.

The same counters serve the UI and the API, so a user cannot double their
allowance by switching doors.
"""

from __future__ import annotations

import functools
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from finucity.config import get_settings
from finucity.services.errors import RateLimited
from finucity.telemetry import metrics


@functools.lru_cache(maxsize=1)
def _limiter() -> MovingWindowRateLimiter:
    settings = get_settings()
    storage: Storage
    if settings.redis_url:
        storage = storage_from_string(_async_redis_uri(settings.redis_url), implementation="redispy")
    else:
        storage = MemoryStorage()
    return MovingWindowRateLimiter(storage)


def _async_redis_uri(url: str) -> str:
    # limits picks its asyncio Redis client from the "async+" scheme prefix.
    return url if url.startswith("async+") else f"async+{url}"


@functools.lru_cache(maxsize=32)
def _parse(limit: str) -> RateLimitItem:
    return parse(limit)


def reset() -> None:
    """Forget every counter (tests, and after changing RATE_LIMIT)."""
    _limiter.cache_clear()


async def _retry_after(item: RateLimitItem, *keys: str) -> int:
    stats = await _limiter().get_window_stats(item, *keys)
    return max(1, math.ceil(stats.reset_time - time.time()))


async def hit(limit: str, *keys: str, message: str | None = None) -> None:
    """Count one attempt; raise RateLimited when over `limit`."""
    item = _parse(limit)
    if not await _limiter().hit(item, *keys):
        metrics.rate_limited.labels(keys[0] if keys else "-").inc()
        retry_after = await _retry_after(item, *keys)
        raise RateLimited(message or "Rate limit exceeded. Please try again later.", retry_after=retry_after)


async def check(limit: str, *keys: str, message: str | None = None) -> None:
    """Raise RateLimited if `limit` is already used up, without counting."""
    item = _parse(limit)
    if not await _limiter().test(item, *keys):
        metrics.rate_limited.labels(keys[0] if keys else "-").inc()
        retry_after = await _retry_after(item, *keys)
        raise RateLimited(message or "Rate limit exceeded. Please try again later.", retry_after=retry_after)


async def hit_send_message(user_id) -> None:
    """The per-user limit on sending messages (RATE_LIMIT), shared by UI and API."""
    await hit(get_settings().rate_limit, "send", str(user_id))
