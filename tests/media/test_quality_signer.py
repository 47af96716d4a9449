"""Signing activity from synthetic hand landmarks, and the active signer with an injected clock."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from media.quality.activity import ActivityTracker, hand_motion
from media.quality.records import Hand
from media.quality.signer import ActiveSigner, SignerRules

W, H = 640, 480
STEP = 0.2  # 5 analyses per second, as the analyzer samples


def hand(cx: float, cy: float, size: float, label: str = "Right", jitter: float = 0.0) -> Hand:
    """21 landmarks shaped like an open hand of `size` (share of the frame height)."""
    rng = random.Random(round(cx * 1e6 + cy * 1e3))
    points: list[tuple[float, float, float]] = [(cx, cy + size / 2, 0.0)]  # wrist, at the bottom
    for finger in range(5):
        angle = math.radians(-60 + 30 * finger)
        for joint in range(1, 5):
            reach = size * (0.25 + 0.19 * joint)
            x = cx + math.sin(angle) * reach * H / W
            y = cy + size / 2 - math.cos(angle) * reach
            points.append((x + rng.gauss(0, jitter), y + rng.gauss(0, jitter), 0.0))
    return Hand(tuple(points), label, 0.9)


def signing_hand(t: float, size: float, x0: float = 0.4) -> Hand:
    """A hand moving about one hand size back and forth, at ~1.3 Hz (not aliased at 5 Hz)."""
    return hand(x0 + size * 0.9 * math.sin(2 * math.pi * 1.3 * t) * H / W, 0.5, size)


def run(tracker: ActivityTracker, hands_at: list[tuple[float, list[Hand]]]) -> list[float]:
    return [tracker.update(t, hs, W, H) for t, hs in hands_at]


def test_still_hands_are_not_active_and_moving_ones_are() -> None:
    rules = SignerRules()
    still = run(
        ActivityTracker(), [(i * STEP, [hand(0.5, 0.5, 0.2, jitter=0.002)]) for i in range(25)]
    )
    moving = run(ActivityTracker(), [(i * STEP, [signing_hand(i * STEP, 0.2)]) for i in range(25)])
    assert max(still) < rules.stop_level
    assert min(moving[10:]) > rules.start_level


def test_activity_is_normalised_by_hand_size() -> None:
    """The same signing, near (large hands) or far (small hands), gives the same activity."""
    near = run(ActivityTracker(), [(i * STEP, [signing_hand(i * STEP, 0.3)]) for i in range(25)])
    far = run(ActivityTracker(), [(i * STEP, [signing_hand(i * STEP, 0.08)]) for i in range(25)])
    assert math.isclose(near[-1], far[-1], rel_tol=0.05)


def test_no_hands_means_no_activity() -> None:
    assert hand_motion([hand(0.5, 0.5, 0.2)], [], STEP, W, H) == 0.0
    assert hand_motion([], [hand(0.5, 0.5, 0.2)], STEP, W, H) is None
    tracker = ActivityTracker()
    run(tracker, [(i * STEP, [signing_hand(i * STEP, 0.2)]) for i in range(20)])
    after = run(tracker, [(4.0 + i * STEP, []) for i in range(15)])
    assert after[-1] < 0.1


def test_hands_are_matched_by_label_not_by_order() -> None:
    left, right = hand(0.3, 0.5, 0.2, "Left"), hand(0.7, 0.5, 0.2, "Right")
    assert hand_motion([left, right], [right, left], STEP, W, H) == 0.0


def test_the_spotlight_follows_turns_and_ignores_short_pauses() -> None:
    signer = ActiveSigner()
    seen: list[tuple[float, str | None]] = []
    for i in range(100):
        t = i * STEP
        caller = 2.0 if (t < 8.0 and not 4.0 <= t < 4.6) else 0.0  # a 0.6 s pause mid-turn
        interp = 2.0 if t >= 10.0 else (2.0 if 5.0 <= t < 5.2 else 0.0)  # a 0.2 s nod at 5 s
        signer.update("caller", t, caller)
        active = signer.update("interpreter", t, interp)
        if not seen or seen[-1][1] != active:
            seen.append((round(t, 1), active))
    assert [a for _, a in seen] == [None, "caller", "interpreter"]
    assert seen[1][0] <= 0.6  # started after start_hold (0.4 s)
    assert 10.4 <= seen[2][0] <= 10.6
    assert signer.signing("interpreter") and not signer.signing("caller")


def test_when_nobody_signs_the_spotlight_stays_and_both_signing_keeps_the_first() -> None:
    signer = ActiveSigner()
    for i in range(30):
        signer.update("caller", i * STEP, 2.0 if i < 10 else 0.0)
        signer.update("interpreter", i * STEP, 0.0)
    assert signer.active == "caller" and not signer.signing("caller")
    for i in range(30, 60):
        signer.update("interpreter", i * STEP, 2.0)
        signer.update("caller", i * STEP, 2.0 if i >= 40 else 0.0)
    assert signer.active == "interpreter"  # the caller joined later; no jump


def test_a_pin_overrides_and_releases() -> None:
    signer = ActiveSigner()
    for i in range(10):
        signer.update("caller", i * STEP, 2.0)
    assert signer.pin("interpreter") == "interpreter"
    for i in range(10, 20):
        assert signer.update("caller", i * STEP, 2.0) == "interpreter"
    assert signer.pin(None) == "caller"
    assert signer.forget("caller") is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["caller", "interpreter", "third"]), st.floats(0, 4)),
        min_size=1,
        max_size=300,
    )
)
def test_the_spotlight_only_moves_to_someone_signing(seq: list[tuple[str, float]]) -> None:
    signer = ActiveSigner()
    before = None
    for i, (side, level) in enumerate(seq):
        active = signer.update(side, i * 0.1, level)
        if active != before:
            assert active is not None and signer.signing(active)
        before = active
