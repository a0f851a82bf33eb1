"""/admin: the period's figures and charts."""

from __future__ import annotations

import reflex as rx

from finucity.components.admin.layout import admin_shell, empty
from finucity.components.theme import CHART_TOOLTIP_STYLE
from finucity.states.admin.overview import PERIODS, AdminOverviewState

GOLD = "var(--fc-gold-bright)"
BLUE = "var(--fc-primary)"
MUTED = "var(--fc-muted)"


def _period_picker() -> rx.Component:
    return rx.el.div(
        *[
            rx.el.button(
                f"{days} days",
                type="button",
                class_name=rx.cond(AdminOverviewState.days == days, "fc-chip is-active", "fc-chip"),
                on_click=AdminOverviewState.set_days(str(days)),
            )
            for days in PERIODS
        ],
        class_name="fc-chips",
        role="toolbar",
        aria_label="Period",
    )


def _figure(item: dict) -> rx.Component:
    return rx.el.div(
        rx.el.div(item["label"], class_name="fc-admin-figure-label"),
        rx.el.div(item["value"], class_name="fc-admin-figure-value"),
        rx.el.div(item["hint"], class_name="fc-admin-figure-hint"),
        class_name="fc-admin-card fc-admin-figure",
    )


def _axes(key: str) -> list[rx.Component]:
    return [
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke="var(--fc-border)", vertical=False),
        rx.recharts.x_axis(data_key=key, stroke=MUTED, tick={"fontSize": 11}, tick_line=False, min_tick_gap=12),
        rx.recharts.y_axis(stroke=MUTED, tick={"fontSize": 11}, allow_decimals=False, width=40, tick_line=False),
        rx.recharts.graphing_tooltip(
            content_style=CHART_TOOLTIP_STYLE,
            cursor={"fill": "var(--fc-primary-soft)"},
        ),
    ]


def _chart(title: str, chart: rx.Component) -> rx.Component:
    return rx.el.section(rx.el.h2(title, class_name="fc-admin-h2"), chart, class_name="fc-admin-card")


def _per_day() -> rx.Component:
    return rx.el.div(
        _chart(
            "Messages per day",
            rx.recharts.bar_chart(
                rx.recharts.bar(
                    data_key="messages", fill=BLUE, radius=[4, 4, 0, 0], name="Messages", is_animation_active=False
                ),
                *_axes("day"),
                data=AdminOverviewState.messages_per_day,
                width="100%",
                height=220,
            ),
        ),
        _chart(
            "Active users per day",
            rx.recharts.line_chart(
                rx.recharts.line(
                    data_key="users",
                    stroke=GOLD,
                    stroke_width=2,
                    dot=False,
                    name="Users",
                    type_="monotone",
                    is_animation_active=False,
                ),
                *_axes("day"),
                data=AdminOverviewState.active_users_per_day,
                width="100%",
                height=220,
            ),
        ),
        class_name="fc-admin-grid-2",
    )


def _breakdown(title: str, rows, key: str, value: str, none: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(title, class_name="fc-admin-h2"),
        rx.cond(
            rows.length() > 0,
            rx.el.ul(
                rx.foreach(
                    rows,
                    lambda row: rx.el.li(rx.el.span(row[key]), rx.el.strong(row[value]), class_name="fc-admin-kv"),
                ),
                class_name="fc-admin-kvs",
            ),
            rx.el.p(none, class_name="fc-admin-sub"),
        ),
        class_name="fc-admin-card",
    )


def _models() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Tokens by model", class_name="fc-admin-h2"),
        rx.el.div(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("Model"),
                        rx.el.th("Answers", class_name="fc-num"),
                        rx.el.th("Prompt", class_name="fc-num"),
                        rx.el.th("Completion", class_name="fc-num"),
                    )
                ),
                rx.el.tbody(
                    rx.foreach(
                        AdminOverviewState.tokens_by_model,
                        lambda m: rx.el.tr(
                            rx.el.td(m["model"]),
                            rx.el.td(m["answers"], class_name="fc-num"),
                            rx.el.td(m["prompt"], class_name="fc-num"),
                            rx.el.td(m["completion"], class_name="fc-num"),
                        ),
                    )
                ),
                class_name="fc-admin-table fc-admin-table-flush",
            ),
            class_name="fc-admin-table-wrap",
        ),
        class_name="fc-admin-card",
    )


def _body() -> rx.Component:
    return rx.cond(
        AdminOverviewState.has_data,
        rx.el.div(
            rx.el.div(rx.foreach(AdminOverviewState.figures, _figure), class_name="fc-admin-figures"),
            _per_day(),
            rx.el.div(
                _breakdown(
                    "Conversations by category", AdminOverviewState.by_category, "name", "value", "No conversations."
                ),
                _breakdown("Answers by status", AdminOverviewState.by_status, "name", "value", "No answers."),
                class_name="fc-admin-grid-2",
            ),
            rx.el.div(
                _models(),
                _breakdown(
                    "Why answers failed",
                    AdminOverviewState.failure_reasons,
                    "reason",
                    "count",
                    "No answer failed in this period.",
                ),
                class_name="fc-admin-grid-2",
            ),
            class_name="fc-admin-stack",
        ),
        rx.cond(
            AdminOverviewState.loaded,
            empty("No messages in this period yet. Figures appear here once people start asking."),
        ),
    )


def overview_page() -> rx.Component:
    return admin_shell("/admin", "Overview", _period_picker(), _body())
