"""Relay mode against direct mode, in the same run: the latency the server adds, and its CPU.

Run: `.venv/bin/python -m bench.relay` (3 rounds of 15 s per mode) or `... --seconds 8 --rounds 2`.

Two aiortc "pages" in this process each send a 640x480, 30 fps camera made from the hand photos
in `../shared/data/hands` (a frame number stamped into the luma plane as 16 black and white
blocks), and read the other page's video back:

- **direct**: the two pages connect to each other (what browsers do by default);
- **relay**: each page connects to the server's media leg (`media.leg.MediaLegs` in relay mode,
  `media/relay.py`), which runs in a separate process, so its CPU time is its own. The server
  decodes each side once and re-encodes it for the other page; analysis and recording are off
  (`--record` turns recording on, for information).

Latency is the receive time minus the send time of the same frame number (one process, one
clock); the added latency is relay p50 minus direct p50 in the same round. (The pages are aiortc,
whose jitter buffer holds each frame until the next one starts, 33 ms, in both modes alike; the
server's legs hand a frame on at its marked last packet, `media.relay.MarkerJitterBuffer`.)
CPU per direction is the server process's CPU seconds over the window, divided by the window
and by 2 directions.
Goals (issue 5): added latency <= 50 ms; CPU per direction <= 15% of a core at 640x480, 30 fps.
Results go to `bench/results/relay.{json,md}`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fractions
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import av
import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from numpy.typing import NDArray
from PIL import Image

from media.leg import LegRef, MediaLegs, RecordingPlace
from media.recording import RecordingFile
from media.testsource import fit

HANDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "hands"
RESULTS = Path(__file__).resolve().parent / "results"
WIDTH, HEIGHT, FPS = 640, 480, 30
BITS = 16
STRIP = 32
BLOCK = WIDTH // BITS
Planes = NDArray[np.uint8]  # a yuv420p frame as one (H*3/2, W) array


# --- the pages' cameras and readers ----------------------------------------------------------


def load_frames(count: int = 24) -> list[Planes]:
    """yuv420p planes (as one (H*3/2, W) array) of the hand photos, fitted to 640x480."""
    photos = sorted(HANDS.glob("*.jpg"))
    if not photos:
        sys.exit(f"no hand photos at {HANDS} (see its README)")
    frames: list[Planes] = []
    for path in (photos * ((count // len(photos)) + 1))[:count]:
        with Image.open(path) as img:
            rgb = fit(img.convert("RGB"), WIDTH, HEIGHT)
        rgb_planes = np.asarray(rgb, dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(rgb_planes, format="rgb24").reformat(format="yuv420p")
        frames.append(np.asarray(frame.to_ndarray(), dtype=np.uint8))
    return frames


def stamp(planes: Planes, number: int) -> Planes:
    """A copy with `number` in the top strip of the luma plane, high bit first."""
    out = planes.copy()
    for bit in range(BITS):
        on = (number >> (BITS - 1 - bit)) & 1
        out[:STRIP, bit * BLOCK : (bit + 1) * BLOCK] = 235 if on else 16
    return out


def read_stamp(frame: av.VideoFrame) -> int:
    luma = frame.to_ndarray(format="gray")
    row = luma[STRIP // 2]
    number = 0
    for bit in range(BITS):
        number = (number << 1) | int(row[bit * BLOCK + BLOCK // 2] > 128)
    return number


class StampedCamera(VideoStreamTrack):
    """640x480 at 30 fps, paced on the clock; remembers when each frame number was sent."""

    def __init__(self, frames: list[Planes], sent: dict[int, float]) -> None:
        super().__init__()
        self._frames = frames
        self._sent = sent
        self._count = 0
        self._started: float | None = None

    async def recv(self) -> av.VideoFrame:
        now = time.perf_counter()
        if self._started is None:
            self._started = now
        due = self._started + self._count / FPS
        if due > now:
            await asyncio.sleep(due - now)
        number = self._count % 65536
        # Motion in every frame, as signing has: the photo pans 4 px a frame, and changes
        # every 10 frames.
        base = self._frames[(self._count // 10) % len(self._frames)]
        planes = stamp(np.roll(base, 4 * self._count, axis=1), number)
        frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
        frame.pts = self._count * (90000 // FPS)
        frame.time_base = fractions.Fraction(1, 90000)
        self._sent[number] = time.perf_counter()
        self._count += 1
        return frame


@dataclass
class Watch:
    """What one page receives: latencies (ms) and frame arrival times."""

    sent: dict[int, float]  # the OTHER page's send times
    latencies: list[float] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    measuring: bool = False

    async def read(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            now = time.perf_counter()
            if not self.measuring or not isinstance(frame, av.VideoFrame):
                continue
            sent = self.sent.get(read_stamp(frame))
            self.arrivals.append(now)
            if sent is not None and 0 <= now - sent < 5:
                self.latencies.append((now - sent) * 1000)


class PageSide:
    def __init__(self, frames: list[Planes], sent: dict[int, float], other: dict[int, float]):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTransceiver(StampedCamera(frames, sent), direction="sendrecv")
        self.watch = Watch(other)
        self._tasks: list[asyncio.Task[None]] = []

        @self.pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self._tasks.append(asyncio.ensure_future(self.watch.read(track)))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.pc.close()


# --- the server process --------------------------------------------------------------------------


class _ServerEvents:
    def __init__(self) -> None:
        self.answers: dict[str, asyncio.Future[str]] = {}
        self.recordings: list[RecordingFile] = []

    async def answered(self, leg: LegRef, sdp: str) -> None:
        self.answers[leg.leg_id].set_result(sdp)

    async def ended(self, leg: LegRef, *, answered: bool) -> None:
        if not answered and leg.leg_id in self.answers:
            self.answers[leg.leg_id].set_exception(RuntimeError("leg failed"))

    async def recorded(self, leg: LegRef, recording: RecordingFile) -> None:
        self.recordings.append(recording)


async def serve(record_dir: str | None) -> None:
    """The server side: JSON lines on stdin, one reply line each on stdout."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    events = _ServerEvents()
    place = RecordingPlace(Path(record_dir), "webm") if record_dir else None
    legs = MediaLegs(events, recording=place)
    while line := await reader.readline():
        request = json.loads(line)
        reply: dict[str, Any] = {}
        if request["op"] == "open":
            ref = LegRef(
                request["leg_id"],
                request["session_id"],
                request["side"],
                "bench",
                relay=True,
                record=bool(place),
            )
            future: asyncio.Future[str] = loop.create_future()
            events.answers[ref.leg_id] = future
            legs.open(ref, request["sdp"])
            reply = {"sdp": await asyncio.wait_for(future, 20)}
        elif request["op"] == "cpu":
            reply = {"cpu": time.process_time()}
        elif request["op"] == "close":
            await legs.close_all()
            legs = MediaLegs(events, recording=place)
            reply = {"recorded": [r.frames for r in events.recordings]}
            events.recordings.clear()
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


