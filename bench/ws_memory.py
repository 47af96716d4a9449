"""Memory per idle WebSocket: SignDesk's authenticated `/ws` against a bare aiohttp relay.

Run: `.venv/bin/python -m bench.ws_memory` (1,000 and 5,000 connections) or `... --quick` (200).

For each count and each server, a fresh server process (`bench.signaling_rig.ServerProcess`)
is warmed up with a few connections that are opened and closed again, so imports, caches and the
database pool are paid for before the baseline. Then its RSS (`VmRSS` in `/proc/<pid>/status`)
is read, `count` connections are opened from this process and each says `hello` and waits for
`welcome`, and after a pause the RSS is read again. The difference divided by `count` is the
cost of one idle connection.

SignDesk's connections are callers holding one-time tickets (seeded into the database), so each
one is authenticated at the upgrade, registered with the core, subscribed to the bus, has its
writer task and heartbeat, and holds a resume token, exactly as in production (default settings,
except `ws_max_connections`, raised above the count). The clients keep reading, so they answer
the heartbeat's pings. Goal (issue 3): at most 30 KiB per connection at 1,000 and 5,000.
Results go to `bench/results/ws_memory[-quick].{json,md}`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.signaling_rig import ServerProcess, bench_settings, raise_fd_limit, seed

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_KIB = 30.0
WARM_UP = 50
CONCURRENCY = 100  # upgrades in flight at once
SETTLE_SECONDS = 2.0

WS = aiohttp.ClientWebSocketResponse


@dataclass(frozen=True, slots=True)
class Measurement:
    server: str
    connections: int
    rss_before_kib: int
    rss_after_kib: int
    kib_per_connection: float


class Clients:
    """Open sockets that keep reading (so pings are answered) until closed."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self._http = http
        self.sockets: list[WS] = []
        self._readers: list[asyncio.Task[None]] = []

    async def open(self, paths: list[str]) -> None:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(path: str) -> None:
            async with gate:
                ws = await self._http.ws_connect(path)
                await ws.send_str('{"type": "hello"}')
                msg = await ws.receive(timeout=30)
                if msg.type is not aiohttp.WSMsgType.TEXT or '"welcome"' not in msg.data:
                    raise RuntimeError(f"no welcome on {path.split('?')[0]}: {msg.type}")
            self.sockets.append(ws)
            self._readers.append(asyncio.create_task(_drain(ws)))

        await asyncio.gather(*(one(path) for path in paths))

    async def close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
        self.sockets.clear()
        self._readers.clear()


async def _drain(ws: WS) -> None:
    with contextlib.suppress(aiohttp.ClientError):
        async for _msg in ws:
            pass


async def measure(server: ServerProcess, warm_up: list[str], paths: list[str]) -> Measurement:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(base_url=server.base, connector=connector) as http:
        warm = Clients(http)
        await warm.open(warm_up)
        await warm.close()
        await asyncio.sleep(SETTLE_SECONDS)
        before = server.rss_kib()
        clients = Clients(http)
        await clients.open(paths)
        await asyncio.sleep(SETTLE_SECONDS)
        after = server.rss_kib()
        await clients.close()
    return Measurement(
        server=server.kind,
        connections=len(paths),
        rss_before_kib=before,
        rss_after_kib=after,
        kib_per_connection=round((after - before) / len(paths), 2),
    )


async def main_async(counts: list[int]) -> dict[str, Any]:
    raise_fd_limit()
    most = max(counts)
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        # One reservation per connection, plus the warm-up's; a ticket per reservation per count.
        seeded = await seed(url, most + WARM_UP, len(counts))
        settings = bench_settings(url, ws_max_connections=most + WARM_UP + 100)
        for index, count in enumerate(counts):
            tickets = seeded.tickets[index]
            with ServerProcess("bare") as server:
                results.append(
                    await measure(
                        server,
                        [f"/ws?pair=w{i}&side=a" for i in range(WARM_UP)],
                        [f"/ws?pair={i}&side=a" for i in range(count)],
                    )
                )
            print(results[-1])
            with ServerProcess("signdesk", settings) as server:
                results.append(
                    await measure(
                        server,
                        [f"/ws?ticket={t}" for t in tickets[most:]],
                        [f"/ws?ticket={t}" for t in tickets[:count]],
                    )
                )
            print(results[-1])
    signdesk = [m for m in results if m.server == "signdesk"]
    return {
        "benchmark": "ws_memory",
        "counts": counts,
        "measurements": [asdict(m) for m in results],
        "goal_kib_per_connection": GOAL_KIB,
        "goal_met": all(m.kib_per_connection <= GOAL_KIB for m in signdesk),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": len(os.sched_getaffinity(0)),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def markdown(report: dict[str, Any]) -> str:
    rows = []
    by_count: dict[int, dict[str, dict[str, Any]]] = {}
    for m in report["measurements"]:
        by_count.setdefault(m["connections"], {})[m["server"]] = m
    for count, pair in sorted(by_count.items()):
        s, b = pair["signdesk"], pair["bare"]
        verdict = (
            "met"
            if s["kib_per_connection"] <= report["goal_kib_per_connection"]
            else ("**missed**")
        )
        rows.append(
            f"| {count:,} | {s['kib_per_connection']:.1f} KiB | {b['kib_per_connection']:.1f} KiB "
            f"| {s['rss_before_kib'] / 1024:.0f} → {s['rss_after_kib'] / 1024:.0f} MiB "
            f"| {b['rss_before_kib'] / 1024:.0f} → {b['rss_after_kib'] / 1024:.0f} MiB "
            f"| {verdict} |"
        )
    return "\n".join(
        [
            "# Memory per idle WebSocket connection",
            "",
            "RSS of the server process before and after opening the connections (each said "
            "`hello` and got `welcome`, then idles with the default 20 s heartbeat), divided by "
            "their number; fresh server process per measurement, warmed up first. SignDesk's "
            "connections are callers authenticated by one-time tickets.",
            "",
            "| connections | SignDesk | bare aiohttp relay | SignDesk RSS | bare RSS | goal ≤ "
            f"{report['goal_kib_per_connection']:.0f} KiB |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"Python {report['python']} on {report['platform']}, {report['cpus']} CPUs, "
            f"{report['timestamp']}.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ws_memory")
    parser.add_argument("--quick", action="store_true", help="200 connections only")
    args = parser.parse_args(argv)
    counts = [200] if args.quick else [1000, 5000]
    report = asyncio.run(main_async(counts))
    stem = "ws_memory-quick" if args.quick else "ws_memory"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = markdown(report)
    (RESULTS / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if report["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
