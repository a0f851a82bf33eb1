"""a user's remembered theme, and answers served from the answer cache

- users.theme: "light", "dark" or NULL (follow the device's setting).
- messages.cached: the answer was served from the answer cache, not generated.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme", sa.String(length=8), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cached", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("cached")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("theme")
