"""The chat page's state: a thin adapter over finucity.services.

Every handler that reads or changes data first resolves the session
(`_actor`), and the services check ownership again. Nothing here trusts an id
from the browser.

What goes over the websocket, and why:
- `messages` holds finished messages. It changes when a conversation opens and
  once at the end of each answer, never per token.
- The answer being written is not a state var: `follow_answer` sends only its
  new text, batched about ten times a second, to the browser's stream store
  (components/client). Its final text enters `messages` once, at the end.
- The question just asked waits in `pending_question` until its answer ends,
  so the history is resent once per turn, not twice.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import time
import uuid

import reflex as rx

from finucity.components.client import stream_append, stream_drop, stream_reset
from finucity.config import get_settings
from finucity.models import Category, Message, MessageRole, MessageStatus
from finucity.services import chat, conversations, generation
from finucity.services.ai.categories import CATEGORY_LABELS, parse_category
from finucity.services.context import Actor
from finucity.services.errors import NotFound, ServiceError
from finucity.states.session import PER_USER_STATES, SessionState

log = logging.getLogger(__name__)

GONE_NOTICE = (
    "That conversation no longer exists (it was deleted, perhaps in another tab). "
    "Your question is still in the box: send it to start a new chat."
)

# A follower keeps going this long after its tab's socket disappears (a
# reconnect), then leaves the answer to the server and the database.
DISCONNECT_GRACE_S = 5.0
# How often a follower checks that its tab is still there and still on this
# answer (taking the state lock each update would be wasteful).
FOLLOWER_CHECK_S = 1.0


@dataclasses.dataclass
class MessageRow:
    id: str
    role: str
    content: str
    status: str
    error: str
    created_at: str
    is_last_question: bool = False
    is_last_answer: bool = False


@dataclasses.dataclass
class ConversationRow:
    id: str
    title: str
    category: str
    category_label: str
    updated_at: str


def _message_row(m: Message) -> MessageRow:
    return MessageRow(
        id=str(m.id),
        role=m.role,
        content=m.content,
        status=m.status,
        error=m.error or "",
        created_at=m.created_at.isoformat(),
    )


def _conversation_row(c) -> ConversationRow:
    category = parse_category(c.category)
    return ConversationRow(
        id=str(c.id),
        title=c.title,
        category=category.value,
        category_label=CATEGORY_LABELS[category],
        updated_at=c.updated_at.isoformat(),
    )


def _mark_last(rows: list[MessageRow]) -> list[MessageRow]:
    """Flag the last question and answer: only they can be edited or retried."""
    for row in rows:
        row.is_last_question = row.is_last_answer = False
    for row in reversed(rows):
        if row.role == MessageRole.assistant.value:
            row.is_last_answer = True
            break
    for row in reversed(rows):
        if row.role == MessageRole.user.value:
            row.is_last_question = True
            break
    return rows


class ChatState(SessionState):
    # --- the sidebar ---
    conversations: list[ConversationRow] = []
    next_cursor: str = ""
    search: str = ""
    category_filter: str = ""
    sidebar_open: bool = False
    list_loading: bool = False

    # --- the open conversation ---
    current_id: str = ""
    current_title: str = ""
    current_category: str = ""
    messages: list[MessageRow] = []
    not_found: bool = False
    loading: bool = False

    # --- the turn in progress ---
    pending_question: str = ""
    pending_question_at: str = ""
    _pending_question_id: str = ""
    streaming_id: str = ""
    streaming_at: str = ""
    # The conversation a send from /chat just created, until its page opens.
    _just_started: str = ""

    # --- the composer ---
    selected_category: str = Category.general.value
    draft: str = ""
    draft_version: int = 0
    # Bumped when a question is safely stored: the composer forgets its backup.
    sent_version: int = 0
    editing: bool = False
    notice: str = ""

    # --- dialogs ---
    rename_id: str = ""
    rename_text: str = ""
    delete_id: str = ""
    delete_title: str = ""

    @rx.var(cache=True)
    def offline(self) -> bool:
        return get_settings().offline_mode

    @rx.var
    def max_chars(self) -> int:
        return get_settings().max_message_chars

    @rx.var
    def is_streaming(self) -> bool:
        return self.streaming_id != ""

    @rx.var
    def show_welcome(self) -> bool:
        return self.current_id == "" and not self.not_found and self.pending_question == "" and self.streaming_id == ""

    @rx.var
    def has_more(self) -> bool:
        return self.next_cursor != ""

    def _forget_user_data(self) -> None:
        self.conversations = []
        self.next_cursor = self.search = self.category_filter = ""
        self._clear_conversation()

    def _clear_conversation(self, *, keep_notice: bool = False) -> None:
        self.current_id = self.current_title = self.current_category = ""
        self.messages = []
        self.not_found = False
        self.pending_question = self.pending_question_at = self._pending_question_id = ""
        self.streaming_id = self.streaming_at = ""
        self.editing = False
        if not keep_notice:
            self.notice = ""

    def _show_error(self, exc: ServiceError, conversation_id: str = ""):
        """Say what went wrong. A conversation that no longer exists (deleted in
        another tab, or by an administrator) is left cleanly: it leaves the
        sidebar and the screen, and what was typed stays in the composer."""
        self.notice = exc.message
        if not isinstance(exc, NotFound) or not conversation_id:
            return None
        self.conversations = [r for r in self.conversations if r.id != conversation_id]
        if self.current_id != conversation_id:
            return None
        self._clear_conversation()
        self._just_started = ""
        self.notice = GONE_NOTICE
        return rx.redirect("/chat", replace=True)

    # --- loading ----------------------------------------------------------------------------

    @rx.event
    async def load_page(self):
        """on_load of /chat and /chat/<id>."""
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        self.sidebar_open = False
        conversation_id = self.router.page.params.get("conversation_id", "")
        if not (conversation_id and conversation_id == self._just_started):
            await self._load_list(actor)  # (a conversation just started here is in it)
        if not conversation_id:
            if self.current_id and self.current_id == self._just_started:
                # A question sent from /chat before this page load ran: keep
                # it; the redirect to its own address is on its way.
                return None
            # (A notice about a conversation that just went away stays.)
            self._clear_conversation(keep_notice=True)
            return None
        self._just_started = ""
        return await self._open(actor, conversation_id)

    async def _open(self, actor: Actor, conversation_id: str):
        self._clear_conversation()
        try:
            detail = await conversations.get_conversation(actor, conversation_id)
        except NotFound:
            self.not_found = True
            return None
        c = detail.conversation
        self.current_id = str(c.id)
        self.current_title = c.title
        self.current_category = CATEGORY_LABELS[parse_category(c.category)]
        rows = [_message_row(m) for m in detail.messages]
        live = rows[-1] if rows and rows[-1].status == MessageStatus.streaming.value else None
        if live is not None:
            # Still being written (in this tab before a reload, or elsewhere):
            # show it growing, from the database or the live generation.
            rows = rows[:-1]
            self.streaming_id = live.id
            self.streaming_at = live.created_at
        self.messages = _mark_last(rows)
        if live is not None:
            return ChatState.follow_answer
        return None

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
            self._show_error(exc)
            return
        finally:
            self.list_loading = False
        rows = [_conversation_row(c) for c in page.items]
        self.conversations = (self.conversations + rows) if more else rows
        self.next_cursor = page.next_cursor or ""

    @rx.event
    async def load_more(self):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        if self.next_cursor:
            await self._load_list(actor, more=True)

    @rx.event
    async def set_search(self, value: str):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        self.search = value[:200]
        await self._load_list(actor)

    @rx.event
    async def set_category_filter(self, value: str):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        self.category_filter = "" if value in ("", "all") else parse_category(value).value
        await self._load_list(actor)

    # --- asking ---------------------------------------------------------------------------------

    @rx.event
    def set_selected_category(self, value: str):
        try:
            self.selected_category = parse_category(value).value
        except ServiceError:
            self.selected_category = Category.general.value

    @rx.event
    async def send(self, text: str):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        if self.streaming_id:
            self.notice = "Wait for the current answer to finish, or press Stop."
            self._give_back(text)
            return None
        if self.editing:
            return await self._start_regenerate(actor, text)
        self.notice = ""
        try:
            turn = await chat.send_message(
                actor,
                message=text,
                conversation_id=self.current_id or None,
                category=self.selected_category,
            )
        except ServiceError as exc:
            self._give_back(text)
            return self._show_error(exc, self.current_id)
        self.sent_version += 1
        self.pending_question = turn.question.content
        self.pending_question_at = turn.question.created_at.isoformat()
        self._pending_question_id = str(turn.question.id)
        self.streaming_id = str(turn.answer.id)
        self.streaming_at = turn.answer.created_at.isoformat()
        if turn.created_conversation:
            self.current_id = str(turn.conversation.id)
            self.current_title = turn.conversation.title
            self.current_category = CATEGORY_LABELS[parse_category(turn.conversation.category)]
            self.conversations = [_conversation_row(turn.conversation)] + self.conversations
            self._just_started = self.current_id
            # Follow at once (the first words must not wait for navigation),
            # and go to the conversation's own address through the router, so
            # a reconnect re-runs on_load with it. Opening it there starts a
            # newer follower, which this one yields to.
            return [ChatState.follow_answer, rx.redirect(f"/chat/{turn.conversation.id}", replace=True)]
        self._bump(self.current_id)
        return ChatState.follow_answer

    @rx.event
    async def send_suggestion(self, text: str, category: str):
        self.set_selected_category(category)
        return await self.send(text)

    def _give_back(self, text: str) -> None:
        """Put unsent text back in the composer: nothing typed is lost."""
        self.draft, self.draft_version = text, self.draft_version + 1

    def _bump(self, conversation_id: str) -> None:
        """Move a conversation to the top of the sidebar (it was just used)."""
        rows = self.conversations
        for i, row in enumerate(rows):
            if row.id == conversation_id:
                if i:
                    self.conversations = [row] + rows[:i] + rows[i + 1 :]
                return

    async def _start_regenerate(self, actor: Actor, new_question: str | None):
        try:
            turn = await chat.regenerate(actor, self.current_id, new_question=new_question)
        except ServiceError as exc:
            if new_question is not None:
                self._give_back(new_question)
            return self._show_error(exc, self.current_id)
        if new_question is not None:
            self.sent_version += 1
        self.notice = ""
        self.editing = False
        # Drop the old answer (and show the edited question) before streaming.
        # New row objects: state vars are replaced, never mutated in place.
        keep: list[MessageRow] = []
        for row in self.messages:
            if row.id == str(turn.question.id):
                keep.append(dataclasses.replace(row, content=turn.question.content))
                break
            keep.append(dataclasses.replace(row))
        self.messages = _mark_last(keep)
        self.streaming_id = str(turn.answer.id)
        self.streaming_at = turn.answer.created_at.isoformat()
        self._bump(self.current_id)
        return ChatState.follow_answer

    @rx.event
    async def regenerate(self):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        if self.streaming_id or not self.current_id:
            return None
        return await self._start_regenerate(actor, None)

    @rx.event
    async def edit_last_question(self):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        last = next((r for r in reversed(self.messages) if r.role == MessageRole.user.value), None)
        if last is None or self.streaming_id:
            return None
        self.editing = True
        self.draft, self.draft_version = last.content, self.draft_version + 1
        return None

    @rx.event
    def cancel_edit(self):
        self.editing = False
        self.draft, self.draft_version = "", self.draft_version + 1

    @rx.event
    async def stop(self):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        if not self.streaming_id:
            return None
        try:
            await chat.stop_answer(actor, self.streaming_id)
        except ServiceError as exc:
            return self._show_error(exc, self.current_id)
        return None

    @rx.event
    def dismiss_notice(self):
        self.notice = ""

    # --- following an answer -----------------------------------------------------------------

    @rx.event(background=True)
    async def follow_answer(self):
        """Send the answer's new text to this tab as it is written."""
        async with self:
            actor = await self._current_actor()
            message_id = self.streaming_id
            token = self.router.session.client_token
        if actor is None or not message_id:
            return
        try:
            await chat.answer_for_owner(actor, message_id)
        except ServiceError:
            return
        me = _become_latest_follower(token)
        try:
            key = message_id
            yield stream_reset(key, "")
            gone_since: float | None = None
            checked = time.monotonic()
            async for update in generation.follow(uuid.UUID(message_id)):
                if _LATEST_FOLLOWER.get(token) != me:
                    return  # a newer follower (a reload, a navigation) took over this tab
                if update.delta:
                    yield stream_append(key, update.offset, update.delta)
                if update.done:
                    break
                now = time.monotonic()
                if now - checked < FOLLOWER_CHECK_S:
                    continue
                checked = now
                # A closed tab must not keep a follower (the answer itself goes on).
                if _client_connected(token):
                    gone_since = None
                elif gone_since is None:
                    gone_since = now
                elif now - gone_since > DISCONNECT_GRACE_S:
                    return
                async with self:
                    if self.streaming_id != message_id:
                        return  # the tab moved on to another conversation
                    now_acting = await self._current_actor()
                    if now_acting is None or now_acting.user_id != actor.user_id:
                        return  # signed out (or another user): show them nothing more
            await self._finish_answer(actor, message_id)
            yield stream_drop(key)
        finally:
            if _LATEST_FOLLOWER.get(token) == me:
                del _LATEST_FOLLOWER[token]

    async def _finish_answer(self, actor: Actor, message_id: str) -> None:
        try:
            answer = await chat.answer_for_owner(actor, message_id)
        except ServiceError:
            answer = None
        async with self:
            if self.streaming_id != message_id:
                return
            rows = list(self.messages)
            if self.pending_question:
                rows.append(
                    MessageRow(
                        id=self._pending_question_id,
                        role=MessageRole.user.value,
                        content=self.pending_question,
                        status=MessageStatus.complete.value,
                        error="",
                        created_at=self.pending_question_at,
                    )
                )
            if answer is not None:
                rows.append(_message_row(answer))
            self.messages = _mark_last(rows)
            self.pending_question = self.pending_question_at = self._pending_question_id = ""
            self.streaming_id = self.streaming_at = ""

    # --- renaming and deleting ------------------------------------------------------------------

    @rx.event
    def open_rename(self, conversation_id: str, title: str):
        self.rename_id, self.rename_text = conversation_id, title

    @rx.event
    def close_rename(self):
        self.rename_id = self.rename_text = ""

    @rx.event
    async def save_rename(self, form: dict):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        try:
            conversation = await conversations.rename_conversation(actor, self.rename_id, form.get("title"))
        except ServiceError as exc:
            gone = self.rename_id if isinstance(exc, NotFound) else ""
            if gone:
                self.rename_id = self.rename_text = ""
            return self._show_error(exc, gone)
        row = _conversation_row(conversation)
        self.conversations = [row if r.id == row.id else r for r in self.conversations]
        if self.current_id == row.id:
            self.current_title = row.title
        self.rename_id = self.rename_text = ""
        return None

    @rx.event
    def open_delete(self, conversation_id: str, title: str):
        self.delete_id, self.delete_title = conversation_id, title

    @rx.event
    def close_delete(self):
        self.delete_id = self.delete_title = ""

    @rx.event
    async def confirm_delete(self):
        actor = await self._current_actor()
        if actor is None:
            return self._login_redirect()
        target = self.delete_id
        self.delete_id = self.delete_title = ""
        try:
            await conversations.delete_conversation(actor, target)
        except NotFound:
            pass  # already gone (deleted in another tab): the outcome asked for
        except ServiceError as exc:
            self._show_error(exc)
            return None
        self.conversations = [r for r in self.conversations if r.id != target]
        if self.current_id == target:
            self._clear_conversation()
            return rx.redirect("/chat", replace=True)
        return None

    # --- layout ---------------------------------------------------------------------------------

    @rx.event
    def new_chat(self):
        """Back to the welcome screen; an answer still being written goes on on the server."""
        self._clear_conversation()
        self._just_started = ""
        self.sidebar_open = False
        return rx.redirect("/chat")

    @rx.event
    def toggle_sidebar(self):
        self.sidebar_open = not self.sidebar_open

    @rx.event
    def close_sidebar(self):
        self.sidebar_open = False


# The newest follower of each tab (by client token) in this process. Checked
# on every update without the state lock, so an older follower stops at once
# instead of sending the same text for another second.
_LATEST_FOLLOWER: dict[str, int] = {}
_follower_ids = itertools.count(1)


def _become_latest_follower(token: str) -> int:
    me = next(_follower_ids)
    _LATEST_FOLLOWER[token] = me
    return me


def _client_connected(token: str) -> bool:
    from finucity.app import app  # late: the app module imports this one

    namespace = app.event_namespace
    return namespace is not None and token in namespace.token_to_sid


PER_USER_STATES.append(ChatState)
