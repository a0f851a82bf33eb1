"""Bookkeeping for the background task that follows an answer into a tab.

Per process: which follower is the newest for each tab, and whether a tab's
socket is still connected here. Checked on every update without the state
lock, so an older follower stops at once instead of sending the same text for
another second.
"""

from __future__ import annotations

import itertools

from reflex_base.registry import RegistrationContext

# A follower keeps going this long after its tab's socket disappears (a
# reconnect), then leaves the answer to the server and the database.
DISCONNECT_GRACE_S = 5.0
# How often a follower checks that its tab is still there and still on this
# answer (taking the state lock each update would be wasteful).
FOLLOWER_CHECK_S = 1.0

_latest: dict[str, int] = {}
_ids = itertools.count(1)


def become_latest(token: str) -> int:
    me = next(_ids)
    _latest[token] = me
    return me


def is_latest(token: str, me: int) -> bool:
    return _latest.get(token) == me


def retire(token: str, me: int) -> None:
    if _latest.get(token) == me:
        del _latest[token]


def client_connected(token: str) -> bool:
    # The running app, from Reflex's registry: importing finucity.app here
    # would make a cycle (it imports the states).
    namespace = RegistrationContext.get().app.event_namespace
    return namespace is not None and token in namespace.token_to_sid
