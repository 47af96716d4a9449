"""Booking flows leave no token and no citizen data in the logs, even at DEBUG."""

from __future__ import annotations

import logging

import pytest

from tests.api.helpers import (
    CONTACT,
    NAME,
    Client,
    add_interpreter,
    bearer,
    book,
    booking_body,
    login,
    slot,
)

NOTE = "보청기 배터리 / hearing-aid battery"
# Database drivers echo SQL parameters at DEBUG (aiosqlite does); production logging keeps them at
# WARNING like aiortc/aioice (see `signdesk.__main__`), so they are out of this test's scope.
DRIVER_LOGGERS = ("aiosqlite", "asyncpg")


async def test_booking_flows_log_no_token_or_personal_data(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    await add_interpreter(client)
    caplog.set_level(logging.DEBUG)

    data = await book(client, slot(client), note=NOTE)
    token, code = data["token"], data["code"]
    await client.post("/api/reservations", json=booking_body(client, slot(client), note=NOTE))
    await client.get(f"/api/reservations/{code}", headers=bearer(token))
    await client.get(f"/api/reservations/{code}/calendar.ics", headers=bearer(token))
    await client.patch(
        f"/api/reservations/{code}",
        json={"start": slot(client, hour=12).isoformat()},
        headers=bearer(token),
    )
    await client.get(f"/api/reservations/{code}", headers=bearer("wrong" + token))
    await client.delete(f"/api/reservations/{code}", headers=bearer(token))
    csrf = await login(client)
    body = {**booking_body(client, slot(client, hour=15), note=NOTE), "channel": "phone"}
    staff = await client.post("/api/staff/reservations", json=body, headers={"X-CSRF-Token": csrf})
    assert staff.status == 201
    staff_token = (await staff.json())["token"]

    assert caplog.records, "expected some log output at DEBUG"
    ours = [r for r in caplog.records if r.name.split(".")[0] in {"scheduler", "web", "signdesk"}]
    assert any("booked" in r.getMessage() for r in ours)
    for record in caplog.records:
        if record.name.split(".")[0] in DRIVER_LOGGERS:
            continue
        text = record.getMessage() + str(record.args or "")
        for secret in (token, staff_token, NAME, CONTACT, NOTE, csrf):
            assert secret not in text, (record.name, secret)
