"""/admin/users: find people, read their usage, change their role, access and quota."""

from __future__ import annotations

import dataclasses

import reflex as rx

from finucity.finance.money import format_inr
from finucity.services.admin import users as admin_users
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.admin.base import AdminState, PagedList, iso
from finucity.states.admin.overview import day_label
from finucity.states.session import PER_USER_STATES, admin_only, tab_only


@dataclasses.dataclass
class AdminUserItem:
    id: str
    email: str
    full_name: str
    role: str
    is_active: bool
    created_at: str
    last_login_at: str
    conversation_count: int
    quota: str


def _item(row) -> AdminUserItem:
    return AdminUserItem(
        id=row.id,
        email=row.email,
        full_name=row.full_name,
        role=row.role,
        is_active=row.is_active,
        created_at=iso(row.created_at),
        last_login_at=iso(row.last_login_at),
        conversation_count=row.conversation_count,
        quota="" if row.daily_token_quota is None else str(row.daily_token_quota),
    )


class AdminUsersState(PagedList, AdminState):
    q: str = ""
    role: str = ""
    active: str = ""
    rows: list[AdminUserItem] = []
    # The user opened in the side panel.
    open_id: str = ""
    detail: AdminUserItem | None = None
    usage_days: list[dict] = []
    usage_models: list[dict] = []
    usage_total: str = ""

    def _forget_user_data(self) -> None:
        self.rows, self.cursors, self.usage_days, self.usage_models = [], [], [], []
        self.next_cursor = self.open_id = self.usage_total = ""
        self.detail = None

    async def _load(self, actor: Actor, cursor: str | None = None) -> None:
        active = {"yes": True, "no": False}.get(self.active)
        try:
            page = await admin_users.list_users(
                actor, q=self.q or None, role=self.role or None, active=active, cursor=cursor or None
            )
        except ServiceError as exc:
            await self._show(exc)
            return
        await self._allowed()
        self.rows = [_item(r) for r in page.items]
        self.next_cursor = page.next_cursor or ""

    @rx.event
    @admin_only
    async def apply_filters(self, actor: Actor, form: dict):
        self.q = str(form.get("q") or "").strip()[:200]
        self.role = str(form.get("role") or "")
        self.active = str(form.get("active") or "")
        self.cursors = []
        await self._load(actor)

    @rx.event
    @admin_only
    async def open_user(self, actor: Actor, user_id: str):
        try:
            d = await admin_users.get_user(actor, user_id, days=30)
        except ServiceError as exc:
            await self._show(exc)
            return
        self.open_id, self.detail = d.user.id, _item(d.user)
        self.usage_days = [
            {"day": day_label(u.day.isoformat()), "messages": u.messages, "tokens": u.tokens_in + u.tokens_out}
            for u in d.usage_by_day
        ]
        self.usage_models = [
            {
                "model": m.model,
                "answers": format_inr(m.answers, symbol=False),
                "tokens": format_inr(m.tokens_in + m.tokens_out, symbol=False),
            }
            for m in d.usage_by_model
        ]
        total = sum(u.tokens_in + u.tokens_out for u in d.usage_by_day)
        self.usage_total = format_inr(total, symbol=False)

    @rx.event
    @tab_only
    def close_user(self):
        self.open_id, self.detail = "", None

    async def _changed(self, row) -> None:
        item = _item(row)
        self.rows = [item if r.id == item.id else r for r in self.rows]
        if self.open_id == item.id:
            self.detail = item

    @rx.event
    @admin_only
    async def set_role(self, actor: Actor, user_id: str, role: str):
        try:
            await self._changed(await admin_users.set_role(actor, user_id, role))
        except ServiceError as exc:
            await self._show(exc)

    @rx.event
    @admin_only
    async def set_active(self, actor: Actor, user_id: str, active: bool):
        try:
            await self._changed(await admin_users.set_active(actor, user_id, bool(active)))
        except ServiceError as exc:
            await self._show(exc)

    @rx.event
    @admin_only
    async def save_quota(self, actor: Actor, form: dict):
        raw = str(form.get("quota") or "").replace(",", "").strip()
        quota = None if raw == "" else int(raw) if raw.isdigit() else -1
        try:
            await self._changed(await admin_users.set_quota(actor, self.open_id, quota))
        except ServiceError as exc:
            await self._show(exc)


PER_USER_STATES.append(AdminUsersState)
