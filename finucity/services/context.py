"""Who is acting, and the one door every write goes through.

Every service function takes an `Actor`: the signed-in user (or none), where
the request came from, and through which door (ui, api, cli). Every write runs
inside `unit_of_work(actor)`, whose `audit()` records what happened in the same
transaction, so an audit row exists exactly when the change does.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession

from finucity import db
from finucity.models import AuditLog, Role, utcnow
from finucity.services.errors import AuthenticationError, PermissionDenied, Unavailable

# The database is down or unreachable (not a bad query): say so, as a 503.
DATABASE_DOWN = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)

Channel = Literal["ui", "api", "cli", "system"]


@dataclasses.dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID | None = None
    email: str | None = None
    role: str = Role.user.value
    ip: str | None = None
    user_agent: str | None = None
    channel: Channel = "system"
    request_id: str | None = None
    # The API token the request was signed with, if any (the usage ledger keys usage by it).
    api_token_id: uuid.UUID | None = None
    # The user's own daily token quota as read with the user for this request
    # (services/quota.py), when `quota_known`: no second read before a question
    # when no limit applies.
    daily_token_quota: int | None = None
    quota_known: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return self.is_authenticated and self.role == Role.admin.value

    def require_user(self) -> uuid.UUID:
        if self.user_id is None:
            raise AuthenticationError("Please sign in to continue.")
        return self.user_id

    def require_admin(self) -> uuid.UUID:
        user_id = self.require_user()
        if not self.is_admin:
            raise PermissionDenied("Administrators only.")
        return user_id

    @classmethod
    def anonymous(
        cls,
        *,
        ip: str | None = None,
        user_agent: str | None = None,
        channel: Channel = "system",
        request_id: str | None = None,
    ) -> Actor:
        return cls(ip=ip, user_agent=user_agent, channel=channel, request_id=request_id)

    def as_user(self, user) -> Actor:
        """The same request, now acting as `user` (after sign-in)."""
        return dataclasses.replace(
            self,
            user_id=user.id,
            email=user.email,
            role=user.role,
            daily_token_quota=user.daily_token_quota,
            quota_known=True,
        )


class UnitOfWork:
    def __init__(self, session: AsyncSession, actor: Actor):
        self.session = session
        self.actor = actor

    def audit(self, action: str, *, target_type: str | None = None, target_id: Any = None, **details: Any) -> None:
        details = {k: v for k, v in details.items() if v is not None}
        details.setdefault("channel", self.actor.channel)
        if self.actor.request_id:
            details.setdefault("request_id", self.actor.request_id)
        self.session.add(
            AuditLog(
                actor_id=self.actor.user_id,
                actor_email=self.actor.email,
                action=action,
                target_type=target_type,
                target_id=str(target_id) if target_id is not None else None,
                details=details,
                ip=self.actor.ip,
                created_at=utcnow(),
            )
        )


@asynccontextmanager
async def unit_of_work(actor: Actor) -> AsyncIterator[UnitOfWork]:
    """A transaction: committed when the block ends, rolled back on error."""
    try:
        async with db.session_scope() as session:
            uow = UnitOfWork(session, actor)
            try:
                yield uow
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
    except DATABASE_DOWN as exc:
        raise Unavailable() from exc


@asynccontextmanager
async def read_only() -> AsyncIterator[AsyncSession]:
    try:
        async with db.session_scope() as session:
            yield session
    except DATABASE_DOWN as exc:
        raise Unavailable() from exc
