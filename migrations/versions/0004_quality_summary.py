"""quality summary: the quality analyzer's summary of each call session (issue 5)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000

One nullable JSON column on `call_sessions`: numbers and hint codes per side and per minute
(`media.quality.summary`), NULL when quality assistance was off. On SQLite the ALTERs run in
batch mode (the table is copied, its named constraints with it), as in 0003. The downgrade drops
the column and the summaries in it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quality_summary", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_sessions", schema=None) as batch_op:
        batch_op.drop_column("quality_summary")
