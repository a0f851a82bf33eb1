"""Every event handler of the app carries the one guard (states/session.py).

Any client can send any event with any arguments, so each handler either
resolves the session itself through `signed_in`, or says why it need not.
Handlers are found from the registered states, so a new one is covered (and
must be marked) without editing this test.
"""

from __future__ import annotations

import inspect

import pytest

import finucity.app  # noqa: F401  (registers every state the app uses)
from finucity.states.session import GUARD_MARK, PER_USER_STATES, SessionState


def _app_states():
    def walk(state_class):
        yield state_class
        for sub in state_class.get_substates():
            yield from walk(sub)

    return [s for s in walk(SessionState)]


def _handlers():
    for state_class in _app_states():
        for name, handler in state_class.event_handlers.items():
            # Only handlers defined by the app (Reflex adds setters of its own).
            if handler.fn.__module__.startswith("finucity."):
                yield pytest.param(state_class, name, handler, id=f"{state_class.__name__}.{name}")


@pytest.mark.parametrize("state_class, name, handler", list(_handlers()))
def test_every_handler_carries_one_guard(state_class, name, handler):
    assert getattr(handler.fn, GUARD_MARK, None) in ("signed_in", "admin_only", "tab_only", "inside"), (
        f"{state_class.__name__}.{name} has no guard: decorate it with signed_in, tab_only or checks_session_inside"
    )


def test_the_guard_hides_the_actor_from_the_browser():
    from finucity.states.conversation import ConversationState

    params = list(inspect.signature(ConversationState.event_handlers["send"].fn).parameters)
    assert params == ["self", "text"]


def test_every_state_holding_user_data_forgets_it():
    # States with vars of their own beyond the session's must say how to forget them.
    for state_class in _app_states():
        own = set(state_class.base_vars) - set(SessionState.base_vars)
        if state_class is SessionState or not own:
            continue
        if state_class.__name__ == "AuthFormState":
            continue  # what the sign-in form shows: public, reset on each load
        assert state_class in PER_USER_STATES, f"{state_class.__name__} is not in PER_USER_STATES"
