"""Video mode: each side's hands followed from frame to frame, and the streams that carry it.

The tracker's bookkeeping (when it follows, when it detects in full, how many streams it keeps)
is tested with stand-in graphs; one test runs the real MediaPipe models on a stream made from
the hand photos and checks that the hints come out as in static-image mode.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import IN_CI, skip_or_fail

if importlib.util.find_spec("mediapipe") is None:
    if IN_CI:
        pytest.fail("required in CI: mediapipe (the `quality` extra)", pytrace=False)
    pytest.skip("mediapipe (the `quality` extra) is not installed", allow_module_level=True)

import numpy as np

import media.quality.analyzer as analyzer_module
from media.quality.analyzer import Analyzer, AnalyzerConfig
from media.quality.detector import (
    DetectorConfig,
    HandTracker,
    MediaPipeDetector,
    NullDetector,
    analyse,
)
from media.quality.hints import evaluate_frame
from media.quality.records import Box, Hand
from media.quality.sampling import SamplingPolicy
from media.quality.wire import (
    JOB,
    JobHeader,
    decode_job,
    decode_reply,
    encode_job,
    forget_job,
    reply_length,
)
from media.quality.worker import serve
from media.testsource import photo_frames

HANDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hands"
FRAME = np.full((240, 320, 3), 128, np.uint8)


def landmarks(x: float) -> Any:
    """A stand-in for MediaPipe's landmark list: a hand 0.1 wide at x."""
    points = [SimpleNamespace(x=x + 0.1 * (i % 2), y=0.4 + 0.01 * i, z=0.0) for i in range(21)]
    return SimpleNamespace(landmark=points)


@dataclass
class FakeFull:
    """The full-detection graph: finds `hands` hands, counts its calls."""

    hands: int = 1
    calls: int = 0

    def process(self, frame: Any) -> Any:
        self.calls += 1
        found = [landmarks(0.2 + 0.4 * i) for i in range(self.hands)]
        return SimpleNamespace(
            multi_hand_landmarks=found or None,
            multi_handedness=None,
            hand_rects_from_landmarks=[f"roi{i}" for i in range(self.hands)] or None,
        )


@dataclass
class FakeFollow:
    """The landmark graph on a region: follows while `lost` is False, counts its calls."""

    lost: bool = False
    calls: int = 0

    def process(self, inputs: dict[str, Any]) -> Any:
        self.calls += 1
        if self.lost:
            return SimpleNamespace(landmarks=None, handedness=None, next_roi=None)
        x = 0.2 + 0.4 * int(str(inputs["roi"])[3:])
        return SimpleNamespace(landmarks=landmarks(x), handedness=None, next_roi=inputs["roi"])

    def close(self) -> None:
        return None


def tracker(**changes: Any) -> tuple[HandTracker, FakeFull, FakeFollow]:
    full, follow = FakeFull(), FakeFollow()
    return HandTracker(full, DetectorConfig(**changes), follow), full, follow


def test_a_stream_is_followed_and_detected_in_full_every_few_frames() -> None:
    track, full, follow = tracker(redetect_every=5)
    counts = [len(track.hands(FRAME, 4, True)) for _ in range(10)]
    assert counts == [1] * 10
    assert full.calls == 2  # frames 0 and 5
    assert follow.calls == 8


def test_streams_that_start_together_are_detected_in_full_on_different_frames() -> None:
    track, full, _ = tracker(redetect_every=5)
    second_full: dict[int, int] = {}
    for frame in range(6):
        for stream in range(1, 6):
            before = full.calls
            track.hands(FRAME, stream, True)
            if frame and full.calls > before and stream not in second_full:
                second_full[stream] = frame
    assert sorted(second_full.values()) == [1, 2, 3, 4, 5]


def test_a_lost_hand_or_a_frame_seen_elsewhere_is_detected_in_full() -> None:
    track, full, follow = tracker(redetect_every=100)  # stream 99: 99 follows first
    track.hands(FRAME, 99, True)
    track.hands(FRAME, 99, True)
    assert (full.calls, follow.calls) == (1, 1)
    follow.lost = True
    assert len(track.hands(FRAME, 99, True)) == 1  # the same frame, detected in full
    assert (full.calls, follow.calls) == (2, 2)
    follow.lost = False
    track.hands(FRAME, 99, False)  # the previous frame went to another worker
    assert (full.calls, follow.calls) == (3, 2)


def test_two_hands_are_followed_without_the_palm_detector() -> None:
    track, full, follow = tracker(redetect_every=100)  # stream 99: 99 follows first
    full.hands = 2
    for _ in range(4):
        assert len(track.hands(FRAME, 99, True)) == 2
    assert (full.calls, follow.calls) == (1, 6)


def test_no_hand_means_a_full_detection_every_frame() -> None:
    track, full, follow = tracker()
    full.hands = 0
    for _ in range(3):
        assert track.hands(FRAME, 1, True) == ()
    assert (full.calls, follow.calls) == (3, 0)


def test_the_tracks_are_bounded_and_forgotten() -> None:
    track, full, _ = tracker(max_streams=2)
    for stream in (1, 2, 3):
        track.hands(FRAME, stream, True)
    assert track.streams == 2  # stream 1, the least recently seen, went
    track.hands(FRAME, 1, True)
    assert full.calls == 4  # stream 1 started again from a full detection
    track.forget(1)
    track.forget(99)
    assert track.streams == 1


