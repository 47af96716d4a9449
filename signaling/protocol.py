"""The `/ws` wire format, version 1: pydantic models, one parser that never raises, one encoder.

Kept apart from the aiohttp handler (CONVENTIONS 6) so the schema can be tested, documented in
`docs/protocol.md` and versioned on its own. Every string a client may send is bounded twice: by a
hard ceiling in the model and by the tighter, configurable `ProtocolLimits` checked after it.
Error messages are fixed texts; they never echo what the client sent (threat model: no input in
errors, no SDP or ICE in logs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Annotated, Any, Final, Literal, NoReturn, get_args

import orjson
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from signaling.states import Actor, EndReason, Presence

PROTOCOL_VERSION: Final = 1

# Hard ceilings. `ProtocolLimits` may tighten them but never loosen them.
MESSAGE_BYTES_CEILING: Final = 1024 * 1024
SDP_CHARS_CEILING: Final = 64 * 1024
CANDIDATE_CHARS_CEILING: Final = 4096

_ID_PATTERN = r"^[A-Za-z0-9_-]+$"
SessionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_ID_PATTERN)]
ResumeToken = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=_ID_PATTERN)]
# A reason is a code picked from a list in the UI, never free text (which invites personal data).
ReasonCode = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
]
Sdp = Annotated[str, StringConstraints(min_length=1, max_length=SDP_CHARS_CEILING)]
CHAT_CHARS_CEILING: Final = 4000
ChatText = Annotated[str, StringConstraints(min_length=1, max_length=CHAT_CHARS_CEILING)]


class ErrorCode(StrEnum):
    """Every code an `error` message may carry; `docs/protocol.md` explains each."""

    BAD_JSON = "bad_json"
    TOO_LARGE = "too_large"
    INVALID = "invalid"
    UNKNOWN_TYPE = "unknown_type"
    UNSUPPORTED_VERSION = "unsupported_version"
    HELLO_REQUIRED = "hello_required"
    ALREADY_WELCOMED = "already_welcomed"
    ALREADY_CONNECTED = "already_connected"
    RESUME_FAILED = "resume_failed"
    NOT_ALLOWED = "not_allowed"
    NOT_IN_SESSION = "not_in_session"
    PEER_ABSENT = "peer_absent"
    ILLEGAL_STATE = "illegal_state"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    UNKNOWN_SESSION = "unknown_session"
    HANDOVER_UNAVAILABLE = "handover_unavailable"
    CAPACITY = "capacity"
    NO_OFFER = "no_offer"  # accept/decline of a ring that is not (or no longer) yours
    RATE_LIMITED = "rate_limited"  # chat faster than the configured burst
    LEG_FAILED = "leg_failed"  # the server could not open this page's media leg (issue 5)


class CloseCode(IntEnum):
    """WebSocket close codes the core (or the shell, where noted) asks for."""

    GOING_AWAY = 1001  # server shutting down
    MESSAGE_TOO_BIG = 1009  # shell: frame over `max_message_bytes`
    TRY_AGAIN_LATER = 1013  # connection limit reached, or the socket reads too slowly (bus)
    HELLO_TIMEOUT = 4408  # no `hello` within `hello_timeout`
    ALREADY_CONNECTED = 4409  # this caller or interpreter already has a live connection
    REPLACED = 4410  # the same party resumed on a newer connection


class Role(StrEnum):
    """Who is on a connection, as the shell authenticated it (supervisors count as staff)."""

    CALLER = "caller"
    INTERPRETER = "interpreter"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class ProtocolLimits:
    """Configurable bounds on incoming messages. A typical browser SDP is 3-6 KB; 16 KiB leaves
    room for simulcast and many codecs while staying far below the message limit."""

    max_message_bytes: int = 64 * 1024
    max_sdp_chars: int = 16 * 1024
    max_candidate_chars: int = 1024
    max_chat_chars: int = 1000

    def __post_init__(self) -> None:
        bounds = (
            ("max_message_bytes", self.max_message_bytes, MESSAGE_BYTES_CEILING),
            ("max_sdp_chars", self.max_sdp_chars, SDP_CHARS_CEILING),
            ("max_candidate_chars", self.max_candidate_chars, CANDIDATE_CHARS_CEILING),
            ("max_chat_chars", self.max_chat_chars, CHAT_CHARS_CEILING),
        )
        for name, value, ceiling in bounds:
            if not 1 <= value <= ceiling:
                raise ValueError(f"{name} must be between 1 and {ceiling}")


@dataclass(frozen=True, slots=True)
class ProtocolError:
    """What `parse_client_message` returns instead of raising; the core turns it into `error`."""

    code: ErrorCode
    message: str


# ---------------------------------------------------------------------------------------------
# Client -> server


# Absent means 1. An int (strict, as every client field), so that JSON `true`, `1.0` and `null` are
# not taken for 1 even when pydantic parses the JSON itself (`Literal[1]` would accept them there):
# the parser's one-pass path must accept exactly what its step-by-step checks accept.
ProtocolVersion = Annotated[int, Field(ge=PROTOCOL_VERSION, le=PROTOCOL_VERSION)]


class _ClientModel(BaseModel):
    # strict: no "1" for 1, no true for 1. The step-by-step path checks the version first.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    v: ProtocolVersion = PROTOCOL_VERSION


class Hello(_ClientModel):
    """First message on every connection; `resume_token` asks to take back a dropped place."""

    type: Literal["hello"]
    resume_token: ResumeToken | None = None


class PresenceUpdate(_ClientModel):
    """An interpreter says they are ready for their caller, or away (with a reason code)."""

    type: Literal["presence"]
    state: Literal["ready", "away"]
    reason: ReasonCode | None = None


class Join(_ClientModel):
    """A caller enters the waiting room of their booking, or the live queue (a walk-in).

    `transcript_consent`: the caller agreed, at the start, that the chat transcript is kept with
    the counseling record (PIPA: asked separately, default no).
    """

    type: Literal["join"]
    transcript_consent: bool = False
    # Relay mode with recording on (issue 5): the caller agreed, before the call, that it is
    # recorded (asked separately, default no). Ignored when the server does not record.
    recording_consent: bool = False


class Accept(_ClientModel):
    """An interpreter takes the caller they are being offered (`ring`)."""

    type: Literal["accept"]
    session_id: SessionId


class Decline(_ClientModel):
    """An interpreter passes on the offered caller; the offer moves to the next interpreter."""

    type: Literal["decline"]
    session_id: SessionId


class Chat(_ClientModel):
    """A text message to the other member; shown as plain text, never as HTML or a live link."""

    type: Literal["chat"]
    session_id: SessionId
    text: ChatText


class Typing(_ClientModel):
    """This member started or stopped typing (shown to the other as text, not a sound)."""

    type: Literal["typing"]
    session_id: SessionId
    active: bool


class Watch(_ClientModel):
    """Staff subscribe to live pushes (the wallboard) on this socket."""

    type: Literal["watch"]
    topic: Literal["wallboard"]


class Offer(_ClientModel):
    type: Literal["offer"]
    session_id: SessionId
    sdp: Sdp


class Answer(_ClientModel):
    type: Literal["answer"]
    session_id: SessionId
    sdp: Sdp


class IceCandidate(BaseModel):
    """`RTCIceCandidate.toJSON()`; an empty `candidate` is the end-of-candidates marker."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    candidate: Annotated[str, StringConstraints(max_length=CANDIDATE_CHARS_CEILING)]
    sdpMid: Annotated[str, StringConstraints(max_length=64)] | None = None
    sdpMLineIndex: Annotated[int, Field(ge=0, le=1023)] | None = None
    usernameFragment: Annotated[str, StringConstraints(max_length=256)] | None = None


