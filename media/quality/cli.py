"""`python -m media.quality analyze PATH... [--json]`: offline review of images and video files.

For each input, one line: with `--json` a JSON object
`{"path", "frames", "hands_max", "hands_per_frame", "hints", "metrics"}`, else a short text line.
An image's hints are those its one frame raises (`evaluate_frame`). A video is sampled at
`--rate` frames per second and run through the same hint engine as a live call (hints need about
2 s to show), and `hints` lists every hint shown at some point; a clip shorter than the engine's
hold time lists the hints raised by most of its frames instead.

Exit status: 0 when every input was read, 1 when some could not be (each gets an error line), 3
when quality assistance is off (mediapipe missing).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import orjson

from media.quality import quality_status
from media.quality.detector import DetectorConfig, MediaPipeDetector, analyse
from media.quality.hints import (
    Hint,
    HintEngine,
    HysteresisRules,
    StreamInfo,
    evaluate_frame,
    ordered,
)
from media.quality.records import FrameAnalysis
from media.quality.video import UnreadableInput, is_image, open_video, read_image

EXIT_UNREADABLE = 1
EXIT_OFF = 3


def analyse_image(detector: MediaPipeDetector, path: Path) -> dict[str, Any]:
    analysis = analyse(detector, read_image(path))
    hints = evaluate_frame(analysis.metrics)
    return {
        "path": str(path),
        "frames": 1,
        "hands_max": analysis.metrics.hands,
        "hands_per_frame": [analysis.metrics.hands],
        "hints": [h.value for h in ordered(set(hints))],
        "metrics": {"kind": "image", **analysis.metrics.to_dict()},
    }


def analyse_video(
    detector: MediaPipeDetector, path: Path, rate: float, max_frames: int, prefer_pyav: bool = True
) -> dict[str, Any]:
    clip = open_video(path, rate, prefer_pyav)
    stream = StreamInfo(received_fps=clip.fps)
    rules = HysteresisRules()
    engine = HintEngine(rules)
    shown: set[Hint] = set()
    raised: dict[Hint, int] = {}
    analyses: list[FrameAnalysis] = []
    first = last = 0.0
    for at, frame in clip.frames:
        if len(analyses) >= max_frames:
            break
        first = at if not analyses else first
        last = at
        analysis = analyse(detector, frame)
        analyses.append(analysis)
        conditions = evaluate_frame(analysis.metrics, stream)
        for hint in conditions:
            raised[hint] = raised.get(hint, 0) + 1
        shown |= engine.update(at, conditions)
    if not analyses:
        raise UnreadableInput("no frames decoded")
    duration = last - first
    if duration < rules.hold:
        shown = {h for h, n in raised.items() if n * 2 > len(analyses)}
    metrics = [a.metrics for a in analyses]
    sizes = [m.signer_size for m in metrics if m.signer_size is not None]
    return {
        "path": str(path),
        "frames": len(analyses),
        "hands_max": max(m.hands for m in metrics),
        "hands_per_frame": [m.hands for m in metrics],
        "hints": [h.value for h in ordered(shown)],
        "metrics": {
            "kind": "video",
            "fps": None if clip.fps is None else round(clip.fps, 3),
            "width": metrics[0].width,
            "height": metrics[0].height,
            "seconds_analysed": round(duration, 3),
            "hands_visible_share": round(sum(m.hands > 0 for m in metrics) / len(metrics), 4),
            "mean_brightness": round(statistics.fmean(m.brightness for m in metrics), 2),
            "mean_subject_brightness": round(
                statistics.fmean(m.subject_brightness for m in metrics), 2
            ),
            "mean_sharpness": round(statistics.fmean(m.sharpness for m in metrics), 2),
            "median_signer_size": round(statistics.median(sizes), 4) if sizes else None,
            "frames_raising": {h.value: raised[h] for h in ordered(set(raised))},
        },
    }


def _text(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{result['path']}: error: {result['error']}"
    hints = ", ".join(result["hints"]) or "none"
    return (
        f"{result['path']}: {result['frames']} frame(s), up to {result['hands_max']} hand(s); "
        f"hints: {hints}"
    )


def analyze(
    paths: Sequence[Path],
    *,
    as_json: bool,
    model_complexity: int,
    rate: float,
    max_frames: int,
    out: TextIO,
    err: TextIO,
) -> int:
    status = quality_status()
    if not status.enabled:
        print(status.describe(), file=err)
        return EXIT_OFF
    detector = MediaPipeDetector(DetectorConfig(model_complexity=model_complexity))
    code = 0
    try:
        for path in paths:
            try:
                if is_image(path):
                    result = analyse_image(detector, path)
                else:
                    result = analyse_video(detector, path, rate, max_frames)
            except (UnreadableInput, OSError) as exc:
                code = EXIT_UNREADABLE
                result = {"path": str(path), "error": f"cannot read: {exc}"}
                print(f"analyze: cannot read {path}: {exc}", file=err)
                if not as_json:
                    continue
            print(orjson.dumps(result).decode() if as_json else _text(result), file=out)
    finally:
        detector.close()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m media.quality", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("analyze", help="analyse images and video files")
    cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    cmd.add_argument("--json", action="store_true", help="one JSON object per input")
    cmd.add_argument("--model-complexity", type=int, choices=(0, 1), default=1)
    cmd.add_argument("--rate", type=float, default=5.0, help="video frames analysed per second")
    cmd.add_argument("--max-frames", type=int, default=3000, help="per video")
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.max_frames <= 0:
        parser.error("--rate and --max-frames must be positive")
    return analyze(
        args.paths,
        as_json=args.json,
        model_complexity=args.model_complexity,
        rate=args.rate,
        max_frames=args.max_frames,
        out=sys.stdout,
        err=sys.stderr,
    )
