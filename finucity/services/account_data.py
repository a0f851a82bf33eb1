"""The user's own data: everything we hold about them, and deleting it all.

Apart from accounts.py (signing in and sessions): these are the privacy
rights a user exercises on their data, which grow with every new table.
"""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import delete, select

from finucity.config import get_settings
from finucity.models import (
    ApiToken,
    Conversation,
    Message,
    MessageFeedback,
    UsageCounter,
    UsageLedger,
    User,
    UserSession,
    utcnow,
)
from finucity.services import ratelimit, security, usage_ledger
from finucity.services.accounts import MAX_PASSWORD
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.errors import NotFound, RateLimited, ValidationError

TOO_MANY_TRIES = "Too many wrong passwords. Please wait a few minutes and try again."


async def export_account(actor: Actor) -> dict:
    """Everything we hold about the caller, as plain JSON-able data."""
    user_id = actor.require_user()
    async with read_only() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound("Account not found")
        conversations = list(
            await session.scalars(
                select(Conversation).where(Conversation.user_id == user_id).order_by(Conversation.created_at)
            )
        )
        messages = list(
            await session.scalars(
                select(Message)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(Conversation.user_id == user_id)
                .order_by(Message.created_at)
            )
        )
        tokens = list(await session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)))
        ratings = list(
            await session.scalars(
                select(MessageFeedback).where(MessageFeedback.user_id == user_id).order_by(MessageFeedback.created_at)
            )
        )
        usage = list(
            await session.scalars(
                select(UsageLedger).where(UsageLedger.user_id == user_id).order_by(UsageLedger.day, UsageLedger.model)
            )
        )
    conversation_of = {m.id: m.conversation_id for m in messages}
    by_conversation: dict[uuid.UUID, list[dict]] = {}
    for m in messages:
        by_conversation.setdefault(m.conversation_id, []).append(
            {
                "id": str(m.id),
                "role": m.role,
                "content": m.content,
                "status": m.status,
                "category": m.category,
                "created_at": m.created_at.isoformat(),
            }
        )
    return {
        "exported_at": utcnow().isoformat(),
        "user": {
            "id": str(user.id),
            "email": user.email,
            "full_name": user.full_name,
            "first_name": user.first_name,
            "role": user.role,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "api_tokens": [
            {
                "id": str(t.id),
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "revoked": t.revoked_at is not None,
            }
            for t in tokens
        ],
        "conversations": [
            {
                "id": str(c.id),
                "title": c.title,
                "category": c.category,
                "created_at": c.created_at.isoformat(),
                "updated_at": c.updated_at.isoformat(),
                "messages": by_conversation.get(c.id, []),
            }
            for c in conversations
        ],
        # The user's ratings of answers, with their comments.
        "feedback": [
            {
                "message_id": str(f.message_id),
                "conversation_id": str(conversation_of[f.message_id]) if f.message_id in conversation_of else None,
                "rating": f.rating,
                "comment": f.comment,
                "created_at": f.created_at.isoformat(),
                "updated_at": f.updated_at.isoformat(),
            }
            for f in ratings
        ],
        # What they asked and spent per UTC day (the usage ledger; kept after answers are deleted).
        "usage": [
            {
                "day": u.day.isoformat(),
                "model": u.model or None,
                "channel": u.channel,
                "category": u.category,
                "questions": u.questions,
                "answers": u.answers_complete + u.answers_stopped + u.answers_failed,
                "tokens_in": u.tokens_in,
                "tokens_out": u.tokens_out,
            }
            for u in usage
        ],
    }


async def delete_account(actor: Actor, *, password: str) -> None:
    """Delete the caller's account and all their data, after re-checking the password."""
    user_id = actor.require_user()
    async with read_only() as session:
        user = await session.get(User, user_id)
    if user is None:
        raise NotFound("Account not found")
    # A session alone must not be enough to guess the password: wrong guesses
    # count like failed sign-ins (LOGIN_LIMIT_ACCOUNT), per account.
    limit, key = get_settings().login_limit_account, str(user_id)
    await ratelimit.check(limit, "delete-account", key, message=TOO_MANY_TRIES)
    if not isinstance(password, str) or not await security.verify_password(user.password_hash, password[:MAX_PASSWORD]):
        with contextlib.suppress(RateLimited):  # the last allowed try still says why it failed
            await ratelimit.hit(limit, "delete-account", key)
        raise ValidationError("The password is not correct.", field="password")
    async with unit_of_work(actor) as uow:
        conversation_ids = select(Conversation.id).where(Conversation.user_id == user_id).scalar_subquery()
        # Explicit deletes: SQLite only cascades with foreign keys on, and the
        # order keeps PostgreSQL's constraints happy either way.
        await uow.session.execute(delete(MessageFeedback).where(MessageFeedback.user_id == user_id))
        await uow.session.execute(delete(UsageLedger).where(UsageLedger.user_id == user_id))
        await uow.session.execute(
            delete(UsageCounter).where(UsageCounter.metric == usage_ledger.ACTIVE, UsageCounter.key == str(user_id))
        )
        await uow.session.execute(delete(Message).where(Message.conversation_id.in_(conversation_ids)))
        await uow.session.execute(delete(Conversation).where(Conversation.user_id == user_id))
        await uow.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        await uow.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
        await uow.session.execute(delete(User).where(User.id == user_id))
        uow.audit("user.delete", target_type="user", target_id=user_id, email=user.email)
