"""The quality module's cost: pipeline vs raw MediaPipe Hands, sessions per core, event-loop lag.

Run: `.venv/bin/python -m bench.quality` (full) or `... --quick` (smoke size).

Frames are 320x240 (what a browser sends the server in direct mode), made from the hand photos in
`../shared/data/hands` with `media.testsource` (a slight pan, a new photo every second).

1. Throughput, same frames, same run, interleaved rounds: raw MediaPipe Hands (static-image
   mode, the analyzer's model, in this process, one thread) against the whole pipeline: frames
   submitted to an `Analyzer` with one worker process (at normal priority, like the raw loop),
   which runs hands, a face detection per side per second, the metrics, the pipe round trip and
   the hint engine, activity and summary in the server process. Enough sessions keep the worker
   saturated. Goal: pipeline >= 0.9x raw frames per second.
2. Sessions per core: one worker (one core), N sessions each fed 10 fps and sampled at a fixed
   5 analyses per second (no adaptation), N raised until sampled frames start being dropped
   (more than 1% replaced before a worker was free). Goal: >= 12 sessions.
3. Event-loop lag: the default analyzer (all cores but one, workers at nice 10) with 8 sessions
   fed 10 fps each, while a probe task sleeps 5 ms at a time and records how late it wakes up;
   the same probe runs alone first (baseline). Goal: p99 <= 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from media.quality import QUIET_ENV
from media.quality.analyzer import Analyzer, AnalyzerConfig
from media.quality.sampling import SamplingPolicy
from media.testsource import photo_frames

RESULTS = Path(__file__).resolve().parent / "results"
HANDS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "hands"
GOAL_RATIO = 0.9
GOAL_SESSIONS = 12
GOAL_LAG_P99_MS = 10.0
RATE = 5.0
FEED_FPS = 10.0
DROP_LIMIT = 0.01
Frames = list[np.ndarray[Any, np.dtype[np.uint8]]]


@dataclass(frozen=True, slots=True)
class Size:
    frames: int
    rounds: int
    capacity_seconds: float
    lag_seconds: float
    lag_sessions: int


FULL = Size(frames=240, rounds=3, capacity_seconds=8.0, lag_seconds=20.0, lag_sessions=8)
QUICK = Size(frames=40, rounds=1, capacity_seconds=2.5, lag_seconds=4.0, lag_sessions=8)


def make_frames(count: int) -> Frames:
    photos = sorted(p for p in HANDS.iterdir() if p.suffix == ".jpg")
    return [
        np.asarray(f, np.uint8)
        for f in photo_frames(
            photos,
            width=320,
            height=240,
            fps=10,
            seconds_per_photo=1.0,
            total_frames=count,
            counter=False,
        )
    ]


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# --- 1. throughput -------------------------------------------------------------------------------


def raw_hands(frames: Frames, model_complexity: int) -> dict[str, float]:
    """Frames per second of MediaPipe Hands alone, as one would call it."""
    hands_api: Any = importlib.import_module("mediapipe.python.solutions.hands")
    hands = hands_api.Hands(
        static_image_mode=True, max_num_hands=2, model_complexity=model_complexity
    )
    try:
        for frame in frames[:5]:
            hands.process(frame)
        w0, c0 = time.perf_counter(), time.process_time()
        for frame in frames:
            hands.process(frame)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    finally:
        hands.close()
    return {"fps": len(frames) / wall, "cpu_ms_per_frame": cpu / len(frames) * 1000}


async def pipeline(analyzer: Analyzer, frames: Frames, tag: str) -> dict[str, float]:
    """Analyses per second with the worker kept busy by four sessions taking turns."""
    sessions = [f"{tag}-{i}" for i in range(4)]
    for i, s in enumerate(sessions):  # warm-up, and a face found for each side
        await analyzer.submit(s, "caller", frames[i])
    await asyncio.sleep(0.5)
    start_count, start_cpu = analyzer.stats.analysed, analyzer.stats.worker_cpu_seconds
    main_cpu0 = time.process_time()
    w0 = time.perf_counter()
    index = 0
    stats = analyzer.stats
    while stats.analysed - start_count < len(frames):
        # Keep three frames in flight (two at the worker, one waiting): the worker never idles,
        # and the server does not copy frames that would only be replaced.
        for s in sessions:
            if stats.sampled - stats.analysed - stats.dropped - stats.failed < 3:
                await analyzer.submit(s, "caller", frames[index % len(frames)])
                index += 1
        await asyncio.sleep(0.001)
    wall = time.perf_counter() - w0
    done = analyzer.stats.analysed - start_count
    for s in sessions:
        analyzer.end_session(s)
    return {
        "fps": done / wall,
        "worker_cpu_ms_per_frame": (analyzer.stats.worker_cpu_seconds - start_cpu) / done * 1000,
        "server_cpu_ms_per_frame": (time.process_time() - main_cpu0) / done * 1000,
    }


async def throughput(frames: Frames, size: Size, model_complexity: int) -> dict[str, Any]:
    every = SamplingPolicy(target_rate=1000.0, min_rate=1000.0)
    config = AnalyzerConfig(workers=1, model_complexity=model_complexity, sampling=every, nice=0)
    raws: list[dict[str, float]] = []
    pipes: list[dict[str, float]] = []
    async with Analyzer(config) as analyzer:
        for r in range(size.rounds):
            raws.append(raw_hands(frames, model_complexity))
            pipes.append(await pipeline(analyzer, frames, f"t{r}"))
    raw_fps = statistics.median(x["fps"] for x in raws)
    pipe_fps = statistics.median(x["fps"] for x in pipes)
    return {
        "model_complexity": model_complexity,
        "frames_per_round": len(frames),
        "rounds": size.rounds,
        "raw_fps": round(raw_fps, 1),
        "raw_cpu_ms_per_frame": round(statistics.median(x["cpu_ms_per_frame"] for x in raws), 2),
        "pipeline_fps": round(pipe_fps, 1),
        "pipeline_worker_cpu_ms_per_frame": round(
            statistics.median(x["worker_cpu_ms_per_frame"] for x in pipes), 2
        ),
        "pipeline_server_cpu_ms_per_frame": round(
            statistics.median(x["server_cpu_ms_per_frame"] for x in pipes), 2
        ),
        "ratio": round(pipe_fps / raw_fps, 3),
        "rounds_raw_fps": [round(x["fps"], 1) for x in raws],
        "rounds_pipeline_fps": [round(x["fps"], 1) for x in pipes],
    }


# --- 2. sessions per core -------------------------------------------------------------------------


async def feed(
    analyzer: Analyzer, session: str, frames: Frames, offset: float, until: float
) -> None:
    """One session's decoded frames at FEED_FPS, as the media leg would offer them."""
    await asyncio.sleep(offset)
    index = hash(session) % len(frames)
    loop = asyncio.get_running_loop()
    next_at = loop.time()
    while loop.time() < until:
        await analyzer.submit(session, "caller", frames[index % len(frames)], 25.0, (640, 480))
        index += 1
        next_at += 1 / FEED_FPS
        await asyncio.sleep(max(0.0, next_at - loop.time()))


