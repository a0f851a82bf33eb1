"""moving users from the Flask version: Supabase user ids, imported rows, password reset links

- users.supabase_id: the Supabase Auth user an account signs in as; for imported users,
  the old profiles.id (the same Supabase id). A unique index, not a constraint, so SQLite
  adds it without rebuilding the users table.
- legacy_imports: each row of the old database already imported, so a second run of
  `import-legacy` imports nothing twice.
- password_resets: one-time links (only their SHA-256 is kept) by which imported users
  set a password.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supabase_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_supabase_id"), ["supabase_id"], unique=True)

    op.create_table(
        "legacy_imports",
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=128), nullable=False),
        sa.Column("local_id", sa.Uuid(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "source_key"),
    )
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_resets_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_resets_user_id"))
    op.drop_table("password_resets")
    op.drop_table("legacy_imports")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_supabase_id"))
        batch_op.drop_column("supabase_id")
