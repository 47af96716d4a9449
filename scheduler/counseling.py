"""Counseling records (issue 6): the interpreter's record of a call session, its rules, and the
database shell that saves, joins, searches and exports records.

The rules at the top are pure functions of their inputs and `today` (no database, no HTTP):
what a draft may hold, what a complete record needs, who may read or edit one, how a record
becomes an Open311 service request. The store below loads and saves through SQLAlchemy.

Two levels of checking, because the form autosaves while the interpreter types:
- *hard* rules hold for every save (bounded lengths, a known category and outcome, a follow-up
  date not set in the past); a draft that breaks one is refused (422) and nothing is stored;
- *completeness* rules (a category and an outcome, an agency when referred, a follow-up date only
  for "follow-up needed" or "referred") are reported with every saved draft and enforced only
  when the interpreter finishes the record (`final`).

Exports read in keyset chunks, each in its own short transaction, instead of one long cursor: on
SQLite every transaction takes the write lock (`BEGIN IMMEDIATE`, see `signdesk.db`), so a slow
download on one open cursor would stop every writer (log-ins, the call record writer) for its
whole length; on PostgreSQL it would pin a pooled connection. Memory stays bounded by the chunk.
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Select, and_, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.domain import Channel, Role
from scheduler.models import (
    MAX_RECORD_AGENCY_CHARS,
    MAX_RECORD_SUMMARY_CHARS,
    AuditEntry,
    CallSessionRecord,
    ChatMessage,
    CounselingRecord,
    Interpreter,
    QueueContact,
    RecordCategory,
    RecordingRow,
    Reservation,
    SurveyAnswer,
)
from scheduler.store import NotFound, Sessions, local_day_bounds
from signdesk.db import UTCDateTime

# --- the rules (pure) ----------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
EXPORT_CHUNK_ROWS = 500
MAX_RECENT_SESSIONS = 50
# Channel of a walk-in session (a booking's channel is how it was booked: web, phone, ...).
LIVE_CHANNEL = "live"
CHANNELS = (*(c.value for c in Channel), LIVE_CHANNEL)


class Outcome(StrEnum):
    ANSWERED = "answered"
    REFERRED = "referred"
    FOLLOW_UP = "follow_up"
    COULD_NOT_HELP = "could_not_help"


# The outcomes after which something still happens on a date (the follow-up date).
DATED_OUTCOMES = frozenset({Outcome.REFERRED, Outcome.FOLLOW_UP})


class Problem(StrEnum):
    """Why a field of a record is refused or incomplete (the API's field messages)."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    UNKNOWN = "unknown"
    IN_THE_PAST = "in_the_past"
    NOT_FOR_OUTCOME = "not_for_outcome"
    CONTROL_CHARS = "control_chars"


PROBLEM_TEXT: Mapping[Problem, str] = {
    Problem.REQUIRED: "is required",
    Problem.TOO_LONG: "is too long",
    Problem.UNKNOWN: "is not a known value",
    Problem.IN_THE_PAST: "must be today or later",
    Problem.NOT_FOR_OUTCOME: "only for 'follow-up needed' or 'referred'",
    Problem.CONTROL_CHARS: "must not contain control characters",
}


@dataclass(frozen=True, slots=True)
class RecordInput:
    """What the interpreter typed; blank text is already None (agency) or "" (summary)."""

    category: str | None = None
    summary: str = ""
    outcome: Outcome | None = None
    agency: str | None = None
    follow_up_date: date | None = None


class InvalidRecord(Exception):
    """A save broke a rule; `fields` maps each field to its problem."""

    def __init__(self, fields: Mapping[str, Problem]) -> None:
        super().__init__("invalid record")
        self.fields = dict(fields)


def _has_control(text: str) -> bool:
    return any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text)


def hard_problems(
    record: RecordInput,
    *,
    categories: Collection[str],
    previous_follow_up: date | None,
    today: date,
) -> dict[str, Problem]:
    """Problems no save may have. `categories` are the codes the record may use (the active
    ones, plus the one it already had). A follow-up date is checked against `today` only when it
    changes: a date that was valid when set stays savable after it passes."""
    problems: dict[str, Problem] = {}
    if len(record.summary) > MAX_RECORD_SUMMARY_CHARS:
        problems["summary"] = Problem.TOO_LONG
    elif _has_control(record.summary):
        problems["summary"] = Problem.CONTROL_CHARS
    if record.agency is not None:
        if len(record.agency) > MAX_RECORD_AGENCY_CHARS:
            problems["agency"] = Problem.TOO_LONG
        elif _has_control(record.agency) or "\n" in record.agency:
            problems["agency"] = Problem.CONTROL_CHARS
    if record.category is not None and record.category not in categories:
        problems["category"] = Problem.UNKNOWN
    if (
        record.follow_up_date is not None
        and record.follow_up_date != previous_follow_up
        and record.follow_up_date < today
    ):
        problems["follow_up_date"] = Problem.IN_THE_PAST
    return problems


