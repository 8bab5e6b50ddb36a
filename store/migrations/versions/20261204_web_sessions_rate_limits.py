"""staff session version and shared rate-limit state

Revision ID: 20261204_web_sessions
Revises: 20261204_mail_retry
Create Date: 2026-12-04 16:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision: str = "20261204_web_sessions"
down_revision: str | None = "20261204_mail_retry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staffuser") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "ratelimitstate",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_started_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("ratelimitstate") as batch:
        batch.create_index(batch.f("ix_ratelimitstate_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ratelimitstate") as batch:
        batch.drop_index(batch.f("ix_ratelimitstate_updated_at"))
    op.drop_table("ratelimitstate")
    with op.batch_alter_table("staffuser") as batch:
        batch.drop_column("session_version")
