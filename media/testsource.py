"""Fake-camera videos for browser tests and benchmarks, made on the fly from real photos.

Chromium's `--use-file-for-fake-video-capture` plays a Y4M file in a loop. We build that file from
the hand photos in `../shared/data/hands` (never copied into the repo), and can stamp each frame's
number into a strip of large black and white blocks, so a receiving page can read back which frame
it is showing and measure frame rate and glass-to-glass latency. `make_light_cycle_video` makes
a clip whose light goes out and comes back (each frame darkened on the fly), for the quality
hints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageDraw, ImageEnhance, ImageOps

COUNTER_BITS = 16
COUNTER_STRIP_HEIGHT = 32


def _yuv420_planes(frame: Image.Image) -> bytes:
    """Planar Y, then U and V at half resolution, as Y4M's C420jpeg expects."""
    ycbcr = frame.convert("YCbCr")
    y, cb, cr = ycbcr.split()
    half = (frame.width // 2, frame.height // 2)
    cb = cb.resize(half, Image.Resampling.BILINEAR)
    cr = cr.resize(half, Image.Resampling.BILINEAR)
    return y.tobytes() + cb.tobytes() + cr.tobytes()


def write_y4m(
    out: BinaryIO, frames: Iterable[Image.Image], width: int, height: int, fps: int
) -> int:
    """Write frames (each width x height, RGB) as a Y4M stream; return how many were written."""
    if width % 2 or height % 2:
        raise ValueError("Y4M 4:2:0 needs even width and height")
    out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
    count = 0
    for frame in frames:
        if frame.size != (width, height):
            raise ValueError(f"frame {count} is {frame.size}, expected {(width, height)}")
        out.write(b"FRAME\n")
        out.write(_yuv420_planes(frame))
        count += 1
    return count


def stamp_counter(frame: Image.Image, number: int) -> Image.Image:
    """Draw `number` as COUNTER_BITS blocks across the top strip (white = 1), high bit first.

    Blocks are large so that they survive video compression; a reader samples each block's centre.
    """
    stamped = frame.copy()
    draw = ImageDraw.Draw(stamped)
    block = frame.width // COUNTER_BITS
    for bit in range(COUNTER_BITS):
        on = (number >> (COUNTER_BITS - 1 - bit)) & 1
        colour = (255, 255, 255) if on else (0, 0, 0)
        x0 = bit * block
        draw.rectangle((x0, 0, x0 + block - 1, COUNTER_STRIP_HEIGHT - 1), fill=colour)
    return stamped


def read_counter(frame: Image.Image) -> int:
    """Read back a number stamped by `stamp_counter` (tests of the stamp itself use this)."""
    grey = frame.convert("L")
    block = frame.width // COUNTER_BITS
    value = 0
    for bit in range(COUNTER_BITS):
        centre = (bit * block + block // 2, COUNTER_STRIP_HEIGHT // 2)
        level = grey.getpixel(centre)
        bright = isinstance(level, int | float) and level > 127
        value = (value << 1) | int(bright)
    return value


def fit(photo: Image.Image, width: int, height: int) -> Image.Image:
    """Scale a photo to fill the frame (cropping the overflow), as a camera framing would."""
    return ImageOps.fit(photo.convert("RGB"), (width, height), Image.Resampling.BILINEAR)


def photo_frames(
    photos: Sequence[Path],
    *,
    width: int,
    height: int,
    fps: int,
    seconds_per_photo: float,
    total_frames: int,
    counter: bool,
) -> Iterator[Image.Image]:
    """Frames that cycle through the photos with a slight drift, so every frame differs."""
    if not photos:
        raise ValueError("no photos given")
    fitted = [fit(Image.open(p), width + 16, height + 16) for p in photos]
    per_photo = max(1, round(seconds_per_photo * fps))
    for index in range(total_frames):
        base = fitted[(index // per_photo) % len(fitted)]
        shift = index % 16  # a small pan keeps the encoder producing real frames
        frame = base.crop((shift, shift // 2, shift + width, shift // 2 + height))
        yield stamp_counter(frame, index % (1 << COUNTER_BITS)) if counter else frame


def make_hand_video(
    photos_dir: Path,
    out_path: Path,
    *,
    width: int = 640,
    height: int = 480,
    fps: int = 30,
    seconds: float = 10.0,
    seconds_per_photo: float = 1.0,
    counter: bool = True,
) -> Path:
    """Write a Y4M fake-camera clip from the hand photos; return its path."""
    photos = sorted(
        p for p in photos_dir.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"}
    )
    frames = photo_frames(
        photos,
        width=width,
        height=height,
        fps=fps,
        seconds_per_photo=seconds_per_photo,
        total_frames=round(seconds * fps),
        counter=counter,
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("wb") as out:
        write_y4m(out, frames, width, height, fps)
    return out_path


def darken(frame: Image.Image, factor: float) -> Image.Image:
    """The frame with its brightness scaled by `factor` (0.25: a room with the light off)."""
    return ImageEnhance.Brightness(frame).enhance(factor)


def make_light_cycle_video(
    photos: Sequence[Path],
    out_path: Path,
    *,
    width: int = 640,
    height: int = 480,
    fps: int = 30,
    lit_seconds: float = 8.0,
    dark_seconds: float = 8.0,
    dark_factor: float = 0.25,
) -> Path:
    """A Y4M clip that starts well lit for `lit_seconds`, then goes dark (every frame darkened
    to `dark_factor`) for `dark_seconds`; played in a loop, the light comes back and goes out
    again. The photos cycle as in `make_hand_video`, without the counter strip (its black and
    white blocks would change the picture's light)."""
    if not photos:
        raise ValueError("no photos given")
    lit = round(lit_seconds * fps)
    total = lit + round(dark_seconds * fps)
    frames = photo_frames(
        photos,
        width=width,
        height=height,
        fps=fps,
        seconds_per_photo=lit_seconds / max(1, len(photos)),
        total_frames=total,
        counter=False,
    )
    cycle = (
        frame if index < lit else darken(frame, dark_factor) for index, frame in enumerate(frames)
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("wb") as out:
        write_y4m(out, cycle, width, height, fps)
    return out_path
