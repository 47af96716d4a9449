"""`POST /api/sessions/{session_id}/survey`: the caller's satisfaction survey after a session.

The caller proves the session is theirs with the token they already hold: the booking's link
token for a reserved session, the contact token for a walk-in. One answer per session.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from scheduler.models import AuditEntry, SurveyAnswer
from signaling.server import HUB
from signaling.store import RecordWriter, save_record
from signaling.tickets import NewContact, create_contact
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.api.helpers import Client, bearer, count_rows, login
from tests.signaling_ws.scenario import Booking, add_booking, add_interpreter
from tests.signaling_ws.test_store_live import T0, session_record, walk_in_record

COMMENT = "수어 통역이 친절했어요 / the interpreter was kind"


async def reserved_session(client: Client) -> tuple[Booking, str]:
    """A booking whose call ended and was stored; returns it and the session id."""
    booking = await add_booking(client, await add_interpreter(client))
    record = session_record(
        reservation_id=booking.id,
        assigned_interpreter_id=booking.interpreter_id,
        interpreter_id=booking.interpreter_id,
        caller_joined_at=booking.start,
    )
    await save_record(client.app[SESSIONS], record, now=T0)
    return booking, record.session_id


async def walk_in_session(client: Client, *, stored: bool = True) -> tuple[str, str]:
    """A walk-in's ended session; returns (contact token, session id)."""
    contact = NewContact(language="KSL", mode="chat", consent_version="v1")
    contact_id, token = await create_contact(client.app[SESSIONS], contact, now=T0)
    record = walk_in_record(contact_id)
    if stored:
        await save_record(client.app[SESSIONS], record, now=T0)
    else:  # the core has just emitted it: it waits in the writer's queue
        records = client.app[HUB].records
        assert records is not None
        records.put(record)
    return token, record.session_id


async def answer(
    client: Client, session_id: str, token: str, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    payload = {"stars": 5, "resolved": True, "comment": COMMENT} if body is None else body
    resp = await client.post(
        f"/api/sessions/{session_id}/survey", json=payload, headers=bearer(token)
    )
    return resp.status, await resp.json()


async def test_a_reserved_caller_answers_with_the_link_token(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    booking, sid = await reserved_session(client)
    status, body = await answer(client, sid, booking.token)
    assert status == 201, body
    assert set(body) == {"session_id", "stars", "resolved", "answered_at"}
    assert (body["session_id"], body["stars"], body["resolved"]) == (sid, 5, True)
    assert body["answered_at"].endswith("+09:00")
    async with client.app[SESSIONS]() as db:
        row = await db.get(SurveyAnswer, sid)
    assert row is not None and (row.stars, row.resolved, row.comment) == (5, True, COMMENT)

    # Audited without personal data; logged without the comment or the token.
    async with client.app[SESSIONS]() as db:
        [audit] = list(
            await db.scalars(select(AuditEntry).where(AuditEntry.action == "survey.answered"))
        )
    assert (audit.actor, audit.target, audit.detail) == ("citizen", f"session:{sid}", None)
    ours = ("signaling", "web", "scheduler", "signdesk")
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))
    assert COMMENT not in text and booking.token not in text

    # Staff see that it was answered, and the stars, with the booking's latest call.
    csrf = await login(client)
    day = booking.start.astimezone(client.app[SETTINGS].tz).date().isoformat()
    resp = await client.get(
        "/api/staff/reservations",
        params={"from": day, "to": day},
        headers={"X-CSRF-Token": csrf},
    )
    [item] = [i for i in (await resp.json())["reservations"] if i["id"] == booking.id]
    assert (item["call"]["survey_answered"], item["call"]["survey_stars"]) == (True, 5)
    assert COMMENT not in await resp.text()


async def test_a_walk_in_answers_with_the_contact_token(client: Client) -> None:
    token, sid = await walk_in_session(client)
    status, body = await answer(client, sid, token, {"stars": 2, "resolved": None})
    assert (status, body["stars"], body["resolved"]) == (201, 2, None)
    async with client.app[SESSIONS]() as db:
        row = await db.get(SurveyAnswer, sid)
    assert row is not None and (row.stars, row.resolved, row.comment) == (2, None, None)