class Ice(_ClientModel):
    """A trickled candidate; `null` means this side has gathered all its candidates."""

    type: Literal["ice"]
    session_id: SessionId
    candidate: IceCandidate | None


class Hangup(_ClientModel):
    type: Literal["hangup"]
    session_id: SessionId
    reason: Literal["normal", "media_failed"] | None = None


class MediaReport(_ClientModel):
    """A page reports its RTCPeerConnection state; both `connected` makes the session CONNECTED."""

    type: Literal["media"]
    session_id: SessionId
    state: Literal["connected", "disconnected", "failed"]


# A received frame's width or height in pixels (`inbound-rtp` `frameWidth`/`frameHeight`).
FrameSide = Annotated[int, Field(ge=0, le=8192)]


class StatsReport(_ClientModel):
    """Periodic receive frame rate, averaged per side into the session record; with quality
    assistance on, also the size of the frames received (the other member's video as this page
    sees it), for the `low_frame_rate` and `low_resolution` hints."""

    type: Literal["stats"]
    session_id: SessionId
    fps_received: Annotated[float, Field(ge=0, le=240, allow_inf_nan=False)]
    width: FrameSide | None = None
    height: FrameSide | None = None


class LegOffer(_ClientModel):
    """The page's offer for its media leg: its camera only, scaled down, sendonly, to the server
    (quality assistance, issue 5). A new offer for the same session replaces the page's leg."""

    type: Literal["leg_offer"]
    session_id: SessionId
    sdp: Sdp


