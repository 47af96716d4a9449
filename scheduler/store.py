"""Loading and saving for the scheduler: the I/O shell around the pure rules.

Every function takes the session factory, runs its own transaction(s), and returns frozen records,
never ORM objects, so callers cannot trigger lazy loads or writes by accident. Clock readings come
in as `now` (default: the real clock), so tests can pin them.

The double-booking guarantee lives in `book` and `reschedule`: inside one transaction they compute
the free interpreters, then for each candidate insert the reservation's `busy_cells` rows under a
SAVEPOINT. The (interpreter, cell) primary key refuses a second holder whatever the timing; the
loser rolls back its savepoint and tries the next candidate. On SQLite every transaction starts
with BEGIN IMMEDIATE (see `signdesk.db`), so writers queue instead of failing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.assignment import rank_candidates
from scheduler.availability import (
    ServiceHours,
    Slot,
    SlotRules,
    available_slots,
    cells_for,
    free_interpreters_at,
    service_intervals,
)
from scheduler.codes import hash_token, new_booking_code, new_link_token, token_matches
from scheduler.domain import (
    ACTIVE_STATUSES,
    Booking,
    Channel,
    DatedException,
    ExceptionKind,
    IllegalTransition,
    InterpreterProfile,
    ReservationStatus,
    WeeklyShift,
    move_reservation,
)
from scheduler.models import (
    AuditEntry,
    BusyCell,
    CallSessionRecord,
    Interpreter,
    Reservation,
    ShiftExceptionRow,
    SignLanguage,
    SurveyAnswer,
    WeeklyShiftRow,
)
from signdesk.db import utcnow
from signdesk.settings import Settings

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
T = TypeVar("T")

CITIZEN = "citizen"
# A fresh code is drawn this many times before giving up (31**6 codes: a clash is already rare).
CODE_ATTEMPTS = 5
# A whole transaction is retried this many times when PostgreSQL reports a deadlock.
DEADLOCK_ATTEMPTS = 3
_RETRY_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


# --- errors -------------------------------------------------------------------------------------


class StoreError(Exception):
    """A request the store refuses; the API maps each subclass to one status and code."""


class NotFound(StoreError):
    """No such record (or, for citizens, a token that does not match: same answer)."""


class SlotTaken(StoreError):
    """The slot exists, but no interpreter is left to take it."""


class SlotUnavailable(StoreError):
    """Nobody could ever book this instant: off the grid, out of hours, past, or too soon."""


class NotActive(StoreError):
    """The reservation is no longer booked, so it cannot be changed."""


class NotStarted(StoreError):
    """A no-show can only be recorded once the slot has started."""


class InvalidInput(StoreError):
    """Input that only the database can judge (e.g. an unknown sign language)."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__("invalid input")
        self.fields = dict(fields)


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LanguageRecord:
    code: str
    name_ko: str
    name_en: str


@dataclass(frozen=True, slots=True)
class ReservationRecord:
    """A reservation as the API shows it. Times are aware UTC."""

    id: int
    code: str
    interpreter_id: int
    interpreter_name: str
    language: str
    specialty: str | None
    topic: str
    start: datetime
    end: datetime
    status: ReservationStatus
    channel: Channel
    name: str
    contact: str | None
    note: str | None
    call: CallSummary | None = None  # the latest ended call session (staff lists only)


@dataclass(frozen=True, slots=True)
class CallSummary:
    """The latest call session of a reservation, as `signaling` stored it when it ended."""

    caller_joined_at: datetime
    matched_at: datetime | None
    caller_media_at: datetime | None
    interpreter_media_at: datetime | None
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    ended_by: str
    end_reason: str
    caller_fps_avg: float | None
    interpreter_fps_avg: float | None
    interpreter_id: int | None
    handed_over: bool
    survey_stars: int | None = None  # the caller's survey answer (None: not answered)
    quality_summary: dict[str, Any] | None = None  # the quality analyzer's (issue 5), if any


@dataclass(frozen=True, slots=True)
class Booked:
    """A new reservation and the one copy of its link token (only the hash is stored)."""

    reservation: ReservationRecord
    token: str


@dataclass(frozen=True, slots=True)
class NewBooking:
    name: str
    language: str
    topic: str
    start: datetime
    consent_version: str
    contact: str | None = None
    specialty: str | None = None
    note: str | None = None
    channel: Channel = Channel.WEB
    created_by_account_id: int | None = None


