"""The conversation sidebar: new chat, search, category filter, the list, the user."""

from __future__ import annotations

import reflex as rx

from finucity.components.auth import logout_button
from finucity.components.brand import logo
from finucity.components.buttons import icon_button
from finucity.components.client import local_time
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.states.conversation import ConversationState
from finucity.states.dialogs import ConversationDialogsState
from finucity.states.quota import QuotaState
from finucity.states.rows import ConversationRow
from finucity.states.session import SessionState
from finucity.states.sidebar import SidebarState


def _filter_chip(label: str, value: str) -> rx.Component:
    active = (SidebarState.category_filter == value) | ((value == "") & (SidebarState.category_filter == ""))
    return rx.el.button(
        label,
        type="button",
        class_name=rx.cond(active, "fc-chip is-active", "fc-chip"),
        on_click=SidebarState.set_category_filter(value),
    )


def _filters() -> rx.Component:
    return rx.el.div(
        _filter_chip("All", ""),
        *[
            _filter_chip(label, category.value)
            for category, label in CATEGORY_LABELS.items()
            if category.value != "general"
        ],
        class_name="fc-chips",
        role="toolbar",
        aria_label="Filter by category",
    )


def _search() -> rx.Component:
    return rx.el.div(
        rx.icon("search", size=15),
        # Controlled: the box always shows the term the list is filtered by,
        # also after a reload (the tab's state keeps the term).
        rx.debounce_input(
            rx.el.input(
                type="search",
                placeholder="Search conversations",
                class_name="fc-input",
                aria_label="Search conversations",
                id="fc-search",
                aria_keyshortcuts="Control+K Meta+K /",
                value=SidebarState.search,
                on_change=SidebarState.set_search,
            ),
            debounce_timeout=300,
        ),
        class_name="fc-search",
    )


def _conversation(row: ConversationRow) -> rx.Component:
    # rx.link navigates inside the app (no page reload); on_load opens it.
    return rx.link(
        rx.el.div(row.title, class_name="fc-conv-title"),
        rx.el.div(
            rx.el.span(row.category_label, class_name="fc-tag"),
            local_time(iso=row.updated_at, mode="relative"),
            class_name="fc-conv-meta",
        ),
        rx.el.div(
            icon_button(
                "pencil",
                "Rename conversation",
                size=14,
                on_click=ConversationDialogsState.open_rename(row.id, row.title).prevent_default.stop_propagation,
            ),
            icon_button(
                "trash-2",
                "Delete conversation",
                size=14,
                data_testid="delete-conversation",
                on_click=ConversationDialogsState.open_delete(row.id, row.title).prevent_default.stop_propagation,
            ),
            class_name="fc-conv-actions",
        ),
        href="/chat/" + row.id,
        class_name=rx.cond(ConversationState.current_id == row.id, "fc-conv is-active", "fc-conv"),
        aria_current=rx.cond(ConversationState.current_id == row.id, "page", "false"),
        data_testid="conversation-item",
        data_id=row.id,
        underline="none",
    )


def _conversation_list() -> rx.Component:
    return rx.el.nav(
        rx.el.div(
            rx.cond(SidebarState.search != "", "Results", "Recent"),
            class_name="fc-list-label",
        ),
        rx.cond(
            SidebarState.conversations.length() > 0,
            rx.foreach(SidebarState.conversations, _conversation),
            rx.el.div(
                rx.cond(
                    SidebarState.list_error != "",
                    SidebarState.list_error,
                    rx.cond(
                        (SidebarState.search != "") | (SidebarState.category_filter != ""),
                        "No conversations match.",
                        "Your conversations will appear here.",
                    ),
                ),
                class_name="fc-empty-list",
                role=rx.cond(SidebarState.list_error != "", "alert", "status"),
            ),
        ),
        rx.cond(
            SidebarState.has_more,
            rx.el.button(
                rx.cond(SidebarState.list_loading, "Loading…", "Show older conversations"),
                type="button",
                class_name="fc-btn fc-btn-ghost fc-btn-sm fc-btn-block",
                on_click=SidebarState.load_more,
                data_testid="load-more",
            ),
        ),
        class_name="fc-conv-list fc-scroll",
        aria_label="Conversations",
    )


def _token_usage() -> rx.Component:
    """Tokens used today against the daily quota; only when a limit applies."""
    return rx.cond(
        QuotaState.usage_text != "",
        rx.el.div(
            rx.el.div(QuotaState.usage_text, class_name="fc-usage-text"),
            rx.el.div(
                rx.el.div(class_name="fc-usage-fill", style={"width": f"{QuotaState.usage_percent}%"}),
                class_name="fc-usage-bar",
                role="progressbar",
                aria_label="Tokens used today",
                aria_valuemin=0,
                aria_valuemax=100,
                aria_valuenow=QuotaState.usage_percent,
            ),
            class_name=rx.cond(QuotaState.usage_exhausted, "fc-usage is-exhausted", "fc-usage"),
            data_testid="token-usage",
        ),
    )


def _user_footer() -> rx.Component:
    return rx.el.div(
        rx.el.div(SessionState.user_initials, class_name="fc-avatar"),
        rx.el.div(
            rx.el.div(SessionState.user_name, class_name="fc-user-name"),
            rx.el.div(SessionState.user_email, class_name="fc-user-email"),
            _token_usage(),
            class_name="fc-user",
        ),
        # Staff reach the admin area from here; everyone else never sees the link
        # (and the admin pages check the role on the server regardless).
        rx.cond(
            SessionState.user_is_admin,
            rx.link(
                rx.icon("shield-check", size=17),
                href="/admin",
                class_name="fc-icon-btn",
                title="Admin area",
                aria_label="Admin area",
                data_testid="admin-link",
            ),
        ),
        logout_button(),
        class_name="fc-sidebar-foot",
    )


def sidebar() -> rx.Component:
    return rx.el.aside(
        rx.el.div(
            rx.el.div(
                logo(href="/chat"),
                icon_button("x", "Close menu", size=18, extra_class="fc-menu-btn", on_click=SidebarState.close_sidebar),
                class_name="fc-sidebar-head",
            ),
            rx.el.button(
                rx.icon("message-square-plus", size=17),
                "New chat",
                type="button",
                on_click=ConversationState.new_chat,
                class_name="fc-btn fc-btn-primary fc-btn-block",
                aria_keyshortcuts="Control+Shift+O Meta+Shift+O",
                data_testid="new-chat",
            ),
            _search(),
            _filters(),
            rx.link(
                rx.icon("calculator", size=15),
                "Calculators",
                href="/tools",
                class_name="fc-tools-link",
                underline="none",
            ),
            class_name="fc-sidebar-top",
        ),
        _conversation_list(),
        _user_footer(),
        class_name="fc-sidebar",
        id="fc-sidebar",
        aria_label="Sidebar",
    )
