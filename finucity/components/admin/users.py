"""/admin/users: the list, a person's usage, and what an admin may change."""

from __future__ import annotations

import reflex as rx

from finucity.components.admin.layout import (
    admin_shell,
    data_table,
    empty,
    pager,
    select_filter,
    text_filter,
    when_cell,
)
from finucity.components.theme import CHART_TOOLTIP_STYLE
from finucity.states.admin.users import AdminUserItem, AdminUsersState

S = AdminUsersState
ROLES = [("", "Any role"), ("user", "Users"), ("admin", "Administrators")]
ACTIVE = [("", "Active or not"), ("yes", "Active"), ("no", "Deactivated")]


def _filters() -> rx.Component:
    return rx.el.form(
        text_filter("q", "Search", S.q, "Name or email", "search"),
        select_filter("role", "Role", S.role, ROLES),
        select_filter("active", "Access", S.active, ACTIVE),
        rx.el.div(
            rx.el.button("Apply", type="submit", class_name="fc-btn fc-btn-primary fc-btn-sm"),
            class_name="fc-admin-actions",
        ),
        on_submit=S.apply_filters,
        reset_on_submit=False,
        class_name="fc-admin-filters fc-admin-card",
    )


def _role_tag(role) -> rx.Component:
    return rx.el.span(role, class_name=rx.cond(role == "admin", "fc-tag", "fc-tag fc-tag-neutral"))


def _row(row: AdminUserItem) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.button(row.full_name, type="button", class_name="fc-admin-link", on_click=S.open_user(row.id)),
            rx.el.div(row.email, class_name="fc-admin-sub"),
            class_name="fc-admin-main-col",
        ),
        rx.el.td(_role_tag(row.role)),
        rx.el.td(
            rx.cond(
                row.is_active,
                rx.el.span("Active", class_name="fc-admin-status", data_status="complete"),
                rx.el.span("Deactivated", class_name="fc-admin-status", data_status="failed"),
            )
        ),
        rx.el.td(row.conversation_count, class_name="fc-num"),
        when_cell(row.last_login_at),
        when_cell(row.created_at),
        data_testid="admin-user-row",
    )


def _table() -> rx.Component:
    headers = ["Person", "Role", "Access", "Conversations", "Last sign-in", "Joined"]
    return data_table(S, headers, S.rows, _row, "No one matches these filters.", ("Conversations",))


def _usage_chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.bar(
            data_key="tokens", fill="var(--fc-primary)", radius=[3, 3, 0, 0], name="Tokens", is_animation_active=False
        ),
        rx.recharts.x_axis(
            data_key="day", stroke="var(--fc-muted)", tick={"fontSize": 11}, tick_line=False, min_tick_gap=12
        ),
        rx.recharts.y_axis(stroke="var(--fc-muted)", tick={"fontSize": 11}, width=48, tick_line=False),
        rx.recharts.graphing_tooltip(content_style=CHART_TOOLTIP_STYLE),
        data=S.usage_days,
        width="100%",
        height=180,
    )


def _actions(user: AdminUserItem) -> rx.Component:
    return rx.el.div(
        rx.cond(
            user.role == "admin",
            rx.el.button(
                "Make a user",
                type="button",
                class_name="fc-btn fc-btn-ghost fc-btn-sm",
                on_click=S.set_role(user.id, "user"),
            ),
            rx.el.button(
                "Make an administrator",
                type="button",
                class_name="fc-btn fc-btn-ghost fc-btn-sm",
                on_click=S.set_role(user.id, "admin"),
                data_testid="make-admin",
            ),
        ),
        rx.cond(
            user.is_active,
            rx.el.button(
                "Deactivate",
                type="button",
                class_name="fc-btn fc-btn-danger fc-btn-sm",
                on_click=S.set_active(user.id, False),
                data_testid="deactivate",
            ),
            rx.el.button(
                "Reactivate",
                type="button",
                class_name="fc-btn fc-btn-primary fc-btn-sm",
                on_click=S.set_active(user.id, True),
            ),
        ),
        class_name="fc-admin-actions",
    )


def _quota(user: AdminUserItem) -> rx.Component:
    return rx.el.form(
        text_filter("quota", "Daily token quota (empty: the default; 0: no limit)", user.quota, "e.g. 50000"),
        rx.el.button("Save quota", type="submit", class_name="fc-btn fc-btn-ghost fc-btn-sm"),
        on_submit=S.save_quota,
        reset_on_submit=False,
        class_name="fc-admin-inline-form",
    )


def _detail() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.cond(
                S.detail,
                rx.el.div(
                    rx.dialog.title(S.detail.full_name),
                    rx.dialog.description(S.detail.email, " · ", _role_tag(S.detail.role), class_name="fc-admin-sub"),
                    rx.el.h2("Tokens per day, last 30 days (", S.usage_total, " in all)", class_name="fc-admin-h2"),
                    rx.cond(S.usage_total != "0", _usage_chart(), empty("No answers in the last 30 days.")),
                    rx.el.ul(
                        rx.foreach(
                            S.usage_models,
                            lambda m: rx.el.li(
                                rx.el.span(m["model"]),
                                rx.el.strong(m["tokens"], " tokens, ", m["answers"], " answers"),
                                class_name="fc-admin-kv",
                            ),
                        ),
                        class_name="fc-admin-kvs",
                    ),
                    _actions(S.detail),
                    _quota(S.detail),
                    class_name="fc-admin-detail",
                ),
            ),
            rx.flex(
                rx.dialog.close(rx.el.button("Close", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm")),
                justify="end",
                margin_top="12px",
            ),
            max_width="640px",
        ),
        open=S.open_id != "",
        on_open_change=lambda is_open: rx.cond(is_open, rx.noop(), S.close_user()),
    )


def users_page() -> rx.Component:
    return admin_shell("/admin/users", "Users", _filters(), _table(), pager(S), _detail())
