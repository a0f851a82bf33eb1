"""Text search over conversations: one condition that both the user's sidebar
and the admin area filter by, whatever the database does underneath."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from finucity.models import Conversation, Message
from finucity.services.errors import ValidationError
from finucity.services.validation import has_control_characters, is_encodable

MAX_QUERY = 200


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
    """True for a conversation whose title or any message contains `q` (case-insensitive)."""
    pattern = _like_pattern(q)
    in_messages = (
        select(Message.id)
        .where(Message.conversation_id == Conversation.id, Message.content.ilike(pattern, escape="\\"))
        .exists()
    )
    return or_(Conversation.title.ilike(pattern, escape="\\"), in_messages)


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """True where `column` holds `text`, case-insensitive, with % and _ taken literally (the admin filters)."""
    return column.ilike(_like_pattern(text), escape="\\")
