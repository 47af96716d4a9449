"""The aiohttp shell around `SignalingCore`: `GET /ws`, authentication, delivery, lifecycle.

What happens where:
- Before the upgrade the handler checks the Origin and authenticates: a caller by a one-time
  ticket (`?ticket=`, see `signaling.tickets`), staff and interpreters by their session cookie.
  A refusal is an HTTP error (401/403), never a socket.
- Every call into the core happens under one `asyncio.Lock` held by `SignalingHub`, together with
  publishing the decision's deliveries, so decisions are applied in the order they were made even
  when a future Redis bus suspends in `publish`. With the in-process bus nothing inside the lock
  suspends, so it is never contended and costs one uncontended acquire per message.
- Each socket has its reader (the request handler) and one writer task that drains its bus
  subscription. A close the core asks for ends the subscription; the writer first sends what was
  queued (the `error` before a 4409), then closes with the code. A subscription that overflows
  (`SlowConsumer`) closes its socket with 1013 at once.
- Direct path (`_direct_ws`): a decision of exactly one delivery (every relayed offer, answer
  and ice) to a socket of this process whose queue is empty and whose transport has flushed is
  written by the sender's reader at once, without waking the peer's writer task: order holds
  (nothing is queued ahead of it) and the write cannot wait. Anything else goes through the bus,
  so a reader that falls behind still fills its transport, then its queue, and gets 1013.
- Records go to `RecordWriter`'s queue; the database never stalls signaling.
- Media legs (quality assistance, issue 5): the core's `Decision.legs` are handed to
  `media.leg.MediaLegs`, which owns every server-side RTCPeerConnection and answers in the
  background; its answer (`leg_answer`) and its own failures come back through `_HubLegEvents`,
  under the same lock. Every leg is closed when its session ends and at shutdown.
- Logs carry the connection id, message types and error codes; never SDP, candidates, tokens,
  tickets or names (the access logger already drops query strings, where tickets travel).

Per-socket memory matters (goal: at most 30 KiB per idle connection, `bench/ws_memory.py`):
permessage-deflate is off (each zlib context costs hundreds of KiB and signaling frames are
small), the 101 response gets no security headers (`signdesk.app`), and beyond aiohttp's own
objects a socket holds its writer task, bus subscription, a `_Socket` and the core's records.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable, MutableMapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from aiortc import RTCIceServer
from sqlalchemy.exc import SQLAlchemyError

from media.leg import (
    CountingSink,
    FrameSink,
    LegLimits,
    LegRef,
    MediaLegs,
    RecordingPlace,
    quality_assistance_on,
    quality_module_available,
)
from media.quality.analyzer import (
    Analyzer,
    AnalyzerConfig,
    HintsChanged,
    QualityEvent,
    default_workers,
)
from media.quality_sink import QualitySink
from media.recording import RecordingFile
from scheduler.store import Sessions
from signaling.bus import Bus, BusSubscription, InProcessBus, InProcessSubscription, SlowConsumer
from signaling.config import CoreConfig
from signaling.core import SignalingCore
from signaling.decisions import (
    Decision,
    Delivery,
    LegCandidate,
    LegClose,
    LegEffect,
    LegOpen,
    LegStats,
    RecordingStop,
)
from signaling.identities import Identity, StaffIdentity
from signaling.protocol import (
    CloseCode,
    ErrorCode,
    ErrorMessage,
    IceServer,
    LegAnswer,
    MediaLegSpec,
    ProtocolError,
    ProtocolLimits,
    Relayed,
    RelaySpec,
    ServerLegIce,
    encode,
    parse_client_message,
)
from signaling.records import RecordingRecord, SessionRecord
from signaling.store import (
    RecordWriter,
    interpreter_identity,
    load_day_figures,
    load_interpreter,
    recent_handle_times,
)
from signaling.tickets import UpgradeRefusal, UpgradeRefused, consume_ticket
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from signdesk.settings import Environment, Settings
from web.auth import current_user, origin_allowed
from web.errors import json_error

log = logging.getLogger(__name__)

WS_PATH = "/ws"
# How often the core's timers (hello timeout, resume window, handover grace, slot end) are checked.
TICK_SECONDS = 1.0
# How long closing one socket (flush, close frame, the peer's close frame) may take.
CLOSE_TIMEOUT_SECONDS = 5.0
# How long shutdown waits for the last records to reach the database.
RECORD_FLUSH_SECONDS = 10.0
# Queued records per allowed session: one record per session end, plus handovers.
# A session's record, a handover or two, and its interpreter's presence changes (ring, session,
# wrap-up, ready) fit with room to spare.
RECORDS_PER_SESSION = 12


def new_conn_id() -> str:
    """72 random bits: unguessable and short enough for every log line."""
    return "c_" + secrets.token_urlsafe(9)


def ice_servers_from(settings: Settings) -> tuple[IceServer, ...]:
    """The configured STUN/TURN servers; a malformed entry fails at start-up, not in a browser."""
    servers: list[IceServer] = []
    for index, entry in enumerate(settings.ice_servers):
        urls = entry.get("urls")
        url_list = (urls,) if isinstance(urls, str) else tuple(urls or ())
        username, credential = entry.get("username"), entry.get("credential")
        if not url_list or not all(isinstance(u, str) and u for u in url_list):
            raise ValueError(f"ice_servers[{index}] needs one or more `urls`")
        if not isinstance(username, str | None) or not isinstance(credential, str | None):
            raise ValueError(f"ice_servers[{index}]: username and credential must be strings")
        servers.append(IceServer(urls=url_list, username=username, credential=credential))
    return tuple(servers)


def media_leg_spec(settings: Settings) -> MediaLegSpec | None:
    """What `matched` asks the pages to send over their media leg; None when quality assistance
    is off: the setting, or `auto` without the quality module. In the test environment `auto`
    is off, so that what a test sees does not depend on which extras are installed; tests of
    quality assistance ask for `on`."""
    if not quality_assistance_enabled(settings):
        return None
    return MediaLegSpec(
        max_width=settings.media_leg_max_width,
        max_height=settings.media_leg_max_height,
        max_fps=settings.media_leg_max_fps,
    )


def quality_assistance_enabled(settings: Settings) -> bool:
    """Whether calls get quality assistance: the setting (`auto` is off under `env=test`), and,
    for the MediaPipe analyzer, the module actually installed: `on` without mediapipe is off
    (with a warning), so the pages say "off" rather than promise hints that never come."""
    setting = settings.quality_assistance
    if setting == "auto" and settings.env is Environment.TEST:
        return False
    if not quality_assistance_on(setting):
        return False
    if settings.quality_analyzer == "mediapipe" and not quality_module_available():
        log.warning("quality assistance is on, but mediapipe is not installed: it stays off")
        return False
    return True


def relay_spec(settings: Settings) -> RelaySpec | None:
    """Relay mode: what `matched` asks the pages to send the server (None: direct calls).
    `quality` says whether the relayed frames are analysed (quality assistance on)."""
    if settings.media_mode != "relay":
        return None
    return RelaySpec(
        max_width=settings.relay_max_width,
        max_height=settings.relay_max_height,
        max_fps=settings.relay_max_fps,
        quality=quality_assistance_enabled(settings) and settings.quality_analyzer != "off",
    )


def recording_place(settings: Settings) -> RecordingPlace | None:
    """Where relayed calls are recorded, when recording is on."""
    if settings.media_mode != "relay" or not settings.recording:
        return None
    return RecordingPlace(settings.recording_dir, settings.recording_format)


def leg_limits(settings: Settings) -> LegLimits:
    return LegLimits(
        max_legs=settings.media_leg_max_legs,
        sample_fps=settings.media_leg_sample_fps,
        answer_timeout=settings.media_leg_answer_timeout_seconds,
        max_sdp_chars=settings.ws_max_sdp_chars,
    )


def quality_sink(settings: Settings) -> QualitySink | None:
    """The quality analyzer behind the media legs, when quality assistance is on and the
    `quality_analyzer` setting asks for one (not started yet: the hub starts it)."""
    if media_leg_spec(settings) is None or settings.quality_analyzer == "off":
        return None
    config = AnalyzerConfig(
        workers=settings.quality_workers or default_workers(),
        detector=settings.quality_analyzer,
        frames_are_copies=True,  # direct mode: each leg carries a scaled-down copy
    )
    return QualitySink(Analyzer(config))


def rtc_ice_servers(servers: tuple[IceServer, ...]) -> list[RTCIceServer]:
    """The pages' STUN/TURN servers, for the server's own leg connections."""
    return [
        RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
        for s in servers
    ]


def core_config(settings: Settings) -> CoreConfig:
    return CoreConfig(
        join_early=timedelta(minutes=settings.call_join_early_minutes),
        handover_grace=timedelta(minutes=settings.call_handover_grace_minutes),
        resume_window=timedelta(seconds=settings.call_resume_window_seconds),
        hello_timeout=timedelta(seconds=settings.ws_hello_timeout_seconds),
        max_overrun=timedelta(minutes=settings.call_max_overrun_minutes),
        max_connections=settings.ws_max_connections,
        max_sessions=settings.ws_max_sessions,
        ice_servers=ice_servers_from(settings),
        ring_timeout=timedelta(seconds=settings.queue_ring_timeout_seconds),
        missed_offers_to_away=settings.queue_missed_offers_to_away,
        wrap_up=timedelta(seconds=settings.queue_wrap_up_seconds),
        specialty_relax_after=timedelta(seconds=settings.queue_specialty_relax_seconds),
        walk_in_limit=timedelta(minutes=settings.queue_walk_in_limit_minutes),
        max_queued_walk_ins=settings.queue_max_walk_ins,
        chat_burst=settings.chat_burst,
        chat_burst_window=timedelta(seconds=settings.chat_burst_window_seconds),
        wallboard_interval=timedelta(seconds=settings.wallboard_interval_seconds),
        service_timezone=settings.timezone,
        media_leg=media_leg_spec(settings),
        max_media_legs=settings.media_leg_max_legs,
        relay=relay_spec(settings),
        recording=settings.media_mode == "relay" and settings.recording,
        recording_consent_version=settings.recording_consent_version,
    )


def protocol_limits(settings: Settings) -> ProtocolLimits:
    return ProtocolLimits(
        max_message_bytes=settings.ws_max_message_bytes,
        max_sdp_chars=settings.ws_max_sdp_chars,
        max_chat_chars=settings.chat_max_chars,
    )


class ConnLog(logging.LoggerAdapter[logging.Logger]):
    """Prefixes every line with the connection id."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        extra = self.extra or {}
        return f"[{extra.get('conn_id')}] {msg}", kwargs


