"""A citizen's rights over their data (PIPA art. 35-36): see what is kept about their booking, and
ask for it to be deleted; staff carry the request out (or refuse it, saying why elsewhere).

- `my_data`: everything kept about one booking, found by its code and link token: the booking,
  its consents (with versions, times and withdrawals), each call session (times, mode, the chat
  transcript, the recordings, the counseling record, the survey answer), when each class of it
  will be purged (`scheduler.retention`), and any deletion request.
- `request_deletion`: queues one open request per booking (a second asks nothing new).
- `handle_deletion`: done (`erase_booking`) or refused, by a staff account.

Every step writes an audit entry naming the booking by id and the actor, never a name or contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.codes import token_matches
from scheduler.models import (
    AuditEntry,
    CallSessionRecord,
    ChatMessage,
    CounselingRecord,
    DeletionRequest,
    RecordingRow,
    Reservation,
    SurveyAnswer,
)
from scheduler.purge import CLEARED_RECORD, clear_reservation, destroy_recording
from scheduler.retention import DataClass, RetentionPolicy, keep_until
from scheduler.store import NotFound, Sessions


class RequestNotOpen(Exception):
    """The deletion request was already handled."""


@dataclass(frozen=True, slots=True)
class ChatLineView:
    sender: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SessionData:
    session_id: str
    mode: str
    joined_at: datetime
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    transcript_consent_version: str | None
    transcript_consent_at: datetime | None
    transcript_withdrawn_at: datetime | None
    recording_consent_version: str | None
    recording_consent_at: datetime | None
    recording_withdrawn_at: datetime | None
    chat: tuple[ChatLineView, ...]
    recordings: tuple[tuple[str, int, datetime], ...]  # side, bytes, ended
    record_category: str | None
    record_outcome: str | None
    record_summary: str | None
    record_agency: str | None
    record_follow_up: date | None
    survey_stars: int | None
    survey_comment: str | None
    chat_kept_until: datetime
    recordings_kept_until: datetime
    record_kept_until: datetime


@dataclass(frozen=True, slots=True)
class MyData:
    code: str
    name: str
    contact: str | None
    note: str | None
    language: str
    topic: str
    starts_at: datetime
    ends_at: datetime
    status: str
    consent_version: str
    consented_at: datetime
    contact_kept_until: datetime
    purged_at: datetime | None
    sessions: tuple[SessionData, ...] = ()
    deletion_requested_at: datetime | None = None
    deletion_status: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


async def _reservation(session: AsyncSession, code: str, token: str) -> Reservation:
    reservation = await session.scalar(select(Reservation).where(Reservation.code == code))
    if reservation is None or not token_matches(token, reservation.token_hash):
        raise NotFound
    return reservation


async def my_data(
    sessions: Sessions, code: str, token: str, policy: RetentionPolicy, *, now: datetime
) -> MyData:
    """Everything kept about the booking `code`, for the holder of its link; audited as a view."""
    async with sessions() as session, session.begin():
        reservation = await _reservation(session, code, token)
        calls = list(
            await session.scalars(
                select(CallSessionRecord)
                .where(CallSessionRecord.reservation_id == reservation.id)
                .order_by(CallSessionRecord.caller_joined_at)
            )
        )
        views = [await _session_data(session, call, policy) for call in calls]
        request = await session.scalar(
            select(DeletionRequest)
            .where(DeletionRequest.reservation_id == reservation.id)
            .order_by(DeletionRequest.requested_at.desc())
            .limit(1)
        )
        session.add(_audit(now, f"citizen:{reservation.code}", "privacy.viewed", reservation))
        return MyData(
            code=reservation.code,
            name=reservation.citizen_name,
            contact=reservation.contact,
            note=reservation.note,
            language=reservation.language,
            topic=reservation.topic,
            starts_at=reservation.starts_at,
            ends_at=reservation.ends_at,
            status=reservation.status.value,
            consent_version=reservation.consent_version,
            consented_at=reservation.consented_at,
            contact_kept_until=keep_until(policy, DataClass.CONTACTS, reservation.ends_at),
            purged_at=reservation.personal_data_purged_at,
            sessions=tuple(views),
            deletion_requested_at=None if request is None else request.requested_at,
            deletion_status=None if request is None else request.status,
        )


async def _session_data(
    session: AsyncSession, call: CallSessionRecord, policy: RetentionPolicy
) -> SessionData:
    chat = await session.scalars(
        select(ChatMessage).where(ChatMessage.call_session_id == call.id).order_by(ChatMessage.seq)
    )
    recordings = await session.scalars(
        select(RecordingRow).where(RecordingRow.session_id == call.session_id)
    )
    record = await session.scalar(
        select(CounselingRecord).where(CounselingRecord.call_session_id == call.id)
    )
    survey = await session.get(SurveyAnswer, call.session_id)
    return SessionData(
        session_id=call.session_id,
        mode=call.mode,
        joined_at=call.caller_joined_at,
        ended_at=call.ended_at,
        wait_seconds=call.wait_seconds,
        duration_seconds=call.duration_seconds,
        transcript_consent_version=call.transcript_consent_version,
        transcript_consent_at=call.transcript_consent_at,
        transcript_withdrawn_at=call.transcript_withdrawn_at,
        recording_consent_version=call.recording_consent_version,
        recording_consent_at=call.recording_consent_at,
        recording_withdrawn_at=call.recording_withdrawn_at,
        chat=tuple(ChatLineView(line.sender, line.text, line.at) for line in chat),
        recordings=tuple((r.side, r.bytes, r.ended_at) for r in recordings),
        record_category=None if record is None else record.category_code,
        record_outcome=None if record is None else record.outcome,
        record_summary=None if record is None else record.summary,
        record_agency=None if record is None else record.agency,
        record_follow_up=None if record is None else record.follow_up_date,
        survey_stars=None if survey is None else survey.stars,
        survey_comment=None if survey is None else survey.comment,
        chat_kept_until=keep_until(policy, DataClass.CHAT, call.ended_at),
        recordings_kept_until=keep_until(policy, DataClass.RECORDINGS, call.ended_at),
        record_kept_until=keep_until(policy, DataClass.RECORDS, call.ended_at),
    )


async def request_deletion(
    sessions: Sessions, code: str, token: str, *, now: datetime
) -> tuple[int, datetime, bool]:
    """Queue a deletion request for staff: (request id, when asked, whether it is new). One open
    request per booking: asking again returns the open one."""
    async with sessions() as session, session.begin():
        reservation = await _reservation(session, code, token)
        open_request = await session.scalar(
            select(DeletionRequest).where(
                DeletionRequest.reservation_id == reservation.id,
                DeletionRequest.status == "open",
            )
        )
        if open_request is not None:
            return open_request.id, open_request.requested_at, False
        request = DeletionRequest(reservation_id=reservation.id, requested_at=now, status="open")
        session.add(request)
        await session.flush()
        session.add(
            _audit(now, f"citizen:{reservation.code}", "privacy.deletion_requested", reservation)
        )
        return request.id, now, True


@dataclass(frozen=True, slots=True)
class OpenRequest:
    id: int
    code: str | None
    requested_at: datetime


async def open_requests(sessions: Sessions, limit: int = 200) -> list[OpenRequest]:
    """The queue staff work through, oldest first (bounded)."""
    async with sessions() as session:
        rows = await session.execute(
            select(DeletionRequest.id, Reservation.code, DeletionRequest.requested_at)
            .outerjoin(Reservation, Reservation.id == DeletionRequest.reservation_id)
            .where(DeletionRequest.status == "open")
            .order_by(DeletionRequest.requested_at)
            .limit(limit)
        )
        return [OpenRequest(id_, code, at) for id_, code, at in rows]


async def handle_deletion(
    sessions: Sessions,
    request_id: int,
    action: Literal["done", "refused"],
    account_id: int,
    recordings_dir: Path,
    *,
    now: datetime,
) -> int:
    """Carry a request out (`done`: erase the booking's personal data now) or refuse it; returns
    the bytes of recordings destroyed. Raises `NotFound`, `RequestNotOpen`."""
    async with sessions() as session, session.begin():
        request = await session.get(DeletionRequest, request_id, with_for_update=True)
        if request is None:
            raise NotFound
        if request.status != "open":
            raise RequestNotOpen
        destroyed = 0
        reservation = (
            None
            if request.reservation_id is None
            else await session.get(Reservation, request.reservation_id)
        )
        if action == "done" and reservation is not None:
            destroyed = await erase_booking(session, reservation, recordings_dir, now=now)
        request.status = action
        request.handled_at = now
        request.handled_by_account_id = account_id
        session.add(
            AuditEntry(
                at=now,
                actor=f"account:{account_id}",
                action=f"privacy.deletion_{action}",
                target=f"deletion_request:{request.id}",
                detail=None if reservation is None else f"reservation={reservation.id}",
            )
        )
        return destroyed


async def erase_booking(
    session: AsyncSession, reservation: Reservation, recordings_dir: Path, *, now: datetime
) -> int:
    """Erase one booking's personal data now, as the purge would at the end of every period:
    contact details, chat, recordings (files destroyed), record contents, survey comments. The
    times and counts stay for the statistics. Returns the bytes of recordings destroyed."""
    calls = list(
        await session.scalars(
            select(CallSessionRecord).where(CallSessionRecord.reservation_id == reservation.id)
        )
    )
    destroyed = 0
    for call in calls:
        await session.execute(delete(ChatMessage).where(ChatMessage.call_session_id == call.id))
        for row in await session.scalars(
            select(RecordingRow).where(RecordingRow.session_id == call.session_id)
        ):
            destroyed += await destroy_recording(session, row, recordings_dir)
        record = await session.scalar(
            select(CounselingRecord).where(CounselingRecord.call_session_id == call.id)
        )
        if record is not None:
            for field_name, cleared in CLEARED_RECORD.items():
                setattr(record, field_name, cleared)
        survey = await session.get(SurveyAnswer, call.session_id)
        if survey is not None:
            survey.comment = None
    clear_reservation(reservation, now, keep_link=True)
    return destroyed


def _audit(now: datetime, actor: str, action: str, reservation: Reservation) -> AuditEntry:
    return AuditEntry(
        at=now, actor=actor, action=action, target=f"reservation:{reservation.id}", detail=None
    )
