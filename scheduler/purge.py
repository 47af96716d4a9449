"""The purge (issue 6, PIPA art. 21): removes what `scheduler.retention` says has expired.

- Recordings: each file is overwritten with zeros, flushed to disk and unlinked, then its row is
  deleted. A file already gone counts as destroyed; a file that cannot be overwritten keeps its
  row, so the next purge tries again (and the failure is logged, by recording id only).
- Chat transcripts: the lines are deleted.
- Counseling records: the summary, agency and follow-up date are cleared; the category and
  outcome (no personal data) stay for the statistics.
- Contact details: a booking's name, contact and note, and a walk-in's display name, are
  cleared and their link tokens made useless (a random hash); survey comments are cleared.
  The rows stay: times, language, mode, status and stars are what the statistics count.

On SQLite the purge turns on `secure_delete`, so freed pages are zeroed rather than left in the
file. One audit entry per purge says what was removed, in numbers only (no name, no id of a
person). `run_purge` is called by the CLI (`python -m signdesk purge`) and by the server's
scheduled task (`signdesk.app`).
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.codes import hash_token
from scheduler.models import (
    AuditEntry,
    CallSessionRecord,
    ChatMessage,
    CounselingRecord,
    QueueContact,
    RecordingRow,
    Reservation,
    SurveyAnswer,
)
from scheduler.retention import Cutoffs, PurgeCounts, RetentionPolicy, cutoffs
from scheduler.store import Sessions

log = logging.getLogger(__name__)

PURGE_ACTOR = "system:purge"
CLEARED_NAME = ""  # a booking's name once purged (the column is NOT NULL)
# A walk-in contact lives a few hours (its token expires, its session ends within the walk-in
# limit): counted as ended a day after it was created.
CONTACT_LIFETIME = timedelta(days=1)
OVERWRITE_CHUNK = 1 << 20


def destroy_file(path: Path) -> int:
    """Overwrite `path` with zeros, flush it to disk, unlink it; the bytes overwritten (0 when it
    was already gone). Raises `OSError` when it exists but cannot be destroyed."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    with open(path, "r+b") as handle:
        left = size
        zeros = bytes(min(OVERWRITE_CHUNK, max(size, 1)))
        while left > 0:
            chunk = min(left, len(zeros))
            handle.write(zeros[:chunk])
            left -= chunk
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    return size


# What a cleared counseling record keeps of its contents (the category and outcome stay).
CLEARED_RECORD: Final[dict[str, object]] = {"summary": "", "agency": None, "follow_up_date": None}


async def destroy_recording(session: AsyncSession, row: RecordingRow, directory: Path) -> int:
    """Destroy one recording's file (`destroy_file`) and delete its row; the bytes overwritten.
    Raises `OSError` (and keeps the row) when the file cannot be destroyed."""
    size = destroy_file(directory / Path(row.file_name).name)  # never outside the directory
    await session.delete(row)
    return size


def clear_reservation(reservation: Reservation, now: datetime, *, keep_link: bool) -> None:
    """Clear a booking's name, contact and note. `keep_link`: the citizen who asked for it may
    still open the booking's page to see it done; otherwise (the purge) the link stops working."""
    reservation.citizen_name = CLEARED_NAME
    reservation.contact = None
    reservation.note = None
    if not keep_link:
        reservation.token_hash = _useless_token_hash()
    reservation.personal_data_purged_at = now


async def run_purge(
    sessions: Sessions,
    policy: RetentionPolicy,
    recordings_dir: Path,
    *,
    now: datetime,
    dry_run: bool = False,
) -> PurgeCounts:
    """Purge everything expired at `now`; with `dry_run`, count it and change nothing."""
    limits = cutoffs(policy, now)
    counts = PurgeCounts()
    async with sessions() as session, session.begin():
        if session.bind.dialect.name == "sqlite":
            await session.execute(text("PRAGMA secure_delete = ON"))
        counts = await _recordings(session, limits, recordings_dir, counts, dry_run)
        counts = await _chat(session, limits, counts, dry_run)
        counts = await _records(session, limits, counts, dry_run)
        counts = await _contacts(session, limits, counts, dry_run, now)
        if not dry_run:
            session.add(
                AuditEntry(
                    at=now,
                    actor=PURGE_ACTOR,
                    action="privacy.purge",
                    target="retention",
                    detail=counts.describe(),
                )
            )
    log.info("purge%s: %s", " (dry run)" if dry_run else "", counts.describe())
    return counts


