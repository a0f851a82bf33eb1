"""Conversations and their messages: listing, reading, renaming, deleting, export.

Ownership is enforced here, in every query: a conversation that is missing and
one that belongs to somebody else raise the same `NotFound`, so an id reveals
nothing. Ids that are not UUIDs are simply not found.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, delete, func, or_, select

from finucity.models import Conversation, Message, MessageRole, MessageStatus
from finucity.services import generation, search
from finucity.services.ai.categories import CATEGORY_LABELS, parse_category
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.errors import NotFound, ValidationError
from finucity.services.validation import single_line

NOT_FOUND = "Conversation not found"
MAX_TITLE = 120
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
PREVIEW_CHARS = 140


@dataclasses.dataclass(frozen=True)
class ConversationSummary:
    id: uuid.UUID
    title: str
    category: str
    created_at: datetime
    updated_at: datetime
    message_count: int
    preview: str


@dataclasses.dataclass(frozen=True)
class ConversationPage:
    items: list[ConversationSummary]
    next_cursor: str | None


@dataclasses.dataclass(frozen=True)
class ConversationDetail:
    conversation: Conversation
    messages: list[Message]


def parse_id(value: object, *, what: str = NOT_FOUND) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise NotFound(what) from None


def make_title(question: str) -> str:
    """A title from the first question: one line, cut at a word. Titles are
    plain text everywhere they show, so nothing in them is Markdown to strip."""
    text = " ".join(question.split())
    if len(text) <= 60:
        return text or "New chat"
    cut = text[:60].rsplit(" ", 1)[0] or text[:60]
    return cut.rstrip(" ,.;:-") + "…"


def _markdown_text(text: str) -> str:
    """Plain text (a title) inside a Markdown document, shown as typed."""
    # Only what can start markup inside a heading line; "1.5" stays "1.5".
    return re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text)


def clean_title(title: object) -> str:
    return single_line(title, field="title", label="the title", max_length=MAX_TITLE)


# --- cursors -----------------------------------------------------------------------


def _encode_cursor(updated_at: datetime, conversation_id: uuid.UUID) -> str:
    raw = f"{updated_at.isoformat()}|{conversation_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, _, ident = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        when = datetime.fromisoformat(stamp)
        if when.tzinfo is None:
            raise ValueError
        # Times that cannot be expressed in UTC (year 1 at +05:30) are not ours.
        return when.astimezone(UTC), uuid.UUID(ident)
    except (ValueError, UnicodeDecodeError, OverflowError):
        raise ValidationError("The cursor is not valid; start from the first page.", field="cursor") from None


# --- reading -----------------------------------------------------------------------


async def list_conversations(
    actor: Actor,
    *,
    limit: int = PAGE_SIZE,
    cursor: str | None = None,
    q: str | None = None,
    category: str | None = None,
) -> ConversationPage:
    """The caller's conversations, newest first, searchable by title and content."""
    user_id = actor.require_user()
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    where = [Conversation.user_id == user_id]
    if category:
        where.append(Conversation.category == parse_category(category).value)
    q = search.clean_query(q)
    if q:
        where.append(search.conversation_matches(q))
    if cursor:
        when, ident = _decode_cursor(cursor)
        where.append(
            or_(Conversation.updated_at < when, and_(Conversation.updated_at == when, Conversation.id < ident))
        )

    message_count = select(func.count(Message.id)).where(Message.conversation_id == Conversation.id).scalar_subquery()
    preview = (
        select(func.substr(Message.content, 1, PREVIEW_CHARS + 40))
        .where(Message.conversation_id == Conversation.id, Message.content != "")
        .order_by(Message.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        select(Conversation, message_count, preview)
        .where(*where)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(limit + 1)
    )
    async with read_only() as session:
        rows = (await session.execute(stmt)).all()
    items = [
        ConversationSummary(
            id=c.id,
            title=c.title,
            category=c.category,
            created_at=c.created_at,
            updated_at=c.updated_at,
            message_count=count or 0,
            preview=_preview(text or ""),
        )
        for c, count, text in rows[:limit]
    ]
    next_cursor = _encode_cursor(items[-1].updated_at, items[-1].id) if len(rows) > limit else None
    return ConversationPage(items=items, next_cursor=next_cursor)


def _preview(text: str) -> str:
    flat = " ".join(re.sub(r"[`*_#>|]+", " ", text).split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"


async def get_owned(session, actor: Actor, conversation_id: object) -> Conversation:
    """The caller's conversation, or NotFound (also for other users' ids)."""
    user_id = actor.require_user()
    ident = parse_id(conversation_id)
    conversation = await session.scalar(
        select(Conversation).where(Conversation.id == ident, Conversation.user_id == user_id)
    )
    if conversation is None:
        raise NotFound(NOT_FOUND)
    return conversation


async def get_conversation(actor: Actor, conversation_id: object) -> ConversationDetail:
    conversation, messages = await read_owned(actor, conversation_id)
    return ConversationDetail(conversation=conversation, messages=messages)


async def read_owned(actor: Actor, conversation_id: object) -> tuple[Conversation, list[Message]]:
    """The caller's conversation and its messages, oldest first. An answer whose worker
    died mid-stream is marked failed first (its text kept), so it shows as interrupted."""
    async with read_only() as session:
        conversation = await get_owned(session, actor, conversation_id)
        messages = list(
            await session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.created_at, Message.id)
            )
        )
    streaming = [m for m in messages if m.status == MessageStatus.streaming.value]
    if any(generation.is_abandoned(m.id, m.updated_at) for m in streaming):
        await generation.fail_stale_streams(conversation.id)
        return await read_owned(actor, conversation_id)
    return conversation, messages


