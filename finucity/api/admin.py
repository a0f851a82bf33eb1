"""The admin API: JSON twins of the admin pages, thin over finucity.services.admin.

Every route depends on `admin_actor`, which asks the service layer's guard, so
the rule lives in one place: 401 signed out, 403 for anyone but an admin, and
before any input is looked at (a non-admin learns nothing from a 422).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from finucity.api.admin_schemas import (
    AdminConversationList,
    AdminConversationOut,
    AdminTranscriptResponse,
    AdminUserDetailResponse,
    AdminUserList,
    AdminUserOut,
    AdminUserResponse,
    AuditEntryOut,
    AuditList,
    ConversationSort,
    ConversationStatus,
    DayCount,
    DeleteConversationsRequest,
    DeletedResponse,
    Feedback,
    LabelCount,
    ModelUsageOut,
    OverviewResponse,
    RoleName,
    UserUpdateRequest,
)
from finucity.api.deps import current_actor
from finucity.api.schemas import Ok
from finucity.models import utcnow
from finucity.services import admin
from finucity.services.context import Actor

router = APIRouter(prefix="/admin", tags=["admin"])

EXPORT_MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CURSOR = Query(None, max_length=300, description="`next_cursor` of the previous page.")


async def admin_actor(actor: Actor = Depends(current_actor)) -> Actor:
    admin.require_admin(actor)
    return actor


def conversation_filters(
    q: str | None = Query(None, max_length=200, description="Text in a title or any message."),
    user: str | None = Query(None, max_length=254, description="A user id, or part of an email."),
    category: str | None = Query(None, max_length=40),
    status: ConversationStatus | None = Query(None, description="The last answer's status."),
    feedback: Feedback | None = Query(None, description="Has a thumbs up, a thumbs down, or any rating."),
    since: date | None = Query(None, description="Last active on or after this UTC day."),
    until: date | None = Query(None, description="Last active on or before this UTC day."),
    sort: ConversationSort = Query("recent", description="By last activity, or by number of messages."),
) -> admin.ConversationFilters:
    return admin.ConversationFilters(
        q=q, user=user, category=category, status=status, feedback=feedback, since=since, until=until, sort=sort
    )


# --- conversations -------------------------------------------------------------------------------


@router.get("/conversations", response_model=AdminConversationList)
async def list_conversations(
    actor: Actor = Depends(admin_actor),
    filters: admin.ConversationFilters = Depends(conversation_filters),
    cursor: str | None = CURSOR,
    limit: int = Query(25, ge=1, le=100),
):
    """Every user's conversations, a page at a time."""
    page = await admin.list_conversations(actor, filters, cursor=cursor, limit=limit)
    return AdminConversationList(
        conversations=[AdminConversationOut.model_validate(row) for row in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/conversations/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            },
            "description": "The filtered conversations: CSV, one row each, or JSON with their messages.",
        }
    },
)
async def export_conversations(
    actor: Actor = Depends(admin_actor),
    filters: admin.ConversationFilters = Depends(conversation_filters),
    format: Literal["csv", "json"] = Query("csv"),
):
    """Download the filtered conversations, streamed as they are read."""
    chunks = admin.export_conversations(actor, filters, format)
    # The first chunk comes after every check and the audit row: a refusal is still a JSON error.
    first = await anext(chunks)

    async def body() -> AsyncIterator[str]:
        yield first
        async for chunk in chunks:
            yield chunk

    filename = f"finucity-conversations-{utcnow():%Y%m%d-%H%M}.{format}"
    return StreamingResponse(
        body(),
        media_type=EXPORT_MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/conversations/{conversation_id}", response_model=AdminTranscriptResponse)
async def read_transcript(conversation_id: str, actor: Actor = Depends(admin_actor)):
    """A conversation with every message's model, tokens, timings, status and rating. Audited."""
    return AdminTranscriptResponse.model_validate(await admin.read_transcript(actor, conversation_id))


@router.delete("/conversations/{conversation_id}", response_model=Ok)
async def delete_conversation(conversation_id: str, actor: Actor = Depends(admin_actor)):
    """Delete a conversation for everyone, its owner included; an answer still being written ends."""
    await admin.delete_conversation(actor, conversation_id)
    return Ok()


@router.post("/conversations/delete", response_model=DeletedResponse)
async def delete_conversations(body: DeleteConversationsRequest, actor: Actor = Depends(admin_actor)):
    """Delete a selection of conversations; ids already gone are skipped."""
    return DeletedResponse(deleted=await admin.delete_conversations(actor, body.ids))


# --- users ----------------------------------------------------------------------------------------


@router.get("/users", response_model=AdminUserList)
async def list_users(
    actor: Actor = Depends(admin_actor),
    q: str | None = Query(None, max_length=254, description="Part of an email or a name."),
    role: RoleName | None = None,
    active: bool | None = None,
    cursor: str | None = CURSOR,
    limit: int = Query(25, ge=1, le=100),
):
    page = await admin.list_users(actor, q=q, role=role, active=active, cursor=cursor, limit=limit)
    return AdminUserList(users=[AdminUserOut.model_validate(u) for u in page.items], next_cursor=page.next_cursor)


@router.get("/users/{user_id}", response_model=AdminUserDetailResponse)
async def get_user(user_id: str, actor: Actor = Depends(admin_actor), days: int = Query(30, description="7, 30 or 90")):
    """A user with their usage per UTC day and per model over the period, and their newest conversations."""
    return AdminUserDetailResponse.model_validate(await admin.get_user(actor, user_id, days=days))


@router.patch("/users/{user_id}", response_model=AdminUserResponse)
async def update_user(user_id: str, body: UserUpdateRequest, actor: Actor = Depends(admin_actor)):
    """Change the role, active flag or daily token quota, all or nothing. Deactivating signs the user
    out everywhere at once; nobody demotes or deactivates themself; one active admin always remains."""
    names = {"role": "role", "is_active": "active", "daily_token_quota": "quota"}
    changes = {names[field]: getattr(body, field) for field in body.model_fields_set}
    return AdminUserResponse(user=AdminUserOut.model_validate(await admin.update_user(actor, user_id, **changes)))


# --- stats and audit ---------------------------------------------------------------------------------


@router.get("/stats", response_model=OverviewResponse)
async def stats(actor: Actor = Depends(admin_actor), days: int = Query(30, description="7, 30 or 90")):
    """The overview of the last `days` UTC days, every figure from the database."""
    o = await admin.overview(actor, days)

    def days_of(pairs):
        return [DayCount(day=day, count=n) for day, n in pairs]

    def labels_of(pairs):
        return [LabelCount(label=label, count=n) for label, n in pairs]

    return OverviewResponse(
        days=o.days,
        has_data=o.has_data,
        messages_per_day=days_of(o.messages_per_day),
        active_users_per_day=days_of(o.active_users_per_day),
        conversations_by_category=labels_of(o.conversations_by_category),
        answers_by_status=labels_of(o.answers_by_status),
        first_token_p50_ms=o.first_token_p50_ms,
        first_token_p95_ms=o.first_token_p95_ms,
        answer_p50_ms=o.answer_p50_ms,
        answer_p95_ms=o.answer_p95_ms,
        tokens_by_model=[ModelUsageOut.model_validate(m) for m in o.tokens_by_model],
        thumbs_up=o.thumbs_up,
        thumbs_down=o.thumbs_down,
        failure_reasons=labels_of(o.failure_reasons),
    )


@router.get("/audit", response_model=AuditList)
async def audit(
    actor: Actor = Depends(admin_actor),
    actor_email: str | None = Query(None, max_length=254, description="Part of the actor's email."),
    action: str | None = Query(None, max_length=64, description='An action, or its start: "admin."'),
    target: str | None = Query(None, max_length=100, description='A target id or type, or "type:id".'),
    since: date | None = None,
    until: date | None = None,
    cursor: str | None = CURSOR,
    limit: int = Query(50, ge=1, le=100),
):
    """The audit log, newest first."""
    page = await admin.list_audit(
        actor,
        actor_email=actor_email,
        action=action,
        target=target,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
    return AuditList(entries=[AuditEntryOut.model_validate(e) for e in page.items], next_cursor=page.next_cursor)
