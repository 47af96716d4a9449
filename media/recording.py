"""Recording a relayed call (issue 5): each side's video to its own WebM or MP4 file.

Only in relay mode, and only when the caller consented to recording before the call. The
recorder reads an unbuffered tap of the side's decoded frames (no second decode) and encodes
them in a worker thread, one frame at a time: while a frame is being encoded the tap keeps only
the newest one, so a slow disk or CPU lowers the recording's frame rate and never builds a queue
or slows the call. aiortc's `MediaRecorder` is not used because it encodes on the event loop.

Files: `<directory>/<opaque id>.<webm|mp4>`, the id 128-bit random (it says nothing of who or
when), the directory mode 0700 and each file 0600, created exclusively (never over another
file). What was written is returned as a `RecordingFile` for the session record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

log = logging.getLogger(__name__)

RecordingFormat = Literal["webm", "mp4"]
TIME_BASE: Final = Fraction(1, 90_000)
FRAME_RATE: Final = 30
BIT_RATE: Final = 1_000_000
DIRECTORY_MODE: Final = 0o700
FILE_MODE: Final = 0o600


@dataclass(frozen=True, slots=True)
class RecordingFile:
    """One side's finished recording, as the session record lists it."""

    recording_id: str
    session_id: str
    side: str
    file_name: str  # relative to the recordings directory
    format: RecordingFormat
    bytes: int
    frames: int
    width: int
    height: int
    started_at: datetime
    ended_at: datetime


def new_recording_id() -> str:
    """128 random bits, hex: a file name that carries no personal data."""
    return secrets.token_hex(16)


def prepare_directory(directory: Path) -> Path:
    """Create the recordings directory (0700) if needed and tighten it if it exists."""
    directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    os.chmod(directory, DIRECTORY_MODE)
    return directory


class SideRecorder:
    """Records one side of one session; `start` once, `stop` once (returns the file)."""

    def __init__(
        self,
        directory: Path,
        session_id: str,
        side: str,
        *,
        fmt: RecordingFormat = "webm",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.directory = directory
        self.session_id = session_id
        self.side = side
        self.format: RecordingFormat = fmt
        self.recording_id = new_recording_id()
        self.file_name = f"{self.recording_id}.{fmt}"
        self._clock = clock
        self._wall_clock = wall_clock
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="recorder")
        self._task: asyncio.Task[None] | None = None
        self._file: BinaryIO | None = None
        self._container: Any = None
        self._stream: Any = None
        self._t0: float | None = None
        self._last_pts = -1
        self.frames = 0
        self.failed = False
        self.started_at = wall_clock()

    @property
    def path(self) -> Path:
        return self.directory / self.file_name

    def start(self, track: MediaStreamTrack) -> None:
        """Create the file and record `track` until `stop`. Raises `OSError` when the file
        cannot be created (the call goes on unrecorded; the caller logs it)."""
        prepare_directory(self.directory)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        self._file = os.fdopen(fd, "wb")
        self.started_at = self._wall_clock()
        self._task = asyncio.create_task(self._record(track), name="recorder")

    def switch(self, track: MediaStreamTrack) -> None:
        """The side reconnected: record its new track into the same file."""
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.create_task(self._record(track), name="recorder")

    async def stop(self) -> RecordingFile | None:
        """Finish the file (flush the encoder, close the container) and describe it; None when
        nothing could be written (the empty file is removed)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        loop = asyncio.get_running_loop()
        try:
            size, width, height = await loop.run_in_executor(self._executor, self._finish)
        finally:
            self._executor.shutdown(wait=False)
        if self.frames == 0 or size == 0:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return None
        return RecordingFile(
            recording_id=self.recording_id,
            session_id=self.session_id,
            side=self.side,
            file_name=self.file_name,
            format=self.format,
            bytes=size,
            frames=self.frames,
            width=width,
            height=height,
            started_at=self.started_at,
            ended_at=self._wall_clock(),
        )

    # -- inside

    async def _record(self, track: MediaStreamTrack) -> None:
        loop = asyncio.get_running_loop()
        while not self.failed:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if not isinstance(frame, av.VideoFrame):
                continue
            now = self._clock()
            if self._t0 is None:
                self._t0 = now
            pts = max(self._last_pts + 1, round((now - self._t0) / TIME_BASE))
            self._last_pts = pts
            try:
                await loop.run_in_executor(self._executor, self._write, frame, pts)
            except Exception:
                self.failed = True
                log.exception("recording %s (%s): writing failed", self.session_id, self.side)

    def _open(self, width: int, height: int) -> None:
        container = av.open(self._file, mode="w", format=self.format)
        if self.format == "webm":
            stream = container.add_stream("libvpx", rate=FRAME_RATE)
            # libvpx's fastest real-time speed, as the relay's own encoder (`media.relay`).
            stream.options = {"deadline": "realtime", "cpu-used": "16", "lag-in-frames": "0"}
        else:
            stream = container.add_stream("libx264", rate=FRAME_RATE)
            stream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = BIT_RATE
        stream.codec_context.time_base = TIME_BASE
        stream.thread_count = 1
        self._container, self._stream = container, stream

    def _write(self, frame: av.VideoFrame, pts: int) -> None:
        """In the worker thread: encode one frame and mux its packets."""
        if self._stream is None:
            self._open(frame.width - frame.width % 2, frame.height - frame.height % 2)
        stream = self._stream
        if (
            frame.width != stream.width
            or frame.height != stream.height
            or frame.format.name != ("yuv420p")
        ):
            frame = frame.reformat(width=stream.width, height=stream.height, format="yuv420p")
        else:
            frame = av.VideoFrame.from_ndarray(frame.to_ndarray(), format="yuv420p")
        frame.pts = pts
        frame.time_base = TIME_BASE
        for packet in stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def _finish(self) -> tuple[int, int, int]:
        """In the worker thread: flush, close, fsync; the file's size and the frame size."""
        width = height = 0
        try:
            if self._stream is not None:
                width, height = self._stream.width, self._stream.height
                for packet in self._stream.encode(None):
                    self._container.mux(packet)
            if self._container is not None:
                self._container.close()
        except Exception:
            log.exception("recording %s (%s): finishing failed", self.session_id, self.side)
        finally:
            self._container = self._stream = None
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.flush()
                    os.fsync(self._file.fileno())
                self._file.close()
                self._file = None
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        return size, width, height
