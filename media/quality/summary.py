"""The quality summary a session's record keeps: per minute and for the whole session, per side.

Counts come from analysed frames; durations (hints shown, signing) are integrated between a
side's consecutive samples, each state lasting until the next sample but at most `max_gap`
seconds, and split across minute boundaries. `to_dict()` is plain JSON for the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from media.quality.hints import Hint, ordered
from media.quality.records import FrameMetrics

MAX_MINUTES = 24 * 60  # minute rows kept per side; later time still counts in the totals


@dataclass(slots=True)
class Tally:
    """Sums for one side over some span (a minute, or the whole session)."""

    frames: int = 0
    with_hands: int = 0
    cropped: int = 0
    brightness_sum: float = 0.0
    fps_sum: float = 0.0
    fps_count: int = 0
    signing_seconds: float = 0.0
    hint_seconds: dict[str, float] = field(default_factory=dict)
    hints_raised: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        frames = self.frames or 1
        return {
            "frames": self.frames,
            "hands_visible_share": round(self.with_hands / frames, 4) if self.frames else None,
            "cropped_share": round(self.cropped / frames, 4) if self.frames else None,
            "mean_brightness": round(self.brightness_sum / frames, 2) if self.frames else None,
            "mean_received_fps": (
                round(self.fps_sum / self.fps_count, 2) if self.fps_count else None
            ),
            "signing_seconds": round(self.signing_seconds, 2),
            "hints": {
                code: {
                    "raised": self.hints_raised.get(code, 0),
                    "seconds": round(self.hint_seconds.get(code, 0.0), 2),
                }
                for code in [h.value for h in ordered(set(Hint))]
                if code in self.hint_seconds or code in self.hints_raised
            },
        }


@dataclass(slots=True)
class _Side:
    total: Tally = field(default_factory=Tally)
    minutes: dict[int, Tally] = field(default_factory=dict)
    last_at: float | None = None
    last_hints: frozenset[Hint] = frozenset()
    last_signing: bool = False


@dataclass(slots=True)
class SessionSummary:
    """Accumulates one session's quality numbers; times are monotonic seconds."""

    started: float
    max_gap: float = 1.5
    ended: float | None = None
    _sides: dict[str, _Side] = field(default_factory=dict)

    def _minute(self, side: _Side, at: float) -> Tally | None:
        index = int(max(0.0, at - self.started) // 60)
        if index >= MAX_MINUTES:
            return None
        return side.minutes.setdefault(index, Tally())

    def _spread(self, side: _Side, start: float, end: float) -> None:
        """Credit the state held since the last sample to the minutes it covers."""
        at = start
        while at < end:
            minute_end = self.started + (int(max(0.0, at - self.started) // 60) + 1) * 60
            step = min(end, minute_end) - at
            for tally in (side.total, self._minute(side, at)):
                if tally is None:
                    continue
                if side.last_signing:
                    tally.signing_seconds += step
                for hint in side.last_hints:
                    tally.hint_seconds[hint.value] = tally.hint_seconds.get(hint.value, 0.0) + step
            at += step

    def add(
        self,
        side_name: str,
        at: float,
        metrics: FrameMetrics,
        hints: frozenset[Hint],
        signing: bool,
        received_fps: float | None,
        cropped: bool,
    ) -> None:
        """One analysed frame of `side_name` at `at`, with the hints shown after it."""
        side = self._sides.setdefault(side_name, _Side())
        if side.last_at is not None and at > side.last_at:
            self._spread(side, side.last_at, min(at, side.last_at + self.max_gap))
        raised = hints - side.last_hints
        for tally in (side.total, self._minute(side, at)):
            if tally is None:
                continue
            tally.frames += 1
            tally.with_hands += metrics.hands > 0
            tally.cropped += cropped
            tally.brightness_sum += metrics.brightness
            if received_fps is not None:
                tally.fps_sum += received_fps
                tally.fps_count += 1
            for hint in raised:
                tally.hints_raised[hint.value] = tally.hints_raised.get(hint.value, 0) + 1
                tally.hint_seconds.setdefault(hint.value, 0.0)
        side.last_at, side.last_hints, side.last_signing = at, hints, signing

    def finish(self, at: float) -> None:
        """Close the session: the last state of each side counts up to `at` (within max_gap)."""
        for side in self._sides.values():
            if side.last_at is not None and at > side.last_at:
                self._spread(side, side.last_at, min(at, side.last_at + self.max_gap))
                side.last_at = at
        self.ended = at

    def to_dict(self) -> dict[str, Any]:
        end = self.ended
        if end is None:
            end = max((s.last_at for s in self._sides.values() if s.last_at), default=None)
        return {
            "duration_seconds": round(max(0.0, (end or self.started) - self.started), 2),
            "signing_seconds": {
                name: round(s.total.signing_seconds, 2) for name, s in sorted(self._sides.items())
            },
            "sides": {
                name: {
                    "total": s.total.to_dict(),
                    "minutes": [{"minute": i, **t.to_dict()} for i, t in sorted(s.minutes.items())],
                }
                for name, s in sorted(self._sides.items())
            },
        }
