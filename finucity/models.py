"""The tables. Plain SQLModel classes; Alembic owns the schema (alembic/versions).

Times are timezone-aware UTC everywhere: `UTCDateTime` stores them naive-UTC
where the database has no time zone type (SQLite) and always hands back
aware datetimes, so comparisons never mix naive and aware values.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _time(*, nullable: bool = False, index: bool = False, default=None) -> Any:
    kwargs: dict[str, Any] = {"sa_type": UTCDateTime, "nullable": nullable, "index": index}
    if default is not None:
        kwargs["default_factory"] = default
    else:
        kwargs["default"] = None
    return Field(**kwargs)


class Role(str, enum.Enum):
    user = "user"
    admin = "admin"


class MessageRole(str, enum.Enum):
    user = "user"
    assistant = "assistant"


class MessageStatus(str, enum.Enum):
    complete = "complete"
    streaming = "streaming"
    failed = "failed"
    stopped = "stopped"


class Category(str, enum.Enum):
    general = "general"
    income_tax = "income_tax"
    gst = "gst"
    investment = "investment"
    business = "business"
    insurance = "insurance"


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    first_name: str = Field(default="", max_length=100)
    full_name: str = Field(default="", max_length=200)
    role: str = Field(default=Role.user.value, max_length=16)
    is_active: bool = Field(default=True)
    created_at: datetime = _time(default=utcnow)
    last_login_at: datetime | None = _time(nullable=True)
    # Tokens (prompt + completion) a day; None: the default from settings.
    daily_token_quota: int | None = None
    # The Supabase Auth user this account signs in as (and the Flask version's
    # profiles.id for imported users); None: signs in with a password here only.
    supabase_id: uuid.UUID | None = Field(default=None, index=True, unique=True)
    # "light", "dark" or None (follow the device's prefers-color-scheme).
    theme: str | None = Field(default=None, max_length=8)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin.value


class UserSession(SQLModel, table=True):
    """A server-side sign-in. Only the SHA-256 of the cookie token is kept."""

    __tablename__ = "sessions"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = _time(default=utcnow)
    expires_at: datetime = _time(default=utcnow)
    last_seen_at: datetime = _time(default=utcnow)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
    revoked_at: datetime | None = _time(nullable=True)


class ApiToken(SQLModel, table=True):
    """A personal API token for `Authorization: Bearer ...`, stored hashed."""

    __tablename__ = "api_tokens"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    # The first characters, so a user can tell their tokens apart.
    prefix: str = Field(max_length=16)
    created_at: datetime = _time(default=utcnow)
    last_used_at: datetime | None = _time(nullable=True)
    revoked_at: datetime | None = _time(nullable=True)


class Conversation(SQLModel, table=True):
    __tablename__ = "conversations"
    __table_args__ = (
        sa.Index("ix_conversations_user_updated", "user_id", sa.text("updated_at DESC")),
        # Every user's conversations, newest first (the admin area's list).
        sa.Index("ix_conversations_updated", "updated_at", "id"),
        # Conversations started in a period, by category (the admin overview). Category is
        # only INCLUDEd (PostgreSQL): as a key column, PostgreSQL used this index for
        # "category = gst" and read every gst conversation's last status (1.3 s) instead of
        # walking ix_conversations_updated newest first until the page was full.
        sa.Index("ix_conversations_created", "created_at", postgresql_include=["category"]),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    title: str = Field(max_length=200)
    category: str = Field(default=Category.general.value, max_length=32)
    created_at: datetime = _time(default=utcnow)
    updated_at: datetime = _time(default=utcnow)


_STREAMING_ONLY = sa.text("status = 'streaming'")


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        sa.Index("ix_messages_conversation_created", "conversation_id", "created_at"),
        # Messages by day (the admin overview).
        sa.Index("ix_messages_created", "created_at"),
        # One answer at a time per conversation, enforced by the database so
        # two sends at once (double click, two tabs, two workers) cannot both start.
        sa.Index(
            "uq_messages_one_streaming",
            "conversation_id",
            unique=True,
            sqlite_where=_STREAMING_ONLY,
            postgresql_where=_STREAMING_ONLY,
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    conversation_id: uuid.UUID = Field(foreign_key="conversations.id", ondelete="CASCADE")
    role: str = Field(max_length=16)
    content: str = Field(default="", sa_type=sa.Text)
    status: str = Field(default=MessageStatus.complete.value, max_length=16)
    category: str = Field(default=Category.general.value, max_length=32)
    model: str | None = Field(default=None, max_length=100)
    tokens_in: int | None = None
    tokens_out: int | None = None
    # From the start of the generation: to the first text, and to the end.
    first_token_ms: int | None = None
    latency_ms: int | None = None
    error: str | None = Field(default=None, max_length=300)
    # Served from the answer cache rather than generated (admins and metrics count it).
    cached: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = _time(default=utcnow)
    # Heartbeat of a streaming answer: lets any worker tell a live generation
    # from one whose worker died.
    updated_at: datetime = _time(default=utcnow)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: uuid.UUID | None = Field(default=None, index=True)
    actor_email: str | None = Field(default=None, max_length=254)
    action: str = Field(max_length=64, index=True)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: str | None = Field(default=None, max_length=64)
    details: dict = Field(default_factory=dict, sa_type=sa.JSON)
    ip: str | None = Field(default=None, max_length=64)
    created_at: datetime = _time(default=utcnow, index=True)


class Rating(str, enum.Enum):
    up = "up"
    down = "down"


class MessageFeedback(SQLModel, table=True):
    """A user's thumbs up or down on one answer, with an optional comment. One per answer."""

    __tablename__ = "message_feedback"

    message_id: uuid.UUID = Field(foreign_key="messages.id", primary_key=True, ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    rating: str = Field(max_length=8)
    comment: str | None = Field(default=None, max_length=1000)
    created_at: datetime = _time(default=utcnow)
    updated_at: datetime = _time(default=utcnow, index=True)


class UsageLedger(SQLModel, table=True):
    """What was asked and spent, per UTC day, user, model, channel and category.

    Written by services/usage_ledger.py in the same transaction as the question or the
    answer's final save, and never lowered: deleting or regenerating an answer leaves
    its row here, so quotas and the admin figures count what was spent.
    """

    __tablename__ = "usage_ledger"
    __table_args__ = (sa.Index("ix_usage_ledger_user_day", "user_id", "day"),)

    day: date = Field(primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    model: str = Field(default="", max_length=100, primary_key=True)  # "" when none was recorded
    # "web", "api" (a signed-in browser calling the API), "token:<api token id>", "cli",
    # "system", or "unknown" (rows backfilled from messages written before the ledger).
    channel: str = Field(max_length=64, primary_key=True)
    category: str = Field(max_length=32, primary_key=True)
    questions: int = 0
    answers_complete: int = 0
    answers_stopped: int = 0
    answers_failed: int = 0
    tokens_in: int = Field(default=0, sa_type=sa.BigInteger)
    tokens_out: int = Field(default=0, sa_type=sa.BigInteger)


class UsageCounter(SQLModel, table=True):
    """Counts per UTC day that need no user: latency histograms and failure reasons.

    metric "first_token" and "answer" (complete answers only): `key` is a histogram
    bucket (services/usage_ledger.py); metric "failure": `key` is the error shown.
    """

    __tablename__ = "usage_counters"

    # Keyed metric first: the overview reads a few metrics over a range of days.
    metric: str = Field(max_length=16, primary_key=True)
    day: date = Field(primary_key=True)
    key: str = Field(max_length=300, primary_key=True)
    n: int = Field(default=0, sa_type=sa.BigInteger)


class PasswordReset(SQLModel, table=True):
    """A one-time link to set a password. Only the SHA-256 of its token is kept."""

    __tablename__ = "password_resets"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _time(default=utcnow)
    expires_at: datetime = _time(default=utcnow)
    used_at: datetime | None = _time(nullable=True)


class LegacyImport(SQLModel, table=True):
    """A row of the Flask version's database already imported, and what it became.

    source: "profiles" (key: the old profile id -> user), "chat_sessions"
    (user id:session id -> conversation) or "chat_queries" (row id -> conversation)."""

    __tablename__ = "legacy_imports"

    source: str = Field(max_length=32, primary_key=True)
    source_key: str = Field(max_length=128, primary_key=True)
    local_id: uuid.UUID
    imported_at: datetime = _time(default=utcnow)


# Search indexes, made by migration 0004 for one database each and so outside this metadata:
# FTS5 tables on SQLite (with the shadow tables FTS5 keeps beside each, <name>_data,
# <name>_idx, ...) and trigram GIN indexes on PostgreSQL. Schema comparisons (autogenerate,
# tests/test_migrations.py) skip exactly these names, deliberately.
SEARCH_FTS_TABLES = ("messages_fts", "conversations_fts")
SEARCH_TRGM_INDEXES = ("ix_messages_content_trgm", "ix_conversations_title_trgm")


def is_search_index(name: str | None) -> bool:
    if not name:
        return False
    return name in SEARCH_TRGM_INDEXES or any(name == t or name.startswith(f"{t}_") for t in SEARCH_FTS_TABLES)
