"""Bookkeeping for the background task that follows an answer into a tab,
and for telling a user's open tabs that something changed elsewhere.

Per process: which follower is the newest for each tab, and whether a tab's
socket is still connected here. Checked on every update without the state
lock, so an older follower stops at once instead of sending the same text for
another second. And which chat tabs each user has open here, so that an
administrator deleting their conversation can tell those tabs at once.
"""

from __future__ import annotations

import itertools

from reflex.state import StateUpdate
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext

# A follower keeps going this long after its tab's socket disappears (a
# reconnect), then leaves the answer to the server and the database.
DISCONNECT_GRACE_S = 5.0
# How often a follower checks that its tab is still there and still on this
# answer (taking the state lock each update would be wasteful).
FOLLOWER_CHECK_S = 1.0

_latest: dict[str, int] = {}
_ids = itertools.count(1)
# user id -> the tokens of the chat tabs they opened on this process.
_tabs: dict[str, set[str]] = {}


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


def chat_tab_opened(user_id: str, token: str) -> None:
    """Remember that this user has a chat tab here (tabs closed since are forgotten)."""
    tabs = {t for t in _tabs.get(user_id, ()) if client_connected(t)}
    tabs.add(token)
    _tabs[user_id] = tabs


async def tell_chat_tabs(user_ids, event) -> None:
    """Have each open chat tab of these users run `event` (a handler taking no
    arguments), as if the tab had sent it: under its own session and guard."""
    namespace = RegistrationContext.get().app.event_namespace
    if namespace is None:
        return
    for user_id in set(user_ids):
        for token in list(_tabs.get(user_id, ())):
            if client_connected(token):
                await namespace.emit_update(StateUpdate(events=Event.from_event_type(event)), token)
            else:
                _tabs[user_id].discard(token)