def completeness_problems(record: RecordInput) -> dict[str, Problem]:
    """What a finished record still lacks (empty: the record is complete)."""
    problems: dict[str, Problem] = {}
    if record.category is None:
        problems["category"] = Problem.REQUIRED
    if record.outcome is None:
        problems["outcome"] = Problem.REQUIRED
    if record.outcome is Outcome.REFERRED and not record.agency:
        problems["agency"] = Problem.REQUIRED
    if record.follow_up_date is not None and record.outcome not in DATED_OUTCOMES:
        problems["follow_up_date"] = Problem.NOT_FOR_OUTCOME
    return problems


def check_save(
    record: RecordInput,
    *,
    final: bool,
    categories: Collection[str],
    previous_follow_up: date | None,
    today: date,
) -> dict[str, Problem]:
    """Raise `InvalidRecord` for what this save may not hold; return what is still missing."""
    hard = hard_problems(
        record, categories=categories, previous_follow_up=previous_follow_up, today=today
    )
    missing = completeness_problems(record)
    if hard or (final and missing):
        raise InvalidRecord({**missing, **hard} if final else hard)
    return missing


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who asks: the logged-in account, its role and (for interpreters) its interpreter id."""

    account_id: int
    role: Role
    interpreter_id: int | None

    @property
    def actor(self) -> str:
        return f"account:{self.account_id}"


def may_open(viewer: Viewer, session_interpreter_id: int | None) -> bool:
    """Supervisors read every record; an interpreter only those of sessions they took. Staff
    (reservations) never see record contents."""
    if viewer.role is Role.SUPERVISOR:
        return True
    if viewer.role is Role.INTERPRETER:
        return viewer.interpreter_id is not None and viewer.interpreter_id == (
            session_interpreter_id
        )
    return False


def open311_status(outcome: str | None, complete: bool) -> Literal["open", "closed"]:
    """Open while something is still to be done here (a follow-up, or an unfinished record);
    closed once answered, referred to another agency, or declared beyond help."""
    if not complete or outcome in (None, Outcome.FOLLOW_UP):
        return "open"
    return "closed"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value for a CSV cell. Text that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP "CSV injection"): summaries and agencies are typed by people."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.1f}"
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """The supervisors' search: each field narrows, None means any. Dates are local days of the
    session's start (the caller's join)."""

    first_day: date | None = None
    last_day: date | None = None
    interpreter_id: int | None = None
    category: str | None = None
    outcome: Outcome | None = None
    language: str | None = None
    channel: str | None = None  # a booking channel, or "live" for walk-ins
    mode: Literal["video", "chat"] | None = None


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    """(offset, limit) of a 1-based page; the size is clamped to [1, MAX_PAGE_SIZE]."""
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    return (max(1, page) - 1) * size, size


# --- what the store returns ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label_ko: str
    label_en: str
    active: bool


@dataclass(frozen=True, slots=True)
class SavedRecord:
    category: str | None
    summary: str
    outcome: str | None
    agency: str | None
    follow_up_date: date | None
    created_at: datetime
    updated_at: datetime
    updated_by_account_id: int | None
    missing: dict[str, Problem]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the system knows about the session (no citizen name, contact or free-text note)."""

    session_id: str
    kind: str
    mode: str
    language: str | None
    channel: str
    specialty: str | None
    booking_code: str | None
    booking_topic: str | None
    slot_start: datetime | None
    slot_end: datetime | None
    queue_joined_at: datetime | None
    interpreter_id: int | None
    interpreter_name: str | None
    handed_over: bool
    caller_joined_at: datetime
    matched_at: datetime | None
    connected_at: datetime | None
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    ended_by: str
    end_reason: str
    quality_summary: dict[str, Any] | None
    transcript_consent: bool
    transcript_truncated: bool


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    seq: int
    sender: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Survey:
    stars: int
    resolved: bool | None
    comment: str | None
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class RecordingFile:
    """One side's recording file of the session (media recording; the `recordings` table)."""

    recording_id: str
    side: str  # "caller" or "interpreter"
    format: str  # "webm" or "mp4"
    bytes: int
    started_at: datetime
    ended_at: datetime


