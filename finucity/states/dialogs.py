"""Renaming and deleting a conversation from the sidebar, behind a dialog."""

from __future__ import annotations

import reflex as rx

from finucity.services import conversations
from finucity.services.context import Actor
from finucity.services.errors import NotFound, ServiceError
from finucity.states.conversation import ConversationState
from finucity.states.rows import conversation_row
from finucity.states.session import PER_USER_STATES, SessionState, signed_in, tab_only
from finucity.states.sidebar import SidebarState


class ConversationDialogsState(SessionState):
    rename_id: str = ""
    rename_text: str = ""
    delete_id: str = ""
    delete_title: str = ""

    def _forget_user_data(self) -> None:
        self.rename_id = self.rename_text = self.delete_id = self.delete_title = ""

    @rx.event
    @tab_only
    def open_rename(self, conversation_id: str, title: str):
        self.rename_id, self.rename_text = conversation_id, title

    @rx.event
    @tab_only
    def close_rename(self):
        self.rename_id = self.rename_text = ""

    @rx.event
    @signed_in
    async def save_rename(self, actor: Actor, form: dict):
        target = self.rename_id
        page = await self.get_state(ConversationState)
        try:
            conversation = await conversations.rename_conversation(actor, target, form.get("title"))
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                self.rename_id = self.rename_text = ""
            return await page._show_error(exc, target if isinstance(exc, NotFound) else "")
        row = conversation_row(conversation)
        (await self.get_state(SidebarState))._replace(row)
        if page.current_id == row.id:
            page.current_title = row.title
        self.rename_id = self.rename_text = ""
        return None

    @rx.event
    @tab_only
    def open_delete(self, conversation_id: str, title: str):
        self.delete_id, self.delete_title = conversation_id, title

    @rx.event
    @tab_only
    def close_delete(self):
        self.delete_id = self.delete_title = ""

    @rx.event
    @signed_in
    async def confirm_delete(self, actor: Actor):
        target = self.delete_id
        self.delete_id = self.delete_title = ""
        page = await self.get_state(ConversationState)
        try:
            await conversations.delete_conversation(actor, target)
        except NotFound:
            pass  # already gone (deleted in another tab): the outcome asked for
        except ServiceError as exc:
            return await page._show_error(exc)
        (await self.get_state(SidebarState))._drop(target)
        if page.current_id == target:
            page._clear_conversation()
            return rx.redirect("/chat", replace=True)
        return None


PER_USER_STATES.append(ConversationDialogsState)
