"""Database I/O for signaling: who an interpreter is, the records the core emits, the figures
the core is seeded with after a restart, and the caller's satisfaction survey.

The core never waits for the database. Its records go into a bounded queue that one task
(`RecordWriter`) drains, one transaction per record, in the order they were emitted; the queue is
drained before the engine is disposed at shutdown, so the `shutdown` records of open sessions are
kept. A reserved session that ends with a hang-up after both pages reported media connected
completes its reservation (`booked` → `completed`) in the same transaction as its record. A
session's chat transcript is stored with it only when the caller consented at the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.codes import token_matches
from scheduler.domain import IllegalTransition, ReservationStatus, move_reservation
from scheduler.models import (
    MAX_CHAT_TEXT_CHARS,
    AuditEntry,
    CallSessionRecord,
    ChatMessage,
    HandoverRow,
    Interpreter,
    PresenceEvent,
    QueueContact,
    RecordingRow,
    Reservation,
    SurveyAnswer,
)
from scheduler.store import NotFound, Sessions, StoreError
from signaling.identities import InterpreterIdentity
from signaling.records import (
    HandoverRecord,
    PresenceRecord,
    RecordEvent,
    RecordingRecord,
    SessionRecord,
)
from signaling.states import EndReason
from signdesk.db import utcnow

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class InterpreterRow:
    id: int
    display_name: str
    sign_languages: frozenset[str]
    active: bool
    specialties: frozenset[str] = frozenset()


async def load_interpreter(sessions: Sessions, interpreter_id: int) -> InterpreterRow | None:
    async with sessions() as session:
        row = await session.get(Interpreter, interpreter_id)
        if row is None:
            return None
        return InterpreterRow(
            id=row.id,
            display_name=row.display_name,
            sign_languages=frozenset(row.sign_languages or ()),
            active=row.active,
            specialties=frozenset(row.specialties or ()),
        )


def interpreter_identity(account_id: int, row: InterpreterRow) -> InterpreterIdentity:
    return InterpreterIdentity(
        account_id=account_id,
        interpreter_id=row.id,
        display_name=row.display_name,
        languages=row.sign_languages,
        specialties=row.specialties,
    )


def completes_reservation(record: SessionRecord) -> bool:
    """A normal end of a booked call: someone hung up after both pages had media. Anything else
    (a drop, media that never worked, a slot that ran out, a shutdown) leaves the booking for
    staff to judge; a walk-in has no booking to complete."""
    return (
        record.kind == "reserved"
        and record.reservation_id is not None
        and record.end_reason is EndReason.HANGUP
        and record.connected_at is not None
    )


def describe(record: RecordEvent) -> str:
    """What a log line may say about a record: its kind and ids, never names or chat text."""
    if isinstance(record, PresenceRecord):
        return f"presence of interpreter {record.interpreter_id}"
    if isinstance(record, HandoverRecord):
        return f"handover in session {record.session_id}"
    if isinstance(record, RecordingRecord):
        return f"recording of session {record.session_id}"
    return f"session {record.session_id}"


async def save_record(sessions: Sessions, record: RecordEvent, *, now: datetime) -> None:
    """Write one record in its own transaction."""
    await save_records(sessions, [record], now=now)


async def save_records(
    sessions: Sessions, records: Sequence[RecordEvent], *, now: datetime
) -> None:
    """Write records in one transaction, in order: a busy queue (rings, declines, presence
    changes) costs one commit per batch instead of one per record."""
    async with sessions() as session, session.begin():
        for record in records:
            await _add(session, record, now)


async def _add(session: AsyncSession, record: RecordEvent, now: datetime) -> None:
    if isinstance(record, SessionRecord):
        await _save_session(session, record, now)
    elif isinstance(record, HandoverRecord):
        _save_handover(session, record)
    elif isinstance(record, RecordingRecord):
        _save_recording(session, record)
    else:
        _save_presence(session, record)


async def _save_session(session: AsyncSession, record: SessionRecord, now: datetime) -> None:
    row = CallSessionRecord(
        reservation_id=record.reservation_id,
        contact_id=record.contact_id,
        kind=record.kind,
        mode=record.mode,
        specialty=record.specialty,
        session_id=record.session_id,
        assigned_interpreter_id=record.assigned_interpreter_id,
        actual_interpreter_id=record.interpreter_id,
        handed_over=record.handed_over,
        caller_joined_at=record.caller_joined_at,
        matched_at=record.matched_at,
        caller_media_at=record.caller_media_connected_at,
        interpreter_media_at=record.interpreter_media_connected_at,
        connected_at=record.connected_at,
        ended_at=record.ended_at,
        wait_seconds=record.wait_seconds,
        duration_seconds=record.duration_seconds,
        ended_by=record.ended_by.value,
        end_reason=record.end_reason.value,
        caller_fps_avg=record.caller_fps_received,
        interpreter_fps_avg=record.interpreter_fps_received,
        offers_missed=record.offers_missed,
        transcript_consent=record.transcript_consent,
        transcript_truncated=record.transcript_consent and record.transcript_truncated,
        quality_summary=record.quality_summary,
        recording_consent_version=record.recording_consent_version,
        recording_consent_at=record.recording_consent_at,
        transcript_consent_version=record.transcript_consent_version,
        transcript_consent_at=record.transcript_consent_at,
        transcript_withdrawn_at=record.transcript_withdrawn_at,
        recording_withdrawn_at=record.recording_withdrawn_at,
    )
    session.add(row)
    # The core keeps no transcript without consent; this guard makes sure none is ever stored.
    if record.transcript_consent and record.transcript:
        await session.flush()  # the row's id, for the lines' foreign key
        await session.execute(
            insert(ChatMessage),
            [
                {
                    "call_session_id": row.id,
                    "seq": line.seq,
                    "sender": line.sender.value,
                    "text": line.text[:MAX_CHAT_TEXT_CHARS],
                    "at": line.at,
                }
                for line in record.transcript
            ],
        )
    if completes_reservation(record):
        await _complete(session, record, now)


async def _complete(session: AsyncSession, record: SessionRecord, now: datetime) -> None:
    """Mark the reservation completed. Its cells stay held to the slot's end: the interpreter
    was booked for that time and spends the rest of it on wrap-up and the record, so a zero-notice
    booking must not land in it. (Cancel and no-show still release them.)"""
    reservation = await session.scalar(
        select(Reservation).where(Reservation.id == record.reservation_id).with_for_update()
    )
    if reservation is None:
        return
    try:
        reservation.status = move_reservation(reservation.status, ReservationStatus.COMPLETED)
    except IllegalTransition:  # staff cancelled it during the call, or a rejoin completed it
        log.info("reservation %s stays %s", reservation.id, reservation.status.value)
        return
    reservation.updated_at = now
    session.add(
        AuditEntry(
            at=now,
            actor=SYSTEM_ACTOR,
            action="reservation.completed",
            target=f"reservation:{reservation.id}",
            detail=f"session={record.session_id}",
        )
    )
    log.info("reservation %s completed by session %s", reservation.id, record.session_id)


def _save_handover(session: AsyncSession, record: HandoverRecord) -> None:
    session.add(
        HandoverRow(
            reservation_id=record.reservation_id,
            session_id=record.session_id,
            from_interpreter_id=record.from_interpreter_id,
            to_interpreter_id=record.to_interpreter_id,
            at=record.at,
            by=record.by.value,
            staff_account_id=record.staff_account_id,
        )
    )


def _save_recording(session: AsyncSession, record: RecordingRecord) -> None:
    session.add(
        RecordingRow(
            recording_id=record.recording_id,
            session_id=record.session_id,
            side=record.side,
            file_name=record.file_name,
            format=record.format,
            bytes=record.bytes,
            frames=record.frames,
            width=record.width,
            height=record.height,
            started_at=record.started_at,
            ended_at=record.ended_at,
        )
    )


def _save_presence(session: AsyncSession, record: PresenceRecord) -> None:
    session.add(
        PresenceEvent(
            interpreter_id=record.interpreter_id,
            state=record.state.value,
            reason=record.reason,
            at=record.at,
        )
    )


# --- figures the core is seeded with after a restart --------------------------------------------


async def load_day_figures(
    sessions: Sessions, day_start: datetime, day_end: datetime
) -> tuple[list[float], list[float]]:
    """(waits of the answered sessions, waits of the abandoned ones) of the callers who joined in
    [day_start, day_end), in join order: the wallboard's speed of answer and abandoned calls
    survive a restart. Answered means an interpreter took the call (`matched_at` is set)."""
    query = (
        select(
            CallSessionRecord.wait_seconds,
            CallSessionRecord.matched_at.is_not(None),
            CallSessionRecord.end_reason,
        )
        .where(
            CallSessionRecord.caller_joined_at >= day_start,
            CallSessionRecord.caller_joined_at < day_end,
        )
        .order_by(CallSessionRecord.caller_joined_at, CallSessionRecord.id)
    )
    answered: list[float] = []
    abandoned: list[float] = []
    async with sessions() as session:
        for wait, matched, end_reason in (await session.execute(query)).tuples():
            if matched:
                answered.append(wait)
            elif end_reason == EndReason.ABANDONED.value:
                abandoned.append(wait)
    return answered, abandoned


async def recent_handle_times(sessions: Sessions, limit: int) -> list[float]:
    """`duration_seconds` of the latest `limit` answered sessions, newest first: what the wait
    estimate starts from after a restart."""
    if limit <= 0:
        return []
    query = (
        select(CallSessionRecord.duration_seconds)
        .where(
            CallSessionRecord.matched_at.is_not(None),
            CallSessionRecord.duration_seconds.is_not(None),
        )
        .order_by(CallSessionRecord.ended_at.desc(), CallSessionRecord.id.desc())
        .limit(limit)
    )
    async with sessions() as session:
        return [float(d) for d in await session.scalars(query) if d is not None]


# --- the satisfaction survey --------------------------------------------------------------------


class UnknownSession(NotFound):
    """No stored session has this id (yet: its record may still be in the writer's queue)."""


class AlreadyAnswered(StoreError):
    """The session's survey was answered before; one answer per session."""


@dataclass(frozen=True, slots=True)
class SurveyInput:
    stars: int
    resolved: bool | None
    comment: str | None


async def save_survey(
    sessions: Sessions, session_id: str, token: str, answer: SurveyInput, *, now: datetime
) -> None:
    """Store the caller's answer for `session_id`.

    `token` must be the booking's link token (a reserved session) or the walk-in's contact token:
    `UnknownSession` when no such session is stored, `NotFound` when it is not this caller's (the
    API answers both with 404), `AlreadyAnswered` for a second answer, even a racing one.
    """
    try:
        async with sessions() as session, session.begin():
            row = await session.scalar(
                select(CallSessionRecord).where(CallSessionRecord.session_id == session_id)
            )
            if row is None:
                raise UnknownSession
            if not await _owns(session, row, token):
                raise NotFound
            if await session.get(SurveyAnswer, session_id) is not None:
                raise AlreadyAnswered
            session.add(
                SurveyAnswer(
                    session_id=session_id,
                    stars=answer.stars,
                    resolved=answer.resolved,
                    comment=answer.comment,
                    answered_at=now,
                )
            )
            session.add(
                AuditEntry(
                    at=now,
                    actor="citizen",
                    action="survey.answered",
                    target=f"session:{session_id}",
                    detail=None,
                )
            )
    except IntegrityError:  # a second answer committed between our check and our insert
        raise AlreadyAnswered from None
    log.info("survey answered for session %s", session_id)


async def _owns(session: AsyncSession, row: CallSessionRecord, token: str) -> bool:
    if row.reservation_id is not None:
        stored = await session.scalar(
            select(Reservation.token_hash).where(Reservation.id == row.reservation_id)
        )
    elif row.contact_id is not None:
        stored = await session.scalar(
            select(QueueContact.token_hash).where(QueueContact.id == row.contact_id)
        )
    else:
        return False
    return stored is not None and bool(token) and token_matches(token, stored)


# Records stored in one transaction at most: a burst is written in a few commits, and a batch
# that fails is retried record by record.
BATCH_RECORDS = 100


class RecordWriter:
    """A bounded queue of records and the one task that stores them in order.

    Each session ends once and a handover happens at most a few times per session, so the queue
    holds at most a few records per open session, plus the presence changes of the interpreters;
    its bound (`capacity`) is sized from `max_sessions`. If it is ever full, the record is logged
    as lost (by its kind and ids) rather than stalling signaling.
    """

    def __init__(self, sessions: Sessions, capacity: int) -> None:
        self._sessions = sessions
        self._queue: asyncio.Queue[RecordEvent] = asyncio.Queue(maxsize=capacity)
        self._task: asyncio.Task[None] | None = None

    def put(self, record: RecordEvent) -> None:
        try:
            self._queue.put_nowait(record)
        except asyncio.QueueFull:
            log.error("record queue full; record lost: %s", describe(record))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="signaling-records")

    async def flush(self) -> None:
        """Wait until every queued record is stored (or failed and was logged)."""
        await self._queue.join()

    async def stop(self, grace_seconds: float) -> None:
        """Store what is queued (for at most `grace_seconds`), then end the task."""
        try:
            async with asyncio.timeout(grace_seconds):
                await self.flush()
        except TimeoutError:
            log.error("record writer stopped with %s records unsaved", self._queue.qsize())
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < BATCH_RECORDS and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await save_records(self._sessions, batch, now=utcnow())
            except Exception:
                # One bad record must not lose the others: store them one by one.
                for record in batch:
                    try:
                        await save_record(self._sessions, record, now=utcnow())
                    except Exception:
                        log.exception("could not store a record: %s", describe(record))
            finally:
                for _ in batch:
                    self._queue.task_done()
