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
after a few rows. Neither database can tell the two apart in advance (SQLite keeps no
statistics for FTS, and PostgreSQL cannot plan "title OR any message" as one join), so the
condition finds out first, once per statement:

- SQLite counts the FTS hits, up to COMMON_MATCHES + 1 (counting rowids is cheap);
- PostgreSQL looks at the RECENT_SAMPLE newest messages (common text is common there, and
  GIN would gather every hit of every trigram just to count them), and only for text
  rare there counts the index's hits, up to COMMON_MATCHES + 1.

Common text is walked. Rare text is listed, and the list also gives the oldest matching
conversation, so the caller's newest-first scan stops there (at once when nothing
matches). Both ways give the same rows; tests/services/test_search.py runs both. Text
under three characters has no trigram and is always walked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.visitors import InternalTraversal

from finucity.models import Conversation, Message, UTCDateTime
from finucity.services.errors import ValidationError
from finucity.services.validation import has_control_characters, is_encodable

MAX_QUERY = 200
# Text in more messages than this is common: walked, not listed (see the docstring).
COMMON_MATCHES = 2000
# PostgreSQL: text in 1% of this many newest messages is common.
RECENT_SAMPLE = 1000
# The trigram indexes hold runs of three characters; shorter text has none.
_TRIGRAM = 3
# No conversation is older: the floor when text is walked.
_BEFORE_EVERYTHING = datetime(1, 1, 1, tzinfo=UTC)

_messages_fts = sa.table("messages_fts", sa.column("rowid"), sa.column("content"))
_conversations_fts = sa.table("conversations_fts", sa.column("rowid"), sa.column("title"))
# Conversations read inside a query on conversations: under another name, or SQLAlchemy
# would correlate them to the outer row.
_other = Conversation.__table__.alias("search_conversations")


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
    walk_sqlite, walk_postgresql = _walk(q, ilike=False), _walk(q, ilike=True, fenced=True)
    if len(q) < _TRIGRAM:
        return _PerDialect(sa.Boolean(), _walk(q, ilike=True), walk_sqlite, walk_postgresql)
    sqlite_common, sqlite_listed = _sqlite_index(q)
    postgresql_common, postgresql_listed = _postgresql_index(q)
    matches = _PerDialect(
        sa.Boolean(),
        _walk(q, ilike=True),
        sa.case((sqlite_common, walk_sqlite), else_=Conversation.id.in_(select(sqlite_listed.c.id))),
        sa.case((postgresql_common, walk_postgresql), else_=Conversation.id.in_(select(postgresql_listed.c.id))),
    )
    # A plain comparison, so the caller's index on updated_at can stop the scan there.
    floor = _PerDialect(
        UTCDateTime(),
        sa.literal(_BEFORE_EVERYTHING, UTCDateTime()),
        _floor(sqlite_common, sqlite_listed),
        _floor(postgresql_common, postgresql_listed),
    )
    return and_(matches, Conversation.updated_at >= floor)


