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
import uuid
from collections.abc import Awaitable, Callable, Iterable

from finucity.config import get_settings

log = logging.getLogger(__name__)

SessionEndedListener = Callable[[list[str]], Awaitable[None]]

_KEY = "finucity:session_tabs:{}"
# A process remembers this many (session, tab) pairs it already wrote, so each
# tab costs one write per session, not one per event.
_SEEN_MAX = 10_000

_local: dict[uuid.UUID, set[str]] = {}
_seen: set[tuple[uuid.UUID, str]] = set()
_listeners: list[SessionEndedListener] = []


def on_sessions_ended(listener: SessionEndedListener) -> None:
    """Call `listener(tab tokens)` whenever sessions end (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _redis():
    import redis.asyncio as aioredis

    return aioredis.Redis.from_url(get_settings().redis_url, socket_connect_timeout=1, socket_timeout=1)


async def remember(session_id: uuid.UUID, token: str) -> None:
    """The tab `token` holds state bound to `session_id`."""
    if (session_id, token) in _seen:
        return
    if len(_seen) >= _SEEN_MAX:
        _seen.clear()
    _seen.add((session_id, token))
    _local.setdefault(session_id, set()).add(token)
    if not get_settings().redis_url:
        return
    key = _KEY.format(session_id)
    try:
        async with _redis() as client:
            await client.pipeline().sadd(key, token).expire(key, get_settings().tab_state_ttl_s).execute()
    except Exception:  # noqa: BLE001 (Redis down: the tab empties at its next event instead)
        _seen.discard((session_id, token))
        log.warning("Could not record a tab of a session in Redis")


async def _take(session_ids: list[uuid.UUID]) -> list[str]:
    """The tabs of these sessions, forgotten here and in Redis."""
    tokens: set[str] = set()
    for session_id in session_ids:
        tokens |= _local.pop(session_id, set())
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
    _seen.difference_update({pair for pair in _seen if pair[1] in tokens})
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
