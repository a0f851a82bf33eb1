"""The sidebar: the user's conversations, searched and filtered, and the phone menu."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import reflex as rx

from finucity.services import conversations, date_groups
from finucity.services.ai.categories import parse_category
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.rows import ConversationGroup, ConversationRow, category_label, conversation_row
from finucity.states.session import PER_USER_STATES, SessionState, signed_in, tab_only


class SidebarState(SessionState):
    # The list as shown, under date headings; the flat list behind it stays on
    # the server (one copy crosses the socket, not two).
    groups: list[ConversationGroup] = []
    _rows: list[ConversationRow] = []
    next_cursor: str = ""
    search: str = ""
    category_filter: str = ""
    list_loading: bool = False
    list_error: str = ""
    # The category chips fold away until asked for.
    filters_open: bool = False
    # The browser's IANA zone: where "Today" ends (services/date_groups.py).
    time_zone: str = date_groups.DEFAULT_ZONE
    # The phone layout's slide-in menu.
    sidebar_open: bool = False

    @rx.var
    def has_more(self) -> bool:
        return self.next_cursor != ""

    @rx.var
    def category_filter_label(self) -> str:
        return category_label(self.category_filter) if self.category_filter else ""

    @rx.var
    def has_conversations(self) -> bool:
        return len(self.groups) > 0

    def _forget_user_data(self) -> None:
        self._set_rows([])
        self.next_cursor = self.search = self.category_filter = self.list_error = ""
        self.filters_open = False

    def _set_rows(self, rows: list[ConversationRow]) -> None:
        """Keep the rows newest first and regroup them under their headings."""
        rows = sorted(rows, key=lambda r: datetime.fromisoformat(r.updated_at), reverse=True)
        self._rows = rows
        now = datetime.now(UTC)
        zone = date_groups.zone_or_default(self.time_zone)
        grouped = date_groups.group_by_date(rows, lambda r: datetime.fromisoformat(r.updated_at), now, zone)
        self.groups = [ConversationGroup(label=label, rows=items) for label, items in grouped]

    async def _load_list(self, actor: Actor, *, more: bool = False) -> None:
        self.list_loading = True
        try:
            page = await conversations.list_conversations(
                actor,
                cursor=self.next_cursor if more else None,
                q=self.search or None,
                category=self.category_filter or None,
            )
        except ServiceError as exc:
            self.list_error = exc.message
            return
        finally:
            self.list_loading = False
        self.list_error = ""
        rows = [conversation_row(c) for c in page.items]
        self._set_rows((self._rows + rows) if more else rows)
        self.next_cursor = page.next_cursor or ""

    # --- changes the other states make ------------------------------------------------------------

    def _add(self, row: ConversationRow) -> None:
        self._set_rows([row] + [r for r in self._rows if r.id != row.id])

    def _replace(self, row: ConversationRow) -> None:
        self._set_rows([row if r.id == row.id else r for r in self._rows])

    def _drop(self, conversation_id: str) -> None:
        self._set_rows([r for r in self._rows if r.id != conversation_id])

    def _bump(self, conversation_id: str) -> None:
        """Move a conversation to the top, under Today (it was just used)."""
        rows = self._rows
        if rows and rows[0].id == conversation_id and self.groups and self.groups[0].label == date_groups.TODAY:
            return  # already there: nothing to resend
        now = datetime.now(UTC).isoformat()
        if any(r.id == conversation_id for r in rows):
            self._set_rows([dataclasses.replace(r, updated_at=now) if r.id == conversation_id else r for r in rows])

    # --- events -------------------------------------------------------------------------------------

    @rx.event
    @signed_in
    async def load_more(self, actor: Actor):
        if self.next_cursor:
            await self._load_list(actor, more=True)

    @rx.event
    @signed_in
    async def set_search(self, actor: Actor, value: str):
        self.search = value[:200]
        await self._load_list(actor)

    @rx.event
    @signed_in
    async def set_category_filter(self, actor: Actor, value: str):
        try:
            self.category_filter = "" if value in ("", "all") else parse_category(value).value
        except ServiceError:
            self.category_filter = ""  # the menu offers none; a forged event gets the full list
        await self._load_list(actor)

    @rx.event
    @tab_only
    def toggle_filters(self):
        self.filters_open = not self.filters_open

    @rx.event
    @tab_only
    def set_time_zone(self, name: str):
        """The browser's zone (Intl), sent once the page is up; an unknown name keeps India's."""
        zone = date_groups.zone_or_default(name).key
        if zone != self.time_zone:
            self.time_zone = zone
            self._set_rows(self._rows)

    @rx.event
    @tab_only
    def toggle_sidebar(self):
        self.sidebar_open = not self.sidebar_open

    @rx.event
    @tab_only
    def close_sidebar(self):
        self.sidebar_open = False


PER_USER_STATES.append(SidebarState)