async def load_step(
    analyzer: Analyzer, frames: Frames, sessions: int, seconds: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    names = [f"n{sessions}-{i}" for i in range(sessions)]
    until = loop.time() + 1.0 + seconds
    tasks = [
        asyncio.create_task(feed(analyzer, n, frames, i / sessions / FEED_FPS, until))
        for i, n in enumerate(names)
    ]
    await asyncio.sleep(1.0)  # warm-up: faces found, schedules settled
    s0 = asdict(analyzer.stats)
    await asyncio.gather(*tasks)
    await asyncio.sleep(0.3)
    s1 = asdict(analyzer.stats)
    for n in names:
        analyzer.end_session(n)
    sampled = s1["sampled"] - s0["sampled"]
    dropped = s1["dropped"] - s0["dropped"]
    analysed = s1["analysed"] - s0["analysed"]
    cpu = s1["worker_cpu_seconds"] - s0["worker_cpu_seconds"]
    return {
        "sessions": sessions,
        "sampled": sampled,
        "analysed": analysed,
        "dropped": dropped,
        "drop_share": round(dropped / sampled, 4) if sampled else 0.0,
        "analyses_per_second": round(analysed / seconds, 1),
        "worker_cpu_ms_per_analysis": round(cpu / analysed * 1000, 2) if analysed else None,
    }


async def capacity(frames: Frames, size: Size, model_complexity: int) -> dict[str, Any]:
    fixed = SamplingPolicy(target_rate=RATE, min_rate=RATE)
    config = AnalyzerConfig(workers=1, model_complexity=model_complexity, sampling=fixed, nice=0)
    steps: list[dict[str, Any]] = []
    best = 0
    async with Analyzer(config) as analyzer:
        sessions = 4
        while sessions <= 30:
            step = await load_step(analyzer, frames, sessions, size.capacity_seconds)
            steps.append(step)
            if step["drop_share"] > DROP_LIMIT:
                break
            best = sessions
            sessions += 2
    return {"rate_per_session": RATE, "feed_fps": FEED_FPS, "max_sessions": best, "steps": steps}


# --- 3. event-loop lag --------------------------------------------------------------------------


async def probe(seconds: float) -> list[float]:
    loop = asyncio.get_running_loop()
    lags: list[float] = []
    end = loop.time() + seconds
    while loop.time() < end:
        before = loop.time()
        await asyncio.sleep(0.005)
        lags.append((loop.time() - before - 0.005) * 1000)
    return lags


def lag_summary(lags: Sequence[float]) -> dict[str, float]:
    return {
        "samples": len(lags),
        "p50_ms": round(statistics.median(lags), 3),
        "p99_ms": round(pct(lags, 0.99), 3),
        "max_ms": round(max(lags), 3),
    }


async def loop_lag(frames: Frames, size: Size) -> dict[str, Any]:
    baseline = await probe(min(5.0, size.lag_seconds))
    config = AnalyzerConfig()
    async with Analyzer(config) as analyzer:
        loop = asyncio.get_running_loop()
        until = loop.time() + size.lag_seconds + 1.0
        names = [f"lag-{i}" for i in range(size.lag_sessions)]
        tasks = [
            asyncio.create_task(feed(analyzer, n, frames, i / len(names) / FEED_FPS, until))
            for i, n in enumerate(names)
        ]
        await asyncio.sleep(1.0)
        s0 = asdict(analyzer.stats)
        lags = await probe(size.lag_seconds)
        await asyncio.gather(*tasks)
        s1 = asdict(analyzer.stats)
    return {
        "sessions": size.lag_sessions,
        "workers": config.workers,
        "model_complexity": config.model_complexity,
        "baseline": lag_summary(baseline),
        "with_analyzer": lag_summary(lags),
        "submitted": s1["submitted"] - s0["submitted"],
        "analysed": s1["analysed"] - s0["analysed"],
        "dropped": s1["dropped"] - s0["dropped"],
        "sampling_rate_at_end": round(s1["rate"], 2),
    }


# --- report ------------------------------------------------------------------------------------


async def run(size: Size) -> dict[str, Any]:
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    load_start = os.getloadavg()
    frames = make_frames(size.frames)
    model = AnalyzerConfig().model_complexity
    result: dict[str, Any] = {
        "size": asdict(size),
        "throughput": await throughput(frames, size, model),
        "capacity": await capacity(frames, size, model),
        "loop_lag": await loop_lag(frames, size),
    }
    t, c, lag = result["throughput"], result["capacity"], result["loop_lag"]
    result["goals"] = {
        "throughput_ratio": {
            "goal": f">= {GOAL_RATIO}",
            "value": t["ratio"],
            "met": t["ratio"] >= GOAL_RATIO,
        },
        "sessions_per_core": {
            "goal": f">= {GOAL_SESSIONS}",
            "value": c["max_sessions"],
            "met": c["max_sessions"] >= GOAL_SESSIONS,
        },
        "loop_lag_p99_ms": {
            "goal": f"<= {GOAL_LAG_P99_MS}",
            "value": lag["with_analyzer"]["p99_ms"],
            "met": lag["with_analyzer"]["p99_ms"] <= GOAL_LAG_P99_MS,
        },
    }
    result["machine"] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_start],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    return result


