"""The analyzer service: sampled frames go to worker processes, results become hints and activity.

The shell around the pure parts. Each video side (a session's caller or interpreter) has a slot
holding at most one frame waiting for a worker: a newer frame replaces it and the older one counts
as dropped. Each worker holds at most one frame. `submit` never waits: it copies the frame into
the slot (or hands it straight to an idle worker) and returns. How often a side is sampled adapts
to the load (`sampling.py`), so under overload every session gets fewer analyses rather than
late ones. Each side is a numbered stream whose hands the worker follows from frame to frame
(`detector.HandTracker`); a side's frames go back to the worker that saw its last one when it is
free, and a worker that did not see it detects the hands afresh. The workers run at a lower CPU
priority than the server; `close()` ends them all.

MediaPipe is never imported here: when it is missing, `start()` reports "quality assistance off"
and every `submit` returns `Submit.OFF`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from media.quality import QUIET_ENV, QualityStatus, quality_status
from media.quality.activity import ActivityRules, ActivityTracker
from media.quality.hints import (
    Hint,
    HintEngine,
    HysteresisRules,
    StreamInfo,
    Thresholds,
    evaluate_frame,
    ordered,
)
from media.quality.records import Box, FrameAnalysis
from media.quality.sampling import LoadSample, SamplingPolicy, next_due, next_rate
from media.quality.signer import ActiveSigner, SignerRules
from media.quality.summary import SessionSummary
from media.quality.wire import (
    MAX_FRAME_BYTES,
    REPLY_LENGTH,
    JobHeader,
    WireError,
    decode_reply,
    encode_job,
    forget_job,
    reply_length,
)

if TYPE_CHECKING:
    from media.quality.metrics import Frame

logger = logging.getLogger(__name__)
PIPE_BYTES = 1 << 20  # a whole 640x480 frame fits in the pipe, so a write never waits
EARLY_SHARE = 0.25


def default_workers() -> int:
    """All cores but one, which stays for the server and the calls."""
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    """Every limit of the analyzer, with a finite default."""

    workers: int = field(default_factory=default_workers)
    model_complexity: int = 0  # lite: on 320x240 call frames it finds as many hands as full
    detector: str = "mediapipe"  # "null" finds nothing: for plumbing tests and overhead
    sampling: SamplingPolicy = field(default_factory=SamplingPolicy)
    face_interval: float = 2.0  # seconds between face detections per side (scale and light)
    tracking: bool = True  # follow each side's hands (video mode); False: detect every frame
    redetect_every: int = 5  # followed frames per side between full hand detections
    max_streams: int = 256  # sides whose hand tracks one worker keeps (least recent go first)
    worker_depth: int = 2  # frames per worker: one analysed, one waiting in its pipe (no gap)
    max_sessions: int = 500
    max_sides: int = 4  # video sides per session (caller, interpreter, a third party, spare)
    max_frame_bytes: int = MAX_FRAME_BYTES
    start_timeout: float = 60.0  # loading mediapipe and its models in a worker
    job_timeout: float = 5.0  # a worker silent this long on one frame is killed and replaced
    max_restarts: int = 10
    nice: int = 10
    delay_ms: float = 0.0  # extra time per frame in the worker (overload tests)
    # The frames are scaled-down copies (the media leg in direct mode): their size says nothing
    # about the call's resolution, so `low_resolution` needs the received size from the pages.
    frames_are_copies: bool = False
    thresholds: Thresholds = field(default_factory=Thresholds)
    hysteresis: HysteresisRules = field(default_factory=HysteresisRules)
    activity: ActivityRules = field(default_factory=ActivityRules)
    signer: SignerRules = field(default_factory=SignerRules)


class Submit(StrEnum):
    """What `submit` did with a frame."""

    ANALYSING = "analysing"  # handed to an idle worker
    QUEUED = "queued"  # waiting in the side's empty slot
    REPLACED = "replaced"  # waiting, and the older waiting frame was dropped
    NOT_DUE = "not_due"  # this side was sampled recently enough
    REJECTED = "rejected"  # too many sessions or sides, or a frame too large or malformed
    OFF = "off"  # quality assistance is off (not started, mediapipe missing, or closed)


@dataclass(frozen=True, slots=True)
class HintsChanged:
    session_id: str
    side: str
    hints: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActiveSignerChanged:
    session_id: str
    side: str | None


QualityEvent = HintsChanged | ActiveSignerChanged


@dataclass(frozen=True, slots=True)
class SideView:
    hints: tuple[str, ...]
    activity: float
    signing: bool
    analysed: int
    dropped: int


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session's current state, as the media leg would send it to the pages."""

    sides: dict[str, SideView]
    active_signer: str | None
    pinned: str | None


