"""Database I/O for signaling: who an interpreter is, and the records the core emits.

The core never waits for the database. Its records go into a bounded queue that one task
(`RecordWriter`) drains, one transaction per record, in the order they were emitted; the queue is
drained before the engine is disposed at shutdown, so the `shutdown` records of open sessions are
kept. A session that ends with a hang-up after both pages reported media connected completes its
reservation (`booked` → `completed`) in the same transaction as its record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.domain import IllegalTransition, ReservationStatus, move_reservation
from scheduler.models import (
    AuditEntry,
    CallSessionRecord,
    HandoverRow,
    Interpreter,
    Reservation,
)
from scheduler.store import Sessions
from signaling.identities import InterpreterIdentity
from signaling.records import HandoverRecord, RecordEvent, SessionRecord
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
        )


def interpreter_identity(account_id: int, row: InterpreterRow) -> InterpreterIdentity:
    return InterpreterIdentity(
        account_id=account_id,
        interpreter_id=row.id,
        display_name=row.display_name,
        languages=row.sign_languages,
    )


def completes_reservation(record: SessionRecord) -> bool:
    """A normal end: someone hung up after both pages had media. Anything else (a drop, media
    that never worked, a slot that ran out, a shutdown) leaves the booking for staff to judge."""
    return record.end_reason is EndReason.HANGUP and record.connected_at is not None


async def save_record(sessions: Sessions, record: RecordEvent, *, now: datetime) -> None:
    """Write one record in its own transaction."""
    async with sessions() as session, session.begin():
        if isinstance(record, SessionRecord):
            await _save_session(session, record, now)
        else:
            _save_handover(session, record)


async def _save_session(session: AsyncSession, record: SessionRecord, now: datetime) -> None:
    session.add(
        CallSessionRecord(
            reservation_id=record.reservation_id,
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
        )
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


class RecordWriter:
    """A bounded queue of records and the one task that stores them in order.

    Each session ends once and a handover happens at most a few times per session, so the queue
    holds at most a few records per open session; its bound (`capacity`) is sized from
    `max_sessions`. If it is ever full, the record is logged as lost (by session id) rather than
    stalling signaling.
    """

    def __init__(self, sessions: Sessions, capacity: int) -> None:
        self._sessions = sessions
        self._queue: asyncio.Queue[RecordEvent] = asyncio.Queue(maxsize=capacity)
        self._task: asyncio.Task[None] | None = None

    def put(self, record: RecordEvent) -> None:
        try:
            self._queue.put_nowait(record)
        except asyncio.QueueFull:
            log.error("record queue full; record of session %s lost", record.session_id)

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
            record = await self._queue.get()
            try:
                await save_record(self._sessions, record, now=utcnow())
            except Exception:  # a bad record must not stop the ones after it
                log.exception("could not store the record of session %s", record.session_id)
            finally:
                self._queue.task_done()
