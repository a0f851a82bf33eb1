"""Moving users and their history from the Flask version's database.

The old schema (see the spec's database section) has `profiles` (one row per
Supabase user: id, email, names, role) and `chat_queries` (one question and
its answer per row, grouped into chats by `session_id`). Each profile becomes
a user (or is linked to the user who already has that email), each
(user, session_id) a conversation, and each row a question with its answer.

- Idempotent: every imported row is remembered in `legacy_imports` by its old
  key, so a second run imports nothing twice, and a run after the old site
  took more questions adds just those (to the conversation they belong to).
- In batches, by primary key: memory stays flat however large the old tables.
- Imported users have no password here: they set one through a reset link
  (`password_resets.issue_reset_links`) or sign in with Supabase Auth, which
  finds them by their Supabase user id (the old `profiles.id`).
- Roles are not carried over: the old `role` column was whatever the old site
  let be written there. Admins are listed in the report, to be made again
  with `create-user --admin` or the admin area.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import dict_row
from sqlalchemy import select

from finucity.models import (
    Conversation,
    LegacyImport,
    Message,
    MessageRole,
    MessageStatus,
    User,
    utcnow,
)
from finucity.services import accounts
from finucity.services.ai.categories import detect_category, parse_category
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.conversations import make_title
from finucity.services.errors import ServiceError, ValidationError
from finucity.services.validation import is_encodable

# A password hash no password matches (see security.verify_password).
NO_PASSWORD = "!imported: set a password through a reset link"
NO_ANSWER = "No answer was saved for this question in the earlier version of Finucity."
BATCH = 500


@dataclasses.dataclass
class ImportReport:
    users_created: int = 0
    users_linked: int = 0
    conversations: int = 0
    questions: int = 0
    already_imported: int = 0
    skipped: Counter = dataclasses.field(default_factory=Counter)  # reason -> rows
    old_admins: list[str] = dataclasses.field(default_factory=list)
    new_users: list[uuid.UUID] = dataclasses.field(default_factory=list)


def _source_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if not url.startswith("postgresql"):
        raise ValidationError("The old database must be a PostgreSQL URL (postgresql://...).", field="from_url")
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return utcnow()
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def import_legacy(
    from_url: str, *, batch: int = BATCH, progress: Callable[[str, int], Awaitable[None] | None] | None = None
) -> ImportReport:
    """Import everything not imported yet from the old database at `from_url`."""
    report = ImportReport()
    actor = Actor(channel="cli")
    try:
        source = await psycopg.AsyncConnection.connect(_source_url(from_url), row_factory=dict_row)
    except psycopg.Error as exc:
        raise ServiceError(f"Could not connect to the old database: {exc.__class__.__name__}") from None
    async with source:
        await source.set_read_only(True)
        await _import_profiles(source, actor, report, batch, progress)
        await _import_queries(source, actor, report, batch, progress)
    return report


# --- profiles -> users --------------------------------------------------------------------------


async def _import_profiles(source, actor, report, batch, progress) -> None:
    last = ""
    while True:
        cursor = await source.execute(
            "SELECT id::text AS id, email, first_name, full_name, role, created_at FROM profiles"
            " WHERE id::text > %s ORDER BY id::text LIMIT %s",
            (last, batch),
        )
        rows = await cursor.fetchall()
        if not rows:
            return
        last = rows[-1]["id"]
        async with unit_of_work(actor) as uow:
            known = await _known(uow.session, "profiles", [row["id"] for row in rows])
            for row in rows:
                if row["id"] in known:
                    report.already_imported += 1
                    continue
                await _import_profile(uow, row, report)
        if progress:
            await _call(progress, "users", report.users_created + report.users_linked)


async def _import_profile(uow, row: dict, report: ImportReport) -> None:
    try:
        email = accounts.normalize_email(row["email"] or "")
    except ValidationError:
        report.skipped["profile without a valid email"] += 1
        return
    supabase_id = uuid.UUID(row["id"])
    user = await uow.session.scalar(select(User).where(User.email == email))
    if user is None:
        full_name = accounts.clean_name(row["full_name"] or row["first_name"] or email.split("@")[0])
        user = User(
            email=email,
            password_hash=NO_PASSWORD,
            full_name=full_name,
            first_name=(row["first_name"] or full_name.split(" ")[0])[:100],
            created_at=_utc(row["created_at"]),
            supabase_id=supabase_id,
        )
        uow.session.add(user)
        await uow.session.flush()
        report.users_created += 1
        report.new_users.append(user.id)
    else:
        if user.supabase_id is None:
            user.supabase_id = supabase_id
        report.users_linked += 1
    if (row["role"] or "").strip().lower() == "admin":
        report.old_admins.append(email)
    uow.session.add(LegacyImport(source="profiles", source_key=row["id"], local_id=user.id))
    uow.audit("legacy.user_imported", target_type="user", target_id=user.id, email=email)


# --- chat_queries -> conversations and messages --------------------------------------------------


async def _import_queries(source, actor, report, batch, progress) -> None:
    last = 0
    while True:
        cursor = await source.execute(
            "SELECT id, user_id::text AS user_id, session_id, question, response, category, created_at, updated_at"
            " FROM chat_queries WHERE id > %s ORDER BY id LIMIT %s",
            (last, batch),
        )
        rows = await cursor.fetchall()
        if not rows:
            return
        last = rows[-1]["id"]
        async with unit_of_work(actor) as uow:
            await _import_query_batch(uow, rows, report)
        if progress:
            await _call(progress, "questions", report.questions)


async def _import_query_batch(uow, rows: list[dict], report: ImportReport) -> None:
    session = uow.session
    done = await _known(session, "chat_queries", [str(row["id"]) for row in rows])
    users = await _known(session, "profiles", list({row["user_id"] for row in rows}))
    chats = await _known(session, "chat_sessions", list({_chat_key(row) for row in rows}))
    for row in rows:
        if str(row["id"]) in done:
            report.already_imported += 1
            continue
        user_id = users.get(row["user_id"])
        if user_id is None:
            report.skipped["question of a user with no imported profile"] += 1
            continue
        question = (row["question"] or "").strip()
        if not question or not is_encodable(question) or "\x00" in question:
            report.skipped["empty or unreadable question"] += 1
            continue
        asked_at = _utc(row["created_at"])
        conversation_id = chats.get(_chat_key(row))
        if conversation_id is None:
            conversation = Conversation(
                user_id=user_id,
                title=make_title(question),
                category=_category(row["category"], question).value,
                created_at=asked_at,
                updated_at=asked_at,
            )
            session.add(conversation)
            await session.flush()
            conversation_id = chats[_chat_key(row)] = conversation.id
            session.add(LegacyImport(source="chat_sessions", source_key=_chat_key(row), local_id=conversation.id))
            report.conversations += 1
        await _add_turn(session, conversation_id, row, question, asked_at)
        session.add(LegacyImport(source="chat_queries", source_key=str(row["id"]), local_id=conversation_id))
        report.questions += 1


async def _add_turn(session, conversation_id: uuid.UUID, row: dict, question: str, asked_at: datetime) -> None:
    category = _category(row["category"], question).value
    answer = (row["response"] or "").replace("\x00", "")
    answered = bool(answer.strip()) and is_encodable(answer)
    answered_at = max(_utc(row["updated_at"] or row["created_at"]), asked_at + timedelta(milliseconds=1))
    session.add(
        Message(
            conversation_id=conversation_id,
            role=MessageRole.user.value,
            content=question,
            category=category,
            created_at=asked_at,
            updated_at=asked_at,
        )
    )
    session.add(
        Message(
            conversation_id=conversation_id,
            role=MessageRole.assistant.value,
            content=answer if answered else "",
            status=MessageStatus.complete.value if answered else MessageStatus.failed.value,
            error=None if answered else NO_ANSWER,
            category=category,
            model="finucity-flask",
            created_at=answered_at,
            updated_at=answered_at,
        )
    )
    conversation = await session.get(Conversation, conversation_id)
    if conversation.updated_at < answered_at:
        conversation.updated_at = answered_at


def _chat_key(row: dict) -> str:
    return f"{row['user_id']}:{row['session_id'] or row['id']}"[:128]


def _category(value, question: str):
    try:
        return parse_category(value)
    except ValidationError:
        return detect_category(question)


async def _known(session, source: str, keys: list[str]) -> dict[str, uuid.UUID]:
    if not keys:
        return {}
    rows = await session.execute(
        select(LegacyImport.source_key, LegacyImport.local_id).where(
            LegacyImport.source == source, LegacyImport.source_key.in_(keys)
        )
    )
    return dict(rows.all())


async def _call(progress, what: str, count: int) -> None:
    result = progress(what, count)
    if result is not None:
        await result


async def imported_users_without_password() -> list[User]:
    async with read_only() as session:
        rows = await session.scalars(select(User).where(User.password_hash == NO_PASSWORD).order_by(User.email))
        return list(rows)
