"""The colour theme a signed-in user picks in the user menu, kept on their account."""

from __future__ import annotations

import reflex as rx

from finucity.services import accounts
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.session import SessionState, signed_in


class ThemeState(SessionState):
    @rx.event
    @signed_in
    async def choose_theme(self, actor: Actor, theme: str):
        """The menu has already switched this browser (rx.set_color_mode);
        saving makes the choice follow the user to their other browsers."""
        try:
            self.user_theme = await accounts.set_theme(actor, theme)
        except ServiceError as exc:
            return rx.toast.error(exc.message, id="finucity-theme")
