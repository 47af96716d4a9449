"""The only module that touches MediaPipe: hands (and a face for scale) found in one RGB frame.

MediaPipe 0.10.21's legacy solutions ship their models inside the wheel, so nothing is fetched at
run time. A lone image (the offline CLI, the photo tests) goes through MediaPipe Hands in
static-image mode. A call's side is a video stream, so the worker follows its hands instead
(`HandTracker`): the hand landmark model run on the region the hand held in the previous frame,
with a full detection (palm detector, then landmarks) only when the track is lost or every
`redetect_every` frames. The face detector is the full-range model, which still finds the face
of a signer standing across the room (the short-range one does not). mediapipe is imported when
a detector is made, never at module import.
"""

from __future__ import annotations

import importlib
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from media.quality import QUIET_ENV
from media.quality.metrics import Frame, frame_metrics
from media.quality.records import Box, FrameAnalysis, Hand

TILE_SPAN = 0.6  # four tiles of 60% x 60% overlap by a fifth of the frame
REFINE_BELOW = 0.15  # faces smaller than this share of the frame height are measured again
REFINE_CROP = 4.0  # in a square crop this many face heights wide
HANDS_GRAPH = "mediapipe/modules/hand_landmark/hand_landmark_tracking_cpu.binarypb"
# The hand landmark model on one given region, and the region its landmarks give for the next
# frame: the tracking half of MediaPipe's hand graph, without its loopback.
FOLLOW_GRAPH = """
input_stream: "IMAGE:image"
input_stream: "ROI:roi"
input_side_packet: "MODEL_COMPLEXITY:model_complexity"
output_stream: "LANDMARKS:landmarks"
output_stream: "HANDEDNESS:handedness"
output_stream: "NEXT_ROI:next_roi"
node {
  calculator: "ImagePropertiesCalculator"
  input_stream: "IMAGE_CPU:image"
  output_stream: "SIZE:image_size"
}
node {
  calculator: "HandLandmarkCpu"
  input_stream: "IMAGE:image"
  input_stream: "ROI:roi"
  input_side_packet: "MODEL_COMPLEXITY:model_complexity"
  output_stream: "LANDMARKS:landmarks"
  output_stream: "HANDEDNESS:handedness"
}
node {
  calculator: "HandLandmarkLandmarksToRoi"
  input_stream: "IMAGE_SIZE:image_size"
  input_stream: "LANDMARKS:landmarks"
  output_stream: "ROI:next_roi"
}
"""
REDETECT_EVERY = 5  # frames of a stream between full hand detections (1 s at 5/s)
MAX_STREAMS = 256  # streams whose tracks a worker keeps (the least recently seen go first)
SAME_HAND_IOU = 0.5  # two followed regions that converged on one hand: keep one


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    model_complexity: int = 1  # 1: the full hand model; 0: lite (cheaper, fewer hands found)
    max_hands: int = 2
    min_hand_confidence: float = 0.5
    min_face_confidence: float = 0.5
    min_tracking_confidence: float = 0.5  # a followed hand scoring less is lost (as in Hands)
    redetect_every: int = REDETECT_EVERY
    max_streams: int = MAX_STREAMS


class Detector(Protocol):
    def hands(self, frame: Frame) -> tuple[Hand, ...]: ...

    def track(self, frame: Frame, stream: int, follow: bool) -> tuple[Hand, ...]: ...

    def forget(self, stream: int) -> None: ...

    def face(self, frame: Frame) -> Box | None: ...

    def close(self) -> None: ...


def _hand(landmarks: Any, handedness: Any) -> Hand:
    label, score = "Unknown", 0.0
    if handedness is not None and handedness.classification:
        best = handedness.classification[0]
        label, score = str(best.label), float(best.score)
    points = tuple((float(p.x), float(p.y), float(p.z)) for p in landmarks.landmark)
    return Hand(points, label, score)


def _hands_of(result: Any) -> tuple[Hand, ...]:
    """The hands of a hand-graph result, each with its handedness."""
    found = result.multi_hand_landmarks or []
    labels = result.multi_handedness or []
    return tuple(_hand(lm, labels[i] if i < len(labels) else None) for i, lm in enumerate(found))


