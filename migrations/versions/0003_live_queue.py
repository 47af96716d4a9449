"""live queue: walk-in contacts, their tickets and sessions, chat, presence events, surveys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 20:44:56.476797

`call_tickets` and `call_sessions` now belong to a booking or to a walk-in contact (a CHECK holds
exactly one). On SQLite the ALTERs run in batch mode (the table is copied), which is why every
new constraint is named. The downgrade deletes walk-in tickets and sessions first: the old schema
has no place for them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import signdesk.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ONE_OWNER = (
    "(reservation_id IS NOT NULL AND contact_id IS NULL)"
    " OR (reservation_id IS NULL AND contact_id IS NOT NULL)"
)
_SESSION_OWNER = (
    "(kind = 'reserved' AND reservation_id IS NOT NULL AND contact_id IS NULL)"
    " OR (kind = 'walk_in' AND contact_id IS NOT NULL AND reservation_id IS NULL)"
)
_MODES = "mode IN ('video', 'chat')"


def upgrade() -> None:
    op.create_table(
        "queue_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("specialty", sa.String(length=40), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("display_name", sa.String(length=40), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("consent_version", sa.String(length=40), nullable=False),
        sa.Column("consented_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_MODES, name="ck_queue_contacts_mode"),
        sa.ForeignKeyConstraint(["language"], ["sign_languages.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("queue_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_queue_contacts_created_at"), ["created_at"], unique=False
        )

    with op.batch_alter_table("call_tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch_op.alter_column("reservation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_call_tickets_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_call_tickets_contact_id",
            "queue_contacts",
            ["contact_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint("ck_call_tickets_one_owner", _ONE_OWNER)

    with op.batch_alter_table("call_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="reserved", nullable=False)
        )
        batch_op.add_column(
            sa.Column("mode", sa.String(length=10), server_default="video", nullable=False)
        )
        batch_op.add_column(sa.Column("specialty", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("offers_missed", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("transcript_consent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "transcript_truncated", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.alter_column("reservation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_call_sessions_caller_joined_at"), ["caller_joined_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_call_sessions_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_call_sessions_ended_at"), ["ended_at"], unique=False)
        batch_op.create_foreign_key(
            "fk_call_sessions_contact_id",
            "queue_contacts",
            ["contact_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint("ck_call_sessions_owner", _SESSION_OWNER)
        batch_op.create_check_constraint("ck_call_sessions_mode", _MODES)

    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_session_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=12), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("sender IN ('caller', 'interpreter')", name="ck_chat_messages_sender"),
        sa.ForeignKeyConstraint(["call_session_id"], ["call_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_session_id", "seq", name="uq_chat_messages_session_seq"),
    )

    op.create_table(
        "presence_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interpreter_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["interpreter_id"], ["interpreters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("presence_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_presence_events_interpreter_at", ["interpreter_id", "at"], unique=False
        )

    op.create_table(
        "survey_answers",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("answered_at", signdesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name="ck_survey_answers_stars"),
        sa.PrimaryKeyConstraint("session_id"),
    )


def downgrade() -> None:
    op.drop_table("survey_answers")
    with op.batch_alter_table("presence_events", schema=None) as batch_op:
        batch_op.drop_index("ix_presence_events_interpreter_at")
    op.drop_table("presence_events")
    op.drop_table("chat_messages")

    # The old schema has no room for walk-ins.
    op.execute("DELETE FROM call_sessions WHERE reservation_id IS NULL")
    op.execute("DELETE FROM call_tickets WHERE reservation_id IS NULL")

    with op.batch_alter_table("call_sessions", schema=None) as batch_op:
        batch_op.drop_constraint("ck_call_sessions_mode", type_="check")
        batch_op.drop_constraint("ck_call_sessions_owner", type_="check")
        batch_op.drop_constraint("fk_call_sessions_contact_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_call_sessions_ended_at"))
        batch_op.drop_index(batch_op.f("ix_call_sessions_contact_id"))
        batch_op.drop_index(batch_op.f("ix_call_sessions_caller_joined_at"))
        batch_op.alter_column("reservation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("transcript_truncated")
        batch_op.drop_column("transcript_consent")
        batch_op.drop_column("offers_missed")
        batch_op.drop_column("specialty")
        batch_op.drop_column("mode")
        batch_op.drop_column("kind")
        batch_op.drop_column("contact_id")

    with op.batch_alter_table("call_tickets", schema=None) as batch_op:
        batch_op.drop_constraint("ck_call_tickets_one_owner", type_="check")
        batch_op.drop_constraint("fk_call_tickets_contact_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_call_tickets_contact_id"))
        batch_op.alter_column("reservation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("contact_id")

    with op.batch_alter_table("queue_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_contacts_created_at"))
    op.drop_table("queue_contacts")
