"""The only module that touches MediaPipe: hands (and a face for scale) found in one RGB frame.

MediaPipe 0.10.21's legacy solutions ship their models inside the wheel, so nothing is fetched at
run time. Hands run in static-image mode: frames of many sessions share one detector, so there is
no track to follow from one frame to the next. The face detector is the full-range model, which
still finds the face of a signer standing across the room (the short-range one does not).
mediapipe is imported when a detector is made, never at module import.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from media.quality import QUIET_ENV
from media.quality.metrics import Frame, frame_metrics
from media.quality.records import Box, FrameAnalysis, Hand

TILE_SPAN = 0.6  # four tiles of 60% x 60% overlap by a fifth of the frame
REFINE_BELOW = 0.15  # faces smaller than this share of the frame height are measured again
REFINE_CROP = 4.0  # in a square crop this many face heights wide


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    model_complexity: int = 1  # 1: the full hand model; 0: lite (cheaper, fewer hands found)
    max_hands: int = 2
    min_hand_confidence: float = 0.5
    min_face_confidence: float = 0.5


class Detector(Protocol):
    def hands(self, frame: Frame) -> tuple[Hand, ...]: ...

    def face(self, frame: Frame) -> Box | None: ...

    def close(self) -> None: ...


class MediaPipeDetector:
    """MediaPipe Hands plus full-range face detection; one per process, not thread-safe."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        for key, value in QUIET_ENV.items():
            os.environ.setdefault(key, value)
        hands_api: Any = importlib.import_module("mediapipe.python.solutions.hands")
        face_api: Any = importlib.import_module("mediapipe.python.solutions.face_detection")
        self._hands: Any = hands_api.Hands(
            static_image_mode=True,
            max_num_hands=self.config.max_hands,
            model_complexity=self.config.model_complexity,
            min_detection_confidence=self.config.min_hand_confidence,
        )
        self._face: Any = face_api.FaceDetection(
            model_selection=1, min_detection_confidence=self.config.min_face_confidence
        )

    def hands(self, frame: Frame) -> tuple[Hand, ...]:
        result = self._hands.process(frame)
        found = result.multi_hand_landmarks or []
        labels = result.multi_handedness or []
        out: list[Hand] = []
        for i, landmarks in enumerate(found):
            label, score = "Unknown", 0.0
            if i < len(labels):
                best = labels[i].classification[0]
                label, score = str(best.label), float(best.score)
            points = tuple((float(p.x), float(p.y), float(p.z)) for p in landmarks.landmark)
            out.append(Hand(points, label, score))
        return tuple(out)

    def face(self, frame: Frame) -> Box | None:
        """The largest face, if any (a signer in front of others is the nearest one).

        The detector sees the frame at 192x192, where a far face is a few pixels: its box comes
        out too large, or the face is missed. So a small face is measured again in a crop around
        it, and when none is found the frame is searched again in four overlapping tiles.
        """
        height, width = frame.shape[:2]
        found = self._faces_in(frame, Box(0.0, 0.0, 1.0, 1.0))
        if not found:
            span = TILE_SPAN
            for ty in (0.0, 1.0 - span):
                for tx in (0.0, 1.0 - span):
                    found += self._faces_in(frame, Box(tx, ty, tx + span, ty + span))
        if not found:
            return None
        best = max(found, key=lambda b: b.y1 - b.y0)
        size = best.y1 - best.y0
        if size >= REFINE_BELOW:
            return best
        side = REFINE_CROP * size * height
        cx, cy = (best.x0 + best.x1) / 2 * width, (best.y0 + best.y1) / 2 * height
        crop = Box(
            (cx - side / 2) / width,
            (cy - side / 2) / height,
            (cx + side / 2) / width,
            (cy + side / 2) / height,
        )
        again = self._faces_in(frame, crop)
        if not again:
            return best
        return min(
            again,
            key=lambda b: (
                ((b.x0 + b.x1) / 2 * width - cx) ** 2 + ((b.y0 + b.y1) / 2 * height - cy) ** 2
            ),
        )

    def _faces_in(self, frame: Frame, region: Box) -> list[Box]:
        """Faces found in `region` of the frame, in whole-frame coordinates."""
        height, width = frame.shape[:2]
        c = region.clipped()
        x0, y0 = int(c.x0 * width), int(c.y0 * height)
        x1, y1 = int(c.x1 * width), int(c.y1 * height)
        if x1 - x0 < 8 or y1 - y0 < 8:
            return []
        part = frame if (x0, y0, x1, y1) == (0, 0, width, height) else frame[y0:y1, x0:x1]
        result = self._face.process(np.ascontiguousarray(part))
        out: list[Box] = []
        cw, ch = x1 - x0, y1 - y0
        for detection in result.detections or []:
            b = detection.location_data.relative_bounding_box
            bx, by = float(b.xmin), float(b.ymin)
            bw, bh = float(b.width), float(b.height)
            out.append(
                Box(
                    (x0 + bx * cw) / width,
                    (y0 + by * ch) / height,
                    (x0 + (bx + bw) * cw) / width,
                    (y0 + (by + bh) * ch) / height,
                )
            )
        return out

    def close(self) -> None:
        self._hands.close()
        self._face.close()


class NullDetector:
    """Finds nothing: for measuring the pipeline's own cost and for tests of the plumbing."""

    def hands(self, frame: Frame) -> tuple[Hand, ...]:
        return ()

    def face(self, frame: Frame) -> Box | None:
        return None

    def close(self) -> None:
        return None


def analyse(
    detector: Detector, frame: Frame, *, detect_face: bool = True, face: Box | None = None
) -> FrameAnalysis:
    """Detect and measure one frame; without `detect_face`, reuse the given (earlier) face box."""
    hands = detector.hands(frame)
    if detect_face:
        face = detector.face(frame)
    return FrameAnalysis(hands, frame_metrics(frame, hands, face), detect_face)
