"""The signed-in user's tokens today against their daily quota, for the sidebar."""

from __future__ import annotations

from finucity.services import quota
from finucity.services.context import Actor
from finucity.services.errors import ServiceError
from finucity.states.session import PER_USER_STATES, SessionState


async def read_usage(actor: Actor) -> quota.QuotaUsage | None:
    """The day's usage, or None if it cannot be read (the footer then shows nothing)."""
    try:
        return await quota.usage(actor)
    except ServiceError:
        return None


class QuotaState(SessionState):
    # Empty when no limit applies: nothing is shown.
    usage_text: str = ""
    usage_percent: int = 0
    usage_exhausted: bool = False

    def _forget_user_data(self) -> None:
        self._show(None)

    def _show(self, today: quota.QuotaUsage | None) -> None:
        if today is None or today.limit is None:
            text, percent, exhausted = "", 0, False
        else:
            text = f"{quota.grouped(today.used)} of {quota.grouped(today.limit)} tokens today"
            percent, exhausted = min(100, today.used * 100 // today.limit), today.exhausted
        # Only what changed is sent.
        if (self.usage_text, self.usage_percent, self.usage_exhausted) != (text, percent, exhausted):
            self.usage_text, self.usage_percent, self.usage_exhausted = text, percent, exhausted

    async def _refresh(self, actor: Actor) -> None:
        self._show(await read_usage(actor))


PER_USER_STATES.append(QuotaState)