class _Socket:
    """One open WebSocket as the shell sees it."""

    __slots__ = (
        "close_code",
        "close_reason",
        "conn_id",
        "direct",
        "log",
        "transport",
        "writer",
        "ws",
    )

    def __init__(
        self, conn_id: str, ws: web.WebSocketResponse, transport: asyncio.Transport | None
    ) -> None:
        self.conn_id = conn_id
        self.ws = ws
        self.transport = transport
        self.log = ConnLog(log, {"conn_id": conn_id})
        self.writer: asyncio.Task[None] | None = None
        # The in-process subscription, when there is one: see `SignalingHub._direct_ws`.
        self.direct: InProcessSubscription | None = None
        self.close_code: int | None = None  # set once a close was asked for
        self.close_reason = ""


class SignalingHub:
    """The shell's state: the core, the bus, the open sockets, the lock and the record writer."""

    def __init__(
        self,
        settings: Settings,
        *,
        core: SignalingCore | None = None,
        bus: Bus | None = None,
        clock: Callable[[], datetime] = utcnow,
        sink: FrameSink | None = None,
        quality: QualitySink | None = None,
    ) -> None:
        self.settings = settings
        self.core = core or SignalingCore(core_config(settings))
        # The quality analyzer (issue 5), when on: it is the legs' sink unless a test gives one.
        self.quality = quality
        if quality is not None:
            quality.listen(self._on_quality_event)
            if sink is None:
                sink = quality
        self.legs = MediaLegs(
            _HubLegEvents(self),
            sink=sink if sink is not None else CountingSink(),
            limits=leg_limits(settings),
            ice_servers=rtc_ice_servers(self.core.config.ice_servers),
            recording=recording_place(settings),
        )
        self.bus: Bus = bus or InProcessBus(queue_size=settings.ws_send_queue)
        self.limits = protocol_limits(settings)
        self.clock = clock
        self.sockets: dict[str, _Socket] = {}
        self.records: RecordWriter | None = None
        self.closing = False
        # Timers are checked at least this often: once a second, or finer when a test shrinks them.
        self.tick_seconds = min(TICK_SECONDS, settings.ws_hello_timeout_seconds / 4)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._queue_flush_pending = False

    # -- lifecycle

    def start(self, records: RecordWriter) -> None:
        self.records = records
        records.start()
        if self.quality is not None:
            self.quality.start()  # in the background: MediaPipe takes seconds to load
        self._ticker = asyncio.create_task(self._tick_loop(), name="signaling-tick")

    async def shutdown(self) -> None:
        """End every session (their records are queued) and close every socket with 1001."""
        if self.closing:
            return
        self.closing = True
        async with self._lock:
            await self._apply(self.core.shutdown(self.clock()))
        await self.legs.close_all()  # the core closed every leg; this waits for them (bounded)
        if self.quality is not None:
            await self.quality.close()  # every analyzer worker process ends
        for sock in list(self.sockets.values()):  # also sockets the core never heard of
            self._close(sock.conn_id, CloseCode.GOING_AWAY, "server shutting down")
        writers = [s.writer for s in self.sockets.values() if s.writer is not None]
        if writers:
            await asyncio.wait(writers, timeout=CLOSE_TIMEOUT_SECONDS)
        log.info("signaling shut down")

    async def stop(self) -> None:
        """After shutdown: stop the timers, store the last records, end the bus."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=CLOSE_TIMEOUT_SECONDS)
        if self.records is not None:
            await self.records.stop(RECORD_FLUSH_SECONDS)
        await self.bus.close()

    # -- one socket

    async def serve(self, request: web.Request, identity: Identity) -> web.WebSocketResponse:
        """Upgrade, register with the core, and read until the socket closes."""
        ws = web.WebSocketResponse(
            heartbeat=self.settings.ws_heartbeat_seconds,
            max_msg_size=self.settings.ws_max_message_bytes,
            timeout=CLOSE_TIMEOUT_SECONDS,
            compress=False,
        )
        await ws.prepare(request)
        if self.closing:  # shutdown began while this request was being authenticated
            await ws.close(code=CloseCode.GOING_AWAY, message=b"server shutting down")
            return ws
        conn_id = new_conn_id()
        while conn_id in self.sockets:  # pragma: no cover - 72 random bits
            conn_id = new_conn_id()
        transport = request.transport
        sock = _Socket(conn_id, ws, transport if isinstance(transport, asyncio.Transport) else None)
        self.sockets[conn_id] = sock
        subscription = self.bus.subscribe(conn_id, self._on_overflow)
        if isinstance(subscription, InProcessSubscription):
            sock.direct = subscription
        sock.writer = asyncio.create_task(self._write(sock, subscription))
        sock.log.info("open (%s)", identity.role.value)
        try:
            async with self._lock:
                await self._apply(self.core.connect(conn_id, identity, self.clock()))
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT and frame.type is not WSMsgType.BINARY:
                    continue
                try:
                    await self._receive(sock, frame.data)
                except Exception:  # a bug: drop this socket, keep the server and the others
                    sock.log.exception("internal error; closing with 1011")
                    sock.close_code = WSCloseCode.INTERNAL_ERROR
                    sock.writer.cancel()
                    await _close_ws(ws, WSCloseCode.INTERNAL_ERROR, "internal error")
                    break
        finally:
            async with self._lock:
                await self._apply(self.core.disconnect(conn_id, self.clock()))
            self.sockets.pop(conn_id, None)
            self.bus.unsubscribe(conn_id)
            if sock.close_code is None:  # nothing left to say: the socket is gone
                sock.writer.cancel()
            await asyncio.wait([sock.writer], timeout=CLOSE_TIMEOUT_SECONDS)
            sock.log.info("closed (code %s)", sock.close_code or ws.close_code)
        return ws

    async def _receive(self, sock: _Socket, raw: str | bytes) -> None:
        message = parse_client_message(raw, self.limits)
        if log.isEnabledFor(logging.DEBUG):  # checked first: this runs for every frame
            if isinstance(message, ProtocolError):
                sock.log.debug("refused frame: %s", message.code.value)
            else:
                sock.log.debug("received %s", message.type)
        lock = self._lock  # acquire/release rather than `async with`: this runs for every frame
        await lock.acquire()
        try:
            decision = self.core.handle(sock.conn_id, message, self.clock())
            delivery = decision.only_delivery
            if delivery is not None:
                # Every relayed `offer`/`answer`/`ice`: `_apply`'s direct path, inlined.
                relayed = delivery.message
                if type(relayed) is Relayed:
                    ws = self._direct_ws(delivery.conn_id)
                    if ws is not None:
                        try:
                            await ws.send_str(relayed.text)
                        except ConnectionError:  # gone: its reader sees that and disconnects
                            return
                        return
            await self._apply(decision)
        finally:
            lock.release()

    async def _write(self, sock: _Socket, subscription: BusSubscription) -> None:
        """Send the connection's messages in order; then close it if the core asked to."""
        ws = sock.ws
        try:
            async for payload in subscription:
                await ws.send_str(payload)
        except (SlowConsumer, ConnectionError):
            return  # `_on_overflow` closes a slow socket; a reset one is already gone
        if sock.close_code is not None and not ws.closed:
            await _close_ws(ws, sock.close_code, sock.close_reason)

    # -- applying decisions (call with the lock held)

    async def _apply(self, decision: Decision) -> None:
        await self._deliver(decision)
        if self.core.queue_changed and not self._queue_flush_pending and not self.closing:
            # The walk-ins' `queue` updates follow in their own step, after this decision's
            # messages (a ring, a match) are on their way: a long queue's fan-out never delays
            # them.
            self._queue_flush_pending = True
            self._spawn(self._flush_queue())

    async def _flush_queue(self) -> None:
        async with self._lock:
            self._queue_flush_pending = False
            await self._deliver(self.core.tell_queue(self.clock()))

    async def _deliver(self, decision: Decision) -> None:
        delivery = decision.only_delivery
        if delivery is not None:
            # The shape of every relayed `offer`/`answer`/`ice` (and of most refusals).
            message = delivery.message
            if type(message) is Relayed:  # every forwarded frame: encoded by the core already
                text = message.text
            else:
                if type(message) is ErrorMessage and log.isEnabledFor(logging.DEBUG):
                    log.debug(
                        "[%s] error %s about %s", delivery.conn_id, message.code, message.about
                    )
                text = encode(message)
            ws = self._direct_ws(delivery.conn_id)
            if ws is None:
                await self.bus.publish(delivery.conn_id, text)
                return
            try:
                await ws.send_str(text)
            except ConnectionError:  # gone: its reader sees that and disconnects
                return
            return
        encoded: dict[int, str] = {}  # one message to many sockets is encoded once
        debug = log.isEnabledFor(logging.DEBUG)
        for delivery in decision.deliveries:
            message = delivery.message
            payload = encoded.get(id(message))
            if payload is None:
                payload = encoded[id(message)] = encode(message)
            if debug and isinstance(message, ErrorMessage):
                log.debug("[%s] error %s about %s", delivery.conn_id, message.code, message.about)
            await self.bus.publish(delivery.conn_id, payload)
        if decision.records:
            if self.records is None:
                log.error("records emitted before the record writer started; dropped")
            else:
                for record in decision.records:
                    if self.quality is not None and isinstance(record, SessionRecord):
                        record = self._with_quality(record)
                    self.records.put(record)
        if decision.legs:
            self._apply_legs(decision.legs)
        for close in decision.closes:
            self._close(close.conn_id, close.code, close.reason)

    def _apply_legs(self, effects: list[LegEffect]) -> None:
        """Hand the core's media-leg effects to `MediaLegs` (and the quality analyzer), in
        order (none of them waits)."""
        legs, quality = self.legs, self.quality
        for effect in effects:
            if isinstance(effect, LegOpen):
                ref = LegRef(
                    effect.leg_id,
                    effect.session_id,
                    effect.side.value,
                    effect.conn_id,
                    relay=effect.relay,
                    record=effect.record,
                )
                if quality is not None:
                    quality.open_session(effect.session_id)
                legs.open(ref, effect.sdp)
            elif isinstance(effect, LegCandidate):
                candidate = effect.candidate
                legs.add_candidate(
                    effect.leg_id, None if candidate is None else dict(candidate.__dict__)
                )
            elif isinstance(effect, LegClose):
                legs.close(effect.leg_id)
            elif isinstance(effect, RecordingStop):
                legs.stop_recording(effect.session_id)
            elif isinstance(effect, LegStats) and quality is not None:
                side = effect.side.value
                quality.received(effect.session_id, side, effect.fps, effect.resolution)

    # -- quality assistance

    def _with_quality(self, record: SessionRecord) -> SessionRecord:
        """The session ended: the analyzer forgets it, and its summary goes into the record."""
        assert self.quality is not None
        try:
            summary = self.quality.end_session(record.session_id)
        except Exception:  # the analyzer's bug must not lose the record
            log.exception("quality: no summary for session %s", record.session_id)
            return record
        return record if summary is None else replace(record, quality_summary=summary)

    def _on_quality_event(self, event: QualityEvent) -> None:
        """The analyzer's hint and active-signer changes (on the loop, from its reader task):
        the core decides who is told, under the lock, in a task of their own (in order: the
        lock serves its waiters first come, first served)."""
        if self.closing or self.quality is None:
            return
        if isinstance(event, HintsChanged):
            side: str | None = event.side
            hints: tuple[str, ...] = event.hints
            active = self.quality.analyzer.active_signer(event.session_id)
        else:
            side, hints, active = None, (), event.side
        self._spawn(self._quality_event(event.session_id, side, hints, active))

    async def _quality_event(
        self, session_id: str, side: str | None, hints: tuple[str, ...], active: str | None
    ) -> None:
        async with self._lock:
            decision = self.core.quality_event(session_id, side, hints, active, self.clock())
            await self._apply(decision)

    def _direct_ws(self, conn_id: str) -> web.WebSocketResponse | None:
        """The socket of this process to write one message to straight away, skipping the wake-up
        of its writer task, when that cannot change what the bus guarantees: nothing is queued
        for it (so order holds), it is open, and its transport has flushed everything (so the
        send does not wait; a reader that falls behind fills its transport, then its queue, and
        is closed with 1013 as before). None: publish through the bus instead."""
        sock = self.sockets.get(conn_id)
        if sock is None or sock.close_code is not None:
            return None
        subscription, transport = sock.direct, sock.transport
        if (
            subscription is None
            or not subscription.idle
            or transport is None
            or transport.is_closing()
            or transport.get_write_buffer_size()
            or sock.ws.closed
        ):
            return None
        return sock.ws

    def _close(self, conn_id: str, code: int, reason: str) -> None:
        """Close after the messages already queued for the socket. Ids of sockets this process
        does not hold are ignored (they are gone, or a later bus routes closes too)."""
        sock = self.sockets.get(conn_id)
        if sock is None:
            return
        if sock.close_code is None:
            sock.close_code, sock.close_reason = code, reason
        self.bus.unsubscribe(conn_id)  # the writer drains the queue, then closes

    def _on_overflow(self, conn_id: str) -> None:
        """The bus dropped a socket's queue: its writer may be stuck sending, so stop it and
        close with 1013 without waiting for buffered data to drain."""
        sock = self.sockets.get(conn_id)
        if sock is None or sock.close_code is not None:
            return
        sock.close_code, sock.close_reason = CloseCode.TRY_AGAIN_LATER, "reading too slowly"
        sock.log.warning("slow consumer; closing with 1013")
        if sock.writer is not None:
            sock.writer.cancel()
        self._spawn(_close_ws(sock.ws, CloseCode.TRY_AGAIN_LATER, "reading too slowly", False))

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- timers

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                async with self._lock:
                    await self._apply(self.core.tick(self.clock()))
            except Exception:  # a bug in one tick must not stop the timers for good
                log.exception("signaling tick failed")


