"""Rename and delete-confirmation dialogs for conversations."""

from __future__ import annotations

import reflex as rx

from finucity.states.dialogs import ConversationDialogsState


def rename_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Rename conversation"),
            rx.el.form(
                # Typed locally and read on submit: no round trip per key.
                rx.el.input(
                    name="title",
                    default_value=ConversationDialogsState.rename_text,
                    class_name="fc-input",
                    max_length=120,
                    auto_focus=True,
                    aria_label="Conversation title",
                    id="fc-rename-input",
                ),
                rx.flex(
                    rx.dialog.close(rx.el.button("Cancel", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm")),
                    rx.el.button(
                        "Save", type="submit", class_name="fc-btn fc-btn-primary fc-btn-sm", id="fc-rename-save"
                    ),
                    gap="8px",
                    justify="end",
                    margin_top="16px",
                ),
                on_submit=ConversationDialogsState.save_rename,
            ),
            max_width="440px",
        ),
        open=ConversationDialogsState.rename_id != "",
        on_open_change=lambda is_open: rx.cond(is_open, rx.noop(), ConversationDialogsState.close_rename()),
    )


def delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this conversation?"),
            rx.alert_dialog.description(
                rx.el.span(
                    "“",
                    ConversationDialogsState.delete_title,
                    "” and all its messages will be deleted for good. This cannot be undone.",
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.el.button("Cancel", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm")
                ),
                rx.alert_dialog.action(
                    rx.el.button(
                        rx.icon("trash-2", size=14),
                        "Delete",
                        type="button",
                        class_name="fc-btn fc-btn-danger fc-btn-sm",
                        on_click=ConversationDialogsState.confirm_delete,
                        data_testid="confirm-delete",
                    )
                ),
                gap="8px",
                justify="end",
                margin_top="18px",
            ),
            max_width="460px",
        ),
        open=ConversationDialogsState.delete_id != "",
        on_open_change=lambda is_open: rx.cond(is_open, rx.noop(), ConversationDialogsState.close_delete()),
    )