@dataclass(frozen=True, slots=True)
class InterpreterRecord:
    id: int
    display_name: str
    sign_languages: list[str]
    spoken_languages: list[str]
    specialties: list[str]
    active: bool


@dataclass(frozen=True, slots=True)
class ShiftRecord:
    id: int
    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class ExceptionRecord:
    id: int
    kind: ExceptionKind
    start: datetime
    end: datetime
    note: str | None


@dataclass(frozen=True, slots=True)
class Schedule:
    shifts: list[ShiftRecord]
    exceptions: list[ExceptionRecord]


@dataclass(frozen=True, slots=True)
class _Inputs:
    """What the pure rules need around one instant or one date range.

    `held` pairs each active booking with its reservation id, so a reschedule can leave out its
    own.
    """

    interpreters: list[InterpreterProfile]
    shifts: list[WeeklyShift]
    exceptions: list[DatedException]
    held: list[tuple[int, Booking]]

    def bookings(self, ignore_reservation: int | None = None) -> list[Booking]:
        return [b for rid, b in self.held if rid != ignore_reservation]


# --- settings -> rules --------------------------------------------------------------------------


def slot_rules(settings: Settings) -> SlotRules:
    return SlotRules(
        tz=settings.tz,
        slot_minutes=settings.slot_minutes,
        min_notice=timedelta(minutes=settings.min_notice_minutes),
        buffer=timedelta(minutes=settings.buffer_minutes),
        hours=ServiceHours(
            weekday_open=settings.weekday_open,
            weekday_close=settings.weekday_close,
            weekend_open=settings.weekend_open,
            weekend_close=settings.weekend_close,
        ),
    )


@dataclass(frozen=True, slots=True)
class ServiceWindow:
    """Whether the service is open at an instant: until when, or else from when (aware UTC)."""

    open: bool
    closes_at: datetime | None  # when open
    opens_at: datetime | None  # when closed: the next opening (None: none within a week)


def service_window(settings: Settings, now: datetime) -> ServiceWindow:
    """The service hours at `now`, by the very intervals availability clips slots to (so the
    live queue and the booking grid cannot disagree about when the service is open)."""
    tz = settings.tz
    today = now.astimezone(tz).date()
    hours = slot_rules(settings).hours
    stamp = now.timestamp()
    first, last = today - timedelta(days=1), today + timedelta(days=8)
    for start, end in service_intervals(tz, hours, first, last):
        if start <= stamp < end:
            return ServiceWindow(True, datetime.fromtimestamp(end, UTC), None)
        if start > stamp:
            return ServiceWindow(False, None, datetime.fromtimestamp(start, UTC))
    return ServiceWindow(False, None, None)


def local_day_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants of local midnight starting `first` and local midnight after `last`."""
    start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    return start, end


def actor_for(account_id: int | None) -> str:
    return CITIZEN if account_id is None else f"account:{account_id}"


# --- public reads -------------------------------------------------------------------------------


async def list_languages(sessions: Sessions) -> list[LanguageRecord]:
    async with sessions() as session:
        rows = await session.scalars(
            select(SignLanguage).order_by(SignLanguage.sort_order, SignLanguage.code)
        )
        return [LanguageRecord(r.code, r.name_ko, r.name_en) for r in rows]


async def availability(
    sessions: Sessions,
    settings: Settings,
    *,
    language: str,
    first_day: date,
    last_day: date,
    specialty: str | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Bookable slots whose local date is in [first_day, last_day].

    The range must start no earlier than yesterday (so a browser a little behind still works),
    end within the booking horizon, and span at most `availability_max_days`; otherwise
    `InvalidInput`. An unknown language is `InvalidInput` too.
    """
    now = now or utcnow()
    today = now.astimezone(settings.tz).date()
    if first_day < today - timedelta(days=1):
        raise InvalidInput({"from": "must not be in the past"})
    if last_day > today + timedelta(days=settings.booking_horizon_days):
        raise InvalidInput({"to": f"must be within {settings.booking_horizon_days} days"})
    if (last_day - first_day).days + 1 > settings.availability_max_days:
        raise InvalidInput(
            {"to": f"the range may cover at most {settings.availability_max_days} days"}
        )
    async with sessions() as session:
        window = local_day_bounds(
            first_day - timedelta(days=1), last_day + timedelta(days=1), settings.tz
        )
        inputs = await _load_inputs(session, language, window, settings)
        if not inputs.interpreters:  # nobody signs it: is it a language at all?
            await _require_language(session, language)
    return available_slots(
        interpreters=inputs.interpreters,
        shifts=inputs.shifts,
        exceptions=inputs.exceptions,
        bookings=inputs.bookings(),
        rules=slot_rules(settings),
        language=language,
        specialty=specialty,
        first_day=first_day,
        last_day=last_day,
        now=now,
    )


