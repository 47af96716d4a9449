"""The plain records that pass between the workers and the analyzer: boxes, hands, metrics.

No numpy here: the analyzer, the hint engine and the summaries import these and so stay
importable on a server without the `quality` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WRIST, MIDDLE_MCP = 0, 9

Point = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in normalised frame coordinates (may reach past 0..1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def size_px(self, width: int, height: int) -> float:
        """The longer side in pixels: a hand's size whatever its pose."""
        return max((self.x1 - self.x0) * width, (self.y1 - self.y0) * height)

    def edge_distance(self) -> float:
        """Distance to the nearest frame edge; negative when the box crosses it."""
        return min(self.x0, self.y0, 1.0 - self.x1, 1.0 - self.y1)

    def clipped(self) -> Box:
        return Box(max(0.0, self.x0), max(0.0, self.y0), min(1.0, self.x1), min(1.0, self.y1))

    def as_list(self) -> list[float]:
        return [round(self.x0, 4), round(self.y0, 4), round(self.x1, 4), round(self.y1, 4)]

    @classmethod
    def from_list(cls, values: Sequence[float]) -> Box:
        x0, y0, x1, y1 = (float(v) for v in values)
        return cls(x0, y0, x1, y1)


@dataclass(frozen=True, slots=True)
class Hand:
    """One hand as MediaPipe Hands reports it: 21 landmarks, which hand, and its score."""

    landmarks: tuple[Point, ...]
    handedness: str
    score: float

    def box(self) -> Box:
        xs = [p[0] for p in self.landmarks]
        ys = [p[1] for p in self.landmarks]
        return Box(min(xs), min(ys), max(xs), max(ys))

    def to_dict(self) -> dict[str, Any]:
        return {
            "landmarks": [[round(c, 5) for c in p] for p in self.landmarks],
            "handedness": self.handedness,
            "score": round(self.score, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hand:
        points = tuple((float(p[0]), float(p[1]), float(p[2])) for p in data["landmarks"])
        return cls(points, str(data["handedness"]), float(data["score"]))


@dataclass(frozen=True, slots=True)
class FrameMetrics:
    """What one frame says about the signer's picture; thresholds are applied elsewhere."""

    width: int
    height: int
    hands: int
    hand_boxes: tuple[Box, ...]
    edge_distance: float | None  # nearest hand's distance to the frame edge; None without hands
    face: Box | None
    signer_size: float | None  # face height (or, without a face, hand size) / frame height
    signer_size_from: str  # "face", "hands" or "none"
    brightness: float  # mean luma of the whole frame, 0-255
    contrast: float  # standard deviation of luma
    subject_brightness: float  # median luma of the signing space (whole frame if unknown)
    sharpness: float  # variance of the Laplacian at ANALYSIS_LINES lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "hands": self.hands,
            "hand_boxes": [b.as_list() for b in self.hand_boxes],
            "edge_distance": None if self.edge_distance is None else round(self.edge_distance, 4),
            "face": None if self.face is None else self.face.as_list(),
            "signer_size": None if self.signer_size is None else round(self.signer_size, 4),
            "signer_size_from": self.signer_size_from,
            "brightness": round(self.brightness, 2),
            "contrast": round(self.contrast, 2),
            "subject_brightness": round(self.subject_brightness, 2),
            "sharpness": round(self.sharpness, 2),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrameMetrics:
        face = data.get("face")
        edge = data.get("edge_distance")
        size = data.get("signer_size")
        return cls(
            width=int(data["width"]),
            height=int(data["height"]),
            hands=int(data["hands"]),
            hand_boxes=tuple(Box.from_list(b) for b in data["hand_boxes"]),
            edge_distance=None if edge is None else float(edge),
            face=None if face is None else Box.from_list(face),
            signer_size=None if size is None else float(size),
            signer_size_from=str(data["signer_size_from"]),
            brightness=float(data["brightness"]),
            contrast=float(data["contrast"]),
            subject_brightness=float(data["subject_brightness"]),
            sharpness=float(data["sharpness"]),
        )


@dataclass(frozen=True, slots=True)
class FrameAnalysis:
    """One frame's detections and metrics, as a worker returns them."""

    hands: tuple[Hand, ...]
    metrics: FrameMetrics
    face_detected: bool  # False when the face box was carried over from an earlier frame

    def to_dict(self) -> dict[str, Any]:
        return {
            "hands": [h.to_dict() for h in self.hands],
            "metrics": self.metrics.to_dict(),
            "face_detected": self.face_detected,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrameAnalysis:
        return cls(
            hands=tuple(Hand.from_dict(h) for h in data["hands"]),
            metrics=FrameMetrics.from_dict(data["metrics"]),
            face_detected=bool(data["face_detected"]),
        )