@dataclass(slots=True)
class AnalyzerStats:
    submitted: int = 0
    not_due: int = 0
    sampled: int = 0
    dropped: int = 0
    analysed: int = 0
    failed: int = 0
    rejected: int = 0
    restarts: int = 0
    worker_cpu_seconds: float = 0.0
    rate: float = 0.0
    utilisation: float = 0.0
    workers_alive: int = 0


@dataclass(slots=True)
class _Side:
    engine: HintEngine
    activity: ActivityTracker
    stream: int  # the side's number at the workers (their hand tracks)
    last_worker: int | None = None  # pid of the worker that saw the side's last frame
    due: float = 0.0
    face: Box | None = None
    face_at: float | None = None
    fps: float | None = None
    resolution: tuple[int, int] | None = None
    busy: bool = False
    analysed: int = 0
    dropped: int = 0


@dataclass(slots=True)
class _Session:
    signer: ActiveSigner
    summary: SessionSummary
    sides: dict[str, _Side] = field(default_factory=dict)


@dataclass(slots=True)
class _Pending:
    data: bytes
    width: int
    height: int
    at: float
    fps: float | None
    resolution: tuple[int, int] | None


@dataclass(slots=True)
class _Job:
    key: tuple[str, str]
    job_id: int
    pending: _Pending
    started: float


@dataclass(slots=True)
class _Worker:
    proc: asyncio.subprocess.Process
    reader: asyncio.Task[None] | None = None
    jobs: deque[_Job] = field(default_factory=deque)  # sent, not answered; at most worker_depth
    busy_since: float | None = None
    busy_seconds: float = 0.0  # within the current load period
    alive: bool = True


