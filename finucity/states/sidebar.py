"""The sidebar: the user's conversations, searched and filtered, and the phone menu."""

from __future__ import annotations

import reflex as rx

from finucity.services import conversations
from finucity.services.ai.categories import parse_category
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.rows import ConversationRow, conversation_row
from finucity.states.session import PER_USER_STATES, SessionState, signed_in, tab_only


class SidebarState(SessionState):
    conversations: list[ConversationRow] = []
    next_cursor: str = ""
    search: str = ""
    category_filter: str = ""
    list_loading: bool = False
    list_error: str = ""
    # The phone layout's slide-in menu.
    sidebar_open: bool = False

    @rx.var
    def has_more(self) -> bool:
        return self.next_cursor != ""

    def _forget_user_data(self) -> None:
        self.conversations = []
        self.next_cursor = self.search = self.category_filter = self.list_error = ""

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
        self.conversations = (self.conversations + rows) if more else rows
        self.next_cursor = page.next_cursor or ""

    # --- changes the other states make ------------------------------------------------------------

    def _add(self, row: ConversationRow) -> None:
        self.conversations = [row] + [r for r in self.conversations if r.id != row.id]

    def _replace(self, row: ConversationRow) -> None:
        self.conversations = [row if r.id == row.id else r for r in self.conversations]

    def _drop(self, conversation_id: str) -> None:
        self.conversations = [r for r in self.conversations if r.id != conversation_id]

    def _bump(self, conversation_id: str) -> None:
        """Move a conversation to the top (it was just used)."""
        rows = self.conversations
        for i, row in enumerate(rows):
            if row.id == conversation_id:
                if i:
                    self.conversations = [row, *rows[:i], *rows[i + 1 :]]
                return

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
    def toggle_sidebar(self):
        self.sidebar_open = not self.sidebar_open

    @rx.event
    @tab_only
    def close_sidebar(self):
        self.sidebar_open = False


PER_USER_STATES.append(SidebarState)
