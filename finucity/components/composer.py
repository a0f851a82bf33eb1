"""The bottom bar: category picker, notices, the composer and the disclaimer."""

from __future__ import annotations

import reflex as rx

from finucity.components.buttons import icon_button
from finucity.components.client import composer
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.states.chat import ChatState


def category_picker() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(class_name="fc-select-trigger", aria_label="Category", variant="surface", radius="large"),
        rx.select.content(
            *[rx.select.item(label, value=category.value) for category, label in CATEGORY_LABELS.items()],
        ),
        value=ChatState.selected_category,
        on_change=ChatState.set_selected_category,
        size="2",
    )


def _notice() -> rx.Component:
    return rx.cond(
        ChatState.notice != "",
        rx.el.div(
            rx.el.div(rx.icon("circle-alert", size=16), rx.el.span(ChatState.notice), style={"display": "flex", "gap": "8px"}),
            icon_button("x", "Dismiss", size=14, on_click=ChatState.dismiss_notice),
            class_name="fc-alert fc-alert-error fc-notice",
            role="alert",
            data_testid="chat-notice",
        ),
    )


def _editing_banner() -> rx.Component:
    return rx.cond(
        ChatState.editing,
        rx.el.div(
            rx.icon("pencil", size=14),
            rx.el.span("Editing your last question: sending replaces its answer."),
            rx.el.button("Cancel", type="button", class_name="fc-action", on_click=ChatState.cancel_edit),
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
                on_send=ChatState.send,
                on_stop=ChatState.stop,
                streaming=ChatState.is_streaming,
                max_chars=ChatState.max_chars,
                placeholder="Ask about income tax, GST, investments, business finance or insurance…",
                draft=ChatState.draft,
                draft_version=ChatState.draft_version,
                sent_version=ChatState.sent_version,
                hint="Enter to send · Shift+Enter for a new line",
            ),
            rx.el.div(
                "Finucity AI can make mistakes. It gives general information, not professional tax or investment advice.",
                class_name="fc-disclaimer",
            ),
            class_name="fc-composer-inner",
        ),
        class_name="fc-composer-wrap",
    )
