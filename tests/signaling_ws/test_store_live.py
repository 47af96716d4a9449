"""What the live queue stores: walk-in contacts and their tickets, session records with the chat
transcript (only with consent), presence events, the figures a restart is seeded with, and the
migration that adds them. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from scheduler.codes import hash_token
from scheduler.models import (
    CallSessionRecord,
    CallTicket,
    ChatMessage,
    Interpreter,
    PresenceEvent,
    QueueContact,
    RecordingRow,
)
from scheduler.store import InvalidInput, NotFound, Sessions
from signaling.identities import CallerIdentity, WalkInIdentity
from signaling.records import ChatLine, PresenceRecord, RecordingRecord, SessionRecord
from signaling.states import Actor, EndReason, Presence, Side
from signaling.store import (
    RecordWriter,
    completes_reservation,
    interpreter_identity,
    load_day_figures,
    load_interpreter,
    recent_handle_times,
    save_record,
    save_records,
)
from signaling.tickets import (
    CONTACT_MAX_AGE,
    DEFAULT_WALK_IN_NAME,
    MAX_LIVE_TICKETS,
    NewContact,
    TicketRefusal,
    TicketRefused,
    UpgradeRefusal,
    UpgradeRefused,
    consume_ticket,
    create_contact,
    issue_contact_ticket,
)
from signdesk.appkeys import ENGINE, SESSIONS
from signdesk.db import Base
from signdesk.migrate import alembic_config
from tests.signaling_ws.scenario import Client, add_booking, add_interpreter, reservation

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Seoul
_IDS = itertools.count(1)


def session_record(**overrides: Any) -> SessionRecord:
    """A reserved session that was answered after 30 s and lasted 5 min; override what differs."""
    joined = overrides.pop("caller_joined_at", T0)
    matched = overrides.pop("matched_at", joined + timedelta(seconds=30))
    ended = overrides.pop("ended_at", (matched or joined) + timedelta(minutes=5))
    values: dict[str, Any] = {
        "session_id": f"s_test{next(_IDS):012d}",
        "reservation_id": None,
        "contact_id": None,
        "kind": "reserved",
        "mode": "video",
        "specialty": None,
        "assigned_interpreter_id": None,
        "interpreter_id": None,
        "language": "KSL",
        "slot_start": joined,
        "caller_joined_at": joined,
        "matched_at": matched,
        "caller_media_connected_at": None,
        "interpreter_media_connected_at": None,
        "connected_at": None,
        "ended_at": ended,
        "wait_seconds": ((matched or ended) - joined).total_seconds(),
        "duration_seconds": None if matched is None else (ended - matched).total_seconds(),
        "ended_by": Actor.CALLER,
        "end_reason": EndReason.HANGUP,
        "caller_fps_received": None,
        "interpreter_fps_received": None,
        "handed_over": False,
        "offers_missed": 0,
        "transcript_consent": False,
        "transcript": (),
        "transcript_truncated": False,
    }
    values.update(overrides)
    return SessionRecord(**values)


def walk_in_record(contact_id: int, **overrides: Any) -> SessionRecord:
    return session_record(
        **{"kind": "walk_in", "contact_id": contact_id, "mode": "chat", **overrides}
    )


async def new_contact(
    sessions: Sessions, *, now: datetime = T0, display_name: str | None = "Kim"
) -> tuple[int, str]:
    contact = NewContact(
        language="KSL",
        mode="chat",
        consent_version="v1",
        specialty="legal",
        display_name=display_name,
    )
    return await create_contact(sessions, contact, now=now)


def transcript(n: int) -> tuple[ChatLine, ...]:
    sides = (Side.CALLER, Side.INTERPRETER)
    return tuple(
        ChatLine(seq=i, sender=sides[(i - 1) % 2], text=f"line {i}", at=T0 + timedelta(seconds=i))
        for i in range(1, n + 1)
    )


async def all_rows(sessions: Sessions, model: type[Any]) -> list[Any]:
    async with sessions() as db:
        return list(await db.scalars(select(model)))


# --- the migration ------------------------------------------------------------------------------


def _migrate(connection: Connection, target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    if target == "head":
        command.upgrade(config, "head")
    else:
        command.downgrade(config, target)


def _schema_drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migration_goes_down_and_up_again_and_matches_the_models(
    client: Client,
) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    await save_record(sessions, walk_in_record(contact_id), now=T0)
    engine = client.app[ENGINE]
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, "0002")  # drops the walk-in's session with the table
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, "head")
    async with engine.connect() as conn:
        assert await conn.run_sync(_schema_drift) == []
    assert await all_rows(sessions, CallSessionRecord) == []
    assert await all_rows(sessions, QueueContact) == []


async def test_a_session_belongs_to_exactly_one_owner(client: Client) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    booking = await add_booking(client, await add_interpreter(client))
    both = session_record(reservation_id=booking.id, contact_id=contact_id)
    neither = session_record()
    wrong_kind = walk_in_record(contact_id, kind="reserved")
    for bad in (both, neither, wrong_kind):
        with pytest.raises(IntegrityError):
            await save_record(sessions, bad, now=T0)
    with pytest.raises(IntegrityError):  # a ticket too
        async with sessions() as db, db.begin():
            await db.execute(
                insert(CallTicket).values(
                    token_hash="x" * 64, created_at=T0, expires_at=T0 + timedelta(minutes=2)
                )
            )
    assert await all_rows(sessions, CallSessionRecord) == []


# --- session records ----------------------------------------------------------------------------


async def test_a_walk_in_session_is_stored_with_its_transcript_when_the_caller_consented(
    client: Client,
) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    interpreter = await add_interpreter(client)
    record = walk_in_record(
        contact_id,
        specialty="legal",
        interpreter_id=interpreter,
        offers_missed=2,
        transcript_consent=True,
        transcript=transcript(3),
        transcript_truncated=True,
    )
    assert not completes_reservation(record)
    await save_record(sessions, record, now=T0)
    [row] = await all_rows(sessions, CallSessionRecord)
    assert (row.kind, row.mode, row.specialty) == ("walk_in", "chat", "legal")
    assert (row.contact_id, row.reservation_id, row.assigned_interpreter_id) == (
        contact_id,
        None,
        None,
    )
    assert row.actual_interpreter_id == interpreter and row.offers_missed == 2
    assert row.transcript_consent and row.transcript_truncated
    async with sessions() as db:
        lines = list(
            await db.scalars(
                select(ChatMessage)
                .where(ChatMessage.call_session_id == row.id)
                .order_by(ChatMessage.seq)
            )
        )
    assert [(m.seq, m.sender, m.text) for m in lines] == [
        (1, "caller", "line 1"),
        (2, "interpreter", "line 2"),
        (3, "caller", "line 3"),
    ]
    assert lines[0].at == T0 + timedelta(seconds=1)


async def test_no_transcript_is_stored_without_consent(client: Client) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    # The core keeps no lines without consent; the store holds that line even if some came.
    record = walk_in_record(
        contact_id, transcript_consent=False, transcript=transcript(2), transcript_truncated=True
    )
    await save_record(sessions, record, now=T0)
    [row] = await all_rows(sessions, CallSessionRecord)
    assert not row.transcript_consent and not row.transcript_truncated
    assert await all_rows(sessions, ChatMessage) == []


async def test_deleting_a_contact_deletes_its_sessions_and_their_chat(client: Client) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    record = walk_in_record(contact_id, transcript_consent=True, transcript=transcript(2))
    await save_record(sessions, record, now=T0)
    async with sessions() as db, db.begin():
        contact = await db.get(QueueContact, contact_id)
        await db.delete(contact)
    assert await all_rows(sessions, CallSessionRecord) == []
    assert await all_rows(sessions, ChatMessage) == []


async def test_only_a_reserved_session_completes_its_booking(client: Client) -> None:
    sessions = client.app[SESSIONS]
    booking = await add_booking(client, await add_interpreter(client))
    connected = T0 + timedelta(seconds=40)
    reserved = session_record(
        reservation_id=booking.id,
        assigned_interpreter_id=booking.interpreter_id,
        interpreter_id=booking.interpreter_id,
        connected_at=connected,
    )
    assert completes_reservation(reserved)
    await save_record(sessions, reserved, now=T0)
    assert (await reservation(client, booking.id)).status == "completed"
    [row] = await all_rows(sessions, CallSessionRecord)
    assert (row.kind, row.mode, row.offers_missed, row.transcript_consent) == (
        "reserved",
        "video",
        0,
        False,
    )
    walk_in = walk_in_record(1, connected_at=connected)
    assert not completes_reservation(walk_in)


# --- presence events and the writer's logs ------------------------------------------------------


async def test_presence_changes_are_stored_in_order(client: Client) -> None:
    sessions = client.app[SESSIONS]
    interpreter = await add_interpreter(client)
    changes = [
        PresenceRecord(interpreter, Presence.READY, None, T0),
        PresenceRecord(interpreter, Presence.OFFERED, None, T0 + timedelta(seconds=5)),
        PresenceRecord(interpreter, Presence.AWAY, "missed_offers", T0 + timedelta(seconds=25)),
    ]
    for change in changes:
        await save_record(sessions, change, now=T0)
    async with sessions() as db:
        rows = list(
            await db.scalars(
                select(PresenceEvent)
                .where(PresenceEvent.interpreter_id == interpreter)
                .order_by(PresenceEvent.at)
            )
        )
    assert [(r.state, r.reason, r.at) for r in rows] == [
        ("ready", None, T0),
        ("offered", None, T0 + timedelta(seconds=5)),
        ("away", "missed_offers", T0 + timedelta(seconds=25)),
    ]


async def test_the_record_writer_logs_presence_records_by_id_only(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="signaling.store")
    sessions = client.app[SESSIONS]
    interpreter = await add_interpreter(client, "Lee Interpreter")
    writer = RecordWriter(sessions, capacity=1)  # not started: the second put overflows
    writer.put(PresenceRecord(interpreter, Presence.READY, None, T0))
    writer.put(PresenceRecord(interpreter, Presence.AWAY, "break", T0))
    writer.start()
    await writer.flush()
    writer.put(PresenceRecord(interpreter + 1000, Presence.READY, None, T0))  # no such row
    await writer.flush()
    await writer.stop(1.0)
    assert len(await all_rows(sessions, PresenceEvent)) == 1
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"record lost: presence of interpreter {interpreter}" in text
    assert f"could not store a record: presence of interpreter {interpreter + 1000}" in text
    assert "Lee Interpreter" not in text


async def test_the_record_writer_stores_a_burst_in_batches_and_isolates_a_bad_record(
    client: Client,
) -> None:
    sessions = client.app[SESSIONS]
    interpreter = await add_interpreter(client, "Lee Interpreter")
    writer = RecordWriter(sessions, capacity=500)
    good = [
        PresenceRecord(interpreter, Presence.READY, None, T0 + timedelta(seconds=n))
        for n in range(250)
    ]
    bad = PresenceRecord(interpreter + 1000, Presence.READY, None, T0)  # no such interpreter
    for record in [*good[:120], bad, *good[120:]]:
        writer.put(record)
    writer.start()  # 251 queued: three batches, one of which fails and is retried one by one
    await writer.flush()
    await writer.stop(1.0)
    stored = await all_rows(sessions, PresenceEvent)
    assert sorted(r.at for r in stored) == [r.at for r in good]


async def test_an_interpreters_identity_carries_their_specialties(client: Client) -> None:
    interpreter = await add_interpreter(client)
    async with client.app[SESSIONS]() as db, db.begin():
        row = await db.get(Interpreter, interpreter)
        assert row is not None
        row.specialties = ["legal", "medical"]
    loaded = await load_interpreter(client.app[SESSIONS], interpreter)
    assert loaded is not None
    identity = interpreter_identity(7, loaded)
    assert identity.specialties == frozenset({"legal", "medical"})
    assert identity.languages == frozenset({"KSL"})


# --- figures for a restart ----------------------------------------------------------------------


async def test_day_figures_count_answered_and_abandoned_callers_who_joined_that_day(
    client: Client,
) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    day_start, day_end = T0 - timedelta(hours=10), T0 + timedelta(hours=14)
    records = [
        walk_in_record(contact_id, caller_joined_at=T0, matched_at=T0 + timedelta(seconds=12)),
        walk_in_record(
            contact_id,
            caller_joined_at=T0 + timedelta(hours=1),
            matched_at=None,
            ended_at=T0 + timedelta(hours=1, seconds=75),
            end_reason=EndReason.ABANDONED,
        ),
        walk_in_record(  # never answered, not abandoned: neither list
            contact_id,
            caller_joined_at=T0 + timedelta(hours=2),
            matched_at=None,
            end_reason=EndReason.SHUTDOWN,
        ),
        walk_in_record(  # answered, but joined the day before
            contact_id, caller_joined_at=day_start - timedelta(seconds=1)
        ),
        walk_in_record(  # answered, joined the next day (the range is half open)
            contact_id, caller_joined_at=day_end
        ),
        walk_in_record(
            contact_id,
            caller_joined_at=day_start,
            matched_at=day_start + timedelta(seconds=95),
        ),
    ]
    for record in records:
        await save_record(sessions, record, now=T0)
    answered, abandoned = await load_day_figures(sessions, day_start, day_end)
    assert answered == [95.0, 12.0]  # in join order
    assert abandoned == [75.0]
    assert await load_day_figures(sessions, day_end, day_end + timedelta(days=1)) == ([30.0], [])


async def test_recent_handle_times_are_the_newest_answered_sessions_first(
    client: Client,
) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    for minutes in (3, 7, 5):
        joined = T0 + timedelta(hours=minutes)
        matched = joined + timedelta(seconds=10)
        await save_record(
            sessions,
            walk_in_record(
                contact_id,
                caller_joined_at=joined,
                matched_at=matched,
                ended_at=matched + timedelta(minutes=minutes),
            ),
            now=T0,
        )
    unanswered = walk_in_record(
        contact_id,
        caller_joined_at=T0 + timedelta(hours=9),
        matched_at=None,
        end_reason=EndReason.ABANDONED,
    )
    await save_record(sessions, unanswered, now=T0)
    assert await recent_handle_times(sessions, 10) == [420.0, 300.0, 180.0]
    assert await recent_handle_times(sessions, 2) == [420.0, 300.0]
    assert await recent_handle_times(sessions, 0) == []


# --- walk-in contacts and their tickets ---------------------------------------------------------


async def test_a_contact_keeps_only_its_tokens_hash(client: Client) -> None:
    sessions = client.app[SESSIONS]
    contact_id, token = await new_contact(sessions)
    assert len(token) >= 43  # 256 bits
    [row] = await all_rows(sessions, QueueContact)
    assert row.id == contact_id and row.token_hash == hash_token(token)
    assert token not in row.token_hash
    assert (row.language, row.mode, row.specialty, row.display_name) == (
        "KSL",
        "chat",
        "legal",
        "Kim",
    )
    assert (row.consent_version, row.consented_at, row.created_at) == ("v1", T0, T0)


async def test_a_contact_needs_a_known_sign_language(client: Client) -> None:
    contact = NewContact(language="XSL", mode="video", consent_version="v1")
    with pytest.raises(InvalidInput) as refused:
        await create_contact(client.app[SESSIONS], contact, now=T0)
    assert refused.value.fields == {"language": "unknown sign language"}
    assert await all_rows(client.app[SESSIONS], QueueContact) == []


async def test_a_contact_ticket_opens_one_socket_as_a_walk_in(client: Client) -> None:
    sessions = client.app[SESSIONS]
    contact_id, token = await new_contact(sessions)
    issued = await issue_contact_ticket(sessions, token, now=T0, ticket_seconds=60)
    assert issued.expires_in == 60 and issued.contact_id == contact_id
    [row] = await all_rows(sessions, CallTicket)
    assert row.token_hash == hash_token(issued.ticket) and row.contact_id == contact_id
    assert row.reservation_id is None
    identity = await consume_ticket(sessions, issued.ticket, now=T0 + timedelta(seconds=5))
    assert identity == WalkInIdentity(
        contact_id=contact_id, display_name="Kim", language="KSL", specialty="legal", mode="chat"
    )
    with pytest.raises(UpgradeRefused) as again:
        await consume_ticket(sessions, issued.ticket, now=T0 + timedelta(seconds=6))
    assert again.value.reason is UpgradeRefusal.TICKET_INVALID


async def test_a_walk_in_without_a_nickname_gets_the_generic_label(client: Client) -> None:
    sessions = client.app[SESSIONS]
    _, token = await new_contact(sessions, display_name=None)
    issued = await issue_contact_ticket(sessions, token, now=T0, ticket_seconds=60)
    identity = await consume_ticket(sessions, issued.ticket, now=T0)
    assert isinstance(identity, WalkInIdentity)
    assert identity.display_name == DEFAULT_WALK_IN_NAME


async def test_an_expired_contact_ticket_is_refused(client: Client) -> None:
    sessions = client.app[SESSIONS]
    _, token = await new_contact(sessions)
    issued = await issue_contact_ticket(sessions, token, now=T0, ticket_seconds=60)
    with pytest.raises(UpgradeRefused) as late:
        await consume_ticket(sessions, issued.ticket, now=T0 + timedelta(seconds=60))
    assert late.value.reason is UpgradeRefusal.TICKET_INVALID


async def test_a_wrong_contact_token_gets_no_ticket(client: Client) -> None:
    sessions = client.app[SESSIONS]
    await new_contact(sessions)
    for wrong in ("", "not-the-token", "x" * 500, "토큰"):
        with pytest.raises(NotFound):
            await issue_contact_ticket(sessions, wrong, now=T0, ticket_seconds=60)
    assert await all_rows(sessions, CallTicket) == []


async def test_contact_tickets_are_bounded_in_number_and_in_the_contacts_age(
    client: Client,
) -> None:
    sessions = client.app[SESSIONS]
    _, token = await new_contact(sessions)
    for _ in range(MAX_LIVE_TICKETS):
        await issue_contact_ticket(sessions, token, now=T0, ticket_seconds=60)
    with pytest.raises(TicketRefused) as too_many:
        await issue_contact_ticket(sessions, token, now=T0, ticket_seconds=60)
    assert too_many.value.reason is TicketRefusal.TOO_MANY
    # Expired ones are cleared, so a fresh one comes a minute later.
    later = T0 + timedelta(seconds=61)
    await issue_contact_ticket(sessions, token, now=later, ticket_seconds=60)
    async with sessions() as db:
        assert await db.scalar(select(func.count()).select_from(CallTicket)) == 1

    old = T0 + CONTACT_MAX_AGE
    with pytest.raises(TicketRefused) as expired:
        await issue_contact_ticket(sessions, token, now=old, ticket_seconds=60)
    assert expired.value.reason is TicketRefusal.CONTACT_EXPIRED
    shorter = await issue_contact_ticket(
        sessions, token, now=later, ticket_seconds=60, max_age=timedelta(minutes=30)
    )
    assert shorter.ticket
    with pytest.raises(TicketRefused):
        await issue_contact_ticket(
            sessions, token, now=later, ticket_seconds=60, max_age=timedelta(seconds=30)
        )


async def test_a_closed_queue_gives_tickets_only_to_resume_an_open_session(
    client: Client,
) -> None:
    sessions = client.app[SESSIONS]
    contact_id, token = await new_contact(sessions)
    with pytest.raises(TicketRefused) as closed:
        await issue_contact_ticket(sessions, token, now=T0, ticket_seconds=60, queue_open=False)
    assert closed.value.reason is TicketRefusal.QUEUE_CLOSED
    resumed = await issue_contact_ticket(
        sessions,
        token,
        now=T0 + CONTACT_MAX_AGE * 2,  # also past the contact's age: a long call resumes
        ticket_seconds=60,
        queue_open=False,
        has_open_session={contact_id}.__contains__,
    )
    assert resumed.contact_id == contact_id


async def test_a_booking_ticket_still_yields_a_callers_identity(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    resp = await client.post(
        f"/api/reservations/{booking.code}/ticket",
        headers={"Authorization": f"Bearer {booking.token}"},
    )
    assert resp.status == 201
    ticket = (await resp.json())["ticket"]
    identity = await consume_ticket(client.app[SESSIONS], ticket)
    assert isinstance(identity, CallerIdentity) and identity.reservation_id == booking.id
    [row] = await all_rows(client.app[SESSIONS], CallTicket)
    assert row.contact_id is None


async def test_a_relayed_sessions_recordings_and_consent_are_stored(client: Client) -> None:
    sessions = client.app[SESSIONS]
    contact_id, _ = await new_contact(sessions)
    record = walk_in_record(
        contact_id,
        mode="video",
        recording_consent_at=T0,
        recording_consent_version="rec-v1",
    )
    files = [
        RecordingRecord(
            recording_id=f"{side[0]}" * 32,
            session_id=record.session_id,
            side=side,
            file_name=f"{side[0] * 32}.webm",
            format="webm",
            bytes=12345,
            frames=300,
            width=640,
            height=480,
            started_at=T0,
            ended_at=T0 + timedelta(minutes=5),
        )
        for side in ("caller", "interpreter")
    ]
    # The files may be listed before the session's own row is written (no foreign key).
    await save_records(sessions, [files[0], record, files[1]], now=T0)
    [row] = await all_rows(sessions, CallSessionRecord)
    assert (row.recording_consent_version, row.recording_consent_at) == ("rec-v1", T0)
    stored = sorted(await all_rows(sessions, RecordingRow), key=lambda r: r.side)
    assert [(r.side, r.file_name, r.frames, r.session_id) for r in stored] == [
        ("caller", "c" * 32 + ".webm", 300, record.session_id),
        ("interpreter", "i" * 32 + ".webm", 300, record.session_id),
    ]
