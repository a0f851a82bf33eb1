"""Feedback on answers: thumbs up or down, and a comment on a thumbs down."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from finucity.api.deps import current_actor
from finucity.api.schemas import FeedbackOut, FeedbackRequest, FeedbackResponse
from finucity.services import feedback
from finucity.services.context import Actor

router = APIRouter(tags=["chat"])


@router.post("/message/{message_id}/feedback", response_model=FeedbackResponse)
async def set_feedback(message_id: str, body: FeedbackRequest, actor: Actor = Depends(current_actor)):
    """Rate one of your finished answers; `rating: null` clears the rating and its comment."""
    stored = await feedback.set_feedback(actor, message_id, body.rating, body.comment)
    if stored is None:
        return FeedbackResponse(feedback=None)
    return FeedbackResponse(
        feedback=FeedbackOut(
            message_id=str(stored.message_id),
            rating=stored.rating,
            comment=stored.comment,
            created_at=stored.created_at.isoformat(),
            updated_at=stored.updated_at.isoformat(),
        )
    )