# --- booking ------------------------------------------------------------------------------------


async def book(
    sessions: Sessions, settings: Settings, request: NewBooking, *, now: datetime | None = None
) -> Booked:
    """Create a reservation with the best free interpreter, or raise SlotTaken/SlotUnavailable."""
    now = now or utcnow()

    async def attempt(session: AsyncSession) -> Booked:
        start = request.start.astimezone(UTC)
        end = start + timedelta(minutes=settings.slot_minutes)
        candidates = await _candidates(
            session, settings, start, request.language, request.specialty, now
        )
        cells = cells_for(start, end, timedelta(minutes=settings.buffer_minutes))
        token = new_link_token()
        for interpreter_id in candidates.ranked:
            reservation = await _insert_reservation(
                session, request, interpreter_id, start, end, hash_token(token), cells, now
            )
            if reservation is None:
                log.debug("booking: interpreter %s lost the race for a slot", interpreter_id)
                continue
            _audit(
                session,
                actor_for(request.created_by_account_id),
                "reservation.create",
                reservation,
                f"channel={request.channel.value}",
                now,
            )
            log.info("reservation %s booked (interpreter %s)", reservation.id, interpreter_id)
            return Booked(_record(reservation, candidates.names[interpreter_id]), token)
        raise SlotTaken

    return await _transaction(sessions, attempt)


@dataclass(frozen=True, slots=True)
class _Candidates:
    ranked: list[int]  # best first
    names: dict[int, str]  # display names of the interpreters considered


async def _candidates(
    session: AsyncSession,
    settings: Settings,
    start: datetime,
    language: str,
    specialty: str | None,
    now: datetime,
    *,
    ignore_reservation: int | None = None,
) -> _Candidates:
    """Free interpreters for the slot at `start`, best first; raises when none can be.

    SlotUnavailable when nobody could take the slot even with an empty diary (off grid, out of
    hours, past, too soon, beyond the horizon, nobody on shift); SlotTaken when bookings fill it.
    The bookings are loaded for the whole local week, which also gives the ranking its loads.
    """
    if start > now + timedelta(days=settings.booking_horizon_days):
        await _require_language(session, language)
        raise SlotUnavailable
    day = start.astimezone(settings.tz).date()
    monday = day - timedelta(days=day.weekday())
    week = local_day_bounds(monday, monday + timedelta(days=6), settings.tz)
    window = (min(start - timedelta(days=2), week[0]), max(start + timedelta(days=2), week[1]))
    inputs = await _load_inputs(session, language, window, settings)
    common: dict[str, Any] = {
        "interpreters": inputs.interpreters,
        "shifts": inputs.shifts,
        "exceptions": inputs.exceptions,
        "rules": slot_rules(settings),
        "language": language,
        "specialty": specialty,
        "now": now,
    }
    if not free_interpreters_at(start, bookings=[], **common):
        await _require_language(session, language)
        raise SlotUnavailable
    free = free_interpreters_at(start, bookings=inputs.bookings(ignore_reservation), **common)
    if not free:
        raise SlotTaken
    day_bounds = local_day_bounds(day, day, settings.tz)
    day_load: Counter[int] = Counter()
    week_load: Counter[int] = Counter()
    for reservation_id, booking in inputs.held:
        if reservation_id == ignore_reservation or not week[0] <= booking.start < week[1]:
            continue
        week_load[booking.interpreter_id] += 1
        if day_bounds[0] <= booking.start < day_bounds[1]:
            day_load[booking.interpreter_id] += 1
    names = {p.id: p.display_name for p in inputs.interpreters}
    return _Candidates(rank_candidates(free, day_load, week_load), names)