class LegIce(_ClientModel):
    """A trickled candidate of the page's media leg; `null` ends its candidates."""

    type: Literal["leg_ice"]
    session_id: SessionId
    candidate: IceCandidate | None


class StaffHandover(_ClientModel):
    """Staff hand a waiting caller to another present, ready, free interpreter of the language."""

    type: Literal["staff_handover"]
    session_id: SessionId
    interpreter_id: Annotated[int, Field(ge=1, le=2**31 - 1)]


class WithdrawConsent(_ClientModel):
    """The caller withdraws an optional consent during the call (PIPA): `transcript` (no more
    chat lines are kept) or `recording` (the recording stops; both pages lose the badge). What
    was kept before stays until its retention ends or the caller asks for deletion."""

    type: Literal["withdraw_consent"]
    session_id: SessionId
    consent: Literal["transcript", "recording"]


ClientMessage = (
    Hello
    | PresenceUpdate
    | Join
    | Offer
    | Answer
    | Ice
    | Hangup
    | MediaReport
    | StatsReport
    | StaffHandover
    | Accept
    | Decline
    | Chat
    | Typing
    | Watch
    | LegOffer
    | LegIce
    | WithdrawConsent
)
_CLIENT_ADAPTER: TypeAdapter[ClientMessage] = TypeAdapter(
    Annotated[ClientMessage, Field(discriminator="type")]
)
# The adapter's pydantic-core validator, called directly on the per-frame path (skips the
# adapter's Python wrapper and its keyword checks).
_CLIENT_VALIDATOR: Final = _CLIENT_ADAPTER.validator
CLIENT_TYPES: Final = frozenset(
    {
        "hello",
        "presence",
        "join",
        "offer",
        "answer",
        "ice",
        "hangup",
        "media",
        "stats",
        "staff_handover",
        "accept",
        "decline",
        "chat",
        "typing",
        "watch",
        "leg_offer",
        "leg_ice",
        "withdraw_consent",
    }
)


# ---------------------------------------------------------------------------------------------
# Server -> client


class _ServerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    v: Literal[1] = PROTOCOL_VERSION


class Welcome(_ServerModel):
    """Answer to `hello`. Keep `resume_token` (never in a URL) to come back within the window."""

    type: Literal["welcome"] = "welcome"
    conn_id: str
    role: Role
    resume_token: str | None  # None for staff: they have no place to keep
    resume_window_s: int
    resumed: bool
    protocol: Literal[1] = PROTOCOL_VERSION


class Waiting(_ServerModel):
    type: Literal["waiting"] = "waiting"
    session_id: str
    status: Literal["interpreter_absent", "connecting"]  # online but not ready/free yet
    slot_start: AwareDatetime


class IceServer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


class MediaLegSpec(BaseModel):
    """What a page's media leg sends the server: its camera scaled down to fit within
    `max_width` x `max_height` (`scaleResolutionDownBy`) at most `max_fps` (`maxFramerate`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_width: int
    max_height: int
    max_fps: int


class RelaySpec(BaseModel):
    """Relay mode (issue 5): the call's video goes through the server. The page opens one
    RTCPeerConnection, to the server (`leg_offer`, sendrecv), instead of one to the other member;
    it sends its camera within `max_width` x `max_height` at `max_fps` and shows what comes back.
    `quality`: the server analyses the relayed frames (quality assistance is on)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_width: int
    max_height: int
    max_fps: int
    quality: bool = False


