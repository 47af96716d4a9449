"""Set-up for the WebSocket tests: bookings whose slot covers "now", log-ins, sockets, messages.

The public booking API refuses slots within the minimum notice, so bookings here are inserted
through the ORM (with their busy cells, as the store would hold them). Staff and interpreters get
a session row directly and present its cookie, which is what a logged-in browser does.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from scheduler.availability import cells_for
from scheduler.codes import hash_token, new_booking_code, new_link_token
from scheduler.domain import ReservationStatus, Role
from scheduler.models import Account, BusyCell, Interpreter, Reservation, WebSession
from signaling.server import HUB
from signdesk.appkeys import SESSIONS
from signdesk.db import utcnow
from web.auth import SESSION_COOKIE

Client = TestClient[web.Request, web.Application]
WS = aiohttp.ClientWebSocketResponse
MakeClient = Callable[..., Awaitable[Client]]
CITIZEN = "Kim Citizen"
SDP = "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
CANDIDATE_LINE = "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host"
CANDIDATE: dict[str, Any] = {
    "candidate": CANDIDATE_LINE,
    "sdpMid": "0",
    "sdpMLineIndex": 0,
    "usernameFragment": "abcd",
}
RECEIVE_SECONDS = 3.0
QUIET_SECONDS = 0.15


@dataclass(frozen=True, slots=True)
class Booking:
    id: int
    code: str
    token: str
    interpreter_id: int
    start: datetime
    end: datetime


async def add_interpreter(
    client: Client, name: str = "Lee Interpreter", active: bool = True
) -> int:
    async with client.app[SESSIONS]() as db, db.begin():
        row = Interpreter(display_name=name, sign_languages=["KSL"], active=active)
        db.add(row)
        await db.flush()
        return row.id


async def add_booking(
    client: Client,
    interpreter_id: int,
    *,
    starts_in: timedelta = timedelta(minutes=-5),
    minutes: int = 30,
    status: ReservationStatus = ReservationStatus.BOOKED,
) -> Booking:
    """A booking whose slot starts `starts_in` from now (negative: it has begun)."""
    now = utcnow()
    start = (now + starts_in).replace(microsecond=0)
    end = start + timedelta(minutes=minutes)
    token = new_link_token()
    code = new_booking_code()
    async with client.app[SESSIONS]() as db, db.begin():
        row = Reservation(
            code=code,
            token_hash=hash_token(token),
            interpreter_id=interpreter_id,
            language="KSL",
            topic="welfare",
            starts_at=start,
            ends_at=end,
            status=status,
            citizen_name=CITIZEN,
            consent_version="test",
            consented_at=now,
        )
        db.add(row)
        await db.flush()
        if status is ReservationStatus.BOOKED:
            for cell in cells_for(start, end, timedelta(0)):
                db.add(
                    BusyCell(interpreter_id=interpreter_id, cell_start=cell, reservation_id=row.id)
                )
        return Booking(row.id, code, token, interpreter_id, start, end)


async def reservation(client: Client, reservation_id: int) -> Reservation:
    async with client.app[SESSIONS]() as db:
        row = await db.get(Reservation, reservation_id)
        assert row is not None
        return row


async def session_cookie(
    client: Client, role: Role, username: str, interpreter_id: int | None = None
) -> dict[str, str]:
    """An account with a live log-in session; returns the Cookie header its browser would send."""
    token = secrets.token_urlsafe(32)
    async with client.app[SESSIONS]() as db, db.begin():
        account = Account(
            username=username,
            display_name=username.title(),
            role=role,
            password_hash="-",
            interpreter_id=interpreter_id,
        )
        db.add(account)
        await db.flush()
        db.add(
            WebSession(
                token_hash=hash_token(token),
                account_id=account.id,
                csrf_token=secrets.token_urlsafe(32),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


async def interpreter_cookie(
    client: Client, interpreter_id: int, username: str = "terp"
) -> dict[str, str]:
    return await session_cookie(client, Role.INTERPRETER, username, interpreter_id)


async def ticket(client: Client, booking: Booking) -> str:
    resp = await client.post(
        f"/api/reservations/{booking.code}/ticket",
        headers={"Authorization": f"Bearer {booking.token}"},
    )
    assert resp.status == 201, await resp.text()
    value: str = (await resp.json())["ticket"]
    return value


async def connect_caller(client: Client, booking: Booking) -> WS:
    return await client.ws_connect(f"/ws?ticket={await ticket(client, booking)}")


async def connect(client: Client, headers: dict[str, str]) -> WS:
    return await client.ws_connect("/ws", headers=headers)


async def send(ws: WS, message: dict[str, Any]) -> None:
    await ws.send_json(message)


async def receive(ws: WS, kind: str | None = None) -> dict[str, Any]:
    """The next message (of type `kind`, when given: anything else first fails the test)."""
    msg = await ws.receive(timeout=RECEIVE_SECONDS)
    assert msg.type is aiohttp.WSMsgType.TEXT, (msg.type, msg.data, msg.extra)
    data: dict[str, Any] = msg.json()
    if kind is not None:
        assert data["type"] == kind, data
    return data


async def skip_to(ws: WS, kind: str) -> dict[str, Any]:
    """Read until a message of type `kind` arrives."""
    while True:
        data = await receive(ws)
        if data["type"] == kind:
            return data


async def assert_quiet(ws: WS) -> None:
    """Nothing arrives for a moment."""
    try:
        msg = await ws.receive(timeout=QUIET_SECONDS)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected message: {msg.type} {msg.data!r}")


async def closed_with(ws: WS) -> int | None:
    """Read until the close frame and return its code."""
    while True:
        msg = await ws.receive(timeout=RECEIVE_SECONDS)
        if msg.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.CLOSING,
        ):
            return ws.close_code
        if msg.type is aiohttp.WSMsgType.ERROR:
            return ws.close_code


async def hello(ws: WS) -> dict[str, Any]:
    await send(ws, {"type": "hello", "v": 1})
    return await receive(ws, "welcome")


async def ready_interpreter(client: Client, interpreter_id: int, username: str = "terp") -> WS:
    """An interpreter socket that said hello and is ready."""
    ws = await connect(client, await interpreter_cookie(client, interpreter_id, username))
    await hello(ws)
    assert (await receive(ws, "presence"))["state"] == "away"
    await send(ws, {"type": "presence", "state": "ready"})
    # A caller already waiting was announced with `caller_waiting` before we got ready.
    assert (await skip_to(ws, "presence"))["state"] == "ready"
    return ws


async def flush_records(client: Client) -> None:
    records = client.app[HUB].records
    assert records is not None
    await asyncio.wait_for(records.flush(), RECEIVE_SECONDS)


async def rows(client: Client, model: type[Any], **where: Any) -> list[Any]:
    async with client.app[SESSIONS]() as db:
        query = select(model).filter_by(**where)
        return list(await db.scalars(query))


class Inbox:
    """Reads a socket in the background, so it answers pings while the test does other things."""

    def __init__(self, ws: WS) -> None:
        self.ws = ws
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for msg in self.ws:
            if msg.type is aiohttp.WSMsgType.TEXT:
                await self._queue.put(msg.json())
        await self._queue.put(None)  # closed

    async def next(
        self, kind: str | None = None, seconds: float = RECEIVE_SECONDS
    ) -> dict[str, Any]:
        data = await asyncio.wait_for(self._queue.get(), seconds)
        assert data is not None, "the socket closed"
        if kind is not None:
            assert data["type"] == kind, data
        return data

    async def closed(self) -> int | None:
        """Wait for the socket to close; the messages still queued are dropped."""
        await asyncio.wait_for(self._task, RECEIVE_SECONDS)
        return self.ws.close_code


async def barrier(ws: WS) -> None:
    """Wait until the server has handled everything sent on `ws` so far.

    `media` and `stats` get no answer; an unknown message gets an `error` (and changes nothing),
    and one socket's frames are handled in order, so its error means the rest were handled.
    """
    await send(ws, {"type": "barrier"})
    assert (await skip_to(ws, "error"))["code"] == "unknown_type"
