"""Text search over conversations: one condition that both the user's sidebar
and the admin area filter by, whatever the database does underneath.

The meaning is the same everywhere: a conversation matches when its title or any of its
messages contains the query, ignoring case, every character taken literally (so a word's
beginning, "freelanc", finds "freelancer", and so does "lance"). Migration 0004 indexes the
text by trigrams: FTS5 tables on SQLite, pg_trgm GIN indexes on PostgreSQL.

An index is not always the fast way. For text in a few messages it is: the index lists
them, and the page is sorted from that short list. For common text ("tax" is in a third of
all messages) the list is huge, and reading each listed message to learn its conversation
costs seconds, while walking conversations newest first with a plain LIKE fills a page
after a few rows. Neither database can tell the two apart in advance (SQLite has no
statistics for FTS, and PostgreSQL cannot plan `title OR any message` as one join), so the
condition asks the index first, at most COMMON_MATCHES + 1 hits, and takes the list when it
is short, the walk when it is not. Both ways give the same rows; tests/services/test_search.py
checks both. Text under three characters has no trigram and is always walked.
"""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.visitors import InternalTraversal

from finucity.models import Conversation, Message
from finucity.services.errors import ValidationError
from finucity.services.validation import has_control_characters, is_encodable

MAX_QUERY = 200
# Text in more messages than this is common: walked, not listed (see the docstring).
COMMON_MATCHES = 2000
# The trigram indexes hold runs of three characters; shorter text has none.
_TRIGRAM = 3

_messages_fts = sa.table("messages_fts", sa.column("rowid"), sa.column("content"))
_conversations_fts = sa.table("conversations_fts", sa.column("rowid"), sa.column("title"))
# The title list reads `conversations` inside a query on `conversations`: under another
# name, or SQLAlchemy would correlate it to the outer row.
_titles = Conversation.__table__.alias("search_titles")


def clean_query(q: str | None) -> str | None:
    """The search text, checked; None when there is nothing to search for."""
    if q is None or not q.strip():
        return None
    if len(q) > MAX_QUERY:
        raise ValidationError(f"Keep the search under {MAX_QUERY} characters.", field="q")
    if has_control_characters(q) or not is_encodable(q):
        raise ValidationError("The search contains a character that is not allowed.", field="q")
    return q.strip()


def conversation_matches(q: str) -> ColumnElement[bool]:
    """True for a conversation whose title or any message contains `q` (case-insensitive).

    Refers to the `conversations` table itself (not an alias), like any condition on
    `Conversation` columns."""
    return _Matches(q)


class _Matches(ColumnElement[bool]):
    """The search condition spelled for each database; the compiler picks its own."""

    type = sa.Boolean()
    inherit_cache = True
    # The statement cache keys on every spelling, so a cached statement is never reused
    # for a query of another shape (short queries are spelled differently).
    _traverse_internals: ClassVar = [
        ("portable", InternalTraversal.dp_clauseelement),
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("postgresql", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, q: str):
        self.portable = _walk(q, ilike=True)
        self.sqlite = _sqlite(q)
        self.postgresql = _postgresql(q)


# Parenthesised: a dialect without a boolean type appends "= 1" to the whole condition.
@compiles(_Matches)
def _compile_portable(element: _Matches, compiler, **kw) -> str:
    return f"({compiler.process(element.portable, **kw)})"


@compiles(_Matches, "sqlite")
def _compile_sqlite(element: _Matches, compiler, **kw) -> str:
    return f"({compiler.process(element.sqlite, **kw)})"


@compiles(_Matches, "postgresql")
def _compile_postgresql(element: _Matches, compiler, **kw) -> str:
    return f"({compiler.process(element.postgresql, **kw)})"


def _walk(q: str, *, ilike: bool, fenced: bool = False) -> ColumnElement[bool]:
    """Checked conversation by conversation: its title, then its messages, for %q%.

    `ilike=False` on SQLite, whose LIKE already ignores (ASCII) case, as its lower() does,
    without copying every message to lower-case it. `fenced` keeps PostgreSQL checking
    row by row: without OFFSET 0 it may turn the EXISTS into one hashed list of every
    matching message, the very cost the walk is there to avoid."""
    pattern = _like_pattern(q)

    def contains(column):
        return (column.ilike if ilike else column.like)(pattern, escape="\\")

    in_messages = select(Message.id).where(Message.conversation_id == Conversation.id, contains(Message.content))
    if fenced:
        in_messages = in_messages.offset(0)
    return or_(contains(Conversation.title), in_messages.exists())


def _listed_or_walked(q: str, message_hits: Select, by_title, by_message: Select, walk) -> ColumnElement[bool]:
    """The walk when the index has more than COMMON_MATCHES messages for `q`, else its lists."""
    capped = message_hits.limit(COMMON_MATCHES + 1).subquery()
    common = select(func.count()).select_from(capped).scalar_subquery() > COMMON_MATCHES
    # Both lists are uncorrelated: built once per statement, and only when the CASE gets
    # there. Their LIMIT drops nothing (there are at most COMMON_MATCHES messages), but
    # tells PostgreSQL's planner the list is short.
    listed = or_(by_title, Conversation.id.in_(by_message.limit(COMMON_MATCHES + 1)))
    return sa.case((common, walk), else_=listed)


def _sqlite(q: str) -> ColumnElement[bool]:
    if len(q) < _TRIGRAM:
        return _walk(q, ilike=False)
    phrase = fts_phrase(q)
    message_hits = select(_messages_fts.c.rowid).where(_messages_fts.c.content.match(phrase))
    by_title = literal_column("conversations.rowid").in_(
        select(_conversations_fts.c.rowid).where(_conversations_fts.c.title.match(phrase))
    )
    by_message = select(Message.conversation_id).where(literal_column("messages.rowid").in_(message_hits))
    return _listed_or_walked(q, message_hits, by_title, by_message, _walk(q, ilike=False))


def _postgresql(q: str) -> ColumnElement[bool]:
    if len(q) < _TRIGRAM:
        return _walk(q, ilike=True, fenced=True)
    pattern = _like_pattern(q)
    message_hits = select(Message.conversation_id).where(Message.content.ilike(pattern, escape="\\"))
    by_title = Conversation.id.in_(select(_titles.c.id).where(_titles.c.title.ilike(pattern, escape="\\")))
    return _listed_or_walked(q, message_hits, by_title, message_hits, _walk(q, ilike=True, fenced=True))


def fts_phrase(q: str) -> str:
    """`q` as one FTS5 string: inside double quotes every character is text (quotes are
    doubled), so *, -, :, NEAR, OR and parentheses are searched for, never obeyed. The
    trigram tokenizer turns the string into a phrase of overlapping trigrams: a substring
    match."""
    return '"' + q.replace('"', '""') + '"'


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """True where `column` holds `text`, case-insensitive, with % and _ taken literally (the admin filters)."""
    return column.ilike(_like_pattern(text), escape="\\")
