"""Citizens book, view, move, cancel and export reservations; bad input never gets a 500."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from sqlalchemy import select

from scheduler import store
from scheduler.codes import hash_token
from scheduler.models import AuditEntry, BusyCell, Reservation
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from tests.api.helpers import (
    CONTACT,
    NAME,
    Client,
    add_interpreter,
    bearer,
    book,
    booking_body,
    busy_cells,
    count_rows,
    reservations,
    slot,
)
from tests.conftest import make_settings

CELLS_PER_SLOT = 6  # 30-minute slots in 5-minute cells, no buffer


async def test_booking_returns_the_link_once_and_stores_only_its_hash(client: Client) -> None:
    interpreter = await add_interpreter(client)
    start = slot(client)
    data = await book(client, start)

    assert data["status"] == "booked"
    assert data["start"] == start.isoformat()
    assert data["end"] == (start + timedelta(minutes=30)).isoformat()
    assert data["language"] == "KSL"
    assert data["manage_url"] == f"/booking/{data['code']}"
    assert len(data["token"]) >= 43
    assert set(data) == {"id", "code", "token", "start", "end", "language", "status", "manage_url"}

    (row,) = await reservations(client)
    assert row.token_hash == hash_token(data["token"])
    assert data["token"] not in row.token_hash
    assert row.interpreter_id == interpreter
    assert row.citizen_name == NAME and row.contact == CONTACT
    assert row.consent_version == client.app[SETTINGS].consent_version
    assert row.created_by_account_id is None

    cells = await busy_cells(client)
    assert len(cells) == CELLS_PER_SLOT
    assert {c[2] for c in cells} == {row.id}
    assert cells[0][1] == start.astimezone(UTC)

    async with client.app[SESSIONS]() as db:
        audit = (await db.scalars(select(AuditEntry))).all()
    assert [(a.actor, a.action, a.target) for a in audit] == [
        ("citizen", "reservation.create", f"reservation:{row.id}")
    ]
    assert NAME not in (audit[0].detail or "")


async def test_the_reservation_can_be_read_with_its_token(client: Client) -> None:
    await add_interpreter(client, "Park")
    data = await book(client, slot(client), specialty=None, note="  ")
    resp = await client.get(f"/api/reservations/{data['code']}", headers=bearer(data["token"]))
    assert resp.status == 200
    view = await resp.json()
    assert view == {
        "id": data["id"],
        "code": data["code"],
        "start": data["start"],
        "end": data["end"],
        "language": "KSL",
        "specialty": None,
        "topic": "welfare",
        "status": "booked",
        "name": NAME,
        "contact": CONTACT,
        "note": None,
        "channel": "web",
        "interpreter_name": "Park",
    }
    # Codes are forgiving about case and dashes.
    loose = data["code"].lower().replace("-", "")
    resp = await client.get(f"/api/reservations/{loose}", headers=bearer(data["token"]))
    assert resp.status == 200


async def test_wrong_token_and_unknown_code_look_the_same(client: Client) -> None:
    await add_interpreter(client)
    data = await book(client, slot(client))
    code, token = data["code"], data["token"]
    other = "ABC-DEF" if code != "ABC-DEF" else "ABC-DEG"
    attempts = [
        (code, {"Authorization": "Bearer wrong-token"}),
        (code, {}),
        (code, {"Authorization": token}),  # no scheme
        (code, {"Authorization": "Basic " + token}),
        (code, bearer("x" * 500)),
        (other, bearer(token)),
        ("not-a-code", bearer(token)),
        ("%00%00", bearer(token)),
        ("A" * 200, bearer(token)),
    ]
    bodies = set()
    for path_code, headers in attempts:
        for method in ("GET", "DELETE"):
            resp = await client.request(method, f"/api/reservations/{path_code}", headers=headers)
            assert resp.status == 404, (path_code, headers, method)
            bodies.add(await resp.text())
        resp = await client.get(f"/api/reservations/{path_code}/calendar.ics", headers=headers)
        assert resp.status == 404
        resp = await client.patch(
            f"/api/reservations/{path_code}",
            json={"start": slot(client, hour=11).isoformat()},
            headers=headers,
        )
        assert resp.status == 404
    assert len(bodies) == 1
    (row,) = await reservations(client)
    assert row.status == "booked"


# --- bad input ---------------------------------------------------------------------------------


def _bad_bodies(client: Client) -> list[tuple[str, dict[str, Any], str]]:
    start = slot(client)
    return [
        ("name", booking_body(client, start, name=123), "name"),
        ("name blank", booking_body(client, start, name="   "), "name"),
        ("name long", booking_body(client, start, name="가" * 61), "name"),
        ("name NUL", booking_body(client, start, name="Kim\x00"), "name"),
        ("name newline", booking_body(client, start, name="Kim\nPark"), "name"),
        ("name missing", booking_body(client, start, name=...), "name"),
        ("contact long", booking_body(client, start, contact="1" * 121), "contact"),
        ("contact type", booking_body(client, start, contact=["010"]), "contact"),
        ("note long", booking_body(client, start, note="x" * 1001), "note"),
        ("note NUL", booking_body(client, start, note="a\x00b"), "note"),
        ("language", booking_body(client, start, language="XSL"), "language"),
        ("language type", booking_body(client, start, language=7), "language"),
        ("language NUL", booking_body(client, start, language="KS\x00"), "language"),
        ("topic", booking_body(client, start, topic="astrology"), "topic"),
        ("topic missing", booking_body(client, start, topic=...), "topic"),
        ("specialty", booking_body(client, start, specialty="dentistry"), "specialty"),
        ("consent false", booking_body(client, start, consent=False), "consent"),
        ("consent string", booking_body(client, start, consent="true"), "consent"),
        ("consent int", booking_body(client, start, consent=1), "consent"),
        ("consent missing", booking_body(client, start, consent=...), "consent"),
        (
            "consent version",
            booking_body(client, start, consent_version="2020-v0"),
            "consent_version",
        ),
        ("start naive", booking_body(client, start, start="2026-12-01T10:00:00"), "start"),
        ("start garbage", booking_body(client, start, start="next tuesday"), "start"),
        ("start number", booking_body(client, start, start=1764550800), "start"),
        ("start year", booking_body(client, start, start="9999-12-31T23:30:00-14:00"), "start"),
        ("start missing", booking_body(client, start, start=...), "start"),
        ("channel", booking_body(client, start, channel="phone"), "channel"),
        (
            "staff field",
            booking_body(client, start, created_by_account_id=1),
            "created_by_account_id",
        ),
        ("interpreter", booking_body(client, start, interpreter_id=1), "interpreter_id"),
    ]


async def test_bad_fields_are_422_with_the_field_named(client: Client) -> None:
    await add_interpreter(client)
    for label, body, field in _bad_bodies(client):
        resp = await client.post("/api/reservations", json=body)
        assert resp.status == 422, (label, await resp.text())
        error = (await resp.json())["error"]
        assert error["code"] == "invalid", label
        assert field in error["fields"], (label, error)
        assert NAME not in await resp.text()  # pydantic's input echo is dropped
    assert await count_rows(client, Reservation) == 0


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "bad_json"),
        (b"", "application/json", 400, "bad_json"),
        (b"\xff\xfe{}", "application/json", 400, "bad_json"),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400, "bad_json"),
        (b"[1, 2]", "application/json", 422, "invalid"),
        (b"null", "application/json", 422, "invalid"),
        (b'"text"', "application/json", 422, "invalid"),
        (b'{"name": "x"}', "text/plain", 415, "unsupported_media_type"),
    ],
)
async def test_malformed_bodies_are_4xx_json(
    client: Client, raw: bytes, content_type: str, status: int, code: str
) -> None:
    resp = await client.post("/api/reservations", data=raw, headers={"Content-Type": content_type})
    assert resp.status == status
    assert (await resp.json())["error"]["code"] == code


async def test_non_json_media_type_with_bearer_is_415(client: Client) -> None:
    await add_interpreter(client)
    data = await book(client, slot(client))
    resp = await client.patch(
        f"/api/reservations/{data['code']}",
        data=b"start=now",
        headers={**bearer(data["token"]), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status == 415
    assert (await resp.json())["error"]["code"] == "unsupported_media_type"


async def test_oversize_body_is_413_json(client: Client) -> None:
    limit = client.app[SETTINGS].max_request_bytes
    body = booking_body(client, slot(client), note="x" * (limit + 10))
    resp = await client.post("/api/reservations", json=body)
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "too_large"


# --- which slots can be booked -----------------------------------------------------------------


async def test_slots_that_cannot_exist_are_unavailable(client: Client) -> None:
    await add_interpreter(client)
    settings = client.app[SETTINGS]
    now_local = utcnow().astimezone(settings.tz)
    soon = now_local.replace(second=0, microsecond=0) + timedelta(minutes=30)
    soon -= timedelta(minutes=soon.minute % 30)
    cases = {
        "off the grid": slot(client, minute=7),
        "half-grid": slot(client, minute=15),
        "seconds": slot(client) + timedelta(seconds=1),
        "closed at night": slot(client, hour=3),
        "after closing": slot(client, hour=22),
        "in the past": slot(client, days=-2),
        "inside the notice": soon,
        "beyond the horizon": slot(client, days=settings.booking_horizon_days + 2),
    }
    for label, start in cases.items():
        resp = await client.post("/api/reservations", json=booking_body(client, start))
        assert resp.status == 409, (label, await resp.text())
        assert (await resp.json())["error"]["code"] == "slot_unavailable", label
    assert await count_rows(client, Reservation) == 0
    assert await count_rows(client, BusyCell) == 0


async def test_language_nobody_signs_is_unavailable(client: Client) -> None:
    await add_interpreter(client, languages=["KSL"])
    resp = await client.post(
        "/api/reservations", json=booking_body(client, slot(client), language="IS")
    )
    assert resp.status == 409
    assert (await resp.json())["error"]["code"] == "slot_unavailable"


async def test_specialty_is_matched(client: Client) -> None:
    legal = await add_interpreter(client, "Legal", specialties=["legal"])
    await add_interpreter(client, "Medical", specialties=["medical"])
    data = await book(client, slot(client), specialty="legal")
    (row,) = await reservations(client)
    assert row.interpreter_id == legal and row.specialty == "legal"
    resp = await client.post(
        "/api/reservations", json=booking_body(client, slot(client), specialty="legal")
    )
    assert (await resp.json())["error"]["code"] == "slot_taken"
    assert data["id"] == row.id


async def test_taken_slot_is_409_and_changes_nothing(client: Client) -> None:
    await add_interpreter(client)
    start = slot(client)
    await book(client, start)
    before_rows = [(r.id, r.starts_at, r.status) for r in await reservations(client)]
    before_cells = await busy_cells(client)

    resp = await client.post("/api/reservations", json=booking_body(client, start, name="Other"))
    assert resp.status == 409
    assert (await resp.json())["error"]["code"] == "slot_taken"
    assert [(r.id, r.starts_at, r.status) for r in await reservations(client)] == before_rows
    assert await busy_cells(client) == before_cells


async def test_two_interpreters_take_two_bookings_least_loaded_first(client: Client) -> None:
    first = await add_interpreter(client, "A")
    second = await add_interpreter(client, "B")
    await book(client, slot(client, hour=9))  # A (tie on load -> lowest id)
    await book(client, slot(client))  # B has fewer bookings that day
    await book(client, slot(client))  # A
    resp = await client.post("/api/reservations", json=booking_body(client, slot(client)))
    assert (await resp.json())["error"]["code"] == "slot_taken"
    assert [r.interpreter_id for r in await reservations(client)] == [first, second, first]


async def test_cancel_frees_the_slot_for_the_next_citizen(client: Client) -> None:
    await add_interpreter(client)
    start = slot(client)
    data = await book(client, start)
    resp = await client.delete(f"/api/reservations/{data['code']}", headers=bearer(data["token"]))
    assert resp.status == 200
    assert await resp.json() == {"code": data["code"], "status": "cancelled"}
    assert await busy_cells(client) == []

    again = await client.delete(f"/api/reservations/{data['code']}", headers=bearer(data["token"]))
    assert again.status == 409
    assert (await again.json())["error"]["code"] == "not_active"

    second = await book(client, start, name="Next Citizen")
    assert second["code"] != data["code"]
    rows = await reservations(client)
    assert [r.status for r in rows] == ["cancelled", "booked"]
    assert {c[2] for c in await busy_cells(client)} == {second["id"]}

    view = await client.get(f"/api/reservations/{data['code']}", headers=bearer(data["token"]))
    assert (await view.json())["status"] == "cancelled"


# --- rescheduling -------------------------------------------------------------------------------


async def test_reschedule_moves_the_cells_in_one_go(client: Client) -> None:
    await add_interpreter(client, "A")
    data = await book(client, slot(client))
    new_start = slot(client, days=4, hour=14, minute=30)
    resp = await client.patch(
        f"/api/reservations/{data['code']}",
        json={"start": new_start.isoformat()},
        headers=bearer(data["token"]),
    )
    assert resp.status == 200, await resp.text()
    view = await resp.json()
    assert view["start"] == new_start.isoformat()
    assert view["code"] == data["code"] and view["status"] == "booked"
    cells = await busy_cells(client)
    assert len(cells) == CELLS_PER_SLOT
    assert cells[0][1] == new_start.astimezone(UTC)
    # The old slot is free again.
    await book(client, slot(client), name="Someone else")


async def test_reschedule_onto_an_overlapping_time_of_its_own(client: Client) -> None:
    await add_interpreter(client)
    data = await book(client, slot(client))
    for target in (slot(client), slot(client, minute=30)):
        resp = await client.patch(
            f"/api/reservations/{data['code']}",
            json={"start": target.isoformat()},
            headers=bearer(data["token"]),
        )
        assert resp.status == 200, await resp.text()
    assert len(await busy_cells(client)) == CELLS_PER_SLOT


async def test_reschedule_may_change_the_interpreter(client: Client) -> None:
    a = await add_interpreter(client, "A")
    b = await add_interpreter(client, "B")
    mine = await book(client, slot(client, hour=9))  # A: tie on load, lowest id
    other = await book(client, slot(client, hour=11))  # B: fewer bookings that day
    await book(client, slot(client, hour=11), name="x")  # A: now both are busy at 11
    await client.delete(f"/api/reservations/{other['code']}", headers=bearer(other["token"]))
    # Only B is free at 11 now, so moving there changes the interpreter.
    resp = await client.patch(
        f"/api/reservations/{mine['code']}",
        json={"start": slot(client, hour=11).isoformat()},
        headers=bearer(mine["token"]),
    )
    assert resp.status == 200
    assert (await resp.json())["interpreter_name"] == "B"
    moved = next(r for r in await reservations(client) if r.id == mine["id"])
    assert moved.interpreter_id == b != a
    held = {(c[0], c[2]) for c in await busy_cells(client)}
    assert (b, mine["id"]) in held and (a, mine["id"]) not in held


async def test_reschedule_conflict_changes_nothing(client: Client) -> None:
    await add_interpreter(client)
    first = await book(client, slot(client))
    await book(client, slot(client, hour=11))
    before_rows = [(r.id, r.interpreter_id, r.starts_at) for r in await reservations(client)]
    before_cells = await busy_cells(client)

    cases = {
        slot(client, hour=11): "slot_taken",
        slot(client, hour=11, minute=15): "slot_unavailable",
        slot(client, hour=3): "slot_unavailable",
        slot(client, days=-1): "slot_unavailable",
    }
    for target, code in cases.items():
        resp = await client.patch(
            f"/api/reservations/{first['code']}",
            json={"start": target.isoformat()},
            headers=bearer(first["token"]),
        )
        assert resp.status == 409, target
        assert (await resp.json())["error"]["code"] == code
    for bad in ({"start": "soon"}, {"start": slot(client).isoformat(), "name": "x"}, {}):
        resp = await client.patch(
            f"/api/reservations/{first['code']}", json=bad, headers=bearer(first["token"])
        )
        assert resp.status == 422
    assert [
        (r.id, r.interpreter_id, r.starts_at) for r in await reservations(client)
    ] == before_rows
    assert await busy_cells(client) == before_cells


async def test_cancelled_reservation_cannot_be_moved(client: Client) -> None:
    await add_interpreter(client)
    data = await book(client, slot(client))
    await client.delete(f"/api/reservations/{data['code']}", headers=bearer(data["token"]))
    resp = await client.patch(
        f"/api/reservations/{data['code']}",
        json={"start": slot(client, hour=12).isoformat()},
        headers=bearer(data["token"]),
    )
    assert resp.status == 409
    assert (await resp.json())["error"]["code"] == "not_active"
    assert await busy_cells(client) == []


# --- calendar file ------------------------------------------------------------------------------


async def test_calendar_file_has_utc_times_and_no_personal_data(client: Client) -> None:
    await add_interpreter(client)
    start = slot(client)
    data = await book(client, start)
    resp = await client.get(
        f"/api/reservations/{data['code']}/calendar.ics", headers=bearer(data["token"])
    )
    assert resp.status == 200
    assert resp.content_type == "text/calendar"
    text = await resp.text()
    for secret in (NAME, CONTACT, data["token"], "wheelchair"):
        assert secret not in text
    cal = icalendar.Calendar.from_ical(text)
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"{data['code']}@signdesk"
    assert event.decoded("DTSTART") == start.astimezone(UTC)
    assert event.decoded("DTEND") == start.astimezone(UTC) + timedelta(minutes=30)
    assert "DTSTART:" in text and text.split("DTSTART:")[1].split("\r\n")[0].endswith("Z")
    assert str(event["SUMMARY"]) == f"수어 상담 / Sign-language counseling ({data['code']})"
    assert f"/booking/{data['code']}" in str(event["DESCRIPTION"])


# --- codes --------------------------------------------------------------------------------------


async def test_a_code_collision_draws_a_new_code(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_interpreter(client, "A")
    await add_interpreter(client, "B")
    first = await book(client, slot(client))
    codes = itertools.chain([first["code"], first["code"]], ["ZZZ-ZZ2"])
    monkeypatch.setattr(store, "new_booking_code", lambda: next(codes))
    second = await book(client, slot(client))
    assert second["code"] == "ZZZ-ZZ2"
    assert await count_rows(client, Reservation) == 2
    assert len(await busy_cells(client)) == 2 * CELLS_PER_SLOT


async def test_store_rejects_unknown_language_inside_the_transaction(client: Client) -> None:
    request = store.NewBooking(
        name="x", language="XSL", topic="other", start=slot(client), consent_version="v"
    )
    with pytest.raises(store.InvalidInput) as info:
        await store.book(client.app[SESSIONS], client.app[SETTINGS], request)
    assert info.value.fields == {"language": "unknown sign language"}


async def test_store_now_is_injectable(client: Client) -> None:
    await add_interpreter(client)
    start = slot(client, days=-1)  # yesterday, seen from the day before
    request = store.NewBooking(
        name="x", language="KSL", topic="other", start=start, consent_version="v"
    )
    earlier = datetime.now(UTC) - timedelta(days=3)
    booked = await store.book(client.app[SESSIONS], client.app[SETTINGS], request, now=earlier)
    assert booked.reservation.start == start.astimezone(UTC)


async def test_buffer_keeps_bookings_apart(database_url: str, aiohttp_client: Any) -> None:
    client: Client = await aiohttp_client(
        create_app(make_settings(database_url, buffer_minutes=10))
    )
    await add_interpreter(client)
    await book(client, slot(client))
    assert len(await busy_cells(client)) == CELLS_PER_SLOT + 2  # 30 min + 10 min buffer
    resp = await client.post(
        "/api/reservations", json=booking_body(client, slot(client, minute=30))
    )
    assert (await resp.json())["error"]["code"] == "slot_taken"
    resp = await client.post(
        "/api/reservations", json=booking_body(client, slot(client, hour=9, minute=30))
    )
    assert (await resp.json())["error"]["code"] == "slot_taken"
    await book(client, slot(client, hour=11))


async def test_undecodable_bearer_bytes_are_404_not_500(client: Client) -> None:
    await add_interpreter(client)
    data = await book(client, slot(client))
    assert client.server.host is not None and client.server.port is not None
    for header in (b"Bearer \xff\xfe", "Bearer 토큰".encode(), b"Bearer \x7f\x01"):
        reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
        writer.write(
            b"GET /api/reservations/" + data["code"].encode() + b" HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: " + header + b"\r\nConnection: close\r\n\r\n"
        )
        status_line = await reader.readline()
        writer.close()
        await writer.wait_closed()
        assert status_line.split()[1] in (b"404", b"400"), (header, status_line)
