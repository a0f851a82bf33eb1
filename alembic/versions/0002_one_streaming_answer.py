"""one streaming answer per conversation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 23:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STREAMING_ONLY = sa.text("status = 'streaming'")


def upgrade() -> None:
    # Answers left streaming by a crashed worker would block the index: fail them.
    op.execute(
        "UPDATE messages SET status = 'failed', error = 'The answer was interrupted before it finished. Please retry.' "
        "WHERE status = 'streaming'"
    )
    op.create_index(
        "uq_messages_one_streaming",
        "messages",
        ["conversation_id"],
        unique=True,
        sqlite_where=STREAMING_ONLY,
        postgresql_where=STREAMING_ONLY,
    )


def downgrade() -> None:
    op.drop_index("uq_messages_one_streaming", table_name="messages")
