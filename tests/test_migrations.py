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
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
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