async def _recordings(
    session: AsyncSession, limits: Cutoffs, directory: Path, counts: PurgeCounts, dry_run: bool
) -> PurgeCounts:
    rows = list(
        await session.scalars(select(RecordingRow).where(RecordingRow.ended_at < limits.recordings))
    )
    destroyed, size = 0, 0
    for row in rows:
        if dry_run:
            destroyed += 1
            continue
        try:
            size += await destroy_recording(session, row, directory)
        except OSError as exc:
            log.error("purge: recording %s could not be destroyed (%s)", row.recording_id, exc)
            continue
        destroyed += 1
    return replace(counts, recordings_deleted=destroyed, recording_bytes_destroyed=size)


async def _chat(
    session: AsyncSession, limits: Cutoffs, counts: PurgeCounts, dry_run: bool
) -> PurgeCounts:
    expired_sessions = select(CallSessionRecord.id).where(CallSessionRecord.ended_at < limits.chat)
    where = ChatMessage.call_session_id.in_(expired_sessions)
    if dry_run:
        number = await session.scalar(select(func.count()).select_from(ChatMessage).where(where))
    else:
        result = await session.execute(delete(ChatMessage).where(where))
        number = result.rowcount  # type: ignore[attr-defined]
    return replace(counts, chat_messages_deleted=int(number or 0))


async def _records(
    session: AsyncSession, limits: Cutoffs, counts: PurgeCounts, dry_run: bool
) -> PurgeCounts:
    expired_sessions = select(CallSessionRecord.id).where(
        CallSessionRecord.ended_at < limits.records
    )
    where = (
        CounselingRecord.call_session_id.in_(expired_sessions),
        or_(
            CounselingRecord.summary != "",
            CounselingRecord.agency.is_not(None),
            CounselingRecord.follow_up_date.is_not(None),
        ),
    )
    if dry_run:
        number = await session.scalar(
            select(func.count()).select_from(CounselingRecord).where(*where)
        )
    else:
        result = await session.execute(
            update(CounselingRecord)
            .where(*where)
            .values(**CLEARED_RECORD)
            .execution_options(synchronize_session=False)
        )
        number = result.rowcount  # type: ignore[attr-defined]
    return replace(counts, records_cleared=int(number or 0))


def _useless_token_hash() -> str:
    """A hash no token will ever match: the purged link stops working."""
    return hash_token(secrets.token_urlsafe(32))


async def _contacts(
    session: AsyncSession, limits: Cutoffs, counts: PurgeCounts, dry_run: bool, now: datetime
) -> PurgeCounts:
    reservations = list(
        await session.scalars(
            select(Reservation).where(
                Reservation.ends_at < limits.contacts,
                Reservation.personal_data_purged_at.is_(None),
            )
        )
    )
    contacts = list(
        await session.scalars(
            select(QueueContact).where(
                QueueContact.created_at < limits.contacts - CONTACT_LIFETIME,
                QueueContact.personal_data_purged_at.is_(None),
            )
        )
    )
    comment_where = (
        SurveyAnswer.answered_at < limits.contacts,
        SurveyAnswer.comment.is_not(None),
    )
    if dry_run:
        comments = await session.scalar(
            select(func.count()).select_from(SurveyAnswer).where(*comment_where)
        )
    else:
        for reservation in reservations:
            clear_reservation(reservation, now, keep_link=False)
        for contact in contacts:
            contact.display_name = None
            contact.token_hash = _useless_token_hash()
            contact.personal_data_purged_at = now
        result = await session.execute(
            update(SurveyAnswer).where(*comment_where).values(comment=None)
        )
        comments = result.rowcount  # type: ignore[attr-defined]
    return replace(
        counts,
        reservations_cleared=len(reservations),
        contacts_cleared=len(contacts),
        survey_comments_cleared=int(comments or 0),
    )