@dataclass(frozen=True, slots=True)
class RecordView:
    """A record joined with what the system knows about its session."""

    session: SessionFacts
    record: SavedRecord | None
    transcript: list[TranscriptLine] | None  # None: not consented, or not stored
    survey: Survey | None
    recordings: list[RecordingFile] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One flat row of a search result or an export: no citizen name, contact or note."""

    call_id: int
    session_id: str
    kind: str
    mode: str
    language: str | None
    channel: str
    booking_code: str | None
    interpreter_id: int | None
    interpreter_name: str | None
    caller_joined_at: datetime
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    end_reason: str
    category: str | None
    category_ko: str | None
    category_en: str | None
    outcome: str | None
    agency: str | None
    follow_up_date: date | None
    summary: str
    survey_stars: int | None
    survey_resolved: bool | None
    created_at: datetime
    updated_at: datetime
    complete: bool


@dataclass(frozen=True, slots=True)
class RecentSession:
    session_id: str
    kind: str
    mode: str
    language: str | None
    caller_joined_at: datetime
    ended_at: datetime
    duration_seconds: float | None
    has_record: bool
    complete: bool


# --- the store -----------------------------------------------------------------------------------


def _outcome(value: str | None) -> Outcome | None:
    """The stored outcome (the table's CHECK allows only the enum's values)."""
    return None if value is None else Outcome(value)


def _input_of(row: CounselingRecord) -> RecordInput:
    return RecordInput(
        category=row.category_code,
        summary=row.summary,
        outcome=_outcome(row.outcome),
        agency=row.agency,
        follow_up_date=row.follow_up_date,
    )


def _saved(row: CounselingRecord) -> SavedRecord:
    return SavedRecord(
        category=row.category_code,
        summary=row.summary,
        outcome=row.outcome,
        agency=row.agency,
        follow_up_date=row.follow_up_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by_account_id=row.updated_by_account_id,
        missing=completeness_problems(_input_of(row)),
    )


def _audit(
    db: AsyncSession, viewer: Viewer, action: str, target: str, detail: str | None, now: datetime
) -> None:
    """Who read or changed which record. `detail` holds codes and field names, never content."""
    db.add(AuditEntry(at=now, actor=viewer.actor, action=action, target=target, detail=detail))


async def list_categories(sessions: Sessions, *, active_only: bool = True) -> list[Category]:
    async with sessions() as db:
        query = select(RecordCategory).order_by(RecordCategory.position, RecordCategory.code)
        if active_only:
            query = query.where(RecordCategory.active.is_(True))
        rows = await db.scalars(query)
        return [Category(r.code, r.label_ko, r.label_en, r.active) for r in rows]


async def _session_row(db: AsyncSession, session_id: str, viewer: Viewer) -> CallSessionRecord:
    row = await db.scalar(
        select(CallSessionRecord).where(CallSessionRecord.session_id == session_id)
    )
    # Someone else's session answers exactly like a missing one: its existence is not told.
    if row is None or not may_open(viewer, row.actual_interpreter_id):
        raise NotFound
    return row


async def _facts(db: AsyncSession, row: CallSessionRecord) -> SessionFacts:
    reservation = (
        None if row.reservation_id is None else await db.get(Reservation, row.reservation_id)
    )
    contact = None if row.contact_id is None else await db.get(QueueContact, row.contact_id)
    interpreter = (
        None
        if row.actual_interpreter_id is None
        else await db.get(Interpreter, row.actual_interpreter_id)
    )
    if reservation is not None:
        language: str | None = reservation.language
        channel = reservation.channel.value
        specialty = reservation.specialty
    else:
        language = None if contact is None else contact.language
        channel = LIVE_CHANNEL
        specialty = row.specialty
    return SessionFacts(
        session_id=row.session_id,
        kind=row.kind,
        mode=row.mode,
        language=language,
        channel=channel,
        specialty=specialty,
        booking_code=None if reservation is None else reservation.code,
        booking_topic=None if reservation is None else reservation.topic,
        slot_start=None if reservation is None else reservation.starts_at,
        slot_end=None if reservation is None else reservation.ends_at,
        queue_joined_at=None if contact is None else contact.created_at,
        interpreter_id=row.actual_interpreter_id,
        interpreter_name=None if interpreter is None else interpreter.display_name,
        handed_over=row.handed_over,
        caller_joined_at=row.caller_joined_at,
        matched_at=row.matched_at,
        connected_at=row.connected_at,
        ended_at=row.ended_at,
        wait_seconds=row.wait_seconds,
        duration_seconds=row.duration_seconds,
        ended_by=row.ended_by,
        end_reason=row.end_reason,
        quality_summary=row.quality_summary,
        transcript_consent=row.transcript_consent,
        transcript_truncated=row.transcript_truncated,
    )


async def _transcript(db: AsyncSession, row: CallSessionRecord) -> list[TranscriptLine] | None:
    if not row.transcript_consent:
        return None
    lines = await db.scalars(
        select(ChatMessage).where(ChatMessage.call_session_id == row.id).order_by(ChatMessage.seq)
    )
    found = [TranscriptLine(m.seq, m.sender, m.text, m.at) for m in lines]
    return found or None


async def _survey(db: AsyncSession, session_id: str) -> Survey | None:
    answer = await db.get(SurveyAnswer, session_id)
    if answer is None:
        return None
    return Survey(answer.stars, answer.resolved, answer.comment, answer.answered_at)


async def recordings_for(db: AsyncSession, session_id: str) -> list[RecordingFile]:
    """The files of the session's recording (relay mode, with the caller's consent), shown with
    its record: one per side and reconnect, oldest first. The file itself stays on the server."""
    rows = await db.scalars(
        select(RecordingRow)
        .where(RecordingRow.session_id == session_id)
        .order_by(RecordingRow.started_at, RecordingRow.side)
    )
    return [
        RecordingFile(
            recording_id=row.recording_id,
            side=row.side,
            format=row.format,
            bytes=row.bytes,
            started_at=row.started_at,
            ended_at=row.ended_at,
        )
        for row in rows
    ]


async def get_view(
    sessions: Sessions, session_id: str, viewer: Viewer, *, now: datetime
) -> RecordView:
    """The record of a session joined with the session's facts; the read is audited."""
    async with sessions() as db, db.begin():
        row = await _session_row(db, session_id, viewer)
        record = await db.scalar(
            select(CounselingRecord).where(CounselingRecord.call_session_id == row.id)
        )
        facts = await _facts(db, row)
        view = RecordView(
            session=facts,
            record=None if record is None else _saved(record),
            transcript=await _transcript(db, row),
            survey=await _survey(db, row.session_id),
            recordings=await recordings_for(db, row.session_id),
        )
        _audit(db, viewer, "record.view", f"session:{session_id}", None, now)
        return view


