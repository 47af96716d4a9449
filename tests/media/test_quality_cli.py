"""`python -m media.quality analyze` on a photo, on a clip made from the photos, on bad paths."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT, skip_or_fail

if importlib.util.find_spec("mediapipe") is None:
    if IN_CI:
        pytest.fail("required in CI: mediapipe (the `quality` extra)", pytrace=False)
    pytest.skip("mediapipe (the `quality` extra) is not installed", allow_module_level=True)

from media.quality.cli import analyse_video, main
from media.quality.detector import DetectorConfig, MediaPipeDetector
from media.testsource import make_hand_video

HANDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hands"
KEYS = {"path", "frames", "hands_max", "hands_per_frame", "hints", "metrics"}


@pytest.fixture(scope="module")
def hands_dir() -> Path:
    if not HANDS.is_dir():
        skip_or_fail(f"hand photos not found at {HANDS}")
    return HANDS


@pytest.fixture(scope="module")
def clip(hands_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s at 10 fps, 320x240, a new photo every 0.5 s."""
    out = tmp_path_factory.mktemp("clip") / "hands.y4m"
    return make_hand_video(
        hands_dir,
        out,
        width=320,
        height=240,
        fps=10,
        seconds=3,
        seconds_per_photo=0.5,
        counter=False,
    )


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_an_image_gives_its_one_frame_hints(
    hands_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dark = next(hands_dir.glob("call_143f8b21*"))
    good = next(hands_dir.glob("call_0413d5c5*"))
    assert main(["analyze", str(dark), str(good), "--json"]) == 0
    first, second = lines(capsys)
    assert set(first) == KEYS
    assert first["frames"] == 1 and first["hands_per_frame"] == [first["hands_max"]]
    assert first["hints"] == ["low_light"]
    metrics = first["metrics"]
    assert isinstance(metrics, dict) and metrics["kind"] == "image" and metrics["width"] == 512
    assert second["hints"] == [] and second["hands_max"] == 1


def test_a_video_is_sampled_and_run_through_the_hint_engine(
    clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(clip), "--json"]) == 0
    (result,) = lines(capsys)
    assert set(result) == KEYS
    assert result["frames"] == 15  # 3 s at 5 analyses per second
    per_frame = result["hands_per_frame"]
    assert isinstance(per_frame, list) and len(per_frame) == 15
    assert result["hands_max"] == max(per_frame) >= 1
    hints = result["hints"]
    assert isinstance(hints, list) and "low_frame_rate" in hints  # the clip is 10 fps
    metrics = result["metrics"]
    assert isinstance(metrics, dict) and metrics["fps"] == 10.0 and metrics["kind"] == "video"


def test_opencv_decodes_the_clip_when_pyav_is_absent(clip: Path) -> None:
    detector = MediaPipeDetector(DetectorConfig(model_complexity=0))
    try:
        via_opencv = analyse_video(detector, clip, 5.0, 100, prefer_pyav=False)
    finally:
        detector.close()
    assert via_opencv["frames"] == 15
    assert via_opencv["metrics"]["fps"] == 10.0


def test_unreadable_paths_fail_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "notes.y4m"
    junk.write_text("not a video", encoding="utf-8")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 truncated")
    code = main(["analyze", str(tmp_path / "missing.jpg"), str(junk), str(broken), "--json"])
    assert code == 1
    captured = capsys.readouterr()
    results = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["error"].startswith("cannot read") for r in results] == [True, True, True]
    assert "cannot read" in captured.err and "missing.jpg" in captured.err


def test_the_module_runs_as_a_command(hands_dir: Path) -> None:
    far = next(hands_dir.glob("four_25bb4c45*"))
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "media.quality", "analyze", str(far)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "hints: too_far" in done.stdout
