"""The byte format between the analyzer and its worker processes (stdin and stdout pipes).

A job is a fixed header and the raw RGB pixels; a reply is a 4-byte length and a JSON object.
A "forget" message is a header alone (no pixels, no reply): the side's stream ended, so the
worker drops its hand tracks. Kept apart from both ends so each can be tested without the other.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Any

import orjson

from media.quality.records import Box

MAGIC = b"SDQ2"
JOB = struct.Struct("<4sIIIBffffI")
REPLY_LENGTH = struct.Struct("<I")
DETECT_FACE = 1
HAS_FACE = 2
TRACK = 4  # the worker saw this stream's previous frame: follow its hands from there
FORGET = 8  # no frame: the stream ended
MAX_REPLY_BYTES = 1 << 20
MAX_FRAME_BYTES = 1920 * 1080 * 3


class WireError(ValueError):
    """A malformed job or reply: the other end is broken, so the pipe is closed."""


@dataclass(frozen=True, slots=True)
class JobHeader:
    job_id: int
    width: int
    height: int
    detect_face: bool
    face: Box | None
    stream: int = 0  # the video side, numbered by the analyzer; 0: no stream (a lone image)
    track: bool = False
    forget: bool = False

    @property
    def frame_bytes(self) -> int:
        return 0 if self.forget else self.width * self.height * 3


def forget_job(stream: int) -> JobHeader:
    """The message that ends a stream's hand tracks in a worker."""
    return JobHeader(0, 0, 0, False, None, stream, forget=True)


def encode_job(header: JobHeader) -> bytes:
    flags = (
        (DETECT_FACE if header.detect_face else 0)
        | (HAS_FACE if header.face else 0)
        | (TRACK if header.track else 0)
        | (FORGET if header.forget else 0)
    )
    box = header.face or Box(math.nan, math.nan, math.nan, math.nan)
    return JOB.pack(
        MAGIC,
        header.job_id,
        header.width,
        header.height,
        flags,
        box.x0,
        box.y0,
        box.x1,
        box.y1,
        header.stream,
    )


def decode_job(data: bytes) -> JobHeader:
    magic, job_id, width, height, flags, x0, y0, x1, y1, stream = JOB.unpack(data)
    if magic != MAGIC:
        raise WireError("bad job magic")
    if flags & FORGET:
        return forget_job(stream)
    if not (width > 0 and height > 0 and width * height * 3 <= MAX_FRAME_BYTES):
        raise WireError(f"bad frame size {width}x{height}")
    face = Box(x0, y0, x1, y1) if flags & HAS_FACE else None
    return JobHeader(
        job_id, width, height, bool(flags & DETECT_FACE), face, stream, bool(flags & TRACK)
    )


def encode_reply(reply: dict[str, Any]) -> bytes:
    body = orjson.dumps(reply)
    return REPLY_LENGTH.pack(len(body)) + body


def reply_length(prefix: bytes) -> int:
    (length,) = REPLY_LENGTH.unpack(prefix)
    if length > MAX_REPLY_BYTES:
        raise WireError(f"reply of {length} bytes")
    return int(length)


def decode_reply(body: bytes) -> dict[str, Any]:
    data = orjson.loads(body)
    if not isinstance(data, dict):
        raise WireError("reply is not an object")
    return data
