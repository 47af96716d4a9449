"""Interpreters see their own reservations of one day, and nobody else's."""

from __future__ import annotations

from datetime import timedelta

from scheduler.domain import Role
from tests.api.helpers import (
    NAME,
    Client,
    add_interpreter,
    book,
    login,
    slot,
)


async def test_interpreter_sees_only_their_own_day(client: Client) -> None:
    mine = await add_interpreter(client, "Mine")
    other = await add_interpreter(client, "Other")
    first = await book(client, slot(client, hour=9))  # Mine (lowest id on a tie)
    second = await book(client, slot(client, hour=9), name="Someone")  # Other
    third = await book(client, slot(client, hour=13))  # Mine: 1 vs 1 that day, lowest id
    later = await book(client, slot(client, days=4, hour=9))  # another day
    await login(client, Role.INTERPRETER, "terp", interpreter_id=mine)

    day = slot(client).date().isoformat()
    resp = await client.get("/api/interpreter/reservations", params={"date": day})
    assert resp.status == 200
    items = (await resp.json())["reservations"]
    assert [i["id"] for i in items] == [first["id"], third["id"]]
    assert {i["interpreter_id"] for i in items} == {mine}
    assert items[0]["name"] == NAME and items[0]["interpreter_name"] == "Mine"
    assert second["id"] not in {i["id"] for i in items}
    assert other != mine

    next_day = (slot(client) + timedelta(days=1)).date().isoformat()
    resp = await client.get("/api/interpreter/reservations", params={"date": next_day})
    assert (await resp.json())["reservations"] == []
    assert later["id"] not in {i["id"] for i in items}


async def test_interpreter_day_needs_a_good_date_and_the_role(client: Client) -> None:
    iid = await add_interpreter(client)
    await login(client, Role.INTERPRETER, "terp", interpreter_id=iid)
    for params in ({}, {"date": "tomorrow"}, {"date": "2026-13-01"}, {"date": "99999-01-01"}):
        resp = await client.get("/api/interpreter/reservations", params=params)
        assert resp.status == 422, params
    resp = await client.get(
        "/api/staff/reservations", params={"from": "2026-12-01", "to": "2026-12-01"}
    )
    assert resp.status == 403


async def test_staff_cannot_use_the_interpreter_view(client: Client) -> None:
    await login(client)
    resp = await client.get("/api/interpreter/reservations", params={"date": "2026-12-01"})
    assert resp.status == 403
