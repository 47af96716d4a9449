"""Signing activity from the motion of hand landmarks, normalised by hand size.

In the spirit of Moryossef et al. 2020 ("Real-Time Sign Language Detection using Human Pose
Estimation"), who detect signing from the frame-to-frame motion of pose landmarks normalised by
the shoulder width: here the landmarks are the 21 of each hand and the scale is the hand's own
size, so the number means "hand sizes moved per second" whatever the signer's distance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from media.quality.records import MIDDLE_MCP, WRIST, Hand


def hand_scale(hand: Hand, width: int, height: int) -> float:
    """Pixels per hand: the palm (wrist to middle knuckle), or half the box when foreshortened."""
    wrist, knuckle = hand.landmarks[WRIST], hand.landmarks[MIDDLE_MCP]
    palm = math.hypot((knuckle[0] - wrist[0]) * width, (knuckle[1] - wrist[1]) * height)
    return max(palm, 0.5 * hand.box().size_px(width, height), 1.0)


def _pairs(before: Sequence[Hand], after: Sequence[Hand]) -> list[tuple[Hand, Hand]]:
    """Match each hand with the same hand in the earlier frame: by label, else nearest wrist."""
    out: list[tuple[Hand, Hand]] = []
    left = list(before)
    for hand in after:
        same = [h for h in left if h.handedness == hand.handedness]
        pool = same or left
        if not pool:
            break
        w = hand.landmarks[WRIST]
        best = min(
            pool,
            key=lambda h: (h.landmarks[WRIST][0] - w[0]) ** 2 + (h.landmarks[WRIST][1] - w[1]) ** 2,
        )
        left.remove(best)
        out.append((best, hand))
    return out


def hand_motion(
    before: Sequence[Hand], after: Sequence[Hand], dt: float, width: int, height: int
) -> float | None:
    """Hand sizes per second moved by the most active hand between two frames `dt` apart.

    None when it cannot be told (no earlier hands to compare with, or no time passed); 0.0 when
    no hand is visible now, since a signer without hands in view is not signing to the camera.
    """
    if not after:
        return 0.0
    if dt <= 0:
        return None
    pairs = _pairs(before, after)
    if not pairs:
        return None
    best = 0.0
    for old, new in pairs:
        scale = hand_scale(new, width, height)
        moved = sum(
            math.hypot((b[0] - a[0]) * width, (b[1] - a[1]) * height)
            for a, b in zip(old.landmarks, new.landmarks, strict=False)
        ) / len(new.landmarks)
        best = max(best, moved / scale / dt)
    return best


@dataclass(frozen=True, slots=True)
class ActivityRules:
    time_constant: float = 0.6  # seconds of smoothing (landmarks jitter; signs last ~0.5 s)
    max_gap: float = 1.5  # frames further apart than this are not compared


@dataclass(slots=True)
class ActivityTracker:
    """Smoothed signing activity of one side, fed with each analysed frame's hands."""

    rules: ActivityRules = field(default_factory=ActivityRules)
    level: float = 0.0
    _hands: tuple[Hand, ...] = ()
    _at: float | None = None
    _size: tuple[int, int] = (0, 0)

    def update(self, now: float, hands: Sequence[Hand], width: int, height: int) -> float:
        """Fold in one frame's hands; return the smoothed activity (hand sizes per second)."""
        raw: float | None = None
        if (
            self._at is not None
            and now - self._at <= self.rules.max_gap
            and (self._size == (width, height))
        ):
            raw = hand_motion(self._hands, hands, now - self._at, width, height)
        elif not hands:
            raw = 0.0
        if raw is not None:
            dt = now - self._at if self._at is not None else self.rules.time_constant
            alpha = 1.0 - math.exp(-max(dt, 0.0) / self.rules.time_constant)
            self.level += alpha * (raw - self.level)
        self._hands, self._at, self._size = tuple(hands), now, (width, height)
        return self.level
