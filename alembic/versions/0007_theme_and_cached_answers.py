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


# Plain ALTER TABLE, not batch mode: a batch rebuild of messages on SQLite would drop
# its full-text search triggers (0004). SQLite adds and (3.35+) drops columns in place.
def upgrade() -> None:
    op.add_column("users", sa.Column("theme", sa.String(length=8), nullable=True))
    op.add_column("messages", sa.Column("cached", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("messages", "cached")
    op.drop_column("users", "theme")
