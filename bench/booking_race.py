"""Two hundred citizens press "book" for the last free slot at once: one wins, and how fast?

Run: `.venv/bin/python -m bench.booking_race` (200 requests, 3 rounds) or `... --quick` (50, 1).

For SQLite (a temp file) and PostgreSQL (a scratch database, created and dropped here) it
migrates, adds one interpreter whose only shift is one slot, starts the real app on 127.0.0.1
with `web.AppRunner`, warms its database pool with a burst of reads, and fires all requests at
once from one `aiohttp.ClientSession`. It checks that exactly one got 201 and the rest 409
`slot_taken`, and that the database holds one reservation and one set of busy cells.

The baseline is the same burst against a bare aiohttp handler that answers 409 at once, without
a database: the ratio says what the booking transaction costs over the HTTP round trip itself.
Each round uses a fresh database; the round with the median wall time is reported (the machine
may be shared). Results go to `bench/results/booking_race[-quick].{json,md}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time as clock
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web
from sqlalchemy import func, select

from scheduler.models import BusyCell, Interpreter, Reservation, WeeklyShiftRow
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from signdesk.db import create_engine, session_factory
from signdesk.migrate import upgrade_engine
from signdesk.settings import Environment, Settings

RESULTS = Path(__file__).resolve().parent / "results"
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
DAYS_AHEAD = 3
SLOT_HOUR = 10


@dataclass(frozen=True, slots=True)
class Burst:
    """Timings of one burst of concurrent requests, in milliseconds."""

    requests: int
    wall_ms: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    statuses: dict[str, int]


@dataclass(slots=True)
class BackendResult:
    backend: str
    ok: bool = False
    skipped: str | None = None
    burst: Burst | None = None  # the median round
    rounds: list[Burst] = field(default_factory=list)
    ratio_to_baseline: float | None = None
    problems: list[str] = field(default_factory=list)

    def add(self, burst: Burst, problems: list[str]) -> None:
        self.rounds.append(burst)
        self.problems += problems
        self.burst = _median(self.rounds)
        self.ok = not self.problems


def _median(bursts: list[Burst]) -> Burst:
    return sorted(bursts, key=lambda b: b.wall_ms)[(len(bursts) - 1) // 2]


def _settings(database_url: str) -> Settings:
    return Settings(
        env=Environment.TEST,
        database_url=database_url,
        secret_key="bench-" + "x" * 40,
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def _burst(url: str, bodies: list[dict[str, Any]]) -> Burst:
    """POST every body at once; time each request and the whole burst."""
    connector = aiohttp.TCPConnector(limit=len(bodies))
    timings: list[float] = []
    statuses: Counter[str] = Counter()
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(body: dict[str, Any]) -> None:
            started = clock.perf_counter()
            async with http.post(url, json=body) as resp:
                data = await resp.json()
                code = "created" if resp.status == 201 else data["error"]["code"]
                statuses[f"{resp.status} {code}"] += 1
            timings.append((clock.perf_counter() - started) * 1000)

        started = clock.perf_counter()
        await asyncio.gather(*(one(body) for body in bodies))
        wall = (clock.perf_counter() - started) * 1000
    return Burst(
        requests=len(bodies),
        wall_ms=round(wall, 1),
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(_percentile(timings, 0.95), 1),
        max_ms=round(max(timings), 1),
        statuses=dict(sorted(statuses.items())),
    )


async def _warm_up(url: str, requests: int) -> None:
    """Open the server's database pool the way steady traffic would have (reads only)."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=requests)) as http:

        async def one() -> None:
            async with http.get(url) as resp:
                await resp.read()

        await asyncio.gather(*(one() for _ in range(requests)))