class _HubLegEvents:
    """What the media legs report, turned into messages and core calls under the hub's lock."""

    def __init__(self, hub: SignalingHub) -> None:
        self._hub = hub

    async def answered(self, leg: LegRef, sdp: str) -> None:
        hub = self._hub
        decision = Decision()
        decision.deliveries.append(
            Delivery(leg.reply_to, LegAnswer(session_id=leg.session_id, sdp=sdp))
        )
        # The answer carries every server candidate (aiortc gathers before answering).
        decision.deliveries.append(
            Delivery(leg.reply_to, ServerLegIce(session_id=leg.session_id, candidate=None))
        )
        async with hub._lock:
            await hub._deliver(decision)
        log.info("leg %s (%s): answered", leg.leg_id, leg.side)

    async def ended(self, leg: LegRef, *, answered: bool) -> None:
        hub = self._hub
        async with hub._lock:
            decision = hub.core.leg_closed(leg.leg_id, hub.clock())
            if not answered:  # the page stops waiting for an answer
                decision.error(
                    leg.reply_to,
                    ErrorCode.LEG_FAILED,
                    "the relayed call could not start"
                    if leg.relay
                    else "quality assistance could not start; the call goes on without it",
                    "leg_offer",
                )
            await hub._apply(decision)

    async def recorded(self, leg: LegRef, recording: RecordingFile) -> None:
        """A side's recording is finished: list it with the session's record."""
        records = self._hub.records
        if records is None:
            log.error("recording of session %s not listed: no record writer", leg.session_id)
            return
        records.put(
            RecordingRecord(
                recording_id=recording.recording_id,
                session_id=recording.session_id,
                side=recording.side,
                file_name=recording.file_name,
                format=recording.format,
                bytes=recording.bytes,
                frames=recording.frames,
                width=recording.width,
                height=recording.height,
                started_at=recording.started_at,
                ended_at=recording.ended_at,
            )
        )


