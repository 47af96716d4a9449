"""The double-booking guarantee under concurrent requests, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter

from scheduler.models import Reservation
from tests.api.helpers import (
    Client,
    add_interpreter,
    booking_body,
    busy_cells,
    count_rows,
    reservations,
    slot,
)

CONCURRENT = 20


async def _race(client: Client, requests: int) -> Counter[tuple[int, str]]:
    start = slot(client)

    async def one(i: int) -> tuple[int, str]:
        body = booking_body(client, start, name=f"Citizen {i}")
        resp = await client.post("/api/reservations", json=body)
        data = await resp.json()
        return resp.status, data["error"]["code"] if resp.status != 201 else "created"

    return Counter(await asyncio.gather(*(one(i) for i in range(requests))))


async def test_one_free_interpreter_twenty_requests_one_booking(client: Client) -> None:
    await add_interpreter(client)
    outcome = await _race(client, CONCURRENT)
    assert outcome == {(201, "created"): 1, (409, "slot_taken"): CONCURRENT - 1}
    assert await count_rows(client, Reservation) == 1
    (row,) = await reservations(client)
    cells = await busy_cells(client)
    assert len(cells) == 6
    assert {(c[0], c[2]) for c in cells} == {(row.interpreter_id, row.id)}


async def test_three_free_interpreters_get_one_booking_each(client: Client) -> None:
    ids = {await add_interpreter(client, name) for name in ("A", "B", "C")}
    outcome = await _race(client, CONCURRENT)
    assert outcome == {(201, "created"): 3, (409, "slot_taken"): CONCURRENT - 3}
    rows = await reservations(client)
    assert {r.interpreter_id for r in rows} == ids
    cells = await busy_cells(client)
    assert len(cells) == 3 * 6
    assert Counter(c[0] for c in cells) == dict.fromkeys(ids, 6)
