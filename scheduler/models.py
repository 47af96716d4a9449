"""SQLAlchemy tables for accounts, interpreters, shifts, reservations and call records.

Times are stored in UTC (`UTCDateTime`); weekly shift times are wall-clock in the service's zone.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class CallTicket(Base):
    """A one-time pass for a caller's WebSocket upgrade, bought with the booking's link token.

    Only the SHA-256 of the ticket is kept. `used_at` is set by the one `UPDATE` that consumes it,
    so a ticket opens at most one socket even when two upgrades race.
    """

    __tablename__ = "call_tickets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CallSessionRecord(Base):
    """One call session from the caller's join to its end (`signaling.records.SessionRecord`).

    A caller may hang up and join again, so a reservation can have several. No SDP, candidate,
    token or name is stored: times, ids, reasons and frame-rate averages only.
    """

    __tablename__ = "call_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[str] = mapped_column(String(64), unique=True)
    assigned_interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"), nullable=True
    )
    actual_interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreters.id", ondelete="SET NULL"), nullable=True
    )
    handed_over: Mapped[bool] = mapped_column(Boolean, default=False)
    caller_joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    caller_media_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    interpreter_media_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wait_seconds: Mapped[float] = mapped_column(Float)
    duration_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    ended_by: Mapped[str] = mapped_column(String(20))
    end_reason: Mapped[str] = mapped_column(String(20))
    caller_fps_avg: Mapped[float | None] = mapped_column(Float, nullable=True)
    interpreter_fps_avg: Mapped[float | None] = mapped_column(Float, nullable=True)


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
