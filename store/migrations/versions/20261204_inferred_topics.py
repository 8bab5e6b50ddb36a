"""programme and profile: Förderbereich topics inferred from plain words; topics a member removed

Revision ID: 20261204_inferred_topics
Revises: 20261204_web_sessions
Create Date: 2026-12-04 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (every revision imports it, as autogenerate needs)
from alembic import op

revision: str = "20261204_inferred_topics"
down_revision: str | None = "20261204_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.add_column(sa.Column("inferred_topics", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("profile") as batch:
        batch.add_column(sa.Column("inferred_topics", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("excluded_topics", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("excluded_topics")
        batch.drop_column("inferred_topics")
    with op.batch_alter_table("programme") as batch:
        batch.drop_column("inferred_topics")
