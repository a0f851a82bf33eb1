"""What the chat's states send to the browser for a message and a conversation."""

from __future__ import annotations

import dataclasses
import logging

from finucity.models import Conversation, Message, MessageRole
from finucity.services import calculation_blocks
from finucity.services.ai.categories import CATEGORY_LABELS, parse_category
from finucity.states.calculation_view import CalculationView, calculation_view_of

log = logging.getLogger(__name__)


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
    # The calculators' results in an answer, drawn as cards; `content` is the
    # answer's text without them (services/calculation_blocks.py).
    cards: list[CalculationView] = dataclasses.field(default_factory=list)


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
    content, cards = m.content, []
    if m.role == MessageRole.assistant.value:
        content, blocks = calculation_blocks.split(m.content)
        cards = [view for view in map(_card, blocks) if view is not None]
    return MessageRow(
        id=str(m.id),
        role=m.role,
        content=content,
        cards=cards,
        status=m.status,
        error=m.error or "",
        created_at=m.created_at.isoformat(),
        rating=rating,
        comment=comment or "",
    )


def _card(data: dict) -> CalculationView | None:
    try:
        view = calculation_view_of(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        # A block from an older format, or edited by hand: the answer shows without it.
        log.warning("An answer's calculation card could not be read")
        return None
    # The chat draws no chart (components/messages.py): its points would only
    # make every resend of the conversation's rows heavier.
    return dataclasses.replace(view, chart_title="", chart_kind="", chart_series=[], chart_data=[])


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
