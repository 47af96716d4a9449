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
import contextlib
import cProfile
import gc
import json
import multiprocessing
import os
import pstats
import resource
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from time import perf_counter_ns
from types import TracebackType
from typing import Any

from aiohttp import WSMsgType, web
from sqlalchemy import insert

from scheduler.codes import hash_token, new_booking_code, new_link_token
from scheduler.domain import ReservationStatus, Role
from scheduler.models import (
    Account,
    CallTicket,
    Interpreter,
    QueueContact,
    Reservation,
    WebSession,
)
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


# --- the live queue (`bench.queue_ws`) -----------------------------------------------------------
#
# Walk-in contacts with unused tickets, interpreters of chosen sign languages and specialties, a
# bare comparison app for the queue's two message patterns, and a process that serves any
# module-level app factory. Nothing above changes.

ALWAYS_OPEN = {
    "weekday_open": time(0, 0),
    "weekday_close": time(23, 59, 59),
    "weekend_open": time(0, 0),
    "weekend_close": time(23, 59, 59),
}


@dataclass(frozen=True, slots=True)
class Terp:
    """An interpreter to seed: sign-language codes (`KSL`, `ASL`, `IS`) and specialties."""

    languages: tuple[str, ...]
    specialties: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WalkIn:
    """A walk-in contact to seed: its sign language and optional specialty (mode video)."""

    language: str
    specialty: str | None = None


@dataclass(frozen=True, slots=True)
class QueueSeeded:
    cookies: list[str]  # one session token per interpreter, in the order given
    tickets: list[list[str]]  # per contact, in the order given, its unused tickets


