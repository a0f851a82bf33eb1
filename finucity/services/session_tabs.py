"""Which browser tabs hold state bound to which sign-in session, so that ending a
session empties them at once instead of at their next event.

The web adapter keeps a state per browser tab (in memory, or in Redis for every
worker), alive `TAB_STATE_TTL_S` after its last event, closed or not. A tab is
remembered here the first time one of its events runs under a session. When a
session ends (sign-out, deactivation, a new password), `sessions_ended` hands
the tabs of those sessions to the listeners the adapter registered
(states/signed_out_tabs.py), which empty each tab's state and send the open
ones to the sign-in page.

With Redis the register is shared by the workers (a set per session, expiring
with the tab states), so a sign-out on one worker reaches tabs on the others;
without Redis there is one worker and the register is its memory. Nothing here
may stop a sign-out: Redis down is logged, and those tabs are emptied at their
next event instead (the tab boundary checks the session before every event).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable

from finucity.config import get_settings

log = logging.getLogger(__name__)

SessionEndedListener = Callable[[list[str]], Awaitable[None]]

_KEY = "finucity:session_tabs:{}"
# At most this many (session, tab) pairs are remembered in a process: tabs of
# sessions that ended without a sign-out (expiry) are dropped once older than
# the tab states themselves.
_REMEMBER_MAX = 10_000

# (session id, tab token) -> when this process last recorded it (monotonic s).
_written: dict[tuple[uuid.UUID, str], float] = {}
_listeners: list[SessionEndedListener] = []


def on_sessions_ended(listener: SessionEndedListener) -> None:
    """Call `listener(tab tokens)` whenever sessions end (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _redis():
    import redis.asyncio as aioredis

    return aioredis.Redis.from_url(get_settings().redis_url, socket_connect_timeout=1, socket_timeout=1)


def _forget_stale(now: float, lifetime_s: int) -> None:
    for pair, at in list(_written.items()):
        if now - at > lifetime_s:
            del _written[pair]
    if len(_written) >= _REMEMBER_MAX:
        # Still full: start again; tabs in use record themselves at their next event.
        _written.clear()


async def remember(session_id: uuid.UUID, token: str) -> None:
    """The tab `token` holds state bound to `session_id`. Called at every event;
    written again only when half the tab state's lifetime has passed."""
    lifetime_s = get_settings().tab_state_ttl_s
    now = time.monotonic()
    pair = (session_id, token)
    last = _written.get(pair)
    if last is not None and now - last < lifetime_s / 2:
        return
    if len(_written) >= _REMEMBER_MAX:
        _forget_stale(now, lifetime_s)
    _written[pair] = now
    if not get_settings().redis_url:
        return
    key = _KEY.format(session_id)
    try:
        async with _redis() as client:
            await client.pipeline().sadd(key, token).expire(key, lifetime_s).execute()
    except Exception:  # noqa: BLE001 (Redis down: the tab empties at its next event instead)
        log.warning("Could not record a tab of a session in Redis")


async def _take(session_ids: list[uuid.UUID]) -> list[str]:
    """The tabs of these sessions, forgotten here and in Redis."""
    ended = set(session_ids)
    tokens: set[str] = set()
    for pair in [p for p in _written if p[0] in ended]:
        tokens.add(pair[1])
        del _written[pair]
    if get_settings().redis_url and session_ids:
        keys = [_KEY.format(s) for s in session_ids]
        try:
            async with _redis() as client:
                pipeline = client.pipeline()
                for key in keys:
                    pipeline.smembers(key)
                pipeline.delete(*keys)
                *members, _ = await pipeline.execute()
            tokens |= {t.decode() for found in members for t in found}
        except Exception:  # noqa: BLE001 (as in remember)
            log.warning("Could not read the tabs of ended sessions from Redis")
    return sorted(tokens)


async def sessions_ended(session_ids: Iterable[uuid.UUID]) -> None:
    """These sessions just ended: have their tabs emptied. Never raises."""
    tokens = await _take(list(session_ids))
    if not tokens:
        return
    for listener in _listeners:
        try:
            await listener(tokens)
        except Exception:  # a sign-out must succeed; the boundary still checks each event
            log.exception("Emptying the tabs of an ended session failed")
