"""/chat and /chat/<conversation_id>."""

from __future__ import annotations

import reflex as rx

from finucity.components.account import delete_account_dialog
from finucity.components.buttons import icon_button
from finucity.components.composer import composer_bar
from finucity.components.dialogs import delete_dialog, rename_dialog
from finucity.components.messages import message_list
from finucity.components.shortcuts import chat_keyboard, shortcuts_help
from finucity.components.sidebar import sidebar
from finucity.components.welcome import not_found, welcome
from finucity.states.composer import ComposerState
from finucity.states.conversation import ConversationState
from finucity.states.session import SessionState
from finucity.states.sidebar import SidebarState

# The browser tab names the open conversation (React puts a <title> rendered
# in the page into the document's head, and keeps it in step with the state).
TAB_TITLE = rx.cond(
    ConversationState.not_found,
    "Conversation not found · Finucity AI",
    rx.cond(ConversationState.current_title != "", ConversationState.current_title + " · Finucity AI", "Finucity AI"),
)

OFFLINE_EXPLAINED = (
    "No AI model is configured, so answers come from Finucity's built-in calculators and guides. "
    "They cover the common tax, GST and investment questions, not everything a model could answer."
)


def _offline_badge() -> rx.Component:
    """A labelled chip on every screen; a tap (or click) says what it means."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.el.button(
                rx.el.span(
                    rx.icon("wifi-off", size=13),
                    rx.el.span("Offline"),
                    rx.el.span(" mode", class_name="fc-offline-more"),
                    class_name="fc-offline-chip",
                ),
                type="button",
                class_name="fc-offline-badge",
                aria_label="Offline mode: what this means",
                data_testid="offline-badge",
            )
        ),
        rx.popover.content(
            rx.el.strong("Offline mode"),
            rx.el.p(OFFLINE_EXPLAINED),
            side="bottom",
            align="end",
            class_name="fc-popover",
            data_testid="offline-explained",
        ),
    )


def _topbar() -> rx.Component:
    return rx.el.header(
        icon_button(
            "menu",
            "Open menu",
            size=19,
            extra_class="fc-menu-btn",
            on_click=SidebarState.toggle_sidebar,
            id="fc-open-menu",
            aria_controls="fc-sidebar",
            aria_expanded=SidebarState.sidebar_open,
            data_testid="open-menu",
        ),
        rx.el.div(
            # A link to a deleted (or someone else's) conversation is not a new chat.
            rx.cond(
                ConversationState.not_found,
                "Conversation not found",
                rx.cond(ConversationState.current_title != "", ConversationState.current_title, "New chat"),
            ),
            class_name="fc-topbar-title",
            role="heading",
            aria_level=1,
            data_testid="conversation-title",
        ),
        rx.cond(
            ConversationState.current_category != "",
            rx.el.span(ConversationState.current_category, class_name="fc-tag"),
        ),
        rx.el.div(class_name="fc-topbar-spacer"),
        rx.cond(ComposerState.offline, _offline_badge()),
        shortcuts_help(),
        class_name="fc-topbar",
    )


def _content() -> rx.Component:
    return rx.cond(
        ConversationState.not_found,
        not_found(),
        rx.cond(ConversationState.show_welcome, welcome(), rx.fragment()),
    )


def chat_page() -> rx.Component:
    # Nothing private renders until the server has confirmed the session.
    return rx.cond(
        SessionState.user_email != "",
        rx.el.div(
            sidebar(),
            rx.el.div(class_name="fc-overlay", on_click=SidebarState.close_sidebar),
            rx.el.main(
                _topbar(),
                message_list(_content()),
                composer_bar(),
                class_name="fc-main",
            ),
            rename_dialog(),
            delete_dialog(),
            delete_account_dialog(),
            chat_keyboard(),
            class_name=rx.cond(SidebarState.sidebar_open, "fc-app is-sidebar-open", "fc-app"),
        ),
        rx.el.div(class_name="fc-app"),
    )
