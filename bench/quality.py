"""The quality module's cost: pipeline vs raw MediaPipe Hands, sessions per core, event-loop lag.

Run: `.venv/bin/python -m bench.quality` (full) or `... --quick` (smoke size).

Frames are 320x240 (what a browser sends the server in direct mode), made from the hand photos in
`../shared/data/hands` with `media.testsource` (a slight pan, a new photo every second).

1. Throughput, same frames, same run, interleaved rounds. Four sessions take turns: the k-th
   frame goes to session k % 4, so each session is a video stream of its own. The pipeline:
   frames submitted to an `Analyzer` with one worker process (at normal priority, like the raw
   loops), which follows each session's hands (video mode), detects a face every 2 s per side,
   computes the metrics, and sends the reply back through the pipe to the hint engine, activity
   and summary in the server process. The raw baselines run in this process, one thread, on the
   same frames in the same order, one hand state per session: (a) the same video-mode hand
   tracker the worker uses (`MediaPipeDetector.track`: MediaPipe's hand models, nothing else),
   the goal's baseline; (b) stock `mediapipe.solutions.hands.Hands(static_image_mode=False)`,
   one per session; (c) stock static-image mode (what the analyzer ran before). Goal: pipeline
   >= 0.9x baseline (a) frames per second.
2. Sessions per core: one worker (one core), N sessions each fed 10 fps and sampled at a fixed
   5 analyses per second (no adaptation), N raised until sampled frames start being dropped.
   A step passes when at most 1% of its sampled frames were replaced before a worker was free
   (or lost) and the sessions got the analyses they asked for (at least 97% of N x 5 per second
   sampled, less one frame per session for the window's edges: a server too slow to even offer
   the frames would show no drops). Goal: >= 12.
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
from media.quality.analyzer import Analyzer, AnalyzerConfig, Submit
from media.quality.detector import DetectorConfig, MediaPipeDetector
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
SAMPLED_FLOOR = 0.97
TURNS = 4  # sessions taking turns in the throughput test
Frames = list[np.ndarray[Any, np.dtype[np.uint8]]]


@dataclass(frozen=True, slots=True)
class Size:
    frames: int
    rounds: int
    capacity_seconds: float
    lag_seconds: float
    lag_sessions: int


FULL = Size(frames=240, rounds=7, capacity_seconds=8.0, lag_seconds=20.0, lag_sessions=8)
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


def stock_hands(frames: Frames, model_complexity: int, static: bool) -> dict[str, float]:
    """Frames per second of stock MediaPipe Hands, as one would call it (one per session in
    video mode, since each holds its session's track)."""
    hands_api: Any = importlib.import_module("mediapipe.python.solutions.hands")
    count = 1 if static else TURNS
    hands = [
        hands_api.Hands(
            static_image_mode=static, max_num_hands=2, model_complexity=model_complexity
        )
        for _ in range(count)
    ]
    try:
        for i, frame in enumerate(frames[:count]):
            hands[i].process(frame)
        w0, c0 = time.perf_counter(), time.process_time()
        for k, frame in enumerate(frames):
            hands[k % count].process(frame)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    finally:
        for h in hands:
            h.close()
    return {"fps": len(frames) / wall, "cpu_ms_per_frame": cpu / len(frames) * 1000}


def tracked_hands(
    detector: MediaPipeDetector, frames: Frames, first_stream: int
) -> dict[str, float]:
    """Frames per second of the worker's video-mode hand tracker alone, on fresh streams."""
    streams = [first_stream + i for i in range(TURNS)]
    for i, stream in enumerate(streams):
        detector.track(frames[i], stream, False)
    w0, c0 = time.perf_counter(), time.process_time()
    for k, frame in enumerate(frames):
        detector.track(frame, streams[k % TURNS], True)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    for stream in streams:
        detector.forget(stream)
    return {"fps": len(frames) / wall, "cpu_ms_per_frame": cpu / len(frames) * 1000}


async def pipeline(analyzer: Analyzer, frames: Frames, tag: str) -> dict[str, float]:
    """Analyses per second with the worker kept busy by the sessions taking turns."""
    sessions = [f"{tag}-{i}" for i in range(TURNS)]
    for i, s in enumerate(sessions):  # warm-up, and a face found for each side
        await analyzer.submit(s, "caller", frames[i])
    await asyncio.sleep(0.5)
    stats = analyzer.stats
    start_count, start_cpu, start_dropped = stats.analysed, stats.worker_cpu_seconds, stats.dropped
    main_cpu0 = time.process_time()
    w0 = time.perf_counter()
    k = 0
    lost0 = stats.dropped + stats.failed
    while stats.analysed - start_count + stats.dropped + stats.failed - lost0 < len(frames):
        # Keep three frames in flight (two at the worker, one waiting): the worker never idles
        # (a reply moves the waiting frame to it at once, and the slot is refilled within 5 ms,
        # less than one analysis), and the server does not copy frames only to replace them.
        while k < len(frames) and stats.sampled - stats.analysed - stats.dropped - stats.failed < 3:
            outcome = await analyzer.submit(sessions[k % TURNS], "caller", frames[k])
            if outcome != Submit.NOT_DUE:
                k += 1
        await asyncio.sleep(0.005)
    wall = time.perf_counter() - w0
    done = stats.analysed - start_count
    for s in sessions:
        analyzer.end_session(s)
    return {
        "fps": done / wall,
        "worker_cpu_ms_per_frame": (stats.worker_cpu_seconds - start_cpu) / done * 1000,
        "server_cpu_ms_per_frame": (time.process_time() - main_cpu0) / done * 1000,
        "dropped": stats.dropped - start_dropped,
    }


async def throughput(frames: Frames, size: Size, model_complexity: int) -> dict[str, Any]:
    every = SamplingPolicy(target_rate=1000.0, min_rate=1000.0)
    config = AnalyzerConfig(workers=1, model_complexity=model_complexity, sampling=every, nice=0)
    runs: dict[str, list[dict[str, float]]] = {
        "tracker": [],
        "stock_video": [],
        "stock_static": [],
        "pipeline": [],
    }
    detector = MediaPipeDetector(
        DetectorConfig(model_complexity=model_complexity, redetect_every=config.redetect_every)
    )
    try:
        async with Analyzer(config) as analyzer:
            for r in range(size.rounds):
                # The pair to compare runs back to back, in turns first (the load drifts).
                if r % 2:
                    runs["pipeline"].append(await pipeline(analyzer, frames, f"t{r}"))
                    runs["tracker"].append(tracked_hands(detector, frames, 1 + r * TURNS))
                else:
                    runs["tracker"].append(tracked_hands(detector, frames, 1 + r * TURNS))
                    runs["pipeline"].append(await pipeline(analyzer, frames, f"t{r}"))
                runs["stock_video"].append(stock_hands(frames, model_complexity, static=False))
                runs["stock_static"].append(stock_hands(frames, model_complexity, static=True))
    finally:
        detector.close()

    def median(name: str, key: str) -> float:
        return statistics.median(x[key] for x in runs[name])

    fps = {name: median(name, "fps") for name in runs}

    def paired(other: str) -> float:
        """Median over rounds of pipeline / other, each round's pair measured side by side."""
        return statistics.median(
            p["fps"] / o["fps"] for p, o in zip(runs["pipeline"], runs[other], strict=True)
        )

    return {
        "model_complexity": model_complexity,
        "frames_per_round": len(frames),
        "sessions": TURNS,
        "rounds": size.rounds,
        "redetect_every": config.redetect_every,
        "tracker_fps": round(fps["tracker"], 1),
        "tracker_cpu_ms_per_frame": round(median("tracker", "cpu_ms_per_frame"), 2),
        "stock_video_fps": round(fps["stock_video"], 1),
        "stock_video_cpu_ms_per_frame": round(median("stock_video", "cpu_ms_per_frame"), 2),
        "stock_static_fps": round(fps["stock_static"], 1),
        "stock_static_cpu_ms_per_frame": round(median("stock_static", "cpu_ms_per_frame"), 2),
        "pipeline_fps": round(fps["pipeline"], 1),
        "pipeline_worker_cpu_ms_per_frame": round(median("pipeline", "worker_cpu_ms_per_frame"), 2),
        "pipeline_server_cpu_ms_per_frame": round(median("pipeline", "server_cpu_ms_per_frame"), 2),
        "pipeline_dropped": sum(int(x["dropped"]) for x in runs["pipeline"]),
        "ratio": round(paired("tracker"), 3),
        "ratio_of_medians": round(fps["pipeline"] / fps["tracker"], 3),
        "ratio_by_cpu": round(
            median("tracker", "cpu_ms_per_frame") / median("pipeline", "worker_cpu_ms_per_frame"), 3
        ),
        "ratio_vs_stock_video": round(paired("stock_video"), 3),
        "ratio_vs_stock_static": round(paired("stock_static"), 3),
        "rounds_fps": {name: [round(x["fps"], 1) for x in runs[name]] for name in runs},
    }


# --- 2. sessions per core -------------------------------------------------------------------------


async def feed(
    analyzer: Analyzer, session: str, frames: Frames, offset: float, until: float
) -> None:
    """One session's decoded frames at FEED_FPS, as the media leg would offer them."""
    await asyncio.sleep(offset)
    index = sum(session.encode()) * 7 % len(frames)  # a different start per session
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
    lost = s1["dropped"] - s0["dropped"] + s1["failed"] - s0["failed"]
    analysed = s1["analysed"] - s0["analysed"]
    cpu = s1["worker_cpu_seconds"] - s0["worker_cpu_seconds"]
    wanted = sessions * RATE * seconds
    drop_share = lost / sampled if sampled else 1.0
    return {
        "sessions": sessions,
        "wanted": round(wanted),
        "sampled": sampled,
        "analysed": analysed,
        "dropped": lost,
        "drop_share": round(drop_share, 4),
        "sampled_share": round(sampled / wanted, 3),
        "analyses_per_second": round(analysed / seconds, 1),
        "worker_cpu_ms_per_analysis": round(cpu / analysed * 1000, 2) if analysed else None,
        "worker_core_share": round(cpu / seconds, 2),
        # one frame per session may fall either side of the window's edges
        "passed": drop_share <= DROP_LIMIT and sampled >= SAMPLED_FLOOR * (wanted - sessions),
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
            if not step["passed"]:
                break
            best = sessions
            sessions += 2
    costs = [x["worker_cpu_ms_per_analysis"] for x in steps if x["worker_cpu_ms_per_analysis"]]
    cost = round(statistics.median(costs), 2) if costs else None
    return {
        "rate_per_session": RATE,
        "feed_fps": FEED_FPS,
        "max_sessions": best,
        "steps": steps,
        "worker_cpu_ms_per_analysis": cost,
        # what a whole core would hold at that cost, for comparison (not the measured goal)
        "sessions_per_core_by_cpu": math.floor(1000 / (RATE * cost)) if cost else None,
    }


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

    rf = t["rounds_fps"]
    lines = [
        "# Quality module benchmark",
        "",
        f"320x240 frames from the hand photos (a new photo every second, a slight pan); MediaPipe "
        f"Hands model_complexity={t['model_complexity']} (the analyzer's default). The analyzer "
        "follows each side's hands as a video stream (the hand landmark model on the region of "
        "the previous frame's hand; palm detection and landmarks in full when a hand is lost, "
        f"when none is tracked, and every {t['redetect_every']} frames of a side).",
        "",
        "## Pipeline throughput vs raw MediaPipe Hands (same frames, same run)",
        "",
        f"{t['sessions']} sessions take turns (frame k to session k % {t['sessions']}), so each "
        "is a video stream; every loop sees the same frames in the same order, one hand state "
        "per session.",
        "",
        "| | frames/s | CPU ms per frame |",
        "|---|---:|---:|",
        f"| (a) raw video-mode hand tracker the worker uses, one thread (the baseline) "
        f"| {t['tracker_fps']} | {t['tracker_cpu_ms_per_frame']} |",
        f"| (b) raw stock `Hands(static_image_mode=False)`, one per session "
        f"| {t['stock_video_fps']} | {t['stock_video_cpu_ms_per_frame']} |",
        f"| (c) raw stock `Hands(static_image_mode=True)` (the analyzer before) "
        f"| {t['stock_static_fps']} | {t['stock_static_cpu_ms_per_frame']} |",
        f"| pipeline, 1 worker | {t['pipeline_fps']} | {t['pipeline_worker_cpu_ms_per_frame']}"
        f" in the worker + {t['pipeline_server_cpu_ms_per_frame']} in the server process"
        " (with the bench's feeder polling every 5 ms) |",
        "",
        f"Ratio pipeline / (a), the same hand work without the pipeline: **{t['ratio']}x**, "
        f"the median over {t['rounds']} rounds of {t['frames_per_round']} frames of each round's "
        "pair, run back to back (in turns first) because the machine's load drifts; "
        f"(a) {rf['tracker']}, pipeline {rf['pipeline']} frames/s; ratio of the medians "
        f"{t['ratio_of_medians']}x. Goal >= {GOAL_RATIO}x: {verdict('throughput_ratio')}. By CPU, "
        f"(a) / worker per frame: {t['ratio_by_cpu']}x (the worker also detects a face every "
        "2 s per side, again in a crop when it is small, computes the metrics and reads the "
        "frame from its pipe).",
        "",
        f"Against stock MediaPipe Hands (median of the rounds' ratios; these pairs are not side "
        f"by side): {t['ratio_vs_stock_video']}x its video mode (b) "
        f"(rounds {rf['stock_video']}) and {t['ratio_vs_stock_static']}x its static-image mode "
        f"(c) (rounds {rf['stock_static']}). Stock video mode saves little on these frames: it "
        "runs the palm detector on every frame with fewer than `max_num_hands` (2) hands, and "
        "most frames show one.",
        "",
        "## Monitored sessions per core",
        "",
        f"One worker; each session fed {c['feed_fps']:g} fps and sampled at a fixed "
        f"{c['rate_per_session']:g} analyses/s (adaptation off).",
        "",
        "| sessions | wanted | sampled | analysed | dropped | drop share | analyses/s "
        "| worker CPU ms/analysis | worker CPU share of a core | passed |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in c["steps"]:
        lines.append(
            f"| {s['sessions']} | {s['wanted']} | {s['sampled']} | {s['analysed']} "
            f"| {s['dropped']} | {s['drop_share']:.2%} | {s['analyses_per_second']} "
            f"| {s['worker_cpu_ms_per_analysis']} | {s['worker_core_share']} "
            f"| {'yes' if s['passed'] else 'no'} |"
        )
    lines += [
        "",
        "Wanted: sessions x 5/s x the measured seconds. A step passes with at most "
        f"{DROP_LIMIT:.0%} of its sampled frames dropped (replaced before a worker was free, or "
        f"lost) and at least {SAMPLED_FLOOR:.0%} of the wanted frames (less one per session) "
        "sampled. Most sessions "
        f"that passed: **{c['max_sessions']}**. Goal >= {GOAL_SESSIONS}: "
        f"{verdict('sessions_per_core')}.",
        "",
        f"By CPU alone (median {c['worker_cpu_ms_per_analysis']} ms per analysis in the worker), "
        f"a whole core would hold {c['sessions_per_core_by_cpu']} sessions at "
        f"{c['rate_per_session']:g}/s; the measured count is lower when other work on the machine "
        "takes part of the worker's core (its share is in the table).",
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
