"""Keyboard shortcuts and screen-reader announcements on the chat page.

The keys are handled in the browser (components/client/keyboard.jsx); the two
that need the server, a new chat and stopping an answer, send the same events
as their buttons, so the server authorizes them the same way.
"""

from __future__ import annotations

import reflex as rx

from finucity.components.buttons import icon_button
from finucity.components.client import answer_announcer, keyboard_shortcuts, shortcut_list
from finucity.states.conversation import ConversationState


def shortcuts_help() -> rx.Component:
    """The keyboard button and the dialog it opens (also opened by `?`)."""
    return rx.dialog.root(
        rx.dialog.trigger(
            icon_button(
                "keyboard",
                "Keyboard shortcuts",
                id="fc-shortcuts-button",
                aria_keyshortcuts="? Control+/ Meta+/",
                data_testid="shortcuts-button",
            ),
        ),
        rx.dialog.content(
            rx.dialog.title("Keyboard shortcuts"),
            rx.dialog.description(
                "/ and ? work when you are not typing in a box.",
                class_name="fc-shortcuts-note",
            ),
            shortcut_list(),
            rx.flex(
                rx.dialog.close(rx.el.button("Close", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm")),
                justify="end",
                margin_top="16px",
            ),
            max_width="440px",
        ),
    )


def chat_keyboard() -> rx.Component:
    """The page's key listener and its polite live region."""
    last = ConversationState.messages[-1]
    return rx.fragment(
        keyboard_shortcuts(
            streaming=ConversationState.is_streaming,
            on_new_chat=ConversationState.new_chat,
            on_stop=ConversationState.stop,
        ),
        answer_announcer(
            streaming_id=ConversationState.streaming_id,
            last_id=last.id,
            last_status=last.status,
        ),
    )