def markdown(r: dict[str, Any]) -> str:
    t, c, lag, goals, m = r["throughput"], r["capacity"], r["loop_lag"], r["goals"], r["machine"]

    def verdict(key: str) -> str:
        return "**met**" if goals[key]["met"] else "**not met**"

    lines = [
        "# Quality module benchmark",
        "",
        f"320x240 frames from the hand photos; MediaPipe Hands model_complexity="
        f"{t['model_complexity']} (the analyzer's default), static-image mode.",
        "",
        "## Pipeline throughput vs raw MediaPipe Hands (same frames, same run)",
        "",
        "| | frames/s | CPU ms per frame |",
        "|---|---:|---:|",
        f"| raw `Hands.process` loop, one thread | {t['raw_fps']} | {t['raw_cpu_ms_per_frame']} |",
        f"| pipeline, 1 worker | {t['pipeline_fps']} | {t['pipeline_worker_cpu_ms_per_frame']}"
        f" in the worker + {t['pipeline_server_cpu_ms_per_frame']} in the server process"
        " (with the bench's 1 ms feeder loop) |",
        "",
        f"Ratio {t['ratio']}x (median of {t['rounds']} interleaved rounds of "
        f"{t['frames_per_round']} frames; raw {t['rounds_raw_fps']}, pipeline "
        f"{t['rounds_pipeline_fps']}). Goal >= {GOAL_RATIO}x: {verdict('throughput_ratio')}. "
        "By CPU, raw / worker per frame: "
        f"{t['raw_cpu_ms_per_frame'] / t['pipeline_worker_cpu_ms_per_frame']:.2f}x (the worker "
        "also detects a face every 2 s per side, again in a crop when it is small, and computes "
        "the metrics); the wall-clock ratio is lower because the server process and the worker "
        "share the machine's CPUs.",
        "",
        "## Monitored sessions per core",
        "",
        f"One worker; each session fed {c['feed_fps']:g} fps and sampled at a fixed "
        f"{c['rate_per_session']:g} analyses/s (adaptation off).",
        "",
        "| sessions | sampled | analysed | dropped | drop share | analyses/s "
        "| worker CPU ms/analysis |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in c["steps"]:
        lines.append(
            f"| {s['sessions']} | {s['sampled']} | {s['analysed']} | {s['dropped']} "
            f"| {s['drop_share']:.2%} | {s['analyses_per_second']} "
            f"| {s['worker_cpu_ms_per_analysis']} |"
        )
    lines += [
        "",
        f"Most sessions with at most {DROP_LIMIT:.0%} of sampled frames dropped: "
        f"**{c['max_sessions']}**. Goal >= {GOAL_SESSIONS}: {verdict('sessions_per_core')}.",
        "",
        "## Event-loop lag",
        "",
        f"{lag['sessions']} sessions fed {FEED_FPS:g} fps each; default analyzer "
        f"({lag['workers']} worker(s) at nice 10, adaptive sampling, ended at "
        f"{lag['sampling_rate_at_end']} analyses/s per side); a probe sleeps 5 ms and records "
        "how late it wakes.",
        "",
        "| | samples | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, key in (("probe alone", "baseline"), ("with the analyzer", "with_analyzer")):
        x = lag[key]
        lines.append(f"| {name} | {x['samples']} | {x['p50_ms']} | {x['p99_ms']} | {x['max_ms']} |")
    lines += [
        "",
        f"Frames offered {lag['submitted']}, analysed {lag['analysed']}, dropped {lag['dropped']}. "
        f"Goal p99 <= {GOAL_LAG_P99_MS:g} ms: {verdict('loop_lag_p99_ms')}.",
        "",
        f"Load average before/after: {m['load_average_before']} / {m['load_average_after']}. "
        f"Python {m['python']} on {m['platform']}, {m['cpus']} CPUs, {m['at']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small smoke-sized run")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args(argv)
    if not HANDS.is_dir():
        raise SystemExit(f"hand photos not found at {HANDS}")
    result = asyncio.run(run(QUICK if args.quick else FULL))
    stem = "quality-quick" if args.quick else "quality"
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = markdown(result)
    (out_dir / f"{stem}.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
