"""What every admin page shares: the 403 flag and the last error."""

from __future__ import annotations

from datetime import date, datetime

import reflex as rx

from finucity.services.context import Actor
from finucity.services.errors import PermissionDenied, ServiceError, ValidationError
from finucity.states.session import PER_USER_STATES, SessionState, admin_only


def iso(value: datetime | None) -> str:
    """A UTC time for the browser, which shows it in the reader's zone."""
    return value.isoformat() if value else ""


def parse_day(value: str, field: str) -> date | None:
    """A filter's date from the form ("" = none); a clear error names the field."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError("Use a date like 2026-11-30.", field=field) from None


class AdminState(SessionState):
    # True once the server has seen that this user is not an administrator:
    # the page then shows 403, and no handler sent any admin data.
    forbidden: bool = False
    admin_error: str = ""

    async def _deny(self) -> None:
        admin = await self.get_state(AdminState)
        admin.forbidden = True
        # Whatever an earlier administrator left in this tab goes too.
        await self._forget_previous_user()

    def _forget_user_data(self) -> None:
        self.admin_error = ""

    async def _show(self, exc: ServiceError) -> None:
        admin = await self.get_state(AdminState)
        if isinstance(exc, PermissionDenied):
            admin.forbidden = True
        admin.admin_error = exc.message

    async def _allowed(self) -> None:
        admin = await self.get_state(AdminState)
        admin.forbidden = False
        admin.admin_error = ""


PER_USER_STATES.append(AdminState)


class PagedList(rx.State, mixin=True):
    """A keyset-paginated admin list. The state using it defines `_load(actor, cursor)`;
    `cursors` keeps the cursor of each page seen, so Previous works too."""

    cursors: list[str] = []
    next_cursor: str = ""
    # False until the first page arrives: the page says "Loading", not "nothing matches".
    loaded: bool = False

    @rx.event
    @admin_only
    async def load(self, actor: Actor):
        """on_load of the page: its first page."""
        self.cursors = []
        await self._load(actor, None)
        self.loaded = True

    @rx.event
    @admin_only
    async def next_page(self, actor: Actor):
        if self.next_cursor:
            self.cursors = [*self.cursors, self.next_cursor]
            await self._load(actor, self.next_cursor)

    @rx.event
    @admin_only
    async def previous_page(self, actor: Actor):
        if self.cursors:
            self.cursors = self.cursors[:-1]
            await self._load(actor, self.cursors[-1] if self.cursors else None)
