"""Message bubbles: the user's on the right in the blue gradient, the
assistant's on the left, dark with the gold accent, each under its role header
with the stored time shown in the reader's zone."""

from __future__ import annotations

import reflex as rx

from finucity.components.calculation_card import calculation_card
from finucity.components.client import chat_viewport, fin_copy, fin_markdown, local_time
from finucity.components.feedback import comment_area, rating_buttons
from finucity.models import MessageRole, MessageStatus
from finucity.states.conversation import ConversationState
from finucity.states.rows import MessageRow
from finucity.states.session import SessionState


def _avatar_user() -> rx.Component:
    return rx.el.div(SessionState.user_initials, class_name="fc-avatar", aria_hidden="true")


def _avatar_ai() -> rx.Component:
    return rx.el.div(rx.icon("sparkles", size=16), class_name="fc-avatar fc-avatar-ai", aria_hidden="true")


def _header(role_label: str, created_at) -> rx.Component:
    return rx.el.div(
        rx.el.span(role_label, class_name="fc-role"),
        rx.el.span(local_time(iso=created_at, mode="time"), class_name="fc-time"),
        class_name="fc-msg-header",
    )


def _action(icon: str, label: str, on_click, test_id: str) -> rx.Component:
    return rx.el.button(
        rx.icon(icon, size=14),
        rx.el.span(label),
        type="button",
        on_click=on_click,
        class_name="fc-action",
        data_testid=test_id,
    )


def user_message(content, created_at, *, editable=False) -> rx.Component:
    return rx.el.div(
        _avatar_user(),
        rx.el.div(
            _header("You", created_at),
            rx.el.div(content, class_name="fc-bubble fc-bubble-user", data_testid="user-bubble"),
            rx.cond(
                editable & ~ConversationState.is_streaming,
                rx.el.div(
                    _action("pencil", "Edit", ConversationState.edit_last_question, "edit-question"),
                    class_name="fc-msg-actions",
                ),
            ),
            class_name="fc-msg-body",
        ),
        class_name="fc-msg fc-msg-user",
    )


def _status_line(message: MessageRow) -> rx.Component:
    failed = message.status == MessageStatus.failed.value
    stopped = message.status == MessageStatus.stopped.value
    return rx.fragment(
        rx.cond(
            failed,
            rx.el.div(
                rx.el.div(
                    rx.icon("circle-alert", size=16),
                    rx.el.span(message.error),
                    class_name="fc-msg-error",
                    data_testid="answer-error",
                ),
                class_name="fc-msg-status",
            ),
        ),
        rx.cond(
            stopped,
            rx.el.div(
                rx.el.span("Stopped", class_name="fc-tag fc-tag-neutral", data_testid="stopped-tag"),
                class_name="fc-msg-status",
            ),
        ),
    )


def assistant_message(message: MessageRow) -> rx.Component:
    failed = message.status == MessageStatus.failed.value
    return rx.el.div(
        _avatar_ai(),
        rx.el.div(
            _header("AI Assistant", message.created_at),
            rx.el.div(
                # A calculator's result, with its working and rules, above the words about it.
                rx.foreach(
                    message.cards,
                    lambda card: rx.el.div(calculation_card(card, with_chart=False), class_name="fc-chat-calc"),
                ),
                rx.cond(message.content != "", fin_markdown(content=message.content)),
                _status_line(message),
                class_name=rx.cond(failed, "fc-bubble fc-bubble-ai is-failed", "fc-bubble fc-bubble-ai"),
                data_testid="assistant-bubble",
                data_status=message.status,
            ),
            rx.el.div(
                rx.cond(message.content != "", fin_copy(content=message.content, label="Copy")),
                rx.cond(message.status != MessageStatus.streaming.value, rating_buttons(message)),
                rx.cond(
                    message.is_last_answer & ~ConversationState.is_streaming,
                    _action(
                        "refresh-cw", rx.cond(failed, "Retry", "Regenerate"), ConversationState.regenerate, "regenerate"
                    ),
                ),
                class_name="fc-msg-actions",
            ),
            comment_area(message),
            class_name="fc-msg-body",
        ),
        class_name="fc-msg fc-msg-assistant",
    )


def message_item(message: MessageRow) -> rx.Component:
    return rx.cond(
        message.role == MessageRole.user.value,
        user_message(message.content, message.created_at, editable=message.is_last_question),
        assistant_message(message),
    )


def streaming_message() -> rx.Component:
    """The answer being written: its text lives in the browser's stream store."""
    return rx.el.div(
        _avatar_ai(),
        rx.el.div(
            _header("AI Assistant", ConversationState.streaming_at),
            rx.el.div(
                fin_markdown(stream_key=ConversationState.streaming_id),
                class_name="fc-bubble fc-bubble-ai",
                data_testid="streaming-bubble",
            ),
            class_name="fc-msg-body",
        ),
        class_name="fc-msg fc-msg-assistant",
    )


def message_list(*lead: rx.Component) -> rx.Component:
    """The scrolling column; `lead` (welcome, not found) comes before the messages."""
    return chat_viewport(
        *lead,
        rx.foreach(ConversationState.messages, message_item),
        rx.cond(
            ConversationState.pending_question != "",
            user_message(ConversationState.pending_question, ConversationState.pending_question_at),
        ),
        rx.cond(ConversationState.is_streaming, streaming_message()),
        reset_key=ConversationState.current_id,
        follow=~ConversationState.show_welcome & ~ConversationState.not_found,
        label="Messages",
        class_name="fc-scroll",
    )
