"""One Alembic history builds the schema from empty on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from finucity import db
from finucity.config import normalize_database_url
from finucity.models import Conversation, Message, User, is_search_index, utcnow
from finucity.services.search import conversation_matches
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_available

EXPECTED_TABLES = {
    "users",
    "sessions",
    "api_tokens",
    "conversations",
    "messages",
    "message_feedback",
    "audit_log",
    "alembic_version",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not _postgres_available():
        pytest.skip("PostgreSQL is not reachable")
    name = f"finucity_migrate_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(normalize_database_url(url, asynchronous=False))
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_builds_every_table_and_downgrade_removes_them(empty_database):
    db.upgrade(empty_database)
    assert _tables(empty_database) >= EXPECTED_TABLES
    db.downgrade(empty_database, "base")
    assert _tables(empty_database) <= {"alembic_version"}
    db.upgrade(empty_database)  # and back up again: the history is repeatable
    assert _tables(empty_database) >= EXPECTED_TABLES


def test_the_models_match_the_migrations(empty_database):
    """No model change without a migration (expression indexes are compared by name)."""
    db.upgrade(empty_database)
    engine = sa.create_engine(normalize_database_url(empty_database, asynchronous=False))
    try:
        with engine.connect() as connection:
            # The search indexes (FTS5 tables on SQLite, trigram indexes on PostgreSQL) are made by
            # migration 0004 alone and are not in the models: skipped on purpose, by name.
            opts = {"include_name": lambda name, type_, _parents: not is_search_index(name)}
            diff = compare_metadata(MigrationContext.configure(connection, opts=opts), SQLModel.metadata)
    finally:
        engine.dispose()
    # SQLite reflects the DESC expression index as plain columns; the name is what matters.
    meaningful = [
        d for d in diff if not (d[0] in ("add_index", "remove_index") and d[1].name == "ix_conversations_user_updated")
    ]
    assert meaningful == []


def test_the_stamp_is_at_head(empty_database):
    from alembic.script import ScriptDirectory

    db.upgrade(empty_database)
    engine = sa.create_engine(normalize_database_url(empty_database, asynchronous=False))
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    assert current == ScriptDirectory.from_config(db.alembic_config(empty_database)).get_current_head()


SEARCH_TRIGGERS = {
    f"{table}_fts_{event}" for table in ("messages", "conversations") for event in ("insert", "update", "delete")
}


def test_the_search_indexes_are_in_place_at_head(empty_database):
    """A later migration that rebuilds messages or conversations on SQLite (batch mode) drops
    the FTS triggers with the old table: this notices."""
    db.upgrade(empty_database)
    engine = sa.create_engine(normalize_database_url(empty_database, asynchronous=False))
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                names = set(
                    connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
                )
                assert names >= SEARCH_TRIGGERS
                connection.exec_driver_sql("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
            else:
                inspector = sa.inspect(connection)
                names = {i["name"] for table in ("messages", "conversations") for i in inspector.get_indexes(table)}
                assert names >= {"ix_messages_content_trgm", "ix_conversations_title_trgm"}
    finally:
        engine.dispose()


def _insert_at_old_revision(model, row: dict) -> tuple:
    """An insert of exactly these columns: the model's table would add columns (with
    defaults) that later migrations create."""
    table = sa.table(model.__tablename__, *(sa.column(name, model.__table__.c[name].type) for name in row))
    return sa.insert(table), [row]


def test_upgrading_indexes_the_conversations_already_there(empty_database):
    db.upgrade(empty_database, "0003")
    engine = sa.create_engine(normalize_database_url(empty_database, asynchronous=False))
    now = utcnow()
    user, conversation = uuid.uuid4(), uuid.uuid4()
    try:
        with engine.begin() as connection:
            connection.execute(
                *_insert_at_old_revision(
                    User,
                    {
                        "id": user,
                        "email": "old@example.com",
                        "password_hash": "!",
                        "first_name": "",
                        "full_name": "",
                        "role": "user",
                        "is_active": True,
                        "created_at": now,
                    },
                )
            )
            connection.execute(
                *_insert_at_old_revision(
                    Conversation,
                    {
                        "id": conversation,
                        "user_id": user,
                        "title": "Old ULIP chat",
                        "category": "insurance",
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            )
            connection.execute(
                *_insert_at_old_revision(
                    Message,
                    {
                        "id": uuid.uuid4(),
                        "conversation_id": conversation,
                        "role": "user",
                        "content": "Freelancer GST?",
                        "status": "complete",
                        "category": "gst",
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            )
        db.upgrade(empty_database)
        with engine.connect() as connection:
            for q in ("ulip", "freelancer"):
                found = connection.scalars(sa.select(Conversation.id).where(conversation_matches(q))).all()
                assert found == [conversation], q
        db.downgrade(empty_database, "0003")  # and down again with the rows in place
        db.upgrade(empty_database)
    finally:
        engine.dispose()
