"""digest sends: stored next attempt time after a temporary failure

Revision ID: 20261204_mail_retry
Revises: sources
Create Date: 2026-12-04 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "20261204_mail_retry"
down_revision: str | None = "sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digestsend", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", store.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_digestsend_next_attempt_at"), ["next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("digestsend", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digestsend_next_attempt_at"))
        batch_op.drop_column("next_attempt_at")
