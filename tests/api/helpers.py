"""Shared set-up for the API tests: interpreters on shift every day, log-ins, booking bodies.

The handlers read the real clock, so the data here is relative to today: every interpreter works
all day, every day, and tests book a few days ahead at 10:00 local time (inside both weekday and
weekend service hours).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from scheduler.accounts import create_account
from scheduler.domain import Role
from scheduler.models import BusyCell, Interpreter, Reservation, WeeklyShiftRow
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from web.auth import CSRF_COOKIE

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery"
NAME = "홍길동 Hong Gildong"
CONTACT = "010-1234-5678"


async def add_interpreter(
    client: Client,
    name: str = "Interpreter",
    languages: Sequence[str] = ("KSL",),
    specialties: Sequence[str] = (),
) -> int:
    """An active interpreter whose shifts cover every hour of every weekday."""
    async with client.app[SESSIONS]() as db, db.begin():
        interpreter = Interpreter(
            display_name=name,
            sign_languages=list(languages),
            spoken_languages=["ko"],
            specialties=list(specialties),
            active=True,
        )
        db.add(interpreter)
        await db.flush()
        for weekday in range(7):
            # End equal to start: the shift runs through midnight, i.e. all day.
            db.add(
                WeeklyShiftRow(
                    interpreter_id=interpreter.id,
                    weekday=weekday,
                    start_time=time(0, 0),
                    end_time=time(0, 0),
                )
            )
        return interpreter.id


def local_today(client: Client) -> date:
    return utcnow().astimezone(client.app[SETTINGS].tz).date()


def slot(client: Client, days: int = 3, hour: int = 10, minute: int = 0) -> datetime:
    """A local slot start `days` ahead (aware, in the service's zone)."""
    tz = client.app[SETTINGS].tz
    return datetime.combine(local_today(client) + timedelta(days=days), time(hour, minute), tz)


def booking_body(client: Client, start: datetime, /, **overrides: Any) -> dict[str, Any]:
    """A valid citizen booking body; an override of `...` removes that field."""
    body: dict[str, Any] = {
        "name": NAME,
        "contact": CONTACT,
        "language": "KSL",
        "topic": "welfare",
        "note": "휠체어 이용 / uses a wheelchair",
        "start": start.isoformat(),
        "consent": True,
        "consent_version": client.app[SETTINGS].consent_version,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


async def book(client: Client, start: datetime, /, **overrides: Any) -> dict[str, Any]:
    """Book and return the 201 body (fails the test otherwise)."""
    resp = await client.post("/api/reservations", json=booking_body(client, start, **overrides))
    assert resp.status == 201, await resp.text()
    data: dict[str, Any] = await resp.json()
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(
    client: Client,
    role: Role = Role.STAFF,
    username: str = "staff1",
    interpreter_id: int | None = None,
) -> str:
    """Create an account, log in through the form, and return the session's CSRF token."""
    async with client.app[SESSIONS]() as db, db.begin():
        await create_account(
            db,
            username=username,
            display_name=username.title(),
            role=role,
            password=PASSWORD,
            interpreter_id=interpreter_id,
        )
    resp = await client.get("/login")
    assert resp.status == 200
    anon = client.session.cookie_jar.filter_cookies(client.make_url("/"))[CSRF_COOKIE].value
    resp = await client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": anon},
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    me = await client.get("/api/me")
    assert me.status == 200
    token: str = (await me.json())["csrf_token"]
    return token


async def count_rows(client: Client, model: type[Any]) -> int:
    async with client.app[SESSIONS]() as db:
        return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def busy_cells(client: Client) -> list[tuple[int, datetime, int]]:
    async with client.app[SESSIONS]() as db:
        rows = await db.execute(
            select(BusyCell.interpreter_id, BusyCell.cell_start, BusyCell.reservation_id).order_by(
                BusyCell.interpreter_id, BusyCell.cell_start
            )
        )
        return [tuple(r) for r in rows.tuples()]  # type: ignore[misc]


async def reservations(client: Client) -> list[Reservation]:
    async with client.app[SESSIONS]() as db:
        return list(await db.scalars(select(Reservation).order_by(Reservation.id)))
