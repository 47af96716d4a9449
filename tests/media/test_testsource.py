"""The fake-camera clip maker: valid Y4M from the real hand photos, readable frame counters."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from media.testsource import (
    make_hand_video,
    make_light_cycle_video,
    read_counter,
    stamp_counter,
    write_y4m,
)
from tests.conftest import skip_or_fail

HANDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hands"


@pytest.fixture
def hands_dir() -> Path:
    if not HANDS.is_dir():
        skip_or_fail(f"hand photos not found at {HANDS}")
    return HANDS


def test_counter_round_trips() -> None:
    frame = Image.new("RGB", (640, 480), (90, 120, 150))
    for number in (0, 1, 2, 255, 1000, 65535):
        assert read_counter(stamp_counter(frame, number)) == number


def test_y4m_layout() -> None:
    buf = io.BytesIO()
    frames = [Image.new("RGB", (64, 48), (i * 40, 0, 0)) for i in range(3)]
    assert write_y4m(buf, frames, 64, 48, 30) == 3
    data = buf.getvalue()
    header, _, rest = data.partition(b"\n")
    assert header == b"YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C420jpeg"
    frame_bytes = 64 * 48 * 3 // 2
    assert len(rest) == 3 * (len(b"FRAME\n") + frame_bytes)


def test_y4m_refuses_odd_sizes_and_wrong_frames() -> None:
    with pytest.raises(ValueError):
        write_y4m(io.BytesIO(), [], 63, 48, 30)
    with pytest.raises(ValueError):
        write_y4m(io.BytesIO(), [Image.new("RGB", (10, 10))], 64, 48, 30)


def test_clip_from_real_photos(hands_dir: Path, tmp_path: Path) -> None:
    out = make_hand_video(hands_dir, tmp_path / "hands.y4m", width=320, height=240, seconds=1)
    data = out.read_bytes()
    assert data.startswith(b"YUV4MPEG2 W320 H240 F30:1")
    assert data.count(b"FRAME\n") == 30


def test_the_light_cycle_clip_starts_lit_then_goes_dark(hands_dir: Path, tmp_path: Path) -> None:
    photos = sorted(hands_dir.glob("call_1d65*.jpg"))
    out = make_light_cycle_video(
        photos, tmp_path / "light.y4m", width=64, height=48, fps=10, lit_seconds=1, dark_seconds=1
    )
    data = out.read_bytes()
    header, _, body = data.partition(b"\n")
    assert header == b"YUV4MPEG2 W64 H48 F10:1 Ip A1:1 C420jpeg"
    frame_bytes = 64 * 48 * 3 // 2
    chunks = body.split(b"FRAME\n")[1:]
    assert len(chunks) == 20 and all(len(c) == frame_bytes for c in chunks)
    luma = [sum(c[: 64 * 48]) / (64 * 48) for c in chunks]
    lit, dark = luma[:10], luma[10:]
    assert min(lit) > 2.5 * max(dark), (lit, dark)
