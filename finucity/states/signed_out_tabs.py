"""When a session ends, its tabs forget the user's data now, not at their next event.

Signing out in one tab used to leave every other tab of the browser showing its
conversations until someone clicked there (the boundary then emptied it). Now
the service that ends a session (services/session_tabs.py) hands us the tabs
bound to it, on every worker when Redis holds the state, and for each one:

- its stored state is emptied under the state lock (memory or Redis), whether
  the tab is open, idle or closed: `_bind_to_session` re-reads the tab's own
  cookie, so a tab signed in again since (another session) keeps its data;
- an open tab receives the emptied vars and then a full page load of
  /login?signed_out=1, which also drops whatever its page held in the browser
  (answers drawn straight into the page, the composer's text).
"""

from __future__ import annotations

import logging

import reflex as rx
from reflex.istate.manager.token import BaseStateToken
from reflex.state import StateUpdate
from reflex_base.event import Event

from finucity.services import session_tabs
from finucity.states.session import SessionState

log = logging.getLogger(__name__)

SIGNED_OUT_PAGE = "/login?signed_out=1"


async def _is_open(app: rx.App, token: str) -> bool:
    # On any worker, when Redis shares the sockets' records.
    return await app.event_namespace._token_manager.is_token_connected(token)


async def empty_tab(app: rx.App, token: str) -> bool:
    """Forget the tab's user if its cookie no longer signs anyone in; True when it did."""
    async with app.modify_state(BaseStateToken(ident=token, cls=SessionState)) as state:
        session = await state.get_state(SessionState)
        if not session._owner_id:
            return False
        user = await session._bind_to_session()
    if user is not None:
        return False
    if await _is_open(app, token):
        # A full load: nothing the page drew outside the state stays on screen.
        leave = rx.call_script(f"window.location.replace({SIGNED_OUT_PAGE!r})")
        await app.event_namespace.emit_update(StateUpdate(events=Event.from_event_type(leave)), token)
    return True


def install(app: rx.App) -> None:
    """Empty the tabs of every session that ends in this process."""

    async def empty_tabs(tokens: list[str]) -> None:
        for token in tokens:
            try:
                await empty_tab(app, token)
            except Exception:  # one tab must not keep the others full; its next event is checked
                log.exception("Could not empty a tab of an ended session")

    session_tabs.on_sessions_ended(empty_tabs)
