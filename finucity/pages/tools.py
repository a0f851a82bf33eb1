"""/tools: every calculator with its form and result card; open to everyone."""

from __future__ import annotations

import reflex as rx

from finucity.components.brand import logo
from finucity.components.calculation_card import calculation_card
from finucity.components.tools.forms import calculator_forms, picker
from finucity.states.session import SessionState
from finucity.states.tools import ToolsState


def _header() -> rx.Component:
    return rx.el.header(
        logo(href="/"),
        rx.el.span("Calculators", class_name="fc-tools-crumb"),
        rx.el.div(class_name="fc-topbar-spacer"),
        rx.link(
            rx.icon("message-square", size=16),
            rx.el.span(rx.cond(SessionState.user_email != "", "Back to chat", "Ask Finucity AI")),
            href="/chat",
            class_name="fc-btn fc-btn-ghost fc-btn-sm",
            underline="none",
            data_testid="tools-chat-link",
        ),
        class_name="fc-tools-header",
    )


def tools_page() -> rx.Component:
    return rx.el.div(
        _header(),
        rx.el.main(
            rx.el.div(
                rx.el.h1("Money calculators"),
                rx.el.p(
                    "Income tax, capital gains, GST, loans and savings on the rules in force in India, "
                    "with every step of the working shown."
                ),
                class_name="fc-tools-intro",
            ),
            picker(),
            rx.el.div(
                rx.el.div(calculator_forms(), class_name="fc-tools-panel"),
                rx.el.div(
                    rx.cond(ToolsState.card.kind != "", calculation_card(ToolsState.card)),
                    class_name=rx.cond(ToolsState.error != "", "fc-tools-result is-stale", "fc-tools-result"),
                    id="tools-result",
                ),
                class_name="fc-tools-grid",
            ),
            class_name="fc-tools-main",
        ),
        class_name="fc-tools fc-scroll",
    )
