"""`GET /ws` over real WebSockets: who may open one, protocol rules, and pairing with relay."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import update

from scheduler.domain import ReservationStatus, Role
from scheduler.models import Account, CallTicket, Reservation
from signaling.server import CORE
from signdesk.appkeys import SESSIONS
from signdesk.db import utcnow
from tests.signaling_ws.scenario import (
    CANDIDATE,
    SDP,
    Client,
    MakeClient,
    add_booking,
    add_interpreter,
    assert_quiet,
    closed_with,
    connect,
    connect_caller,
    hello,
    interpreter_cookie,
    ready_interpreter,
    receive,
    send,
    session_cookie,
    ticket,
)


async def refused(client: Client, path: str, headers: dict[str, str] | None = None) -> int:
    """The HTTP status of an upgrade that must not happen."""
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect(path, headers=headers or {})
    return info.value.status


# --- before the upgrade ---------------------------------------------------------------------------


async def test_a_foreign_origin_is_refused_before_the_upgrade(client: Client) -> None:
    interpreter = await add_interpreter(client)
    cookie = await interpreter_cookie(client, interpreter)
    booking = await add_booking(client, interpreter)
    evil = {"Origin": "https://evil.example"}
    assert await refused(client, "/ws", {**cookie, **evil}) == 403
    tick = await ticket(client, booking)
    assert await refused(client, f"/ws?ticket={tick}", evil) == 403
    # The refused upgrade did not spend the ticket, and the page's own origin is fine.
    own = {"Origin": str(client.make_url("/")).rstrip("/")}
    ws = await client.ws_connect(f"/ws?ticket={tick}", headers=own)
    assert (await hello(ws))["role"] == "caller"
    await ws.close()


async def test_a_configured_origin_may_connect(make_client: MakeClient) -> None:
    client: Client = await make_client(allowed_origins=["https://desk.example"])
    staff = await session_cookie(client, Role.STAFF, "desk")
    ws = await connect(client, {**staff, "Origin": "https://desk.example"})
    assert (await hello(ws))["role"] == "staff"
    await ws.close()


async def test_without_a_ticket_or_log_in_there_is_no_socket(client: Client) -> None:
    assert await refused(client, "/ws") == 401
    assert await refused(client, "/ws?ticket=") == 401
    assert await refused(client, "/ws?ticket=made-up") == 401
    assert await refused(client, "/ws?ticket=" + "x" * 500) == 401
    assert await refused(client, "/ws", {"Cookie": "sd_session=forged"}) == 401


async def test_a_ticket_opens_one_socket_only(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    tick = await ticket(client, booking)
    ws = await client.ws_connect(f"/ws?ticket={tick}")
    await hello(ws)
    await ws.close()
    assert await refused(client, f"/ws?ticket={tick}") == 401


async def test_an_expired_ticket_is_refused(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    tick = await ticket(client, booking)
    async with client.app[SESSIONS]() as db, db.begin():
        await db.execute(update(CallTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert await refused(client, f"/ws?ticket={tick}") == 401


async def test_a_ticket_for_a_booking_closed_since_is_refused(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    tick = await ticket(client, booking)
    async with client.app[SESSIONS]() as db, db.begin():
        await db.execute(
            update(Reservation)
            .where(Reservation.id == booking.id)
            .values(status=ReservationStatus.CANCELLED)
        )
    assert await refused(client, f"/ws?ticket={tick}") == 403
    later = await add_booking(client, await add_interpreter(client, "Park"))
    tick = await ticket(client, later)
    async with client.app[SESSIONS]() as db, db.begin():
        await db.execute(
            update(Reservation)
            .where(Reservation.id == later.id)
            .values(ends_at=utcnow() - timedelta(seconds=1))
        )
    assert await refused(client, f"/ws?ticket={tick}") == 403


async def test_interpreters_and_staff_come_in_with_their_session_cookie(client: Client) -> None:
    interpreter = await add_interpreter(client)
    ws = await connect(client, await interpreter_cookie(client, interpreter))
    welcome = await hello(ws)
    assert welcome["role"] == "interpreter" and welcome["resume_token"]
    assert (await receive(ws, "presence"))["state"] == "away"
    staff = await connect(client, await session_cookie(client, Role.SUPERVISOR, "boss"))
    welcome = await hello(staff)
    assert welcome["role"] == "staff" and welcome["resume_token"] is None
    await ws.close()
    await staff.close()


async def test_an_interpreter_account_needs_an_active_interpreter(client: Client) -> None:
    interpreter = await add_interpreter(client)
    cookie = await interpreter_cookie(client, interpreter)
    async with client.app[SESSIONS]() as db, db.begin():
        await db.execute(update(Account).values(interpreter_id=None))
    assert await refused(client, "/ws", cookie) == 403
    inactive = await add_interpreter(client, "Gone", active=False)
    assert await refused(client, "/ws", await interpreter_cookie(client, inactive, "gone")) == 403


async def test_a_plain_http_get_is_not_an_upgrade(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    tick = await ticket(client, booking)
    resp = await client.get(f"/ws?ticket={tick}")
    assert resp.status == 400
    ws = await client.ws_connect(f"/ws?ticket={tick}")  # the ticket was not spent on it
    await hello(ws)
    await ws.close()


# --- protocol rules -------------------------------------------------------------------------------


async def test_an_invalid_message_gets_an_error_and_the_socket_stays(client: Client) -> None:
    ws = await connect_caller(client, await add_booking(client, await add_interpreter(client)))
    await ws.send_str("{not json")
    assert (await receive(ws, "error"))["code"] == "bad_json"
    await send(ws, {"type": "join"})
    assert (await receive(ws, "error"))["code"] == "hello_required"
    await hello(ws)
    await send(ws, {"type": "offer", "session_id": "s_x", "sdp": SDP})
    error = await receive(ws, "error")
    assert error["code"] == "not_in_session" and error["about"] == "offer"
    await send(ws, {"type": "join", "surprise": 1})
    assert (await receive(ws, "error"))["code"] == "invalid"
    await send(ws, {"type": "teleport"})
    assert (await receive(ws, "error"))["code"] == "unknown_type"
    await send(ws, {"type": "join"})
    assert (await receive(ws, "waiting"))["status"] == "interpreter_absent"
    assert not ws.closed
    await ws.close()


async def test_a_frame_over_the_size_limit_closes_with_1009(client: Client) -> None:
    ws = await connect_caller(client, await add_booking(client, await add_interpreter(client)))
    await hello(ws)
    await ws.send_str("x" * (64 * 1024 + 1))
    assert await closed_with(ws) == 1009


async def test_a_frame_at_the_limit_is_read_and_refused_by_the_parser(client: Client) -> None:
    ws = await connect_caller(client, await add_booking(client, await add_interpreter(client)))
    await hello(ws)
    await ws.send_str('{"type": "join", "pad": "' + "x" * (64 * 1024 - 30) + '"}')
    assert (await receive(ws, "error"))["code"] == "invalid"
    assert not ws.closed
    await ws.close()


async def test_the_size_limit_is_a_setting(make_client: MakeClient) -> None:
    client: Client = await make_client(ws_max_message_bytes=2048)
    ws = await connect_caller(client, await add_booking(client, await add_interpreter(client)))
    await hello(ws)
    await ws.send_str("x" * 2049)
    assert await closed_with(ws) == 1009


# --- pairing and relay ----------------------------------------------------------------------------


async def test_offer_answer_and_ice_reach_only_the_peer(client: Client) -> None:
    lee = await add_interpreter(client, "Lee Interpreter")
    park = await add_interpreter(client, "Park Interpreter")
    booking = await add_booking(client, lee)
    other = await add_booking(client, park)

    caller = await connect_caller(client, booking)
    await hello(caller)
    await send(caller, {"type": "join"})
    assert (await receive(caller, "waiting"))["status"] == "interpreter_absent"

    # A bystander: another caller, waiting for an interpreter who is not here.
    bystander = await connect_caller(client, other)
    await hello(bystander)
    await send(bystander, {"type": "join"})
    assert (await receive(bystander, "waiting"))["status"] == "interpreter_absent"

    interpreter = await ready_interpreter(client, lee)
    matched = await receive(interpreter, "matched")
    assert matched["role_in_session"] == "offerer" and matched["peer_name"] == "Kim Citizen"
    assert (await receive(interpreter, "presence"))["state"] == "in_session"
    # The caller heard that the interpreter came online (not yet ready), then the match.
    assert (await receive(caller, "waiting"))["status"] == "connecting"
    theirs = await receive(caller, "matched")
    assert theirs["role_in_session"] == "answerer" and theirs["peer_name"] == "Lee Interpreter"
    sid = matched["session_id"]
    assert theirs["session_id"] == sid and theirs["ice_servers"] == []

    await send(interpreter, {"type": "offer", "session_id": sid, "sdp": SDP})
    assert (await receive(caller, "offer"))["sdp"] == SDP
    await send(caller, {"type": "answer", "session_id": sid, "sdp": SDP})
    assert (await receive(interpreter, "answer"))["sdp"] == SDP
    await send(caller, {"type": "ice", "session_id": sid, "candidate": CANDIDATE})
    assert (await receive(interpreter, "ice"))["candidate"] == CANDIDATE
    await send(interpreter, {"type": "ice", "session_id": sid, "candidate": None})
    assert (await receive(caller, "ice"))["candidate"] is None

    # The bystander may not speak into this session, and heard nothing of it.
    await send(bystander, {"type": "ice", "session_id": sid, "candidate": CANDIDATE})
    assert (await receive(bystander, "error"))["code"] == "not_in_session"
    await assert_quiet(bystander)
    await assert_quiet(caller)
    await assert_quiet(interpreter)
    for ws in (caller, bystander, interpreter):
        await ws.close()


async def test_a_second_caller_gets_their_own_booking_and_a_second_socket_is_refused(
    client: Client,
) -> None:
    lee = await add_interpreter(client, "Lee Interpreter")
    park = await add_interpreter(client, "Park Interpreter")
    # Slots a few minutes ahead: no automatic handover to Lee, who is free, can happen yet.
    mine = await add_booking(client, lee, starts_in=timedelta(minutes=5))
    theirs = await add_booking(client, park, starts_in=timedelta(minutes=5))
    interpreter = await ready_interpreter(client, lee)

    # Someone with the other booking's link gets that booking: still waiting for Park.
    stranger = await connect_caller(client, theirs)
    await hello(stranger)
    await send(stranger, {"type": "join"})
    assert (await receive(stranger, "waiting"))["status"] == "interpreter_absent"
    await assert_quiet(interpreter)

    caller = await connect_caller(client, mine)
    await hello(caller)
    await send(caller, {"type": "join"})
    assert (await receive(caller, "matched"))["peer_name"] == "Lee Interpreter"

    # A second socket for my booking (a forwarded link, a second tab) is shut out.
    second = await connect_caller(client, mine)
    await send(second, {"type": "hello"})
    assert (await receive(second, "error"))["code"] == "already_connected"
    assert await closed_with(second) == 4409
    await assert_quiet(caller)
    assert client.app[CORE].session_count == 2  # mine (matched) and theirs (waiting)
    for ws in (interpreter, stranger, caller):
        await ws.close()