def _overlap(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    if w <= 0 or h <= 0:
        return 0.0
    union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - w * h
    return w * h / union if union > 0 else 0.0


@dataclass(slots=True)
class _Track:
    rois: list[Any] = field(default_factory=list)  # NormalizedRect protos for the next frame
    follows_left: int = 0  # frames to follow before the next full detection
    fresh: bool = True  # no full detection yet


class HandTracker:
    """MediaPipe Hands in video mode for many streams, with each stream's track kept here.

    Why not one `Hands(static_image_mode=False)` per stream: each holds its track inside its
    graph, so each stream costs its own models (measured: 20 instances took 1.3 GB and 1.4 s of
    CPU to start), and it still runs the palm detector on every frame that shows fewer than
    `max_num_hands` hands, which is most frames (measured: within 5% of static-image mode's cost
    on the call frames).
    Here two graphs serve every stream: the full detection (the same graph as static-image mode)
    and the landmark model on a given region (MediaPipe's tracking step). A stream's track is
    the regions its last landmarks give; a frame is followed from them (no palm detector), and
    detected in full when the caller says the previous frame was not seen here (`follow` False),
    when a followed hand is lost, when none was tracked, or every `redetect_every` frames (a
    second hand coming into view is found within that many frames). A new stream's first
    periodic detection comes after `stream % redetect_every` frames, so streams that start
    together (a worker's sessions, the bench's) do not all pay for it on the same frame.
    """

    def __init__(self, full: Any, config: DetectorConfig, follow: Any = None) -> None:
        self.config = config
        self._full = full  # the static-image hand graph, with its landmark regions as output
        self._follow: Any = follow if follow is not None else self._follow_graph(config)
        self._tracks: OrderedDict[int, _Track] = OrderedDict()

    @staticmethod
    def _follow_graph(config: DetectorConfig) -> Any:
        solution: Any = importlib.import_module("mediapipe.python.solution_base")
        calculator: Any = importlib.import_module("mediapipe.framework.calculator_pb2")
        text_format: Any = importlib.import_module("google.protobuf.text_format")
        graph = text_format.Parse(FOLLOW_GRAPH, calculator.CalculatorGraphConfig())
        return solution.SolutionBase(
            graph_config=graph,
            side_inputs={"model_complexity": config.model_complexity},
            calculator_params={
                "handlandmarkcpu__ThresholdingCalculator.threshold": (
                    config.min_tracking_confidence
                ),
            },
            outputs=["landmarks", "handedness", "next_roi"],
        )

    @property
    def streams(self) -> int:
        return len(self._tracks)

    def hands(self, frame: Frame, stream: int, follow: bool) -> tuple[Hand, ...]:
        track = self._tracks.pop(stream, None)
        if track is None or not follow:
            track = _Track()
        self._tracks[stream] = track  # most recently seen last
        while len(self._tracks) > self.config.max_streams:
            self._tracks.popitem(last=False)
        found: list[Hand] = []
        rois: list[Any] = []
        if track.rois and track.follows_left > 0:
            for roi in track.rois:
                out = self._follow.process({"image": frame, "roi": roi})
                if out.landmarks is None or out.next_roi is None:
                    found = []  # a hand lost: detect in full, so no hand is missed
                    break
                hand = _hand(out.landmarks, out.handedness)
                if any(_overlap(hand.box(), h.box()) > SAME_HAND_IOU for h in found):
                    continue
                found.append(hand)
                rois.append(out.next_roi)
        every = self.config.redetect_every
        if found:
            track.follows_left -= 1
        else:
            out = self._full.process(frame)
            found = list(_hands_of(out))
            rois = list(out.hand_rects_from_landmarks or [])[: len(found)]
            track.follows_left = stream % every if track.fresh else every - 1
            track.fresh = False
        track.rois = rois
        return tuple(found)

    def forget(self, stream: int) -> None:
        self._tracks.pop(stream, None)

    def close(self) -> None:
        self._tracks.clear()
        self._follow.close()


class MediaPipeDetector:
    """MediaPipe Hands plus full-range face detection; one per process, not thread-safe."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        for key, value in QUIET_ENV.items():
            os.environ.setdefault(key, value)
        solution: Any = importlib.import_module("mediapipe.python.solution_base")
        face_api: Any = importlib.import_module("mediapipe.python.solutions.face_detection")
        # MediaPipe Hands in static-image mode (the same graph, side packets and options as
        # `Hands(static_image_mode=True)`), also giving each hand's region for a tracker.
        self._hands: Any = solution.SolutionBase(
            binary_graph_path=HANDS_GRAPH,
            side_inputs={
                "model_complexity": self.config.model_complexity,
                "num_hands": self.config.max_hands,
                "use_prev_landmarks": False,
            },
            calculator_params={
                "palmdetectioncpu__TensorsToDetectionsCalculator.min_score_thresh": (
                    self.config.min_hand_confidence
                ),
                "handlandmarkcpu__ThresholdingCalculator.threshold": (
                    self.config.min_tracking_confidence
                ),
            },
            outputs=["multi_hand_landmarks", "multi_handedness", "hand_rects_from_landmarks"],
        )
        self._tracker: HandTracker | None = None  # made on the first stream (not for images)
        self._face: Any = face_api.FaceDetection(
            model_selection=1, min_detection_confidence=self.config.min_face_confidence
        )

    def hands(self, frame: Frame) -> tuple[Hand, ...]:
        return _hands_of(self._hands.process(frame))

    def track(self, frame: Frame, stream: int, follow: bool) -> tuple[Hand, ...]:
        """The hands of one frame of a video stream (see `HandTracker`)."""
        if self._tracker is None:
            self._tracker = HandTracker(self._hands, self.config)
        return self._tracker.hands(frame, stream, follow)

    def forget(self, stream: int) -> None:
        if self._tracker is not None:
            self._tracker.forget(stream)

    @property
    def tracked_streams(self) -> int:
        return self._tracker.streams if self._tracker is not None else 0

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
        if self._tracker is not None:
            self._tracker.close()
        self._hands.close()
        self._face.close()


class NullDetector:
    """Finds nothing: for measuring the pipeline's own cost and for tests of the plumbing."""

    def hands(self, frame: Frame) -> tuple[Hand, ...]:
        return ()

    def track(self, frame: Frame, stream: int, follow: bool) -> tuple[Hand, ...]:
        return ()

    def forget(self, stream: int) -> None:
        return None

    def face(self, frame: Frame) -> Box | None:
        return None

    def close(self) -> None:
        return None


def analyse(
    detector: Detector,
    frame: Frame,
    *,
    detect_face: bool = True,
    face: Box | None = None,
    stream: int = 0,
    follow: bool = False,
) -> FrameAnalysis:
    """Detect and measure one frame; without `detect_face`, reuse the given (earlier) face box.

    A frame of a video stream (`stream` > 0) has its hands tracked; a lone image, detected.
    """
    hands = detector.track(frame, stream, follow) if stream else detector.hands(frame)
    if detect_face:
        face = detector.face(frame)
    return FrameAnalysis(hands, frame_metrics(frame, hands, face), detect_face)