class _CellsTaken(Exception):
    """Another reservation holds one of the cells (raised inside a savepoint, to roll it back)."""


class _CodeClash(Exception):
    """The drawn booking code exists already (raised inside a savepoint, to roll it back)."""


async def _insert_reservation(
    session: AsyncSession,
    request: NewBooking,
    interpreter_id: int,
    start: datetime,
    end: datetime,
    token_hash: str,
    cells: Sequence[datetime],
    now: datetime,
) -> Reservation | None:
    """Insert the reservation and its cells under a savepoint; None when a cell is held already."""

    def make(code: str) -> Reservation:
        return Reservation(
            code=code,
            token_hash=token_hash,
            interpreter_id=interpreter_id,
            language=request.language,
            specialty=request.specialty,
            topic=request.topic,
            starts_at=start,
            ends_at=end,
            status=ReservationStatus.BOOKED,
            channel=request.channel,
            citizen_name=request.name,
            contact=request.contact,
            note=request.note,
            consent_version=request.consent_version,
            consented_at=now,
            created_by_account_id=request.created_by_account_id,
            created_at=now,
            updated_at=now,
        )

    for _ in range(CODE_ATTEMPTS):
        try:
            async with session.begin_nested():
                reservation = make(new_booking_code())
                session.add(reservation)
                try:
                    await session.flush()
                except IntegrityError as exc:
                    raise _CodeClash from exc
                await _hold_cells(session, interpreter_id, reservation.id, cells)
        except _CodeClash:
            log.info("booking code collision; drawing another")
            continue
        except _CellsTaken:
            return None
        return reservation
    raise RuntimeError("no free booking code after several attempts")


async def _hold_cells(
    session: AsyncSession, interpreter_id: int, reservation_id: int, cells: Sequence[datetime]
) -> None:
    """Insert the cells in ascending order (so concurrent holders lock them in one order).

    Raises `_CellsTaken` when any is held already; the caller's savepoint then rolls back.
    """
    rows = [
        {"interpreter_id": interpreter_id, "cell_start": cell, "reservation_id": reservation_id}
        for cell in sorted(cells)
    ]
    try:
        await session.execute(insert(BusyCell), rows)
    except IntegrityError as exc:
        raise _CellsTaken from exc


# --- citizen access by code and token -----------------------------------------------------------


async def get_by_code(sessions: Sessions, code: str, token: str) -> ReservationRecord:
    async with sessions() as session:
        reservation = await _by_code(session, code, token)
        return _record(reservation, await _interpreter_name(session, reservation.interpreter_id))


async def cancel_by_code(
    sessions: Sessions, code: str, token: str, *, now: datetime | None = None
) -> ReservationRecord:
    now = now or utcnow()

    async def attempt(session: AsyncSession) -> ReservationRecord:
        reservation = await _by_code(session, code, token, for_update=True)
        try:
            await _change_status(session, reservation, ReservationStatus.CANCELLED, CITIZEN, now)
        except IllegalTransition as exc:
            raise NotActive from exc
        return _record(reservation, await _interpreter_name(session, reservation.interpreter_id))

    return await _transaction(sessions, attempt)


async def reschedule(
    sessions: Sessions,
    settings: Settings,
    code: str,
    token: str,
    new_start: datetime,
    *,
    now: datetime | None = None,
) -> ReservationRecord:
    """Move a booked reservation in one transaction; on any refusal nothing changes."""
    now = now or utcnow()

    async def attempt(session: AsyncSession) -> ReservationRecord:
        reservation = await _by_code(session, code, token, for_update=True)
        if reservation.status not in ACTIVE_STATUSES:
            raise NotActive
        start = new_start.astimezone(UTC)
        end = start + timedelta(minutes=settings.slot_minutes)
        candidates = await _candidates(
            session,
            settings,
            start,
            reservation.language,
            reservation.specialty,
            now,
            ignore_reservation=reservation.id,
        )
        ranked = candidates.ranked
        # Keep the same interpreter when they are free: continuity matters to the caller.
        if reservation.interpreter_id in ranked:
            ranked.remove(reservation.interpreter_id)
            ranked.insert(0, reservation.interpreter_id)
        await session.execute(delete(BusyCell).where(BusyCell.reservation_id == reservation.id))
        cells = cells_for(start, end, timedelta(minutes=settings.buffer_minutes))
        for interpreter_id in ranked:
            try:
                async with session.begin_nested():
                    await _hold_cells(session, interpreter_id, reservation.id, cells)
            except _CellsTaken:
                continue
            old = reservation.interpreter_id
            reservation.interpreter_id = interpreter_id
            reservation.starts_at = start
            reservation.ends_at = end
            reservation.updated_at = now
            await session.flush()
            _audit(
                session,
                CITIZEN,
                "reservation.reschedule",
                reservation,
                f"interpreter {old}->{interpreter_id}",
                now,
            )
            log.info("reservation %s rescheduled", reservation.id)
            return _record(reservation, candidates.names[interpreter_id])
        raise SlotTaken

    return await _transaction(sessions, attempt)


