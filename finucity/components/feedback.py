"""Thumbs up and down beside an answer's Copy, and the optional comment after a thumbs down."""

from __future__ import annotations

import reflex as rx

from finucity.models import Rating
from finucity.services.feedback import MAX_COMMENT
from finucity.states.feedback import FeedbackState
from finucity.states.rows import MessageRow


def _thumb(message: MessageRow, rating: str, icon: str, label: str, class_name: str) -> rx.Component:
    chosen = message.rating == rating
    return rx.el.button(
        rx.icon(icon, size=16),
        type="button",
        class_name=class_name,
        title=rx.cond(chosen, f"{label} (click again to clear)", label),
        aria_label=label,
        aria_pressed=rx.cond(chosen, "true", "false"),
        on_click=FeedbackState.rate(message.id, rating),
        data_testid=f"rate-{rating}",
    )


def rating_buttons(message: MessageRow) -> rx.Component:
    return rx.el.div(
        _thumb(message, Rating.up.value, "thumbs-up", "Good answer", "fc-rate fc-rate-up"),
        _thumb(message, Rating.down.value, "thumbs-down", "Bad answer", "fc-rate fc-rate-down"),
        class_name="fc-rating",
        role="group",
        aria_label="Rate this answer",
    )


def _comment_form(message: MessageRow) -> rx.Component:
    field_id = "fc-feedback-" + message.id
    return rx.el.form(
        rx.el.label("What was wrong with this answer? (optional)", html_for=field_id, class_name="fc-feedback-label"),
        # Typed locally and read on submit: no round trip per key.
        rx.el.textarea(
            name="comment",
            id=field_id,
            default_value=message.comment,
            max_length=MAX_COMMENT,
            rows=2,
            auto_focus=True,
            placeholder="For example: the tax slab quoted is out of date",
            class_name="fc-input fc-feedback-input",
            data_testid="feedback-comment",
        ),
        rx.cond(
            FeedbackState.comment_error != "",
            rx.el.div(FeedbackState.comment_error, class_name="fc-feedback-error", role="alert"),
        ),
        rx.el.div(
            rx.el.button(
                "Skip",
                type="button",
                class_name="fc-btn fc-btn-ghost fc-feedback-btn",
                on_click=FeedbackState.skip_comment,
                data_testid="feedback-skip",
            ),
            rx.el.button(
                "Send feedback",
                type="submit",
                class_name="fc-btn fc-btn-primary fc-feedback-btn",
                data_testid="feedback-send",
            ),
            class_name="fc-feedback-buttons",
        ),
        on_submit=FeedbackState.save_comment,
        class_name="fc-feedback",
        data_testid="feedback-form",
    )


def _stored_comment(message: MessageRow) -> rx.Component:
    return rx.el.div(
        rx.icon("message-square-text", size=14),
        rx.el.span(message.comment, class_name="fc-feedback-note-text"),
        rx.el.button(
            "Edit",
            type="button",
            class_name="fc-action",
            on_click=FeedbackState.edit_comment(message.id),
            aria_label="Edit your comment",
        ),
        class_name="fc-feedback-note",
        data_testid="feedback-note",
    )


def comment_area(message: MessageRow) -> rx.Component:
    """Below the actions: the comment box while it is open, else the stored comment."""
    return rx.cond(
        FeedbackState.comment_for == message.id,
        _comment_form(message),
        rx.cond(
            (message.rating == Rating.down.value) & (message.comment != ""),
            _stored_comment(message),
        ),
    )
