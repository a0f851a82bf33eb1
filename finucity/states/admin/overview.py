"""/admin: the overview of a period, every figure from the database."""

from __future__ import annotations

from datetime import date

import reflex as rx

from finucity.finance.money import format_inr
from finucity.services.admin import stats as admin_stats
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.admin.base import AdminState
from finucity.states.session import PER_USER_STATES, admin_only

PERIODS = (7, 30, 90)


class AdminOverviewState(AdminState):
    days: int = 30
    loaded: bool = False
    has_data: bool = False
    messages_per_day: list[dict] = []
    active_users_per_day: list[dict] = []
    by_category: list[dict] = []
    by_status: list[dict] = []
    tokens_by_model: list[dict] = []
    failure_reasons: list[dict] = []
    figures: list[dict] = []

    def _forget_user_data(self) -> None:
        self.loaded = self.has_data = False
        self.messages_per_day = self.active_users_per_day = []
        self.by_category = self.by_status = self.tokens_by_model = self.failure_reasons = self.figures = []

    @rx.event
    @admin_only
    async def load(self, actor: Actor):
        await self._load(actor)

    @rx.event
    @admin_only
    async def set_days(self, actor: Actor, value: str):
        self.days = int(value) if value.isdigit() and int(value) in PERIODS else 30
        await self._load(actor)

    async def _load(self, actor: Actor) -> None:
        try:
            o = await admin_stats.overview(actor, self.days)
        except ServiceError as exc:
            await self._show(exc)
            return
        await self._allowed()
        self.loaded, self.has_data = True, o.has_data
        self.messages_per_day = [{"day": day_label(d), "messages": n} for d, n in o.messages_per_day]
        self.active_users_per_day = [{"day": day_label(d), "users": n} for d, n in o.active_users_per_day]
        self.by_category = [{"name": name, "value": count(n)} for name, n in o.conversations_by_category]
        self.by_status = [{"name": name.capitalize(), "value": count(n)} for name, n in o.answers_by_status]
        self.tokens_by_model = [
            {
                "model": m.model,
                "answers": count(m.answers),
                "prompt": count(m.tokens_in),
                "completion": count(m.tokens_out),
            }
            for m in o.tokens_by_model
        ]
        self.failure_reasons = [{"reason": r, "count": count(n)} for r, n in o.failure_reasons]
        total = sum(n for _, n in o.messages_per_day)
        self.figures = [
            {"label": "Messages", "value": count(total), "hint": f"in {self.days} days"},
            {"label": "Thumbs up", "value": count(o.thumbs_up), "hint": f"{count(o.thumbs_down)} down"},
            {"label": "First words", "value": _ms(o.first_token_p50_ms), "hint": f"p95 {_ms(o.first_token_p95_ms)}"},
            {"label": "Whole answer", "value": _ms(o.answer_p50_ms), "hint": f"p95 {_ms(o.answer_p95_ms)}"},
        ]


def day_label(iso_day: str) -> str:
    """'2026-11-30' -> '30 Nov' (UTC days, as the service counts them)."""
    day = date.fromisoformat(iso_day)
    return f"{day.day} {day:%b}"


def count(n: int) -> str:
    """A count with Indian grouping: 12,34,567."""
    return format_inr(n, symbol=False)


def _ms(value: int | None) -> str:
    if value is None:
        return "–"
    return f"{value} ms" if value < 1000 else f"{value / 1000:.1f} s"


PER_USER_STATES.append(AdminOverviewState)