async def session_exists(sessions: Sessions, session_id: str) -> bool:
    async with sessions() as db:
        found = await db.scalar(
            select(CallSessionRecord.id).where(CallSessionRecord.session_id == session_id)
        )
        return found is not None


async def save(
    sessions: Sessions,
    session_id: str,
    viewer: Viewer,
    record: RecordInput,
    *,
    final: bool,
    now: datetime,
    today: date,
) -> SavedRecord:
    """Create or update the session's record in one transaction (audited with the names of the
    fields that changed, never their content). Raises `InvalidRecord` or `NotFound`."""
    async with sessions() as db, db.begin():
        row = await _session_row(db, session_id, viewer)
        existing = await db.scalar(
            select(CounselingRecord)
            .where(CounselingRecord.call_session_id == row.id)
            .with_for_update()
        )
        allowed = {
            code
            for code in await db.scalars(
                select(RecordCategory.code).where(RecordCategory.active.is_(True))
            )
        }
        if existing is not None and existing.category_code is not None:
            allowed.add(existing.category_code)
        check_save(
            record,
            final=final,
            categories=allowed,
            previous_follow_up=None if existing is None else existing.follow_up_date,
            today=today,
        )
        values = {
            "category_code": record.category,
            "summary": record.summary,
            "outcome": None if record.outcome is None else record.outcome.value,
            "agency": record.agency,
            "follow_up_date": record.follow_up_date,
        }
        if existing is None:
            existing = CounselingRecord(
                call_session_id=row.id,
                created_at=now,
                updated_at=now,
                updated_by_account_id=viewer.account_id,
                **values,
            )
            db.add(existing)
            changed = [name for name, value in values.items() if value not in (None, "")]
            action = "record.create"
        else:
            changed = [name for name, value in values.items() if getattr(existing, name) != value]
            for name, value in values.items():
                setattr(existing, name, value)
            if changed:
                existing.updated_at = now
                existing.updated_by_account_id = viewer.account_id
            action = "record.update"
        if changed or action == "record.create":
            detail = ("final; " if final else "") + "fields=" + ",".join(sorted(changed))
            _audit(db, viewer, action, f"session:{session_id}", detail[:400], now)
        await db.flush()
        return _saved(existing)


