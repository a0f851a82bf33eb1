"""The sign-in and sign-up pages: what to show around the plain HTML forms.

The forms post to /auth/login and /auth/signup (finucity/api/auth.py). When
that fails, the server redirects back here with a short-lived signed cookie
holding the message and what was typed (never the password).
"""

from __future__ import annotations

import reflex as rx

from finucity.services import security
from finucity.states.session import SessionState, tab_only
from finucity.web.cookies import read_flash


class AuthFormState(SessionState):
    error: str = ""
    error_field: str = ""
    email: str = ""
    full_name: str = ""
    next_path: str = "/chat"
    signed_out: bool = False
    account_deleted: bool = False
    password_set: bool = False
    # The one-time token of /reset-password?token=..., posted back with the form.
    reset_token: str = ""

    def _load(self, form: str) -> rx.event.EventSpec | None:
        params = self.router.page.params
        self.next_path = security.safe_next_path(params.get("next"))
        self.signed_out = params.get("signed_out") == "1"
        self.account_deleted = params.get("account_deleted") == "1"
        self.password_set = params.get("password_set") == "1"
        self.error = self.error_field = self.email = self.full_name = ""
        if self.password_set:
            self.email = str(params.get("email", ""))[:254]
        flash = read_flash(self.router.headers.cookie, form)
        # Only right after a failed post (the redirect carries ?next=... or ?token=...).
        if flash and ("next" in params or "token" in params):
            values = flash.get("values") or {}
            self.error = str(flash.get("error", ""))[:300]
            self.email = str(values.get("email", ""))[:254]
            self.full_name = str(values.get("full_name", ""))[:200]
            self.error_field = str(values.get("field", ""))[:40]
        return None

    @rx.event
    @tab_only
    async def load_login(self):
        if await self._current_actor() is not None:
            return rx.redirect(security.safe_next_path(self.router.page.params.get("next")), replace=True)
        self._load("login")

    @rx.event
    @tab_only
    async def load_signup(self):
        if await self._current_actor() is not None:
            return rx.redirect(security.safe_next_path(self.router.page.params.get("next")), replace=True)
        self._load("signup")

    @rx.event
    @tab_only
    async def load_reset(self):
        """/reset-password?token=...: the link's token rides along in the form;
        the server checks it when the form is posted, not before."""
        self._load("reset")
        self.reset_token = str(self.router.page.params.get("token", ""))[:200]
