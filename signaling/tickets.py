"""One-time call tickets: how a caller's page gets a WebSocket without putting the link token in it.

The booking's link token is long-lived and travels in e-mails and texts; a WebSocket URL ends up in
proxies' and browsers' histories. So the page trades the link token (`Authorization: Bearer`)
for a ticket: 256 random bits, good for `call_ticket_seconds`, for one upgrade only. Only the
ticket's SHA-256 is stored. The upgrade consumes it with one conditional `UPDATE` (unused and
unexpired, set `used_at`), so two upgrades racing with the same ticket cannot both win, on SQLite
or PostgreSQL.

A ticket is issued only while the booking is `booked` and inside its join window (from
`join_early` before the slot to its end): the same window the core enforces for `join`.

A caller without a booking first becomes a walk-in contact (`create_contact`): a `queue_contacts`
row with the language, optional specialty and mode they chose, and a contact token that plays the
link token's part (256 bits, only its hash stored). The contact trades it for tickets the same
way (`issue_contact_ticket`), for a bounded time (`CONTACT_MAX_AGE`): a contact is for one visit
to the queue, not a standing pass. A contact whose session is still open in the core may always
get a ticket, so a reload after closing time or a long call can resume.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.codes import hash_token, new_link_token, token_matches
from scheduler.domain import ReservationStatus
from scheduler.models import CallTicket, QueueContact, Reservation, SignLanguage
from scheduler.store import InvalidInput, NotFound, Sessions
from signaling.identities import AnyCaller, CallerIdentity, CallMode, WalkInIdentity
from signaling.pairing import join_refusal
from signaling.protocol import ErrorCode
from signdesk.db import utcnow

log = logging.getLogger(__name__)

# Unused, unexpired tickets one booking may hold at once: a page needs one per (re)connection,
# so a handful covers reloads and retries while a leaked link token cannot fill the table.
MAX_LIVE_TICKETS = 5
MAX_TICKET_CHARS = 128
# How long a walk-in contact may get tickets: one visit to the queue, with room for a long wait,
# the call and a few reloads. Its tickets and sessions stay; it simply gets no new ticket.
CONTACT_MAX_AGE = timedelta(hours=3)
# What the interpreter sees when a walk-in gave no nickname.
DEFAULT_WALK_IN_NAME = "Citizen"


class TicketRefusal(StrEnum):
    """Why no ticket was issued; each is a 409 (or 429) with this code."""

    NOT_ACTIVE = "not_active"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    TOO_MANY = "too_many_tickets"
    CONTACT_EXPIRED = "contact_expired"  # a walk-in contact older than its bound
    QUEUE_CLOSED = "queue_closed"  # outside service hours, and no session to resume


class TicketRefused(Exception):
    """The booking exists and the link token matches, but it cannot get a ticket now."""

    def __init__(self, reason: TicketRefusal, join_from: datetime | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.join_from = join_from


class UpgradeRefusal(StrEnum):
    TICKET_INVALID = "ticket_invalid"  # unknown, used or expired: 401
    BOOKING_CLOSED = "booking_closed"  # no longer booked, or its slot is over (or no contact): 403


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


@dataclass(frozen=True, slots=True)
class IssuedContactTicket:
    ticket: str  # the only copy; the database keeps its hash
    expires_in: int  # seconds
    contact_id: int


@dataclass(frozen=True, slots=True)
class NewContact:
    """What a walk-in chose on the start page (validated by the API's schema)."""

    language: str
    mode: CallMode
    consent_version: str
    specialty: str | None = None
    display_name: str | None = None  # None: `DEFAULT_WALK_IN_NAME`


class CreatedContact(NamedTuple):
    contact_id: int
    contact_token: str  # the only copy; the database keeps its hash


def new_ticket() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def _no_open_session(_contact_id: int) -> bool:
    return False


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
        ticket = await _add_ticket(
            session,
            now,
            ticket_seconds,
            CallTicket.reservation_id == reservation.id,
            reservation_id=reservation.id,
        )
        log.info("call ticket issued for reservation %s", reservation.id)
        return IssuedTicket(
            ticket=ticket,
            expires_in=ticket_seconds,
            slot_start=reservation.starts_at,
            slot_end=reservation.ends_at,
            join_from=join_from,
        )


async def create_contact(
    sessions: Sessions, contact: NewContact, *, now: datetime | None = None
) -> CreatedContact:
    """Store a walk-in contact and return its id and the one copy of its token.

    `InvalidInput` (422) for a sign language the service does not offer.
    """
    now = now or utcnow()
    token = new_link_token()
    async with sessions() as session, session.begin():
        if await session.get(SignLanguage, contact.language) is None:
            raise InvalidInput({"language": "unknown sign language"})
        row = QueueContact(
            created_at=now,
            language=contact.language,
            specialty=contact.specialty,
            mode=contact.mode,
            display_name=contact.display_name,
            token_hash=hash_token(token),
            consent_version=contact.consent_version,
            consented_at=now,
        )
        session.add(row)
        await session.flush()
        contact_id = row.id
    log.info("walk-in contact %s created (%s)", contact_id, contact.mode)
    return CreatedContact(contact_id, token)


async def issue_contact_ticket(
    sessions: Sessions,
    contact_token: str,
    *,
    now: datetime,
    ticket_seconds: int,
    max_age: timedelta = CONTACT_MAX_AGE,
    queue_open: bool = True,
    has_open_session: Callable[[int], bool] = _no_open_session,
) -> IssuedContactTicket:
    """A fresh ticket for the walk-in whose contact token is `contact_token`.

    `NotFound` for an unknown token. A contact whose session is open (`has_open_session`, the
    core's view) always gets one, to resume; otherwise `TicketRefused` with `QUEUE_CLOSED` when
    the queue is closed, `CONTACT_EXPIRED` when the contact is older than `max_age`. In every case
    `TOO_MANY` once it holds `MAX_LIVE_TICKETS` unused ones.
    """
    if not contact_token or len(contact_token) > MAX_TICKET_CHARS or not contact_token.isascii():
        raise NotFound
    async with sessions() as session, session.begin():
        contact = await session.scalar(
            select(QueueContact).where(QueueContact.token_hash == hash_token(contact_token))
        )
        if contact is None or not token_matches(contact_token, contact.token_hash):
            raise NotFound
        if not has_open_session(contact.id):
            if not queue_open:
                raise TicketRefused(TicketRefusal.QUEUE_CLOSED)
            if now - contact.created_at >= max_age:
                raise TicketRefused(TicketRefusal.CONTACT_EXPIRED)
        ticket = await _add_ticket(
            session, now, ticket_seconds, CallTicket.contact_id == contact.id, contact_id=contact.id
        )
        log.info("call ticket issued for walk-in contact %s", contact.id)
        return IssuedContactTicket(ticket=ticket, expires_in=ticket_seconds, contact_id=contact.id)


async def _add_ticket(
    session: AsyncSession,
    now: datetime,
    ticket_seconds: int,
    owner: ColumnElement[bool],
    *,
    reservation_id: int | None = None,
    contact_id: int | None = None,
) -> str:
    """Clear expired tickets, enforce `MAX_LIVE_TICKETS` for the owner, and add a fresh one."""
    # Expired tickets are useless; clearing them here keeps the table at the live ones.
    await session.execute(delete(CallTicket).where(CallTicket.expires_at <= now))
    live = await session.scalar(
        select(func.count()).select_from(CallTicket).where(owner, CallTicket.used_at.is_(None))
    )
    if (live or 0) >= MAX_LIVE_TICKETS:
        raise TicketRefused(TicketRefusal.TOO_MANY)
    ticket = new_ticket()
    session.add(
        CallTicket(
            token_hash=hash_token(ticket),
            reservation_id=reservation_id,
            contact_id=contact_id,
            created_at=now,
            expires_at=now + timedelta(seconds=ticket_seconds),
        )
    )
    return ticket


async def consume_ticket(
    sessions: Sessions, ticket: str, *, now: datetime | None = None
) -> AnyCaller:
    """Use a ticket up and return the caller it was issued for (a booking's `CallerIdentity` or
    a walk-in's `WalkInIdentity`); `UpgradeRefused` otherwise.

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
            .returning(CallTicket.reservation_id, CallTicket.contact_id)
        )
        owner = spent.one_or_none()
        if owner is None:
            raise UpgradeRefused(UpgradeRefusal.TICKET_INVALID)
        reservation_id, contact_id = owner
        if contact_id is not None:
            return await _walk_in(session, contact_id)
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


async def _walk_in(session: AsyncSession, contact_id: int) -> WalkInIdentity:
    contact = await session.get(QueueContact, contact_id)
    if contact is None:  # pragma: no cover - deleting a contact deletes its tickets
        raise UpgradeRefused(UpgradeRefusal.BOOKING_CLOSED)
    mode: CallMode = "chat" if contact.mode == "chat" else "video"
    return WalkInIdentity(
        contact_id=contact.id,
        display_name=contact.display_name or DEFAULT_WALK_IN_NAME,
        language=contact.language,
        specialty=contact.specialty,
        mode=mode,
    )
