"""The hints on the 20 real hand photos in ../shared/data/hands, and on degraded copies of them.

The copies are made in memory (never written into the repo). One MediaPipe detector (the full
hand model, as the photos' reference counts use) serves the whole module; each photo is analysed
once. The thresholds and the values measured here are listed in docs/quality.md.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.conftest import IN_CI, skip_or_fail

if importlib.util.find_spec("mediapipe") is None:
    if IN_CI:
        pytest.fail("required in CI: mediapipe (the `quality` extra)", pytrace=False)
    pytest.skip("mediapipe (the `quality` extra) is not installed", allow_module_level=True)

import numpy as np
from PIL import Image, ImageFilter

from media.quality.detector import DetectorConfig, MediaPipeDetector, analyse
from media.quality.hints import Hint, evaluate_frame
from media.quality.records import FrameAnalysis

HANDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hands"
DARK = ("call_143f8b21", "call_172ba7f6")
FAR = ("four_07a5a144", "four_25bb4c45")


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    if not HANDS.is_dir():
        skip_or_fail(f"hand photos not found at {HANDS}")
    return {p.stem: Image.open(p).convert("RGB") for p in sorted(HANDS.glob("*.jpg"))}


@pytest.fixture(scope="module")
def detector() -> Iterator[MediaPipeDetector]:
    found = MediaPipeDetector(DetectorConfig(model_complexity=1))
    yield found
    found.close()


@pytest.fixture(scope="module")
def analysed(
    photos: dict[str, Image.Image], detector: MediaPipeDetector
) -> dict[str, FrameAnalysis]:
    return {name: analyse(detector, np.asarray(img)) for name, img in photos.items()}


def named(prefix: str, names: Mapping[str, object]) -> str:
    (match,) = [n for n in names if n.startswith(prefix)]
    return match


def well_framed(analysed: dict[str, FrameAnalysis]) -> list[str]:
    return [n for n in analysed if not n.startswith(DARK + FAR)]


def hints_of(detector: MediaPipeDetector, image: Image.Image) -> frozenset[Hint]:
    return evaluate_frame(analyse(detector, np.asarray(image)).metrics)


def test_the_reference_says_what_the_readme_says(photos: dict[str, Image.Image]) -> None:
    reference = json.loads((HANDS / "reference.json").read_text(encoding="utf-8"))
    assert len(photos) == len(reference) == 20


def test_hands_found_in_at_least_16_of_20(analysed: dict[str, FrameAnalysis]) -> None:
    found = [n for n, a in analysed.items() if a.hands]
    assert len(found) >= 16, sorted(set(analysed) - set(found))


@pytest.mark.parametrize("prefix", DARK)
def test_the_dark_photos_raise_low_light(prefix: str, analysed: dict[str, FrameAnalysis]) -> None:
    assert Hint.LOW_LIGHT in evaluate_frame(analysed[named(prefix, analysed)].metrics)


@pytest.mark.parametrize("prefix", FAR)
def test_the_far_photos_raise_too_far(prefix: str, analysed: dict[str, FrameAnalysis]) -> None:
    assert Hint.TOO_FAR in evaluate_frame(analysed[named(prefix, analysed)].metrics)


def test_the_well_lit_well_framed_photos_raise_nothing(
    analysed: dict[str, FrameAnalysis],
) -> None:
    raised = {n: evaluate_frame(analysed[n].metrics) for n in well_framed(analysed)}
    assert len(raised) == 16
    assert {n: sorted(h) for n, h in raised.items() if h} == {}


def test_a_copy_cropped_through_the_hand_raises_hands_cropped(
    photos: dict[str, Image.Image],
    analysed: dict[str, FrameAnalysis],
    detector: MediaPipeDetector,
) -> None:
    """Cut the top of the frame through the fingers (30% down the hand).

    A hand cut so far that MediaPipe no longer finds it cannot be reported; on this set that
    happens to 2 of the 16 (measured), so at least 13 must raise the hint.
    """
    raised, tried = [], []
    for name, analysis in analysed.items():
        if not analysis.hands:
            continue
        image = photos[name]
        box = analysis.hands[0].box()
        cut = int((box.y0 + 0.3 * (box.y1 - box.y0)) * image.height)
        tried.append(name)
        if Hint.HANDS_CROPPED in hints_of(
            detector, image.crop((0, cut, image.width, image.height))
        ):
            raised.append(name)
    assert len(tried) >= 16
    assert len(raised) >= 13, sorted(set(tried) - set(raised))


def test_a_darkened_copy_raises_low_light(
    photos: dict[str, Image.Image], detector: MediaPipeDetector
) -> None:
    for name, image in photos.items():
        dark = Image.fromarray((np.asarray(image, np.float32) * 0.25).astype(np.uint8))
        assert Hint.LOW_LIGHT in hints_of(detector, dark), name


def test_a_copy_shrunk_into_a_larger_canvas_raises_too_far(
    photos: dict[str, Image.Image],
    analysed: dict[str, FrameAnalysis],
    detector: MediaPipeDetector,
) -> None:
    """The photo at a quarter of its size in the middle of a grey frame of the original size.

    One of the 16 (four_077fa4bf, already the smallest signer) leaves so little detail that the
    copy reads as blurry instead (measured), so at least 15 must raise too_far.
    """
    missed = []
    for name in well_framed(analysed):
        image = photos[name]
        canvas = Image.new("RGB", image.size, (128, 128, 128))
        small = image.resize((image.width // 4, image.height // 4), Image.Resampling.LANCZOS)
        canvas.paste(small, ((image.width - small.width) // 2, (image.height - small.height) // 2))
        if Hint.TOO_FAR not in hints_of(detector, canvas):
            missed.append(name)
    assert len(missed) <= 1, missed


def test_a_blurred_copy_raises_blurry(
    photos: dict[str, Image.Image], detector: MediaPipeDetector
) -> None:
    for name, image in photos.items():
        blurred = image.filter(ImageFilter.GaussianBlur(image.height / 100))
        assert Hint.BLURRY in hints_of(detector, blurred), name
