"""What the chat's states send to the browser for a message and a conversation."""

from __future__ import annotations

import dataclasses

from finucity.models import Conversation, Message, MessageRole
from finucity.services.ai.categories import CATEGORY_LABELS, parse_category


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
    # The user's own feedback on an answer: "up", "down" or "" (none), and the
    # comment that may come with "down".
    rating: str = ""
    comment: str = ""


@dataclasses.dataclass
class ConversationRow:
    id: str
    title: str
    category: str
    category_label: str
    updated_at: str


@dataclasses.dataclass
class ConversationGroup:
    """A heading of the sidebar ("Today", "October") and its conversations."""

    label: str
    rows: list[ConversationRow]


def message_row(m: Message, feedback: tuple[str, str | None] | None = None) -> MessageRow:
    rating, comment = feedback or ("", None)
    return MessageRow(
        id=str(m.id),
        role=m.role,
        content=m.content,
        status=m.status,
        error=m.error or "",
        created_at=m.created_at.isoformat(),
        rating=rating,
        comment=comment or "",
    )


def conversation_row(c: Conversation) -> ConversationRow:
    category = parse_category(c.category)
    return ConversationRow(
        id=str(c.id),
        title=c.title,
        category=category.value,
        category_label=CATEGORY_LABELS[category],
        updated_at=c.updated_at.isoformat(),
    )


def category_label(value: str) -> str:
    return CATEGORY_LABELS[parse_category(value)]


def mark_last(rows: list[MessageRow]) -> list[MessageRow]:
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
