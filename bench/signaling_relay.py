"""Signaling forward throughput and latency: SignDesk's `/ws` against a bare aiohttp relay.

Run: `.venv/bin/python -m bench.signaling_relay` (50 pairs, 400 messages each way, 3 rounds) or
`... --quick`.

Each round starts a fresh server process (`bench.signaling_rig.ServerProcess`) and connects
`pairs` pairs of WebSockets from this process:
- SignDesk: the real app on a seeded SQLite database. Each interpreter connects with its session
  cookie, says `hello` and goes `ready`; each caller connects with a one-time ticket, says `hello`
  and `join`s, and both wait for `matched`: every message below goes through the real parser,
  core, bus and writer task.
- Bare: `bare_relay_app`, an aiohttp handler that forwards each text frame to the other socket of
  its pair without parsing it.

Then both ends of every pair send `ice` messages (a Chrome host candidate, ~270 bytes on
the wire) to each other, the same client code for both relays. Each direction keeps at most
`window` messages in flight (the receiving end, in this same process, releases the sender), so
the load is closed-loop: queues stay short and latency is not just queueing. Latency is send to
receive, both ends timed with the same monotonic clock; throughput is messages delivered per
second of wall time. The server's CPU time per message (from `/proc`) is reported as well, since
the single client process may limit the bare relay's throughput before the relay does.

Goals (issue 3): SignDesk's throughput at least 0.8x the bare relay's, p99 at most 2x. Results go
to `bench/results/signaling_relay[-quick].{json,md}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.signaling_rig import ServerProcess, bench_settings, raise_fd_limit, seed

RESULTS = Path(__file__).resolve().parent / "results"
WS = aiohttp.ClientWebSocketResponse
# A Chrome host candidate line; `sdpMid` carries the send time instead of "0".
CANDIDATE = (
    "candidate:1840965416 1 udp 2122260223 192.168.1.20 54321 typ host generation 0 "
    "ufrag 4ZcD network-id 1"
)
GOAL_THROUGHPUT_RATIO = 0.8
GOAL_P99_RATIO = 2.0


def ice_frame(session_id: str, sent_ns: int) -> str:
    return json.dumps(
        {
            "v": 1,  # as the pages send it
            "type": "ice",
            "session_id": session_id,
            "candidate": {
                "candidate": CANDIDATE,
                "sdpMid": str(sent_ns),
                "sdpMLineIndex": 0,
                "usernameFragment": "4ZcD",
            },
        }
    )


@dataclass(frozen=True, slots=True)
class Pair:
    a: WS
    b: WS
    session_id: str


@dataclass(frozen=True, slots=True)
class Run:
    relay: str
    messages: int
    wall_s: float
    msgs_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_s: float
    server_cpu_us_per_msg: float
    client_cpu_us_per_msg: float
    frame_bytes: int


async def _next_text(ws: WS) -> str:
    while True:
        msg = await ws.receive()
        if msg.type is aiohttp.WSMsgType.TEXT:
            return str(msg.data)
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise RuntimeError(f"socket closed during the benchmark: {ws.close_code}")


async def _until(ws: WS, kind: str) -> dict[str, Any]:
    while True:
        data: dict[str, Any] = json.loads(await _next_text(ws))
        if data.get("type") == kind:
            return data
        if data.get("type") == "error":
            raise RuntimeError(f"server refused: {data['code']}")


async def _forward(pairs: list[Pair], messages: int, window: int) -> tuple[list[int], float]:
    """Both ends of every pair send `messages` ice frames; return latencies (ns) and wall time."""
    latencies: list[int] = []

    async def direction(sender: WS, receiver: WS, session_id: str) -> None:
        credit = asyncio.Semaphore(window)

        async def produce() -> None:
            for _ in range(messages):
                await credit.acquire()
                await sender.send_str(ice_frame(session_id, time.perf_counter_ns()))

        async def consume() -> None:
            for _ in range(messages):
                raw = await _next_text(receiver)
                arrived = time.perf_counter_ns()
                latencies.append(arrived - int(json.loads(raw)["candidate"]["sdpMid"]))
                credit.release()

        await asyncio.gather(produce(), consume())

    started = time.perf_counter()
    await asyncio.gather(
        *(direction(p.a, p.b, p.session_id) for p in pairs),
        *(direction(p.b, p.a, p.session_id) for p in pairs),
    )
    return latencies, time.perf_counter() - started


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[int], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] / 1e6


async def _measure(
    relay: str, server: ServerProcess, pairs: list[Pair], messages: int, window: int
) -> Run:
    await _forward(pairs, max(10, messages // 10), window)  # warm up both sides
    cpu, client_cpu = server.cpu_seconds(), _own_cpu_seconds()
    latencies, wall = await _forward(pairs, messages, window)
    cpu, client_cpu = server.cpu_seconds() - cpu, _own_cpu_seconds() - client_cpu
    total = len(latencies)
    return Run(
        relay=relay,
        messages=total,
        wall_s=round(wall, 3),
        msgs_per_s=round(total / wall),
        p50_ms=round(_percentile(latencies, 0.5), 3),
        p99_ms=round(_percentile(latencies, 0.99), 3),
        max_ms=round(max(latencies) / 1e6, 3),
        server_cpu_s=round(cpu, 2),
        server_cpu_us_per_msg=round(cpu / total * 1e6, 1),
        client_cpu_us_per_msg=round(client_cpu / total * 1e6, 1),
        frame_bytes=len(ice_frame(pairs[0].session_id, time.perf_counter_ns())),
    )


async def signdesk_round(
    server: ServerProcess, cookies: list[str], tickets: list[str], messages: int, window: int
) -> Run:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(base_url=server.base, connector=connector) as http:
        interpreters = []
        for cookie in cookies:
            ws = await http.ws_connect("/ws", headers={"Cookie": f"sd_session={cookie}"})
            await ws.send_str('{"type": "hello"}')
            await _until(ws, "welcome")
            await ws.send_str('{"type": "presence", "state": "ready"}')
            await _until(ws, "presence")
            await _until(ws, "presence")  # away after hello, then ready
            interpreters.append(ws)
        pairs = []
        for interpreter, ticket in zip(interpreters, tickets, strict=True):
            caller = await http.ws_connect(f"/ws?ticket={ticket}")
            await caller.send_str('{"type": "hello"}')
            await _until(caller, "welcome")
            await caller.send_str('{"type": "join"}')
            session_id = (await _until(caller, "matched"))["session_id"]
            await _until(interpreter, "matched")
            await _until(interpreter, "presence")  # in_session
            pairs.append(Pair(caller, interpreter, session_id))
        run = await _measure("signdesk", server, pairs, messages, window)
        for pair in pairs:
            await pair.a.close()
            await pair.b.close()
    return run


async def bare_round(server: ServerProcess, count: int, messages: int, window: int) -> Run:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(base_url=server.base, connector=connector) as http:
        pairs = []
        for index in range(count):
            ends = []
            for side in ("a", "b"):
                ws = await http.ws_connect(f"/ws?pair={index}&side={side}")
                await ws.send_str('{"type": "hello"}')
                await _until(ws, "welcome")
                ends.append(ws)
            pairs.append(Pair(ends[0], ends[1], f"s_bare{index:012d}"))
        run = await _measure("bare", server, pairs, messages, window)
        for pair in pairs:
            await pair.a.close()
            await pair.b.close()
    return run


def _median(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda r: r.msgs_per_s)[(len(runs) - 1) // 2]


def _compare(window: int, bare: list[Run], signdesk: list[Run]) -> dict[str, Any]:
    b, s = _median(bare), _median(signdesk)
    throughput_ratio = s.msgs_per_s / b.msgs_per_s
    p99_ratio = s.p99_ms / b.p99_ms
    return {
        "window": window,
        "bare": asdict(b),
        "signdesk": asdict(s),
        "all_rounds": {
            "bare": [asdict(r) for r in bare],
            "signdesk": [asdict(r) for r in signdesk],
        },
        "throughput_ratio": round(throughput_ratio, 3),
        "p99_ratio": round(p99_ratio, 3),
        "cpu_per_msg_ratio": round(s.server_cpu_us_per_msg / b.server_cpu_us_per_msg, 3),
        "throughput_met": throughput_ratio >= GOAL_THROUGHPUT_RATIO,
        "p99_met": p99_ratio <= GOAL_P99_RATIO,
    }


async def main_async(pairs: int, messages: int, windows: list[int], rounds: int) -> dict[str, Any]:
    raise_fd_limit()
    load_before = os.getloadavg()
    comparisons = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        seeded = await seed(url, pairs, rounds * len(windows))
        settings = bench_settings(url)
        used = 0
        for window in windows:
            bare: list[Run] = []
            signdesk: list[Run] = []
            for index in range(rounds):  # interleaved, so both see the same machine
                with ServerProcess("bare") as server:
                    bare.append(await bare_round(server, pairs, messages, window))
                with ServerProcess("signdesk", settings) as server:
                    tickets = seeded.tickets[used]
                    used += 1
                    signdesk.append(
                        await signdesk_round(server, seeded.cookies, tickets, messages, window)
                    )
                print(f"window {window} round {index + 1}:\n  {bare[-1]}\n  {signdesk[-1]}")
            comparisons.append(_compare(window, bare, signdesk))
    return {
        "benchmark": "signaling_relay",
        "pairs": pairs,
        "messages_per_direction": messages,
        "rounds": rounds,
        "windows": comparisons,
        "goals": {"throughput_ratio_min": GOAL_THROUGHPUT_RATIO, "p99_ratio_max": GOAL_P99_RATIO},
        "all_goals_met": all(c["throughput_met"] and c["p99_met"] for c in comparisons),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": len(os.sched_getaffinity(0)),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def markdown(report: dict[str, Any]) -> str:
    goals = report["goals"]

    def row(name: str, r: dict[str, Any]) -> str:
        return (
            f"| {name} | {r['msgs_per_s']:,} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | "
            f"{r['max_ms']:.2f} ms | {r['server_cpu_us_per_msg']} µs | "
            f"{r['client_cpu_us_per_msg']} µs |"
        )

    def verdict(met: bool) -> str:
        return "met" if met else "**missed**"

    first = report["windows"][0]["signdesk"]
    lines = [
        "# Signaling relay: SignDesk `/ws` vs a bare aiohttp relay",
        "",
        f"{report['pairs']} pairs, {report['messages_per_direction']} `ice` messages each way "
        f"per pair ({first['frame_bytes']} B frames), with at most *window* messages in flight "
        f"per direction. Median of {report['rounds']} interleaved rounds by throughput, each on "
        "a fresh server process. Server in its own process, clients in the benchmark's process "
        f"({report['cpus']} CPUs in all).",
        "",
    ]
    for c in report["windows"]:
        lines += [
            f"## Window {c['window']}",
            "",
            "| relay | msgs/s | p50 | p99 | max | server CPU/msg | client CPU/msg |",
            "|---|---|---|---|---|---|---|",
            row("bare aiohttp relay", c["bare"]),
            row("SignDesk", c["signdesk"]),
            "",
            f"- Throughput {c['throughput_ratio']:.2f}x the bare relay "
            f"(goal ≥ {goals['throughput_ratio_min']}x): {verdict(c['throughput_met'])}; "
            f"p99 {c['p99_ratio']:.2f}x (goal ≤ {goals['p99_ratio_max']}x): "
            f"{verdict(c['p99_met'])}; server CPU per message {c['cpu_per_msg_ratio']:.2f}x.",
            "",
        ]
    lines += [
        "What the ratios measure: the bare relay forwards each frame's bytes to the other socket. "
        "SignDesk parses and validates each frame (pydantic), runs the core's membership and "
        "state rules, builds and encodes the relayed message (orjson), and writes it to the "
        "peer's socket: directly when nothing is queued for it and its transport has flushed, "
        "otherwise through the bus and the peer's writer task. With one client process and a "
        "closed loop, throughput follows latency, which follows the server CPU per message; the "
        "machine is shared (see the load average), so compare rows of the same run only.",
        "",
        f"Load average before/after: {report['load_average_before']} / "
        f"{report['load_average_after']}. Python {report['python']} on {report['platform']}, "
        f"{report['timestamp']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.signaling_relay")
    parser.add_argument("--quick", action="store_true", help="10 pairs, 100 messages, 1 round")
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--windows", default="1,4,16", help="messages in flight per direction")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    windows = [int(w) for w in args.windows.split(",")]
    if args.quick:
        args.pairs, args.messages, args.rounds, windows = 10, 100, 1, [4]
    report = asyncio.run(main_async(args.pairs, args.messages, windows, args.rounds))
    stem = "signaling_relay-quick" if args.quick else "signaling_relay"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = markdown(report)
    (RESULTS / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if report["all_goals_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
