"""recordings: relay-mode recordings of call sessions and the caller's recording consent (issue 5)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:00:00.000000

`recordings` lists each side's finished file (an opaque 128-bit id as its name, under the
configured directory, never a path with personal data). `call_sessions` gains the caller's
separate recording consent: its terms' version and time (NULL: not asked, or declined). The
columns are added and dropped in place (`ALTER TABLE ... ADD/DROP COLUMN`, SQLite 3.35+), never
by a batch rebuild, whose DROP TABLE would cascade to the sessions' chat and records on SQLite.
The downgrade drops both; the files stay on disk for the purge to remove.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import signdesk.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("recording_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("started_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('caller', 'interpreter')", name="ck_recordings_side"),
        sa.CheckConstraint("format IN ('webm', 'mp4')", name="ck_recordings_format"),
        sa.PrimaryKeyConstraint("recording_id"),
    )
    op.create_index("ix_recordings_session_id", "recordings", ["session_id"])
    op.create_index("ix_recordings_ended_at", "recordings", ["ended_at"])
    op.add_column(
        "call_sessions", sa.Column("recording_consent_version", sa.String(length=40), nullable=True)
    )
    op.add_column(
        "call_sessions",
        sa.Column("recording_consent_at", signdesk.db.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for column in ("recording_consent_at", "recording_consent_version"):
        op.execute(sa.text(f'ALTER TABLE "call_sessions" DROP COLUMN "{column}"'))
    op.drop_index("ix_recordings_ended_at", table_name="recordings")
    op.drop_index("ix_recordings_session_id", table_name="recordings")
    op.drop_table("recordings")
