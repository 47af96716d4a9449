"""The session quality summary, the sampling policy and the worker wire format (no numpy)."""

from __future__ import annotations

import math

import pytest

from media.quality.hints import Hint
from media.quality.records import Box, FrameMetrics
from media.quality.sampling import LoadSample, SamplingPolicy, next_due, next_rate
from media.quality.summary import SessionSummary
from media.quality.wire import (
    JobHeader,
    WireError,
    decode_job,
    decode_reply,
    encode_job,
    encode_reply,
    reply_length,
)


def frame(hands: int = 1, brightness: float = 100.0) -> FrameMetrics:
    return FrameMetrics(
        width=320,
        height=240,
        hands=hands,
        hand_boxes=(),
        edge_distance=None,
        face=None,
        signer_size=0.15,
        signer_size_from="face",
        brightness=brightness,
        contrast=50.0,
        subject_brightness=brightness,
        sharpness=300.0,
    )


def test_summary_per_minute_and_in_total() -> None:
    summary = SessionSummary(started=1000.0)
    t = 1000.0
    # 90 s of caller frames at 5/s: dark (low_light shown) in the second half, signing all along.
    for i in range(450):
        t = 1000.0 + i * 0.2
        dark = i >= 225
        summary.add(
            "caller",
            t,
            frame(hands=1 if i % 2 else 0, brightness=40.0 if dark else 120.0),
            frozenset({Hint.LOW_LIGHT}) if dark else frozenset(),
            signing=True,
            received_fps=24.0,
            cropped=i % 10 == 0,
        )
    summary.finish(t + 0.2)
    data = summary.to_dict()
    caller = data["sides"]["caller"]
    total = caller["total"]
    assert total["frames"] == 450
    assert total["hands_visible_share"] == 0.5
    assert total["cropped_share"] == 0.1
    assert total["mean_brightness"] == pytest.approx(80.0)
    assert total["mean_received_fps"] == 24.0
    assert total["hints"]["low_light"]["raised"] == 1
    assert total["hints"]["low_light"]["seconds"] == pytest.approx(45.0, abs=0.01)
    assert data["signing_seconds"]["caller"] == pytest.approx(90.0, abs=0.01)
    minutes = caller["minutes"]
    assert [m["minute"] for m in minutes] == [0, 1]
    assert minutes[0]["frames"] == 300 and minutes[1]["frames"] == 150
    assert minutes[0]["hints"]["low_light"]["seconds"] == pytest.approx(15.0, abs=0.01)
    assert minutes[1]["hints"]["low_light"]["seconds"] == pytest.approx(30.0, abs=0.01)
    assert data["duration_seconds"] == pytest.approx(90.0)


def test_gaps_in_sampling_count_at_most_max_gap() -> None:
    summary = SessionSummary(started=0.0, max_gap=1.5)
    summary.add("interpreter", 0.0, frame(), frozenset({Hint.BLURRY}), True, None, False)
    summary.add("interpreter", 10.0, frame(), frozenset(), False, None, False)
    data = summary.to_dict()["sides"]["interpreter"]["total"]
    assert data["hints"]["blurry"]["seconds"] == 1.5
    assert data["signing_seconds"] == 1.5
    assert data["mean_received_fps"] is None


def test_sampling_backs_off_under_load_and_recovers() -> None:
    policy = SamplingPolicy(target_rate=5.0, min_rate=1.0)
    rate = 5.0
    for _ in range(20):
        rate = next_rate(rate, LoadSample(utilisation=1.0, dropped=3), policy)
    assert rate == 1.0
    rate = next_rate(rate, LoadSample(utilisation=0.8, dropped=0), policy)
    assert rate == 1.0  # between the marks: hold
    for _ in range(20):
        rate = next_rate(rate, LoadSample(utilisation=0.2, dropped=0), policy)
    assert rate == 5.0
    with pytest.raises(ValueError):
        SamplingPolicy(target_rate=1.0, min_rate=2.0)


def test_the_sampling_schedule_keeps_its_rate_and_does_not_burst() -> None:
    taken, due = [], 0.0
    for i in range(300):  # 30 fps for 10 s, sampled at 4/s
        now = i / 30
        if now >= due:
            taken.append(now)
            due = next_due(due, now, 4.0)
    assert len(taken) == 40
    assert next_due(1.0, 10.0, 5.0) == pytest.approx(10.1)  # after a stall: no catch-up burst


def test_job_and_reply_round_trip() -> None:
    header = JobHeader(7, 320, 240, True, Box(0.1, 0.2, 0.3, 0.4))
    back = decode_job(encode_job(header))
    assert (back.job_id, back.width, back.height, back.detect_face) == (7, 320, 240, True)
    assert back.face is not None and math.isclose(back.face.x1, 0.3, rel_tol=1e-6)
    assert decode_job(encode_job(JobHeader(8, 2, 2, False, None))).face is None
    wire = encode_reply({"id": 7, "ok": True})
    assert reply_length(wire[:4]) == len(wire) - 4
    assert decode_reply(wire[4:]) == {"id": 7, "ok": True}


def test_malformed_jobs_and_replies_are_refused() -> None:
    good = encode_job(JobHeader(1, 320, 240, False, None))
    with pytest.raises(WireError):
        decode_job(b"XXXX" + good[4:])
    with pytest.raises(WireError):
        decode_job(encode_job(JobHeader(1, 100_000, 100_000, False, None)))
    with pytest.raises(WireError):
        reply_length((1 << 30).to_bytes(4, "little"))
    with pytest.raises(WireError):
        decode_reply(b"[1, 2]")
