"""Relay mode (issue 5): the call's video goes caller -> server -> interpreter and back.

In relay mode each page has one RTCPeerConnection, to the server (its media leg, sendrecv): it
sends its camera at full call quality and receives the other member's video from the server.
`MediaLegs` owns those connections; this module joins the two legs of a session:

- each side's received track is decoded once by aiortc and fanned out by one `MediaRelay`
  (unbuffered: every consumer gets the newest frame, none builds a queue) to
  - the other side's outgoing `ForwardTrack` (re-encoded by aiortc for that page),
  - the analysis tap (the leg's reader samples it for the quality analyzer), and
  - the recorder, when the caller consented to recording;
- a `ForwardTrack` exists before the other side's video does (a page may connect first) and
  survives that side's reconnect: it waits for a source and switches to the new one, so the
  waiting page's connection is never renegotiated.

Nothing here is logged but session ids and sides.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Final

import av
from aiortc import MediaStreamTrack, RTCPeerConnection
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.contrib.media import MediaRelay
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.mediastreams import VIDEO_TIME_BASE, MediaStreamError, convert_timebase
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add
from av.frame import Frame
from av.packet import Packet
from av.video.codeccontext import VideoCodecContext

log = logging.getLogger(__name__)

SIDES: Final = ("caller", "interpreter")


def other_side(side: str) -> str:
    return "interpreter" if side == "caller" else "caller"


class RelayVp8Encoder(Vp8Encoder):
    """VP8 for the relayed video at libvpx's fastest real-time speed (`cpu-used` 16; aiortc's
    own encoder uses -6): about 2 points of a core less per direction at 640x480 and 30 fps
    (`bench/relay.py`), for a picture a little less sharp at the same bit rate; signing needs the
    frame rate more. RTP timestamps stay monotonic when the other side reconnects and its new
    frames start their clock again. Only aiortc's packetizer is reused."""

    SPEED: Final = "16"

    def __init__(self) -> None:
        super().__init__()
        self._context: VideoCodecContext | None = None
        self._shape: tuple[int, int, int] = (0, 0, 0)  # width, height, bit rate
        self._last_timestamp: int | None = None
        self._offset = 0

    def encode(self, frame: Frame, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        if not isinstance(frame, av.VideoFrame):
            raise TypeError("the relay encodes video only")
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        width, height, rate = self._shape
        target = self.target_bitrate
        if (
            self._context is None
            or (frame.width, frame.height) != (width, height)
            or abs(target - rate) > rate / 10
        ):
            self._context = self._new_context(frame.width, frame.height, target)
            self._shape = (frame.width, frame.height, target)
        if force_keyframe:
            frame.pict_type = av.video.frame.PictureType.I
        data = b"".join(bytes(packet) for packet in self._context.encode(frame))
        payloads = self._packetize(data, self.picture_id)
        self.picture_id = (self.picture_id + 1) % (1 << 15)
        if frame.pts is None or frame.time_base is None:
            timestamp = (self._last_timestamp or 0) + VIDEO_TIME_BASE.denominator // 30
        else:
            timestamp = convert_timebase(frame.pts, frame.time_base, VIDEO_TIME_BASE)
        return payloads, self._monotonic(timestamp)

    def _monotonic(self, timestamp: int) -> int:
        """Shift a source's clock that went back (a reconnect) past the last one sent."""
        shifted = timestamp + self._offset
        if self._last_timestamp is not None and shifted <= self._last_timestamp:
            self._offset += self._last_timestamp - shifted + VIDEO_TIME_BASE.denominator // 30
            shifted = timestamp + self._offset
        self._last_timestamp = shifted
        return shifted % (1 << 32)

    def _new_context(self, width: int, height: int, bit_rate: int) -> VideoCodecContext:
        context = av.CodecContext.create("libvpx", "w")
        context.width, context.height = width, height
        context.bit_rate = bit_rate
        context.pix_fmt = "yuv420p"
        context.gop_size = 3000  # keyframes on request (PLI) only
        context.qmin, context.qmax = 2, 56
        context.thread_count = 1
        context.options = {
            "deadline": "realtime",
            "cpu-used": self.SPEED,
            "lag-in-frames": "0",
            "bufsize": str(bit_rate),
            "minrate": str(bit_rate),
            "maxrate": str(bit_rate),
            "undershoot-pct": "100",
            "overshoot-pct": "15",
            "static-thresh": "1",
            "partitions": "0",
        }
        return context


_SENDER_ENCODER: Final = "_RTCRtpSender__encoder"  # aiortc's (name-mangled) encoder slot
_RECEIVER_JITTER_BUFFER: Final = "_RTCRtpReceiver__jitter_buffer"
VIDEO_JITTER_CAPACITY: Final = 512  # aiortc's own for video


class MarkerJitterBuffer(JitterBuffer):
    """aiortc's video jitter buffer hands a frame on only when the first packet of the NEXT
    frame arrives: one frame interval (33 ms at 30 fps) of delay on every relayed frame. The
    sender marks a frame's last packet (RTP marker bit, RFC 7741 for VP8); here a frame whose
    packets are all in, from the buffer's start to that marked packet, goes at once. Anything
    else (a gap, an unmarked stream) is left to aiortc's own rule, which still applies."""

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        pli_flag, frame = super().add(packet)
        if frame is None and self._origin is not None:
            frame = self._complete_first_frame()
        return pli_flag, frame

    def _complete_first_frame(self) -> JitterFrame | None:
        """The buffer's first frame, if every packet of it is in up to its marked last one."""
        origin = self._origin
        assert origin is not None
        parts: list[bytes] = []
        timestamp = None
        for offset in range(self.capacity):
            packet = self._packets[uint16_add(origin, offset) % self.capacity]
            if packet is None:
                return None  # a packet is missing (or has not come yet)
            if timestamp is None:
                timestamp = packet.timestamp
            elif packet.timestamp != timestamp:
                return None  # unmarked: aiortc's own rule applies
            parts.append(packet._data)  # type: ignore[attr-defined]  # set by the receiver
            if packet.marker:
                self.remove(offset + 1)
                return JitterFrame(data=b"".join(parts), timestamp=timestamp)
        return None


def use_marker_jitter_buffer(pc: RTCPeerConnection) -> int:
    """Give each video receiver of `pc` a `MarkerJitterBuffer` (after the offer is set, before
    any packet arrives); the number replaced. aiortc offers no hook: its private slot is set."""
    replaced = 0
    for transceiver in pc.getTransceivers():
        if transceiver.kind != "video":
            continue
        receiver = transceiver.receiver
        if isinstance(getattr(receiver, _RECEIVER_JITTER_BUFFER, None), JitterBuffer):
            buffer = MarkerJitterBuffer(capacity=VIDEO_JITTER_CAPACITY, is_video=True)
            setattr(receiver, _RECEIVER_JITTER_BUFFER, buffer)
            replaced += 1
    return replaced


def use_relay_encoder(pc: RTCPeerConnection, track: MediaStreamTrack) -> bool:
    """Give the sender of `track` the relay's VP8 encoder, when VP8 was negotiated (after the
    answer is set). aiortc creates its encoder lazily from the codec and offers no hook, so the
    sender's private slot is filled before its first frame. False: left to aiortc's default."""
    for transceiver in pc.getTransceivers():
        sender = transceiver.sender
        if sender.track is not track:
            continue
        codecs = getattr(transceiver, "_codecs", [])
        if not codecs or codecs[0].mimeType.lower() != "video/vp8":
            return False
        if getattr(sender, _SENDER_ENCODER, None) is not None:
            return False  # already sending
        setattr(sender, _SENDER_ENCODER, RelayVp8Encoder())
        return True
    return False


class ForwardTrack(MediaStreamTrack):
    """The video a page receives from the server: the other side's frames, once there are some.

    `recv` waits while there is no source (the other page has not connected yet, or is
    reconnecting) and moves to a new source when it is set, so the sender that reads it keeps
    one RTP stream for the whole call. `stop` ends it for good."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self._source: MediaStreamTrack | None = None
        self._changed = asyncio.Event()
        self.forwarded = 0

    @property
    def source(self) -> MediaStreamTrack | None:
        return self._source

    def set_source(self, source: MediaStreamTrack | None) -> None:
        """Forward `source` from now on (None: wait for the next one). The old source is stopped
        (a relay subscription: stopping it unsubscribes)."""
        old, self._source = self._source, source
        if old is not None and old is not source:
            old.stop()
        self._changed.set()

    async def recv(self) -> Frame | Packet:  # type: ignore[type-arg]
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            source = self._source
            if source is None:
                self._changed.clear()
                await self._changed.wait()
                continue
            reading = asyncio.ensure_future(source.recv())
            switched = asyncio.ensure_future(self._changed.wait())
            self._changed.clear()
            done, _ = await asyncio.wait({reading, switched}, return_when=asyncio.FIRST_COMPLETED)
            if reading not in done:
                reading.cancel()
                switched.cancel()
                continue  # a new source (or none, or stop): read from that
            switched.cancel()
            try:
                frame = reading.result()
            except MediaStreamError:
                if self._source is source:  # that side left; wait for it to come back
                    self._source = None
                continue
            self.forwarded += 1
            return frame

    def stop(self) -> None:
        if self._source is not None:
            self._source.stop()
            self._source = None
        self._changed.set()
        super().stop()


@dataclass(slots=True)
class _Side:
    forward: ForwardTrack = field(default_factory=ForwardTrack)
    incoming: MediaStreamTrack | None = None
    leg_id: str | None = None


class RelaySession:
    """The two legs of one relayed session: who sends what to whom."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.relay = MediaRelay()
        self.sides: dict[str, _Side] = {side: _Side() for side in SIDES}

    def outgoing(self, side: str, leg_id: str) -> ForwardTrack:
        """The track the server sends to `side`'s page on leg `leg_id`. A new leg of the same
        side (the page reconnected) gets a fresh track; the old one is stopped."""
        state = self.sides[side]
        if state.leg_id is not None and state.leg_id != leg_id:
            state.forward.stop()
            state.forward = ForwardTrack()
        state.leg_id = leg_id
        other = self.sides[other_side(side)]
        if other.incoming is not None and state.forward.source is None:
            state.forward.set_source(self.relay.subscribe(other.incoming, buffered=False))
        return state.forward

    def incoming(self, side: str, leg_id: str, track: MediaStreamTrack) -> MediaStreamTrack:
        """`side`'s camera arrived on leg `leg_id`: forward it to the other side, and return an
        unbuffered tap of it for the leg's own reader (analysis)."""
        state = self.sides[side]
        if state.leg_id != leg_id:
            state.leg_id = leg_id
        state.incoming = track
        other = self.sides[other_side(side)]
        other.forward.set_source(self.relay.subscribe(track, buffered=False))
        return self.relay.subscribe(track, buffered=False)

    def tap(self, side: str) -> MediaStreamTrack | None:
        """Another unbuffered consumer of `side`'s camera (the recorder); None before it came."""
        incoming = self.sides[side].incoming
        return None if incoming is None else self.relay.subscribe(incoming, buffered=False)

    def leg_closed(self, side: str, leg_id: str) -> None:
        """`side`'s leg ended: forget its camera (the other side's page waits for its return)
        and stop what it was being sent."""
        state = self.sides[side]
        if state.leg_id != leg_id:
            return  # already replaced by a newer leg
        state.leg_id = None
        state.incoming = None
        state.forward.stop()
        state.forward = ForwardTrack()
        other = self.sides[other_side(side)]
        other.forward.set_source(None)

    def close(self) -> None:
        for state in self.sides.values():
            state.forward.stop()
            state.incoming = None
            state.leg_id = None


class RelaySessions:
    """Every relayed session of this process, by session id (bounded by the legs' own bound:
    a session exists only while one of its legs does)."""

    def __init__(self) -> None:
        self._sessions: dict[str, RelaySession] = {}

    def get(self, session_id: str) -> RelaySession:
        session = self._sessions.get(session_id)
        if session is None:
            session = self._sessions[session_id] = RelaySession(session_id)
        return session

    def find(self, session_id: str) -> RelaySession | None:
        return self._sessions.get(session_id)

    def discard(self, session_id: str) -> None:
        session = self._sessions.pop(session_id, None)
        if session is not None:
            session.close()

    def __len__(self) -> int:
        return len(self._sessions)

    def close_all(self) -> None:
        for session_id in list(self._sessions):
            self.discard(session_id)