class Analyzer:
    """Quality analysis for many sessions; see the module docstring. Use from one event loop."""

    def __init__(
        self,
        config: AnalyzerConfig | None = None,
        *,
        on_event: Callable[[QualityEvent], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or AnalyzerConfig()
        self.status = QualityStatus(False, "not started")
        self.stats = AnalyzerStats(rate=self.config.sampling.target_rate)
        # Who hears of hint and active-signer changes (the signaling shell sets it after start).
        self.on_event = on_event
        self._clock = clock
        self._sessions: dict[str, _Session] = {}
        self._waiting: dict[tuple[str, str], _Pending] = {}  # insertion order = arrival order
        self._workers: list[_Worker] = []
        self._job_ids = itertools.count(1)
        self._stream_ids = itertools.count(1)
        self._side_count = 0
        self._face_sent_at: float | None = None
        self._tick: asyncio.Task[None] | None = None
        self._respawns: set[asyncio.Task[None]] = set()
        self._closing = False
        self._period_dropped = 0
        self._period_started = 0.0

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> QualityStatus:
        """Start the workers; return whether quality assistance is on (and why not)."""
        if self.config.detector == "mediapipe":
            found = quality_status()
            if not found.enabled:
                self.status = found
                logger.info("%s", found.describe())
                return found
        results = await asyncio.gather(
            *(self._spawn() for _ in range(max(1, self.config.workers))), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if not self._workers:
            reason = f"workers did not start: {errors[0]}" if errors else "no workers"
            self.status = QualityStatus(False, reason)
            logger.warning("quality assistance off: %s", reason)
            return self.status
        for error in errors:
            logger.warning("a quality worker did not start: %s", error)
        self._period_started = self._clock()
        self._tick = asyncio.create_task(self._run_ticks(), name="quality-tick")
        self.status = QualityStatus(True, "")
        return self.status

    async def close(self) -> None:
        """Stop every worker process (closing its stdin, then killing it if it lingers)."""
        self._closing = True
        self.status = QualityStatus(False, "closed")
        tasks = [t for t in (self._tick, *self._respawns) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await asyncio.gather(*(self._stop(w) for w in self._workers))
        self._workers.clear()
        self._waiting.clear()
        self.stats.workers_alive = 0

    async def __aenter__(self) -> Analyzer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def worker_pids(self) -> list[int]:
        return [w.proc.pid for w in self._workers]

    # --- the media leg's side -----------------------------------------------------------------

    def due(self, session_id: str, side: str) -> bool:
        """Whether a frame of this side would be sampled now (to skip converting frames)."""
        if not self.status.enabled:
            return False
        session = self._sessions.get(session_id)
        state = session.sides.get(side) if session else None
        return state is None or self._clock() >= state.due - EARLY_SHARE / self.stats.rate

    async def submit(
        self,
        session_id: str,
        side: str,
        frame: Frame,
        received_fps: float | None = None,
        resolution: tuple[int, int] | None = None,
    ) -> Submit:
        """Offer one decoded RGB frame (height x width x 3, uint8); never waits for analysis.

        `received_fps` and `resolution` describe the call's stream as received (from the
        browser's stats or the relayed track), which may differ from this sampled copy.
        """
        if not self.status.enabled:
            return Submit.OFF
        self.stats.submitted += 1
        state = self._side(session_id, side)
        if state is None:
            self.stats.rejected += 1
            return Submit.REJECTED
        if received_fps is not None:
            state.fps = received_fps
        if resolution is not None:
            state.resolution = resolution
        now = self._clock()
        # A frame up to a quarter interval early counts as on time: camera timing jitters, and
        # skipping it would halve the rate when frames come at twice the sampling rate.
        if now < state.due - EARLY_SHARE / self.stats.rate:
            self.stats.not_due += 1
            return Submit.NOT_DUE
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.nbytes > self.config.max_frame_bytes:
            self.stats.rejected += 1
            return Submit.REJECTED
        state.due = next_due(state.due, now, self.stats.rate)
        self.stats.sampled += 1
        key = (session_id, side)
        height, width = frame.shape[:2]
        pending = _Pending(frame.tobytes(), width, height, now, state.fps, state.resolution)
        outcome = Submit.QUEUED
        if key in self._waiting:
            self.stats.dropped += 1
            self._period_dropped += 1
            state.dropped += 1
            outcome = Submit.REPLACED
        self._waiting[key] = pending
        if self._dispatch() and key not in self._waiting:
            return Submit.ANALYSING
        return outcome

    def hints(self, session_id: str, side: str) -> frozenset[Hint]:
        state = self._peek(session_id, side)
        return state.engine.active if state else frozenset()

    def activity(self, session_id: str, side: str) -> float:
        state = self._peek(session_id, side)
        return state.activity.level if state else 0.0

    def active_signer(self, session_id: str) -> str | None:
        session = self._sessions.get(session_id)
        return session.signer.active if session else None

    def pin(self, session_id: str, side: str | None) -> str | None:
        """Pin a side to the spotlight, or release the pin with None."""
        session = self._sessions.get(session_id)
        if session is None:
            return None
        before = session.signer.active
        after = session.signer.pin(side)
        if after != before:
            self._emit(ActiveSignerChanged(session_id, after))
        return after

    def view(self, session_id: str) -> SessionView | None:
        session = self._sessions.get(session_id)
        if session is None:
            return None
        sides = {
            name: SideView(
                hints=tuple(h.value for h in ordered(set(s.engine.active))),
                activity=round(s.activity.level, 3),
                signing=session.signer.signing(name),
                analysed=s.analysed,
                dropped=s.dropped,
            )
            for name, s in session.sides.items()
        }
        return SessionView(sides, session.signer.active, session.signer.pinned)

    def summary(self, session_id: str) -> dict[str, Any] | None:
        session = self._sessions.get(session_id)
        return session.summary.to_dict() if session else None

    def end_session(self, session_id: str) -> dict[str, Any] | None:
        """Forget a session; return its quality summary for the record."""
        session = self._sessions.pop(session_id, None)
        if session is None:
            return None
        self._side_count -= len(session.sides)
        for side, state in session.sides.items():
            self._waiting.pop((session_id, side), None)
            if state.last_worker is not None:
                self._forget(state.stream)
        session.summary.finish(self._clock())
        return session.summary.to_dict()

    # --- internals ----------------------------------------------------------------------------

    def _peek(self, session_id: str, side: str) -> _Side | None:
        session = self._sessions.get(session_id)
        return session.sides.get(side) if session else None

    def _side(self, session_id: str, side: str) -> _Side | None:
        session = self._sessions.get(session_id)
        if session is None:
            if len(self._sessions) >= self.config.max_sessions:
                return None
            session = _Session(
                ActiveSigner(self.config.signer),
                SessionSummary(self._clock(), max_gap=self.config.hysteresis.max_gap),
            )
            self._sessions[session_id] = session
        state = session.sides.get(side)
        if state is None:
            if len(session.sides) >= self.config.max_sides:
                return None
            state = _Side(
                HintEngine(self.config.hysteresis),
                ActivityTracker(self.config.activity),
                next(self._stream_ids),
            )
            self._side_count += 1
            session.sides[side] = state
        return state

    def _dispatch(self) -> bool:
        """Hand waiting frames to workers, oldest first, idle workers first; True if any sent."""
        sent = False
        for depth in range(1, self.config.worker_depth + 1):
            for worker in self._workers:
                while worker.alive and len(worker.jobs) < depth:
                    key = self._next_key(worker)
                    if key is None:
                        return sent
                    pending = self._waiting.pop(key)
                    state = self._peek(*key)
                    if state is not None:
                        sent = self._send(worker, key, state, pending) or sent
        return sent

    def _send(self, worker: _Worker, key: tuple[str, str], state: _Side, pending: _Pending) -> bool:
        stdin = worker.proc.stdin
        if stdin is None or stdin.is_closing():
            self._waiting[key] = pending
            worker.alive = False
            return False
        now = self._clock()
        job = _Job(key, next(self._job_ids), pending, now)
        pid = worker.proc.pid
        header = JobHeader(
            job.job_id,
            pending.width,
            pending.height,
            self._face_due(state, now),
            state.face,
            stream=state.stream if self.config.tracking else 0,
            track=self.config.tracking and state.last_worker == pid,
        )
        stdin.write(encode_job(header))
        stdin.write(pending.data)
        state.last_worker = pid
        if not worker.jobs:
            worker.busy_since = now
        worker.jobs.append(job)
        state.busy = True
        return True

    def _face_due(self, state: _Side, now: float) -> bool:
        """Whether this frame also gets a face detection (the costliest part after the hands).

        Every `face_interval` per side, but spread out: at most one per `face_interval / sides`
        across the analyzer, so sides that started together do not all ask on the same frame
        and overrun a worker (a side's first face is never held back).
        """
        interval = self.config.face_interval
        if state.face_at is not None:
            if now - state.face_at < interval:
                return False
            spacing = interval / max(1, self._side_count)
            if self._face_sent_at is not None and now - self._face_sent_at < spacing:
                return False
        self._face_sent_at = now
        return True

    def _next_key(self, worker: _Worker) -> tuple[str, str] | None:
        """The longest-waiting side with no frame already at a worker (keeps each side in order).

        Among the oldest few (one per worker), a side this worker saw last goes first: the
        worker follows that side's hands instead of searching afresh. The window keeps any
        side from waiting long behind the others' preferences.
        """
        first: tuple[str, str] | None = None
        seen = 0
        pid = worker.proc.pid
        for key in self._waiting:
            state = self._peek(*key)
            if state is None:
                return key
            if state.busy:
                continue
            if state.last_worker in (pid, None):
                return key
            if first is None:
                first = key
            seen += 1
            if seen >= len(self._workers):
                break
        return first

    def _forget(self, stream: int) -> None:
        """Tell every worker a stream ended, so none keeps its hand tracks."""
        message = encode_job(forget_job(stream))
        for worker in self._workers:
            stdin = worker.proc.stdin
            if worker.alive and stdin is not None and not stdin.is_closing():
                stdin.write(message)

    async def _spawn(self) -> None:
        cfg = self.config
        command = [
            sys.executable,
            "-m",
            "media.quality.worker",
            "--model-complexity",
            str(cfg.model_complexity),
            "--detector",
            cfg.detector,
            "--nice",
            str(cfg.nice),
            "--delay-ms",
            str(cfg.delay_ms),
            "--redetect-every",
            str(cfg.redetect_every),
            "--max-streams",
            str(cfg.max_streams),
        ]
        proc = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, **QUIET_ENV},
            limit=MAX_FRAME_BYTES,
        )
        worker = _Worker(proc)
        try:
            ready = await asyncio.wait_for(self._read_reply(proc), cfg.start_timeout)
            if not ready.get("ready"):
                raise RuntimeError(str(ready.get("error", "worker not ready")))
        except BaseException:
            await self._stop(worker)
            raise
        self._grow_pipe(proc)
        worker.reader = asyncio.create_task(self._read_loop(worker), name="quality-worker")
        self._workers.append(worker)
        self.stats.workers_alive = sum(w.alive for w in self._workers)

    @staticmethod
    def _grow_pipe(proc: asyncio.subprocess.Process) -> None:
        """Let one frame fit in the pipe so writing it never leaves bytes in our buffer."""
        transport = getattr(proc.stdin, "transport", None)
        pipe = transport.get_extra_info("pipe") if transport else None
        setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
        if pipe is None or setsize is None:
            return
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), setsize, PIPE_BYTES)

    @staticmethod
    async def _read_reply(proc: asyncio.subprocess.Process) -> dict[str, Any]:
        assert proc.stdout is not None
        prefix = await proc.stdout.readexactly(REPLY_LENGTH.size)
        body = await proc.stdout.readexactly(reply_length(prefix))
        return decode_reply(body)

    async def _read_loop(self, worker: _Worker) -> None:
        try:
            while True:
                reply = await self._read_reply(worker.proc)
                self._on_reply(worker, reply)
        except (asyncio.IncompleteReadError, ConnectionError, WireError, ValueError) as exc:
            if not self._closing:
                logger.warning("quality worker %s stopped: %s", worker.proc.pid, exc)
        finally:
            self._lost(worker)

    def _lost(self, worker: _Worker) -> None:
        """A worker is gone: its frame is lost, and a new worker takes its place."""
        worker.alive = False
        while worker.jobs:
            job = worker.jobs.popleft()
            self.stats.failed += 1
            state = self._peek(*job.key)
            if state is not None:
                state.busy = False
        worker.busy_since = None
        self.stats.workers_alive = sum(w.alive for w in self._workers)
        if self._closing:
            return
        if self.stats.restarts >= self.config.max_restarts:
            if not self.stats.workers_alive:
                self.status = QualityStatus(False, "workers keep failing")
                logger.error("quality assistance off: workers keep failing")
            return
        self.stats.restarts += 1
        task = asyncio.create_task(self._replace(worker), name="quality-respawn")
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)

    async def _replace(self, worker: _Worker) -> None:
        await self._stop(worker)
        if worker in self._workers:
            self._workers.remove(worker)
        try:
            await self._spawn()
        except Exception as exc:
            logger.warning("could not replace a quality worker: %s", exc)
        self._dispatch()

    async def _stop(self, worker: _Worker) -> None:
        worker.alive = False
        proc = worker.proc
        if proc.stdin is not None and not proc.stdin.is_closing():
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 3.0)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
        current = asyncio.current_task()
        if worker.reader is not None and worker.reader is not current and not worker.reader.done():
            worker.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker.reader

    def _on_reply(self, worker: _Worker, reply: dict[str, Any]) -> None:
        if not worker.jobs or reply.get("id") != worker.jobs[0].job_id:
            raise WireError(f"unexpected reply {reply.get('id')}")
        job = worker.jobs.popleft()
        if not worker.jobs and worker.busy_since is not None:
            worker.busy_seconds += self._clock() - max(worker.busy_since, self._period_started)
            worker.busy_since = None
        self.stats.worker_cpu_seconds += float(reply.get("cpu", 0.0))
        state = self._peek(*job.key)
        if state is not None:
            state.busy = False
        if not reply.get("ok"):
            self.stats.failed += 1
            logger.warning("quality worker could not analyse a frame: %s", reply.get("error"))
        elif state is not None:
            self.stats.analysed += 1
            self._apply(job, state, FrameAnalysis.from_dict(reply["analysis"]))
        self._dispatch()

    def _apply(self, job: _Job, state: _Side, analysis: FrameAnalysis) -> None:
        """Fold one analysed frame into the side's hints, activity and summary."""
        session_id, side = job.key
        session = self._sessions[session_id]
        at, metrics = job.pending.at, analysis.metrics
        if analysis.face_detected:
            state.face, state.face_at = metrics.face, at
        stream = StreamInfo(
            job.pending.fps, job.pending.resolution, frame_is_copy=self.config.frames_are_copies
        )
        conditions = evaluate_frame(metrics, stream, self.config.thresholds)
        before_hints, before_active = state.engine.active, session.signer.active
        hints = state.engine.update(at, conditions)
        level = state.activity.update(at, analysis.hands, metrics.width, metrics.height)
        active = session.signer.update(side, at, level)
        state.analysed += 1
        session.summary.add(
            side,
            at,
            metrics,
            hints,
            session.signer.signing(side),
            job.pending.fps,
            Hint.HANDS_CROPPED in conditions,
        )
        if hints != before_hints:
            self._emit(HintsChanged(session_id, side, tuple(h.value for h in ordered(set(hints)))))
        if active != before_active:
            self._emit(ActiveSignerChanged(session_id, active))

    def _emit(self, event: QualityEvent) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:
            logger.exception("quality event listener failed")

    async def _run_ticks(self) -> None:
        policy = self.config.sampling
        while True:
            await asyncio.sleep(policy.period)
            self._adapt()

    def _adapt(self) -> None:
        """Once a period: measure the workers' load, set the sampling rate, reap stuck workers."""
        now = self._clock()
        elapsed = max(1e-6, now - self._period_started)
        alive = [w for w in self._workers if w.alive]
        busy = 0.0
        for worker in alive:
            busy += worker.busy_seconds
            worker.busy_seconds = 0.0
            if worker.busy_since is not None:
                busy += now - max(worker.busy_since, self._period_started)
            if worker.jobs and now - worker.jobs[0].started > self.config.job_timeout:
                logger.warning("quality worker %s is stuck; killing it", worker.proc.pid)
                with contextlib.suppress(ProcessLookupError):
                    worker.proc.kill()
        utilisation = min(1.0, busy / (elapsed * max(1, len(alive))))
        load = LoadSample(utilisation, self._period_dropped)
        self.stats.rate = next_rate(self.stats.rate, load, self.config.sampling)
        self.stats.utilisation = utilisation
        self._period_dropped = 0
        self._period_started = now
