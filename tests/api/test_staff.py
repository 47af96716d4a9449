"""Staff endpoints: log-in, CSRF, interpreters, schedules, reservations, cancel and no-show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scheduler import store
from scheduler.domain import Role
from scheduler.models import AuditEntry, Reservation
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.api.helpers import (
    Client,
    add_interpreter,
    book,
    booking_body,
    busy_cells,
    count_rows,
    local_today,
    login,
    reservations,
    slot,
)
from web.api import ROUTES
from web.openapi import Access

PROTECTED = [r for r in ROUTES if r.access in (Access.STAFF, Access.INTERPRETER, Access.LOGGED_IN)]


def _path(template: str) -> str:
    return template.replace("{id}", "1")


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: f"{r.method} {r.path}")
async def test_protected_routes_need_a_log_in(client: Client, route: Any) -> None:
    kwargs: dict[str, Any] = {"json": {}} if route.method != "GET" else {}
    resp = await client.request(route.method, _path(route.path), **kwargs)
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "login_required"


async def test_staff_routes_refuse_interpreters(client: Client) -> None:
    interpreter = await add_interpreter(client)
    csrf = await login(client, Role.INTERPRETER, "terp", interpreter_id=interpreter)
    for route in PROTECTED:
        if route.access is not Access.STAFF:
            continue
        kwargs: dict[str, Any] = {"json": {}} if route.method != "GET" else {}
        resp = await client.request(
            route.method, _path(route.path), headers={"X-CSRF-Token": csrf}, **kwargs
        )
        assert resp.status == 403, route.path
        assert (await resp.json())["error"]["code"] == "forbidden"


async def test_unsafe_staff_calls_need_the_csrf_header(client: Client) -> None:
    csrf = await login(client)
    body = {"display_name": "New", "sign_languages": ["KSL"]}
    resp = await client.post("/api/staff/interpreters", json=body)
    assert resp.status == 403
    assert (await resp.json())["error"]["code"] == "csrf"
    resp = await client.post(
        "/api/staff/interpreters", json=body, headers={"X-CSRF-Token": "wrong"}
    )
    assert resp.status == 403
    resp = await client.post("/api/staff/interpreters", json=body, headers={"X-CSRF-Token": csrf})
    assert resp.status == 201


async def test_me_reports_the_account_and_its_csrf_token(client: Client) -> None:
    csrf = await login(client, Role.SUPERVISOR, "boss")
    resp = await client.get("/api/me")
    assert await resp.json() == {
        "username": "boss",
        "display_name": "Boss",
        "role": "supervisor",
        "csrf_token": csrf,
    }


# --- interpreters -------------------------------------------------------------------------------


async def test_interpreter_crud_and_audit(client: Client) -> None:
    csrf = await login(client, Role.SUPERVISOR, "boss")  # supervisors count as staff
    h = {"X-CSRF-Token": csrf}
    resp = await client.post(
        "/api/staff/interpreters",
        json={
            "display_name": "  Lee  ",
            "sign_languages": ["KSL", "ASL", "KSL"],
            "specialties": ["legal", "tax"],
        },
        headers=h,
    )
    assert resp.status == 201
    created = await resp.json()
    assert created == {
        "id": created["id"],
        "display_name": "Lee",
        "sign_languages": ["KSL", "ASL"],
        "spoken_languages": ["ko"],
        "specialties": ["legal", "tax"],
        "active": True,
    }
    iid = created["id"]

    resp = await client.patch(
        f"/api/staff/interpreters/{iid}", json={"active": False, "specialties": []}, headers=h
    )
    assert resp.status == 200
    patched = await resp.json()
    assert patched["active"] is False and patched["specialties"] == []
    assert patched["sign_languages"] == ["KSL", "ASL"]

    listing = await (await client.get("/api/staff/interpreters")).json()
    assert [i["id"] for i in listing["interpreters"]] == [iid]

    async with client.app[SESSIONS]() as db:
        audit = (
            await db.scalars(
                select(AuditEntry).where(AuditEntry.action != "login").order_by(AuditEntry.id)
            )
        ).all()
    assert [(a.action, a.target) for a in audit] == [
        ("interpreter.create", f"interpreter:{iid}"),
        ("interpreter.update", f"interpreter:{iid}"),
    ]
    assert audit[1].detail == "fields=active,specialties"
    assert all(a.actor.startswith("account:") for a in audit)


BAD_INTERPRETERS: list[tuple[dict[str, Any], str]] = [
    ({"sign_languages": ["KSL"]}, "display_name"),
    ({"display_name": "", "sign_languages": ["KSL"]}, "display_name"),
    ({"display_name": "X", "sign_languages": []}, "sign_languages"),
    ({"display_name": "X", "sign_languages": ["XSL"]}, "sign_languages"),
    ({"display_name": "X", "sign_languages": "KSL"}, "sign_languages"),
    ({"display_name": "X", "sign_languages": ["KSL"], "specialties": ["magic"]}, "specialties"),
    (
        {"display_name": "X", "sign_languages": ["KSL"], "spoken_languages": ["xx"]},
        "spoken_languages",
    ),
    ({"display_name": "X", "sign_languages": ["KSL"], "active": "yes"}, "active"),
    ({"display_name": "X", "sign_languages": ["KSL"], "id": 5}, "id"),
]


async def test_interpreter_create_bad_input(client: Client) -> None:
    csrf = await login(client)
    for body, field in BAD_INTERPRETERS:
        resp = await client.post(
            "/api/staff/interpreters", json=body, headers={"X-CSRF-Token": csrf}
        )
        assert resp.status == 422, (body, await resp.text())
        assert field in (await resp.json())["error"]["fields"], body
    assert (await (await client.get("/api/staff/interpreters")).json())["interpreters"] == []


async def test_interpreter_patch_bad_input_and_unknown_ids(client: Client) -> None:
    iid = await add_interpreter(client)
    csrf = await login(client)
    h = {"X-CSRF-Token": csrf}
    for body in ({}, {"display_name": None}, {"sign_languages": ["XSL"]}, {"active": 1}):
        resp = await client.patch(f"/api/staff/interpreters/{iid}", json=body, headers=h)
        assert resp.status == 422, body
    for bad_id in ("999", "0", "-1", "abc", "99999999999999999999", "1e3"):
        resp = await client.patch(
            f"/api/staff/interpreters/{bad_id}", json={"active": False}, headers=h
        )
        assert resp.status == 404, bad_id
        assert (await resp.json())["error"]["code"] == "not_found"
        resp = await client.get(f"/api/staff/interpreters/{bad_id}/schedule")
        assert resp.status == 404


# --- schedules ----------------------------------------------------------------------------------


async def test_shifts_and_exceptions(client: Client) -> None:
    csrf = await login(client)
    h = {"X-CSRF-Token": csrf}
    created = await client.post(
        "/api/staff/interpreters",
        json={"display_name": "Kim", "sign_languages": ["KSL"]},
        headers=h,
    )
    iid = (await created.json())["id"]
    base = f"/api/staff/interpreters/{iid}"
    day = slot(client, days=5)
    weekday = day.weekday()

    resp = await client.post(
        f"{base}/shifts", json={"weekday": weekday, "start": "09:00", "end": "13:00"}, headers=h
    )
    assert resp.status == 201
    shift = await resp.json()
    assert shift == {"id": shift["id"], "weekday": weekday, "start": "09:00", "end": "13:00"}
    night = await client.post(
        f"{base}/shifts", json={"weekday": weekday, "start": "20:00", "end": "01:00"}, headers=h
    )
    assert night.status == 201

    def free_at(slots: list[dict[str, Any]]) -> set[str]:
        return {s["start"] for s in slots}

    params = {"language": "KSL", "from": day.date().isoformat(), "to": day.date().isoformat()}
    slots = (await (await client.get("/api/availability", params=params)).json())["slots"]
    assert slot(client, days=5, hour=10).isoformat() in free_at(slots)
    assert slot(client, days=5, hour=14).isoformat() not in free_at(slots)
    assert slot(client, days=5, hour=21).isoformat() in free_at(slots)

    leave_start = slot(client, days=5, hour=10)
    resp = await client.post(
        f"{base}/exceptions",
        json={
            "kind": "leave",
            "start": leave_start.isoformat(),
            "end": (leave_start + timedelta(hours=1)).isoformat(),
            "note": "병원 / doctor",
        },
        headers=h,
    )
    assert resp.status == 201
    leave = await resp.json()
    assert leave["kind"] == "leave" and leave["start"] == leave_start.isoformat()
    slots = (await (await client.get("/api/availability", params=params)).json())["slots"]
    assert leave_start.isoformat() not in free_at(slots)
    assert slot(client, days=5, hour=11).isoformat() in free_at(slots)

    schedule = await (await client.get(f"{base}/schedule")).json()
    assert [s["start"] for s in schedule["shifts"]] == ["09:00", "20:00"]
    assert [e["id"] for e in schedule["exceptions"]] == [leave["id"]]

    assert (await client.delete(f"/api/staff/exceptions/{leave['id']}", headers=h)).status == 200
    assert (await client.delete(f"/api/staff/shifts/{shift['id']}", headers=h)).status == 200
    again = await client.delete(f"/api/staff/shifts/{shift['id']}", headers=h)
    assert again.status == 404
    assert (await client.delete("/api/staff/exceptions/999", headers=h)).status == 404
    schedule = await (await client.get(f"{base}/schedule")).json()
    assert [s["start"] for s in schedule["shifts"]] == ["20:00"]
    assert schedule["exceptions"] == []

    async with client.app[SESSIONS]() as db:
        actions = list(
            await db.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action != "login")
                .order_by(AuditEntry.id)
            )
        )
    assert actions == [
        "interpreter.create",
        "shift.create",
        "shift.create",
        "exception.create",
        "exception.delete",
        "shift.delete",
    ]


BAD_SHIFTS: list[dict[str, Any]] = [
    {"weekday": 7, "start": "09:00", "end": "10:00"},
    {"weekday": -1, "start": "09:00", "end": "10:00"},
    {"weekday": "1", "start": "09:00", "end": "10:00"},
    {"weekday": True, "start": "09:00", "end": "10:00"},
    {"weekday": 1, "start": "24:00", "end": "10:00"},
    {"weekday": 1, "start": "9:00", "end": "10:00"},
    {"weekday": 1, "start": "09:00:00", "end": "10:00"},
    {"weekday": 1, "start": "09:00", "end": "09:00"},
    {"weekday": 1, "start": 900, "end": "10:00"},
    {"weekday": 1, "start": "09:00"},
]


async def test_bad_shifts_are_422(client: Client) -> None:
    iid = await add_interpreter(client)
    csrf = await login(client)
    for body in BAD_SHIFTS:
        resp = await client.post(
            f"/api/staff/interpreters/{iid}/shifts", json=body, headers={"X-CSRF-Token": csrf}
        )
        assert resp.status == 422, body
    ok = {"weekday": 1, "start": "09:00", "end": "10:00"}
    resp = await client.post(
        "/api/staff/interpreters/999/shifts", json=ok, headers={"X-CSRF-Token": csrf}
    )
    assert resp.status == 404


async def test_bad_exceptions_are_422(client: Client) -> None:
    iid = await add_interpreter(client)
    csrf = await login(client)
    start = slot(client)
    bad = [
        {
            "kind": "holiday",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
        },
        {"kind": "leave", "start": start.isoformat(), "end": start.isoformat()},
        {
            "kind": "leave",
            "start": start.isoformat(),
            "end": (start - timedelta(hours=1)).isoformat(),
        },
        {
            "kind": "leave",
            "start": start.isoformat(),
            "end": (start + timedelta(days=32)).isoformat(),
        },
        {"kind": "extra", "start": "2026-12-01T09:00:00", "end": "2026-12-01T10:00:00"},
        {
            "kind": "extra",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "note": "x" * 201,
        },
    ]
    for body in bad:
        resp = await client.post(
            f"/api/staff/interpreters/{iid}/exceptions", json=body, headers={"X-CSRF-Token": csrf}
        )
        assert resp.status == 422, body
    resp = await client.post(
        "/api/staff/interpreters/999/exceptions",
        json={
            "kind": "leave",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status == 404


# --- reservations -------------------------------------------------------------------------------


async def test_staff_book_for_a_phone_caller_and_list(client: Client) -> None:
    a = await add_interpreter(client, "A")
    b = await add_interpreter(client, "B")
    citizen = await book(client, slot(client, hour=11))  # A
    csrf = await login(client)
    h = {"X-CSRF-Token": csrf}
    body = {**booking_body(client, slot(client, hour=10)), "channel": "phone"}
    resp = await client.post("/api/staff/reservations", json=body, headers=h)
    assert resp.status == 201, await resp.text()
    phone = await resp.json()
    assert phone["token"] and phone["code"] and phone["status"] == "booked"
    staff_row = next(r for r in await reservations(client) if r.id == phone["id"])
    assert staff_row.channel == "phone"
    me = await (await client.get("/api/me")).json()
    assert me["username"] == "staff1"
    assert staff_row.created_by_account_id is not None
    assert staff_row.interpreter_id == b  # B had no bookings that day

    today = local_today(client)
    params = {"from": today.isoformat(), "to": (today + timedelta(days=7)).isoformat()}
    listing = await (await client.get("/api/staff/reservations", params=params)).json()
    items = listing["reservations"]
    assert [i["id"] for i in items] == [phone["id"], citizen["id"]]  # by start time
    assert set(items[0]) == {
        "id",
        "code",
        "start",
        "end",
        "language",
        "specialty",
        "topic",
        "status",
        "channel",
        "name",
        "contact",
        "note",
        "interpreter_id",
        "interpreter_name",
        "call",
    }
    assert items[0]["channel"] == "phone" and items[0]["interpreter_name"] == "B"
    assert items[0]["call"] is None  # no call has been made yet

    only_a = await client.get(
        "/api/staff/reservations", params={**params, "interpreter_id": str(a)}
    )
    assert [i["id"] for i in (await only_a.json())["reservations"]] == [citizen["id"]]

    resp = await client.post(f"/api/staff/reservations/{citizen['id']}/cancel", headers=h)
    assert resp.status == 200
    assert await resp.json() == {"id": citizen["id"], "status": "cancelled"}
    booked = await client.get("/api/staff/reservations", params={**params, "status": "booked"})
    assert [i["id"] for i in (await booked.json())["reservations"]] == [phone["id"]]
    again = await client.post(f"/api/staff/reservations/{citizen['id']}/cancel", headers=h)
    assert again.status == 409
    assert (await client.post("/api/staff/reservations/999/cancel", headers=h)).status == 404

    async with client.app[SESSIONS]() as db:
        audit = (
            await db.scalars(
                select(AuditEntry).where(AuditEntry.action != "login").order_by(AuditEntry.id)
            )
        ).all()
    assert [(x.actor.split(":")[0], x.action) for x in audit] == [
        ("citizen", "reservation.create"),
        ("account", "reservation.create"),
        ("account", "reservation.cancelled"),
    ]


BAD_LIST_QUERIES: list[dict[str, str]] = [
    {"from": "2026-12-01"},
    {"from": "2026-12-01", "to": "2027-01-15"},
    {"from": "2026-12-10", "to": "2026-12-01"},
    {"from": "2026-12-01", "to": "2026-12-02", "interpreter_id": "abc"},
    {"from": "2026-12-01", "to": "2026-12-02", "interpreter_id": "99999999999999"},
    {"from": "2026-12-01", "to": "2026-12-02", "status": "gone"},
    {"from": "12/01/2026", "to": "2026-12-02"},
]


async def test_staff_list_bad_queries(client: Client) -> None:
    await login(client)
    for params in BAD_LIST_QUERIES:
        resp = await client.get("/api/staff/reservations", params=params)
        assert resp.status == 422, params
        assert (await resp.json())["error"]["code"] == "invalid"


async def test_staff_booking_needs_a_channel_and_valid_fields(client: Client) -> None:
    await add_interpreter(client)
    csrf = await login(client)
    h = {"X-CSRF-Token": csrf}
    body = booking_body(client, slot(client))
    assert (await client.post("/api/staff/reservations", json=body, headers=h)).status == 422
    bad = {**body, "channel": "fax"}
    assert (await client.post("/api/staff/reservations", json=bad, headers=h)).status == 422
    taken = {**body, "channel": "counter"}
    assert (await client.post("/api/staff/reservations", json=taken, headers=h)).status == 201
    resp = await client.post("/api/staff/reservations", json=taken, headers=h)
    assert resp.status == 409
    assert (await resp.json())["error"]["code"] == "slot_taken"


async def test_no_show_only_after_the_start(client: Client) -> None:
    await add_interpreter(client)
    future = await book(client, slot(client))
    csrf = await login(client)
    h = {"X-CSRF-Token": csrf}
    resp = await client.post(f"/api/staff/reservations/{future['id']}/no-show", headers=h)
    assert resp.status == 409
    assert (await resp.json())["error"]["code"] == "not_started"

    # A reservation that started an hour ago, booked "yesterday" through the store.
    tz = client.app[SETTINGS].tz
    now = datetime.now(UTC)
    start = now.astimezone(tz).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    if not 9 <= start.hour < 17:
        start = start.replace(hour=10) - timedelta(days=1)
    request = store.NewBooking(
        name="Past", language="KSL", topic="other", start=start, consent_version="v"
    )
    past = await store.book(
        client.app[SESSIONS], client.app[SETTINGS], request, now=start - timedelta(days=1)
    )
    rid = past.reservation.id
    resp = await client.post(f"/api/staff/reservations/{rid}/no-show", headers=h)
    assert resp.status == 200
    assert await resp.json() == {"id": rid, "status": "no_show"}
    assert all(c[2] != rid for c in await busy_cells(client))
    again = await client.post(f"/api/staff/reservations/{rid}/no-show", headers=h)
    assert again.status == 409
    assert (await again.json())["error"]["code"] == "illegal_transition"
    cancel = await client.post(f"/api/staff/reservations/{rid}/cancel", headers=h)
    assert cancel.status == 409
    assert await count_rows(client, Reservation) == 2
