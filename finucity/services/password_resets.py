"""Password reset links: how imported users (and, later, anyone) set a password.

A link carries a random token; only its SHA-256 is stored, with an expiry. It
works once: using it sets the password, ends every session of the account
(whoever held them) and is audited. An unknown, used or expired token gets
the same answer, so a link tells an attacker nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select, update

from finucity.models import PasswordReset, User, UserSession, utcnow
from finucity.services import accounts, security, session_tabs
from finucity.services.context import Actor, unit_of_work
from finucity.services.errors import ValidationError

RESET_PATH = "/reset-password"
INVALID_LINK = "This reset link is not valid any more. Ask for a new one."


async def issue_reset_link(actor: Actor, user_id: uuid.UUID, *, base_url: str, days: int = 14) -> str:
    """A new link for `user_id`, valid for `days`; earlier unused links stay valid until they expire."""
    secret = security.new_session_token()
    async with unit_of_work(actor) as uow:
        uow.session.add(
            PasswordReset(
                user_id=user_id, token_hash=security.hash_token(secret), expires_at=utcnow() + timedelta(days=days)
            )
        )
        uow.audit("auth.reset_link_issued", target_type="user", target_id=user_id, days=days)
    return f"{base_url.rstrip('/')}{RESET_PATH}?token={quote(secret)}"


async def reset_password(actor: Actor, *, token: object, password: object) -> User:
    """Set the password of the account the link belongs to, and use the link up."""
    new_password = accounts.validate_password(password)
    if not isinstance(token, str) or not token or len(token) > 200:
        raise ValidationError(INVALID_LINK, field="token")
    password_hash = await security.hash_password(new_password)
    now = utcnow()
    async with unit_of_work(actor) as uow:
        reset = await uow.session.scalar(
            select(PasswordReset).where(PasswordReset.token_hash == security.hash_token(token)).with_for_update()
        )
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise ValidationError(INVALID_LINK, field="token")
        user = await uow.session.get(User, reset.user_id)
        if user is None or not user.is_active:
            raise ValidationError(INVALID_LINK, field="token")
        reset.used_at = now
        user.password_hash = password_hash
        ended = await uow.session.scalars(
            update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(UserSession.id)
        )
        ended_ids = list(ended.all())
        uow.audit("auth.password_reset", target_type="user", target_id=user.id)
    await session_tabs.sessions_ended(ended_ids)
    return user
