"""Daily token quotas: how much of the model a user may use per UTC day.

A day's usage is the prompt and completion tokens of the user's answers
started since 00:00 UTC, as the provider reported them, read from the usage
ledger (services/usage_ledger.py): it counts each answer's tokens when the answer
ends and keeps them, so deleting a conversation or replacing an answer with
Regenerate does not give the tokens back. The limit is the user's own
`daily_token_quota` (set in the admin area), else DEFAULT_DAILY_TOKEN_QUOTA;
0 means no limit. The offline assistant costs nothing, so it is never limited
and its answers never count.

What this cannot see: an answer still being written has no token count until
it ends.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import bindparam, func, select

from finucity.config import get_settings
from finucity.finance.money import format_inr
from finucity.models import UsageLedger, User, utcnow
from finucity.services.ai.factory import get_provider
from finucity.services.ai.offline import OfflineProvider
from finucity.services.context import Actor, read_only
from finucity.services.errors import QuotaExceeded

IST = timezone(timedelta(hours=5, minutes=30), "IST")


@dataclasses.dataclass(frozen=True)
class QuotaUsage:
    used: int
    # None: no limit applies (none set, or the offline assistant answers).
    limit: int | None
    resets_at: datetime

    @property
    def exhausted(self) -> bool:
        return self.limit is not None and self.used >= self.limit


def day_of(now: datetime) -> tuple[datetime, datetime]:
    """The UTC day holding `now`: its start and the next midnight."""
    start = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def grouped(number: int) -> str:
    """12345 -> "12,345"; 1234567 -> "12,34,567" (Indian grouping)."""
    return format_inr(number, symbol=False)


def effective_limit(user_quota: int | None) -> int | None:
    """The limit that applies to a user with this quota (None: no limit)."""
    if get_provider().offline:
        return None
    limit = get_settings().default_daily_token_quota if user_quota is None else user_quota
    return limit if limit > 0 else None


async def usage(actor: Actor, *, now: datetime | None = None) -> QuotaUsage:
    """The caller's tokens today against their limit."""
    user_id = actor.require_user()
    start, resets_at = day_of(now or utcnow())
    async with read_only() as session:
        row = (await session.execute(_usage_statement(), {"day": start.date(), "user_id": user_id})).first()
    user_quota, used = row if row is not None else (None, 0)
    return QuotaUsage(used=int(used or 0), limit=effective_limit(user_quota), resets_at=resets_at)


@functools.cache
def _usage_statement():
    """The user's limit and the day's spend in one round trip (this runs before every
    question), built once: building it cost more than running it."""
    spent = (
        select(func.coalesce(func.sum(UsageLedger.tokens_in + UsageLedger.tokens_out), 0))
        .where(
            UsageLedger.day == bindparam("day"),
            UsageLedger.user_id == bindparam("user_id"),
            # The offline assistant's estimates are not spent tokens.
            UsageLedger.model != OfflineProvider.model,
        )
        .scalar_subquery()
    )
    return select(User.daily_token_quota, spent).where(User.id == bindparam("user_id"))


async def check_quota(actor: Actor, *, now: datetime | None = None) -> None:
    """Raise QuotaExceeded when the caller's tokens for today are used up."""
    if get_provider().offline:
        return
    if actor.quota_known and effective_limit(actor.daily_token_quota) is None:
        return  # no limit for this user: nothing to read (the common case, before every question)
    now = now or utcnow()
    today = await usage(actor, now=now)
    if not today.exhausted:
        return
    assert today.limit is not None
    resets = today.resets_at
    raise QuotaExceeded(
        f"Your daily limit of {grouped(today.limit)} tokens is used up. "
        f"It resets at {resets.astimezone(IST):%H:%M} IST ({resets:%H:%M} UTC).",
        retry_after=math.ceil((resets - now).total_seconds()),
    )
