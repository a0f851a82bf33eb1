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
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from finucity.config import get_settings
from finucity.services.errors import RateLimited
from finucity.telemetry import metrics

log = logging.getLogger(__name__)
# Seconds between two "Redis is down" warnings.
_WARN_EVERY_S = 60.0
_last_warning = 0.0


@functools.lru_cache(maxsize=1)
def _limiter() -> MovingWindowRateLimiter:
    settings = get_settings()
    storage: Storage
    if settings.redis_url:
        storage = storage_from_string(
            _async_redis_uri(settings.redis_url),
            implementation="redispy",
            socket_connect_timeout=1,
            socket_timeout=1,
        )
    else:
        storage = MemoryStorage()
    return MovingWindowRateLimiter(storage)


def _async_redis_uri(url: str) -> str:
    # limits picks its asyncio Redis client from the "async+" scheme prefix.
    return url if url.startswith("async+") else f"async+{url}"


@functools.lru_cache(maxsize=32)
def _parse(limit: str) -> RateLimitItem:
    return parse(limit)


@functools.lru_cache(maxsize=1)
def _fallback() -> MovingWindowRateLimiter:
    """This process's own counters, while the shared ones cannot be reached."""
    return MovingWindowRateLimiter(MemoryStorage())


def reset() -> None:
    """Forget every counter (tests, and after changing RATE_LIMIT)."""
    global _last_warning
    _limiter.cache_clear()
    _fallback.cache_clear()
    _last_warning = 0.0


async def _ask(method: str, *args):
    """`_limiter().<method>(*args)`, on local counters if the storage fails."""
    global _last_warning
    try:
        return await getattr(_limiter(), method)(*args)
    except Exception as exc:  # redis, limits and socket errors alike
        if not get_settings().redis_url:
            raise
        now = time.monotonic()
        if now - _last_warning > _WARN_EVERY_S:
            _last_warning = now
            log.warning("Redis unreachable for rate limits (%s): using this worker's own counters", type(exc).__name__)
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
