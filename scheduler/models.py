"""SQLAlchemy tables for accounts, interpreters, shifts, reservations, the live queue and call
records.

Times are stored in UTC (`UTCDateTime`); weekly shift times are wall-clock in the service's zone.
Constraints are named, so SQLite's batch migrations can find and drop them again.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.audit_origin import current_client_address
from scheduler.domain import Channel, ExceptionKind, ReservationStatus, Role
from signdesk.db import Base, UTCDateTime, utcnow


def _enum(
    enum_cls: type[Role] | type[Channel] | type[ReservationStatus] | type[ExceptionKind],
) -> Enum:
    # Plain strings with a CHECK, so adding a value is a simple migration on both databases.
    return Enum(
        enum_cls,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


# Exactly one owner: a booking's ticket or session, or a walk-in's.
_ONE_OWNER = (
    "(reservation_id IS NOT NULL AND contact_id IS NULL)"
    " OR (reservation_id IS NULL AND contact_id IS NOT NULL)"
)
_MODES = "mode IN ('video', 'chat')"
MAX_CHAT_TEXT_CHARS = 4000
MAX_SURVEY_COMMENT_CHARS = 500
MAX_CONTACT_NAME_CHARS = 40


class SignLanguage(Base):
    __tablename__ = "sign_languages"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)


class Interpreter(Base):
    __tablename__ = "interpreters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    sign_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    spoken_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shifts: Mapped[list[WeeklyShiftRow]] = relationship(
        back_populates="interpreter", cascade="all, delete-orphan"
    )


class WeeklyShiftRow(Base):
    __tablename__ = "weekly_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interpreter_id: Mapped[int] = mapped_column(
        ForeignKey("interpreters.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    interpreter: Mapped[Interpreter] = relationship(back_populates="shifts")


class ShiftExceptionRow(Base):
    __tablename__ = "shift_exceptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interpreter_id: Mapped[int] = mapped_column(
        ForeignKey("interpreters.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ExceptionKind] = mapped_column(_enum(ExceptionKind))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[Role] = mapped_column(_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(256))
    interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"), nullable=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    interpreter_id: Mapped[int] = mapped_column(ForeignKey("interpreters.id"), index=True)
    language: Mapped[str] = mapped_column(ForeignKey("sign_languages.code"))
    specialty: Mapped[str | None] = mapped_column(String(40), nullable=True)
    topic: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReservationStatus] = mapped_column(
        _enum(ReservationStatus), default=ReservationStatus.BOOKED
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.WEB)
    citizen_name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(400), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    consent_version: Mapped[str] = mapped_column(String(40))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the purge cleared the name, contact and note (issue 6): the row stays for counts.
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_reservations_interpreter_start", "interpreter_id", "starts_at"),)


class BusyCell(Base):
    """One grid cell of an interpreter's time held by an active reservation.

    The primary key (interpreter, cell) is what makes a double booking impossible: two
    transactions that both try to hold the same cell cannot both commit, on SQLite or PostgreSQL.
    A reservation holds the cells from its start to its end plus the configured buffer.
    """

    __tablename__ = "busy_cells"

    interpreter_id: Mapped[int] = mapped_column(
        ForeignKey("interpreters.id", ondelete="CASCADE"), primary_key=True
    )
    cell_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True
    )


class AuditEntry(Base):
    """Who did what to which record, for PIPA accountability. No personal data in `detail`."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))  # "account:12", "citizen:K7F-2QD", "system"
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str | None] = mapped_column(String(400), nullable=True)
    # "From where": the client address aiohttp saw (personal data, see docs/threat-model.md);
    # by default the logged-in request's being handled (scheduler.audit_origin).
    client_address: Mapped[str | None] = mapped_column(
        String(64), nullable=True, default=current_client_address
    )


class QueueContact(Base):
    """A caller without a booking who asked to join the live queue.

    The contact token is their proof, like a booking's link token: 256 random bits, only its
    SHA-256 kept. `display_name` is an optional nickname (None: the pages show a generic label);
    nothing else personal is asked. Consent to process the request (PIPA Art. 15) is stored as it
    is for reservations; consent to keep a chat transcript is given per session, at `join`.
    """

    __tablename__ = "queue_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    language: Mapped[str] = mapped_column(ForeignKey("sign_languages.code"))
    specialty: Mapped[str | None] = mapped_column(String(40), nullable=True)
    mode: Mapped[str] = mapped_column(String(10))
    display_name: Mapped[str | None] = mapped_column(String(MAX_CONTACT_NAME_CHARS), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    consent_version: Mapped[str] = mapped_column(String(40))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime)
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (CheckConstraint(_MODES, name="ck_queue_contacts_mode"),)


