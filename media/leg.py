"""The media leg: the server's side of each page's second RTCPeerConnection (issue 5, direct mode).

With quality assistance on, both pages of a video call keep talking to each other P2P and also
send their camera, scaled down (320x240 at 10 fps by default), to the server. Here each such leg
is one aiortc `RTCPeerConnection` (recvonly video) per session and side. A task per leg reads
every decoded frame (so aiortc's queue never grows), measures the received frame rate, and hands
a sample of the frames (at most `sample_fps` a second) to a `FrameSink`: the quality analyzer, or
`CountingSink` when there is none. The sink must not block; it gets the newest frames only.

Who decides: the signaling core says when a leg opens, gets a candidate, or closes
(`signaling.decisions.LegOpen`/`LegCandidate`/`LegClose`); `MediaLegs` does it and reports back
through `LegEvents` (the answer to send, or that a leg ended by itself). Every leg is closed when
its session ends, when a newer offer replaces it, when it fails, and in `close_all` at shutdown;
`MediaLegs` is the only owner of these peer connections (no module-level set, aiortc issue #904).

Bounds: `max_legs` connections, `max_pending` queued operations per leg (candidates beyond are
dropped), an answer within `answer_timeout`, one video track per leg (an offer with anything else
is refused), and `max_streams` entries in `CountingSink`. Logs name legs by id and side; they never
carry SDP, candidates or names. The server never resolves mDNS (`.local`) candidates: a page with
camera access shares its host candidates, and TURN covers the rest.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, Protocol

import av
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import candidate_from_sdp

from media.recording import RecordingFile, RecordingFormat, SideRecorder
from media.relay import RelaySessions, use_marker_jitter_buffer, use_relay_encoder

log = logging.getLogger(__name__)

# The received frame rate is measured over the frames of this many seconds.
FPS_WINDOW_SECONDS: Final = 2.0
# How long closing one RTCPeerConnection may take before it is given up on.
CLOSE_TIMEOUT_SECONDS: Final = 5.0


class FrameSink(Protocol):
    """Where sampled frames go: the quality analyzer, or a stand-in. `submit` must return at once
    (queue the frame or drop it); it runs on the event loop, in the leg's reading task.

    `side` is "caller" or "interpreter"; `received_fps` is the rate at which this leg's frames
    arrive at the server (at most the leg's `max_fps`, not the P2P call's rate)."""

    def submit(
        self, session_id: str, side: str, frame: av.VideoFrame, received_fps: float
    ) -> None: ...


class CountingSink:
    """The default sink without an analyzer: counts frames per (session, side), keeps nothing else.
    At most `max_streams` streams are remembered (the oldest is forgotten first)."""

    def __init__(self, max_streams: int = 1024) -> None:
        self.max_streams = max_streams
        self._streams: OrderedDict[tuple[str, str], _StreamCount] = OrderedDict()
        self.total = 0

    def submit(self, session_id: str, side: str, frame: av.VideoFrame, received_fps: float) -> None:
        key = (session_id, side)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _StreamCount()
            while len(self._streams) > self.max_streams:
                self._streams.popitem(last=False)
        stream.frames += 1
        stream.fps = received_fps
        stream.size = (frame.width, frame.height)
        self.total += 1

    def streams(self) -> list[tuple[str, str]]:
        """The (session, side) pairs remembered, oldest first."""
        return list(self._streams)

    def frames(self, session_id: str, side: str) -> int:
        stream = self._streams.get((session_id, side))
        return stream.frames if stream is not None else 0

    def last(self, session_id: str, side: str) -> tuple[float, tuple[int, int]] | None:
        """The latest received frame rate and frame size of a stream."""
        stream = self._streams.get((session_id, side))
        return (stream.fps, stream.size) if stream is not None else None


@dataclass(slots=True)
class _StreamCount:
    frames: int = 0
    fps: float = 0.0
    size: tuple[int, int] = (0, 0)


def quality_module_available() -> bool:
    """True when the quality analyzer (`media.quality`, with mediapipe from the `quality` extra)
    can be imported. Looks the modules up without importing them (mediapipe is slow to load)."""
    try:
        return (
            importlib.util.find_spec("media.quality") is not None
            and importlib.util.find_spec("mediapipe") is not None
        )
    except (ImportError, ValueError):
        return False


def quality_assistance_on(setting: Literal["auto", "on", "off"]) -> bool:
    """The `quality_assistance` setting resolved: `auto` is on when the quality module is there."""
    if setting == "auto":
        return quality_module_available()
    return setting == "on"


@dataclass(frozen=True, slots=True)
class LegLimits:
    """Bounds of the media legs of one process; each is a setting with a finite default."""

    max_legs: int = 64
    sample_fps: float = 5.0  # frames per second and leg handed to the sink, at most
    answer_timeout: float = 10.0  # seconds to answer an offer (gathering included)
    max_pending: int = 64  # operations (candidates) queued for one leg
    max_sdp_chars: int = 16 * 1024

    def __post_init__(self) -> None:
        if self.max_legs < 1 or self.max_pending < 1 or self.max_sdp_chars < 1:
            raise ValueError("leg limits must be at least 1")
        if not (self.sample_fps > 0 and self.answer_timeout > 0):
            raise ValueError("sample_fps and answer_timeout must be positive")


@dataclass(frozen=True, slots=True)
class LegRef:
    """Which leg: its id (from the core), session, side, and where its answer goes (the page's
    connection id, opaque here). `relay`: the leg carries the call itself (relay mode, sendrecv:
    `media.relay`); `record`: this side is recorded (relay mode, the caller consented)."""

    leg_id: str
    session_id: str
    side: str
    reply_to: str
    relay: bool = False
    record: bool = False


@dataclass(frozen=True, slots=True)
class RecordingPlace:
    """Where relayed sessions are recorded (`media.recording`)."""

    directory: Path
    format: RecordingFormat = "webm"


class LegEvents(Protocol):
    """What a leg tells its owner (the signaling shell)."""

    async def answered(self, leg: LegRef, sdp: str) -> None:
        """Send this answer to the page (`leg_answer`)."""

    async def ended(self, leg: LegRef, *, answered: bool) -> None:
        """The leg ended by itself: it failed before (`answered` False) or after its answer, or
        the page closed it. Not called for a leg closed on request (`close`, `close_all`)."""

    async def recorded(self, leg: LegRef, recording: RecordingFile) -> None:
        """A side's recording file is finished (its leg closed): list it in the record."""