async def _by_code(
    session: AsyncSession, code: str, token: str, *, for_update: bool = False
) -> Reservation:
    """The reservation for `code` when `token` matches; NotFound otherwise (same for both)."""
    query = select(Reservation).where(Reservation.code == code)
    if for_update:
        query = query.with_for_update()
    reservation = await session.scalar(query)
    if reservation is None or not token or not token_matches(token, reservation.token_hash):
        raise NotFound
    return reservation


# --- staff: reservations ------------------------------------------------------------------------


async def booking_codes(sessions: Sessions, reservation_ids: set[int]) -> dict[int, str]:
    """Booking codes by reservation id, for the few calls open right now (an IN list is fine)."""
    if not reservation_ids:
        return {}
    async with sessions() as session:
        rows = await session.execute(
            select(Reservation.id, Reservation.code).where(Reservation.id.in_(reservation_ids))
        )
        return {rid: code for rid, code in rows.tuples()}


async def list_reservations(
    sessions: Sessions,
    tz: ZoneInfo,
    first_day: date,
    last_day: date,
    *,
    interpreter_id: int | None = None,
    status: ReservationStatus | None = None,
) -> list[ReservationRecord]:
    """Reservations starting on local dates [first_day, last_day], by start time, each with its
    latest ended call session (loaded by a second query over the same filter, not an IN list)."""
    lo, hi = local_day_bounds(first_day, last_day, tz)
    where = [Reservation.starts_at >= lo, Reservation.starts_at < hi]
    if interpreter_id is not None:
        where.append(Reservation.interpreter_id == interpreter_id)
    if status is not None:
        where.append(Reservation.status == status)
    query = (
        select(Reservation, Interpreter.display_name)
        .join(Interpreter, Interpreter.id == Reservation.interpreter_id)
        .where(*where)
        .order_by(Reservation.starts_at, Reservation.id)
    )
    calls_query = (
        select(CallSessionRecord, SurveyAnswer.stars)
        .join(Reservation, Reservation.id == CallSessionRecord.reservation_id)
        .outerjoin(SurveyAnswer, SurveyAnswer.session_id == CallSessionRecord.session_id)
        .where(*where)
        .order_by(CallSessionRecord.ended_at, CallSessionRecord.id)
    )
    async with sessions() as session:
        rows = await session.execute(query)
        latest = {
            row.reservation_id: _call_summary(row, stars)
            for row, stars in (await session.execute(calls_query)).tuples()
        }
        return [
            _record(reservation, name, latest.get(reservation.id))
            for reservation, name in rows.tuples()
        ]


async def staff_cancel(
    sessions: Sessions, reservation_id: int, account_id: int, *, now: datetime | None = None
) -> ReservationRecord:
    now = now or utcnow()

    async def attempt(session: AsyncSession) -> ReservationRecord:
        reservation = await _by_id(session, reservation_id)
        await _change_status(
            session, reservation, ReservationStatus.CANCELLED, actor_for(account_id), now
        )
        return _record(reservation, await _interpreter_name(session, reservation.interpreter_id))

    return await _transaction(sessions, attempt)


async def mark_no_show(
    sessions: Sessions, reservation_id: int, account_id: int, *, now: datetime | None = None
) -> ReservationRecord:
    """Record that the citizen did not come; only once the slot has started."""
    now = now or utcnow()

    async def attempt(session: AsyncSession) -> ReservationRecord:
        reservation = await _by_id(session, reservation_id)
        if reservation.status is ReservationStatus.BOOKED and now < reservation.starts_at:
            raise NotStarted
        await _change_status(
            session, reservation, ReservationStatus.NO_SHOW, actor_for(account_id), now
        )
        return _record(reservation, await _interpreter_name(session, reservation.interpreter_id))

    return await _transaction(sessions, attempt)


