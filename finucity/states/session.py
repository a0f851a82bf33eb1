"""The signed-in user, checked on the server for every event that needs one.

Reflex reads the browser's cookies once, when the websocket connects; sign-in
and sign-out are full page loads, so a new socket always carries the current
cookie. Each handler resolves that cookie against the sessions table, so a
session ended elsewhere (logout in another tab, expiry) stops working at the
next event, not at the next page load.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable
from urllib.parse import quote

import reflex as rx

from finucity.models import Role, User
from finucity.services import accounts, session_tabs
from finucity.services.context import Actor
from finucity.services.errors import Unavailable
from finucity.web.client_ip import client_ip
from finucity.web.cookies import SESSION_COOKIE, cookie_value

# States whose vars belong to the signed-in user (see _forget_previous_user).
PER_USER_STATES: list[type[SessionState]] = []

# The session cookie and user the tab boundary (states/boundary.py) has just resolved for
# this event. Each event runs in its own task, so this is the event's own; the event's
# guard takes it once instead of resolving the same cookie a second time, and every later
# check (a background handler's, on each of its steps) resolves the session afresh.
_RESOLVED_FOR_EVENT: contextvars.ContextVar[tuple[str, User | None] | None] = contextvars.ContextVar(
    "finucity_resolved_for_event", default=None
)

# --- the one guard ------------------------------------------------------------------------------
# Every event handler of the app's states carries exactly one of these marks,
# and a test fails on any that carries none, so a new handler cannot forget
# the check (tests/states/test_guards.py).
GUARD_MARK = "__finucity_guard__"


def _guarded(handler: Callable, mark: str, admins_only: bool) -> Callable:
    signature = inspect.signature(handler)
    self_param, actor_param, *rest = signature.parameters.values()
    assert actor_param.name == "actor", f"{handler.__qualname__}: the guard passes `actor` second"

    @functools.wraps(handler)
    async def guarded(self, *args, **kwargs):
        try:
            actor = await self._current_actor()
        except Unavailable as exc:
            return await self._unavailable(exc, handler.__name__, args, kwargs)
        if actor is None:
            return self._login_redirect()
        if admins_only and actor.role != Role.admin.value:
            await self._deny()
            return None
        return await handler(self, actor, *args, **kwargs)

    # Reflex maps the browser's arguments by the signature: hide `actor` from it.
    guarded.__signature__ = signature.replace(parameters=[self_param, *rest])
    guarded.__annotations__ = {k: v for k, v in handler.__annotations__.items() if k != "actor"}
    setattr(guarded, GUARD_MARK, mark)
    return guarded


def signed_in(handler: Callable) -> Callable:
    """For handlers that read or change the user's data: the handler receives
    the signed-in `actor` after `self`; a signed-out tab is sent to sign in.

        @rx.event
        @signed_in
        async def rename(self, actor: Actor, title: str): ...
    """
    return _guarded(handler, "signed_in", admins_only=False)


def admin_only(handler: Callable) -> Callable:
    """For the admin area's handlers: like `signed_in`, and anyone but an
    administrator gets nothing and changes nothing (the state's `_deny` shows
    403). The admin services check the role again: two locks, one rule."""
    return _guarded(handler, "admin_only", admins_only=True)


def tab_only(handler: Callable) -> Callable:
    """For handlers that touch only this tab's view (a menu opening, a dialog
    closing) or that resolve the session themselves to decide where to go."""
    setattr(handler, GUARD_MARK, "tab_only")
    return handler


def checks_session_inside(handler: Callable) -> Callable:
    """For background handlers: they resolve the session under the state lock
    (`async with self`) and again whenever they act on it."""
    setattr(handler, GUARD_MARK, "inside")
    return handler


class SessionState(rx.State):
    user_name: str = ""
    user_first_name: str = ""
    user_email: str = ""
    user_initials: str = ""
    user_is_admin: bool = False
    # The colour theme saved on the account ("system", "light", "dark"); ""
    # until known. ThemeSync (components/theme_menu.py) applies it in the
    # browser, so a theme chosen on one device follows the user to the next.
    user_theme: str = ""
    # Whose data this tab's state holds; tab state outlives sign-outs.
    _owner_id: str = ""

    def _base_actor(self) -> Actor:
        return Actor.anonymous(
            # The socket's peer; X-Forwarded-For only from TRUSTED_PROXIES.
            ip=client_ip(self.router.session.client_ip, self.router.headers.raw_headers),
            user_agent=self.router.headers.user_agent or None,
            channel="ui",
        )

    async def _bind_to_session(self) -> User | None:
        """The user this tab's cookie signs in now. A tab whose state holds
        another user's data (or any user's, once signed out) forgets it first.

        Runs before every event (states/boundary.py), so even the hydration
        that opens a tab by its token sends nothing of a previous owner."""
        token = cookie_value(self.router.headers.cookie, SESSION_COOKIE)
        already = _RESOLVED_FOR_EVENT.get()
        _RESOLVED_FOR_EVENT.set(None)  # once: later checks in this task look again
        if already is not None and already[0] == (token or ""):
            return already[1]
        resolved = await accounts.resolve_session(token)
        user = resolved[0] if resolved else None
        if resolved:
            # So that ending this session empties this tab at once (states/signed_out_tabs.py).
            await session_tabs.remember(resolved[1].id, self.router.session.client_token)
        owner = str(user.id) if user else ""
        if owner != self._owner_id:
            await self._forget_previous_user()
            self._owner_id = owner
        return user

    async def _bind_for_event(self) -> User | None:
        """`_bind_to_session` for the tab boundary, which runs first in an event's task:
        the event's guard then uses this answer instead of asking the database again."""
        user = await self._bind_to_session()
        _RESOLVED_FOR_EVENT.set((cookie_value(self.router.headers.cookie, SESSION_COOKIE) or "", user))
        return user

    async def _current_actor(self) -> Actor | None:
        user = await self._bind_to_session()
        if user is None:
            return None
        self._show_user(user)
        return self._base_actor().as_user(user)

    def _show_user(self, user: User) -> None:
        """Set the visible profile, touching only what changed (each set is sent)."""
        profile = {
            "user_name": user.full_name,
            "user_first_name": user.first_name,
            "user_email": user.email,
            "user_initials": "".join(p[0] for p in user.full_name.split()[:2]).upper() or "U",
            "user_is_admin": user.is_admin,
            "user_theme": accounts.theme_of(user),
        }
        for name, value in profile.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    async def _forget_previous_user(self) -> None:
        """Drop every per-user var of this tab (another user, or signed out),
        in every state that holds some, whichever page is asking."""
        self.user_name = self.user_first_name = self.user_email = self.user_initials = self.user_theme = ""
        self.user_is_admin = False
        for state_class in PER_USER_STATES:
            state = self if isinstance(self, state_class) else await self.get_state(state_class)
            state._forget_user_data()

    def _forget_user_data(self) -> None:
        """States holding per-user data override this and register in PER_USER_STATES."""

    async def _unavailable(self, exc: Unavailable, handler_name: str, args: tuple, kwargs: dict):
        """The database is down, so who is asking cannot be checked: do nothing
        and say so. States whose handlers take typed text give it back."""
        return rx.toast.error(exc.message, id="finucity-unavailable")

    def _login_redirect(self) -> rx.event.EventSpec:
        path = self.router.url.path or "/chat"
        query = self.router.url.query
        target = f"{path}?{query}" if query else path
        return rx.redirect(f"/login?next={quote(target, safe='/')}", replace=True)

    @rx.event
    @tab_only
    async def require_login(self):
        """on_load of protected pages: a signed-out visitor goes to /login?next=..."""
        if await self._current_actor() is None:
            return self._login_redirect()

    @rx.event
    @tab_only
    async def redirect_signed_in(self):
        """on_load of / : to the chat when signed in, else to sign in."""
        actor = await self._current_actor()
        return rx.redirect("/chat" if actor else "/login", replace=True)
