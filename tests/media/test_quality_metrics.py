"""Per-frame metrics on synthetic frames (numpy and OpenCV, no MediaPipe)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import IN_CI

if importlib.util.find_spec("cv2") is None or importlib.util.find_spec("numpy") is None:
    if IN_CI:
        pytest.fail("required in CI: the `quality` extra (numpy, OpenCV)", pytrace=False)
    pytest.skip("the `quality` extra (numpy, OpenCV) is not installed", allow_module_level=True)

import cv2
import numpy as np

from media.quality.metrics import (
    ANALYSIS_LINES,
    Frame,
    analysis_grey,
    frame_metrics,
    median_luma,
    sharpness,
    signer_size,
    signing_space,
)
from media.quality.records import Box, FrameMetrics, Hand


def checkerboard(width: int, height: int, cell: int = 8) -> Frame:
    ys, xs = np.mgrid[0:height, 0:width]
    board = (((xs // cell) + (ys // cell)) % 2 * 200 + 28).astype(np.uint8)
    return np.repeat(board[:, :, None], 3, axis=2)


def test_grey_is_scaled_down_to_the_analysis_size_only() -> None:
    assert analysis_grey(checkerboard(1280, 720)).shape == (ANALYSIS_LINES, 427)
    assert analysis_grey(checkerboard(320, 200)).shape == (200, 320)
    with pytest.raises(ValueError):
        analysis_grey(np.zeros((10, 10), np.uint8))


def test_sharpness_drops_when_blurred() -> None:
    sharp = analysis_grey(checkerboard(320, 240))
    blurred = np.asarray(cv2.GaussianBlur(sharp, (0, 0), 3), np.uint8)
    assert sharpness(sharp) > 100 * sharpness(blurred)


def test_median_luma_inside_a_box() -> None:
    grey = np.zeros((100, 100), np.uint8)
    grey[:, 50:] = 200
    assert median_luma(grey) in (0.0, 200.0)
    assert median_luma(grey, Box(0.6, 0.0, 1.0, 1.0)) == 200.0
    assert median_luma(grey, Box(-0.5, -0.5, 0.4, 1.5)) == 0.0  # clipped to the frame
    assert median_luma(grey, Box(2.0, 2.0, 3.0, 3.0)) in (0.0, 200.0)  # empty: whole frame


def test_signer_size_prefers_the_face_then_the_hands() -> None:
    face = Box(0.4, 0.1, 0.5, 0.25)
    hand = Box(0.2, 0.5, 0.3, 0.7)
    size, source = signer_size(face, [hand], 640, 480)
    assert size == pytest.approx(0.15) and source == "face"
    size, source = signer_size(None, [hand], 640, 480)
    assert size == pytest.approx(0.2) and source == "hands"
    assert signer_size(None, [], 640, 480) == (None, "none")


def test_signing_space_reaches_below_the_face_and_around_the_hands() -> None:
    space = signing_space(Box(0.45, 0.1, 0.55, 0.2), [], 640, 480)
    assert space is not None
    assert space.y0 == pytest.approx(0.05) and space.y1 == pytest.approx(0.55)
    assert space.x0 == pytest.approx(0.2) and space.x1 == pytest.approx(0.8)
    around = signing_space(None, [Box(0.4, 0.4, 0.5, 0.5)], 640, 480)
    assert around is not None and around.x0 < 0.4 and around.y1 > 0.5
    assert signing_space(None, [], 640, 480) is None


def test_frame_metrics_of_a_synthetic_frame_round_trip() -> None:
    frame = np.full((240, 320, 3), 60, np.uint8)
    frame[100:200, 100:220] = 180
    points = tuple((0.3 + 0.01 * i, 0.5 + 0.01 * i, 0.0) for i in range(21))
    hands = [Hand(points, "Left", 0.9)]
    m = frame_metrics(frame, hands, Box(0.45, 0.1, 0.55, 0.25))
    assert (m.width, m.height, m.hands) == (320, 240, 1)
    assert m.edge_distance == pytest.approx(0.3)
    assert m.signer_size == pytest.approx(0.15) and m.signer_size_from == "face"
    assert 60 < m.brightness < 180 and m.contrast > 0 and m.sharpness > 0
    assert FrameMetrics.from_dict(m.to_dict()).to_dict() == m.to_dict()
    assert Hand.from_dict(hands[0].to_dict()).box().as_list() == hands[0].box().as_list()