async def _by_id(session: AsyncSession, reservation_id: int) -> Reservation:
    reservation = await session.scalar(
        select(Reservation).where(Reservation.id == reservation_id).with_for_update()
    )
    if reservation is None:
        raise NotFound
    return reservation


async def _change_status(
    session: AsyncSession,
    reservation: Reservation,
    target: ReservationStatus,
    actor: str,
    now: datetime,
) -> None:
    """Move the status (IllegalTransition propagates) and release the held cells."""
    reservation.status = move_reservation(reservation.status, target)
    reservation.updated_at = now
    await session.execute(delete(BusyCell).where(BusyCell.reservation_id == reservation.id))
    await session.flush()
    _audit(session, actor, f"reservation.{target.value}", reservation, None, now)
    log.info("reservation %s is now %s", reservation.id, target.value)


# --- staff: interpreters and their schedules ----------------------------------------------------


async def list_interpreters(sessions: Sessions) -> list[InterpreterRecord]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Interpreter).order_by(Interpreter.display_name, Interpreter.id)
        )
        return [_interpreter_record(row) for row in rows]


async def create_interpreter(
    sessions: Sessions, values: Mapping[str, Any], account_id: int, *, now: datetime | None = None
) -> InterpreterRecord:
    now = now or utcnow()
    async with sessions() as session, session.begin():
        await _require_languages(session, values.get("sign_languages", ()))
        interpreter = Interpreter(**values)
        session.add(interpreter)
        await session.flush()
        _audit_raw(
            session,
            actor_for(account_id),
            "interpreter.create",
            f"interpreter:{interpreter.id}",
            None,
            now,
        )
        return _interpreter_record(interpreter)


async def update_interpreter(
    sessions: Sessions,
    interpreter_id: int,
    changes: Mapping[str, Any],
    account_id: int,
    *,
    now: datetime | None = None,
) -> InterpreterRecord:
    now = now or utcnow()
    async with sessions() as session, session.begin():
        interpreter = await session.get(Interpreter, interpreter_id, with_for_update=True)
        if interpreter is None:
            raise NotFound
        if "sign_languages" in changes:
            await _require_languages(session, changes["sign_languages"])
        for name, value in changes.items():
            setattr(interpreter, name, value)
        await session.flush()
        detail = "fields=" + ",".join(sorted(changes))
        _audit_raw(
            session,
            actor_for(account_id),
            "interpreter.update",
            f"interpreter:{interpreter.id}",
            detail,
            now,
        )
        return _interpreter_record(interpreter)


async def get_schedule(sessions: Sessions, interpreter_id: int) -> Schedule:
    async with sessions() as session:
        if await session.get(Interpreter, interpreter_id) is None:
            raise NotFound
        shifts = await session.scalars(
            select(WeeklyShiftRow)
            .where(WeeklyShiftRow.interpreter_id == interpreter_id)
            .order_by(WeeklyShiftRow.weekday, WeeklyShiftRow.start_time, WeeklyShiftRow.id)
        )
        exceptions = await session.scalars(
            select(ShiftExceptionRow)
            .where(ShiftExceptionRow.interpreter_id == interpreter_id)
            .order_by(ShiftExceptionRow.starts_at, ShiftExceptionRow.id)
        )
        return Schedule(
            shifts=[ShiftRecord(s.id, s.weekday, s.start_time, s.end_time) for s in shifts],
            exceptions=[
                ExceptionRecord(e.id, e.kind, e.starts_at, e.ends_at, e.note) for e in exceptions
            ],
        )


async def add_shift(
    sessions: Sessions,
    interpreter_id: int,
    weekday: int,
    start: time,
    end: time,
    account_id: int | None,
    *,
    now: datetime | None = None,
) -> ShiftRecord:
    now = now or utcnow()
    async with sessions() as session, session.begin():
        if await session.get(Interpreter, interpreter_id) is None:
            raise NotFound
        row = WeeklyShiftRow(
            interpreter_id=interpreter_id, weekday=weekday, start_time=start, end_time=end
        )
        session.add(row)
        await session.flush()
        _audit_raw(
            session,
            actor_for(account_id),
            "shift.create",
            f"interpreter:{interpreter_id}",
            f"shift:{row.id}",
            now,
        )
        return ShiftRecord(row.id, row.weekday, row.start_time, row.end_time)


