"""The open conversation: its messages, the turn in progress, and the page's notice.

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
import time
import uuid

import reflex as rx

from finucity.models import MessageRole, MessageStatus
from finucity.services import chat, conversations, feedback, stream_readers
from finucity.services.context import Actor
from finucity.services.errors import NotFound, ServiceError
from finucity.states import followers
from finucity.states.composer import ComposerState
from finucity.states.quota import QuotaState, read_usage
from finucity.states.rows import MessageRow, category_label, conversation_row, mark_last, message_row
from finucity.states.session import PER_USER_STATES, SessionState, checks_session_inside, signed_in, tab_only
from finucity.states.sidebar import SidebarState
from finucity.states.stream_commands import stream_append, stream_drop, stream_reset

GONE_NOTICE = (
    "That conversation no longer exists (it was deleted, perhaps in another tab). "
    "Your question is still in the box: send it to start a new chat."
)

DELETED_NOTICE = "That conversation was deleted, so it is no longer here."


def _started_key(actor: Actor, answer_id: object) -> str:
    """What `_started_answer` holds: an answer this tab started, and for whom."""
    return f"{actor.user_id}:{answer_id}"


class ConversationState(SessionState):
    current_id: str = ""
    current_title: str = ""
    current_category: str = ""
    messages: list[MessageRow] = []
    not_found: bool = False
    # What went wrong last, shown above the composer.
    notice: str = ""

    # --- the turn in progress ---
    pending_question: str = ""
    pending_question_at: str = ""
    _pending_question_id: str = ""
    streaming_id: str = ""
    streaming_at: str = ""
    # The conversation a send from /chat just created, until its page opens.
    _just_started: str = ""
    # "<user id>:<answer id>" of the answer this tab last started for its user: its
    # follower need not ask the database whose it is (backend-only, never sent or set
    # by the browser).
    _started_answer: str = ""

    @rx.var
    def is_streaming(self) -> bool:
        return self.streaming_id != ""

    @rx.var
    def show_welcome(self) -> bool:
        return self.current_id == "" and not self.not_found and self.pending_question == "" and self.streaming_id == ""

    def _forget_user_data(self) -> None:
        self._clear_conversation()
        self._just_started = self._started_answer = ""

    def _clear_conversation(self, *, keep_notice: bool = False) -> None:
        self.current_id = self.current_title = self.current_category = ""
        self.messages = []
        self.not_found = False
        self.pending_question = self.pending_question_at = self._pending_question_id = ""
        self.streaming_id = self.streaming_at = ""
        if not keep_notice:
            self.notice = ""

    async def _show_error(self, exc: ServiceError, conversation_id: str = ""):
        """Say what went wrong. A conversation that no longer exists (deleted in
        another tab, or by an administrator) is left cleanly: it leaves the
        sidebar and the screen, and what was typed stays in the composer."""
        self.notice = exc.message
        if not isinstance(exc, NotFound) or not conversation_id:
            return None
        (await self.get_state(SidebarState))._drop(conversation_id)
        if self.current_id != conversation_id:
            return None
        self._clear_conversation()
        (await self.get_state(ComposerState))._follow_conversation()
        self._just_started = ""
        self.notice = GONE_NOTICE
        return rx.redirect("/chat", replace=True)

    async def _unavailable(self, exc, handler_name: str, args: tuple, kwargs: dict):
        """The database is down: a question being sent goes back into the box, unsent."""
        if handler_name in ("send", "send_suggestion"):
            text = kwargs.get("text", args[0] if args else "")
            if isinstance(text, str) and text:
                (await self.get_state(ComposerState))._give_back(text)
        self.notice = exc.message
        return None

    # --- loading ----------------------------------------------------------------------------

    @rx.event
    @signed_in
    async def load_page(self, actor: Actor):
        """on_load of /chat and /chat/<id>."""
        sidebar = await self.get_state(SidebarState)
        sidebar.sidebar_open = False
        followers.chat_tab_opened(str(actor.user_id), self.router.session.client_token)
        await (await self.get_state(QuotaState))._refresh(actor)
        conversation_id = self.router.page.params.get("conversation_id", "")
        if not (conversation_id and conversation_id == self._just_started):
            await sidebar._load_list(actor)  # (a conversation just started here is in it)
        if not conversation_id:
            if self.current_id and self.current_id == self._just_started:
                # A question sent from /chat before this page load ran: keep
                # it; the redirect to its own address is on its way.
                return None
            # (A notice about a conversation that just went away stays.)
            self._clear_conversation(keep_notice=True)
            (await self.get_state(ComposerState))._follow_conversation()
            return None
        self._just_started = ""
        return await self._open(actor, conversation_id)

    async def _open(self, actor: Actor, conversation_id: str):
        self._clear_conversation()
        composer = await self.get_state(ComposerState)
        composer._follow_conversation()
        try:
            detail = await conversations.get_conversation(actor, conversation_id)
        except NotFound:
            self.not_found = True
            return None
        c = detail.conversation
        self.current_id = str(c.id)
        self.current_title = c.title
        self.current_category = category_label(c.category)
        composer._follow_conversation(c.category)
        answers = [m.id for m in detail.messages if m.role == MessageRole.assistant.value]
        ratings = await feedback.feedback_for(actor, answers)
        rows = [message_row(m, ratings.get(str(m.id))) for m in detail.messages]
        live = rows[-1] if rows and rows[-1].status == MessageStatus.streaming.value else None
        if live is not None:
            # Still being written (in this tab before a reload, or elsewhere):
            # show it growing, from the database or the live generation.
            rows = rows[:-1]
            self.streaming_id = live.id
            self.streaming_at = live.created_at
        self.messages = mark_last(rows)
        if live is not None:
            return ConversationState.follow_answer
        return None

    @rx.event
    @signed_in
    async def recheck_conversations(self, actor: Actor):
        """Sent to this tab by the server when an administrator deleted some of this
        user's conversations: the sidebar and the open conversation show what is left."""
        await (await self.get_state(SidebarState))._load_list(actor)
        if not self.current_id:
            return None
        try:
            await conversations.get_conversation(actor, self.current_id)
        except NotFound as exc:
            redirect = await self._show_error(exc, self.current_id)
            self.notice = DELETED_NOTICE
            return redirect
        return None

    # --- asking ---------------------------------------------------------------------------------

    @rx.event
    @signed_in
    async def send(self, actor: Actor, text: str):
        composer = await self.get_state(ComposerState)
        if self.streaming_id:
            self.notice = "Wait for the current answer to finish, or press Stop."
            composer._give_back(text)
            return None
        if composer.editing:
            return await self._start_regenerate(actor, text)
        self.notice = ""
        try:
            turn = await chat.send_message(
                actor,
                message=text,
                conversation_id=self.current_id or None,
                category=composer.selected_category,
            )
        except ServiceError as exc:
            composer._give_back(text)
            return await self._show_error(exc, self.current_id)
        composer.sent_version += 1
        self.pending_question = turn.question.content
        self.pending_question_at = turn.question.created_at.isoformat()
        self._pending_question_id = str(turn.question.id)
        self.streaming_id = str(turn.answer.id)
        self.streaming_at = turn.answer.created_at.isoformat()
        self._started_answer = _started_key(actor, turn.answer.id)
        sidebar = await self.get_state(SidebarState)
        filed_under = category_label(turn.conversation.category)
        if filed_under != self.current_category:
            # A new conversation, or a General one the service just filed under
            # the question's topic: the top bar and the picker show it.
            self.current_category = filed_under
            composer.selected_category = turn.conversation.category
        if turn.created_conversation:
            self.current_id = str(turn.conversation.id)
            self.current_title = turn.conversation.title
            sidebar._add(conversation_row(turn.conversation))
            self._just_started = self.current_id
            # Follow at once (the first words must not wait for navigation),
            # and go to the conversation's own address through the router, so
            # a reconnect re-runs on_load with it. Opening it there starts a
            # newer follower, which this one yields to.
            return [ConversationState.follow_answer, rx.redirect(f"/chat/{turn.conversation.id}", replace=True)]
        sidebar._bump(self.current_id)
        return ConversationState.follow_answer

    @rx.event
    @signed_in
    async def send_suggestion(self, actor: Actor, text: str, category: str):
        (await self.get_state(ComposerState)).set_selected_category(category)
        return await self.send(text)

    async def _start_regenerate(self, actor: Actor, new_question: str | None):
        composer = await self.get_state(ComposerState)
        try:
            turn = await chat.regenerate(actor, self.current_id, new_question=new_question)
        except ServiceError as exc:
            if new_question is not None:
                composer._give_back(new_question)
            return await self._show_error(exc, self.current_id)
        if new_question is not None:
            composer.sent_version += 1
        self.notice = ""
        composer.editing = False
        # Drop the old answer (and show the edited question) before streaming.
        # New row objects: state vars are replaced, never mutated in place.
        keep: list[MessageRow] = []
        for row in self.messages:
            if row.id == str(turn.question.id):
                keep.append(dataclasses.replace(row, content=turn.question.content))
                break
            keep.append(dataclasses.replace(row))
        self.messages = mark_last(keep)
        self.streaming_id = str(turn.answer.id)
        self.streaming_at = turn.answer.created_at.isoformat()
        self._started_answer = _started_key(actor, turn.answer.id)
        (await self.get_state(SidebarState))._bump(self.current_id)
        return ConversationState.follow_answer

    @rx.event
    @signed_in
    async def regenerate(self, actor: Actor):
        if self.streaming_id or not self.current_id:
            return None
        return await self._start_regenerate(actor, None)

    @rx.event
    @signed_in
    async def edit_last_question(self, actor: Actor):
        last = next((r for r in reversed(self.messages) if r.role == MessageRole.user.value), None)
        if last is None or self.streaming_id:
            return None
        (await self.get_state(ComposerState))._start_editing(last.content)
        return None

    @rx.event
    @signed_in
    async def stop(self, actor: Actor):
        if not self.streaming_id:
            return None
        try:
            await chat.stop_answer(actor, self.streaming_id)
        except ServiceError as exc:
            return await self._show_error(exc, self.current_id)
        return None

    @rx.event
    @tab_only
    def dismiss_notice(self):
        self.notice = ""

    @rx.event
    @tab_only
    async def new_chat(self):
        """Back to the welcome screen; an answer still being written goes on on the server."""
        self._clear_conversation()
        self._just_started = ""
        (await self.get_state(ComposerState))._follow_conversation()
        (await self.get_state(SidebarState)).sidebar_open = False
        return rx.redirect("/chat")

    # --- following an answer -----------------------------------------------------------------

    @rx.event(background=True)
    @checks_session_inside
    async def follow_answer(self):
        """Send the answer's new text to this tab as it is written."""
        async with self:
            actor = await self._current_actor()
            message_id = self.streaming_id
            token = self.router.session.client_token
            started_here = actor is not None and self._started_answer == _started_key(actor, message_id)
        if actor is None or not message_id:
            return
        if not started_here:  # opened from the list, a reload, another tab: is it theirs?
            try:
                await chat.answer_for_owner(actor, message_id)
            except ServiceError:
                return
        me = followers.become_latest(token)
        try:
            key = message_id
            named = False
            gone_since: float | None = None
            checked = time.monotonic()
            async for update in stream_readers.follow(uuid.UUID(message_id)):
                if not followers.is_latest(token, me):
                    return  # a newer follower (a reload, a navigation) took over this tab
                if not named:
                    # The first command names the stream and carries its text so
                    # far (the follow starts at 0): one frame before the first words.
                    yield stream_reset(key, update.delta)
                    named = True
                elif update.delta:
                    yield stream_append(key, update.offset, update.delta)
                if update.done:
                    break
                now = time.monotonic()
                if now - checked < followers.FOLLOWER_CHECK_S:
                    continue
                checked = now
                # A closed tab must not keep a follower (the answer itself goes on).
                if followers.client_connected(token):
                    gone_since = None
                elif gone_since is None:
                    gone_since = now
                elif now - gone_since > followers.DISCONNECT_GRACE_S:
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
            followers.retire(token, me)

    async def _finish_answer(self, actor: Actor, message_id: str) -> None:
        try:
            answer = await chat.answer_for_owner(actor, message_id)
            rating = (await feedback.feedback_for(actor, [message_id])).get(message_id)
        except ServiceError:
            answer, rating = None, None
        # The answer's tokens count now: the day's usage, read outside the lock.
        today = await read_usage(actor)
        async with self:
            if self.streaming_id != message_id:
                return
            (await self.get_state(QuotaState))._show(today)
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
                rows.append(message_row(answer, rating))
            self.messages = mark_last(rows)
            self.pending_question = self.pending_question_at = self._pending_question_id = ""
            self.streaming_id = self.streaming_at = ""


PER_USER_STATES.append(ConversationState)
