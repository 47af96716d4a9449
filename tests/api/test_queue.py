"""The live queue over HTTP: its hours and choices, joining as a walk-in, and call tickets.

The queue follows the signaling hub's clock (`HUB.clock`), so these tests pin it to a known
weekday or weekend time in Seoul instead of depending on when they run.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scheduler.catalog import SPECIALTY_CODES
from scheduler.codes import hash_token
from scheduler.models import CallTicket, QueueContact
from signaling.server import HUB
from signaling.tickets import CONTACT_MAX_AGE, MAX_LIVE_TICKETS, consume_ticket
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.api.helpers import Client, bearer, count_rows
from tests.conftest import make_settings
from tests.signaling_ws.scenario import MakeClient, add_interpreter, hello, interpreter_cookie
from web.api import QUEUE_CONTACTS_PER_MINUTE

WEDNESDAY_10 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
WEDNESDAY_23 = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 23:00 in Seoul, after 22:00
SATURDAY_19 = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # 19:00 in Seoul, after 18:00


@pytest.fixture
def make_client(database_url: str, aiohttp_client: Any) -> MakeClient:
    """A client on the parametrized database with settings overrides."""

    async def make(**overrides: object) -> Client:
        client: Client = await aiohttp_client(create_app(make_settings(database_url, **overrides)))
        return client

    return make


class Clock:
    """A settable clock for the hub (and so for the queue's hours and tickets)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def pin(client: Client, now: datetime) -> Clock:
    clock = Clock(now)
    client.app[HUB].clock = clock
    return clock


def join_body(client: Client, **overrides: Any) -> dict[str, Any]:
    """A valid walk-in request; an override of `...` removes that field."""
    body: dict[str, Any] = {
        "language": "KSL",
        "specialty": "legal",
        "mode": "video",
        "display_name": "민지",
        "consent": True,
        "consent_version": client.app[SETTINGS].consent_version,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


async def join(client: Client, **overrides: Any) -> dict[str, Any]:
    resp = await client.post("/api/queue", json=join_body(client, **overrides))
    assert resp.status == 201, await resp.text()
    data: dict[str, Any] = await resp.json()
    return data


async def post_ticket(client: Client, token: str | None) -> tuple[int, dict[str, Any]]:
    headers = {} if token is None else bearer(token)
    resp = await client.post("/api/queue/ticket", headers=headers)
    return resp.status, await resp.json()


# --- status -------------------------------------------------------------------------------------


async def test_the_status_says_open_and_lists_the_choices(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    resp = await client.get("/api/queue/status")
    assert resp.status == 200
    status = await resp.json()
    assert status["open"] is True and status["opens_at"] is None
    assert datetime.fromisoformat(status["closes_at"]) == datetime.fromisoformat(
        "2026-12-02T22:00:00+09:00"
    )
    assert status["now"] == "2026-12-02T10:00:00+09:00"
    assert status["timezone"] == "Asia/Seoul"
    assert status["modes"] == ["video", "chat"]
    assert status["consent_version"] == client.app[SETTINGS].consent_version
    assert {s["code"] for s in status["specialties"]} == SPECIALTY_CODES
    languages = {entry["code"]: entry for entry in status["languages"]}
    assert {"KSL", "ASL"} <= set(languages)
    assert languages["KSL"]["interpreters_online"] == 0
    assert set(languages["KSL"]) == {"code", "name_ko", "name_en", "interpreters_online"}


async def test_the_status_counts_the_interpreters_online_per_language(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    interpreter = await add_interpreter(client)  # signs KSL
    ws = await client.ws_connect("/ws", headers=await interpreter_cookie(client, interpreter))
    await hello(ws)  # connected: away until they choose ready, but online
    status = await (await client.get("/api/queue/status")).json()
    online = {entry["code"]: entry["interpreters_online"] for entry in status["languages"]}
    assert online["KSL"] == 1 and online["ASL"] == 0
    await ws.close()


async def test_the_status_says_closed_and_when_it_opens(client: Client) -> None:
    pin(client, WEDNESDAY_23)
    status = await (await client.get("/api/queue/status")).json()
    assert status["open"] is False and status["closes_at"] is None
    assert status["opens_at"] == "2026-12-03T09:00:00+09:00"  # Thursday morning
    pin(client, SATURDAY_19)  # weekend hours end at 18:00
    status = await (await client.get("/api/queue/status")).json()
    assert status["open"] is False
    assert status["opens_at"] == "2026-12-06T09:00:00+09:00"


async def test_the_status_follows_the_configured_service_hours(make_client: MakeClient) -> None:
    client = await make_client(weekday_open="11:00", weekday_close="12:00")
    pin(client, WEDNESDAY_10)
    status = await (await client.get("/api/queue/status")).json()
    assert (status["open"], status["opens_at"]) == (False, "2026-12-02T11:00:00+09:00")


# --- joining ------------------------------------------------------------------------------------


async def test_joining_creates_a_contact_with_a_hashed_token(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    pin(client, WEDNESDAY_10)
    created = await join(client)
    assert set(created) == {
        "contact_id",
        "contact_token",
        "mode",
        "language",
        "specialty",
        "expires_at",
    }
    assert (created["mode"], created["language"], created["specialty"]) == (
        "video",
        "KSL",
        "legal",
    )
    expires = datetime.fromisoformat(created["expires_at"])
    assert expires == WEDNESDAY_10 + CONTACT_MAX_AGE
    token = created["contact_token"]
    assert len(token) >= 43  # 256 bits
    async with client.app[SESSIONS]() as db:
        row = await db.get(QueueContact, created["contact_id"])
    assert row is not None
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert (row.display_name, row.mode, row.created_at) == ("민지", "video", WEDNESDAY_10)
    assert row.consent_version == client.app[SETTINGS].consent_version
    assert row.consented_at == WEDNESDAY_10
    ours = ("signaling", "web", "scheduler", "signdesk")
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))
    assert token not in text and "민지" not in text


async def test_a_nickname_is_optional_and_a_blank_one_is_none(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    first = await join(client, display_name=..., specialty=..., mode="chat")
    second = await join(client, display_name="   ")
    assert first["specialty"] is None and first["mode"] == "chat"
    async with client.app[SESSIONS]() as db:
        for created in (first, second):
            row = await db.get(QueueContact, created["contact_id"])
            assert row is not None and row.display_name is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": ...}, "consent"),
        ({"consent": False}, "consent"),
        ({"consent_version": "1999-01-v0"}, "consent_version"),
        ({"language": ...}, "language"),
        ({"language": "XSL"}, "language"),  # well formed, but not a language we offer
        ({"language": "K S L"}, "language"),
        ({"mode": ...}, "mode"),
        ({"mode": "phone"}, "mode"),
        ({"specialty": "astrology"}, "specialty"),
        ({"display_name": "x" * 41}, "display_name"),
        ({"display_name": "two\nlines"}, "display_name"),
        ({"surname": "Kim"}, "surname"),
    ],
)
async def test_bad_queue_requests_are_422_and_create_nothing(
    client: Client, overrides: dict[str, Any], field: str
) -> None:
    pin(client, WEDNESDAY_10)
    resp = await client.post("/api/queue", json=join_body(client, **overrides))
    assert resp.status == 422, await resp.text()
    error = (await resp.json())["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert await count_rows(client, QueueContact) == 0


async def test_bad_json_and_media_types_are_refused(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    resp = await client.post("/api/queue", data="{", headers={"Content-Type": "application/json"})
    assert (resp.status, (await resp.json())["error"]["code"]) == (400, "bad_json")
    resp = await client.post("/api/queue", data="language=KSL")
    assert resp.status == 415


async def test_joining_a_closed_queue_is_409_with_the_next_opening(client: Client) -> None:
    pin(client, WEDNESDAY_23)
    resp = await client.post("/api/queue", json=join_body(client))
    assert resp.status == 409
    error = (await resp.json())["error"]
    assert error["code"] == "queue_closed"
    assert error["fields"] == {"opens_at": "2026-12-03T09:00:00+09:00"}
    assert await count_rows(client, QueueContact) == 0


async def test_one_client_cannot_create_contacts_without_bound(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    for _ in range(QUEUE_CONTACTS_PER_MINUTE):
        await join(client)
    resp = await client.post("/api/queue", json=join_body(client))
    assert resp.status == 429
    assert (await resp.json())["error"]["code"] == "too_many_contacts"
    assert await count_rows(client, QueueContact) == QUEUE_CONTACTS_PER_MINUTE


async def test_joining_from_a_foreign_origin_is_refused(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    resp = await client.post(
        "/api/queue", json=join_body(client), headers={"Origin": "https://evil.example"}
    )
    assert (resp.status, (await resp.json())["error"]["code"]) == (403, "bad_origin")
    assert await count_rows(client, QueueContact) == 0


# --- tickets ------------------------------------------------------------------------------------


async def test_a_contact_trades_its_token_for_a_one_time_walk_in_ticket(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    created = await join(client, mode="chat")
    status, body = await post_ticket(client, created["contact_token"])
    assert status == 201, body
    assert set(body) == {"ticket", "expires_in", "ws_path"}
    assert body["ws_path"] == "/ws" and body["expires_in"] == 120
    assert len(body["ticket"]) >= 43
    async with client.app[SESSIONS]() as db:
        row = await db.get(CallTicket, hash_token(body["ticket"]))
    assert row is not None and row.contact_id == created["contact_id"]
    identity = await consume_ticket(client.app[SESSIONS], body["ticket"], now=WEDNESDAY_10)
    assert identity.role.value == "caller"
    assert (getattr(identity, "contact_id", None), getattr(identity, "mode", None)) == (
        created["contact_id"],
        "chat",
    )


async def test_an_unknown_or_missing_contact_token_is_401(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    await join(client)
    for token in (None, "not-a-contact-token", "\u00e9" * 10):
        status, body = await post_ticket(client, token)
        assert (status, body["error"]["code"]) == (401, "token_invalid"), token
    assert await count_rows(client, CallTicket) == 0


async def test_a_contact_too_old_or_a_closed_queue_gets_no_ticket(client: Client) -> None:
    clock = pin(client, WEDNESDAY_10)
    token = (await join(client))["contact_token"]
    clock.now = WEDNESDAY_10 + CONTACT_MAX_AGE
    status, body = await post_ticket(client, token)
    assert (status, body["error"]["code"]) == (409, "contact_expired")

    clock.now = WEDNESDAY_10
    token = (await join(client))["contact_token"]
    clock.now = WEDNESDAY_10 + timedelta(hours=12, minutes=30)  # 22:30, closed
    status, body = await post_ticket(client, token)
    assert (status, body["error"]["code"]) == (409, "queue_closed")
    assert body["error"]["fields"] == {"opens_at": "2026-12-03T09:00:00+09:00"}


async def test_unused_contact_tickets_are_capped(client: Client) -> None:
    pin(client, WEDNESDAY_10)
    token = (await join(client))["contact_token"]
    for _ in range(MAX_LIVE_TICKETS):
        assert (await post_ticket(client, token))[0] == 201
    status, body = await post_ticket(client, token)
    assert (status, body["error"]["code"]) == (429, "too_many_tickets")


async def test_the_openapi_document_describes_the_queue(client: Client) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    paths = doc["paths"]
    assert paths["/api/queue/status"]["get"]["security"] == []
    join_op = paths["/api/queue"]["post"]
    assert set(join_op["responses"]) >= {"201", "409", "422", "429"}
    ticket_op = paths["/api/queue/ticket"]["post"]
    assert ticket_op["security"] == [{"contactToken": []}]
    assert set(ticket_op["responses"]) >= {"201", "401", "409", "429"}
    assert "contactToken" in doc["components"]["securitySchemes"]
    assert "QueueJoin" in doc["components"]["schemas"]