@asynccontextmanager
async def _serving(app: web.Application) -> AsyncIterator[str]:
    """Run `app` on a random local port; yield its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def baseline(requests: int) -> Burst:
    """The same burst against a handler that answers 409 without touching a database."""

    async def refuse(_request: web.Request) -> web.Response:
        body = {"error": {"code": "slot_taken", "message": "taken"}}
        return web.json_response(body, status=409)

    app = web.Application()
    app.router.add_post("/api/reservations", refuse)
    async with _serving(app) as base:
        return await _burst(f"{base}/api/reservations", [{}] * requests)


async def _prepare(settings: Settings) -> datetime:
    """Migrate, add one interpreter whose only working time is one slot; return that slot."""
    engine = create_engine(settings)
    try:
        await upgrade_engine(engine)
        tz = settings.tz
        day = datetime.now(UTC).astimezone(tz).date() + timedelta(days=DAYS_AHEAD)
        start = datetime.combine(day, time(SLOT_HOUR), tz)
        async with session_factory(engine)() as session, session.begin():
            interpreter = Interpreter(
                display_name="Bench", sign_languages=["KSL"], spoken_languages=["ko"]
            )
            session.add(interpreter)
            await session.flush()
            session.add(
                WeeklyShiftRow(
                    interpreter_id=interpreter.id,
                    weekday=day.weekday(),
                    start_time=time(SLOT_HOUR),
                    end_time=time(SLOT_HOUR, settings.slot_minutes),
                )
            )
        return start
    finally:
        await engine.dispose()


async def race(settings: Settings, requests: int) -> tuple[Burst, list[str]]:
    """One round on a fresh database: the burst, and what went wrong (nothing, we hope)."""
    start = await _prepare(settings)
    bodies = [
        {
            "name": f"Citizen {i}",
            "language": "KSL",
            "topic": "welfare",
            "start": start.isoformat(),
            "consent": True,
            "consent_version": settings.consent_version,
        }
        for i in range(requests)
    ]
    app = create_app(settings)
    async with _serving(app) as base:
        await _warm_up(f"{base}/api/languages", requests)
        burst = await _burst(f"{base}/api/reservations", bodies)
        async with app[SESSIONS]() as session:
            reservations = await session.scalar(select(func.count()).select_from(Reservation))
            cell_sets = await session.scalar(
                select(func.count(func.distinct(BusyCell.reservation_id)))
            )
    problems: list[str] = []
    expected = {"201 created": 1, "409 slot_taken": requests - 1}
    if burst.statuses != expected:
        problems.append(f"statuses {burst.statuses} != {expected}")
    if reservations != 1:
        problems.append(f"{reservations} reservations in the database")
    if cell_sets != 1:
        problems.append(f"{cell_sets} sets of busy cells")
    return burst, problems


async def run_sqlite(requests: int, rounds: int) -> BackendResult:
    result = BackendResult("sqlite")
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="sd-bench-") as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            result.add(*await race(_settings(url), requests))
    return result


async def run_postgres(requests: int, rounds: int) -> BackendResult:
    result = BackendResult("postgres")
    try:
        admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        result.skipped = f"PostgreSQL not reachable: {exc}"
        return result
    try:
        for _ in range(rounds):
            name = f"sd_bench_{uuid.uuid4().hex[:10]}"
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                result.add(*await race(_settings(PG_URL.format(name=name)), requests))
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
    return result


def _markdown(report: dict[str, Any]) -> str:
    base = report["baseline"]
    lines = [
        "# Booking race",
        "",
        f"{report['requests']} concurrent `POST /api/reservations` for the one free slot of one "
        "interpreter, against the real app on 127.0.0.1 (client and server in one process; "
        "the database pool warmed up by a burst of reads first). Median of "
        f"{report['rounds']} round(s), each on a fresh database; every round must end with "
        "exactly one reservation and one set of busy cells.",
        "",
        "| backend | result | wall (all answered) | p50 | p95 | max | x baseline wall |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["backends"]:
        if r["skipped"]:
            lines.append(f"| {r['backend']} | skipped: {r['skipped']} | | | | | |")
            continue
        b = r["burst"]
        verdict = "1 booked, rest 409" if r["ok"] else "FAILED: " + "; ".join(r["problems"])
        walls = ", ".join(f"{x['wall_ms']}" for x in r["rounds"])
        verdict += f" (walls: {walls} ms)"
        lines.append(
            f"| {r['backend']} | {verdict} | {b['wall_ms']} ms | {b['p50_ms']} ms "
            f"| {b['p95_ms']} ms | {b['max_ms']} ms | {r['ratio_to_baseline']} |"
        )
    lines.append(
        f"| baseline (bare 409, no DB) | | {base['wall_ms']} ms | {base['p50_ms']} ms "
        f"| {base['p95_ms']} ms | {base['max_ms']} ms | 1.0 |"
    )
    lines += [
        "",
        f"Python {report['python']} on {report['platform']}, {report['timestamp']}.",
        "",
    ]
    return "\n".join(lines)


async def main_async(requests: int, rounds: int) -> dict[str, Any]:
    runs: list[Callable[[int, int], Awaitable[BackendResult]]] = [run_sqlite, run_postgres]
    base = _median([await baseline(requests) for _ in range(rounds)])
    backends = []
    for run in runs:
        result = await run(requests, rounds)
        if result.burst is not None and base.wall_ms:
            result.ratio_to_baseline = round(result.burst.wall_ms / base.wall_ms, 1)
        backends.append(result)
    return {
        "requests": requests,
        "rounds": rounds,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "baseline": asdict(base),
        "backends": [asdict(b) for b in backends],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_race", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="50 requests, one round")
    args = parser.parse_args(argv)
    requests, rounds = (50, 1) if args.quick else (200, 3)
    report = asyncio.run(main_async(requests, rounds))
    report["quick"] = args.quick
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "booking_race-quick" if args.quick else "booking_race"
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = _markdown(report)
    (RESULTS / f"{stem}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    failed = [b for b in report["backends"] if not b["ok"] and not b["skipped"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
