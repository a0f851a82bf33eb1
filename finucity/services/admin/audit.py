"""The audit log, newest first, for the admin area."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from finucity.models import AuditLog
from finucity.services import search
from finucity.services.admin.guard import require_admin
from finucity.services.admin.query import day_bounds, decode_cursor, encode_cursor, page_size, parse_int, parse_time
from finucity.services.context import Actor, read_only
from finucity.services.validation import optional_line


@dataclasses.dataclass
class AuditRow:
    id: int
    created_at: datetime
    actor_email: str | None
    action: str
    target_type: str | None
    target_id: str | None
    details: dict
    ip: str | None


@dataclasses.dataclass
class AuditPage:
    items: list[AuditRow]
    next_cursor: str | None


async def list_audit(
    actor: Actor,
    *,
    actor_email: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: date | None = None,
    until: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> AuditPage:
    """Audit rows, newest first.

    `actor_email`: part of the actor's email. `action`: an action or its start
    ("admin." finds every admin action). `target`: a target id, a target type
    ("user"), or both as "type:id". `since`/`until`: UTC days, both included.
    """
    require_admin(actor)
    limit = page_size(limit)
    where = []
    if email := optional_line(actor_email, field="actor_email", label="the actor's email", max_length=254):
        where.append(search.contains(AuditLog.actor_email, email))
    if prefix := optional_line(action, field="action", label="the action", max_length=64):
        where.append(AuditLog.action.startswith(prefix, autoescape=True))
    if wanted := optional_line(target, field="target", label="the target", max_length=100):
        kind, colon, ident = wanted.partition(":")
        if colon:
            where += [AuditLog.target_type == kind, AuditLog.target_id == ident]
        else:
            where.append((AuditLog.target_id == wanted) | (AuditLog.target_type == wanted))
    start, end = day_bounds(since, until)
    if start is not None:
        where.append(AuditLog.created_at >= start)
    if end is not None:
        where.append(AuditLog.created_at < end)
    if cursor:
        when, ident = decode_cursor(cursor, "audit", key=parse_time, ident=parse_int)
        where.append(or_(AuditLog.created_at < when, and_(AuditLog.created_at == when, AuditLog.id < ident)))
    stmt = select(AuditLog).where(*where).order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit + 1)
    async with read_only() as session:
        rows = list(await session.scalars(stmt))
    items = [
        AuditRow(
            id=row.id,
            created_at=row.created_at,
            actor_email=row.actor_email,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            details=row.details or {},
            ip=row.ip,
        )
        for row in rows[:limit]
    ]
    next_cursor = encode_cursor("audit", items[-1].created_at, items[-1].id) if len(rows) > limit else None
    return AuditPage(items=items, next_cursor=next_cursor)
