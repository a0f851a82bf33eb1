"""Users for the admin area: list, one user's usage, role, active, daily token quota.

Two rules protect the admins themselves: nobody demotes or deactivates their
own account, and the last active admin is never removed. The second is checked
after the change, inside the transaction, with every active admin's row locked
first (in id order, so two admins demoting each other wait instead of deadlocking):
whatever runs at the same time, the database never commits a state without one.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from finucity.models import ApiToken, Conversation, Role, User, UserSession, utcnow
from finucity.services import search, session_tabs
from finucity.services.admin import conversations as admin_conversations
from finucity.services.admin import usage
from finucity.services.admin.guard import require_admin
from finucity.services.admin.query import (
    decode_cursor,
    encode_cursor,
    one_of,
    optional_flag,
    page_size,
    parse_time,
    period,
    reading,
)
from finucity.services.admin.usage import DayUsage, ModelUsage, UsageDay
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.conversations import parse_id
from finucity.services.errors import Conflict, NotFound, ValidationError
from finucity.services.validation import optional_line

USER_NOT_FOUND = "User not found"
ROLES = tuple(r.value for r in Role)
MAX_QUOTA = 1_000_000_000
RECENT_CONVERSATIONS = 20
_UNSET: object = object()


@dataclasses.dataclass
class AdminUserRow:
    id: str
    email: str
    full_name: str
    role: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    conversation_count: int
    daily_token_quota: int | None  # None: the default from settings; 0: no limit


@dataclasses.dataclass
class AdminUserPage:
    items: list[AdminUserRow]
    next_cursor: str | None


@dataclasses.dataclass
class AdminUserDetail:
    user: AdminUserRow
    days: int
    usage_by_day: list[UsageDay]  # every day of the period, zeros included, oldest first
    usage_by_model: list[ModelUsage]
    # By channel: `model` holds the channel's label ("Web app", "API token ci-bot (fin_ab12…)").
    # Usage from before the ledger existed is under "Not recorded (before the ledger)".
    usage_by_channel: list[ModelUsage]
    recent_conversations: list[admin_conversations.AdminConversationRow]  # newest 20
    # Per day (days without any left out), oldest first: by model, and by channel.
    usage_by_day_and_model: list[DayUsage] = dataclasses.field(default_factory=list)
    usage_by_day_and_channel: list[DayUsage] = dataclasses.field(default_factory=list)


_CONVERSATION_COUNT = (
    select(func.count(Conversation.id)).where(Conversation.user_id == User.id).correlate(User).scalar_subquery()
)


def _row(user: User, conversation_count: int) -> AdminUserRow:
    return AdminUserRow(
        id=str(user.id),
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        is_active=user.is_active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        conversation_count=conversation_count or 0,
        daily_token_quota=user.daily_token_quota,
    )


async def _get_row(session: AsyncSession, user_id: uuid.UUID) -> AdminUserRow:
    found = (await session.execute(select(User, _CONVERSATION_COUNT).where(User.id == user_id))).first()
    if found is None:
        raise NotFound(USER_NOT_FOUND)
    return _row(*found)


# --- reading ----------------------------------------------------------------------------------


async def list_users(
    actor: Actor,
    *,
    q: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: int = 25,
) -> AdminUserPage:
    """Users, newest first; `q` looks in emails and names."""
    require_admin(actor)
    limit = page_size(limit)
    where = []
    if text := optional_line(q, field="q", label="the search", max_length=254):
        where.append(or_(search.contains(User.email, text), search.contains(User.full_name, text)))
    if role := one_of(role, ROLES, field="role"):
        where.append(User.role == role)
    if (active := optional_flag(active, field="active")) is not None:
        where.append(User.is_active.is_(active))
    if cursor:
        after, ident = decode_cursor(cursor, "users", key=parse_time, ident=uuid.UUID)
        where.append(or_(User.created_at < after, and_(User.created_at == after, User.id < ident)))
    stmt = (
        select(User, _CONVERSATION_COUNT)
        .where(*where)
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(limit + 1)
    )
    async with read_only() as session:
        rows = (await session.execute(stmt)).all()
    items = [_row(user, count) for user, count in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor("users", items[-1].created_at, uuid.UUID(items[-1].id))
    return AdminUserPage(items=items, next_cursor=next_cursor)


async def get_user(actor: Actor, user_id: object, *, days: int = 30) -> AdminUserDetail:
    """One user with their usage over the last `days` (7, 30 or 90) UTC days."""
    require_admin(actor)
    ident = parse_id(user_id, what=USER_NOT_FOUND)
    span = period(days)
    async with reading() as session:
        row = await _get_row(session, ident)
        by_day = await usage.by_day(session, span, ident)
        day_model = await usage.by_day_and_model(session, span, ident)
        day_channel = await usage.by_day_and_channel(session, span, ident)
    recent = await admin_conversations.list_conversations(
        actor, admin_conversations.ConversationFilters(user=str(ident)), limit=RECENT_CONVERSATIONS
    )
    return AdminUserDetail(
        user=row,
        days=span.days,
        usage_by_day=by_day,
        usage_by_model=usage.totals(day_model),
        usage_by_channel=usage.totals(day_channel),
        recent_conversations=recent.items,
        usage_by_day_and_model=day_model,
        usage_by_day_and_channel=day_channel,
    )


# --- changing ------------------------------------------------------------------------------------


def _quota(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUOTA:
        raise ValidationError(
            f"Give a whole number of tokens from 0 (no limit) to {MAX_QUOTA:,}, or none for the default.",
            field="daily_token_quota",
        )
    return value


async def update_user(
    actor: Actor, user_id: object, *, role: object = _UNSET, active: object = _UNSET, quota: object = _UNSET
) -> AdminUserRow:
    """Change any of role, active and quota in one transaction, each change audited
    (admin.user.role, admin.user.active, admin.user.quota). Deactivating revokes every
    session and API token of the user at once: their next request is signed out."""
    admin_id = require_admin(actor)
    ident = parse_id(user_id, what=USER_NOT_FOUND)
    changes: dict[str, object] = {}
    if role is not _UNSET:
        if one_of(role, ROLES, field="role") is None:
            raise ValidationError("Choose user or admin.", field="role")
        changes["role"] = role
    if active is not _UNSET:
        if optional_flag(active, field="is_active") is None:
            raise ValidationError("Use true or false.", field="is_active")
        changes["is_active"] = active
    if quota is not _UNSET:
        changes["daily_token_quota"] = _quota(quota)
    async with unit_of_work(actor) as uow:
        session = uow.session
        # Lock every active admin (in id order) before reading anything we decide on.
        await session.execute(select(User.id).where(*_ACTIVE_ADMIN).order_by(User.id).with_for_update())
        user = await session.scalar(select(User).where(User.id == ident).with_for_update())
        if user is None:
            raise NotFound(USER_NOT_FOUND)
        changed = {name: value for name, value in changes.items() if getattr(user, name) != value}
        # The field of a change that takes an admin away, if one does.
        demoted, deactivated = changed.get("role") == Role.user.value, changed.get("is_active") is False
        removing = "role" if demoted else "is_active" if deactivated else None
        if removing and ident == admin_id:
            raise Conflict("You cannot demote or deactivate your own account.", field=removing)
        for name, value in changed.items():
            old = getattr(user, name)
            uow.audit(_ACTIONS[name], target_type="user", target_id=ident, email=user.email, old=old, new=value)
            setattr(user, name, value)
        await session.flush()
        ended: list[uuid.UUID] = []
        if deactivated:
            ended = await _revoke_access(session, ident)
        if removing and not await session.scalar(select(func.count(User.id)).where(*_ACTIVE_ADMIN)):
            raise Conflict("This is the last active admin; make another admin first.", field=removing)
        row = await _get_row(session, ident)
    # Their open tabs go to the sign-in page now, not at their next click.
    await session_tabs.sessions_ended(ended)
    return row


_ACTIVE_ADMIN = (User.role == Role.admin.value, User.is_active.is_(True))
_ACTIONS = {"role": "admin.user.role", "is_active": "admin.user.active", "daily_token_quota": "admin.user.quota"}


async def _revoke_access(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    """End every session and API token of the user; the ids of the sessions ended."""
    now = utcnow()
    ended = await session.scalars(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(UserSession.id)
    )
    ended_ids = list(ended.all())
    await session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    return ended_ids


async def set_role(actor: Actor, user_id: object, role: str) -> AdminUserRow:
    """ "user" or "admin"; not your own demotion, never the last active admin."""
    return await update_user(actor, user_id, role=role)


async def set_active(actor: Actor, user_id: object, active: bool) -> AdminUserRow:
    """Deactivating ends every session and API token of the user at once; not yourself,
    never the last active admin. Reactivating lets them sign in again (old tokens stay revoked)."""
    return await update_user(actor, user_id, active=active)


async def set_quota(actor: Actor, user_id: object, quota: int | None) -> AdminUserRow:
    """Tokens a day: None for the default from settings, 0 for no limit."""
    return await update_user(actor, user_id, quota=quota)
