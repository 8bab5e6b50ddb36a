"""programme: yearly deadlines and an expected next window

Revision ID: 20261203_deadlines
Revises: 20261203_rates_changes
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (every revision imports it, as autogenerate needs)
from alembic import op

revision: str = "20261203_deadlines"
down_revision: str | None = "20261203_rates_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.add_column(sa.Column("yearly_deadlines", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("next_window_expected", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.drop_column("next_window_expected")
        batch.drop_column("yearly_deadlines")
