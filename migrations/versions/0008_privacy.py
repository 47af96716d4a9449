"""privacy: consents' versions and withdrawals, the purge's marks, deletion requests (issue 6)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 01:30:00.000000

`call_sessions` gains the chat-transcript consent's version and time, and when the caller
withdrew the transcript or recording consent during the call. `reservations` and
`queue_contacts` gain `personal_data_purged_at`: the purge cleared their personal fields and
kept the rows for statistics. `deletion_requests` queues a citizen's request to delete their
data for staff. Two indexes serve the statistics' date ranges. Every column change adds or
drops a nullable column, which both databases do in place (`ALTER TABLE ... ADD/DROP COLUMN`,
SQLite 3.35+): no batch rebuild, because on SQLite rebuilding `reservations` or
`queue_contacts` drops the old table under `PRAGMA foreign_keys=ON` and would cascade-delete
their call sessions (see 0007).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import signdesk.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, signdesk.db.UTCDateTime(timezone=True), nullable=True)


_COLUMNS = (
    ("call_sessions", "transcript_consent_version"),
    ("call_sessions", "transcript_consent_at"),
    ("call_sessions", "transcript_withdrawn_at"),
    ("call_sessions", "recording_withdrawn_at"),
    ("reservations", "personal_data_purged_at"),
    ("queue_contacts", "personal_data_purged_at"),
)


def upgrade() -> None:
    for table, column in _COLUMNS:
        if column == "transcript_consent_version":
            op.add_column(table, sa.Column(column, sa.String(length=40), nullable=True))
        else:
            op.add_column(table, _when(column))
    op.create_table(
        "deletion_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="open", nullable=False),
        sa.Column("handled_at", signdesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_by_account_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'refused')", name="ck_deletion_requests_status"
        ),
        sa.ForeignKeyConstraint(["reservation_id"], ["reservations.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["handled_by_account_id"], ["accounts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deletion_requests_reservation_id", "deletion_requests", ["reservation_id"])
    op.create_index("ix_deletion_requests_requested_at", "deletion_requests", ["requested_at"])
    # The statistics page (issue 6) filters these by date range.
    op.create_index("ix_presence_events_at", "presence_events", ["at"])
    op.create_index("ix_survey_answers_answered_at", "survey_answers", ["answered_at"])


def downgrade() -> None:
    op.drop_index("ix_survey_answers_answered_at", table_name="survey_answers")
    op.drop_index("ix_presence_events_at", table_name="presence_events")
    op.drop_index("ix_deletion_requests_requested_at", table_name="deletion_requests")
    op.drop_index("ix_deletion_requests_reservation_id", table_name="deletion_requests")
    op.drop_table("deletion_requests")
    for table, column in reversed(_COLUMNS):
        # In place on both databases (Alembic's SQLite dialect would rebuild the table).
        op.execute(sa.text(f'ALTER TABLE "{table}" DROP COLUMN "{column}"'))
