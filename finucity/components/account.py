"""Deleting one's own account: a dialog that asks for the password first."""

from __future__ import annotations

import reflex as rx

from finucity.states.account import AccountState


def delete_account_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete your account?"),
            rx.alert_dialog.description(
                "Your account, every conversation and everything else we hold about you will be deleted "
                "for good, and you will be signed out everywhere. Download your data first if you want "
                "to keep it. This cannot be undone.",
                class_name="fc-dialog-text",
            ),
            rx.el.form(
                rx.el.label(
                    rx.el.span("Type your password to confirm"),
                    rx.el.input(
                        name="password",
                        type="password",
                        autocomplete="current-password",
                        required=True,
                        class_name=rx.cond(AccountState.delete_error != "", "fc-input is-invalid", "fc-input"),
                        aria_invalid=rx.cond(AccountState.delete_error != "", "true", "false"),
                        aria_describedby="fc-delete-account-error",
                        id="fc-delete-account-password",
                        auto_focus=True,
                    ),
                    class_name="fc-field",
                ),
                rx.el.div(
                    rx.cond(
                        AccountState.delete_error != "",
                        rx.el.span(rx.icon("circle-alert", size=16), AccountState.delete_error),
                    ),
                    class_name="fc-field-error",
                    id="fc-delete-account-error",
                    role="alert",
                ),
                rx.flex(
                    rx.alert_dialog.cancel(
                        rx.el.button("Cancel", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm")
                    ),
                    rx.el.button(
                        rx.icon("trash-2", size=14),
                        "Delete my account",
                        type="submit",
                        class_name="fc-btn fc-btn-danger fc-btn-sm",
                        data_testid="confirm-delete-account",
                    ),
                    gap="8px",
                    justify="end",
                    margin_top="18px",
                ),
                # The password never stays on screen after it was sent.
                reset_on_submit=True,
                on_submit=AccountState.delete_account,
            ),
            max_width="460px",
        ),
        open=AccountState.delete_open,
        on_open_change=lambda is_open: rx.cond(is_open, rx.noop(), AccountState.close_delete_account()),
    )