class Matched(_ServerModel):
    """Both members are present: the offerer (interpreter) creates the RTCPeerConnection offer.

    `media_leg` (quality assistance on, video sessions only): each page also opens a second,
    sendonly RTCPeerConnection to the server with `leg_offer`; `null`: quality assistance is off.
    """

    type: Literal["matched"] = "matched"
    session_id: str
    reservation_id: int | None  # the booking this session is for (both sides); None: a walk-in
    peer_name: str
    role_in_session: Literal["offerer", "answerer"]
    ice_servers: tuple[IceServer, ...] = ()
    mode: Literal["video", "chat"] = "video"  # chat: no camera, no WebRTC; the chat panel only
    transcript_kept: bool = False  # the caller consented: the chat is stored with the record
    media_leg: MediaLegSpec | None = None
    relay: RelaySpec | None = None  # relay mode: no P2P connection, one leg to the server
    recording: bool = False  # relay mode, and the caller consented: both pages show the badge


class Consents(_ServerModel):
    """The optional consents of the call now (both members), after the caller withdrew one:
    whether the chat transcript is still kept and whether the call is still recorded."""

    type: Literal["consents"] = "consents"
    session_id: str
    transcript_kept: bool
    recording: bool


class PeerOffer(_ServerModel):
    type: Literal["offer"] = "offer"
    session_id: str
    sdp: str


class PeerAnswer(_ServerModel):
    type: Literal["answer"] = "answer"
    session_id: str
    sdp: str


class PeerIce(_ServerModel):
    type: Literal["ice"] = "ice"
    session_id: str
    candidate: IceCandidate | None


class LegAnswer(_ServerModel):
    """The server's answer to this page's `leg_offer` (recvonly video; it carries every server
    candidate, since the server gathers before it answers)."""

    type: Literal["leg_answer"] = "leg_answer"
    session_id: str
    sdp: str


class ServerLegIce(_ServerModel):
    """The end of the server's candidates for this page's media leg (`candidate` is null: the
    answer already carried them all)."""

    type: Literal["leg_ice"] = "leg_ice"
    session_id: str
    candidate: IceCandidate | None


# The quality hints (issue 5), in the order pages list them; `media.quality.hints.Hint` has the
# same codes (a test checks), the pages translate them.
HintCode = Literal[
    "hands_cropped",
    "low_light",
    "too_far",
    "too_close",
    "blurry",
    "low_frame_rate",
    "low_resolution",
]
HINT_CODES: Final[tuple[str, ...]] = get_args(HintCode)
SideName = Literal["caller", "interpreter"]


class QualityUpdate(_ServerModel):
    """Quality assistance (issue 5): the hints shown now for `side`'s video (empty: none), and
    who is signing now (`active_signer`; None until someone has signed). A signer gets their own
    hints; the interpreter also gets the caller's; both get the active signer with them."""

    type: Literal["quality"] = "quality"
    session_id: str
    side: SideName
    hints: tuple[HintCode, ...]
    active_signer: SideName | None


class PeerStatus(_ServerModel):
    """The other member's socket dropped (their place is kept) or came back (renegotiate)."""

    type: Literal["peer_status"] = "peer_status"
    session_id: str
    status: Literal["disconnected", "reconnected"]


class Ended(_ServerModel):
    type: Literal["ended"] = "ended"
    session_id: str
    reason: EndReason
    ended_by: Actor


class PresenceEcho(_ServerModel):
    """An interpreter's own presence, sent whenever it changes."""

    type: Literal["presence"] = "presence"
    state: Presence
    reason: str | None = None  # away: the interpreter's code, or "missed_offers" (automatic)
    until: AwareDatetime | None = None  # wrap_up: when it ends by itself


class StaffAlert(_ServerModel):
    """To staff: a caller waits past slot start without a ready interpreter, or that is over."""

    type: Literal["staff_alert"] = "staff_alert"
    kind: Literal["interpreter_absent", "resolved"]
    reservation_id: int
    session_id: str
    interpreter_id: int
    language: str
    slot_start: AwareDatetime


