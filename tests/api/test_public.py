"""Public read endpoints: languages, catalog, availability and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from scheduler.catalog import SPECIALTY_CODES, TOPIC_CODES
from signdesk.appkeys import SETTINGS
from tests.api.helpers import (
    Client,
    add_interpreter,
    book,
    local_today,
    slot,
)
from web.api import ROUTES


async def test_languages_come_from_the_table(client: Client) -> None:
    resp = await client.get("/api/languages")
    assert resp.status == 200
    codes = [lang["code"] for lang in (await resp.json())["languages"]]
    assert codes == ["KSL", "ASL", "IS"]


async def test_catalog_has_everything_a_form_needs(client: Client) -> None:
    resp = await client.get("/api/catalog")
    assert resp.status == 200
    data = await resp.json()
    assert {t["code"] for t in data["topics"]} == TOPIC_CODES
    assert {s["code"] for s in data["specialties"]} == SPECIALTY_CODES
    assert all(t["name_ko"] and t["name_en"] for t in data["topics"])
    assert data["channels"] == ["web", "phone", "sms", "counter"]
    assert data["timezone"] == "Asia/Seoul"
    assert data["slot_minutes"] == 30
    assert data["consent_version"] == client.app[SETTINGS].consent_version
    assert data["languages"][0]["code"] == "KSL"


def _range(client: Client, days: int = 3, span: int = 1) -> dict[str, str]:
    first = local_today(client) + timedelta(days=days)
    return {"from": first.isoformat(), "to": (first + timedelta(days=span - 1)).isoformat()}


async def test_availability_counts_free_interpreters(client: Client) -> None:
    await add_interpreter(client, "A", ["KSL"], ["legal"])
    await add_interpreter(client, "B", ["KSL", "ASL"])
    start = slot(client)
    await book(client, start)  # takes one of the two at 10:00

    resp = await client.get("/api/availability", params={"language": "KSL", **_range(client)})
    assert resp.status == 200
    data = await resp.json()
    assert data["timezone"] == "Asia/Seoul"
    by_start = {s["start"]: s for s in data["slots"]}
    assert by_start[start.isoformat()]["free"] == 1
    nine = slot(client, hour=9).isoformat()
    assert by_start[nine] == {
        "start": nine,
        "end": slot(client, hour=9, minute=30).isoformat(),
        "free": 2,
    }
    assert nine.endswith("+09:00")

    asl = await client.get("/api/availability", params={"language": "ASL", **_range(client)})
    assert {s["free"] for s in (await asl.json())["slots"]} == {1}

    legal = await client.get(
        "/api/availability", params={"language": "KSL", "specialty": "legal", **_range(client)}
    )
    legal_slots = {s["start"]: s["free"] for s in (await legal.json())["slots"]}
    assert legal_slots[nine] == 1


async def test_availability_without_interpreters_is_empty(client: Client) -> None:
    resp = await client.get("/api/availability", params={"language": "IS", **_range(client)})
    assert resp.status == 200
    assert (await resp.json())["slots"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"language": "XSL"}, "language"),
        ({"language": "KSL\x00"}, "language"),
        ({"language": "K" * 100}, "language"),
        ({}, "language"),
        ({"language": "KSL", "from": "2026/12/01"}, "from"),
        ({"language": "KSL", "from": "2026-02-30"}, "from"),
        ({"language": "KSL", "from": "1700000000"}, "from"),
        ({"language": "KSL", "to": "tomorrow"}, "to"),
        ({"language": "KSL", "from": "9999-01-01", "to": "9999-01-02"}, "from"),
        ({"language": "KSL", "specialty": "astrology"}, "specialty"),
    ],
)
async def test_availability_bad_input_is_422(
    client: Client, params: dict[str, str], field: str
) -> None:
    query = {**_range(client), **params}
    if "language" not in params:
        query.pop("language", None)
    resp = await client.get("/api/availability", params=query)
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


@pytest.mark.parametrize(
    ("days", "span"),
    [
        (3, 40),  # longer than availability_max_days
        (0, 32),
        (-5, 1),  # in the past
        (59, 5),  # beyond the booking horizon
    ],
)
async def test_availability_range_limits(client: Client, days: int, span: int) -> None:
    resp = await client.get(
        "/api/availability", params={"language": "KSL", **_range(client, days, span)}
    )
    assert resp.status == 422
    assert (await resp.json())["error"]["code"] == "invalid"


async def test_availability_to_before_from(client: Client) -> None:
    r = _range(client)
    resp = await client.get(
        "/api/availability", params={"language": "KSL", "from": r["to"], "to": "2000-01-01"}
    )
    assert resp.status == 422


async def test_unknown_api_path_is_json_404(client: Client) -> None:
    resp = await client.get("/api/nothing-here")
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "not_found"


async def test_openapi_document_covers_every_route(client: Client) -> None:
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    doc: dict[str, Any] = await resp.json()
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"]
    paths = doc["paths"]
    for route in ROUTES:
        assert route.method.lower() in paths[route.path], (route.method, route.path)
    expected = {
        "/api/languages",
        "/api/catalog",
        "/api/availability",
        "/api/reservations",
        "/api/reservations/{code}",
        "/api/reservations/{code}/calendar.ics",
        "/api/reservations/{code}/ticket",
        "/api/queue/status",
        "/api/queue",
        "/api/queue/ticket",
        "/api/sessions/{session_id}/survey",
        "/api/call/config",
        "/api/openapi.json",
        "/api/me",
        "/api/staff/interpreters",
        "/api/staff/interpreters/{id}",
        "/api/staff/interpreters/{id}/schedule",
        "/api/staff/interpreters/{id}/shifts",
        "/api/staff/shifts/{id}",
        "/api/staff/interpreters/{id}/exceptions",
        "/api/staff/exceptions/{id}",
        "/api/staff/reservations",
        "/api/staff/reservations/{id}/cancel",
        "/api/staff/reservations/{id}/no-show",
        "/api/staff/calls",
        "/api/interpreter/reservations",
        # counseling records (web/records.py)
        "/api/record-categories",
        "/api/sessions/{session_id}/record",
        "/api/interpreter/records",
        "/api/records",
        "/api/records/export.csv",
        "/api/records/export.json",
        "/api/records/export.open311.json",
        # right of access and deletion (web/privacy.py)
        "/api/reservations/{code}/my-data",
        "/api/reservations/{code}/deletion-request",
        "/api/deletion-requests",
        "/api/deletion-requests/{id}",
    }
    assert set(paths) == expected
    assert set(paths["/api/reservations/{code}"]) == {"get", "delete", "patch"}

    # Every $ref points at a component that exists.
    schemas = doc["components"]["schemas"]
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    refs.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref

    create = paths["/api/reservations"]["post"]
    assert create["responses"]["201"]
    assert "409" in create["responses"] and "422" in create["responses"]
    body_schema = schemas["ReservationCreate"]
    assert body_schema["additionalProperties"] is False
    assert "consent" in body_schema["required"]
    params = {p["name"] for p in paths["/api/availability"]["get"]["parameters"]}
    assert params == {"language", "from", "to", "specialty"}
    assert paths["/api/staff/interpreters"]["get"]["security"]