async def delete_shift(
    sessions: Sessions, shift_id: int, account_id: int, *, now: datetime | None = None
) -> None:
    async with sessions() as session, session.begin():
        row = await session.get(WeeklyShiftRow, shift_id)
        if row is None:
            raise NotFound
        await _delete_schedule_row(session, row, "shift", account_id, now)


async def add_exception(
    sessions: Sessions,
    interpreter_id: int,
    kind: ExceptionKind,
    start: datetime,
    end: datetime,
    note: str | None,
    account_id: int,
    *,
    now: datetime | None = None,
) -> ExceptionRecord:
    now = now or utcnow()
    async with sessions() as session, session.begin():
        if await session.get(Interpreter, interpreter_id) is None:
            raise NotFound
        row = ShiftExceptionRow(
            interpreter_id=interpreter_id, kind=kind, starts_at=start, ends_at=end, note=note
        )
        session.add(row)
        await session.flush()
        _audit_raw(
            session,
            actor_for(account_id),
            "exception.create",
            f"interpreter:{interpreter_id}",
            f"exception:{row.id} kind={kind.value}",
            now,
        )
        return ExceptionRecord(row.id, row.kind, row.starts_at, row.ends_at, row.note)


async def delete_exception(
    sessions: Sessions, exception_id: int, account_id: int, *, now: datetime | None = None
) -> None:
    async with sessions() as session, session.begin():
        row = await session.get(ShiftExceptionRow, exception_id)
        if row is None:
            raise NotFound
        await _delete_schedule_row(session, row, "exception", account_id, now)


async def _delete_schedule_row(
    session: AsyncSession,
    row: WeeklyShiftRow | ShiftExceptionRow,
    kind: str,
    account_id: int,
    now: datetime | None,
) -> None:
    """Delete a shift or exception and audit it; existing reservations stay as they are."""
    await session.delete(row)
    _audit_raw(
        session,
        actor_for(account_id),
        f"{kind}.delete",
        f"interpreter:{row.interpreter_id}",
        f"{kind}:{row.id}",
        now or utcnow(),
    )


# --- loading the rules' inputs ------------------------------------------------------------------


async def _load_inputs(
    session: AsyncSession, language: str, window: tuple[datetime, datetime], settings: Settings
) -> _Inputs:
    """Active interpreters who sign `language`, with shifts, exceptions and bookings near `window`.

    Interpreters are filtered in Python: the JSON list column is queried differently on each
    backend, and a service has tens of interpreters, not thousands.
    """
    rows = await session.scalars(select(Interpreter).where(Interpreter.active.is_(True)))
    profiles = [
        InterpreterProfile(
            id=row.id,
            display_name=row.display_name,
            sign_languages=frozenset(row.sign_languages or ()),
            specialties=frozenset(row.specialties or ()),
            active=row.active,
        )
        for row in rows
        if language in (row.sign_languages or ())
    ]
    ids = [p.id for p in profiles]
    if not ids:
        return _Inputs([], [], [], [])
    pad = timedelta(minutes=settings.buffer_minutes + settings.slot_minutes)
    lo, hi = window[0] - pad, window[1] + pad
    shift_rows = await session.scalars(
        select(WeeklyShiftRow).where(WeeklyShiftRow.interpreter_id.in_(ids))
    )
    shifts = [
        WeeklyShift(s.interpreter_id, s.weekday, s.start_time, s.end_time) for s in shift_rows
    ]
    exception_rows = await session.scalars(
        select(ShiftExceptionRow).where(
            ShiftExceptionRow.interpreter_id.in_(ids),
            ShiftExceptionRow.starts_at < hi,
            ShiftExceptionRow.ends_at > lo,
        )
    )
    exceptions = [
        DatedException(e.interpreter_id, e.kind, e.starts_at, e.ends_at) for e in exception_rows
    ]
    booking_rows = await session.execute(
        select(
            Reservation.id, Reservation.interpreter_id, Reservation.starts_at, Reservation.ends_at
        ).where(
            Reservation.interpreter_id.in_(ids),
            Reservation.status.in_(ACTIVE_STATUSES),
            Reservation.starts_at < hi,
            Reservation.ends_at > lo,
        )
    )
    held = [(rid, Booking(iid, start, end)) for rid, iid, start, end in booking_rows.tuples()]
    return _Inputs(profiles, shifts, exceptions, held)


