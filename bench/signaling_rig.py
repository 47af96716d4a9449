"""What the signaling benchmarks share: seeded bookings, servers in their own process, a bare relay.

- `seed` migrates a SQLite file and inserts, per pair, an interpreter with a logged-in account
  (its session cookie) and a booking whose slot covers now with unused call tickets, straight
  through the ORM (the public API would refuse a slot that close, and thousands of ticket requests
  would only time the ticket endpoint).
- `ServerProcess` runs either the real SignDesk app or `bare_relay_app` in a separate process
  (multiprocessing, spawn) on 127.0.0.1, so the clients in the benchmark's own process do not
  share an event loop with the server. It reports the port, and reads the server's RSS and CPU
  time from `/proc/<pid>`.
- `bare_relay_app` is the comparison: an aiohttp WebSocket handler that answers `hello` with a
  fixed `welcome` and forwards every other text frame to the other socket of its pair, unparsed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import WSMsgType, web
from sqlalchemy import insert

from scheduler.codes import hash_token, new_booking_code, new_link_token
from scheduler.domain import ReservationStatus, Role
from scheduler.models import Account, CallTicket, Interpreter, Reservation, WebSession
from signdesk.db import create_engine
from signdesk.migrate import upgrade_engine
from signdesk.settings import Environment, Settings

BARE_WELCOME = '{"v": 1, "type": "welcome"}'
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def raise_fd_limit() -> int:
    """Thousands of sockets need thousands of descriptors: lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def bench_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": Environment.TEST,
        "database_url": database_url,
        "secret_key": "bench-" + "x" * 40,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass(frozen=True, slots=True)
class Seeded:
    cookies: list[str]  # one interpreter session token per pair
    tickets: list[list[str]]  # per round, one caller ticket per pair


async def seed(database_url: str, pairs: int, rounds: int) -> Seeded:
    """Migrate and insert `pairs` interpreters and bookings, with tickets for `rounds` rounds."""
    engine = create_engine(bench_settings(database_url))
    now = datetime.now(UTC)
    cookies = [secrets.token_urlsafe(32) for _ in range(pairs)]
    tickets = [[secrets.token_urlsafe(32) for _ in range(pairs)] for _ in range(rounds)]
    codes: set[str] = set()
    while len(codes) < pairs:
        codes.add(new_booking_code())
    try:
        await upgrade_engine(engine)
        async with engine.begin() as conn:
            ids = list(range(1, pairs + 1))
            await conn.execute(
                insert(Interpreter),
                [
                    {
                        "id": i,
                        "display_name": f"Interpreter {i}",
                        "sign_languages": ["KSL"],
                        "spoken_languages": ["ko"],
                        "specialties": [],
                        "active": True,
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            await conn.execute(
                insert(Account),
                [
                    {
                        "id": i,
                        "username": f"terp{i}",
                        "display_name": f"Interpreter {i}",
                        "role": Role.INTERPRETER,
                        "password_hash": "-",
                        "interpreter_id": i,
                        "active": True,
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            await conn.execute(
                insert(WebSession),
                [
                    {
                        "token_hash": hash_token(cookies[i - 1]),
                        "account_id": i,
                        "csrf_token": secrets.token_urlsafe(32),
                        "created_at": now,
                        "expires_at": now + timedelta(hours=12),
                    }
                    for i in ids
                ],
            )
            start = now - timedelta(minutes=1)
            await conn.execute(
                insert(Reservation),
                [
                    {
                        "id": i,
                        "code": code,
                        "token_hash": hash_token(new_link_token()),
                        "interpreter_id": i,
                        "language": "KSL",
                        "topic": "welfare",
                        "starts_at": start,
                        "ends_at": start + timedelta(minutes=30),
                        "status": ReservationStatus.BOOKED,
                        "channel": "web",
                        "citizen_name": f"Citizen {i}",
                        "consent_version": "bench",
                        "consented_at": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i, code in zip(ids, sorted(codes), strict=True)
                ],
            )
            await conn.execute(
                insert(CallTicket),
                [
                    {
                        "token_hash": hash_token(ticket),
                        "reservation_id": i,
                        "created_at": now,
                        "expires_at": now + timedelta(hours=1),
                        "used_at": None,
                    }
                    for batch in tickets
                    for i, ticket in zip(ids, batch, strict=True)
                ],
            )
    finally:
        await engine.dispose()
    return Seeded(cookies, tickets)


def bare_relay_app() -> web.Application:
    """The comparison relay: pair by `?pair=&side=`, forward text frames as they are."""
    peers: dict[tuple[str, str], web.WebSocketResponse] = {}

    async def relay(request: web.Request) -> web.WebSocketResponse:
        pair, side = request.query["pair"], request.query["side"]
        other = (pair, "b" if side == "a" else "a")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        peers[(pair, side)] = ws
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                if msg.data.startswith('{"type": "hello"'):
                    await ws.send_str(BARE_WELCOME)
                    continue
                peer = peers.get(other)
                if peer is not None:
                    await peer.send_str(msg.data)
        finally:
            peers.pop((pair, side), None)
        return ws

    app = web.Application()
    app.router.add_get("/ws", relay)
    return app


async def _serve(kind: str, settings: Settings | None, conn: Connection) -> None:
    if kind == "signdesk":
        from signdesk.app import create_app

        assert settings is not None
        app = create_app(settings)
    else:
        app = bare_relay_app()
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
    await site.start()
    conn.send(runner.addresses[0][1])
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop
    await runner.cleanup()
    conn.send("stopped")


def _server_main(kind: str, settings: Settings | None, conn: Connection) -> None:
    raise_fd_limit()
    asyncio.run(_serve(kind, settings, conn))


class ServerProcess:
    """`with ServerProcess("signdesk", settings) as server:` runs it on `server.port`."""

    def __init__(self, kind: str, settings: Settings | None = None) -> None:
        if kind not in ("signdesk", "bare"):
            raise ValueError("kind is 'signdesk' or 'bare'")
        self.kind = kind
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_server_main, args=(kind, settings, child), daemon=True
        )
        self.port = 0

    def __enter__(self) -> ServerProcess:
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError(f"{self.kind} server did not start")
        self.port = int(self._conn.recv())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._conn.send("stop")
        if self._conn.poll(30):
            self._conn.recv()
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