class CallerWaiting(_ServerModel):
    """To the interpreter of a waiting caller who is not ready (away, or in another call)."""

    type: Literal["caller_waiting"] = "caller_waiting"
    reservation_id: int
    since: AwareDatetime  # when the caller joined the waiting room


class CallerLeft(_ServerModel):
    """To that interpreter: the caller is no longer waiting for them (left, dropped, handed over
    to another interpreter, or the slot ended)."""

    type: Literal["caller_left"] = "caller_left"
    reservation_id: int
    reason: CallerLeftReason


# Why a waiting caller is no longer waiting for an interpreter (`caller_left.reason`).
CallerLeftReason = Literal["handed_over", "hung_up", "disconnected", "expired", "shutdown"]


class HandedOver(_ServerModel):
    """To staff: a waiting caller was handed to another interpreter (by staff or the system)."""

    type: Literal["handed_over"] = "handed_over"
    session_id: str
    reservation_id: int
    from_interpreter_id: int
    to_interpreter_id: int
    by: Literal["staff", "system"]


class Ring(_ServerModel):
    """To one interpreter at a time: a queued caller is offered to you; `accept` or `decline`
    within `ring_timeout_s`. The page shows it visibly (banner and title), never by sound only."""

    type: Literal["ring"] = "ring"
    session_id: str
    kind: Literal["reserved", "walk_in"]
    mode: Literal["video", "chat"]
    language: str
    specialty: str | None
    caller_name: str
    waiting_since: AwareDatetime
    ring_timeout_s: int


class RingCancelled(_ServerModel):
    """The ring is over without an accept: it timed out (counted as missed), or the caller left."""

    type: Literal["ring_cancelled"] = "ring_cancelled"
    session_id: str
    reason: Literal["timeout", "caller_left", "declined"]


class QueueStatus(_ServerModel):
    """To a walk-in caller: their place among callers of the same sign language, and a wait
    estimate as a range (None when no interpreter of the language is online)."""

    type: Literal["queue"] = "queue"
    session_id: str
    position: int
    language: str
    wait_low_s: int | None
    wait_high_s: int | None
    interpreters_online: int
    status: Literal["queued", "ringing"]  # ringing: an interpreter is being offered this call


class ChatMessage(_ServerModel):
    """A chat line, to both members in the server's order (`seq` from 1); the sender gets it too,
    as the confirmation. A page that resumes is sent the recent lines again."""

    type: Literal["chat"] = "chat"
    session_id: str
    seq: int
    sender: Literal["caller", "interpreter"]
    text: str
    at: AwareDatetime


class TypingStatus(_ServerModel):
    type: Literal["typing"] = "typing"
    session_id: str
    sender: Literal["caller", "interpreter"]
    active: bool


class WaitingLanguage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    language: str
    waiting: int
    longest_since: AwareDatetime | None


class InterpreterState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    interpreter_id: int
    display_name: str
    languages: tuple[str, ...]
    state: Presence
    reason: str | None
    since: AwareDatetime


