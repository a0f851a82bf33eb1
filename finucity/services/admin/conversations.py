"""Every user's conversations for the admin area: list, transcript, delete, export.

One query builder serves the list and the export, so an export holds exactly
the rows the list shows for the same filters.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from finucity.models import Conversation, Message, MessageFeedback, MessageRole, MessageStatus, Rating, User
from finucity.services import generation, search
from finucity.services.admin import export_format
from finucity.services.admin.guard import require_admin
from finucity.services.admin.query import (
    day_bounds,
    decode_cursor,
    encode_cursor,
    one_of,
    page_size,
    parse_int,
    parse_time,
    reading,
)
from finucity.services.ai.categories import parse_category
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.conversations import NOT_FOUND, parse_id
from finucity.services.errors import NotFound, ValidationError
from finucity.services.validation import optional_line

STATUSES = tuple(s.value for s in MessageStatus)
FEEDBACK = ("up", "down", "any")
EXPORT_FORMATS = ("csv", "json")
# Conversations per database round trip while exporting: bounded memory, few queries.
EXPORT_BATCH = 200
MAX_DELETE = 100


@dataclasses.dataclass
class ConversationFilters:
    q: str | None = None  # full-text over titles and message contents (services/search.py)
    user: str | None = None  # a user id, or (part of) an email
    category: str | None = None  # a Category value
    status: str | None = None  # the last answer's status: complete|stopped|failed|streaming
    feedback: str | None = None  # "up" | "down" | "any" (has any rating) | None
    since: date | None = None  # last activity (updated_at) on or after this UTC day
    until: date | None = None  # inclusive
    sort: str = "recent"  # recent | oldest (by last activity) | longest | shortest (by message count)


@dataclasses.dataclass
class AdminConversationRow:
    id: str
    user_id: str
    user_email: str
    user_name: str
    title: str
    category: str
    last_status: str  # "" when no answer was ever asked for
    message_count: int
    thumbs_up: int
    thumbs_down: int
    created_at: datetime
    updated_at: datetime


@dataclasses.dataclass
class AdminConversationPage:
    items: list[AdminConversationRow]
    next_cursor: str | None


@dataclasses.dataclass
class AdminMessage:
    id: str
    role: str
    content: str
    status: str
    error: str | None
    created_at: datetime
    model: str | None
    tokens_in: int | None
    tokens_out: int | None
    first_token_ms: int | None
    latency_ms: int | None
    rating: str | None
    comment: str | None
    cached: bool = False  # given from the answer cache


@dataclasses.dataclass
class AdminTranscript:
    conversation: AdminConversationRow
    messages: list[AdminMessage]


# --- the query -------------------------------------------------------------------------------


def _thumbs(rating: Rating) -> ColumnElement[int]:
    return (
        select(func.count())
        .select_from(MessageFeedback)
        .join(Message, Message.id == MessageFeedback.message_id)
        .where(Message.conversation_id == Conversation.id, MessageFeedback.rating == rating.value)
        .scalar_subquery()
    )


_message_count = select(func.count(Message.id)).where(Message.conversation_id == Conversation.id).scalar_subquery()
_last_status = (
    select(Message.status)
    .where(Message.conversation_id == Conversation.id, Message.role == MessageRole.assistant.value)
    .order_by(Message.created_at.desc(), Message.id.desc())
    .limit(1)
    .scalar_subquery()
)
_ROW_COLUMNS = (
    Conversation.id,
    Conversation.user_id,
    User.email,
    User.full_name,
    Conversation.title,
    Conversation.category,
    _last_status,
    _message_count,
    _thumbs(Rating.up),
    _thumbs(Rating.down),
    Conversation.created_at,
    Conversation.updated_at,
)


@dataclasses.dataclass(frozen=True)
class _Sort:
    key: ColumnElement  # in SQL
    descending: bool
    row_key: str  # the same key in an AdminConversationRow
    parse_key: Callable[[Any], Any]  # the key read back from a cursor


_SORTS = {
    "recent": _Sort(Conversation.updated_at, True, "updated_at", parse_time),
    "oldest": _Sort(Conversation.updated_at, False, "updated_at", parse_time),
    "longest": _Sort(_message_count, True, "message_count", parse_int),
    "shortest": _Sort(_message_count, False, "message_count", parse_int),
}


@dataclasses.dataclass(frozen=True)
class _Query:
    where: list[ColumnElement[bool]]
    sort: str


def _clean(filters: ConversationFilters) -> _Query:
    """The filters checked (a ValidationError names the field at fault) as SQL conditions."""
    where: list[ColumnElement[bool]] = []
    if q := search.clean_query(filters.q):
        where.append(search.conversation_matches(q))
    if user := optional_line(filters.user, field="user", label="the user", max_length=254):
        try:
            where.append(Conversation.user_id == uuid.UUID(user))
        except ValueError:
            where.append(search.contains(User.email, user))
    if filters.category:
        where.append(Conversation.category == parse_category(filters.category).value)
    if status := one_of(filters.status, STATUSES, field="status"):
        where.append(_last_status == status)
    if feedback := one_of(filters.feedback, FEEDBACK, field="feedback"):
        rated = select(MessageFeedback.message_id).join(Message, Message.id == MessageFeedback.message_id)
        rated = rated.where(Message.conversation_id == Conversation.id)
        if feedback != "any":
            rated = rated.where(MessageFeedback.rating == feedback)
        where.append(rated.exists())
    start, end = day_bounds(filters.since, filters.until)
    if start is not None:
        where.append(Conversation.updated_at >= start)
    if end is not None:
        where.append(Conversation.updated_at < end)
    return _Query(where=where, sort=one_of(filters.sort, tuple(_SORTS), field="sort") or "recent")


def _select(query: _Query, cursor: str | None, limit: int) -> Select:
    sort = _SORTS[query.sort]
    key = sort.key
    where = list(query.where)
    if cursor:
        after, ident = decode_cursor(cursor, query.sort, key=sort.parse_key, ident=uuid.UUID)
        if sort.descending:
            where.append(or_(key < after, and_(key == after, Conversation.id < ident)))
        else:
            where.append(or_(key > after, and_(key == after, Conversation.id > ident)))
    order = (key.desc(), Conversation.id.desc()) if sort.descending else (key.asc(), Conversation.id.asc())
    return (
        select(*_ROW_COLUMNS)
        .join(User, User.id == Conversation.user_id)
        .where(*where)
        .order_by(*order)
        .limit(limit + 1)
    )


def _row(values) -> AdminConversationRow:
    cid, user_id, email, name, title, category, status, count, up, down, created, updated = values
    return AdminConversationRow(
        id=str(cid),
        user_id=str(user_id),
        user_email=email,
        user_name=name,
        title=title,
        category=category,
        last_status=status or "",
        message_count=count or 0,
        thumbs_up=up or 0,
        thumbs_down=down or 0,
        created_at=created,
        updated_at=updated,
    )


async def _page(session: AsyncSession, query: _Query, cursor: str | None, limit: int) -> AdminConversationPage:
    rows = (await session.execute(_select(query, cursor, limit))).all()
    items = [_row(r) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(query.sort, getattr(last, _SORTS[query.sort].row_key), uuid.UUID(last.id))
    return AdminConversationPage(items=items, next_cursor=next_cursor)


# --- reading ------------------------------------------------------------------------------------


async def list_conversations(
    actor: Actor, filters: ConversationFilters, *, cursor: str | None = None, limit: int = 25
) -> AdminConversationPage:
    """Every user's conversations matching `filters`, a page at a time (keyset, never OFFSET)."""
    require_admin(actor)
    query = _clean(filters)
    async with reading() as session:
        return await _page(session, query, cursor, page_size(limit))