async def _require_language(session: AsyncSession, code: str) -> None:
    await _require_languages(session, (code,), field="language")


async def _require_languages(
    session: AsyncSession, codes: Iterable[str], *, field: str = "sign_languages"
) -> None:
    wanted = set(codes)
    if not wanted:
        return
    found = set(
        await session.scalars(select(SignLanguage.code).where(SignLanguage.code.in_(wanted)))
    )
    if wanted - found:
        raise InvalidInput({field: "unknown sign language"})


async def _interpreter_name(session: AsyncSession, interpreter_id: int) -> str:
    name = await session.scalar(
        select(Interpreter.display_name).where(Interpreter.id == interpreter_id)
    )
    return name or ""


# --- transactions, records, audit ---------------------------------------------------------------


async def _transaction(sessions: Sessions, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, again from the start if PostgreSQL picks it as a deadlock
    victim (rare: two reschedules swapping cells)."""
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            async with sessions() as session, session.begin():
                return await work(session)
        except DBAPIError as exc:
            if isinstance(exc, IntegrityError) or attempt == DEADLOCK_ATTEMPTS:
                raise
            if getattr(exc.orig, "sqlstate", None) not in _RETRY_SQLSTATES:
                raise
            log.warning("transaction retried after %s", getattr(exc.orig, "sqlstate", None))
    raise AssertionError("unreachable")


def _record(
    reservation: Reservation, interpreter_name: str, call: CallSummary | None = None
) -> ReservationRecord:
    return ReservationRecord(
        id=reservation.id,
        code=reservation.code,
        interpreter_id=reservation.interpreter_id,
        interpreter_name=interpreter_name,
        language=reservation.language,
        specialty=reservation.specialty,
        topic=reservation.topic,
        start=reservation.starts_at,
        end=reservation.ends_at,
        status=reservation.status,
        channel=reservation.channel,
        name=reservation.citizen_name,
        contact=reservation.contact,
        note=reservation.note,
        call=call,
    )


def _call_summary(row: CallSessionRecord, survey_stars: int | None = None) -> CallSummary:
    return CallSummary(
        caller_joined_at=row.caller_joined_at,
        matched_at=row.matched_at,
        caller_media_at=row.caller_media_at,
        interpreter_media_at=row.interpreter_media_at,
        ended_at=row.ended_at,
        wait_seconds=row.wait_seconds,
        duration_seconds=row.duration_seconds,
        ended_by=row.ended_by,
        end_reason=row.end_reason,
        caller_fps_avg=row.caller_fps_avg,
        interpreter_fps_avg=row.interpreter_fps_avg,
        interpreter_id=row.actual_interpreter_id,
        handed_over=row.handed_over,
        survey_stars=survey_stars,
        quality_summary=row.quality_summary,
    )


def _interpreter_record(row: Interpreter) -> InterpreterRecord:
    return InterpreterRecord(
        id=row.id,
        display_name=row.display_name,
        sign_languages=list(row.sign_languages or ()),
        spoken_languages=list(row.spoken_languages or ()),
        specialties=list(row.specialties or ()),
        active=row.active,
    )


def _audit(
    session: AsyncSession,
    actor: str,
    action: str,
    reservation: Reservation,
    detail: str | None,
    now: datetime,
) -> None:
    _audit_raw(session, actor, action, f"reservation:{reservation.id}", detail, now)


def _audit_raw(
    session: AsyncSession,
    actor: str,
    action: str,
    target: str,
    detail: str | None,
    now: datetime,
    client_address: str | None = None,
) -> None:
    """Add an audit row to the current transaction. `detail` never holds personal data.
    `client_address` ("from where"): when None, the logged-in request's being handled, if any
    (`scheduler.audit_origin`); system work has none."""
    entry = AuditEntry(at=now, actor=actor, action=action, target=target, detail=detail)
    if client_address is not None:
        entry.client_address = client_address
    session.add(entry)