_LANGUAGE = func.coalesce(Reservation.language, QueueContact.language)


def _rows_query() -> Select[Any]:
    return (
        select(
            CallSessionRecord.id,
            CallSessionRecord.session_id,
            CallSessionRecord.kind,
            CallSessionRecord.mode,
            _LANGUAGE.label("language"),
            Reservation.channel,
            Reservation.code,
            CallSessionRecord.actual_interpreter_id,
            Interpreter.display_name,
            CallSessionRecord.caller_joined_at,
            CallSessionRecord.ended_at,
            CallSessionRecord.wait_seconds,
            CallSessionRecord.duration_seconds,
            CallSessionRecord.end_reason,
            CounselingRecord.category_code,
            RecordCategory.label_ko,
            RecordCategory.label_en,
            CounselingRecord.outcome,
            CounselingRecord.agency,
            CounselingRecord.follow_up_date,
            CounselingRecord.summary,
            SurveyAnswer.stars,
            SurveyAnswer.resolved,
            CounselingRecord.created_at,
            CounselingRecord.updated_at,
        )
        .select_from(CounselingRecord)
        .join(CallSessionRecord, CallSessionRecord.id == CounselingRecord.call_session_id)
        .outerjoin(Reservation, Reservation.id == CallSessionRecord.reservation_id)
        .outerjoin(QueueContact, QueueContact.id == CallSessionRecord.contact_id)
        .outerjoin(Interpreter, Interpreter.id == CallSessionRecord.actual_interpreter_id)
        .outerjoin(RecordCategory, RecordCategory.code == CounselingRecord.category_code)
        .outerjoin(SurveyAnswer, SurveyAnswer.session_id == CallSessionRecord.session_id)
    )


def _filtered(query: Select[Any], where: RecordFilter, tz: ZoneInfo) -> Select[Any]:
    if where.first_day is not None or where.last_day is not None:
        first = where.first_day or date(2000, 1, 1)
        last = where.last_day or date(2200, 12, 30)
        start, end = local_day_bounds(first, last, tz)
        query = query.where(
            CallSessionRecord.caller_joined_at >= start, CallSessionRecord.caller_joined_at < end
        )
    if where.interpreter_id is not None:
        query = query.where(CallSessionRecord.actual_interpreter_id == where.interpreter_id)
    if where.category is not None:
        query = query.where(CounselingRecord.category_code == where.category)
    if where.outcome is not None:
        query = query.where(CounselingRecord.outcome == where.outcome.value)
    if where.language is not None:
        query = query.where(
            or_(Reservation.language == where.language, QueueContact.language == where.language)
        )
    if where.channel == LIVE_CHANNEL:
        query = query.where(CallSessionRecord.kind == "walk_in")
    elif where.channel is not None:
        query = query.where(Reservation.channel == Channel(where.channel))
    if where.mode is not None:
        query = query.where(CallSessionRecord.mode == where.mode)
    return query


def _row(r: Any) -> RecordRow:
    (
        call_id,
        session_id,
        kind,
        mode,
        language,
        channel,
        code,
        interpreter_id,
        interpreter_name,
        joined,
        ended,
        wait,
        duration,
        end_reason,
        category,
        label_ko,
        label_en,
        outcome,
        agency,
        follow_up,
        summary,
        stars,
        resolved,
        created,
        updated,
    ) = tuple(r)
    missing = completeness_problems(
        RecordInput(category, summary, _outcome(outcome), agency, follow_up)
    )
    return RecordRow(
        call_id=call_id,
        session_id=session_id,
        kind=kind,
        mode=mode,
        language=language,
        channel=LIVE_CHANNEL if channel is None else Channel(channel).value,
        booking_code=code,
        interpreter_id=interpreter_id,
        interpreter_name=interpreter_name,
        caller_joined_at=joined,
        ended_at=ended,
        wait_seconds=wait,
        duration_seconds=duration,
        end_reason=end_reason,
        category=category,
        category_ko=label_ko,
        category_en=label_en,
        outcome=outcome,
        agency=agency,
        follow_up_date=follow_up,
        summary=summary,
        survey_stars=stars,
        survey_resolved=resolved,
        created_at=created,
        updated_at=updated,
        complete=not missing,
    )


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    page: int
    page_size: int
    rows: list[RecordRow]


