"""/admin/audit: who did what, when, filterable."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from finucity.services.admin import audit as admin_audit
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.admin.base import AdminState, PagedList, iso, parse_day
from finucity.states.session import PER_USER_STATES, admin_only


@dataclasses.dataclass
class AuditItem:
    id: int
    created_at: str
    actor_email: str
    action: str
    target: str
    details: str
    ip: str


def _details(details: dict | None) -> str:
    """The details as "key: value · key: value" (nested values as JSON), for reading at a glance."""
    if not details:
        return ""
    parts = [
        f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)}"
        for key, value in sorted(details.items())
    ]
    return " · ".join(parts)[:300]


class AdminAuditState(PagedList, AdminState):
    actor_email: str = ""
    action: str = ""
    target: str = ""
    since: str = ""
    until: str = ""
    rows: list[AuditItem] = []

    def _forget_user_data(self) -> None:
        self.rows, self.cursors, self.next_cursor = [], [], ""

    async def _load(self, actor: Actor, cursor: str | None = None) -> None:
        try:
            page = await admin_audit.list_audit(
                actor,
                actor_email=self.actor_email or None,
                action=self.action or None,
                target=self.target or None,
                since=parse_day(self.since, "since"),
                until=parse_day(self.until, "until"),
                cursor=cursor or None,
            )
        except ServiceError as exc:
            await self._show(exc)
            return
        await self._allowed()
        self.rows = [
            AuditItem(
                id=r.id,
                created_at=iso(r.created_at),
                actor_email=r.actor_email or "system",
                action=r.action,
                target=" ".join(p for p in (r.target_type, r.target_id) if p),
                details=_details(r.details),
                ip=r.ip or "",
            )
            for r in page.items
        ]
        self.next_cursor = page.next_cursor or ""

    @rx.event
    @admin_only
    async def apply_filters(self, actor: Actor, form: dict):
        for name in ("actor_email", "action", "target", "since", "until"):
            setattr(self, name, str(form.get(name) or "").strip()[:200])
        self.cursors = []
        await self._load(actor)


PER_USER_STATES.append(AdminAuditState)