def test_stream_jobs_and_forget_messages_round_trip() -> None:
    header = JobHeader(5, 320, 240, False, Box(0.1, 0.2, 0.3, 0.4), stream=77, track=True)
    back = decode_job(encode_job(header))
    assert (back.stream, back.track, back.forget, back.frame_bytes) == (77, True, False, 230400)
    gone = decode_job(encode_job(forget_job(77)))
    assert (gone.stream, gone.forget, gone.frame_bytes) == (77, True, 0)


class RecordingDetector(NullDetector):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool]] = []

    def hands(self, frame: Any) -> tuple[Hand, ...]:
        self.calls.append(("hands", 0, False))
        return ()

    def track(self, frame: Any, stream: int, follow: bool) -> tuple[Hand, ...]:
        self.calls.append(("track", stream, follow))
        return ()

    def forget(self, stream: int) -> None:
        self.calls.append(("forget", stream, False))


def test_the_worker_tracks_streams_and_forgets_them() -> None:
    pixels = FRAME.tobytes()
    jobs = (
        encode_job(JobHeader(1, 320, 240, True, None)) + pixels  # a lone image
        + encode_job(JobHeader(2, 320, 240, False, None, stream=9)) + pixels
        + encode_job(JobHeader(3, 320, 240, False, None, stream=9, track=True)) + pixels
        + encode_job(forget_job(9))
    )  # fmt: skip
    detector = RecordingDetector()
    out = io.BytesIO()
    assert serve(detector, io.BytesIO(jobs), out) == 3
    assert detector.calls == [
        ("hands", 0, False),
        ("track", 9, False),
        ("track", 9, True),
        ("forget", 9, False),
    ]
    data, replies = out.getvalue(), []
    while data:
        length = reply_length(data[:4])
        replies.append(decode_reply(data[4 : 4 + length]))
        data = data[4 + length :]
    assert [r["id"] for r in replies] == [0, 1, 2, 3]  # "ready", then one per frame


async def test_the_analyzer_follows_a_side_on_its_worker_and_forgets_it_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[JobHeader] = []

    def recording(header: JobHeader) -> bytes:
        sent.append(header)
        return encode_job(header)

    monkeypatch.setattr(analyzer_module, "encode_job", recording)
    every = SamplingPolicy(target_rate=1000.0, min_rate=1000.0)
    analyzer = Analyzer(AnalyzerConfig(workers=1, detector="null", sampling=every))
    assert (await analyzer.start()).enabled
    try:
        for expected in range(1, 4):
            await analyzer.submit("s1", "caller", FRAME)
            await analyzer.submit("s1", "interpreter", FRAME)
            for _ in range(500):
                if analyzer.stats.analysed >= 2 * expected:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.002)  # the next frame is due
        frames = [h for h in sent if not h.forget]
        streams = {h.stream for h in frames}
        assert len(streams) == 2 and 0 not in streams
        for stream in streams:
            assert [h.track for h in frames if h.stream == stream] == [False, True, True]
        analyzer.end_session("s1")
        assert {h.stream for h in sent if h.forget} == streams
    finally:
        await analyzer.close()


def test_followed_hands_give_the_same_hints_as_static_detection() -> None:
    """A stream made from the photos (a new photo every second at 5 frames/s, a slight pan),
    320x240 as the leg sends it, the analyzer's lite model: tracking changes the per-frame hints
    in at most 5% of the frames (a second hand is found at the next full detection, within
    5 frames) and finds nearly as many hands."""
    if not HANDS.is_dir():
        skip_or_fail(f"hand photos not found at {HANDS}")
    photos = sorted(HANDS.glob("*.jpg"))
    frames = [
        np.asarray(f, np.uint8)
        for f in photo_frames(
            photos,
            width=320,
            height=240,
            fps=5,
            seconds_per_photo=1.0,
            total_frames=5 * len(photos),
            counter=False,
        )
    ]
    detector = MediaPipeDetector(DetectorConfig(model_complexity=0))
    try:
        same, static_hands, tracked_hands = 0, 0, 0
        face: Box | None = None
        for i, frame in enumerate(frames):
            if i % 5 == 0:
                face = detector.face(frame)
            alone = analyse(detector, frame, detect_face=False, face=face)
            followed = analyse(detector, frame, detect_face=False, face=face, stream=1, follow=True)
            static_hands += len(alone.hands)
            tracked_hands += len(followed.hands)
            same += evaluate_frame(alone.metrics) == evaluate_frame(followed.metrics)
        assert detector.tracked_streams == 1
    finally:
        detector.close()
    assert same >= 0.95 * len(frames), (same, len(frames))
    assert tracked_hands >= 0.95 * static_hands, (tracked_hands, static_hands)


def test_job_header_size_is_fixed() -> None:
    assert JOB.size == len(encode_job(forget_job(1)))


async def test_with_two_workers_sides_mostly_stay_on_their_worker_and_none_starves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[JobHeader] = []

    def recording(header: JobHeader) -> bytes:
        sent.append(header)
        return encode_job(header)

    monkeypatch.setattr(analyzer_module, "encode_job", recording)
    every = SamplingPolicy(target_rate=1000.0, min_rate=1000.0)
    config = AnalyzerConfig(workers=2, detector="null", sampling=every, delay_ms=10)
    analyzer = Analyzer(config)
    assert (await analyzer.start()).enabled
    try:
        for _ in range(60):
            for s in range(6):
                await analyzer.submit(f"s{s}", "caller", FRAME)
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        views = [analyzer.view(f"s{s}") for s in range(6)]
        assert all(v is not None and v.sides["caller"].analysed >= 5 for v in views)
        frames = [h for h in sent if not h.forget]
        followed = sum(h.track for h in frames)
        assert followed >= 0.5 * len(frames), (followed, len(frames))
    finally:
        await analyzer.close()