class CallTicket(Base):
    """A one-time pass for a caller's WebSocket upgrade, bought with the booking's link token or
    a walk-in's contact token (exactly one of `reservation_id` and `contact_id` is set).

    Only the SHA-256 of the ticket is kept. `used_at` is set by the one `UPDATE` that consumes it,
    so a ticket opens at most one socket even when two upgrades race.
    """

    __tablename__ = "call_tickets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True, nullable=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("queue_contacts.id", ondelete="CASCADE", name="fk_call_tickets_contact_id"),
        index=True,
        nullable=True,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (CheckConstraint(_ONE_OWNER, name="ck_call_tickets_one_owner"),)


class CallSessionRecord(Base):
    """One call session from the caller's join to its end (`signaling.records.SessionRecord`).

    A caller may hang up and join again, so a reservation (or a walk-in contact) can have several.
    No SDP, candidate, token or name is stored: times, ids, reasons, frame-rate averages and the
    quality summary only; the chat transcript, when the caller consented to keep it, is in
    `chat_messages`.
    """

    __tablename__ = "call_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True, nullable=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("queue_contacts.id", ondelete="CASCADE", name="fk_call_sessions_contact_id"),
        index=True,
        nullable=True,
    )
    kind: Mapped[str] = mapped_column(String(10), server_default="reserved")
    mode: Mapped[str] = mapped_column(String(10), server_default="video")
    specialty: Mapped[str | None] = mapped_column(String(40), nullable=True)
    session_id: Mapped[str] = mapped_column(String(64), unique=True)
    assigned_interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"), nullable=True
    )
    actual_interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"), nullable=True
    )
    handed_over: Mapped[bool] = mapped_column(Boolean, default=False)
    caller_joined_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    caller_media_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    interpreter_media_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    wait_seconds: Mapped[float] = mapped_column(Float)
    duration_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    ended_by: Mapped[str] = mapped_column(String(20))
    end_reason: Mapped[str] = mapped_column(String(20))
    caller_fps_avg: Mapped[float | None] = mapped_column(Float, nullable=True)
    interpreter_fps_avg: Mapped[float | None] = mapped_column(Float, nullable=True)
    offers_missed: Mapped[int] = mapped_column(Integer, server_default="0")
    transcript_consent: Mapped[bool] = mapped_column(Boolean, server_default=false())
    transcript_truncated: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # The quality analyzer's summary (issue 5; `media.quality.summary`): numbers and hint codes
    # per side and per minute. NULL when quality assistance was off or saw no frame.
    quality_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Relay mode with recording (issue 5): the caller's separate consent, its terms and time.
    recording_consent_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    recording_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The chat-transcript consent's terms and time (issue 6), and when the caller withdrew either
    # consent during the call: from then on nothing more was kept (or recorded).
    transcript_consent_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    transcript_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    transcript_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recording_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        CheckConstraint(
            "(kind = 'reserved' AND reservation_id IS NOT NULL AND contact_id IS NULL)"
            " OR (kind = 'walk_in' AND contact_id IS NOT NULL AND reservation_id IS NULL)",
            name="ck_call_sessions_owner",
        ),
        CheckConstraint(_MODES, name="ck_call_sessions_mode"),
    )


class RecordingRow(Base):
    """One side's recording of a relayed session (issue 5; `media.recording`): a file under the
    recordings directory named by its opaque id. Written when the file is finished, which may be
    just before or after the session's own row, so `session_id` is not a foreign key."""

    __tablename__ = "recordings"

    recording_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    side: Mapped[str] = mapped_column(String(12))
    file_name: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    bytes: Mapped[int] = mapped_column(BigInteger)
    frames: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (
        CheckConstraint("side IN ('caller', 'interpreter')", name="ck_recordings_side"),
        CheckConstraint("format IN ('webm', 'mp4')", name="ck_recordings_format"),
    )


class SettingOverride(Base):
    """A run-time setting an admin changed (`signdesk.settings.RuntimeSettings`): it overrides
    the environment's value from then on, also after a restart. Every change is audited."""

    __tablename__ = "setting_overrides"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )


