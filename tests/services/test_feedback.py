"""Thumbs up and down on answers, through the service layer, on SQLite and PostgreSQL.

Conversations are written straight into the database with the status each
test needs (a finished answer, one still streaming), so no model is involved.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from finucity.models import AuditLog, Conversation, Message, MessageFeedback, MessageRole, MessageStatus, utcnow
from finucity.services import conversations, feedback
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.errors import Conflict, NotFound, ValidationError


async def _conversation(actor: Actor, *statuses: str) -> tuple[Conversation, list[Message]]:
    """A conversation of `actor`: one question, then one answer per status given."""
    start = utcnow() - timedelta(minutes=5)
    async with unit_of_work(Actor(channel="system")) as uow:
        conversation = Conversation(user_id=actor.user_id, title="Is PPF interest taxable?")
        uow.session.add(conversation)
        await uow.session.flush()
        rows = [
            Message(
                conversation_id=conversation.id,
                role=MessageRole.user.value,
                content="Is PPF interest taxable?",
                created_at=start,
                updated_at=start,
            )
        ]
        for i, status in enumerate(statuses or (MessageStatus.complete.value,), 1):
            stamp = start + timedelta(seconds=i)
            rows.append(
                Message(
                    conversation_id=conversation.id,
                    role=MessageRole.assistant.value,
                    content="PPF interest is exempt under section 10(11).",
                    status=status,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        uow.session.add_all(rows)
    return conversation, rows


async def _stored(message_id: uuid.UUID) -> MessageFeedback | None:
    async with read_only() as session:
        return await session.get(MessageFeedback, message_id)


async def _count(model, *where) -> int:
    async with read_only() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def _audits() -> list[AuditLog]:
    async with read_only() as session:
        return list(
            await session.scalars(
                select(AuditLog).where(AuditLog.action == "feedback.set").order_by(AuditLog.created_at, AuditLog.id)
            )
        )


async def test_rate_up_change_to_down_with_a_comment_then_clear(database, people):
    _, actor = await people.user()
    _, (question, answer) = await _conversation(actor)

    up = await feedback.set_feedback(actor, str(answer.id), "up")
    assert (up.rating, up.comment) == ("up", None)
    assert await feedback.feedback_for(actor, [str(question.id), str(answer.id)]) == {str(answer.id): ("up", None)}

    down = await feedback.set_feedback(actor, answer.id, "down", "  The 80C\nlimit is\t₹1.5 lakh, not ₹2 lakh.  ")
    # One tidy paragraph, whatever the box held.
    assert (down.rating, down.comment) == ("down", "The 80C limit is ₹1.5 lakh, not ₹2 lakh.")
    stored = await _stored(answer.id)
    assert (stored.rating, stored.comment, stored.user_id) == ("down", down.comment, actor.user_id)
    assert stored.updated_at >= stored.created_at

    # Down again without a comment: the comment goes, the rating stays.
    await feedback.set_feedback(actor, answer.id, "down")
    assert await feedback.feedback_for(actor, [answer.id]) == {str(answer.id): ("down", None)}

    assert await feedback.set_feedback(actor, answer.id, None) is None
    assert await _stored(answer.id) is None
    assert await feedback.feedback_for(actor, [answer.id]) == {}


async def test_every_change_is_audited_without_the_comment_text(database, people):
    _, actor = await people.user()
    _, (_, answer) = await _conversation(actor)

    await feedback.set_feedback(actor, answer.id, "up")
    await feedback.set_feedback(actor, answer.id, "up")  # no change: nothing to record
    await feedback.set_feedback(actor, answer.id, "down", "Quoted the wrong slab rates for my income")
    await feedback.set_feedback(actor, answer.id, None)
    await feedback.set_feedback(actor, answer.id, None)  # nothing left to clear

    audits = await _audits()
    assert [(a.details["rating"], a.details["previous"], a.details["with_comment"]) for a in audits] == [
        ("up", "none", False),
        ("down", "up", True),
        ("none", "down", False),
    ]
    for audit in audits:
        assert (audit.actor_id, audit.target_type, audit.target_id) == (actor.user_id, "message", str(answer.id))
        assert "slab" not in str(audit.details)


async def test_another_users_answer_is_not_found_like_a_missing_one(database, people):
    _, owner = await people.user()
    _, stranger = await people.user()
    _, (_, answer) = await _conversation(owner)
    await feedback.set_feedback(owner, answer.id, "up")

    with pytest.raises(NotFound) as foreign:
        await feedback.set_feedback(stranger, answer.id, "down", "Useless")
    with pytest.raises(NotFound) as missing:
        await feedback.set_feedback(stranger, uuid.uuid4(), "down")
    with pytest.raises(NotFound) as not_an_id:
        await feedback.set_feedback(stranger, "' OR 1=1 --", "down")

    assert foreign.value.message == missing.value.message == not_an_id.value.message
    assert (await _stored(answer.id)).rating == "up"
    assert await feedback.feedback_for(stranger, [answer.id]) == {}
    assert [a.actor_id for a in await _audits()] == [owner.user_id]


async def test_only_finished_answers_can_be_rated(database, people):
    _, actor = await people.user()
    _, (question, complete, stopped, failed) = await _conversation(
        actor, MessageStatus.complete.value, MessageStatus.stopped.value, MessageStatus.failed.value
    )
    _, (_, streaming) = await _conversation(actor, MessageStatus.streaming.value)

    for answer in (complete, stopped, failed):
        assert (await feedback.set_feedback(actor, answer.id, "down")).rating == "down"
    with pytest.raises(ValidationError, match="Only answers"):
        await feedback.set_feedback(actor, question.id, "up")
    with pytest.raises(Conflict, match="still being written"):
        await feedback.set_feedback(actor, streaming.id, "up")
    assert await _count(MessageFeedback) == 3


@pytest.mark.parametrize(
    ("rating", "comment", "field"),
    [
        pytest.param("up", "Great, but one more thing", "comment", id="comment-with-up"),
        pytest.param(None, "A comment without a rating", "comment", id="comment-without-rating"),
        pytest.param("down", "x" * 1001, "comment", id="comment-too-long"),
        pytest.param("down", "Hidden\u200btext", "comment", id="invisible-character"),
        pytest.param("down", "\ud800", "comment", id="lone-surrogate"),
        pytest.param("down", 42, "comment", id="comment-not-text"),
        pytest.param("meh", None, "rating", id="unknown-rating"),
        pytest.param("UP", None, "rating", id="rating-in-capitals"),
        pytest.param(1, None, "rating", id="rating-not-text"),
    ],
)
async def test_invalid_feedback_is_refused_naming_the_field(database, people, rating, comment, field):
    _, actor = await people.user()
    _, (_, answer) = await _conversation(actor)
    await feedback.set_feedback(actor, answer.id, "down", "The first comment")

    with pytest.raises(ValidationError) as refused:
        await feedback.set_feedback(actor, answer.id, rating, comment)

    assert refused.value.field == field
    stored = await _stored(answer.id)
    assert (stored.rating, stored.comment) == ("down", "The first comment")


async def test_a_comment_of_exactly_the_limit_is_kept_and_a_blank_one_is_none(database, people):
    _, actor = await people.user()
    _, (_, answer) = await _conversation(actor)

    longest = await feedback.set_feedback(actor, answer.id, "down", "y" * feedback.MAX_COMMENT)
    assert len(longest.comment) == 1000
    assert (await feedback.set_feedback(actor, answer.id, "down", "   \n ")).comment is None
    # A blank comment is no comment: fine with a thumbs up too.
    assert (await feedback.set_feedback(actor, answer.id, "up", "  ")).rating == "up"


async def test_ratings_of_a_whole_conversation_come_back_together(database, people):
    _, actor = await people.user()
    _, (question, first, second, third) = await _conversation(
        actor, MessageStatus.complete.value, MessageStatus.complete.value, MessageStatus.failed.value
    )
    _, other = await people.user()
    _, (_, theirs) = await _conversation(other)
    await feedback.set_feedback(actor, first.id, "up")
    await feedback.set_feedback(actor, third.id, "down", "It failed twice")
    await feedback.set_feedback(other, theirs.id, "down", "Not mine to see")

    ids = [question.id, first.id, second.id, third.id, theirs.id, "not-an-id"]
    assert await feedback.feedback_for(actor, ids) == {
        str(first.id): ("up", None),
        str(third.id): ("down", "It failed twice"),
    }
    assert await feedback.feedback_for(actor, []) == {}


async def test_deleting_the_conversation_deletes_its_feedback(database, people):
    _, actor = await people.user()
    conversation, (_, answer) = await _conversation(actor)
    await feedback.set_feedback(actor, answer.id, "down", "Wrong section quoted")

    await conversations.delete_conversation(actor, conversation.id)

    assert await _count(MessageFeedback) == 0