def _describe(where: RecordFilter) -> str:
    """The filters of a search or export for the audit log: codes, ids and dates only."""
    parts = [
        f"{name}={value}"
        for name, value in (
            ("from", where.first_day),
            ("to", where.last_day),
            ("interpreter", where.interpreter_id),
            ("category", where.category),
            ("outcome", where.outcome),
            ("language", where.language),
            ("channel", where.channel),
            ("mode", where.mode),
        )
        if value is not None
    ]
    return ",".join(parts)


async def search(
    sessions: Sessions,
    viewer: Viewer,
    where: RecordFilter,
    tz: ZoneInfo,
    *,
    page: int,
    page_size: int,
    now: datetime,
) -> SearchPage:
    """One page of records, newest session first, and how many match; the search is audited."""
    offset, limit = page_bounds(page, page_size)
    async with sessions() as db, db.begin():
        base = _filtered(_rows_query(), where, tz)
        total = await db.scalar(select(func.count()).select_from(base.subquery()))
        result = await db.execute(
            base.order_by(CallSessionRecord.caller_joined_at.desc(), CallSessionRecord.id.desc())
            .offset(offset)
            .limit(limit)
        )
        rows = [_row(r) for r in result]
        detail = f"page={max(1, page)};" + _describe(where)
        _audit(db, viewer, "records.search", "records", detail[:400], now)
    return SearchPage(total=total or 0, page=max(1, page), page_size=limit, rows=rows)


async def audit_export(
    sessions: Sessions, viewer: Viewer, export_format: str, where: RecordFilter, *, now: datetime
) -> None:
    """Write the export's audit entry before the first byte is sent (an aborted download is
    still on the record)."""
    async with sessions() as db, db.begin():
        detail = f"format={export_format};" + _describe(where)
        _audit(db, viewer, "records.export", "records", detail[:400], now)


async def export_chunks(
    sessions: Sessions, where: RecordFilter, tz: ZoneInfo, *, chunk: int = EXPORT_CHUNK_ROWS
) -> AsyncGenerator[list[RecordRow], None]:
    """Every matching record in session order, `chunk` rows at a time (keyset pages, each read
    in its own short transaction; see the module's docstring)."""
    chunk = max(1, chunk)
    after: tuple[datetime, int] | None = None
    while True:
        query = _filtered(_rows_query(), where, tz)
        if after is not None:
            joined, call_id = after
            # A row-value comparison: both databases walk the index from the last key.
            query = query.where(
                tuple_(CallSessionRecord.caller_joined_at, CallSessionRecord.id)
                > tuple_(literal(joined, UTCDateTime()), literal(call_id, Integer()))
            )
        query = query.order_by(CallSessionRecord.caller_joined_at, CallSessionRecord.id).limit(
            chunk
        )
        async with sessions() as db:
            result = await db.execute(query)
            rows = [_row(r) for r in result]
        if not rows:
            return
        yield rows
        if len(rows) < chunk:
            return
        last = rows[-1]
        after = (last.caller_joined_at, last.call_id)


async def recent_sessions(
    sessions: Sessions, interpreter_id: int, *, limit: int = 10
) -> list[RecentSession]:
    """The interpreter's latest answered sessions and whether each has a (complete) record."""
    limit = max(1, min(limit, MAX_RECENT_SESSIONS))
    async with sessions() as db:
        result = await db.execute(
            select(CallSessionRecord, CounselingRecord, _LANGUAGE)
            .outerjoin(CounselingRecord, CounselingRecord.call_session_id == CallSessionRecord.id)
            .outerjoin(Reservation, Reservation.id == CallSessionRecord.reservation_id)
            .outerjoin(QueueContact, QueueContact.id == CallSessionRecord.contact_id)
            .where(
                and_(
                    CallSessionRecord.actual_interpreter_id == interpreter_id,
                    CallSessionRecord.matched_at.is_not(None),
                )
            )
            .order_by(CallSessionRecord.ended_at.desc(), CallSessionRecord.id.desc())
            .limit(limit)
        )
        out: list[RecentSession] = []
        for call, record, language in result.tuples():
            out.append(
                RecentSession(
                    session_id=call.session_id,
                    kind=call.kind,
                    mode=call.mode,
                    language=language,
                    caller_joined_at=call.caller_joined_at,
                    ended_at=call.ended_at,
                    duration_seconds=call.duration_seconds,
                    has_record=record is not None,
                    complete=record is not None and not _saved(record).missing,
                )
            )
        return out