class DeletionRequest(Base):
    """A citizen asked, through their booking link (or a walk-in's contact token), for their data
    to be deleted (PIPA art. 36). Queued for staff, who carry it out or explain why not; every
    step is audited. No personal data here beyond which booking or contact it is about."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(12), server_default="open")
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handled_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'done', 'refused')", name="ck_deletion_requests_status"
        ),
    )


class HandoverRow(Base):
    """A waiting caller given to another interpreter, by staff or by the core after the grace."""

    __tablename__ = "call_handovers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[str] = mapped_column(String(64))
    from_interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"), nullable=True
    )
    to_interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"), nullable=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(20))
    staff_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )


class ChatMessage(Base):
    """One line of a session's chat, kept only when the caller consented to the transcript."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_session_id: Mapped[int] = mapped_column(ForeignKey("call_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(String(MAX_CHAT_TEXT_CHARS))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # Also the index for reading one session's transcript in order.
        UniqueConstraint("call_session_id", "seq", name="uq_chat_messages_session_seq"),
        CheckConstraint("sender IN ('caller', 'interpreter')", name="ck_chat_messages_sender"),
    )


class PresenceEvent(Base):
    """An interpreter's presence changed: the raw material of utilisation statistics."""

    __tablename__ = "presence_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interpreter_id: Mapped[int] = mapped_column(ForeignKey("interpreters.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)  # a code, never text
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_presence_events_interpreter_at", "interpreter_id", "at"),
        Index("ix_presence_events_at", "at"),  # the statistics' date range (issue 6)
    )


class SurveyAnswer(Base):
    """The caller's satisfaction survey for one session; the primary key allows one answer.

    No foreign key to `call_sessions`: the answer may race the session's record through the
    record writer's queue. The API checks that the session exists and is the caller's.
    """

    __tablename__ = "survey_answers"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stars: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    comment: Mapped[str | None] = mapped_column(String(MAX_SURVEY_COMMENT_CHARS), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="ck_survey_answers_stars"),)


# --- counseling records (issue 6; migration 0005) -----------------------------------------------

MAX_RECORD_SUMMARY_CHARS = 4000
MAX_RECORD_AGENCY_CHARS = 120
MAX_CATEGORY_CODE_CHARS = 32
RECORD_OUTCOMES = ("answered", "referred", "follow_up", "could_not_help")


class RecordCategory(Base):
    """One entry of the configurable counseling taxonomy (seeded with citizen-service areas).

    Rows are never deleted while records point at them; `active = False` hides one from the form.
    """

    __tablename__ = "record_categories"

    code: Mapped[str] = mapped_column(String(MAX_CATEGORY_CODE_CHARS), primary_key=True)
    label_ko: Mapped[str] = mapped_column(String(80))
    label_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, server_default="100")
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())


class CounselingRecord(Base):
    """The interpreter's record of one call session: at most one per `call_sessions` row.

    A draft may lack the category and the outcome (autosave keeps whatever was typed); the rules
    of a complete record live in `scheduler.counseling`. The summary is personal data: it is
    never logged, and only the session's interpreter and supervisors may read it.
    """

    __tablename__ = "counseling_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_session_id: Mapped[int] = mapped_column(
        ForeignKey(
            "call_sessions.id", ondelete="CASCADE", name="fk_counseling_records_call_session_id"
        )
    )
    category_code: Mapped[str | None] = mapped_column(
        ForeignKey("record_categories.code", name="fk_counseling_records_category_code"),
        nullable=True,
    )
    summary: Mapped[str] = mapped_column(String(MAX_RECORD_SUMMARY_CHARS), server_default="")
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    agency: Mapped[str | None] = mapped_column(String(MAX_RECORD_AGENCY_CHARS), nullable=True)
    follow_up_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "accounts.id",
            ondelete="SET NULL",
            name="fk_counseling_records_updated_by_account_id",
        ),
        nullable=True,
    )

    __table_args__ = (
        UniqueConstraint("call_session_id", name="uq_counseling_records_call_session_id"),
        CheckConstraint(
            "outcome IN ('answered', 'referred', 'follow_up', 'could_not_help')",
            name="ck_counseling_records_outcome",
        ),
        Index("ix_counseling_records_category_code", "category_code"),
        Index("ix_counseling_records_outcome", "outcome"),
    )
