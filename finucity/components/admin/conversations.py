"""/admin/conversations: filters, the list, a transcript, delete and export."""

from __future__ import annotations

import reflex as rx

from finucity.components.admin.layout import (
    admin_shell,
    data_table,
    pager,
    select_filter,
    text_filter,
    when,
    when_cell,
)
from finucity.components.client import fin_markdown
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.states.admin.conversations import AdminConversationItem, AdminConversationsState, TranscriptItem

S = AdminConversationsState
CATEGORIES = [("", "Any category")] + [(c.value, label) for c, label in CATEGORY_LABELS.items()]
STATUSES = [("", "Any status"), ("complete", "Complete"), ("stopped", "Stopped"), ("failed", "Failed")]
FEEDBACK = [("", "Any feedback"), ("any", "Rated"), ("up", "Thumbs up"), ("down", "Thumbs down")]
SORTS = [("recent", "Newest first"), ("oldest", "Oldest first"), ("longest", "Longest"), ("shortest", "Shortest")]


def _filters() -> rx.Component:
    return rx.el.form(
        text_filter("q", "Search text", S.q, "Words in titles or messages", "search"),
        text_filter("user", "User", S.user, "Email or id"),
        select_filter("category", "Category", S.category, CATEGORIES),
        select_filter("status", "Last answer", S.status, STATUSES),
        select_filter("feedback", "Feedback", S.feedback, FEEDBACK),
        text_filter("since", "From", S.since, type_="date"),
        text_filter("until", "To", S.until, type_="date"),
        select_filter("sort", "Sort", S.sort, SORTS),
        rx.el.div(
            rx.el.button(
                "Apply", type="submit", class_name="fc-btn fc-btn-primary fc-btn-sm", data_testid="apply-filters"
            ),
            rx.el.button("Clear", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm", on_click=S.clear_filters),
            class_name="fc-admin-actions",
        ),
        on_submit=S.apply_filters,
        class_name="fc-admin-filters fc-admin-card",
        # The page stays put: filters go to the server on submit only.
        reset_on_submit=False,
    )


def _toolbar() -> rx.Component:
    return rx.el.div(
        rx.el.a(
            rx.icon("download", size=15),
            "CSV",
            href="/api/admin/conversations/export?format=csv&" + S.export_query,
            class_name="fc-btn fc-btn-ghost fc-btn-sm",
            download="",
            data_testid="export-csv",
        ),
        rx.el.a(
            rx.icon("download", size=15),
            "JSON",
            href="/api/admin/conversations/export?format=json&" + S.export_query,
            class_name="fc-btn fc-btn-ghost fc-btn-sm",
            download="",
        ),
        rx.el.button(
            rx.icon("trash-2", size=15),
            "Delete selected (",
            S.selected.length(),
            ")",
            type="button",
            class_name="fc-btn fc-btn-danger fc-btn-sm",
            disabled=S.selected.length() == 0,
            on_click=S.ask_delete(""),
        ),
        class_name="fc-admin-toolbar",
    )


def _status(value) -> rx.Component:
    return rx.el.span(value, class_name="fc-admin-status", data_status=value)


def _row(row: AdminConversationItem) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.input(
                type="checkbox",
                checked=S.selected.contains(row.id),
                on_change=S.toggle_selected(row.id),
                aria_label="Select " + row.title,
            ),
        ),
        rx.el.td(
            rx.el.button(row.title, type="button", class_name="fc-admin-link", on_click=S.open_transcript(row.id)),
            rx.el.div(row.user_name, " · ", row.user_email, class_name="fc-admin-sub"),
            class_name="fc-admin-main-col",
        ),
        rx.el.td(rx.el.span(row.category, class_name="fc-tag")),
        rx.el.td(_status(row.last_status)),
        rx.el.td(row.message_count, class_name="fc-num"),
        rx.el.td(row.thumbs_up, " / ", row.thumbs_down, class_name="fc-num"),
        when_cell(row.updated_at),
        rx.el.td(
            rx.el.button(
                rx.icon("trash-2", size=15),
                type="button",
                class_name="fc-icon-btn",
                aria_label="Delete conversation",
                title="Delete conversation",
                on_click=S.ask_delete(row.id),
            )
        ),
        data_testid="admin-conversation-row",
    )