class LegRefused(Exception):
    """An offer the leg will not answer (not exactly one video track, too long, ...)."""


PeerFactory = Callable[[RTCConfiguration], RTCPeerConnection]
Candidate = dict[str, Any]  # `RTCIceCandidate.toJSON()`: candidate, sdpMid, sdpMLineIndex, ...


def check_offer(sdp: str, max_chars: int) -> str:
    """The offer to answer: exactly one `m=video` section and nothing else; mDNS candidates are
    dropped (the server never sends multicast queries). Raises `LegRefused`."""
    if len(sdp) > max_chars:
        raise LegRefused("offer too long")
    lines = sdp.splitlines()
    media = [line for line in lines if line.startswith("m=")]
    if len(media) != 1 or not media[0].startswith("m=video "):
        raise LegRefused("a leg carries one video track and nothing else")
    kept = [line for line in lines if not (line.startswith("a=candidate:") and _mdns(line))]
    return "\r\n".join(kept) + "\r\n"


def _mdns(candidate_line: str) -> bool:
    parts = candidate_line.split()
    return len(parts) > 4 and parts[4].endswith(".local")


class _Leg:
    __slots__ = ("answered", "closing", "ops", "pc", "reader", "recorder", "ref", "runner", "tap")

    def __init__(self, ref: LegRef, pc: RTCPeerConnection, max_pending: int) -> None:
        self.ref = ref
        self.pc = pc
        self.ops: asyncio.Queue[Candidate | None] = asyncio.Queue(max_pending)
        self.runner: asyncio.Task[None] | None = None
        self.reader: asyncio.Task[None] | None = None
        self.answered = False
        self.closing = False
        self.tap: MediaStreamTrack | None = None  # relay mode: the reader's view of the camera
        self.recorder: SideRecorder | None = None


