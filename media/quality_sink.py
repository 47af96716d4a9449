"""The media leg's frames into the quality analyzer (issue 5): an analyzer-backed `FrameSink`.

`MediaLegs` calls `submit` on the event loop for each sampled frame of a leg. Here it costs a
dictionary look-up unless the analyzer wants the frame (`Analyzer.due`); only then is the frame
converted to RGB (`to_ndarray`, about a third of a millisecond at 320x240) and handed to
`Analyzer.submit` in a task of its own, so the leg's reading task never waits. At most one such
task per (session, side) exists at a time; a frame that finds one still queued is skipped.

Sessions are registered by the signaling shell when their first leg opens or their first
`stats` come (`open_session`, `received`), and ended when the session ends (`end_session`, which
returns the analyzer's quality summary for the record); the core bounds how many are open.
Frames of sessions that are not registered (never opened, or already ended) are ignored, so a
late frame never brings an ended session back to life in the analyzer.

The frame rate and resolution the hints `low_frame_rate` and `low_resolution` need are those of
the call itself as the other member receives it, which the pages report in `stats`
(`received`). The leg's own numbers (`received_fps` of `submit`, the frame's size) describe the
scaled-down copy sent for analysis and are not used for hints.

Nothing here is logged with names or frames: only session ids, sides and counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import av

from media.quality import QualityStatus
from media.quality.analyzer import Analyzer, QualityEvent, Submit

log = logging.getLogger(__name__)

# Frames wider than this (relay mode taps the call's own 640x480 video) are scaled down before
# analysis: the hand model works at this size, and the copy to the worker stays small.
ANALYSIS_MAX_WIDTH = 320


@dataclass(frozen=True, slots=True)
class ReceivedStream:
    """A side's video as the other member's page last reported receiving it."""

    fps: float | None
    resolution: tuple[int, int] | None


class QualitySink:
    """A `media.leg.FrameSink` feeding an `Analyzer`; see the module docstring."""

    def __init__(self, analyzer: Analyzer, *, max_sessions: int | None = None) -> None:
        self.analyzer = analyzer
        self.max_sessions = max_sessions or analyzer.config.max_sessions
        self._sessions: dict[str, dict[str, ReceivedStream]] = {}
        self._pending: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._starting: asyncio.Task[QualityStatus] | None = None
        self.offered = 0  # frames the legs offered
        self.skipped = 0  # not due, not registered, or one already on its way
        self.outcomes: Counter[Submit] = Counter()  # what `Analyzer.submit` did with the rest

    # -- lifecycle

    @property
    def status(self) -> QualityStatus:
        return self.analyzer.status

    def start(self) -> None:
        """Start the analyzer's workers in the background (loading MediaPipe takes seconds);
        until they are ready `due` is false and frames are skipped."""
        if self._starting is None:
            self._starting = asyncio.create_task(self._start(), name="quality-start")

    async def _start(self) -> QualityStatus:
        status = await self.analyzer.start()
        log.info("%s", status.describe())
        return status

    async def started(self) -> QualityStatus:
        """Wait for the start begun by `start` (for tests and tools)."""
        if self._starting is None:
            return self.analyzer.status
        return await asyncio.shield(self._starting)

    def listen(self, callback: Callable[[QualityEvent], None] | None) -> None:
        """Who hears of hint and active-signer changes (the signaling shell)."""
        self.analyzer.on_event = callback

    async def close(self) -> None:
        """Stop a start in progress and every worker; forget every session."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        if self._starting is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._starting
        pending = list(self._pending.values())
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        self._pending.clear()
        self._sessions.clear()
        await self.analyzer.close()

    # -- sessions (the signaling shell)

    def open_session(self, session_id: str) -> bool:
        """Analyse this session's frames from now on; False when too many are open."""
        if session_id in self._sessions:
            return True
        if len(self._sessions) >= self.max_sessions:
            log.warning("quality: too many sessions; session %s is not analysed", session_id)
            return False
        self._sessions[session_id] = {}
        return True

    def end_session(self, session_id: str) -> dict[str, Any] | None:
        """Stop analysing the session; return its quality summary (None if nothing was seen)."""
        self._sessions.pop(session_id, None)
        for key in [k for k in self._pending if k[0] == session_id]:
            self._pending.pop(key).cancel()
        return self.analyzer.end_session(session_id)

    def received(
        self, session_id: str, side: str, fps: float | None, resolution: tuple[int, int] | None
    ) -> None:
        """The other member's page reported how `side`'s video reaches it (`stats`). This may
        come before the session's first leg opens; it opens the session then."""
        if not self.open_session(session_id):
            return
        streams = self._sessions[session_id]
        if side in streams or len(streams) < self.analyzer.config.max_sides:
            streams[side] = ReceivedStream(fps, resolution)

    def sessions(self) -> list[str]:
        return list(self._sessions)

    def stream(self, session_id: str, side: str) -> ReceivedStream | None:
        """What the pages last reported about `side`'s video, if anything."""
        return self._sessions.get(session_id, {}).get(side)

    # -- FrameSink

    def submit(self, session_id: str, side: str, frame: av.VideoFrame, received_fps: float) -> None:
        """A sampled frame of a leg (on the event loop; never waits). `received_fps` is the
        leg's own rate and is not used: see the module docstring."""
        del received_fps
        self.offered += 1
        streams = self._sessions.get(session_id)
        key = (session_id, side)
        if streams is None or key in self._pending or not self.analyzer.due(session_id, side):
            self.skipped += 1
            return
        if frame.width > ANALYSIS_MAX_WIDTH:  # relay mode: the call's own frames, scaled here
            height = round(frame.height * ANALYSIS_MAX_WIDTH / frame.width / 2) * 2
            rgb = frame.to_ndarray(width=ANALYSIS_MAX_WIDTH, height=height, format="rgb24")
        else:
            rgb = frame.to_ndarray(format="rgb24")
        stream = streams.get(side)
        fps = stream.fps if stream is not None else None
        resolution = stream.resolution if stream is not None else None
        task = asyncio.get_running_loop().create_task(
            self._submit(session_id, side, rgb, fps, resolution), name="quality-submit"
        )
        self._pending[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))

    async def _submit(
        self,
        session_id: str,
        side: str,
        rgb: Any,
        fps: float | None,
        resolution: tuple[int, int] | None,
    ) -> None:
        if session_id not in self._sessions:  # ended while the task waited to run
            return
        outcome = await self.analyzer.submit(session_id, side, rgb, fps, resolution)
        self.outcomes[outcome] += 1

    def _finished(self, key: tuple[str, str], task: asyncio.Task[None]) -> None:
        if self._pending.get(key) is task:
            del self._pending[key]
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:  # the analyzer's bug must not end the leg (or the call)
            log.error("quality: a frame of session %s could not be submitted: %r", key[0], error)
