"""Every body field of every route, replaced by hostile values: always a 2xx or a 4xx JSON error."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientResponse

from signdesk.appkeys import SETTINGS
from tests.api.helpers import Client, add_interpreter, booking_body, login, slot
from web.api import ROUTES
from web.openapi import Access

NASTY: list[Any] = [
    None,
    0,
    -1,
    2**64,
    1.5,
    True,
    "",
    " ",
    "\x00",
    "\ud800",
    "가" * 5000,
    [],
    [None],
    {},
    {"$ref": "#"},
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-14:00",
    "2026-02-30T10:00:00+09:00",
    "2026-12-01T10:00:00+25:00",
    "NaN",
    "24:00",
    "KSL",
]


async def _check(resp: ClientResponse, label: str) -> None:
    assert resp.status < 500, (label, resp.status, await resp.text())
    if resp.status >= 400:
        error = (await resp.json())["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), label


def _valid_bodies(client: Client, interpreter: int) -> dict[str, dict[str, Any]]:
    start = slot(client)
    return {
        "ReservationCreate": booking_body(client, start),
        "StaffReservationCreate": {**booking_body(client, start), "channel": "phone"},
        "Reschedule": {"start": start.isoformat()},
        "InterpreterCreate": {"display_name": "X", "sign_languages": ["KSL"]},
        "InterpreterPatch": {"display_name": "Y"},
        "ShiftCreate": {"weekday": 1, "start": "09:00", "end": "10:00"},
        "ExceptionCreate": {
            "kind": "leave",
            "start": start.isoformat(),
            "end": slot(client, hour=11).isoformat(),
        },
        "QueueJoin": {
            "language": "KSL",
            "mode": "chat",
            "display_name": "Kim",
            "consent": True,
            "consent_version": client.app[SETTINGS].consent_version,
        },
        "SurveyIn": {"stars": 4, "resolved": True, "comment": "thanks"},
    }


async def test_hostile_field_values_never_cause_a_500(client: Client) -> None:
    interpreter = await add_interpreter(client)
    csrf = await login(client)
    headers = {"X-CSRF-Token": csrf, "Authorization": "Bearer not-a-real-token"}
    bodies = _valid_bodies(client, interpreter)
    for route in ROUTES:
        if route.body is None:
            continue
        path = (
            route.path.replace("{id}", str(interpreter))
            .replace("{code}", "ABC-DEF")
            .replace("{session_id}", "s_unknown")
        )
        valid = bodies[route.body.__name__]
        for field in [*valid, "unexpected"]:
            for value in NASTY:
                body = {**valid, field: value}
                resp = await client.request(route.method, path, json=body, headers=headers)
                await _check(resp, f"{route.method} {path} {field}={value!r:.40}")
        for raw in ([valid], "x", 1, None):
            resp = await client.request(route.method, path, json=raw, headers=headers)
            await _check(resp, f"{route.method} {path} body={raw!r:.40}")
    assert all(r.access in Access for r in ROUTES)