class MediaLegs:
    """Every server-side RTCPeerConnection of this process, by leg id."""

    def __init__(
        self,
        events: LegEvents,
        *,
        sink: FrameSink | None = None,
        limits: LegLimits | None = None,
        ice_servers: Sequence[RTCIceServer] = (),
        peer_factory: PeerFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        recording: RecordingPlace | None = None,
    ) -> None:
        self.events = events
        self.sink: FrameSink = sink if sink is not None else CountingSink()
        self.limits = limits or LegLimits()
        # Always a list: with None aiortc would ask a public STUN server.
        self._ice_servers = list(ice_servers)
        self._peer_factory: PeerFactory = peer_factory or new_peer_connection
        self._clock = clock
        self._legs: dict[str, _Leg] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.relays = RelaySessions()
        self.recording = recording
        self.closed = False

    @property
    def open_count(self) -> int:
        return len(self._legs)

    def leg_ids(self) -> list[str]:
        return list(self._legs)

    # -- what the core asks for

    def open(self, ref: LegRef, sdp: str) -> None:
        """Answer the page's offer in the background; `events.answered` follows, or
        `events.ended(answered=False)` when it cannot be opened."""
        if ref.leg_id in self._legs:
            return
        if self.closed or len(self._legs) >= self.limits.max_legs:
            log.warning("leg %s (%s): refused, %s", ref.leg_id, ref.side, "closed or full")
            self._spawn(self.events.ended(ref, answered=False))
            return
        pc = self._peer_factory(RTCConfiguration(iceServers=list(self._ice_servers)))
        leg = _Leg(ref, pc, self.limits.max_pending)
        self._legs[ref.leg_id] = leg

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "video" and leg.reader is None and not leg.closing:
                if ref.relay:
                    track = self._relay_incoming(leg, track)
                leg.reader = asyncio.create_task(self._read(leg, track), name="leg-reader")

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if pc.connectionState in ("failed", "closed") and not leg.closing:
                log.info("leg %s (%s): connection %s", ref.leg_id, ref.side, pc.connectionState)
                self._end(leg)

        leg.runner = asyncio.create_task(self._run(leg, sdp), name="leg-runner")
        log.info("leg %s (%s): opening", ref.leg_id, ref.side)

    def add_candidate(self, leg_id: str, candidate: Candidate | None) -> None:
        """A trickled candidate of the page (None: the end of them), applied after the answer.
        Dropped when the leg is unknown or too many are waiting."""
        leg = self._legs.get(leg_id)
        if leg is None or leg.closing:
            return
        try:
            leg.ops.put_nowait(candidate)
        except asyncio.QueueFull:
            log.warning("leg %s: too many pending candidates; one dropped", leg_id)

    def close(self, leg_id: str) -> None:
        """Close a leg (its session ended or a new offer replaced it). Unknown ids are ignored."""
        leg = self._legs.pop(leg_id, None)
        if leg is not None:
            self._spawn(self._close(leg))

    def stop_recording(self, session_id: str) -> None:
        """The caller withdrew the recording consent: finish this session's files now; its legs
        (and the call) go on unrecorded."""
        for leg in self._legs.values():
            if leg.ref.session_id == session_id and leg.recorder is not None:
                self._spawn(self._finish_recording(leg, leg.recorder))

    async def close_all(self) -> None:
        """At shutdown: close every leg and wait (bounded) for all of them and their tasks."""
        self.closed = True
        for leg_id in list(self._legs):
            self.close(leg_id)
        await self.drain()
        self.relays.close_all()

    async def drain(self) -> None:
        """Wait for the closes and reports in flight (bounded by `CLOSE_TIMEOUT_SECONDS`)."""
        while self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=CLOSE_TIMEOUT_SECONDS)
            if pending:
                for task in pending:
                    task.cancel()
                await asyncio.wait(pending, timeout=CLOSE_TIMEOUT_SECONDS)
                self._tasks.difference_update(pending)

    # -- inside

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _end(self, leg: _Leg) -> None:
        """The leg failed or was closed by the page: close it and tell the owner."""
        if self._legs.get(leg.ref.leg_id) is not leg:
            return
        del self._legs[leg.ref.leg_id]
        self._spawn(self._close(leg, report=True))

    def _relay_incoming(self, leg: _Leg, track: MediaStreamTrack) -> MediaStreamTrack:
        """Relay mode: the page's camera goes to the other side, to the recorder (with
        consent), and to the reader (returned)."""
        ref = leg.ref
        session = self.relays.get(ref.session_id)
        tap = session.incoming(ref.side, ref.leg_id, track)
        leg.tap = tap
        if ref.record and self.recording is not None:
            recorder = SideRecorder(
                self.recording.directory, ref.session_id, ref.side, fmt=self.recording.format
            )
            recording_tap = session.tap(ref.side)
            try:
                if recording_tap is not None:
                    recorder.start(recording_tap)
                    leg.recorder = recorder
            except OSError:
                log.exception("leg %s (%s): the recording could not start", ref.leg_id, ref.side)
        return tap

    async def _close(self, leg: _Leg, *, report: bool = False) -> None:
        leg.closing = True
        current = asyncio.current_task()
        tasks = [t for t in (leg.runner, leg.reader) if t is not None and t is not current]
        for task in tasks:
            task.cancel()
        if leg.ref.relay:
            self._relay_closed(leg)
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await leg.pc.close()
        except TimeoutError:
            log.warning("leg %s: close timed out", leg.ref.leg_id)
        except Exception:  # a broken transport must not stop the other closes
            log.exception("leg %s: close failed", leg.ref.leg_id)
        if tasks:
            await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT_SECONDS)
        log.info("leg %s (%s): closed", leg.ref.leg_id, leg.ref.side)
        if leg.recorder is not None:
            await self._finish_recording(leg, leg.recorder)
        if report:
            try:
                await self.events.ended(leg.ref, answered=leg.answered)
            except Exception:
                log.exception("leg %s: reporting its end failed", leg.ref.leg_id)

    def _relay_closed(self, leg: _Leg) -> None:
        ref = leg.ref
        if leg.tap is not None:
            leg.tap.stop()
        session = self.relays.find(ref.session_id)
        if session is None:
            return
        session.leg_closed(ref.side, ref.leg_id)
        if not any(
            other.ref.session_id == ref.session_id and other.ref.relay
            for other in self._legs.values()
        ):
            self.relays.discard(ref.session_id)

    async def _finish_recording(self, leg: _Leg, recorder: SideRecorder) -> None:
        leg.recorder = None
        try:
            recording = await recorder.stop()
        except Exception:
            log.exception("leg %s: the recording could not be finished", leg.ref.leg_id)
            return
        if recording is None:
            return
        log.info(
            "leg %s (%s): recorded %d frames, %d bytes",
            leg.ref.leg_id,
            leg.ref.side,
            recording.frames,
            recording.bytes,
        )
        try:
            await self.events.recorded(leg.ref, recording)
        except Exception:
            log.exception("leg %s: listing the recording failed", leg.ref.leg_id)

    async def _run(self, leg: _Leg, sdp: str) -> None:
        """Answer the offer, then apply the page's candidates in the order they came."""
        pc, ref = leg.pc, leg.ref
        try:
            offer = check_offer(sdp, self.limits.max_sdp_chars)
            async with asyncio.timeout(self.limits.answer_timeout):
                await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
                outgoing = None
                if ref.relay:  # the call itself: the other side's video goes back
                    use_marker_jitter_buffer(pc)
                    outgoing = self.relays.get(ref.session_id).outgoing(ref.side, ref.leg_id)
                    pc.addTrack(outgoing)
                for transceiver in pc.getTransceivers():
                    transceiver.direction = "sendrecv" if ref.relay else "recvonly"
                await pc.setLocalDescription(await pc.createAnswer())
                if outgoing is not None:
                    use_relay_encoder(pc, outgoing)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bad offer, a timeout, or aiortc refusing it
            log.info("leg %s (%s): not opened (%s)", ref.leg_id, ref.side, type(exc).__name__)
            self._end(leg)
            return
        local = pc.localDescription
        leg.answered = True
        await self.events.answered(ref, local.sdp)
        while True:
            candidate = await leg.ops.get()
            try:
                await pc.addIceCandidate(_ice_candidate(candidate))
            except Exception as exc:  # a malformed or stale candidate: skip it
                log.debug("leg %s: candidate skipped (%s)", ref.leg_id, type(exc).__name__)

    async def _read(self, leg: _Leg, track: MediaStreamTrack) -> None:
        """Read every frame (aiortc queues them unbounded otherwise); sample some for the sink."""
        ref, sink = leg.ref, self.sink
        interval = 1.0 / self.limits.sample_fps
        window: deque[float] = deque(maxlen=int(FPS_WINDOW_SECONDS * 240) + 1)
        next_at = 0.0
        failures = 0
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            now = self._clock()
            window.append(now)
            while window and now - window[0] > FPS_WINDOW_SECONDS:
                window.popleft()
            if now < next_at or not isinstance(frame, av.VideoFrame):
                continue
            next_at = now + interval
            span = now - window[0]
            fps = (len(window) - 1) / span if span > 0 else 0.0
            try:
                sink.submit(ref.session_id, ref.side, frame, fps)
            except Exception:  # the analyzer's bug must not end the leg (or the call)
                failures += 1
                if failures == 1:
                    log.exception("leg %s: the frame sink failed", ref.leg_id)


def new_peer_connection(configuration: RTCConfiguration) -> RTCPeerConnection:
    """The default `PeerFactory` (tests replace it to watch every connection the server makes)."""
    return RTCPeerConnection(configuration=configuration)


def _ice_candidate(candidate: Candidate | None) -> Any:
    """A browser's `RTCIceCandidate.toJSON()` as aiortc's candidate; None (or an empty one) ends
    the candidates. Raises `ValueError` for one that cannot be used (mDNS, malformed)."""
    if candidate is None or not candidate.get("candidate"):
        return None
    line = str(candidate["candidate"])
    if line.startswith("candidate:"):
        line = line[len("candidate:") :]
    parsed = candidate_from_sdp(line)
    if parsed.ip.endswith(".local"):
        raise ValueError("mDNS candidates are not resolved")
    parsed.sdpMid = candidate.get("sdpMid")
    parsed.sdpMLineIndex = candidate.get("sdpMLineIndex")
    return parsed