async def _messages(session: AsyncSession, conversation_ids: list[uuid.UUID]) -> dict[str, list[AdminMessage]]:
    """The messages of each conversation (by id), oldest first, with their ratings, in one query."""
    rows = await session.execute(
        select(Message, MessageFeedback.rating, MessageFeedback.comment)
        .outerjoin(MessageFeedback, MessageFeedback.message_id == Message.id)
        .where(Message.conversation_id.in_(conversation_ids))
        .order_by(Message.conversation_id, Message.created_at, Message.id)
    )
    found: dict[str, list[AdminMessage]] = {str(ident): [] for ident in conversation_ids}
    for m, rating, comment in rows.all():
        found[str(m.conversation_id)].append(
            AdminMessage(
                id=str(m.id),
                role=m.role,
                content=m.content,
                status=m.status,
                error=m.error,
                created_at=m.created_at,
                model=m.model,
                tokens_in=m.tokens_in,
                tokens_out=m.tokens_out,
                first_token_ms=m.first_token_ms,
                latency_ms=m.latency_ms,
                rating=rating,
                comment=comment,
                cached=bool(m.cached),
            )
        )
    return found


async def _has_abandoned_answer(session: AsyncSession, conversation_id: uuid.UUID) -> bool:
    streaming = await session.execute(
        select(Message.id, Message.updated_at).where(
            Message.conversation_id == conversation_id, Message.status == MessageStatus.streaming.value
        )
    )
    return any(generation.is_abandoned(ident, updated_at) for ident, updated_at in streaming.all())


