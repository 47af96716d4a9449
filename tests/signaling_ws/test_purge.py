"""The purge on SQLite and PostgreSQL (issue 6): each class of personal data goes when its period
is over (contact details 30 days after the booking, recordings after 90 days, chat after a year,
record contents after 3 years), files are overwritten and unlinked, the statistics are the same
before and after, the dry run changes nothing, and each purge leaves one PII-free audit entry."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from scheduler.codes import token_matches
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
from scheduler.purge import destroy_file, run_purge
from scheduler.retention import RetentionPolicy
from scheduler.statistics import Period, load_statistics
from signdesk.app import create_app, schedule_purge
from signdesk.appkeys import SESSIONS
from signdesk.db import utcnow
from tests.conftest import make_settings
from tests.signaling_ws.scenario import (
    CITIZEN,
    Booking,
    Client,
    MakeClient,
    add_booking,
    add_interpreter,
)

SEOUL = ZoneInfo("Asia/Seoul")
POLICY = RetentionPolicy()
SUMMARY = "상담 요약: 주거 급여 신청 방법 안내"


def write_recording(path: Path) -> None:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_bytes(b"\x1a\x45\xdf\xa3" + os.urandom(4096))


async def seed(client: Client, recordings: Path) -> tuple[Booking, str, int, datetime]:
    """A booking answered and recorded, with chat, a record, a survey comment, one walk-in
    contact and one recording file; returns (booking, session id, contact id, session end)."""
    interpreter = await add_interpreter(client)
    booking = await add_booking(client, interpreter, starts_in=timedelta(minutes=-20))
    ended = booking.start + timedelta(minutes=15)
    write_recording(recordings / ("a" * 32 + ".webm"))
    async with client.app[SESSIONS]() as db, db.begin():
        row = await db.get(Reservation, booking.id)
        assert row is not None
        row.contact = "010-1234-5678"
        row.note = "휠체어 이용"
        call = CallSessionRecord(
            reservation_id=booking.id,
            kind="reserved",
            mode="video",
            session_id="s_purge0001",
            assigned_interpreter_id=interpreter,
            actual_interpreter_id=interpreter,
            caller_joined_at=booking.start,
            matched_at=booking.start + timedelta(seconds=20),
            connected_at=booking.start + timedelta(seconds=25),
            ended_at=ended,
            wait_seconds=20.0,
            duration_seconds=880.0,
            ended_by="caller",
            end_reason="hangup",
            transcript_consent=True,
        )
        db.add(call)
        await db.flush()
        db.add_all(
            [
                ChatMessage(
                    call_session_id=call.id, seq=1, sender="caller", text="안녕하세요", at=ended
                ),
                ChatMessage(
                    call_session_id=call.id, seq=2, sender="interpreter", text="네", at=ended
                ),
                CounselingRecord(
                    call_session_id=call.id,
                    category_code="housing",
                    summary=SUMMARY,
                    outcome="referred",
                    agency="주민센터",
                    follow_up_date=date(2030, 1, 1),
                    created_at=ended,
                    updated_at=ended,
                ),
                SurveyAnswer(
                    session_id="s_purge0001",
                    stars=4,
                    resolved=True,
                    comment="감사합니다",
                    answered_at=ended,
                ),
                RecordingRow(
                    recording_id="a" * 32,
                    session_id="s_purge0001",
                    side="caller",
                    file_name="a" * 32 + ".webm",
                    format="webm",
                    bytes=4100,
                    frames=10,
                    width=640,
                    height=480,
                    started_at=booking.start,
                    ended_at=ended,
                ),
            ]
        )
        contact = QueueContact(
            created_at=booking.start,
            language="KSL",
            mode="chat",
            display_name="큐 시민",
            token_hash="f" * 64,
            consent_version="test",
            consented_at=booking.start,
        )
        db.add(contact)
        await db.flush()
        contact_id = contact.id
    return booking, "s_purge0001", contact_id, ended


async def statistics(client: Client, around: datetime, now: datetime) -> dict[str, Any]:
    day = around.astimezone(SEOUL).date()
    period = Period(day - timedelta(days=3), day + timedelta(days=3), SEOUL)
    async with client.app[SESSIONS]() as db:
        figures = await load_statistics(db, period, now=now)
    return asdict(figures)


async def state(client: Client, booking: Booking, contact_id: int) -> dict[str, Any]:
    async with client.app[SESSIONS]() as db:
        reservation = await db.get(Reservation, booking.id)
        contact = await db.get(QueueContact, contact_id)
        record = await db.scalar(select(CounselingRecord))
        survey = await db.scalar(select(SurveyAnswer))
        assert reservation is not None and contact is not None and record and survey
        return {
            "name": reservation.citizen_name,
            "contact": reservation.contact,
            "note": reservation.note,
            "link_works": token_matches(booking.token, reservation.token_hash),
            "walk_in_name": contact.display_name,
            "chat": await db.scalar(select(func.count()).select_from(ChatMessage)),
            "recordings": await db.scalar(select(func.count()).select_from(RecordingRow)),
            "summary": record.summary,
            "agency": record.agency,
            "category": record.category_code,
            "outcome": record.outcome,
            "comment": survey.comment,
            "stars": survey.stars,
            "sessions": await db.scalar(select(func.count()).select_from(CallSessionRecord)),
        }


async def audit_details(client: Client) -> list[str]:
    async with client.app[SESSIONS]() as db:
        rows = await db.scalars(
            select(AuditEntry).where(AuditEntry.action == "privacy.purge").order_by(AuditEntry.id)
        )
        return [row.detail or "" for row in rows]


async def test_each_class_goes_at_its_time_and_the_statistics_stay(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = await make_client()
    directory = tmp_path / "recordings"
    booking, _, contact_id, ended = await seed(client, directory)
    sessions = client.app[SESSIONS]
    file = directory / ("a" * 32 + ".webm")
    before = await statistics(client, ended, utcnow())
    start = await state(client, booking, contact_id)
    assert start["name"] == CITIZEN and start["link_works"] and start["chat"] == 2

    # A dry run a year later counts what would go and changes nothing.
    counts = await run_purge(
        sessions, POLICY, directory, now=ended + timedelta(days=400), dry_run=True
    )
    assert counts.chat_messages_deleted == 2 and counts.recordings_deleted == 1
    assert await state(client, booking, contact_id) == start and file.exists()
    assert await audit_details(client) == []

    # Day 29: nothing yet. Day 31: the contact details (the booking's end is the clock).
    assert (await run_purge(sessions, POLICY, directory, now=ended + timedelta(days=29))).total == 0
    counts = await run_purge(sessions, POLICY, directory, now=booking.end + timedelta(days=31))
    assert (counts.reservations_cleared, counts.contacts_cleared) == (1, 1)
    assert counts.survey_comments_cleared == 1
    now = await state(client, booking, contact_id)
    assert (now["name"], now["contact"], now["note"], now["walk_in_name"]) == ("", None, None, None)
    assert not now["link_works"] and now["comment"] is None and now["stars"] == 4
    assert now["chat"] == 2 and now["recordings"] == 1 and now["summary"] == SUMMARY

    # Day 91: the recording, file and row.
    counts = await run_purge(sessions, POLICY, directory, now=ended + timedelta(days=91))
    assert counts.recordings_deleted == 1 and counts.recording_bytes_destroyed == 4100
    assert not file.exists() and (await state(client, booking, contact_id))["recordings"] == 0

    # A year and a day: the chat. Three years and a day: the record's contents.
    counts = await run_purge(sessions, POLICY, directory, now=ended + timedelta(days=366))
    assert counts.chat_messages_deleted == 2
    counts = await run_purge(sessions, POLICY, directory, now=ended + timedelta(days=3 * 365 + 1))
    assert counts.records_cleared == 1
    final = await state(client, booking, contact_id)
    assert (final["summary"], final["agency"]) == ("", None)
    assert (final["category"], final["outcome"], final["sessions"]) == ("housing", "referred", 1)

    # Nothing personal is left, the figures are the same, and every purge was audited in
    # numbers only.
    after = await statistics(client, ended, utcnow())
    assert after == before
    details = await audit_details(client)
    assert len(details) == 5
    for detail in details:
        assert CITIZEN not in detail and "010" not in detail and "s_purge" not in detail
    assert "reservations=1" in details[1] and "recordings=1" in details[2]


async def test_purging_twice_finds_nothing_more(make_client: MakeClient, tmp_path: Path) -> None:
    client = await make_client()
    _, _, _, ended = await seed(client, tmp_path / "rec")
    sessions = client.app[SESSIONS]
    later = ended + timedelta(days=4 * 365)
    first = await run_purge(sessions, POLICY, tmp_path / "rec", now=later)
    assert first.total >= 5
    again = await run_purge(sessions, POLICY, tmp_path / "rec", now=later)
    assert again.total == 0


def test_a_destroyed_file_is_overwritten_before_it_is_unlinked(tmp_path: Path) -> None:
    path = tmp_path / "x.webm"
    path.write_bytes(b"secret video bytes" * 100)
    linked = tmp_path / "hardlink"
    os.link(path, linked)  # a second name shows what the first one's blocks hold afterwards
    assert destroy_file(path) == 1800
    assert not path.exists()
    assert linked.read_bytes() == bytes(1800)  # zeros, not the video
    assert destroy_file(path) == 0  # already gone: nothing to do


async def test_the_server_purges_by_itself(
    database_url: str, aiohttp_client: Any, tmp_path: Path
) -> None:
    settings = make_settings(
        database_url, purge="off", recording_dir=tmp_path / "rec", retention_contacts_days=1
    )
    app = create_app(settings)
    schedule_purge(app, first_delay=0.05)  # as `purge=on` does, without the minute's wait
    client: Client = await aiohttp_client(app)
    interpreter = await add_interpreter(client)
    booking = await add_booking(client, interpreter, starts_in=timedelta(days=-3))
    for _ in range(200):
        if await audit_details(client):
            break
        await asyncio.sleep(0.05)
    [detail] = await audit_details(client)
    assert "reservations=1" in detail
    async with client.app[SESSIONS]() as db:
        row = await db.get(Reservation, booking.id)
        assert row is not None and row.citizen_name == "" and row.personal_data_purged_at


def test_the_purge_command_counts_without_changing_anything(
    sqlite_template: Path, tmp_path: Path
) -> None:
    database = tmp_path / "signdesk.db"
    shutil.copy(sqlite_template, database)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "SIGNDESK_ENV": "test",
        "SIGNDESK_RECORDING_DIR": str(tmp_path / "rec"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "signdesk", "purge", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("would purge: records=0 chat=0 recordings=0")
