"""The bottom bar: category picker, notices, the composer and the disclaimer."""

from __future__ import annotations

import reflex as rx

from finucity.components.buttons import icon_button
from finucity.components.client import composer
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.states.composer import ComposerState
from finucity.states.conversation import ConversationState


def category_picker() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(class_name="fc-select-trigger", aria_label="Category", variant="surface", radius="large"),
        rx.select.content(
            *[rx.select.item(label, value=category.value) for category, label in CATEGORY_LABELS.items()],
        ),
        value=ComposerState.selected_category,
        on_change=ComposerState.set_selected_category,
        size="2",
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
            rx.el.div(
                category_picker(),
                _editing_banner(),
                class_name="fc-composer-tools",
            ),
            composer(
                on_send=ConversationState.send,
                on_stop=ConversationState.stop,
                streaming=ConversationState.is_streaming,
                max_chars=ComposerState.max_chars,
                placeholder="Ask about income tax, GST, investments, business finance or insurance…",
                draft=ComposerState.draft,
                draft_version=ComposerState.draft_version,
                sent_version=ComposerState.sent_version,
                hint="Enter to send · Shift+Enter for a new line",
            ),
            rx.el.div(
                "Finucity AI can make mistakes. "
                "It gives general information, not professional tax or investment advice.",
                class_name="fc-disclaimer",
            ),
            class_name="fc-composer-inner",
        ),
        class_name="fc-composer-wrap",
    )