# --- changing ----------------------------------------------------------------------


async def rename_conversation(actor: Actor, conversation_id: object, title: object) -> Conversation:
    new_title = clean_title(title)
    async with unit_of_work(actor) as uow:
        conversation = await get_owned(uow.session, actor, conversation_id)
        old = conversation.title
        conversation.title = new_title
        uow.audit("conversation.rename", target_type="conversation", target_id=conversation.id, old=old, new=new_title)
    return conversation


async def delete_conversation(actor: Actor, conversation_id: object) -> None:
    """Delete a conversation with its messages. An answer still streaming stops."""
    async with unit_of_work(actor) as uow:
        conversation = await get_owned(uow.session, actor, conversation_id)
        count = await uow.session.scalar(
            select(func.count(Message.id)).where(Message.conversation_id == conversation.id)
        )
        await uow.session.execute(delete(Message).where(Message.conversation_id == conversation.id))
        await uow.session.execute(delete(Conversation).where(Conversation.id == conversation.id))
        uow.audit(
            "conversation.delete",
            target_type="conversation",
            target_id=conversation.id,
            title=conversation.title,
            messages=count,
        )
    generation.stop_conversation_local(conversation.id)


# --- export ------------------------------------------------------------------------


def message_dict(m: Message) -> dict:
    return {
        "id": str(m.id),
        "role": m.role,
        "content": m.content,
        "status": m.status,
        "category": m.category,
        "created_at": m.created_at.isoformat(),
    }


def conversation_dict(c: Conversation) -> dict:
    return {
        "id": str(c.id),
        "title": c.title,
        "category": c.category,
        "created_at": c.created_at.isoformat(),
        "updated_at": c.updated_at.isoformat(),
    }


async def export_conversation(actor: Actor, conversation_id: object, fmt: str = "md") -> tuple[str, str, str]:
    """(filename, media type, body) of one conversation as Markdown or JSON."""
    if fmt not in ("md", "json"):
        raise ValidationError("Choose format=md or format=json.", field="format")
    detail = await get_conversation(actor, conversation_id)
    c = detail.conversation
    slug = re.sub(r"[^a-z0-9]+", "-", c.title.lower()).strip("-")[:40] or "conversation"
    if fmt == "json":
        body = json.dumps(
            {"conversation": conversation_dict(c), "messages": [message_dict(m) for m in detail.messages]},
            ensure_ascii=False,
            indent=2,
        )
        return f"finucity-{slug}.json", "application/json", body
    lines = [
        f"# {_markdown_text(c.title)}",
        "",
        f"*Category: {CATEGORY_LABELS[parse_category(c.category)]} · Started {c.created_at:%d %b %Y %H:%M} UTC*",
        "",
    ]
    for m in detail.messages:
        who = "You" if m.role == MessageRole.user.value else "AI Assistant"
        status = "" if m.status == MessageStatus.complete.value else f" ({m.status})"
        lines += [f"## {who}{status} · {m.created_at:%d %b %Y %H:%M} UTC", "", m.content or "_(no text)_", ""]
    return f"finucity-{slug}.md", "text/markdown; charset=utf-8", "\n".join(lines)
