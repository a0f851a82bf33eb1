"""Request and response bodies of the admin API (/api/admin/...).

The response models read the admin services' dataclasses directly
(`from_attributes`), so a field added there is one line here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from finucity.services.admin.users import MAX_QUOTA

ConversationStatus = Literal["complete", "stopped", "failed", "streaming"]
Feedback = Literal["up", "down", "any"]
ConversationSort = Literal["recent", "oldest", "longest", "shortest"]
RoleName = Literal["user", "admin"]


class _FromService(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- conversations ------------------------------------------------------------------------------


class AdminConversationOut(_FromService):
    id: str
    user_id: str
    user_email: str
    user_name: str
    title: str
    category: str
    last_status: str = Field(description='The last answer\'s status; "" when the conversation has no answer.')
    message_count: int
    thumbs_up: int
    thumbs_down: int
    created_at: datetime
    updated_at: datetime


class AdminConversationList(BaseModel):
    success: Literal[True] = True
    conversations: list[AdminConversationOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")


class AdminMessageOut(_FromService):
    id: str
    role: str
    content: str
    status: str
    error: str | None
    created_at: datetime
    model: str | None
    tokens_in: int | None
    tokens_out: int | None
    first_token_ms: int | None
    latency_ms: int | None
    rating: str | None
    comment: str | None
    cached: bool = Field(default=False, description="Given from the answer cache: no model call, no tokens.")


class AdminTranscriptResponse(_FromService):
    success: Literal[True] = True
    conversation: AdminConversationOut
    messages: list[AdminMessageOut]


class DeleteConversationsRequest(BaseModel):
    ids: list[str] = Field(max_length=100, description="Conversation ids, at most 100.")


class DeletedResponse(BaseModel):
    success: Literal[True] = True
    deleted: int = Field(description="How many of the conversations existed and are now gone.")


# --- users --------------------------------------------------------------------------------------


class AdminUserOut(_FromService):
    id: str
    email: str
    full_name: str
    role: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    conversation_count: int
    daily_token_quota: int | None = Field(description="Tokens a day; null: the default; 0: no limit.")


class AdminUserList(BaseModel):
    success: Literal[True] = True
    users: list[AdminUserOut]
    next_cursor: str | None


class UsageDayOut(_FromService):
    day: date
    messages: int
    tokens_in: int
    tokens_out: int


class ModelUsageOut(_FromService):
    model: str
    answers: int
    tokens_in: int
    tokens_out: int


class AdminUserDetailResponse(_FromService):
    success: Literal[True] = True
    user: AdminUserOut
    days: int
    usage_by_day: list[UsageDayOut]
    usage_by_model: list[ModelUsageOut]
    usage_by_channel: list[ModelUsageOut]
    recent_conversations: list[AdminConversationOut]


class UserUpdateRequest(BaseModel):
    """Only the fields sent change; `daily_token_quota: null` goes back to the default."""

    role: RoleName | None = None
    is_active: bool | None = None
    daily_token_quota: int | None = Field(default=None, ge=0, le=MAX_QUOTA)


class AdminUserResponse(BaseModel):
    success: Literal[True] = True
    user: AdminUserOut


# --- stats and audit ------------------------------------------------------------------------------


class DayCount(BaseModel):
    day: str = Field(description="A UTC day, YYYY-MM-DD.")
    count: int


class LabelCount(BaseModel):
    label: str
    count: int


class OverviewResponse(BaseModel):
    success: Literal[True] = True
    days: int
    has_data: bool = Field(description="False when the period holds no message: nothing to chart.")
    messages_per_day: list[DayCount]
    active_users_per_day: list[DayCount]
    conversations_by_category: list[LabelCount]
    answers_by_status: list[LabelCount]
    first_token_p50_ms: int | None
    first_token_p95_ms: int | None
    answer_p50_ms: int | None
    answer_p95_ms: int | None
    tokens_by_model: list[ModelUsageOut]
    thumbs_up: int
    thumbs_down: int
    failure_reasons: list[LabelCount]


class AuditEntryOut(_FromService):
    id: int
    created_at: datetime
    actor_email: str | None
    action: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    ip: str | None


class AuditList(BaseModel):
    success: Literal[True] = True
    entries: list[AuditEntryOut]
    next_cursor: str | None
