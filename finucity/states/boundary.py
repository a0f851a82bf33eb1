"""The tab boundary: what every websocket event passes before any handler runs.

Reflex keys a tab's state by the token the browser sends when its socket
connects, and tab tokens are not secrets. Whoever connects with a token gets
that tab's state on `hydrate`, before our handlers run, so per-handler checks
come too late. This middleware runs first, for every event, every state and
every page:

- It binds the tab's state to the user the connection's cookie signs in. A
  state that holds another user's data (a tab reopened after a sign-out, a
  shared computer, a token replayed by someone else) forgets it before the
  event is processed and before hydration sends anything.
- It replaces lone surrogates in the event's text (U+FFFD). JSON can carry
  "\\ud800", Python accepts it, but the state that stores it can no longer be
  encoded, and the tab stops receiving updates.
- It counts the event by handler (Prometheus) and names the event and its
  user in the log context, for every line the handler writes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from reflex.middleware import Middleware

from finucity.services.errors import Unavailable
from finucity.states.session import SessionState
from finucity.telemetry import context, metrics

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.event import Event
    from reflex.state import BaseState, StateUpdate

# Reflex's names of the events that send a tab its whole state.
_HYDRATIONS = frozenset(f"reflex___state____state.{name}" for name in ("hydrate", "hydrate_and_load"))
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def scrub_text(value: Any) -> Any:
    """`value` with every lone surrogate in its strings replaced, at any depth."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {scrub_text(k): scrub_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_text(v) for v in value]
    return value


def handler_label(event_name: str) -> str:
    """`conversation_state.send_message` for Reflex's long dotted event name."""
    return ".".join(part.rsplit("___", 1)[-1] for part in event_name.split(".")[-2:])


class TabBoundary(Middleware):
    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        # The event is frozen; its payload dict is not.
        for name, value in event.payload.items():
            event.payload[name] = scrub_text(value)
        label = handler_label(event.name)
        metrics.ws_events.labels(label).inc()
        # Each event runs in its own task: these bindings end with it.
        context.request_id.set(context.new_request_id())
        context.route.set(label)
        session = await state.get_state(SessionState)
        try:
            user = await session._bind_for_event()
        except Unavailable:
            # The database is down: whose tab this is cannot be checked. A
            # hydration sends the whole state, so it fails closed and sends
            # none of anyone's data; any other event goes on to its handler,
            # whose guard says the service is unavailable and changes nothing.
            if event.name in _HYDRATIONS:
                await session._forget_previous_user()
                session._owner_id = ""
            user = None
        context.user_id.set(str(user.id) if user else None)
        return None
