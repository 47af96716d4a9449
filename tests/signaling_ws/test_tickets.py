"""`POST /api/reservations/{code}/ticket` and `GET /api/call/config`: a call page's first asks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from scheduler.domain import ReservationStatus
from scheduler.models import CallTicket, Reservation
from signaling.tickets import MAX_LIVE_TICKETS
from signdesk.appkeys import SESSIONS
from signdesk.db import utcnow
from tests.signaling_ws.scenario import (
    Booking,
    Client,
    MakeClient,
    add_booking,
    add_interpreter,
    hello,
)


async def post_ticket(
    client: Client, booking: Booking, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token or booking.token}"}
    resp = await client.post(f"/api/reservations/{booking.code}/ticket", headers=headers)
    return resp.status, await resp.json()


async def test_a_ticket_is_issued_inside_the_join_window(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    status, body = await post_ticket(client, booking)
    assert status == 201
    assert set(body) == {"ticket", "expires_in", "ws_path", "slot_start", "slot_end", "join_from"}
    assert body["ws_path"] == "/ws" and body["expires_in"] == 120
    assert len(body["ticket"]) >= 43  # 256 bits
    assert datetime.fromisoformat(body["slot_start"]) == booking.start
    assert datetime.fromisoformat(body["join_from"]) == booking.start - timedelta(minutes=10)
    async with client.app[SESSIONS]() as db:
        [row] = list(await db.scalars(select(CallTicket)))
    assert row.token_hash != body["ticket"] and body["ticket"] not in row.token_hash
    assert row.used_at is None and row.reservation_id == booking.id
    ws = await client.ws_connect(f"/ws?ticket={body['ticket']}")
    await hello(ws)
    await ws.close()


async def test_a_wrong_link_token_gets_no_ticket(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    status, body = await post_ticket(client, booking, "wrong-token")
    assert (status, body["error"]["code"]) == (404, "not_found")
    resp = await client.post(f"/api/reservations/{booking.code}/ticket")
    assert resp.status == 404


async def test_too_early_says_when_the_room_opens(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client), starts_in=timedelta(hours=2))
    status, body = await post_ticket(client, booking)
    assert (status, body["error"]["code"]) == (409, "too_early")
    opens = datetime.fromisoformat(body["error"]["fields"]["join_from"])
    assert opens == booking.start - timedelta(minutes=10)


async def test_the_join_window_is_a_setting(make_client: MakeClient) -> None:
    client = await make_client(call_join_early_minutes=0, call_ticket_seconds=30)
    booking = await add_booking(
        client, await add_interpreter(client), starts_in=timedelta(minutes=5)
    )
    assert (await post_ticket(client, booking))[0] == 409
    started = await add_booking(client, await add_interpreter(client, "Park"))
    status, body = await post_ticket(client, started)
    assert status == 201 and body["expires_in"] == 30


async def test_no_ticket_once_the_slot_is_over_or_the_booking_is_not_active(
    client: Client,
) -> None:
    interpreter = await add_interpreter(client)
    over = await add_booking(client, interpreter, starts_in=timedelta(minutes=-40))
    status, body = await post_ticket(client, over)
    assert (status, body["error"]["code"]) == (409, "too_late")
    cancelled = await add_booking(client, interpreter, status=ReservationStatus.CANCELLED)
    status, body = await post_ticket(client, cancelled)
    assert (status, body["error"]["code"]) == (409, "not_active")


async def test_unused_tickets_are_capped_and_expired_ones_cleared(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    for _ in range(MAX_LIVE_TICKETS):
        assert (await post_ticket(client, booking))[0] == 201
    status, body = await post_ticket(client, booking)
    assert (status, body["error"]["code"]) == (429, "too_many_tickets")
    async with client.app[SESSIONS]() as db, db.begin():
        await db.execute(update(CallTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert (await post_ticket(client, booking))[0] == 201
    async with client.app[SESSIONS]() as db:
        assert await db.scalar(select(func.count()).select_from(CallTicket)) == 1


async def test_tickets_are_refused_after_a_cancellation(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    assert (await post_ticket(client, booking))[0] == 201
    async with client.app[SESSIONS]() as db, db.begin():
        await db.execute(update(Reservation).values(status=ReservationStatus.CANCELLED))
    assert (await post_ticket(client, booking))[0] == 409


async def test_call_config_lists_ice_servers_from_the_settings(make_client: MakeClient) -> None:
    turn = {
        "urls": ["turn:turn.example:3478?transport=udp"],
        "username": "u",
        "credential": "c",
    }
    client = await make_client(ice_servers=[{"urls": "stun:stun.example:3478"}, turn])
    resp = await client.get("/api/call/config")
    assert resp.status == 200
    assert await resp.json() == {
        "ice_servers": [
            {"urls": ["stun:stun.example:3478"], "username": None, "credential": None},
            turn,
        ],
        "video": {"width": 640, "height": 480, "frameRate": 30},
    }


async def test_call_config_is_empty_on_loopback_by_default(client: Client) -> None:
    body = await (await client.get("/api/call/config")).json()
    assert body["ice_servers"] == []