class Server:
    """The relay server in a child process."""

    def __init__(self, record_dir: str | None) -> None:
        self.record_dir = record_dir
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        args = [sys.executable, "-m", "bench.relay", "--serve"]
        if self.record_dir:
            args += ["--record-dir", self.record_dir]
        self.proc = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )

    async def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        reply: dict[str, Any] = json.loads(line)
        return reply

    async def stop(self) -> None:
        if self.proc is not None and self.proc.stdin:
            self.proc.stdin.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.proc.wait(), 10)
            if self.proc.returncode is None:
                self.proc.kill()


# --- one measurement ------------------------------------------------------------------------


@dataclass
class Round:
    mode: str
    seconds: float
    latency_p50_ms: dict[str, float]
    latency_p95_ms: dict[str, float]
    fps: dict[str, float]
    server_cpu_seconds: float | None
    cpu_per_direction: float | None  # share of one core
    recorded_frames: list[int] | None = None


async def negotiate(page: PageSide, answer_sdp: Any) -> None:
    await page.pc.setLocalDescription(await page.pc.createOffer())
    sdp = await answer_sdp(page.pc.localDescription.sdp)
    await page.pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))


async def measure(
    mode: str, frames: list[Planes], seconds: float, warmup: float, server: Server | None
) -> Round:
    sent_caller: dict[int, float] = {}
    sent_interp: dict[int, float] = {}
    caller = PageSide(frames, sent_caller, sent_interp)
    interp = PageSide(frames, sent_interp, sent_caller)
    try:
        if mode == "direct":
            await caller.pc.setLocalDescription(await caller.pc.createOffer())
            await interp.pc.setRemoteDescription(caller.pc.localDescription)
            await interp.pc.setLocalDescription(await interp.pc.createAnswer())
            await caller.pc.setRemoteDescription(interp.pc.localDescription)
        else:
            assert server is not None
            for leg_id, side, page in (("l1", "caller", caller), ("l2", "interpreter", interp)):

                async def answer(sdp: str, leg_id: str = leg_id, side: str = side) -> str:
                    reply = await server.ask(
                        {
                            "op": "open",
                            "leg_id": leg_id,
                            "session_id": "s1",
                            "side": side,
                            "sdp": sdp,
                        }
                    )
                    return str(reply["sdp"])

                await negotiate(page, answer)
        await asyncio.sleep(warmup)
        cpu0 = (await server.ask({"op": "cpu"}))["cpu"] if server and mode == "relay" else None
        wall0 = time.perf_counter()
        for page in (caller, interp):
            page.watch.measuring = True
        await asyncio.sleep(seconds)
        for page in (caller, interp):
            page.watch.measuring = False
        wall = time.perf_counter() - wall0
        cpu1 = (await server.ask({"op": "cpu"}))["cpu"] if server and mode == "relay" else None
        recorded = None
        if server is not None and mode == "relay":
            recorded = (await server.ask({"op": "close"}))["recorded"]
    finally:
        await caller.close()
        await interp.close()
    directions = {"caller->interpreter": interp.watch, "interpreter->caller": caller.watch}
    p50, p95, fps = {}, {}, {}
    for name, watch in directions.items():
        lat = sorted(watch.latencies)
        p50[name] = round(statistics.median(lat), 1) if lat else float("nan")
        p95[name] = round(lat[int(len(lat) * 0.95) - 1], 1) if lat else float("nan")
        fps[name] = round(len(watch.arrivals) / wall, 1)
    server_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    return Round(
        mode=mode,
        seconds=round(wall, 2),
        latency_p50_ms=p50,
        latency_p95_ms=p95,
        fps=fps,
        server_cpu_seconds=None if server_cpu is None else round(server_cpu, 3),
        cpu_per_direction=None if server_cpu is None else round(server_cpu / wall / 2, 4),
        recorded_frames=recorded,
    )


