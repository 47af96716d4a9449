"""Reading images and video files as RGB frames for offline review (the CLI).

Video is decoded with PyAV when it is installed (the media leg brings it), otherwise with the
OpenCV that mediapipe depends on. Both are imported here only when a file is read.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from media.quality.metrics import Frame

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


class UnreadableInput(Exception):
    """A path that is missing, not a file, or not an image or video we can decode."""


@dataclass(frozen=True, slots=True)
class Clip:
    """A video's frame rate and an iterator over (seconds, frame), already sampled."""

    fps: float | None
    frames: Iterator[tuple[float, Frame]]


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def read_image(path: Path) -> Frame:
    if not path.is_file():
        raise UnreadableInput("no such file")
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise UnreadableInput("not an image OpenCV can decode")
    return np.ascontiguousarray(np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), np.uint8))


def _sampled(
    frames: Iterator[tuple[float, Frame]], rate: float | None
) -> Iterator[tuple[float, Frame]]:
    """Keep at most `rate` frames per second of video time (all when None)."""
    due: float | None = None
    for at, frame in frames:
        if rate is None:
            yield at, frame
        elif due is None or at >= due - 1e-6:
            due = max((at if due is None else due) + 1.0 / rate, at + 0.5 / rate)
            yield at, frame


def _pyav_frames(container: Any, stream: Any, fps: float | None) -> Iterator[tuple[float, Frame]]:
    try:
        for index, frame in enumerate(container.decode(stream)):
            at = frame.time if frame.time is not None else index / (fps or 30.0)
            yield float(at), np.asarray(frame.to_ndarray(format="rgb24"), np.uint8)
    finally:
        container.close()


def _opencv_frames(capture: Any, fps: float | None) -> Iterator[tuple[float, Frame]]:
    try:
        index = 0
        while True:
            ok, bgr = capture.read()
            if not ok:
                return
            rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), np.uint8)
            yield index / (fps or 30.0), rgb
            index += 1
    finally:
        capture.release()


def open_video(path: Path, rate: float | None, prefer_pyav: bool = True) -> Clip:
    """Open a video file; frames are decoded lazily as the clip is iterated."""
    if not path.is_file():
        raise UnreadableInput("no such file")
    if prefer_pyav and importlib.util.find_spec("av") is not None:
        av: Any = importlib.import_module("av")
        try:
            container = av.open(str(path))
        except Exception as exc:  # PyAV raises its own error types per FFmpeg code
            raise UnreadableInput(f"not a video PyAV can decode ({type(exc).__name__})") from exc
        if not container.streams.video:
            container.close()
            raise UnreadableInput("no video stream")
        stream = container.streams.video[0]
        fps = float(stream.average_rate) if stream.average_rate else None
        return Clip(fps, _sampled(_pyav_frames(container, stream, fps), rate))
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise UnreadableInput("not a video OpenCV can decode")
    fps = float(capture.get(cv2.CAP_PROP_FPS)) or None
    return Clip(fps, _sampled(_opencv_frames(capture, fps), rate))
