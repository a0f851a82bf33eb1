"""/admin/audit: the audit log."""

from __future__ import annotations

import reflex as rx

from finucity.components.admin.layout import admin_shell, data_table, pager, text_filter, when_cell
from finucity.states.admin.audit import AdminAuditState, AuditItem

S = AdminAuditState


def _filters() -> rx.Component:
    return rx.el.form(
        text_filter("actor_email", "Who", S.actor_email, "Email"),
        text_filter("action", "Action", S.action, "e.g. admin.user.role"),
        text_filter("target", "Target", S.target, "An id"),
        text_filter("since", "From", S.since, type_="date"),
        text_filter("until", "To", S.until, type_="date"),
        rx.el.div(
            rx.el.button("Apply", type="submit", class_name="fc-btn fc-btn-primary fc-btn-sm"),
            class_name="fc-admin-actions",
        ),
        on_submit=S.apply_filters,
        reset_on_submit=False,
        class_name="fc-admin-filters fc-admin-card",
    )


def _row(row: AuditItem) -> rx.Component:
    return rx.el.tr(
        when_cell(row.created_at, "datetime"),
        rx.el.td(row.actor_email),
        rx.el.td(rx.el.code(row.action, class_name="fc-inline-code")),
        rx.el.td(row.target, class_name="fc-admin-sub fc-admin-details"),
        rx.el.td(row.details, class_name="fc-admin-sub fc-admin-details"),
        rx.el.td(row.ip, class_name="fc-admin-sub"),
        data_testid="audit-row",
    )


def audit_page() -> rx.Component:
    headers = ["When", "Who", "Action", "Target", "Details", "IP"]
    return admin_shell(
        "/admin/audit",
        "Audit log",
        _filters(),
        data_table(S, headers, S.rows, _row, "Nothing in the audit log matches."),
        pager(S),
    )