def _select_all() -> rx.Component:
    return rx.el.input(
        type="checkbox",
        checked=S.all_selected,
        on_change=S.toggle_all_selected,
        aria_label="Select all conversations on this page",
        data_testid="select-all",
    )


def _table() -> rx.Component:
    actions = rx.el.span("Actions", class_name="fc-sr-only")
    headers = [
        _select_all(),
        *("Conversation", "Category", "Last answer", "Messages", "Rated up / down", "Updated"),
        actions,
    ]
    numeric = ("Messages", "Rated up / down")
    return data_table(S, headers, S.rows, _row, "No conversations match these filters.", numeric)


def _message(m: TranscriptItem) -> rx.Component:
    return rx.el.article(
        rx.el.div(
            rx.el.strong(rx.cond(m.role == "user", "Question", "Answer")),
            rx.cond(m.role == "assistant", _status(m.status)),
            rx.cond(
                m.cached,
                rx.el.span(
                    "cached",
                    class_name="fc-tag fc-tag-neutral",
                    title="Given from the answer cache: no model call, no tokens",
                    data_testid="cached-tag",
                ),
            ),
            when(m.created_at),
            class_name="fc-admin-msg-head",
        ),
        fin_markdown(content=m.content),
        rx.cond(m.error != "", rx.el.div(m.error, class_name="fc-admin-sub fc-admin-error-text")),
        rx.cond(m.meta != "", rx.el.div(m.meta, class_name="fc-admin-sub")),
        rx.cond(
            m.rating != "",
            rx.el.div(
                "Rated ", m.rating, rx.cond(m.comment != "", rx.el.span(": ", m.comment)), class_name="fc-admin-sub"
            ),
        ),
        class_name=rx.cond(m.role == "user", "fc-admin-msg is-user", "fc-admin-msg"),
    )


def _transcript() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.open_title),
            rx.dialog.description(S.open_owner, class_name="fc-admin-sub"),
            rx.el.div(rx.foreach(S.transcript, _message), class_name="fc-admin-transcript fc-scroll"),
            rx.flex(
                rx.el.button(
                    "Delete",
                    type="button",
                    class_name="fc-btn fc-btn-danger fc-btn-sm",
                    on_click=S.ask_delete(S.open_id),
                ),
                rx.dialog.close(rx.el.button("Close", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm")),
                gap="8px",
                justify="end",
                margin_top="12px",
            ),
            max_width="860px",
        ),
        open=S.open_id != "",
        on_open_change=lambda is_open: rx.cond(is_open, rx.noop(), S.close_transcript()),
    )


def _confirm() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete for good?"),
            rx.alert_dialog.description(
                S.confirm_ids.length(),
                " conversation(s) and all their messages will be deleted, for their owners too. "
                "An answer still being written in one of them stops.",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.el.button("Cancel", type="button", class_name="fc-btn fc-btn-ghost fc-btn-sm")
                ),
                rx.alert_dialog.action(
                    rx.el.button(
                        "Delete",
                        type="button",
                        class_name="fc-btn fc-btn-danger fc-btn-sm",
                        on_click=S.confirm_delete,
                        data_testid="confirm-admin-delete",
                    )
                ),
                gap="8px",
                justify="end",
                margin_top="16px",
            ),
            max_width="440px",
        ),
        open=S.confirm_ids.length() > 0,
        on_open_change=lambda is_open: rx.cond(is_open, rx.noop(), S.cancel_delete()),
    )


def conversations_page() -> rx.Component:
    return admin_shell(
        "/admin/conversations",
        "Conversations",
        _filters(),
        _toolbar(),
        _table(),
        pager(S),
        _transcript(),
        _confirm(),
    )