# --- report --------------------------------------------------------------------------------------


def summarize(rounds: list[Round]) -> dict[str, Any]:
    direct = [r for r in rounds if r.mode == "direct"]
    relay = [r for r in rounds if r.mode == "relay"]
    added = []
    for d, r in zip(direct, relay, strict=False):
        added.append(
            statistics.mean(r.latency_p50_ms.values()) - statistics.mean(d.latency_p50_ms.values())
        )
    cpu = [r.cpu_per_direction for r in relay if r.cpu_per_direction is not None]
    return {
        "added_latency_ms_per_round": [round(a, 1) for a in added],
        "added_latency_ms": round(statistics.median(added), 1) if added else None,
        "cpu_per_direction_per_round": cpu,
        "cpu_per_direction": round(statistics.median(cpu), 4) if cpu else None,
        "direct_fps": [r.fps for r in direct],
        "relay_fps": [r.fps for r in relay],
    }


def write_results(payload: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    s = payload["summary"]
    goal_latency = s["added_latency_ms"] is not None and s["added_latency_ms"] <= 50
    goal_cpu = s["cpu_per_direction"] is not None and s["cpu_per_direction"] <= 0.15
    lines = [
        "# Relay mode against direct mode",
        "",
        f"Two aiortc pages in one process, each sending {WIDTH}x{HEIGHT} at {FPS} fps (hand photos"
        " with a stamped frame number) and reading the other's video. Direct: page to page."
        " Relay: each page to `media.leg.MediaLegs` in relay mode, in a separate process"
        f" (recording {'on' if payload['record'] else 'off'}, analysis off)."
        f" {payload['rounds']} interleaved rounds of {payload['seconds']} s per mode.",
        "",
        "| round | mode | fps caller→interp | fps interp→caller | p50 ms c→i | p50 ms i→c |"
        " p95 ms c→i | p95 ms i→c | server CPU per direction |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(payload["results"]):
        cpu = "" if r["cpu_per_direction"] is None else f"{r['cpu_per_direction'] * 100:.1f}%"
        lines.append(
            f"| {i // 2 + 1} | {r['mode']} | {r['fps']['caller->interpreter']} |"
            f" {r['fps']['interpreter->caller']} | {r['latency_p50_ms']['caller->interpreter']} |"
            f" {r['latency_p50_ms']['interpreter->caller']} |"
            f" {r['latency_p95_ms']['caller->interpreter']} |"
            f" {r['latency_p95_ms']['interpreter->caller']} | {cpu} |"
        )
    if payload["record"]:
        lines += [
            "",
            "With recording on, for information: the goals below apply to relay mode itself;"
            " recording adds one more encode per side (the recorder's own thread).",
        ]
    lines += [
        "",
        "- Added latency (relay p50 minus direct p50, median of rounds):"
        f" **{s['added_latency_ms']} ms**"
        f" (per round {s['added_latency_ms_per_round']}). Goal ≤ 50 ms:"
        f" **{'met' if goal_latency else 'not met'}**.",
        f"- Server CPU per direction (median of rounds): **{s['cpu_per_direction'] * 100:.1f}% of"
        f" a core** (per round {[f'{c * 100:.1f}%' for c in s['cpu_per_direction_per_round']]})."
        f" Goal ≤ 15%: **{'met' if goal_cpu else 'not met'}**.",
        "",
        f"Load average before/after: {payload['load_before']} / {payload['load_after']}."
        f" Python {platform.python_version()} on {platform.platform()},"
        f" {os.cpu_count()} CPUs, {payload['at']}.",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")


async def main(args: argparse.Namespace) -> dict[str, Any]:
    frames = load_frames()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(tmp if args.record else None)
        await server.start()
        rounds: list[Round] = []
        try:
            for i in range(args.rounds):
                for mode in ("direct", "relay"):
                    result = await measure(mode, frames, args.seconds, args.warmup, server)
                    rounds.append(result)
                    print(f"round {i + 1} {mode}: {asdict(result)}", flush=True)
        finally:
            await server.stop()
    payload = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "record": args.record,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "results": [asdict(r) for r in rounds],
        "summary": summarize(rounds),
    }
    return payload


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="record both sides in relay mode")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--record-dir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.record_dir))
        return
    payload = asyncio.run(main(args))
    name = "relay_recording" if args.record else "relay"
    write_results(payload, name)
    print(json.dumps(payload["summary"], indent=2))


if __name__ == "__main__":
    cli()