class SpeedOfAnswer(BaseModel):
    """Calls answered today and how many within 30, 60 and 120 s of joining."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    answered: int
    within_30s: int
    within_60s: int
    within_120s: int


class Wallboard(_ServerModel):
    """To staff sockets that `watch` it: the live state of the center, at most once per
    `wallboard_interval`, and only when something changed."""

    type: Literal["wallboard"] = "wallboard"
    at: AwareDatetime
    day: str  # the service-time-zone date the day figures are for (YYYY-MM-DD)
    waiting: tuple[WaitingLanguage, ...]
    interpreters: tuple[InterpreterState, ...]
    speed_of_answer: SpeedOfAnswer
    abandoned: int
    abandoned_mean_wait_s: float | None


class ErrorMessage(_ServerModel):
    """An invalid or refused message; nothing changed and the connection stays open."""

    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    about: str | None = None  # the `type` of the message refused, when it was known


ServerMessage = (
    Welcome
    | Waiting
    | Matched
    | PeerOffer
    | PeerAnswer
    | PeerIce
    | PeerStatus
    | Ended
    | PresenceEcho
    | StaffAlert
    | CallerWaiting
    | CallerLeft
    | HandedOver
    | Ring
    | RingCancelled
    | QueueStatus
    | ChatMessage
    | TypingStatus
    | Wallboard
    | LegAnswer
    | ServerLegIce
    | QualityUpdate
    | Consents
    | ErrorMessage
)
SERVER_ADAPTER: Final[TypeAdapter[ServerMessage]] = TypeAdapter(
    Annotated[ServerMessage, Field(discriminator="type")]
)


def _relay_fields(message: ServerMessage) -> dict[str, Any]:
    fields = dict(message.__dict__)
    candidate = fields.get("candidate")
    if candidate is not None:
        fields["candidate"] = candidate.__dict__
    return fields


# The relayed messages run once per forwarded frame: their fields are plain strings, ints and
# None (no enums or datetimes, whose JSON forms differ between orjson and pydantic), so orjson
# writes exactly what `model_dump_json` would, at a third of the cost.
_RELAYED: Final = frozenset[type[BaseModel]]((PeerIce, PeerOffer, PeerAnswer))


@dataclass(slots=True)  # not frozen (treat as read-only): a frozen `__init__` costs twice as much
class Relayed:
    """A server message already in its wire form: a relayed `offer`, `answer` or `ice`
    (`relay_message`), or a walk-in's `queue` update (`queue_message`).

    Both are sent in bulk (once per forwarded frame; to every waiting caller when the queue
    moves), so the core skips building the pydantic model and the shell sends `text` as is.
    `text` is byte-identical to `encode()` of that model (`test_protocol.py` checks);
    `message()` builds the model, for tests and tools.
    """

    type: Literal["offer", "answer", "ice", "queue"]
    text: str

    def message(self) -> ServerMessage:
        return SERVER_ADAPTER.validate_json(self.text)


def queue_message(
    session_id: str,
    position: int,
    language: str,
    wait_low_s: int | None,
    wait_high_s: int | None,
    interpreters_online: int,
    status: Literal["queued", "ringing"],
) -> Relayed:
    """A `QueueStatus` in wire form (its fields in the model's order, all plain values)."""
    fields = {
        "v": PROTOCOL_VERSION,
        "type": "queue",
        "session_id": session_id,
        "position": position,
        "language": language,
        "wait_low_s": wait_low_s,
        "wait_high_s": wait_high_s,
        "interpreters_online": interpreters_online,
        "status": status,
    }
    return Relayed("queue", orjson.dumps(fields).decode())


def relay_message(session_id: str, message: Offer | Answer | Ice) -> Relayed:
    """The peer's copy of a validated client `offer`/`answer`/`ice` for session `session_id`."""
    kind = message.type
    if isinstance(message, Ice):
        candidate = message.candidate
        fields: dict[str, Any] = {
            "v": PROTOCOL_VERSION,
            "type": kind,
            "session_id": session_id,
            "candidate": None if candidate is None else candidate.__dict__,
        }
    else:
        fields = {"v": PROTOCOL_VERSION, "type": kind, "session_id": session_id, "sdp": message.sdp}
    try:
        return Relayed(kind, orjson.dumps(fields).decode())
    except orjson.JSONEncodeError:  # e.g. a lone surrogate: let pydantic decide, as `encode` does
        return Relayed(kind, _relayed_model(session_id, message).model_dump_json())


def _relayed_model(
    session_id: str, message: Offer | Answer | Ice
) -> PeerOffer | PeerAnswer | PeerIce:
    if isinstance(message, Ice):
        return PeerIce(session_id=session_id, candidate=message.candidate)
    if isinstance(message, Offer):
        return PeerOffer(session_id=session_id, sdp=message.sdp)
    return PeerAnswer(session_id=session_id, sdp=message.sdp)


def encode(message: ServerMessage | Relayed) -> str:
    """Serialize a server message; every field is present (`null` where empty)."""
    if isinstance(message, Relayed):
        return message.text
    if type(message) in _RELAYED:
        try:
            return orjson.dumps(_relay_fields(message)).decode()
        except orjson.JSONEncodeError:  # e.g. a lone surrogate: let pydantic decide
            pass
    return message.model_dump_json()


def decode_server_message(raw: str | bytes) -> ServerMessage:
    """For tests and tools that play the client; raises `ValidationError` on bad input."""
    return SERVER_ADAPTER.validate_json(raw)


# ---------------------------------------------------------------------------------------------
# Parsing


class _BadJson(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    raise _BadJson(name)


# One decoder for every frame: `json.loads(..., parse_constant=...)` would build a new decoder per
# call, which costs as much as decoding a typical `ice` message.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _load_object(raw: str | bytes) -> Any:
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    return _DECODER.decode(text)


def _encoded_size(raw: str | bytes) -> int:
    if isinstance(raw, bytes) or raw.isascii():  # ASCII: one byte a character, no copy
        return len(raw)
    return len(raw.encode("utf-8", "surrogatepass"))


_DEFAULT_LIMITS: Final = ProtocolLimits()


def parse_client_message(
    raw: str | bytes, limits: ProtocolLimits | None = None
) -> ClientMessage | ProtocolError:
    """Turn one WebSocket frame into a client message, or a `ProtocolError`. Never raises."""
    limits = limits or _DEFAULT_LIMITS
    if isinstance(raw, str) and len(raw) > limits.max_message_bytes:
        return ProtocolError(ErrorCode.TOO_LARGE, "message is over the size limit")
    if _encoded_size(raw) > limits.max_message_bytes:
        return ProtocolError(ErrorCode.TOO_LARGE, "message is over the size limit")
    try:
        # One pass: pydantic-core parses and validates the JSON together, at about half the cost
        # of `json` followed by the model (this runs for every frame). The models are strict, so
        # it accepts exactly what the step-by-step checks accept (`test_protocol_fast_path.py`
        # compares the two); those run only for a refusal, to name its error.
        message: ClientMessage = _CLIENT_VALIDATOR.validate_json(raw)
    except ValueError:  # ValidationError, including JSON that does not parse
        return _parse_step_by_step(raw, limits)
    return _within_limits(message, limits)


def _parse_step_by_step(raw: str | bytes, limits: ProtocolLimits) -> ClientMessage | ProtocolError:
    """The parser that tells a refusal's reason: JSON, shape, type, version, then fields."""
    try:
        data = _load_object(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return ProtocolError(ErrorCode.BAD_JSON, "message is not valid JSON")
    if not isinstance(data, dict):
        return ProtocolError(ErrorCode.INVALID, "message must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str):
        return ProtocolError(ErrorCode.INVALID, "message needs a string `type`")
    if kind not in CLIENT_TYPES:
        return ProtocolError(ErrorCode.UNKNOWN_TYPE, "unknown message type")
    version = data.get("v", PROTOCOL_VERSION)
    if type(version) is not int or version != PROTOCOL_VERSION:
        return ProtocolError(ErrorCode.UNSUPPORTED_VERSION, "this server speaks protocol 1")
    try:
        message = _CLIENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        return ProtocolError(ErrorCode.INVALID, _describe(kind, exc))
    return _within_limits(message, limits)


def _describe(kind: str, exc: ValidationError) -> str:
    """Name the offending fields of the schema, never a value or a key the client made up."""
    fields: set[str] = set()
    for err in exc.errors():
        path = [str(part) for part in err["loc"][1:]]  # loc[0] is the union tag
        if err["type"] == "extra_forbidden" and path:
            path[-1] = "(unexpected field)"
        fields.add(".".join(path) or "(message)")
    return f"invalid `{kind}` message: check " + ", ".join(sorted(fields)[:5])


def _within_limits(message: ClientMessage, limits: ProtocolLimits) -> ClientMessage | ProtocolError:
    # Exact type checks (the models have no subclasses): this runs for every frame.
    if type(message) is Ice or type(message) is LegIce:
        candidate = message.candidate
        if candidate is not None and len(candidate.candidate) > limits.max_candidate_chars:
            return ProtocolError(
                ErrorCode.INVALID, f"invalid `{message.type}` message: candidate too long"
            )
    elif (type(message) is Offer or type(message) is Answer or type(message) is LegOffer) and len(
        message.sdp
    ) > limits.max_sdp_chars:
        return ProtocolError(ErrorCode.INVALID, f"invalid `{message.type}` message: sdp too long")
    elif type(message) is Chat and len(message.text) > limits.max_chat_chars:
        return ProtocolError(ErrorCode.INVALID, "invalid `chat` message: text too long")
    return message
