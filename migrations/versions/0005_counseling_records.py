"""counseling records: the interpreter's record of each call session and its category taxonomy

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 00:15:00.000000

`record_categories` is the configurable taxonomy (seeded with the citizen-service areas, Korean and
English labels); `counseling_records` holds at most one record per `call_sessions` row (category,
summary, outcome, agency referred to, follow-up date, who saved it last). A draft may lack the
category and the outcome, so both are nullable; the API checks a complete record's rules.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import signdesk.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OUTCOMES = "outcome IN ('answered', 'referred', 'follow_up', 'could_not_help')"

# (code, label_ko, label_en, position): Seoul 120-style citizen-service areas.
_SEED = [
    ("transport", "교통", "Transport", 10),
    ("welfare", "복지", "Welfare", 20),
    ("housing", "주택", "Housing", 30),
    ("tax", "세금", "Tax", 40),
    ("health", "보건·의료", "Health", 50),
    ("safety", "안전", "Safety", 60),
    ("culture", "문화·관광", "Culture", 70),
    ("other", "기타", "Other", 80),
]


def upgrade() -> None:
    categories = op.create_table(
        "record_categories",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label_ko", sa.String(length=80), nullable=False),
        sa.Column("label_en", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), server_default="100", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.bulk_insert(
        categories,
        [
            {"code": c, "label_ko": ko, "label_en": en, "position": p, "active": True}
            for c, ko, en, p in _SEED
        ],
    )

    op.create_table(
        "counseling_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_session_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.String(length=4000), server_default="", nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("agency", sa.String(length=120), nullable=True),
        sa.Column("follow_up_date", sa.Date(), nullable=True),
        sa.Column("created_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_account_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_OUTCOMES, name="ck_counseling_records_outcome"),
        sa.ForeignKeyConstraint(
            ["call_session_id"],
            ["call_sessions.id"],
            name="fk_counseling_records_call_session_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["record_categories.code"],
            name="fk_counseling_records_category_code",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_account_id"],
            ["accounts.id"],
            name="fk_counseling_records_updated_by_account_id",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_session_id", name="uq_counseling_records_call_session_id"),
    )
    with op.batch_alter_table("counseling_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_counseling_records_category_code", ["category_code"], unique=False
        )
        batch_op.create_index("ix_counseling_records_outcome", ["outcome"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("counseling_records", schema=None) as batch_op:
        batch_op.drop_index("ix_counseling_records_outcome")
        batch_op.drop_index("ix_counseling_records_category_code")
    op.drop_table("counseling_records")
    op.drop_table("record_categories")
