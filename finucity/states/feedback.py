"""Thumbs up or down on the answers of the open conversation, and the optional comment.

The rules live in services/feedback.py; this state only says what was clicked
and shows the stored result in ConversationState.messages (a new row replaces
the old one; rows are never changed in place).
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from finucity.models import Rating
from finucity.services import feedback
from finucity.services.context import Actor
from finucity.services.errors import NotFound, ServiceError, ValidationError
from finucity.states.conversation import ConversationState
from finucity.states.session import PER_USER_STATES, SessionState, signed_in, tab_only


class FeedbackState(SessionState):
    # The answer whose comment box is open ("" for none), and what was wrong with the last try.
    comment_for: str = ""
    comment_error: str = ""

    def _forget_user_data(self) -> None:
        self.comment_for = self.comment_error = ""

    async def _store(self, actor: Actor, message_id: str, rating: str | None, comment: str | None = None) -> bool:
        """Save, then show what was stored. False (with the reason on screen) when refused."""
        page = await self.get_state(ConversationState)
        try:
            stored = await feedback.set_feedback(actor, message_id, rating, comment)
        except ValidationError as exc:
            if exc.field == "comment":
                self.comment_error = exc.message
            else:
                await page._show_error(exc)
            return False
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                self.comment_for = self.comment_error = ""
            await page._show_error(exc)
            return False
        new_rating, new_comment = (stored.rating, stored.comment or "") if stored else ("", "")
        page.messages = [
            dataclasses.replace(row, rating=new_rating, comment=new_comment) if row.id == message_id else row
            for row in page.messages
        ]
        return True

    @rx.event
    @signed_in
    async def rate(self, actor: Actor, message_id: str, rating: str):
        """A thumb was clicked: choose it, or clear it when it was already chosen."""
        page = await self.get_state(ConversationState)
        row = next((r for r in page.messages if r.id == message_id), None)
        if row is None:
            return None
        chosen = None if row.rating == rating else rating
        if not await self._store(actor, message_id, chosen):
            return None
        self.comment_error = ""
        # A thumbs down asks what was wrong (optional); anything else closes the box.
        if chosen == Rating.down.value:
            self.comment_for = message_id
        elif self.comment_for == message_id:
            self.comment_for = ""
        return None

    @rx.event
    @signed_in
    async def save_comment(self, actor: Actor, form: dict):
        message_id = self.comment_for
        if not message_id:
            return None
        if await self._store(actor, message_id, Rating.down.value, form.get("comment")):
            self.comment_for = self.comment_error = ""
        return None

    @rx.event
    @tab_only
    def edit_comment(self, message_id: str):
        self.comment_for, self.comment_error = message_id, ""

    @rx.event
    @tab_only
    def skip_comment(self):
        self.comment_for = self.comment_error = ""


PER_USER_STATES.append(FeedbackState)
