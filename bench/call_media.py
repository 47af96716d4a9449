"""What a SignDesk call delivers: received frame rate and glass-to-glass latency, both ways.

Run: `.venv/bin/python -m bench.call_media` (15 s per measurement) or `... --seconds 10`.

Both cameras are Chromium's fake device playing a 640x480, 30 fps clip made on the fly from the
hand photos in `../shared/data/hands`, each frame stamped with its number as 16 black and white
blocks in the top strip (`media.testsource`). A script injected into each page watches two
<video> elements with `requestVideoFrameCallback`: on the SENDER's local preview it records
(counter, Date.now()) of every frame shown, on the RECEIVER's remote video the same; the counter
is read by drawing the frame's top strip to a canvas and sampling the 16 block centres. Latency
is receive time minus send-preview time for the same counter. Every page lives in one Chromium
process, so Date.now() is one clock.

- SignDesk: the real app on 127.0.0.1 (signaling over `/ws`), the interpreter console and the
  caller's call page in two browser contexts, P2P over loopback, with the pages' own settings
  (640x480 at 30 fps asked for, `contentHint = "motion"`, `maintain-framerate`).
- Baseline, in the same run: one page, the raw fake-camera preview sent through a local loopback
  RTCPeerConnection pair in that page with the same sender settings, no signaling server. Like
  each SignDesk page it runs one encoder, one decoder and two watched <video> elements. The
  ratio shows what SignDesk's path adds.

Received frame rate is measured twice: frames decoded (`inbound-rtp` `framesDecoded` deltas)
and frames presented (`requestVideoFrameCallback` count) over the window. Goals: >= 25 fps
received, glass-to-glass p50 <= 100 ms. Results go to `bench/results/call_media.{json,md}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time as clock
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from media.testsource import COUNTER_BITS, COUNTER_STRIP_HEIGHT, make_hand_video
from scheduler import store
from scheduler.accounts import create_account
from scheduler.domain import Role
from scheduler.models import Interpreter, WeeklyShiftRow
from scheduler.store import NewBooking
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from signdesk.db import create_engine
from signdesk.migrate import upgrade_engine
from signdesk.settings import Environment, Settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HANDS = ROOT.parent / "shared" / "data" / "hands"
CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT, FPS = 640, 480, 30
CLIP_SECONDS = 10  # the counter repeats every 300 frames: far longer than any latency
WARM_UP_SECONDS = 3.0  # after "connected", before measuring: bandwidth estimation ramps up
GOAL_FPS = 25.0
GOAL_P50_MS = 100.0
MATCH_WINDOW_MS = 3000  # a received counter pairs with the same counter sent at most this earlier
USERNAME, PASSWORD = "bench.interp", "bench-password-123"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    # Pages in other contexts must not be throttled as if they were in the background.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]

# Injected into every page before its own scripts. Keeps the peer connections for getStats, and
# `__g2g.watch(video, name)` records [counter, Date.now()] for every frame the element presents.
PROBE = f"""(() => {{
    const Native = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = class extends Native {{
        constructor(...args) {{ super(...args); window.__pcs.push(this); }}
    }};
    const BITS = {COUNTER_BITS}, STRIP = {COUNTER_STRIP_HEIGHT}, SOURCE_HEIGHT = {HEIGHT};
    const CELL = 8; // each block becomes an 8x8 cell on the canvas; its centre pixel is read
    const records = {{}};
    function reader() {{
        const canvas = document.createElement("canvas");
        canvas.width = BITS * CELL;
        canvas.height = CELL;
        const ctx = canvas.getContext("2d", {{willReadFrequently: true}});
        return (video) => {{
            const w = video.videoWidth, h = video.videoHeight;
            if (!w || !h) return null;
            // The strip is the top STRIP/480 of the frame at any received size.
            ctx.drawImage(video, 0, 0, w, h * STRIP / SOURCE_HEIGHT, 0, 0, canvas.width, CELL);
            const px = ctx.getImageData(0, CELL / 2, canvas.width, 1).data;
            let value = 0;
            for (let bit = 0; bit < BITS; bit++) {{
                const i = (bit * CELL + CELL / 2) * 4;
                const luma = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
                value = value * 2 + (luma > 127 ? 1 : 0);
            }}
            return value;
        }};
    }}
    window.__g2g = {{
        records,
        watch(video, name) {{
            const read = reader();
            const list = records[name] = [];
            const step = () => {{
                const counter = read(video);
                if (counter !== null && list.length < 100000) list.push([counter, Date.now()]);
                video.requestVideoFrameCallback(step);
            }};
            video.requestVideoFrameCallback(step);
        }},
        async inbound(index) {{
            const pc = window.__pcs[index === undefined ? window.__pcs.length - 1 : index];
            for (const s of (await pc.getStats()).values())
                if (s.type === "inbound-rtp" && s.kind === "video")
                    return {{frames: s.framesDecoded || 0, at: s.timestamp, width: s.frameWidth,
                             height: s.frameHeight, decoder: s.decoderImplementation || "",
                             dropped: s.framesDropped || 0, lost: s.packetsLost || 0}};
            return null;
        }},
    }};
}})();"""

# The baseline page: the raw fake camera in a preview <video>, sent through a loopback
# RTCPeerConnection pair in the same page (same sender settings as SignDesk's pages) to a
# remote <video>. One encoder and one decoder per renderer, like each SignDesk page.
BASELINE = """async ({width, height, fps}) => {
    document.body.replaceChildren();
    const video = () => {
        const v = document.createElement("video");
        v.autoplay = true; v.muted = true; v.playsInline = true;
        v.style.width = "640px";
        document.body.append(v);
        return v;
    };
    const cam = await navigator.mediaDevices.getUserMedia({video: {width: {ideal: width,
        min: width}, height: {ideal: height, min: height}, frameRate: {ideal: fps, min: 25}},
        audio: false});
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const views = {preview: video(), remote: video()};
    views.preview.srcObject = cam;
    b.ontrack = (e) => { views.remote.srcObject = e.streams[0]; };
    const track = cam.getVideoTracks()[0];
    track.contentHint = "motion";
    const sender = a.addTrack(track, cam);
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    const p = sender.getParameters();
    p.degradationPreference = "maintain-framerate";
    for (const e of p.encodings || []) e.maxFramerate = 30;
    await sender.setParameters(p);
    await new Promise((resolve) => {
        if (b.connectionState === "connected") return resolve();
        b.addEventListener("connectionstatechange", () => {
            if (b.connectionState === "connected") resolve();
        });
    });
    window.__views = views;
    return true;
}"""


@dataclass(frozen=True, slots=True)
class Direction:
    """One direction of one call: frames received and glass-to-glass latency."""

    name: str
    seconds: float
    fps_decoded: float
    fps_presented: float
    frames_matched: int
    frames_presented: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_max_ms: float | None
    width: int
    height: int
    decoder: str


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def latencies(sent: list[list[int]], received: list[list[int]], since: int) -> list[float]:
    """Pair each received (counter, t) with the latest send-preview of that counter before t."""
    by_counter: dict[int, list[int]] = {}
    for counter, at in sent:
        by_counter.setdefault(counter, []).append(at)
    found: list[float] = []
    for counter, at in received:
        if at < since:
            continue
        earlier = [t for t in by_counter.get(counter, []) if at - MATCH_WINDOW_MS <= t <= at]
        if earlier:
            found.append(float(at - max(earlier)))
    return found


def direction(
    name: str,
    sent: list[list[int]],
    received: list[list[int]],
    stats: tuple[dict[str, Any], dict[str, Any]],
    since: int,
    until: int,
) -> Direction:
    first, last = stats
    seconds = (last["at"] - first["at"]) / 1000
    presented = [r for r in received if since <= r[1] <= until]
    found = latencies(sent, presented, since)
    return Direction(
        name=name,
        seconds=round(seconds, 2),
        fps_decoded=round((last["frames"] - first["frames"]) / seconds, 1),
        fps_presented=round(len(presented) / ((until - since) / 1000), 1),
        frames_matched=len(found),
        frames_presented=len(presented),
        latency_p50_ms=round(statistics.median(found), 1) if found else None,
        latency_p95_ms=round(percentile(found, 0.95), 1) if found else None,
        latency_max_ms=max(found) if found else None,
        width=int(last.get("width") or 0),
        height=int(last.get("height") or 0),
        decoder=str(last.get("decoder") or ""),
    )


async def records(page: Page) -> dict[str, list[list[int]]]:
    result = await page.evaluate("() => window.__g2g.records")
    assert isinstance(result, dict)
    return result


async def inbound(page: Page, index: int | None = None) -> dict[str, Any]:
    result = await page.evaluate("(i) => window.__g2g.inbound(i === null ? undefined : i)", index)
    assert isinstance(result, dict), "no inbound video"
    return result


# --- the baseline -------------------------------------------------------------------------------


async def run_baseline(browser: Browser, origin: str, seconds: float) -> list[Direction]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(PROBE)
    page = await context.new_page()
    try:
        await page.goto(origin + "/healthz")  # any page of a secure (loopback) origin
        await page.evaluate(BASELINE, {"width": WIDTH, "height": HEIGHT, "fps": FPS})
        await asyncio.sleep(WARM_UP_SECONDS)
        for view in ("preview", "remote"):
            await page.evaluate(f"() => window.__g2g.watch(window.__views.{view}, '{view}')")
        await asyncio.sleep(0.5)
        since = now_ms()
        start = await inbound(page, 1)  # pc b receives
        await asyncio.sleep(seconds)
        end = await inbound(page, 1)
        until = now_ms()
        seen = await records(page)
        return [
            direction(
                "preview to loopback", seen["preview"], seen["remote"], (start, end), since, until
            )
        ]
    finally:
        await context.close()


# --- SignDesk ------------------------------------------------------------------------------------


def bench_settings(database_url: str) -> Settings:
    return Settings(
        env=Environment.TEST,
        database_url=database_url,
        secret_key="bench-secret-key-" + "x" * 32,
        min_notice_minutes=0,
        slot_minutes=15,
        weekday_open=time(0, 0),
        weekday_close=time(23, 45),
        weekend_open=time(0, 0),
        weekend_close=time(23, 45),
        call_join_early_minutes=120,  # one booking per round, at consecutive quarter hours
    )


async def prepare(app: web.Application, settings: Settings, rounds: int) -> list[tuple[str, str]]:
    """One interpreter on shift all day, and one booking per round from the next quarter hour
    (a booking whose call has ended is completed, so every round needs its own)."""
    async with app[SESSIONS]() as db, db.begin():
        account = await create_account(
            db,
            username=USERNAME,
            display_name="벤치 통역사",
            role=Role.INTERPRETER,
            password=PASSWORD,
        )
        assert account.interpreter_id is not None
        interpreter = await db.get(Interpreter, account.interpreter_id)
        assert interpreter is not None
        interpreter.sign_languages = ["KSL"]
        for weekday in range(7):
            db.add(
                WeeklyShiftRow(
                    interpreter_id=interpreter.id,
                    weekday=weekday,
                    start_time=time(0, 0),
                    end_time=time(23, 45),
                )
            )
    now = datetime.now(settings.tz)
    first = datetime.fromtimestamp((now.timestamp() // 900 + 1) * 900, tz=settings.tz)
    bookings = []
    for index in range(rounds):
        start = first + timedelta(minutes=15 * index)
        if start.time() > time(23, 30) or start.date() != first.date():
            raise SystemExit("too close to midnight (Seoul time) for the bench's bookings")
        made = await store.book(
            app[SESSIONS],
            settings,
            NewBooking(
                name="벤치 시민",
                language="KSL",
                topic="welfare",
                start=start,
                consent_version=settings.consent_version,
            ),
            now=first - timedelta(minutes=5),  # every slot is in the future then
        )
        bookings.append((made.reservation.code, made.token))
    return bookings


@asynccontextmanager
async def serving(directory: Path, rounds: int) -> AsyncIterator[tuple[str, list[tuple[str, str]]]]:
    """The real app on 127.0.0.1: yields its origin and (booking code, link token) per round."""
    url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
    settings = bench_settings(url)
    engine = create_engine(settings)
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        bookings = await prepare(app, settings, rounds)
        yield f"http://127.0.0.1:{port}", bookings
    finally:
        await runner.cleanup()


async def new_context(browser: Browser, origin: str) -> BrowserContext:
    context = await browser.new_context(
        base_url=origin, viewport={"width": 1280, "height": 900}, locale="ko-KR"
    )
    context.set_default_timeout(30_000)
    await context.add_init_script(PROBE)
    return context


async def wait_connected(page: Page) -> None:
    await page.wait_for_selector('#call-state[data-state="connected"]', timeout=30_000)


async def run_signdesk(
    browser: Browser, origin: str, code: str, token: str, seconds: float
) -> tuple[list[Direction], float]:
    interp_ctx = await new_context(browser, origin)
    caller_ctx = await new_context(browser, origin)
    try:
        interp, caller = await interp_ctx.new_page(), await caller_ctx.new_page()
        await interp.goto("/login?next=/interpreter")
        await interp.fill("#login-username", USERNAME)
        await interp.fill("#login-password", PASSWORD)
        await interp.click("#login-form button[type=submit]")
        await interp.wait_for_url(re.compile(r"/interpreter"))
        await interp.wait_for_selector('#presence[data-presence="away"]')

        await caller.goto(f"/call/{code}#t={token}")
        await caller.click("#camera-start")
        await caller.wait_for_selector("#enter-room:visible")
        await caller.click("#enter-room")
        began = clock.monotonic()
        await interp.click("#presence-toggle")  # the camera turns on, then "ready"
        await asyncio.gather(wait_connected(interp), wait_connected(caller))
        connect_s = clock.monotonic() - began
        await asyncio.sleep(WARM_UP_SECONDS)
        for page in (interp, caller):
            await page.evaluate(
                "() => { window.__g2g.watch(document.getElementById('self-video'), 'self');"
                " window.__g2g.watch(document.getElementById('remote-video'), 'remote'); }"
            )
        await asyncio.sleep(0.5)
        since = now_ms()
        start = [await inbound(interp), await inbound(caller)]
        await asyncio.sleep(seconds)
        end = [await inbound(interp), await inbound(caller)]
        until = now_ms()
        at_interp, at_caller = await records(interp), await records(caller)
        await caller.click("#hangup")
        await caller.click(".inline-confirm .btn-danger")
        await caller.wait_for_selector("#call-ended:visible")
        return [
            direction(
                "caller to interpreter",
                at_caller["self"],
                at_interp["remote"],
                (start[0], end[0]),
                since,
                until,
            ),
            direction(
                "interpreter to caller",
                at_interp["self"],
                at_caller["remote"],
                (start[1], end[1]),
                since,
                until,
            ),
        ], connect_s
    finally:
        await interp_ctx.close()
        await caller_ctx.close()


def now_ms() -> int:
    return int(clock.time() * 1000)


def chromium_version() -> str:
    try:
        out = subprocess.run(  # noqa: S603 - a fixed path, no shell
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def summary(rows: list[Direction]) -> dict[str, float | None]:
    p50s = [r.latency_p50_ms for r in rows if r.latency_p50_ms is not None]
    return {
        "fps_decoded_min": min(r.fps_decoded for r in rows),
        "fps_presented_min": min(r.fps_presented for r in rows),
        "latency_p50_ms_max": max(p50s) if p50s else None,
        "latency_p95_ms_max": max(
            (r.latency_p95_ms for r in rows if r.latency_p95_ms is not None), default=None
        ),
    }


@dataclass(frozen=True, slots=True)
class Round:
    signdesk: list[Direction]
    baseline: list[Direction]
    connect_seconds: float
    load_average: float  # 1-minute load average when the round began (the machine is shared)

    def worst_p50(self) -> float:
        return max((d.latency_p50_ms or float("inf")) for d in self.signdesk)


async def main_async(seconds: float, rounds: int, directory: Path, clip: Path) -> dict[str, Any]:
    done: list[Round] = []
    async with serving(directory, rounds) as (origin, bookings), async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={clip}"],
        )
        try:
            for code, token in bookings:
                load = os.getloadavg()[0]
                baseline = await run_baseline(browser, origin, seconds)
                signdesk, connect_s = await run_signdesk(browser, origin, code, token, seconds)
                done.append(Round(signdesk, baseline, round(connect_s, 2), round(load, 2)))
        finally:
            await browser.close()
    median = sorted(done, key=Round.worst_p50)[len(done) // 2]
    ours, base = summary(median.signdesk), summary(median.baseline)
    ratio = None
    if ours["latency_p50_ms_max"] and base["latency_p50_ms_max"]:
        ratio = round(ours["latency_p50_ms_max"] / base["latency_p50_ms_max"], 2)
    fps_ok = (ours["fps_decoded_min"] or 0) >= GOAL_FPS
    latency_ok = (
        ours["latency_p50_ms_max"] is not None and ours["latency_p50_ms_max"] <= GOAL_P50_MS
    )
    return {
        "seconds": seconds,
        "rounds": rounds,
        "clip": {"width": WIDTH, "height": HEIGHT, "fps": FPS, "loop_seconds": CLIP_SECONDS},
        "goals": {"fps_min": GOAL_FPS, "latency_p50_ms_max": GOAL_P50_MS},
        "signdesk": [asdict(d) for d in median.signdesk],
        "signdesk_connect_seconds": median.connect_seconds,
        "baseline": [asdict(d) for d in median.baseline],
        "summary": {"signdesk": ours, "baseline": base, "p50_ratio_to_baseline": ratio},
        "ok": {"fps": fps_ok, "latency": latency_ok},
        "all_rounds": [
            {
                "load_average": r.load_average,
                "connect_seconds": r.connect_seconds,
                "signdesk": summary(r.signdesk),
                "baseline": summary(r.baseline),
            }
            for r in done
        ],
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "chromium": chromium_version(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def markdown(report: dict[str, Any]) -> str:
    goals = report["goals"]
    lines = [
        "# Call media: frame rate and glass-to-glass latency",
        "",
        f"Two directions of one call, {report['seconds']:.0f} s each, after a "
        f"{WARM_UP_SECONDS:.0f} s warm-up. Cameras: Chromium's fake device playing a "
        f"{WIDTH}x{HEIGHT}, {FPS} fps clip of the hand photos with a frame-counter strip. "
        "Latency = time a frame is presented in the receiver's remote <video> minus the time the "
        "same frame was presented in the sender's local preview (`requestVideoFrameCallback`, "
        "one Chromium process, one clock). Goals: received >= "
        f"{goals['fps_min']:.0f} fps, p50 <= {goals['latency_p50_ms_max']:.0f} ms.",
        "",
        "| path | direction | fps decoded | fps presented | p50 | p95 | max | frames matched "
        "| received size | decoder |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path, rows in (("SignDesk", report["signdesk"]), ("baseline", report["baseline"])):
        for r in rows:
            lines.append(
                f"| {path} | {r['name']} | {r['fps_decoded']:.1f} | {r['fps_presented']:.1f} | "
                f"{_ms(r['latency_p50_ms'])} | {_ms(r['latency_p95_ms'])} | "
                f"{_ms(r['latency_max_ms'])} | {r['frames_matched']}/{r['frames_presented']} | "
                f"{r['width']}x{r['height']} | {r['decoder']} |"
            )
    s = report["summary"]
    ok = report["ok"]
    lines += [
        "",
        f"- Frame rate goal (>= {goals['fps_min']:.0f} fps decoded, worst direction): "
        f"{'met' if ok['fps'] else 'NOT met'} ({s['signdesk']['fps_decoded_min']:.1f} fps).",
        f"- Latency goal (p50 <= {goals['latency_p50_ms_max']:.0f} ms, worst direction): "
        f"{'met' if ok['latency'] else 'NOT met'} ({_ms(s['signdesk']['latency_p50_ms_max'])}).",
        f"- SignDesk p50 / baseline p50 (worst directions): {s['p50_ratio_to_baseline']}.",
        f"- From 'ready' to both pages connected: {report['signdesk_connect_seconds']} s.",
        "",
        f"The table is the median of {report['rounds']} round(s) (by SignDesk's worst p50); each "
        "round runs the baseline, then a SignDesk call on a fresh booking. All rounds:",
        "",
        "| round | load avg (1 min) | SignDesk fps (worst) | SignDesk p50 (worst) | "
        "baseline fps | baseline p50 |",
        "|---|---|---|---|---|---|",
        *(
            f"| {i + 1} | {r['load_average']:.2f} | {r['signdesk']['fps_decoded_min']:.1f} | "
            f"{_ms(r['signdesk']['latency_p50_ms_max'])} | "
            f"{r['baseline']['fps_decoded_min']:.1f} | {_ms(r['baseline']['latency_p50_ms_max'])} |"
            for i, r in enumerate(report["all_rounds"])
        ),
        "",
        "The baseline is one page sending its camera preview through a loopback "
        "RTCPeerConnection pair with the same sender settings: the difference is what two pages, "
        "two browser contexts and SignDesk's signaling and pages add. In the SignDesk call two "
        "software VP8 encoders and two decoders (both directions) share "
        f"{report['cpus']} CPU(s), against one of each in the baseline, so absolute numbers "
        "depend on the machine.",
        "",
        f"{report['chromium']}, Python {report['python']} on {report['platform']}, "
        f"{report['timestamp']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.call_media", description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0, help="measurement window (>= 10)")
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 7), help="median of")
    args = parser.parse_args(argv)
    seconds = max(10.0, args.seconds)
    if not HANDS.is_dir():
        raise SystemExit(f"hand photos not found at {HANDS}")
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="sd-bench-call-") as tmp:
        directory = Path(tmp)
        clip = make_hand_video(
            HANDS,
            directory / "hands.y4m",
            width=WIDTH,
            height=HEIGHT,
            fps=FPS,
            seconds=CLIP_SECONDS,
        )
        report = asyncio.run(main_async(seconds, args.rounds, directory, clip))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "call_media.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = markdown(report)
    (RESULTS / "call_media.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(report["ok"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
