"""A worker process: reads jobs on stdin, analyses each frame, writes replies on stdout.

Run by the analyzer as `python -m media.quality.worker`. It handles one frame at a time into one
reused buffer, so it holds at most one frame (and, per video stream, the hand regions it
follows, until the analyzer says the stream ended); it runs at a lower CPU priority (`--nice`)
so that when the machine is busy the server's event loop and the calls come first. It exits when
stdin closes. Its detector lives in `serve`'s frame, not in a module global.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import BinaryIO

import numpy as np

from media.quality import QUIET_ENV
from media.quality.detector import (
    MAX_STREAMS,
    REDETECT_EVERY,
    Detector,
    DetectorConfig,
    MediaPipeDetector,
    NullDetector,
    analyse,
)
from media.quality.wire import JOB, MAX_FRAME_BYTES, decode_job, encode_reply


def _read_into(stream: BinaryIO, view: memoryview) -> bool:
    """Fill `view` from `stream`; False on end of input."""
    got = 0
    while got < len(view):
        n = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            return False
        got += n
    return True


def serve(detector: Detector, stdin: BinaryIO, stdout: BinaryIO, delay: float = 0.0) -> int:
    """Answer jobs until stdin closes; return the number of frames analysed."""
    buffer = bytearray(MAX_FRAME_BYTES)
    head = bytearray(JOB.size)
    stdout.write(encode_reply({"id": 0, "ready": True, "pid": os.getpid()}))
    stdout.flush()
    done = 0
    while _read_into(stdin, memoryview(head)):
        header = decode_job(bytes(head))
        if header.forget:
            detector.forget(header.stream)
            continue
        view = memoryview(buffer)[: header.frame_bytes]
        if not _read_into(stdin, view):
            break
        frame = np.frombuffer(view, np.uint8).reshape(header.height, header.width, 3)
        started = time.process_time()
        try:
            analysis = analyse(
                detector,
                frame,
                detect_face=header.detect_face,
                face=header.face,
                stream=header.stream,
                follow=header.track,
            )
            if delay:
                time.sleep(delay)
            reply = {
                "id": header.job_id,
                "ok": True,
                "analysis": analysis.to_dict(),
                "cpu": time.process_time() - started,
            }
        except Exception as exc:  # one bad frame must not take the worker down
            reply = {"id": header.job_id, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
        stdout.write(encode_reply(reply))
        stdout.flush()
        done += 1
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SignDesk quality worker (speaks on stdin/out)")
    parser.add_argument("--model-complexity", type=int, choices=(0, 1), default=1)
    parser.add_argument("--detector", choices=("mediapipe", "null"), default="mediapipe")
    parser.add_argument("--redetect-every", type=int, default=REDETECT_EVERY)
    parser.add_argument("--max-streams", type=int, default=MAX_STREAMS)
    parser.add_argument("--nice", type=int, default=10, help="CPU priority to lower by")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="extra time per frame (tests)")
    args = parser.parse_args(argv)
    if args.nice:
        os.nice(args.nice)
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    stdout = sys.stdout.buffer
    try:
        detector: Detector = (
            MediaPipeDetector(
                DetectorConfig(
                    model_complexity=args.model_complexity,
                    redetect_every=max(1, args.redetect_every),
                    max_streams=max(1, args.max_streams),
                )
            )
            if args.detector == "mediapipe"
            else NullDetector()
        )
    except ImportError as exc:
        stdout.write(encode_reply({"id": 0, "ready": False, "error": f"{exc}"}))
        stdout.flush()
        return 3
    try:
        serve(detector, sys.stdin.buffer, stdout, args.delay_ms / 1000)
    finally:
        detector.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
