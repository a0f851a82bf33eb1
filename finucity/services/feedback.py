"""Thumbs up or down on an answer, with an optional comment on a thumbs down.

Only the owner of the conversation rates its answers; for anyone else an
answer does not exist (NotFound, the same as a missing id). Only finished
answers (complete, stopped or failed) can be rated. Setting a rating replaces
the previous one with its comment; None clears both. A comment goes with a
thumbs down only: sent with "up" (or with no rating) it is refused, so a
client never loses text it thinks was stored. The audit log records who rated
what, never the comment's text.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from finucity.models import Conversation, Message, MessageFeedback, MessageRole, MessageStatus, Rating, utcnow
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.conversations import parse_id
from finucity.services.errors import Conflict, NotFound, ValidationError
from finucity.services.validation import single_line

NOT_FOUND = "Message not found"
MAX_COMMENT = 1000
FINISHED = frozenset({MessageStatus.complete.value, MessageStatus.stopped.value, MessageStatus.failed.value})


def parse_rating(value: object) -> Rating | None:
    if value is None:
        return None
    if isinstance(value, str) and value in (Rating.up.value, Rating.down.value):
        return Rating(value)
    raise ValidationError('The rating must be "up", "down" or null.', field="rating")


def clean_comment(value: object, rating: Rating | None) -> str | None:
    """The comment as one tidy paragraph, or None for no comment."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("The comment must be text.", field="comment")
    if not value.strip():
        return None
    if rating != Rating.down:
        raise ValidationError("A comment goes with a thumbs down only.", field="comment")
    return single_line(value, field="comment", label="the comment", max_length=MAX_COMMENT)


async def set_feedback(
    actor: Actor, message_id: object, rating: str | None, comment: str | None = None
) -> MessageFeedback | None:
    """Rate one of the caller's finished answers; returns the stored feedback (None once cleared)."""
    actor.require_user()
    ident = parse_id(message_id, what=NOT_FOUND)
    chosen = parse_rating(rating)
    text = clean_comment(comment, chosen)
    try:
        return await _write(actor, ident, chosen, text)
    except IntegrityError:
        # Two ratings of the same answer at once inserted both, or the answer
        # was deleted meanwhile: the second attempt sees what happened.
        return await _write(actor, ident, chosen, text)


async def _write(actor: Actor, ident: uuid.UUID, rating: Rating | None, comment: str | None) -> MessageFeedback | None:
    async with unit_of_work(actor) as uow:
        message = await _rateable(uow.session, actor, ident)
        existing = await uow.session.get(MessageFeedback, message.id)
        previous = existing.rating if existing else "none"
        if rating is None:
            if existing is None:
                return None
            await uow.session.delete(existing)
            result = None
        elif existing is not None and (existing.rating, existing.comment) == (rating.value, comment):
            return existing
        else:
            now = utcnow()
            if existing is None:
                existing = MessageFeedback(message_id=message.id, user_id=actor.user_id, created_at=now)
                uow.session.add(existing)
            existing.rating, existing.comment, existing.updated_at = rating.value, comment, now
            result = existing
        uow.audit(
            "feedback.set",
            target_type="message",
            target_id=message.id,
            conversation_id=str(message.conversation_id),
            rating=rating.value if rating else "none",
            previous=previous,
            with_comment=comment is not None,
        )
    return result


async def _rateable(session, actor: Actor, ident: uuid.UUID) -> Message:
    row = (
        await session.execute(
            select(Message, Conversation.user_id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.id == ident)
        )
    ).first()
    if row is None or row[1] != actor.user_id:
        raise NotFound(NOT_FOUND)
    message = row[0]
    if message.role != MessageRole.assistant.value:
        raise ValidationError("Only answers can be rated, not questions.")
    if message.status not in FINISHED:
        raise Conflict("This answer is still being written. Rate it once it has finished.")
    return message


async def feedback_for(actor: Actor, message_ids: Iterable[object]) -> dict[str, tuple[str, str | None]]:
    """The caller's ratings of these messages, by message id: (rating, comment).

    One query for a whole conversation; ids that are not the caller's, or not
    ids at all, are simply absent.
    """
    user_id = actor.require_user()
    idents = set()
    for value in message_ids:
        try:
            idents.add(parse_id(value))
        except NotFound:
            continue
    if not idents:
        return {}
    async with read_only() as session:
        rows = await session.execute(
            select(MessageFeedback.message_id, MessageFeedback.rating, MessageFeedback.comment)
            .join(Message, Message.id == MessageFeedback.message_id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(MessageFeedback.message_id.in_(idents), Conversation.user_id == user_id)
        )
        return {str(message_id): (rating, comment) for message_id, rating, comment in rows}