async def _close_ws(ws: web.WebSocketResponse, code: int, reason: str, drain: bool = True) -> None:
    """Close with `code`, giving up (and dropping the transport) after CLOSE_TIMEOUT_SECONDS."""
    if ws.closed:
        return
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
            await ws.close(code=code, message=reason.encode()[:123], drain=drain)


# ---------------------------------------------------------------------------------------------
# aiohttp wiring

HUB = web.AppKey("signaling_hub", SignalingHub)
CORE = web.AppKey("signaling_core", SignalingCore)
LEGS = web.AppKey("media_legs", MediaLegs)
QUALITY = web.AppKey("quality_sink", QualitySink)
BUS: web.AppKey[Bus] = web.AppKey("signaling_bus")
SOCKETS: web.AppKey[dict[str, _Socket]] = web.AppKey("signaling_sockets")


def _refuse(status: int, code: str, message: str) -> web.Response:
    log.info("ws upgrade refused: %s %s", status, code)
    return json_error(status, code, message)


async def _authenticate(request: web.Request, hub: SignalingHub) -> Identity | web.Response:
    """The identity for this upgrade, or the HTTP refusal. A ticket wins over a cookie: a staff
    member trying a caller's link in their own browser joins as that caller."""
    ticket = request.query.get("ticket")
    if ticket is not None:
        try:
            return await consume_ticket(request.app[SESSIONS], ticket, now=hub.clock())
        except UpgradeRefused as refused:
            if refused.reason is UpgradeRefusal.TICKET_INVALID:
                return _refuse(401, "ticket_invalid", "the call ticket is unknown, used or expired")
            return _refuse(403, "booking_closed", "this booking is no longer open for a call")
    user = current_user(request)
    if user is None:
        return _refuse(401, "login_required", "log in, or open the call with a ticket")
    if user.is_staff:
        return StaffIdentity(account_id=user.account_id, display_name=user.display_name)
    if user.interpreter_id is None:
        return _refuse(403, "not_an_interpreter", "this account is not linked to an interpreter")
    row = await load_interpreter(request.app[SESSIONS], user.interpreter_id)
    if row is None or not row.active:
        return _refuse(403, "interpreter_inactive", "this interpreter is not active")
    return interpreter_identity(user.account_id, row)