async def seed_queue(
    database_url: str,
    terps: Sequence[Terp],
    walk_ins: Sequence[WalkIn],
    tickets_per_contact: int = 1,
) -> QueueSeeded:
    """Migrate and insert interpreters (with logged-in accounts) and walk-in contacts (with unused
    tickets, good for six hours) straight through the ORM, as `create_contact` and
    `issue_contact_ticket` would leave them; the ticket endpoint is not what is measured."""
    engine = create_engine(bench_settings(database_url))
    now = datetime.now(UTC)
    cookies = [secrets.token_urlsafe(32) for _ in terps]
    tickets = [[secrets.token_urlsafe(32) for _ in range(tickets_per_contact)] for _ in walk_ins]
    try:
        await upgrade_engine(engine)
        async with engine.begin() as conn:
            ids = range(1, len(terps) + 1)
            await conn.execute(
                insert(Interpreter),
                [
                    {
                        "id": i,
                        "display_name": f"Interpreter {i}",
                        "sign_languages": list(terp.languages),
                        "spoken_languages": ["ko"],
                        "specialties": list(terp.specialties),
                        "active": True,
                        "created_at": now,
                    }
                    for i, terp in zip(ids, terps, strict=True)
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
            contact_ids = range(1, len(walk_ins) + 1)
            await conn.execute(
                insert(QueueContact),
                [
                    {
                        "id": c,
                        "created_at": now,
                        "language": walk_in.language,
                        "specialty": walk_in.specialty,
                        "mode": "video",
                        "display_name": f"Walk-in {c}",
                        "token_hash": hash_token(new_link_token()),
                        "consent_version": "bench",
                        "consented_at": now,
                    }
                    for c, walk_in in zip(contact_ids, walk_ins, strict=True)
                ],
            )
            await conn.execute(
                insert(CallTicket),
                [
                    {
                        "token_hash": hash_token(ticket),
                        "reservation_id": None,
                        "contact_id": c,
                        "created_at": now,
                        "expires_at": now + timedelta(hours=6),
                        "used_at": None,
                    }
                    for c, batch in zip(contact_ids, tickets, strict=True)
                    for ticket in batch
                ],
            )
    finally:
        await engine.dispose()
    return QueueSeeded(cookies, tickets)


def bare_queue_app() -> web.Application:
    """The comparison for the live queue's two patterns, unparsed and unvalidated:
    - `/echo`: every text frame goes straight back (one decision's round trip);
    - `/fan?id=&position=`: a listener; `/trigger`: each text frame makes the server send every
      listener, one `await send_str` after the other, a `queue` message (json.dumps, the fields
      of SignDesk's) with its position one less."""
    listeners: dict[str, tuple[web.WebSocketResponse, list[int]]] = {}

    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                await ws.send_str(msg.data)
        return ws

    async def fan(request: web.Request) -> web.WebSocketResponse:
        key = request.query["id"]
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        listeners[key] = (ws, [int(request.query["position"])])
        try:
            async for _ in ws:
                pass
        finally:
            listeners.pop(key, None)
        return ws

    async def trigger(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            for key, (listener, position) in list(listeners.items()):
                position[0] -= 1
                text = json.dumps(
                    {
                        "v": 1,
                        "type": "queue",
                        "session_id": key,
                        "position": position[0],
                        "language": "KSL",
                        "wait_low_s": 60 * position[0],
                        "wait_high_s": 180 * position[0],
                        "interpreters_online": 1,
                        "status": "queued",
                    }
                )
                with contextlib.suppress(ConnectionError):
                    await listener.send_str(text)
        return ws

    app = web.Application()
    app.router.add_get("/echo", echo)
    app.router.add_get("/fan", fan)
    app.router.add_get("/trigger", trigger)
    return app


async def _serve_factory(factory: Callable[[], web.Application], conn: Connection) -> None:
    runner = web.AppRunner(factory(), access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
    await site.start()
    conn.send(runner.addresses[0][1])
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop
    await runner.cleanup()
    conn.send("stopped")


def _factory_main(factory: Callable[[], web.Application], conn: Connection) -> None:
    raise_fd_limit()
    asyncio.run(_serve_factory(factory, conn))


class AppProcess(ServerProcess):
    """`ServerProcess` for any module-level app factory (spawn pickles it by name):
    `with AppProcess(bare_queue_app) as server:`. It does not call `ServerProcess.__init__`,
    whose process target is fixed; it sets the same attributes."""

    def __init__(self, factory: Callable[[], web.Application]) -> None:
        self.kind = getattr(factory, "__name__", "app")
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_factory_main, args=(factory, child), daemon=True)
        self.port = 0


# The garbage collector's pauses in a server process, for `signdesk_gc_app`: per generation, the
# start (`perf_counter_ns`, comparable across processes on Linux) and length of each collection.
GC_PAUSES: dict[int, list[tuple[int, int]]] = {0: [], 1: [], 2: []}


def _watch_gc() -> None:
    started = [0]

    def on_collect(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = perf_counter_ns()
        else:
            GC_PAUSES[info["generation"]].append((started[0], perf_counter_ns() - started[0]))

    gc.callbacks.append(on_collect)


async def _gc_report(request: web.Request) -> web.Response:
    """`GET /bench/gc`: the pauses since the last `?reset=1`, per generation."""
    report = {str(g): pauses[:] for g, pauses in GC_PAUSES.items()}
    if request.query.get("reset"):
        for pauses in GC_PAUSES.values():
            pauses.clear()
    return web.json_response(report)


_PROFILERS: list[cProfile.Profile] = []


def _profile_rows(profiler: cProfile.Profile) -> dict[str, Any]:
    """Own time per source file, a C function's counted to the files that called it; the time
    the loop sat idle in `epoll.poll`; and the 40 functions with the most own time."""
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]]
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    by_file: dict[str, float] = {}
    idle = 0.0
    for (filename, _, name), (_, _, own, _, callers) in raw.items():
        if "epoll" in name:
            idle += own
        elif filename == "~" and callers:
            for (caller_file, _, _), numbers in callers.items():
                by_file[caller_file] = by_file.get(caller_file, 0.0) + numbers[2]
        else:
            by_file[filename] = by_file.get(filename, 0.0) + own
    busy = [kv for kv in raw.items() if "epoll" not in kv[0][2]]
    top = sorted(busy, key=lambda kv: -kv[1][2])[:40]
    return {
        "total_s": sum(by_file.values()),
        "idle_s": idle,
        "by_file": sorted(by_file.items(), key=lambda kv: -kv[1]),
        "top": [
            [filename, line, name, calls, own, cumulative]
            for (filename, line, name), (_, calls, own, cumulative, _) in top
        ],
    }


async def _profile(request: web.Request) -> web.Response:
    """`GET /bench/profile?action=start|stop`: cProfile of the event loop's thread in between."""
    if request.query.get("action") == "start":
        profiler = cProfile.Profile()
        _PROFILERS[:] = [profiler]
        profiler.enable()
        return web.json_response({"started": True})
    profiler = _PROFILERS.pop()
    profiler.disable()
    return web.json_response(_profile_rows(profiler))


async def _state(request: web.Request) -> web.Response:
    """`GET /bench/state`: records waiting for the database (the writer's queue), and whether
    the hub holds its lock or has a queue update pending (read where the hub has them)."""
    from signaling.server import HUB

    hub = request.app[HUB]
    records = hub.records
    queued = records._queue.qsize() if records is not None else 0
    lock = getattr(hub, "_lock", None)
    return web.json_response(
        {
            "records_queued": queued,
            "flush_pending": bool(getattr(hub, "_queue_flush_pending", False)),
            "locked": bool(lock is not None and lock.locked()),
        }
    )


async def _refreeze(_request: web.Request) -> web.Response:
    """`GET /bench/refreeze`: the periodic step of `signdesk.app.manage_gc`, now."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return web.json_response({"frozen": gc.get_freeze_count()})


def signdesk_gc_app(settings: Settings) -> web.Application:
    """The real SignDesk app, with the collector set up as `python -m signdesk` sets it up
    (`manage_gc`), plus bench probes of the server process: `GET /bench/gc` (the collector's
    pauses), `/bench/refreeze` (`manage_gc`'s periodic step, now), `/bench/profile` (cProfile
    on demand) and `/bench/state` (the record writer's backlog, the hub's lock). Run it with
    `AppProcess(functools.partial(signdesk_gc_app, settings))`."""
    from signdesk.app import create_app, manage_gc

    app = create_app(settings)
    manage_gc(app, settings.gc_refreeze_seconds)
    _watch_gc()
    app.router.add_get("/bench/gc", _gc_report)
    app.router.add_get("/bench/profile", _profile)
    app.router.add_get("/bench/state", _state)
    app.router.add_get("/bench/refreeze", _refreeze)
    return app
