"""usage ledger: what was asked and spent per day, user, model, channel and category

Two tables the writers add to in the same transaction as the question or the answer they
count (finucity/services/usage_ledger.py), so quotas and the admin overview read a few
thousand rows instead of every message, and deleting an answer no longer hides its tokens:

- usage_ledger: per UTC day, user, model, channel and category: questions, answers by final
  status, prompt and completion tokens;
- usage_counters: per UTC day, the latency histograms (time to first token, whole answer)
  and the failure reasons.

Both are backfilled from the messages already stored (channel "unknown": messages do not
record it). Also an index on conversations (created_at, including category) for the
overview's "conversations by category".

The backfill calls finucity.services.usage_ledger.backfill as it is at this revision; a
later change to these tables' shape must not change what this migration writes (pin it
then, by copying the function here).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_ledger",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("answers_complete", sa.Integer(), nullable=False),
        sa.Column("answers_stopped", sa.Integer(), nullable=False),
        sa.Column("answers_failed", sa.Integer(), nullable=False),
        sa.Column("tokens_in", sa.BigInteger(), nullable=False),
        sa.Column("tokens_out", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("day", "user_id", "model", "channel", "category"),
    )
    with op.batch_alter_table("usage_ledger", schema=None) as batch_op:
        batch_op.create_index("ix_usage_ledger_user_day", ["user_id", "day"], unique=False)
    op.create_table(
        "usage_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "day", "key"),
    )
    # Not batch mode: rebuilding conversations on SQLite would drop 0004's FTS triggers.
    # category INCLUDEd, not a key: as a key PostgreSQL picked this index for the admin list's
    # category filter, a much worse plan (see finucity/models.py).
    op.create_index(
        "ix_conversations_created", "conversations", ["created_at"], unique=False, postgresql_include=["category"]
    )

    from finucity.services.usage_ledger import backfill

    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_conversations_created", table_name="conversations")
    op.drop_table("usage_counters")
    with op.batch_alter_table("usage_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_ledger_user_day")
    op.drop_table("usage_ledger")