async def ws_handler(request: web.Request) -> web.StreamResponse:
    """`GET /ws`: check the Origin, authenticate, then hand the socket to the hub."""
    hub = request.app[HUB]
    if not origin_allowed(request):
        return _refuse(403, "bad_origin", "this origin may not open the call socket")
    if hub.closing:
        return _refuse(503, "shutting_down", "the server is restarting; try again")
    if not web.WebSocketResponse().can_prepare(request):  # before a ticket is spent on it
        return _refuse(400, "not_websocket", "this endpoint speaks WebSocket only")
    identity = await _authenticate(request, hub)
    if isinstance(identity, web.Response):
        return identity
    return await hub.serve(request, identity)


# Handle times the wait estimate starts from after a restart (the core keeps as many).
SEEDED_HANDLE_TIMES = 50


async def seed_core(core: SignalingCore, sessions: Sessions, now: datetime) -> None:
    """Give a fresh process today's wallboard figures and recent handle times from the records,
    so a restart neither zeroes the board nor forgets how long calls take."""
    day_start, day_end = core.day_bounds(now)
    try:
        answered, abandoned = await load_day_figures(sessions, day_start, day_end)
        handle_times = await recent_handle_times(sessions, SEEDED_HANDLE_TIMES)
    except (OSError, SQLAlchemyError):  # the database is down: serve, and say so in /readyz
        log.warning("could not load today's figures; the wallboard starts from zero")
        return
    core.seed(now, answered_waits=answered, abandoned_waits=abandoned, handle_times=handle_times)


def setup_signaling(app: web.Application) -> None:
    """Register `GET /ws` and the hub's lifecycle (timers, record writer, shutdown)."""
    hub = SignalingHub(app[SETTINGS], quality=quality_sink(app[SETTINGS]))
    app[HUB] = hub
    app[CORE] = hub.core
    app[LEGS] = hub.legs
    if hub.quality is not None:
        app[QUALITY] = hub.quality
    app[BUS] = hub.bus
    app[SOCKETS] = hub.sockets

    async def signaling_ctx(app: web.Application) -> AsyncIterator[None]:
        await seed_core(hub.core, app[SESSIONS], hub.clock())
        capacity = max(64, hub.settings.ws_max_sessions * RECORDS_PER_SESSION)
        hub.start(RecordWriter(app[SESSIONS], capacity))
        yield
        await hub.shutdown()  # no-op when on_shutdown already ran
        await hub.stop()

    async def on_shutdown(_app: web.Application) -> None:
        await hub.shutdown()

    app.cleanup_ctx.append(signaling_ctx)
    app.on_shutdown.append(on_shutdown)
    app.router.add_get(WS_PATH, ws_handler, allow_head=False)
