"""Hint codes, the per-frame rules that raise them, and the engine that keeps them from flickering.

`evaluate_frame` is stateless: what one frame (a photo, say) would raise. `HintEngine` takes those
conditions over time and shows a hint only once it has held for most of the last `hold` seconds,
and clears it only once it has been gone for most of them. The thresholds were chosen on the 20
hand photos in `shared/data/hands`; `docs/quality.md` lists the measured values behind each one.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from media.quality.records import FrameMetrics


class Hint(StrEnum):
    """Fixed codes; the pages translate them. The order here is the order they are listed in."""

    HANDS_CROPPED = "hands_cropped"
    LOW_LIGHT = "low_light"
    TOO_FAR = "too_far"
    TOO_CLOSE = "too_close"
    BLURRY = "blurry"
    LOW_FRAME_RATE = "low_frame_rate"
    LOW_RESOLUTION = "low_resolution"


HINT_ORDER = {hint: i for i, hint in enumerate(Hint)}


def ordered(hints: frozenset[Hint] | set[Hint]) -> list[Hint]:
    return sorted(hints, key=HINT_ORDER.__getitem__)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where each hint starts; see docs/quality.md for the values measured on the photo set."""

    edge_margin: float = 0.02  # a hand box this close to an edge (share of the frame) touches it
    min_subject_brightness: float = 66.0  # median luma of the signing space, 0-255
    min_signer_size: float = 0.058  # face height / frame height
    max_signer_size: float = 0.34
    min_sharpness: float = 40.0  # variance of the Laplacian at 240 lines
    min_fps: float = 20.0
    min_width: int = 320
    min_height: int = 240


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What the media leg knows about the received stream (not the sampled copy it analyses)."""

    received_fps: float | None = None
    resolution: tuple[int, int] | None = None  # width, height
    # The analysed frame is a scaled-down copy (direct mode's media leg): without `resolution`
    # nothing is known about the call's resolution, and `low_resolution` is not raised.
    frame_is_copy: bool = False


def evaluate_frame(
    metrics: FrameMetrics, stream: StreamInfo | None = None, limits: Thresholds | None = None
) -> frozenset[Hint]:
    """The hints this one frame raises, with no memory of earlier frames."""
    t = limits or Thresholds()
    out: set[Hint] = set()
    if metrics.edge_distance is not None and metrics.edge_distance < t.edge_margin:
        out.add(Hint.HANDS_CROPPED)
    if metrics.subject_brightness < t.min_subject_brightness:
        out.add(Hint.LOW_LIGHT)
    if metrics.sharpness < t.min_sharpness:
        out.add(Hint.BLURRY)
    if metrics.signer_size is not None:
        if metrics.signer_size < t.min_signer_size:
            out.add(Hint.TOO_FAR)
        elif metrics.signer_size > t.max_signer_size:
            out.add(Hint.TOO_CLOSE)
    elif not out:
        # Neither a face nor a hand in a lit, sharp frame: the signer is too small to be found
        # (or not there at all); either way, coming closer is the advice.
        out.add(Hint.TOO_FAR)
    fps = stream.received_fps if stream else None
    if fps is not None and fps < t.min_fps:
        out.add(Hint.LOW_FRAME_RATE)
    width, height = stream.resolution if stream and stream.resolution else (0, 0)
    if not width or not height:
        if stream is not None and stream.frame_is_copy:
            return frozenset(out)
        width, height = metrics.width, metrics.height
    # A portrait stream (240x320) is as good as a landscape one: compare short and long sides.
    if min(width, height) < min(t.min_width, t.min_height) or max(width, height) < max(
        t.min_width, t.min_height
    ):
        out.add(Hint.LOW_RESOLUTION)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class HysteresisRules:
    """A hint shows after holding `share` of the last `hold` s, and clears after being gone as long.

    Each sample's conditions are taken to last until the next sample, but at most `max_gap`
    seconds: when sampling stalls the engine knows nothing about the gap and changes nothing.
    Once shown, a hint stays at least (2 * share - 1) * hold seconds (1.6 s by default), and the
    same holds after it clears, however irregular the samples are.
    """

    hold: float = 2.0
    share: float = 0.9
    max_gap: float = 1.5
    max_samples: int = 128


@dataclass(slots=True)
class HintEngine:
    """Shown hints of one video side, updated from a stream of timestamped condition sets."""

    rules: HysteresisRules = field(default_factory=HysteresisRules)
    active: frozenset[Hint] = frozenset()
    _samples: deque[tuple[float, frozenset[Hint]]] = field(default_factory=deque)

    def update(self, now: float, conditions: frozenset[Hint]) -> frozenset[Hint]:
        """Add the conditions seen at `now` (monotonic seconds) and return the shown hints."""
        if self._samples and now < self._samples[-1][0]:
            raise ValueError("samples must come in time order")
        self._samples.append((now, conditions))
        horizon = now - self.rules.hold - self.rules.max_gap
        while len(self._samples) > self.rules.max_samples or (
            len(self._samples) > 1 and self._samples[0][0] < horizon
        ):
            self._samples.popleft()
        present, absent = self._durations(now)
        need = self.rules.share * self.rules.hold - 1e-9
        shown = set(self.active)
        for hint in Hint:
            if hint in shown and absent.get(hint, 0.0) >= need:
                shown.discard(hint)
            elif hint not in shown and present.get(hint, 0.0) >= need:
                shown.add(hint)
        self.active = frozenset(shown)
        return self.active

    def _durations(self, now: float) -> tuple[dict[Hint, float], dict[Hint, float]]:
        """Seconds of the last `hold` during which each hint was known present, and absent."""
        start = now - self.rules.hold
        present: dict[Hint, float] = {}
        absent: dict[Hint, float] = {}
        samples = list(self._samples)
        for (t, conditions), (t_next, _) in itertools.pairwise(samples):
            end = min(t_next, t + self.rules.max_gap)
            span = min(end, now) - max(t, start)
            if span <= 0 or math.isnan(span):
                continue
            for hint in Hint:
                bucket = present if hint in conditions else absent
                bucket[hint] = bucket.get(hint, 0.0) + span
        return present, absent