class HeldWriter(RecordWriter):
    """A record writer that starts storing only when someone waits for it: the survey's first
    look-up surely misses the session, and its flush is what lets the record through."""

    flushes = 0

    async def flush(self) -> None:
        self.flushes += 1
        if self._task is None:
            self.start()
        await super().flush()


async def test_an_answer_right_after_the_call_waits_for_the_record(client: Client) -> None:
    hub = client.app[HUB]
    original, held = hub.records, HeldWriter(client.app[SESSIONS], 8)
    hub.records = held
    try:
        token, sid = await walk_in_session(client, stored=False)
        status, body = await answer(client, sid, token, {"stars": 4})
        assert status == 201, body
        assert held.flushes == 1
    finally:
        hub.records = original
        await held.stop(1.0)


async def test_a_wrong_token_or_an_unknown_session_is_404(client: Client) -> None:
    booking, reserved_sid = await reserved_session(client)
    token, walk_in_sid = await walk_in_session(client)
    for sid, wrong in (
        (reserved_sid, token),  # another caller's valid token
        (walk_in_sid, booking.token),
        (walk_in_sid, "not-a-token"),
        ("s_no_such_session", token),
        ("bad id!", token),
        ("x" * 65, token),
    ):
        status, body = await answer(client, sid, wrong)
        assert (status, body["error"]["code"]) == (404, "not_found"), sid
    resp = await client.post(f"/api/sessions/{walk_in_sid}/survey", json={"stars": 5})
    assert resp.status == 404  # no token at all
    assert await count_rows(client, SurveyAnswer) == 0


async def test_a_second_answer_is_409(client: Client) -> None:
    token, sid = await walk_in_session(client)
    assert (await answer(client, sid, token))[0] == 201
    status, body = await answer(client, sid, token, {"stars": 1})
    assert (status, body["error"]["code"]) == (409, "already_answered")
    async with client.app[SESSIONS]() as db:
        row = await db.get(SurveyAnswer, sid)
    assert row is not None and row.stars == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stars": 0}, "stars"),
        ({"stars": 6}, "stars"),
        ({"stars": "5"}, "stars"),
        ({"stars": 4.5}, "stars"),
        ({}, "stars"),
        ({"stars": 5, "resolved": "yes"}, "resolved"),
        ({"stars": 5, "comment": "x" * 501}, "comment"),
        ({"stars": 5, "comment": "bell\x07"}, "comment"),
        ({"stars": 5, "email": "a@b.c"}, "email"),
    ],
)
async def test_bad_answers_are_422(client: Client, body: dict[str, Any], field: str) -> None:
    token, sid = await walk_in_session(client)
    status, error = await answer(client, sid, token, body)
    assert status == 422, error
    assert error["error"]["code"] == "invalid" and field in error["error"]["fields"]
    assert await count_rows(client, SurveyAnswer) == 0


async def test_a_comment_of_500_characters_and_a_blank_one_are_fine(client: Client) -> None:
    token, sid = await walk_in_session(client)
    assert (await answer(client, sid, token, {"stars": 3, "comment": "가" * 500}))[0] == 201
    token, sid = await walk_in_session(client)
    assert (await answer(client, sid, token, {"stars": 3, "comment": "  "}))[0] == 201
    async with client.app[SESSIONS]() as db:
        row = await db.get(SurveyAnswer, sid)
    assert row is not None and row.comment is None


async def test_the_openapi_document_describes_the_survey(client: Client) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    op = doc["paths"]["/api/sessions/{session_id}/survey"]["post"]
    assert op["security"] == [{"bookingToken": []}, {"contactToken": []}]
    assert set(op["responses"]) >= {"201", "404", "409", "422"}
    schema = doc["components"]["schemas"]["SurveyIn"]
    assert schema["properties"]["stars"]["minimum"] == 1
    assert schema["properties"]["stars"]["maximum"] == 5
