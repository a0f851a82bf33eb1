"""The welcome screen of a new chat, with suggestion cards that send on click."""

from __future__ import annotations

import reflex as rx

from finucity.components.composer import DISCLAIMER
from finucity.components.theme import CATEGORY_ICONS
from finucity.models import Category
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.states.conversation import ConversationState
from finucity.states.session import SessionState

SUGGESTIONS: list[tuple[Category, str]] = [
    (Category.income_tax, "Should I choose the new or the old tax regime on a ₹15 lakh salary?"),
    (Category.gst, "When does my business need GST registration, and what are the return due dates?"),
    (Category.investment, "SIP of ₹10,000 a month for 15 years at 12%: what will I have?"),
    (Category.business, "What is the EMI on a ₹50 lakh business loan at 8.5% for 20 years?"),
]


def _card(category: Category, text: str) -> rx.Component:
    return rx.el.button(
        rx.el.span(
            rx.icon(CATEGORY_ICONS[category.value], size=14), CATEGORY_LABELS[category], class_name="fc-suggestion-head"
        ),
        rx.el.span(text),
        type="button",
        class_name="fc-suggestion",
        on_click=ConversationState.send_suggestion(text, category.value),
        data_testid="suggestion",
    )


def welcome() -> rx.Component:
    return rx.el.section(
        rx.el.div(rx.icon("sparkles", size=26), class_name="fc-welcome-mark"),
        rx.el.h1(
            rx.cond(
                SessionState.user_first_name != "",
                "Hello " + SessionState.user_first_name + ", how can I help?",
                "How can I help?",
            )
        ),
        rx.el.p(
            "Ask about income tax, GST, investments, business finance or insurance. "
            "Answers come with worked examples in rupees and the next steps to take."
        ),
        rx.el.div(*[_card(c, t) for c, t in SUGGESTIONS], class_name="fc-suggestions"),
        # Said once, here; in a conversation it is behind the composer's (i) button.
        rx.el.p(rx.icon("info", size=13), DISCLAIMER, class_name="fc-welcome-disclaimer"),
        class_name="fc-welcome",
    )


def not_found() -> rx.Component:
    return rx.el.section(
        rx.icon("message-square-text", size=34, color="var(--fc-gold)"),
        rx.el.h2("Conversation not found"),
        rx.el.p("It may have been deleted, or the link is not for your account."),
        rx.el.button(
            "Start a new chat", type="button", class_name="fc-btn fc-btn-primary", on_click=ConversationState.new_chat
        ),
        class_name="fc-notfound",
        data_testid="not-found",
    )
