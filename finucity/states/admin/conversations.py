"""/admin/conversations: every user's conversations, filtered, read, deleted, exported."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import reflex as rx

from finucity.services.admin import conversations as admin_conversations
from finucity.services.ai.categories import CATEGORY_LABELS, parse_category
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states import followers
from finucity.states.admin.base import AdminState, PagedList, iso, parse_day
from finucity.states.conversation import ConversationState
from finucity.states.session import PER_USER_STATES, admin_only, tab_only

FILTERS = ("q", "user", "category", "status", "feedback", "since", "until", "sort")


@dataclasses.dataclass
class AdminConversationItem:
    id: str
    title: str
    user_id: str
    user_email: str
    user_name: str
    category: str
    last_status: str
    message_count: int
    thumbs_up: int
    thumbs_down: int
    updated_at: str


@dataclasses.dataclass
class TranscriptItem:
    id: str
    role: str
    content: str
    status: str
    error: str
    created_at: str
    meta: str
    rating: str
    comment: str
    cached: bool = False


def _item(row) -> AdminConversationItem:
    return AdminConversationItem(
        id=row.id,
        title=row.title,
        user_id=row.user_id,
        user_email=row.user_email,
        user_name=row.user_name,
        category=CATEGORY_LABELS[parse_category(row.category)],
        last_status=row.last_status,
        message_count=row.message_count,
        thumbs_up=row.thumbs_up,
        thumbs_down=row.thumbs_down,
        updated_at=iso(row.updated_at),
    )


def _meta(m) -> str:
    """Model, tokens and timings of an answer, in one line."""
    parts = [m.model or ""]
    if m.tokens_in is not None or m.tokens_out is not None:
        parts.append(f"{m.tokens_in or 0} + {m.tokens_out or 0} tokens")
    if m.first_token_ms is not None:
        parts.append(f"first words {m.first_token_ms} ms")
    if m.latency_ms is not None:
        parts.append(f"whole answer {m.latency_ms} ms")
    return " · ".join(p for p in parts if p)


class AdminConversationsState(PagedList, AdminState):
    q: str = ""
    user: str = ""
    category: str = ""
    status: str = ""
    feedback: str = ""
    since: str = ""
    until: str = ""
    sort: str = "recent"
    rows: list[AdminConversationItem] = []
    selected: list[str] = []
    loading: bool = False
    # The transcript being read, and the delete being confirmed.
    open_id: str = ""
    open_title: str = ""
    open_owner: str = ""
    _open_owner_id: str = ""
    transcript: list[TranscriptItem] = []
    confirm_ids: list[str] = []

    @rx.var
    def export_query(self) -> str:
        """The filters as a query string for the export links (a plain GET download)."""
        # Each var named (not looked up by name), so Reflex sees what this depends on.
        values = {
            "q": self.q,
            "user": self.user,
            "category": self.category,
            "status": self.status,
            "feedback": self.feedback,
            "since": self.since,
            "until": self.until,
            "sort": self.sort,
        }
        return urlencode({name: value for name, value in values.items() if value})

    def _forget_user_data(self) -> None:
        self.rows, self.cursors, self.selected, self.transcript, self.confirm_ids = [], [], [], [], []
        self.next_cursor = self.open_id = self.open_title = self.open_owner = self._open_owner_id = ""

    def _filters(self) -> admin_conversations.ConversationFilters:
        return admin_conversations.ConversationFilters(
            q=self.q or None,
            user=self.user or None,
            category=self.category or None,
            status=self.status or None,
            feedback=self.feedback or None,
            since=parse_day(self.since, "since"),
            until=parse_day(self.until, "until"),
            sort=self.sort or "recent",
        )

    async def _load(self, actor: Actor, cursor: str | None = None) -> None:
        self.loading = True
        try:
            page = await admin_conversations.list_conversations(actor, self._filters(), cursor=cursor or None)
        except ServiceError as exc:
            await self._show(exc)
            return
        finally:
            self.loading = False
        await self._allowed()
        self.rows = [_item(r) for r in page.items]
        self.next_cursor = page.next_cursor or ""
        self.selected = [i for i in self.selected if any(r.id == i for r in self.rows)]

    @rx.event
    @admin_only
    async def apply_filters(self, actor: Actor, form: dict):
        for name in FILTERS:
            value = form.get(name)
            if isinstance(value, str):
                setattr(self, name, value.strip()[:200])
        self.cursors = []
        await self._load(actor)

    @rx.event
    @admin_only
    async def clear_filters(self, actor: Actor):
        for name in FILTERS:
            setattr(self, name, "")
        self.sort, self.cursors = "recent", []
        await self._load(actor)

    @rx.var
    def all_selected(self) -> bool:
        # Every row shown, not a count: the selection is whatever ids the tab sent.
        return bool(self.rows) and all(r.id in self.selected for r in self.rows)

    @rx.event
    @tab_only
    def toggle_selected(self, conversation_id: str):
        ids = self.selected
        self.selected = [i for i in ids if i != conversation_id] if conversation_id in ids else [*ids, conversation_id]

    @rx.event
    @tab_only
    def toggle_all_selected(self):
        """The header's box: every row on this page, or none."""
        self.selected = [] if self.all_selected else [r.id for r in self.rows]

    @rx.event
    @admin_only
    async def open_transcript(self, actor: Actor, conversation_id: str):
        try:
            t = await admin_conversations.read_transcript(actor, conversation_id)
        except ServiceError as exc:
            await self._show(exc)
            return
        self.open_id, self.open_title = t.conversation.id, t.conversation.title
        self.open_owner = f"{t.conversation.user_name} <{t.conversation.user_email}>"
        self._open_owner_id = t.conversation.user_id
        self.transcript = [
            TranscriptItem(
                id=m.id,
                role=m.role,
                content=m.content,
                status=m.status,
                error=m.error or "",
                created_at=iso(m.created_at),
                meta=_meta(m),
                rating=m.rating or "",
                comment=m.comment or "",
                cached=m.cached,
            )
            for m in t.messages
        ]

    @rx.event
    @tab_only
    def close_transcript(self):
        self.open_id = self.open_title = self.open_owner = ""
        self.transcript = []

    @rx.event
    @tab_only
    def ask_delete(self, conversation_id: str):
        """Confirm deleting one conversation, or (with "") the selection."""
        self.confirm_ids = [conversation_id] if conversation_id else list(self.selected)

    @rx.event
    @tab_only
    def cancel_delete(self):
        self.confirm_ids = []

    @rx.event
    @admin_only
    async def confirm_delete(self, actor: Actor):
        ids, self.confirm_ids = self.confirm_ids, []
        owners = {r.user_id for r in self.rows if r.id in ids}
        if self.open_id in ids:
            owners.add(self._open_owner_id)
        try:
            await admin_conversations.delete_conversations(actor, ids)
        except ServiceError as exc:
            await self._show(exc)
            return
        # The owners' open chat tabs show it gone at once, not at their next click.
        await followers.tell_chat_tabs(owners, ConversationState.recheck_conversations)
        if self.open_id in ids:
            self.open_id, self.transcript = "", []
        self.selected = [i for i in self.selected if i not in ids]
        await self._load(actor, self.cursors[-1] if self.cursors else None)


PER_USER_STATES.append(AdminConversationsState)
