"""Per-frame quality metrics: pure functions of an RGB frame and what MediaPipe found in it.

Nothing here holds state or reads thresholds; `hints.py` turns the numbers into hint codes. Sizes
and positions are normalised to the frame (x by width, y by height), as MediaPipe reports them.
Brightness and sharpness are measured on a grey copy scaled to at most `ANALYSIS_LINES` lines, so
they do not depend on the camera's resolution and stay cheap.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from media.quality.records import Box, FrameMetrics, Hand

ANALYSIS_LINES = 240
# The signing space around a face, in face sizes: from half a face above its top down to the
# waist, and three face widths either side (the elbows' reach with the arms bent).
SPACE_ABOVE = 0.5
SPACE_BELOW = 4.5
SPACE_SIDE = 3.0
# Without a face, the space around the hands: one hand size on every side.
HAND_MARGIN = 1.0
Frame = NDArray[np.uint8]


def analysis_grey(frame: Frame) -> NDArray[np.uint8]:
    """Luma (BT.601) scaled down to at most ANALYSIS_LINES lines, never up."""
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"expected an RGB frame, got shape {frame.shape}")
    height, width = frame.shape[:2]
    if height > ANALYSIS_LINES:
        scale = ANALYSIS_LINES / height
        size = (max(1, round(width * scale)), ANALYSIS_LINES)
        frame = np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA), np.uint8)
    return np.asarray(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), np.uint8)


def sharpness(grey: NDArray[np.uint8]) -> float:
    """Variance of the Laplacian: fine detail left in the picture (low when blurred).

    On 16-bit integers (the 4-neighbour Laplacian of 8-bit luma fits): the same value as on
    floats, in half the time.
    """
    _, std = cv2.meanStdDev(cv2.Laplacian(grey, cv2.CV_16S))
    return float(np.asarray(std).ravel()[0]) ** 2


def median_luma(grey: NDArray[np.uint8], box: Box | None = None) -> float:
    """Median of the grey values inside `box` (the whole frame when None or empty)."""
    region = grey
    if box is not None:
        height, width = grey.shape
        c = box.clipped()
        x0, x1 = int(c.x0 * width), int(np.ceil(c.x1 * width))
        y0, y1 = int(c.y0 * height), int(np.ceil(c.y1 * height))
        if x1 > x0 and y1 > y0:
            region = grey[y0:y1, x0:x1]
    counts = np.bincount(region.ravel(), minlength=256)
    return float(np.searchsorted(np.cumsum(counts), (region.size + 1) / 2))


def signer_size(
    face: Box | None, hand_boxes: Sequence[Box], width: int, height: int
) -> tuple[float | None, str]:
    """How big the signer looks: face height over frame height, else the largest hand's size.

    The frame's height is what a call tile scales to; a hand (wrist to fingertip) is about as long
    as a face is high, so both give the same scale when the face is missing.
    """
    if face is not None:
        return face.y1 - face.y0, "face"
    if hand_boxes:
        return max(b.size_px(width, height) for b in hand_boxes) / height, "hands"
    return None, "none"


def signing_space(
    face: Box | None, hand_boxes: Sequence[Box], width: int, height: int
) -> Box | None:
    """Where the signing happens: around the face if found, else around the hands."""
    if face is not None:
        fw, fh = face.x1 - face.x0, face.y1 - face.y0
        cx = (face.x0 + face.x1) / 2
        return Box(
            cx - SPACE_SIDE * fw,
            face.y0 - SPACE_ABOVE * fh,
            cx + SPACE_SIDE * fw,
            face.y0 + SPACE_BELOW * fh,
        )
    if hand_boxes:
        x0 = min(b.x0 for b in hand_boxes)
        y0 = min(b.y0 for b in hand_boxes)
        x1 = max(b.x1 for b in hand_boxes)
        y1 = max(b.y1 for b in hand_boxes)
        size = max(b.size_px(width, height) for b in hand_boxes) * HAND_MARGIN
        mx, my = size / width, size / height
        return Box(x0 - mx, y0 - my, x1 + mx, y1 + my)
    return None


def frame_metrics(frame: Frame, hands: Sequence[Hand], face: Box | None) -> FrameMetrics:
    """All per-frame numbers for one RGB frame and its detections."""
    height, width = frame.shape[:2]
    grey = analysis_grey(frame)
    boxes = tuple(h.box() for h in hands)
    size, size_from = signer_size(face, boxes, width, height)
    space = signing_space(face, boxes, width, height)
    mean, std = (float(np.asarray(v).ravel()[0]) for v in cv2.meanStdDev(grey))
    return FrameMetrics(
        width=width,
        height=height,
        hands=len(hands),
        hand_boxes=boxes,
        edge_distance=min((b.edge_distance() for b in boxes), default=None),
        face=face,
        signer_size=size,
        signer_size_from=size_from,
        brightness=mean,
        contrast=std,
        subject_brightness=median_luma(grey, space),
        sharpness=sharpness(grey),
    )
