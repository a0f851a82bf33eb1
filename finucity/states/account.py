"""The user's own account from the sidebar: deleting it, behind the password."""

from __future__ import annotations

import reflex as rx

from finucity.services import account_data
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.session import PER_USER_STATES, SessionState, signed_in, tab_only

# After the account is gone: drop this tab's Reflex token and load the sign-in
# page afresh (a new socket, with no trace of the deleted user's state).
_LEAVE_FOR_LOGIN = (
    "try{window.sessionStorage.removeItem('token')}catch(e){}window.location.replace('/login?account_deleted=1')"
)


class AccountState(SessionState):
    delete_open: bool = False
    delete_error: str = ""

    def _forget_user_data(self) -> None:
        self.delete_open = False
        self.delete_error = ""

    @rx.event
    @tab_only
    def open_delete_account(self):
        self.delete_open, self.delete_error = True, ""

    @rx.event
    @tab_only
    def close_delete_account(self):
        self.delete_open, self.delete_error = False, ""

    @rx.event
    @signed_in
    async def delete_account(self, actor: Actor, form: dict):
        """Everything of the user goes, after the service has checked the password;
        every session goes with it, so this and every other tab are signed out."""
        try:
            await account_data.delete_account(actor, password=form.get("password"))
        except ServiceError as exc:
            self.delete_error = exc.message
            return None
        self.delete_open = False
        return rx.call_script(_LEAVE_FOR_LOGIN)


PER_USER_STATES.append(AccountState)
