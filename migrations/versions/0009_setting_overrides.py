"""setting overrides: run-time settings an admin changed at /admin/settings (issue 6)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 02:00:00.000000

One row per changed setting (`signdesk.settings.RuntimeSettings`: the retention periods and the
purge's interval), its value as text, when and by whom. The downgrade drops the table: the
environment's values apply again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import signdesk.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "setting_overrides",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("updated_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_account_id"], ["accounts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("setting_overrides")
