"""What the core asks the shell to do: deliver messages, persist records, open, feed and close
media legs, close sockets.

The shell applies a `Decision` in order: deliveries first (through the bus, so the core never
knows which process holds a socket), then records, then the media-leg effects (in their order),
then closes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from signaling.protocol import (
    CloseCode,
    ErrorCode,
    ErrorMessage,
    IceCandidate,
    Relayed,
    ServerMessage,
)
from signaling.records import RecordEvent
from signaling.states import Side


# Not frozen (treat as read-only): built for every relayed frame, and a frozen dataclass's
# `__init__` (`object.__setattr__` per field) costs twice as much.
@dataclass(slots=True)
class Delivery:
    conn_id: str
    message: ServerMessage | Relayed  # `Relayed`: a relayed offer/answer/ice, already encoded


@dataclass(frozen=True, slots=True)
class Close:
    conn_id: str
    code: CloseCode
    reason: str  # short, fixed text for the close frame (at most 123 bytes)


@dataclass(frozen=True, slots=True)
class LegOpen:
    """Open media leg `leg_id`: answer `sdp` (the page's `leg_offer`) and send `leg_answer` to
    `conn_id`. Direct mode: recvonly (a copy for analysis). `relay`: the leg carries the call,
    sendrecv, joined to the other side's leg; `record`: this side is recorded too."""

    leg_id: str
    session_id: str
    side: Side
    conn_id: str
    sdp: str
    relay: bool = False
    record: bool = False


@dataclass(frozen=True, slots=True)
class LegCandidate:
    """Add a trickled candidate of the page to leg `leg_id` (None: end of candidates)."""

    leg_id: str
    candidate: IceCandidate | None


@dataclass(frozen=True, slots=True)
class LegClose:
    """Close leg `leg_id` and its RTCPeerConnection (the session ended, or a new offer replaced
    it)."""

    leg_id: str
    session_id: str
    side: Side


@dataclass(frozen=True, slots=True)
class LegStats:
    """How `side`'s video reaches the other member (from that member's page's `stats`): the
    received frame rate and frame size, for the quality analyzer's `low_frame_rate` and
    `low_resolution` hints. The leg's own copy is scaled down and says neither."""

    session_id: str
    side: Side
    fps: float
    resolution: tuple[int, int] | None  # width, height; None when the page did not say


@dataclass(frozen=True, slots=True)
class RecordingStop:
    """The caller withdrew the recording consent: finish this session's recordings now (the
    legs, and the call, go on)."""

    session_id: str


LegEffect = LegOpen | LegCandidate | LegClose | LegStats | RecordingStop


@dataclass(slots=True)
class Decision:
    deliveries: list[Delivery] = field(default_factory=list)
    records: list[RecordEvent] = field(default_factory=list)
    closes: list[Close] = field(default_factory=list)
    legs: list[LegEffect] = field(default_factory=list)  # media legs (issue 5), in order

    @property
    def only_delivery(self) -> Delivery | None:
        """The one delivery, when delivering it is all this decision asks (every relayed frame):
        the shell's fast path. One place to extend when a decision gains another kind of effect."""
        if len(self.deliveries) != 1 or self.records or self.closes or self.legs:
            return None
        return self.deliveries[0]

    def send(self, conn_id: str, message: ServerMessage | Relayed) -> None:
        self.deliveries.append(Delivery(conn_id, message))

    def error(self, conn_id: str, code: ErrorCode, message: str, about: str | None = None) -> None:
        self.send(conn_id, ErrorMessage(code=code, message=message, about=about))

    def close(self, conn_id: str, code: CloseCode, reason: str) -> None:
        self.closes.append(Close(conn_id, code, reason))

    def to(self, conn_id: str) -> list[ServerMessage]:
        """The messages for one connection, in order (handy in tests and logs); a `Relayed` one as
        the model it encodes."""
        return [
            d.message.message() if isinstance(d.message, Relayed) else d.message
            for d in self.deliveries
            if d.conn_id == conn_id
        ]
