"""The bottom bar: notices, and one compact box with the question, its topic and Send.

On a phone every line here is a line of answer hidden, so the box is the text
and one row of controls; the disclaimer is said once on the welcome screen and
is one tap away after that.
"""

from __future__ import annotations

import reflex as rx

from finucity.components.buttons import icon_button
from finucity.components.client import composer
from finucity.components.theme import CATEGORY_ICONS
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.states.composer import ComposerState
from finucity.states.conversation import ConversationState

DISCLAIMER = "Finucity AI can make mistakes. It gives general information, not professional tax or investment advice."
TOPIC_HELP_ID = "fc-topic-help"
TOPIC_HELP = (
    "Choosing a topic tunes the assistant's answers to it and files a new chat under it. "
    "General lets Finucity work the topic out from your question."
)


def _topic_item(category, label: str) -> rx.Component:
    return rx.select.item(
        rx.el.span(rx.icon(CATEGORY_ICONS[category.value], size=14), label, class_name="fc-topic-value"),
        value=category.value,
    )


def topic_picker() -> rx.Component:
    """The topic of the next question; in an open conversation, that conversation's own."""
    return rx.fragment(
        rx.select.root(
            rx.select.trigger(
                class_name="fc-topic-trigger",
                # The name holds the visible topic too (WCAG 2.5.3, label in name).
                aria_label="Topic: " + ComposerState.selected_label,
                aria_describedby=TOPIC_HELP_ID,
                title=TOPIC_HELP,
                variant="ghost",
                radius="full",
            ),
            rx.select.content(
                rx.el.div(TOPIC_HELP, class_name="fc-topic-help", aria_hidden="true"),
                rx.select.separator(),
                *[_topic_item(category, label) for category, label in CATEGORY_LABELS.items()],
                position="popper",
                side="top",
                class_name="fc-topic-menu",
            ),
            value=ComposerState.selected_category,
            on_change=ComposerState.set_selected_category,
            size="2",
        ),
        # Read out with the picker (aria-describedby), shown in its list.
        rx.el.span(TOPIC_HELP, id=TOPIC_HELP_ID, class_name="fc-sr-only"),
    )


def about_answers() -> rx.Component:
    """The disclaimer, one tap away once the welcome screen has said it."""
    return rx.popover.root(
        rx.popover.trigger(icon_button("info", "About these answers", size=16, extra_class="fc-composer-icon")),
        rx.popover.content(
            DISCLAIMER,
            side="top",
            align="start",
            class_name="fc-popover",
            data_testid="about-answers",
        ),
    )


def _notice() -> rx.Component:
    return rx.cond(
        ConversationState.notice != "",
        rx.el.div(
            rx.el.div(
                rx.icon("circle-alert", size=16),
                rx.el.span(ConversationState.notice),
                style={"display": "flex", "gap": "8px"},
            ),
            icon_button("x", "Dismiss", size=14, on_click=ConversationState.dismiss_notice),
            class_name="fc-alert fc-alert-error fc-notice",
            role="alert",
            data_testid="chat-notice",
        ),
    )


def _editing_banner() -> rx.Component:
    return rx.cond(
        ComposerState.editing,
        rx.el.div(
            rx.icon("pencil", size=14),
            rx.el.span("Editing your last question: sending replaces its answer."),
            rx.el.button("Cancel", type="button", class_name="fc-action", on_click=ComposerState.cancel_edit),
            class_name="fc-editing",
        ),
    )


def composer_bar() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            _notice(),
            _editing_banner(),
            composer(
                topic_picker(),
                rx.cond(~ConversationState.show_welcome, about_answers()),
                on_send=ConversationState.send,
                on_stop=ConversationState.stop,
                streaming=ConversationState.is_streaming,
                max_chars=ComposerState.max_chars,
                placeholder="Ask a finance question…",
                draft=ComposerState.draft,
                draft_version=ComposerState.draft_version,
                sent_version=ComposerState.sent_version,
                hint="Enter to send · Shift+Enter for a new line",
            ),
            class_name="fc-composer-inner",
        ),
        class_name="fc-composer-wrap",
    )
