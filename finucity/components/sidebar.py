"""The conversation sidebar: new chat, search, category filter, the list by date, the account."""

from __future__ import annotations

import reflex as rx

from finucity.components.auth import logout_button
from finucity.components.brand import logo
from finucity.components.buttons import icon_button
from finucity.components.client import backend_link
from finucity.components.theme_menu import theme_menu
from finucity.services.ai.categories import CATEGORY_LABELS
from finucity.states.account import AccountState
from finucity.states.conversation import ConversationState
from finucity.states.dialogs import ConversationDialogsState
from finucity.states.quota import QuotaState
from finucity.states.rows import ConversationGroup, ConversationRow
from finucity.states.session import SessionState
from finucity.states.sidebar import SidebarState


def _filter_chip(label: str, value: str) -> rx.Component:
    active = (SidebarState.category_filter == value) | ((value == "") & (SidebarState.category_filter == ""))
    return rx.el.button(
        label,
        type="button",
        class_name=rx.cond(active, "fc-chip is-active", "fc-chip"),
        aria_pressed=active,
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
        id="fc-filters",
    )


def _filter_button() -> rx.Component:
    """Folds the category chips away; its badge counts the filters in force."""
    active = SidebarState.category_filter != ""
    return rx.el.button(
        rx.icon("list-filter", size=16),
        rx.cond(active, rx.el.span("1", class_name="fc-filter-count", aria_hidden="true")),
        type="button",
        class_name=rx.cond(active | SidebarState.filters_open, "fc-filter-btn is-active", "fc-filter-btn"),
        title="Filter by category",
        aria_label=rx.cond(active, "Filter, 1 active", "Filter"),
        aria_expanded=SidebarState.filters_open,
        aria_controls="fc-filters",
        on_click=SidebarState.toggle_filters,
        data_testid="filter-toggle",
    )


def _active_filter() -> rx.Component:
    """With the chips folded, the filter in force stays in sight and one tap clears it."""
    return rx.el.button(
        SidebarState.category_filter_label,
        rx.icon("x", size=13),
        type="button",
        class_name="fc-chip is-active fc-chip-clear",
        aria_label="Clear filter " + SidebarState.category_filter_label,
        on_click=SidebarState.set_category_filter(""),
        data_testid="active-filter",
    )


def _search() -> rx.Component:
    return rx.el.div(
        rx.el.div(
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
        ),
        _filter_button(),
        class_name="fc-search-row",
    )


def _menu_icon(name: str) -> rx.Component:
    return rx.icon(name, size=15, class_name="fc-menu-icon")


def _download_item(label: str, path, test_id: str) -> rx.Component:
    # A real link (Radix renders the item as it): the browser downloads the
    # route's file with the session cookie, nothing passes through the socket.
    return rx.menu.item(
        backend_link(_menu_icon("download"), label, path=path, data_testid=test_id),
        as_child=True,
    )


def _conversation_menu(row: ConversationRow) -> rx.Component:
    """Rename, export and delete, behind one button that takes no room until wanted."""
    export = "/api/conversation/" + row.id + "/export?format="
    return rx.menu.root(
        rx.menu.trigger(
            rx.el.button(
                rx.icon("ellipsis", size=16),
                type="button",
                class_name="fc-conv-menu-btn",
                title="More",
                aria_label="Actions for " + row.title,
                data_testid="conversation-menu",
            ),
        ),
        rx.menu.content(
            rx.menu.item(
                _menu_icon("pencil"),
                "Rename",
                on_select=ConversationDialogsState.open_rename(row.id, row.title),
                data_testid="rename-conversation",
            ),
            _download_item("Export as Markdown", export + "md", "export-markdown"),
            _download_item("Export as JSON", export + "json", "export-json"),
            rx.menu.separator(),
            rx.menu.item(
                _menu_icon("trash-2"),
                "Delete",
                color="red",
                on_select=ConversationDialogsState.open_delete(row.id, row.title),
                data_testid="delete-conversation",
            ),
            align="start",
            side="bottom",
            class_name="fc-menu",
            # Rename and Delete open a dialog that takes focus; the menu handing focus
            # back to its button as it fades out would take it from the dialog.
            # (The dialog gives it back to that button when it closes: keyboard.jsx.)
            on_close_auto_focus=rx.prevent_default,
        ),
        modal=False,
    )


def _conversation(row: ConversationRow) -> rx.Component:
    # rx.link navigates inside the app (no page reload); on_load opens it.
    # The menu sits over the row's right end, beside (not inside) the link.
    active = ConversationState.current_id == row.id
    return rx.el.div(
        rx.link(
            rx.el.span(row.title, class_name="fc-conv-title"),
            href="/chat/" + row.id,
            class_name="fc-conv",
            title=row.title + " · " + row.category_label,
            aria_current=rx.cond(active, "page", "false"),
            data_testid="conversation-item",
            data_id=row.id,
            underline="none",
        ),
        _conversation_menu(row),
        class_name=rx.cond(active, "fc-conv-row is-active", "fc-conv-row"),
        data_id=row.id,
    )


def _group(group: ConversationGroup) -> rx.Component:
    return rx.el.div(
        # Sticky: the heading of the group in view stays at the top while it scrolls.
        rx.el.h3(group.label, class_name="fc-group-label", data_testid="group-label"),
        rx.foreach(group.rows, _conversation),
        class_name="fc-conv-group",
        role="group",
        aria_label=group.label,
    )


def _conversation_list() -> rx.Component:
    return rx.el.nav(
        rx.cond(
            SidebarState.has_conversations,
            rx.foreach(SidebarState.groups, _group),
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


def _account_menu() -> rx.Component:
    """The user's own data: download all of it, or delete the account."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.el.button(
                rx.el.span(SessionState.user_initials, class_name="fc-avatar"),
                rx.el.span(
                    rx.el.span(SessionState.user_name, class_name="fc-user-name"),
                    rx.el.span(SessionState.user_email, class_name="fc-user-email"),
                    class_name="fc-user",
                ),
                rx.icon("chevrons-up-down", size=15, class_name="fc-account-chevron"),
                # Named by what it shows (label in name, WCAG 2.5.3), then what it opens.
                rx.el.span(" (account menu)", class_name="fc-sr-only"),
                type="button",
                class_name="fc-account-btn",
                data_testid="account-menu",
            ),
        ),
        rx.menu.content(
            _download_item("Download all my data", "/api/me/export", "download-my-data"),
            rx.menu.separator(),
            rx.menu.item(
                _menu_icon("user-x"),
                "Delete account…",
                color="red",
                on_select=AccountState.open_delete_account,
                data_testid="delete-account",
            ),
            side="top",
            align="start",
            class_name="fc-menu",
        ),
        modal=False,
    )


def _user_footer() -> rx.Component:
    return rx.el.div(
        _token_usage(),
        rx.el.div(
            _account_menu(),
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
            theme_menu(),
            logout_button(),
            class_name="fc-sidebar-foot-row",
        ),
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
            rx.cond(
                SidebarState.filters_open,
                _filters(),
                rx.cond(SidebarState.category_filter != "", _active_filter()),
            ),
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
        # "Today" ends at the reader's midnight: tell the server which zone that is.
        on_mount=rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=SidebarState.set_time_zone
        ),
    )
