"""`import-legacy`: the Flask version's `profiles` and `chat_queries`, moved over once.

The old database is a real PostgreSQL database that each test fills with the old
tables (as the spec's database section has them, without Supabase's auth schema);
the new one is SQLite or PostgreSQL, like every service test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import select

from finucity.models import Conversation, Message, User
from finucity.services import accounts, legacy_import, password_resets
from finucity.services.context import Actor, read_only
from tests.conftest import POSTGRES_ADMIN_URL

pytestmark = pytest.mark.postgres

OLD_SCHEMA = """
CREATE TABLE profiles (
    id UUID PRIMARY KEY,
    email TEXT UNIQUE NOT NULL,
    first_name TEXT,
    full_name TEXT,
    role TEXT DEFAULT 'user',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE TABLE chat_queries (
    id BIGSERIAL PRIMARY KEY,
    user_id UUID NOT NULL,
    session_id TEXT NOT NULL,
    question TEXT NOT NULL,
    response TEXT,
    category TEXT DEFAULT 'general',
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
"""

ASHA, RAVI, MEERA, NOBODY = (uuid.uuid4() for _ in range(4))
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


class OldDatabase:
    def __init__(self, url: str):
        self.url = url

    def run(self, sql: str, *args) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql, args or None)

    def profile(self, user_id, email, full_name, role="user") -> None:
        self.run(
            "INSERT INTO profiles (id, email, first_name, full_name, role, created_at) VALUES (%s, %s, %s, %s, %s, %s)",
            user_id,
            email,
            full_name.split()[0],
            full_name,
            role,
            T0 - timedelta(days=30),
        )

    def query(self, user_id, session_id, question, response, category="general", minutes=0) -> None:
        at = T0 + timedelta(minutes=minutes)
        self.run(
            "INSERT INTO chat_queries (user_id, session_id, question, response, category, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            user_id,
            session_id,
            question,
            response,
            category,
            at,
            at + timedelta(seconds=4),
        )


@pytest.fixture
def old_db(postgres_url) -> Iterator[OldDatabase]:
    name = f"legacy_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    old = OldDatabase(f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
    old.run(OLD_SCHEMA)
    yield old
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fill(old: OldDatabase) -> None:
    old.profile(ASHA, "asha@example.com", "Asha Verma")
    old.profile(RAVI, "Ravi.Kumar@Example.com", "Ravi Kumar")  # already has an account here
    old.profile(MEERA, "meera@example.com", "Meera Iyer", role="admin")
    old.profile(uuid.uuid4(), "not an email", "Broken Row")
    old.query(ASHA, "s1", "How is my salary taxed?", "Under the new regime...", "income-tax", minutes=0)
    old.query(ASHA, "s1", "And with 80C?", "80C applies only in the old regime.", "income-tax", minutes=2)
    old.query(ASHA, "s2", "GST on a laptop?", None, "gst", minutes=60)  # the old site saved no answer
    old.query(RAVI, "r1", "What is a SIP?", "A systematic investment plan...", "Investment", minutes=5)
    old.query(MEERA, "m1", "Term insurance cover?", "About 10-15 times income.", "something-old", minutes=7)
    old.query(NOBODY, "x1", "Orphan question", "Orphan answer", minutes=9)
    old.query(ASHA, "s3", "   ", "An answer to nothing", minutes=11)


async def _transcript(email: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    async with read_only() as session:
        user = await session.scalar(select(User).where(User.email == email))
        conversations = await session.scalars(
            select(Conversation).where(Conversation.user_id == user.id).order_by(Conversation.created_at)
        )
        result = []
        for conversation in conversations:
            messages = await session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.created_at, Message.role.desc())
            )
            result.append(
                (conversation.category, [(m.role, m.content, m.status) for m in messages]),
            )
        return result


async def test_profiles_and_questions_become_users_and_conversations_once(database, old_db, people):
    _fill(old_db)
    existing, _ = await people.user("ravi.kumar@example.com", name="Ravi K")

    report = await legacy_import.import_legacy(old_db.url, batch=2)

    assert (report.users_created, report.users_linked) == (2, 1)
    assert (report.conversations, report.questions) == (4, 5)
    assert report.skipped == {
        "profile without a valid email": 1,
        "question of a user with no imported profile": 1,
        "empty or unreadable question": 1,
    }
    assert report.old_admins == ["meera@example.com"]

    asha = await _transcript("asha@example.com")
    assert asha == [
        (
            "income_tax",
            [
                ("user", "How is my salary taxed?", "complete"),
                ("assistant", "Under the new regime...", "complete"),
                ("user", "And with 80C?", "complete"),
                ("assistant", "80C applies only in the old regime.", "complete"),
            ],
        ),
        ("gst", [("user", "GST on a laptop?", "complete"), ("assistant", "", "failed")]),
    ]
    assert (await _transcript("ravi.kumar@example.com"))[0][0] == "investment"
    assert (await _transcript("meera@example.com"))[0][0] == "insurance"  # unknown category: detected

    async with read_only() as session:
        meera = await session.scalar(select(User).where(User.email == "meera@example.com"))
        ravi = await session.get(User, existing.id)
    assert meera.role == "user"  # the old role column is not trusted
    assert meera.supabase_id == MEERA and ravi.supabase_id == RAVI
    assert ravi.password_hash == existing.password_hash  # an existing account keeps its password

    again = await legacy_import.import_legacy(old_db.url)
    assert (again.users_created, again.users_linked, again.conversations, again.questions) == (0, 0, 0, 0)
    assert again.already_imported == 3 + 5

    # The old site took one more question in an old chat: only it is added, to that chat.
    old_db.query(ASHA, "s2", "What about a phone?", "18% as well.", "gst", minutes=90)
    later = await legacy_import.import_legacy(old_db.url)
    assert (later.conversations, later.questions) == (0, 1)
    gst_chat = (await _transcript("asha@example.com"))[1][1]
    assert gst_chat[-2:] == [("user", "What about a phone?", "complete"), ("assistant", "18% as well.", "complete")]


async def test_an_imported_user_signs_in_only_after_setting_a_password_by_link(database, old_db):
    _fill(old_db)
    report = await legacy_import.import_legacy(old_db.url)
    async with read_only() as session:
        asha = await session.scalar(select(User).where(User.email == "asha@example.com"))
    assert asha.id in report.new_users

    with pytest.raises(accounts.AuthenticationError):
        await accounts.sign_in(Actor(channel="api"), email="asha@example.com", password=legacy_import.NO_PASSWORD)

    link = await password_resets.issue_reset_link(Actor(channel="cli"), asha.id, base_url="https://finucity.in/")
    assert link.startswith("https://finucity.in/reset-password?token=")
    token = link.split("token=", 1)[1]
    await password_resets.reset_password(Actor(channel="api"), token=token, password="a brand new passphrase")
    signed_in = await accounts.sign_in(
        Actor(channel="api"), email="asha@example.com", password="a brand new passphrase"
    )
    assert signed_in.user.id == asha.id

    with pytest.raises(password_resets.ValidationError, match="not valid any more"):
        await password_resets.reset_password(Actor(channel="api"), token=token, password="yet another passphrase")


async def test_a_bad_address_for_the_old_database_is_a_clear_error(database):
    with pytest.raises(legacy_import.ValidationError, match="PostgreSQL URL"):
        await legacy_import.import_legacy("mysql://old-host/finucity")
    with pytest.raises(legacy_import.ServiceError, match="Could not connect"):
        await legacy_import.import_legacy("postgresql://postgres@127.0.0.1:1/nothing")
