"""Hint rules per frame, and the engine's hysteresis on synthetic condition sequences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media.quality.hints import (
    Hint,
    HintEngine,
    HysteresisRules,
    StreamInfo,
    Thresholds,
    evaluate_frame,
)
from media.quality.records import Box, FrameMetrics

FACE = Box(0.45, 0.2, 0.55, 0.35)  # 0.15 of the frame height: well framed


def metrics(**changes: object) -> FrameMetrics:
    values: dict[str, object] = {
        "width": 640,
        "height": 480,
        "hands": 1,
        "hand_boxes": (Box(0.3, 0.4, 0.45, 0.6),),
        "edge_distance": 0.3,
        "face": FACE,
        "signer_size": 0.15,
        "signer_size_from": "face",
        "brightness": 130.0,
        "contrast": 60.0,
        "subject_brightness": 120.0,
        "sharpness": 500.0,
    }
    values.update(changes)
    return FrameMetrics(**values)  # type: ignore[arg-type]


def test_a_good_frame_raises_nothing() -> None:
    assert evaluate_frame(metrics(), StreamInfo(25.0, (640, 480))) == frozenset()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"edge_distance": 0.019}, Hint.HANDS_CROPPED),
        ({"edge_distance": -0.1}, Hint.HANDS_CROPPED),
        ({"subject_brightness": 65.0}, Hint.LOW_LIGHT),
        ({"signer_size": 0.05}, Hint.TOO_FAR),
        ({"signer_size": 0.4}, Hint.TOO_CLOSE),
        ({"sharpness": 39.0}, Hint.BLURRY),
        ({"width": 319, "height": 240}, Hint.LOW_RESOLUTION),
    ],
)
def test_each_rule(changes: dict[str, object], expected: Hint) -> None:
    assert evaluate_frame(metrics(**changes)) == {expected}


def test_thresholds_are_inclusive_on_the_good_side() -> None:
    t = Thresholds()
    edge = metrics(
        edge_distance=t.edge_margin,
        subject_brightness=t.min_subject_brightness,
        signer_size=t.min_signer_size,
        sharpness=t.min_sharpness,
    )
    assert evaluate_frame(edge, StreamInfo(t.min_fps, (t.min_width, t.min_height))) == frozenset()


def test_frame_rate_and_resolution_come_from_the_stream() -> None:
    assert evaluate_frame(metrics(), StreamInfo(19.9)) == {Hint.LOW_FRAME_RATE}
    assert evaluate_frame(metrics(), StreamInfo(None)) == frozenset()
    # The analysed copy may be small (320x240 in direct mode); the call's stream decides.
    small_copy = metrics(width=160, height=120)
    assert evaluate_frame(small_copy, StreamInfo(30.0, (640, 480))) == frozenset()
    assert evaluate_frame(metrics(), StreamInfo(30.0, (320, 180))) == {Hint.LOW_RESOLUTION}
    assert evaluate_frame(metrics(width=240, height=320)) == frozenset()  # portrait is fine
    # A scaled-down copy with no received size from the pages says nothing about resolution.
    copy = StreamInfo(30.0, None, frame_is_copy=True)
    assert evaluate_frame(metrics(width=320, height=180), copy) == frozenset()
    sized = StreamInfo(30.0, (320, 180), frame_is_copy=True)
    assert evaluate_frame(metrics(width=320, height=180), sized) == {Hint.LOW_RESOLUTION}


def test_nobody_found_in_a_good_frame_means_too_far() -> None:
    nobody = {"hands": 0, "hand_boxes": (), "edge_distance": None, "face": None}
    assert evaluate_frame(metrics(signer_size=None, **nobody)) == {Hint.TOO_FAR}
    dark = metrics(signer_size=None, subject_brightness=30.0, **nobody)
    assert evaluate_frame(dark) == {Hint.LOW_LIGHT}


def feed(engine: HintEngine, start: float, end: float, on: bool, step: float = 0.2) -> list[float]:
    """Sample every `step` s in [start, end); return the times the hint was shown after."""
    shown: list[float] = []
    t = start
    while t < end - 1e-9:
        active = engine.update(t, frozenset({Hint.LOW_LIGHT}) if on else frozenset())
        if Hint.LOW_LIGHT in active:
            shown.append(round(t, 3))
        t += step
    return shown


def test_a_hint_shows_after_about_two_seconds_and_clears_as_late() -> None:
    engine = HintEngine()
    assert feed(engine, 0.0, 10.0, on=False) == []
    shown = feed(engine, 10.0, 15.0, on=True)
    assert shown and 11.7 <= shown[0] <= 12.0
    still = feed(engine, 15.0, 20.0, on=False)
    assert still and 16.5 <= still[-1] < 17.0
    assert engine.active == frozenset()


def test_a_flickering_condition_never_shows() -> None:
    engine = HintEngine()
    for i in range(100):
        engine.update(i * 0.2, frozenset({Hint.BLURRY}) if i % 2 else frozenset())
        assert engine.active == frozenset()


def test_sparse_samples_decide_nothing() -> None:
    engine = HintEngine()
    for i in range(10):  # one sample every 3 s: each covers at most max_gap (1.5 s)
        assert engine.update(i * 3.0, frozenset({Hint.TOO_FAR})) == frozenset()


def test_samples_must_come_in_order() -> None:
    engine = HintEngine()
    engine.update(5.0, frozenset())
    with pytest.raises(ValueError):
        engine.update(4.0, frozenset())


samples = st.lists(st.tuples(st.floats(0.01, 1.0), st.booleans()), min_size=1, max_size=200)


@settings(max_examples=200, deadline=None)
@given(samples)
def test_a_shown_hint_stays_and_a_cleared_one_stays_away(seq: list[tuple[float, bool]]) -> None:
    """However irregular the samples, toggles are at least (2 * share - 1) * hold apart."""
    rules = HysteresisRules()
    engine = HintEngine(rules)
    t, last_toggle, was = 0.0, None, False
    for dt, on in seq:
        t += dt
        now_shown = Hint.LOW_LIGHT in engine.update(
            t, frozenset({Hint.LOW_LIGHT}) if on else frozenset()
        )
        if now_shown != was:
            if last_toggle is not None:
                assert t - last_toggle >= (2 * rules.share - 1) * rules.hold - 1e-6
            last_toggle, was = t, now_shown


@settings(max_examples=200, deadline=None)
@given(samples, st.lists(st.floats(0.01, 1.0), min_size=1, max_size=60))
def test_a_steady_condition_shows_and_an_absent_one_never_does(
    before: list[tuple[float, bool]], steady: list[float]
) -> None:
    """Whatever came before, 2.5 s of a steady condition (no gap over max_gap) shows it."""
    engine = HintEngine()
    t = 0.0
    for dt, on in before:
        t += dt
        shown = engine.update(t, frozenset({Hint.BLURRY}) if on else frozenset())
        assert Hint.TOO_FAR not in shown  # never raised, never shown
    steps = iter(steady)
    t += next(steps)
    end = t + 2.5
    engine.update(t, frozenset({Hint.BLURRY}))
    while t < end:
        t += next(steps, 0.5)
        engine.update(t, frozenset({Hint.BLURRY}))
    assert Hint.BLURRY in engine.active
