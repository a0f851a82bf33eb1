"""The composer: the topic asked about, and text the server puts back in the box."""

from __future__ import annotations

import reflex as rx

from finucity.config import get_settings
from finucity.models import Category
from finucity.services.ai.categories import CATEGORY_LABELS, parse_category
from finucity.services.errors import ServiceError
from finucity.states.session import PER_USER_STATES, SessionState, tab_only


class ComposerState(SessionState):
    # The topic the next question is sent with: the open conversation's own
    # (what the picker shows is what is sent), General in a new chat, or what
    # the person chose. General lets the service detect it from the question.
    selected_category: str = Category.general.value
    # The server sets the box's text by bumping the version (typing itself
    # never costs a round trip: the box lives in the browser).
    draft: str = ""
    draft_version: int = 0
    # Bumped when a question is safely stored: the composer forgets its backup.
    sent_version: int = 0
    # Editing the last question: sending replaces it and its answer.
    editing: bool = False

    @rx.var(cache=True)
    def offline(self) -> bool:
        return get_settings().offline_mode

    @rx.var
    def selected_label(self) -> str:
        return CATEGORY_LABELS.get(parse_category(self.selected_category), "General")

    @rx.var
    def max_chars(self) -> int:
        return get_settings().max_message_chars

    def _forget_user_data(self) -> None:
        # No version bump: the box keeps what this tab's own person typed.
        self.draft = ""
        self.editing = False

    def _give_back(self, text: str) -> None:
        """Put unsent text back in the box: nothing typed is lost."""
        self.draft, self.draft_version = text, self.draft_version + 1

    def _follow_conversation(self, category: str = Category.general.value) -> None:
        """Another conversation (or a new chat) is on screen: the picker shows its
        topic, and an edit begun in the previous one is over."""
        self.selected_category = category
        self.editing = False

    def _start_editing(self, text: str) -> None:
        self.editing = True
        self._give_back(text)

    @rx.event
    @tab_only
    def set_selected_category(self, value: str):
        try:
            self.selected_category = parse_category(value).value
        except ServiceError:
            self.selected_category = Category.general.value

    @rx.event
    @tab_only
    def cancel_edit(self):
        self.editing = False
        self._give_back("")


PER_USER_STATES.append(ComposerState)
