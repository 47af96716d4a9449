"""One-time call tickets: how a caller's page gets a WebSocket without putting the link token in it.

The booking's link token is long-lived and travels in e-mails and texts; a WebSocket URL ends up in
proxies' and browsers' histories. So the page trades the link token (`Authorization: Bearer`)
for a ticket: 256 random bits, good for `call_ticket_seconds`, for one upgrade only. Only the
ticket's SHA-256 is stored. The upgrade consumes it with one conditional `UPDATE` (unused and
unexpired, set `used_at`), so two upgrades racing with the same ticket cannot both win, on SQLite
or PostgreSQL.

A ticket is issued only while the booking is `booked` and inside its join window (from
`join_early` before the slot to its end): the same window the core enforces for `join`.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, update

from scheduler.codes import hash_token, token_matches
from scheduler.domain import ReservationStatus
from scheduler.models import CallTicket, Reservation
from scheduler.store import NotFound, Sessions
from signaling.identities import CallerIdentity
from signaling.pairing import join_refusal
from signaling.protocol import ErrorCode
from signdesk.db import utcnow

log = logging.getLogger(__name__)

# Unused, unexpired tickets one booking may hold at once: a page needs one per (re)connection,
# so a handful covers reloads and retries while a leaked link token cannot fill the table.
MAX_LIVE_TICKETS = 5
MAX_TICKET_CHARS = 128


class TicketRefusal(StrEnum):
    """Why no ticket was issued; each is a 409 (or 429) with this code."""

    NOT_ACTIVE = "not_active"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    TOO_MANY = "too_many_tickets"


class TicketRefused(Exception):
    """The booking exists and the link token matches, but it cannot get a ticket now."""

    def __init__(self, reason: TicketRefusal, join_from: datetime | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.join_from = join_from


class UpgradeRefusal(StrEnum):
    TICKET_INVALID = "ticket_invalid"  # unknown, used or expired: 401
    BOOKING_CLOSED = "booking_closed"  # no longer booked, or its slot is over: 403


class UpgradeRefused(Exception):
    def __init__(self, reason: UpgradeRefusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    ticket: str  # the only copy; the database keeps its hash
    expires_in: int  # seconds
    slot_start: datetime
    slot_end: datetime
    join_from: datetime


def new_ticket() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


async def issue_ticket(
    sessions: Sessions,
    code: str,
    token: str,
    *,
    ticket_seconds: int,
    join_early: timedelta,
    now: datetime | None = None,
) -> IssuedTicket:
    """A fresh ticket for the booking `code` whose link token is `token`.

    `NotFound` when the code or token is wrong (the same answer for both), `TicketRefused` when
    the booking is not active, outside its join window, or holds too many live tickets.
    """
    now = now or utcnow()
    async with sessions() as session, session.begin():
        reservation = await session.scalar(select(Reservation).where(Reservation.code == code))
        if reservation is None or not token or not token_matches(token, reservation.token_hash):
            raise NotFound
        if reservation.status is not ReservationStatus.BOOKED:
            raise TicketRefused(TicketRefusal.NOT_ACTIVE)
        join_from = reservation.starts_at - join_early
        refusal = join_refusal(now, reservation.starts_at, reservation.ends_at, join_early)
        if refusal is not None:
            code_, _ = refusal
            if code_ is ErrorCode.TOO_EARLY:
                raise TicketRefused(TicketRefusal.TOO_EARLY, join_from)
            raise TicketRefused(TicketRefusal.TOO_LATE)
        # Expired tickets are useless; clearing them here keeps the table at the live ones.
        await session.execute(delete(CallTicket).where(CallTicket.expires_at <= now))
        live = await session.scalar(
            select(func.count())
            .select_from(CallTicket)
            .where(CallTicket.reservation_id == reservation.id, CallTicket.used_at.is_(None))
        )
        if (live or 0) >= MAX_LIVE_TICKETS:
            raise TicketRefused(TicketRefusal.TOO_MANY)
        ticket = new_ticket()
        session.add(
            CallTicket(
                token_hash=hash_token(ticket),
                reservation_id=reservation.id,
                created_at=now,
                expires_at=now + timedelta(seconds=ticket_seconds),
            )
        )
        log.info("call ticket issued for reservation %s", reservation.id)
        return IssuedTicket(
            ticket=ticket,
            expires_in=ticket_seconds,
            slot_start=reservation.starts_at,
            slot_end=reservation.ends_at,
            join_from=join_from,
        )


async def consume_ticket(
    sessions: Sessions, ticket: str, *, now: datetime | None = None
) -> CallerIdentity:
    """Use a ticket up and return the caller it was issued for; `UpgradeRefused` otherwise.

    The ticket is spent by one conditional `UPDATE`: of two racing upgrades only one sees a row
    change. A booking that was cancelled or whose slot ended since is refused, and the ticket is
    then left unused (the transaction rolls back); it expires on its own.
    """
    now = now or utcnow()
    if not ticket or len(ticket) > MAX_TICKET_CHARS or not ticket.isascii():
        raise UpgradeRefused(UpgradeRefusal.TICKET_INVALID)
    digest = hash_token(ticket)
    async with sessions() as session, session.begin():
        spent = await session.execute(
            update(CallTicket)
            .where(
                CallTicket.token_hash == digest,
                CallTicket.used_at.is_(None),
                CallTicket.expires_at > now,
            )
            .values(used_at=now)
            .returning(CallTicket.reservation_id)
        )
        reservation_id = spent.scalar_one_or_none()
        if reservation_id is None:
            raise UpgradeRefused(UpgradeRefusal.TICKET_INVALID)
        reservation = await session.get(Reservation, reservation_id)
        if (
            reservation is None
            or reservation.status is not ReservationStatus.BOOKED
            or now >= reservation.ends_at
        ):
            raise UpgradeRefused(UpgradeRefusal.BOOKING_CLOSED)
        return CallerIdentity(
            reservation_id=reservation.id,
            display_name=reservation.citizen_name,
            interpreter_id=reservation.interpreter_id,
            language=reservation.language,
            slot_start=reservation.starts_at,
            slot_end=reservation.ends_at,
        )