def contains(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """True where `column` holds `text`, case-insensitive, with % and _ taken literally (the admin filters)."""
    return column.ilike(_like_pattern(text), escape="\\")


def fts_phrase(q: str) -> str:
    """`q` as one FTS5 string: inside double quotes every character is text (quotes are
    doubled), so *, -, :, NEAR, OR and parentheses are searched for, never obeyed. The
    trigram tokenizer turns the string into a phrase of overlapping trigrams: a substring
    match."""
    return '"' + q.replace('"', '""') + '"'


# --- one expression, spelled per database ------------------------------------------------------


class _PerDialect(ColumnElement):
    """An expression spelled for each database; the compiler picks its own."""

    inherit_cache = True
    # The statement cache keys on every spelling, so a cached statement is never reused
    # for a query of another shape (short queries are spelled differently).
    _traverse_internals: ClassVar = [
        ("portable", InternalTraversal.dp_clauseelement),
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("postgresql", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, type_, portable, sqlite, postgresql):
        self.type = type_
        self.portable, self.sqlite, self.postgresql = portable, sqlite, postgresql


# Parenthesised: a dialect without a boolean type appends "= 1" to a boolean condition.
@compiles(_PerDialect)
def _compile_portable(element: _PerDialect, compiler, **kw) -> str:
    return f"({compiler.process(element.portable, **kw)})"


@compiles(_PerDialect, "sqlite")
def _compile_sqlite(element: _PerDialect, compiler, **kw) -> str:
    return f"({compiler.process(element.sqlite, **kw)})"


@compiles(_PerDialect, "postgresql")
def _compile_postgresql(element: _PerDialect, compiler, **kw) -> str:
    return f"({compiler.process(element.postgresql, **kw)})"


# --- the two ways ----------------------------------------------------------------------------------


def _walk(q: str, *, ilike: bool, fenced: bool = False) -> ColumnElement[bool]:
    """Checked conversation by conversation: its title, then its messages, for %q%.

    `ilike=False` on SQLite, whose LIKE already ignores (ASCII) case, as its lower() does,
    without copying every message to lower-case it. `fenced` keeps PostgreSQL checking
    row by row: without OFFSET 0 it may turn the EXISTS into one hashed list of every
    matching message, the very cost the walk is there to avoid.

    On PostgreSQL, ILIKE lower-cases each message with the database's locale first (about
    19 us for a 270-character message under load, most of the walk's time); for ASCII text
    it is spelled with COLLATE "C", which lower-cases ASCII letters only, 2.7 times faster
    (bench/RESULTS.md). For ASCII search text that finds the same messages: only a few
    non-ASCII capitals lower-case to ASCII letters (the Kelvin sign to "k", the dotted
    capital I to "i"), and those are not what people type."""
    pattern = _like_pattern(q)
    ascii_only = fenced and q.isascii()

    def holds(column):
        if ascii_only:
            column = column.collate("C")
        return (column.ilike if ilike else column.like)(pattern, escape="\\")

    in_messages = select(Message.id).where(Message.conversation_id == Conversation.id, holds(Message.content))
    if fenced:
        in_messages = in_messages.offset(0)
    return or_(holds(Conversation.title), in_messages.exists())


def _floor(common: ColumnElement[bool], listed) -> ColumnElement[datetime]:
    """The oldest listed conversation's updated_at (NULL, so nothing, when none is listed)."""
    oldest = select(func.min(_other.c.updated_at)).where(_other.c.id.in_(select(listed.c.id))).scalar_subquery()
    return select(sa.case((common, sa.literal(_BEFORE_EVERYTHING, UTCDateTime())), else_=oldest)).scalar_subquery()


def _sqlite_index(q: str):
    """(whether q is common, a CTE of the conversations listed by the FTS tables)."""
    phrase = fts_phrase(q)
    rowids = select(_messages_fts.c.rowid).where(_messages_fts.c.content.match(phrase))
    # Cheap, so simply written where it is needed (twice).
    counted = select(func.count()).select_from(rowids.limit(COMMON_MATCHES + 1).subquery()).scalar_subquery()
    by_message = select(Message.conversation_id.label("id")).where(literal_column("messages.rowid").in_(rowids))
    by_title = select(_other.c.id).where(
        literal_column("search_conversations.rowid").in_(
            select(_conversations_fts.c.rowid).where(_conversations_fts.c.title.match(phrase))
        )
    )
    # Used twice, so computed once (and only when the CASE gets there).
    return counted > COMMON_MATCHES, by_message.union(by_title).cte()


def _postgresql_index(q: str):
    """(whether q is common, a CTE of the conversations listed by the trigram indexes)."""
    pattern = _like_pattern(q)
    newest = select(Message.content).order_by(Message.created_at.desc()).limit(RECENT_SAMPLE).subquery()
    sample = newest.c.content.collate("C") if q.isascii() else newest.c.content  # as in _walk
    in_newest = select(func.count()).select_from(newest).where(sample.ilike(pattern, escape="\\"))
    # Migration 0004's function reads messages through the index, whatever the planner
    # expects (ILIKE costs far more per row than it assumes).
    found = func.finucity_search_messages(pattern, COMMON_MATCHES + 1).table_valued("id").render_derived()
    hits = select(found.c.id).cte()
    counted = select(func.count()).select_from(hits).scalar_subquery()
    # OR stops early: the index is asked only about text rare among the newest messages.
    flags = select(
        or_(in_newest.scalar_subquery() >= RECENT_SAMPLE // 100, counted > COMMON_MATCHES).label("common")
    ).cte()
    by_title = select(_other.c.id).where(_other.c.title.ilike(pattern, escape="\\"))
    listed = select(hits.c.id).union(by_title).cte()
    return select(flags.c.common).scalar_subquery(), listed


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
