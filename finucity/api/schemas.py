"""Request and response bodies of the REST API (they make /openapi.json)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CategoryName = Literal["general", "income_tax", "gst", "investment", "business", "insurance"]


class ErrorResponse(BaseModel):
    success: Literal[False] = False
    error: str = Field(description="What went wrong, safe to show a user.")
    field: str | None = Field(default=None, description="The input at fault, when one is.")
    request_id: str | None = None


# Every API route may answer these; documented once for all of them.
ERROR_RESPONSES: dict[int | str, dict] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 422, 429)
}


class Ok(BaseModel):
    success: Literal[True] = True


# --- auth ----------------------------------------------------------------------------


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    full_name: str = Field(max_length=300)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class ResetPasswordRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    token: str = Field(max_length=200)
    password: str = Field(max_length=1024)


Theme = Literal["system", "light", "dark"]


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str
    first_name: str
    role: str
    created_at: str
    theme: Theme = Field(default="system", description="Colour theme of the apps; `system` follows the device.")


class AuthResponse(BaseModel):
    success: Literal[True] = True
    user: UserOut
    csrf_token: str | None = Field(
        default=None, description="Send as X-CSRF-Token on state-changing requests made with the cookie."
    )


# --- API tokens --------------------------------------------------------------------------


class TokenCreateRequest(BaseModel):
    name: str = Field(max_length=200)


class TokenOut(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None


class TokenCreated(BaseModel):
    success: Literal[True] = True
    token: TokenOut
    secret: str = Field(description="The token itself. Shown once; store it now.")


class TokenList(BaseModel):
    success: Literal[True] = True
    tokens: list[TokenOut]


# --- chat ------------------------------------------------------------------------------------


class SendMessageRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: str = Field(description="The question, 1 to 10,000 characters.")
    conversation_id: str | None = Field(default=None, description="Continue this conversation; omit to start one.")
    category: str | None = Field(
        default=None, description="general, income_tax, gst, investment, business or insurance; general detects it."
    )


class SendMessageResponse(BaseModel):
    success: Literal[True] = True
    response: str = Field(
        description="The answer in Markdown. A calculator's result is in it as a ```finucity-calc fenced block "
        "of JSON, also given parsed in `calculations`."
    )
    conversation_id: str
    message_id: str
    category: str
    title: str
    response_time_ms: int
    status: str
    cached: bool = Field(default=False, description="Answered from the answer cache: no model call, no tokens.")
    calculations: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Each calculator result in the answer: inputs, figures, working, table, the rule set and date.",
    )


class ConversationItem(BaseModel):
    id: str
    title: str
    category: str
    created_at: str
    updated_at: str
    message_count: int
    preview: str


class ConversationList(BaseModel):
    success: Literal[True] = True
    conversations: list[ConversationItem]
    next_cursor: str | None


class ConversationOut(BaseModel):
    id: str
    title: str
    category: str
    created_at: str
    updated_at: str


class MessageOut(BaseModel):
    id: str
    role: str
    content: str
    status: str
    category: str
    created_at: str
    error: str | None = None
    cached: bool = Field(default=False, description="An answer given from the answer cache.")


class ConversationDetailResponse(BaseModel):
    success: Literal[True] = True
    conversation: ConversationOut
    messages: list[MessageOut]


class RenameRequest(BaseModel):
    title: str = Field(max_length=500)


class ConversationResponse(BaseModel):
    success: Literal[True] = True
    conversation: ConversationOut


# --- feedback on answers -------------------------------------------------------------------


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rating: Literal["up", "down"] | None = Field(description='"up", "down", or null to clear the rating.')
    comment: str | None = Field(
        default=None,
        max_length=4000,
        description="With a thumbs down only: what was wrong, one paragraph of up to 1,000 characters.",
    )


class FeedbackOut(BaseModel):
    message_id: str
    rating: Literal["up", "down"]
    comment: str | None
    created_at: str
    updated_at: str


class FeedbackResponse(BaseModel):
    success: Literal[True] = True
    feedback: FeedbackOut | None = Field(description="The stored feedback; null once cleared.")


class PreferencesRequest(BaseModel):
    theme: Theme | None = Field(description="`light`, `dark`, or `system` (or null) to follow the device.")


class PreferencesResponse(BaseModel):
    success: Literal[True] = True
    theme: Theme


class DeleteAccountRequest(BaseModel):
    password: str = Field(max_length=1024)


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded", "down"]
    # Can serve (what /health/ready answers): the database, and Redis when configured.
    ready: bool
    database: str
    ai_service: str
    redis: str
    version: str