async def read_transcript(actor: Actor, conversation_id: object) -> AdminTranscript:
    """A conversation with every message, its figures and its rating. Reading it is
    audited ("admin.conversation.read"): an admin reading someone's chat leaves a trace."""
    require_admin(actor)
    ident = parse_id(conversation_id)
    async with unit_of_work(actor) as uow:
        found = (await uow.session.execute(_select(_Query([Conversation.id == ident], "recent"), None, 1))).first()
        if found is None:
            raise NotFound(NOT_FOUND)
        conversation = _row(found)
        abandoned = await _has_abandoned_answer(uow.session, ident)
        uow.audit("admin.conversation.read", target_type="conversation", target_id=ident, owner=conversation.user_email)
    if abandoned:
        # An answer whose worker died reads as failed, as its owner would see it.
        await generation.fail_stale_streams(ident)
    async with read_only() as session:
        messages = (await _messages(session, [ident]))[str(ident)]
    return AdminTranscript(conversation=conversation, messages=messages)


# --- deleting ------------------------------------------------------------------------------------


async def delete_conversations(actor: Actor, conversation_ids: list[str]) -> int:
    """Delete conversations with their messages and ratings; returns how many existed.

    Gone for their owners too. An answer still streaming in one ends: stopped here
    at once, and on any other worker at its next save, which finds its row gone.
    A malformed id is NotFound and deletes nothing; ids already gone are skipped.
    """
    require_admin(actor)
    if not isinstance(conversation_ids, list | tuple):
        raise ValidationError("Send a list of conversation ids.", field="ids")
    if not conversation_ids:
        raise ValidationError("Choose at least one conversation.", field="ids")
    if len(conversation_ids) > MAX_DELETE:
        raise ValidationError(f"Delete at most {MAX_DELETE} conversations at a time.", field="ids")
    idents = list(dict.fromkeys(parse_id(value) for value in conversation_ids))
    async with unit_of_work(actor) as uow:
        found = (
            await uow.session.execute(
                select(Conversation.id, Conversation.title, User.email, _message_count)
                .join(User, User.id == Conversation.user_id)
                .where(Conversation.id.in_(idents))
            )
        ).all()
        gone = [row[0] for row in found]
        if gone:
            in_gone = select(Message.id).where(Message.conversation_id.in_(gone))
            # Explicit, child first: SQLite cascades only with its foreign keys on.
            await uow.session.execute(delete(MessageFeedback).where(MessageFeedback.message_id.in_(in_gone)))
            await uow.session.execute(delete(Message).where(Message.conversation_id.in_(gone)))
            await uow.session.execute(delete(Conversation).where(Conversation.id.in_(gone)))
        for cid, title, owner, count in found:
            uow.audit(
                "admin.conversation.delete",
                target_type="conversation",
                target_id=cid,
                owner=owner,
                title=title,
                messages=count,
            )
    for cid in gone:
        generation.stop_conversation_local(cid)
    return len(gone)


async def delete_conversation(actor: Actor, conversation_id: object) -> None:
    """Delete one conversation; NotFound when there is none with that id."""
    if not await delete_conversations(actor, [conversation_id]):  # type: ignore[list-item]
        raise NotFound(NOT_FOUND)


# --- export -----------------------------------------------------------------------------------------


async def export_conversations(actor: Actor, filters: ConversationFilters, fmt: str) -> AsyncIterator[str]:
    """The filtered conversations as CSV (one row each) or JSON (each with its messages),
    in the list's order, read and sent a batch at a time so a large export never sits
    in memory. Everything is checked, and the export audited, before the first chunk."""
    require_admin(actor)
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("Choose format=csv or format=json.", field="format")
    query = _clean(filters)
    async with unit_of_work(actor) as uow:
        uow.audit("admin.conversations.export", format=fmt, filters=export_format.filters_dict(filters))
    yield export_format.CSV_HEADER if fmt == "csv" else "[\n"
    cursor: str | None = None
    first = True
    while True:
        # The session is closed before yielding: a slow download holds no connection.
        async with reading() as session:
            page = await _page(session, query, cursor, EXPORT_BATCH)
            transcripts = {}
            if fmt == "json" and page.items:
                transcripts = await _messages(session, [uuid.UUID(row.id) for row in page.items])
        if fmt == "csv":
            yield export_format.csv_rows(page.items)
        elif page.items:
            yield export_format.json_items(page.items, transcripts, first=first)
            first = False
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    if fmt == "json":
        yield "\n]\n"
