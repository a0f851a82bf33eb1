"""The admin shell: navigation, the 403 page, errors, tables and pagers."""

from __future__ import annotations

import reflex as rx

from finucity.components.brand import logo
from finucity.components.client import local_time
from finucity.components.theme_menu import theme_menu
from finucity.states.admin.base import AdminState
from finucity.states.session import SessionState

SECTIONS = (
    ("Overview", "/admin", "layout-dashboard"),
    ("Conversations", "/admin/conversations", "messages-square"),
    ("Users", "/admin/users", "users"),
    ("Audit log", "/admin/audit", "scroll-text"),
)


def _nav(current: str) -> rx.Component:
    return rx.el.nav(
        *[
            rx.link(
                rx.icon(icon, size=16),
                rx.el.span(label),
                href=href,
                class_name="fc-admin-nav-item is-active" if href == current else "fc-admin-nav-item",
                aria_current="page" if href == current else None,
            )
            for label, href, icon in SECTIONS
        ],
        rx.link(
            rx.icon("message-circle", size=16), rx.el.span("Back to chat"), href="/chat", class_name="fc-admin-nav-item"
        ),
        class_name="fc-admin-nav",
        aria_label="Admin sections",
    )


def forbidden() -> rx.Component:
    return rx.el.div(
        rx.el.div("403", class_name="fc-admin-403-code"),
        rx.el.h1("This area is for Finucity's staff", class_name="fc-admin-title"),
        rx.el.p("Your account can't open the admin pages. If you need access, ask an administrator."),
        rx.link("Back to the chat", href="/chat", class_name="fc-btn fc-btn-primary fc-btn-sm"),
        class_name="fc-admin-403",
        data_testid="admin-forbidden",
    )


def error_banner() -> rx.Component:
    return rx.cond(
        AdminState.admin_error != "",
        rx.el.div(
            rx.icon("circle-alert", size=16), AdminState.admin_error, class_name="fc-alert fc-alert-error", role="alert"
        ),
    )


def admin_shell(current: str, title: str, *body: rx.Component) -> rx.Component:
    """A page of the admin area; nothing renders before the server has checked the role."""
    page = rx.el.div(
        rx.el.aside(logo(href="/admin"), _nav(current), class_name="fc-admin-side"),
        rx.el.main(
            rx.el.header(
                rx.el.h1(title, class_name="fc-admin-title"),
                rx.el.div(
                    rx.el.span(SessionState.user_email, class_name="fc-admin-who"),
                    theme_menu(side="bottom"),
                    class_name="fc-admin-head-end",
                ),
                class_name="fc-admin-head",
            ),
            error_banner(),
            *body,
            class_name="fc-admin-main",
        ),
        class_name="fc-admin",
    )
    return rx.cond(
        AdminState.forbidden,
        forbidden(),
        rx.cond(SessionState.user_is_admin, page, rx.el.div(class_name="fc-admin")),
    )


def when(iso, mode: str = "datetime") -> rx.Component:
    return local_time(iso=iso, mode=mode)


def when_cell(iso, mode: str = "relative", never: str = "Never") -> rx.Component:
    """A table cell with a time on one line, or `never` when there is none."""
    return rx.el.td(
        rx.cond(iso != "", when(iso, mode), rx.el.span(never, class_name="fc-admin-sub")), class_name="fc-nowrap"
    )


def pager(state) -> rx.Component:
    """Previous and next for a keyset-paginated list (`state` has cursors, next_cursor and the handlers)."""
    return rx.el.div(
        rx.el.button(
            rx.icon("chevron-left", size=15),
            "Previous",
            type="button",
            class_name="fc-btn fc-btn-ghost fc-btn-sm",
            disabled=state.cursors.length() == 0,
            on_click=state.previous_page,
        ),
        rx.el.span("Page ", state.cursors.length() + 1, class_name="fc-admin-page-no"),
        rx.el.button(
            "Next",
            rx.icon("chevron-right", size=15),
            type="button",
            class_name="fc-btn fc-btn-ghost fc-btn-sm",
            disabled=state.next_cursor == "",
            on_click=state.next_page,
            data_testid="next-page",
        ),
        class_name="fc-admin-pager",
    )


def field(label: str, control: rx.Component) -> rx.Component:
    return rx.el.label(rx.el.span(label, class_name="fc-admin-field-label"), control, class_name="fc-admin-field")


def text_filter(name: str, label: str, value, placeholder: str = "", type_: str = "text") -> rx.Component:
    return field(
        label,
        rx.el.input(
            name=name, default_value=value, placeholder=placeholder, type=type_, class_name="fc-input fc-input-sm"
        ),
    )


def select_filter(name: str, label: str, value, options: list[tuple[str, str]]) -> rx.Component:
    return field(
        label,
        rx.el.select(
            *[rx.el.option(text, value=v) for v, text in options],
            name=name,
            default_value=value,
            class_name="fc-input fc-input-sm",
        ),
    )


def empty(text) -> rx.Component:
    return rx.el.div(text, class_name="fc-admin-empty")


def _header_cell(header: str | rx.Component, numeric: tuple[str, ...]) -> rx.Component:
    return rx.el.th(header, class_name="fc-num" if isinstance(header, str) and header in numeric else None)


def data_table(
    state, headers: list[str | rx.Component], rows, row, empty_text: str, numeric: tuple[str, ...] = ()
) -> rx.Component:
    """A list as a table in a card (scrolling sideways in its own box on phones), or a
    line saying it is empty. Columns named in `numeric` are right-aligned; a header
    that is not text (a select-all box, a hidden label) is drawn as given."""
    return rx.cond(
        rows.length() > 0,
        rx.el.div(
            rx.el.table(
                rx.el.thead(rx.el.tr(*[_header_cell(h, numeric) for h in headers])),
                rx.el.tbody(rx.foreach(rows, row)),
                class_name="fc-admin-table",
            ),
            class_name="fc-admin-table-wrap fc-admin-card",
        ),
        empty(rx.cond(state.loaded, empty_text, "Loading…")),
    )
