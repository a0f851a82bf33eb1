"""search indexes: trigram FTS5 tables on SQLite, trigram GIN indexes on PostgreSQL

Search keeps its meaning (a case-insensitive substring of a title or a message) and gets an
index on each database, so it stays fast across every user's conversations:

- SQLite: FTS5 tables with the trigram tokenizer over messages.content and
  conversations.title, external content (the text is not stored twice), kept in step by
  triggers. They are keyed by the tables' implicit rowid, which SQLite renumbers when a table
  is rebuilt: a later migration that rebuilds `messages` or `conversations` (batch mode)
  loses these triggers with the old table and must create them again and run
  `INSERT INTO <table>_fts(<table>_fts) VALUES('rebuild')`, as below.
  tests/test_migrations.py checks the triggers are there at head.
- PostgreSQL: pg_trgm GIN indexes, which serve ILIKE '%...%' itself, and
  finucity_search_messages(pattern, cap): up to `cap` conversation ids of messages
  matching `pattern`, always read through the index. ILIKE costs far more per row (about
  6 us on UTF-8 text) than the planner assumes, so left to itself it scans the whole table
  when it expects many hits, or when the table is small; the function turns sequential
  scans off for its one query.

None of this is in the SQLModel metadata; finucity.models.is_search_index names it for
the schema comparisons.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column): one FTS table and three triggers each on SQLite, one GIN index on PostgreSQL.
INDEXED = (("messages", "content"), ("conversations", "title"))


def _sqlite_up(table: str, column: str) -> list[str]:
    fts = f"{table}_fts"
    delete = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.rowid, old.{column});"
    insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.rowid, new.{column});"
    return [
        # case_sensitive 0 is the default; spelled out because search relies on it.
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='rowid', "
        "tokenize='trigram case_sensitive 0')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        # Only when the text changes: a streaming answer's heartbeat does not re-index it.
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _sqlite_down(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"DROP TRIGGER IF EXISTS {fts}_update",
        f"DROP TRIGGER IF EXISTS {fts}_delete",
        f"DROP TRIGGER IF EXISTS {fts}_insert",
        f"DROP TABLE IF EXISTS {fts}",
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, column in INDEXED:
            for statement in _sqlite_up(table, column):
                op.execute(statement)
    elif dialect == "postgresql":
        # A trusted extension since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in INDEXED:
            op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)")
        op.execute(
            "CREATE FUNCTION finucity_search_messages(pattern text, cap integer) RETURNS SETOF uuid "
            "LANGUAGE sql STABLE SET enable_seqscan = off "
            "AS $$ SELECT conversation_id FROM messages WHERE content ILIKE pattern LIMIT cap $$"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, _ in INDEXED:
            for statement in _sqlite_down(table):
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS finucity_search_messages(text, integer)")
        for table, column in INDEXED:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
        # pg_trgm stays: an extension belongs to the database, and something else may use it.
