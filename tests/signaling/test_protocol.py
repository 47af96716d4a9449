"""The wire format: every documented example parses, every bad input gets a documented code."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from signaling.protocol import (
    CLIENT_TYPES,
    Answer,
    CallerLeft,
    CallerWaiting,
    ClientMessage,
    Ended,
    ErrorCode,
    ErrorMessage,
    HandedOver,
    Hello,
    Ice,
    IceCandidate,
    Matched,
    Offer,
    PeerAnswer,
    PeerIce,
    PeerOffer,
    PresenceEcho,
    ProtocolError,
    ProtocolLimits,
    QueueStatus,
    Relayed,
    Role,
    ServerMessage,
    StaffAlert,
    StatsReport,
    Waiting,
    Welcome,
    decode_server_message,
    encode,
    parse_client_message,
    queue_message,
    relay_message,
)
from signaling.states import Actor, EndReason, Presence

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
CLIENT_CLASSES: tuple[type[Any], ...] = get_args(ClientMessage)
SERVER_CLASSES: tuple[type[Any], ...] = get_args(ServerMessage)
DOCUMENTED_CODES = {code.value for code in ErrorCode}
SESSION = "s_4kTq9vV2bX1mZ8aR"


def parse(data: object, limits: ProtocolLimits | None = None) -> ClientMessage | ProtocolError:
    return parse_client_message(json.dumps(data), limits)


def code_of(result: ClientMessage | ProtocolError) -> str:
    assert isinstance(result, ProtocolError), f"expected an error, got {result!r}"
    return result.code.value


def doc_examples(section: str) -> list[str]:
    """The JSON blocks under one `## ` heading of docs/protocol.md."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```json\n(.*?)\n```", body, flags=re.S)


# -- the documentation is the test data


def test_every_documented_example_is_a_valid_message_and_every_type_has_one() -> None:
    client_types: set[str] = set()
    server_types: set[str] = set()
    for example in doc_examples("Client → server"):
        parsed = parse_client_message(example)
        assert not isinstance(parsed, ProtocolError), (example, parsed)
        client_types.add(parsed.type)
    for example in doc_examples("Server → client"):
        message = decode_server_message(example)
        server_types.add(message.type)
        assert json.loads(encode(message)) == json.loads(example)
    assert client_types == CLIENT_TYPES
    assert server_types == {cls.model_fields["type"].default for cls in SERVER_CLASSES}


def test_every_error_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in ErrorCode:
        assert f"| `{code.value}` |" in text


def test_the_client_types_are_the_union() -> None:
    assert {get_args(cls.model_fields["type"].annotation)[0] for cls in CLIENT_CLASSES} == set(
        CLIENT_TYPES
    )


# -- accepted input


def test_a_minimal_message_and_the_version_are_accepted() -> None:
    assert parse({"type": "hello"}) == Hello(type="hello")
    assert parse({"type": "hello", "v": 1}) == Hello(type="hello", v=1)
    assert isinstance(parse_client_message(b'{"type": "join"}'), ClientMessage)


def test_ice_accepts_a_browser_candidate_an_end_marker_and_null() -> None:
    full = parse(
        {
            "type": "ice",
            "session_id": SESSION,
            "candidate": {
                "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host",
                "sdpMid": "0",
                "sdpMLineIndex": 0,
                "usernameFragment": "f2Xa",
            },
        }
    )
    assert isinstance(full, Ice) and full.candidate is not None
    assert full.candidate.sdpMLineIndex == 0
    end = parse({"type": "ice", "session_id": SESSION, "candidate": {"candidate": ""}})
    assert isinstance(end, Ice)
    assert parse({"type": "ice", "session_id": SESSION, "candidate": None}) == Ice(
        type="ice", session_id=SESSION, candidate=None
    )


def test_an_integer_frame_rate_is_a_float() -> None:
    stats = parse({"type": "stats", "session_id": SESSION, "fps_received": 30})
    assert isinstance(stats, StatsReport) and stats.fps_received == 30.0


# -- refused input, with its code


@pytest.mark.parametrize(
    "raw",
    ["", "{", "nope", '{"type": "join",}', "NaN", '{"type":"join","x":Infinity}', b"\xff\xfe"],
)
def test_text_that_is_not_json_is_bad_json(raw: str | bytes) -> None:
    assert code_of(parse_client_message(raw)) == "bad_json"


def test_deep_nesting_is_refused_not_a_crash() -> None:
    assert code_of(parse_client_message("[" * 30_000 + "]" * 30_000)) == "bad_json"
    nested = '{"type": "join", "x": ' + "[" * 5_000 + "]" * 5_000 + "}"
    assert code_of(parse_client_message(nested)) == "bad_json"


@pytest.mark.parametrize("data", [[], 1, "join", None, True, {"kind": "join"}, {"type": 3}])
def test_a_message_must_be_an_object_with_a_string_type(data: object) -> None:
    assert code_of(parse(data)) == "invalid"


@pytest.mark.parametrize("kind", ["teleport", "welcome", "matched", "error", "", "HELLO"])
def test_unknown_and_server_only_types_are_unknown(kind: str) -> None:
    assert code_of(parse({"type": kind})) == "unknown_type"


@pytest.mark.parametrize("version", [2, 0, "1", 1.0, True, None, [1]])
def test_only_integer_version_1_is_spoken(version: object) -> None:
    assert code_of(parse({"type": "hello", "v": version})) == "unsupported_version"


@pytest.mark.parametrize(
    "data",
    [
        {"type": "hello", "extra": 1},
        {"type": "presence"},
        {"type": "presence", "state": "asleep"},
        {"type": "presence", "state": "away", "reason": "Dentist at 3pm"},
        {"type": "offer", "sdp": "v=0"},
        {"type": "offer", "session_id": SESSION, "sdp": ""},
        {"type": "offer", "session_id": "../etc", "sdp": "v=0"},
        {"type": "offer", "session_id": "x" * 65, "sdp": "v=0"},
        {"type": "ice", "session_id": SESSION},
        {"type": "ice", "session_id": SESSION, "candidate": {"candidate": "c", "foo": 1}},
        {
            "type": "ice",
            "session_id": SESSION,
            "candidate": {"candidate": "c", "sdpMLineIndex": -1},
        },
        {
            "type": "ice",
            "session_id": SESSION,
            "candidate": {"candidate": "c", "sdpMLineIndex": "0"},
        },
        {"type": "ice", "session_id": SESSION, "candidate": "candidate:1"},
        {"type": "hangup", "session_id": SESSION, "reason": "because"},
        {"type": "media", "session_id": SESSION, "state": "checking"},
        {"type": "stats", "session_id": SESSION, "fps_received": -1},
        {"type": "stats", "session_id": SESSION, "fps_received": 1000},
        {"type": "stats", "session_id": SESSION, "fps_received": "30"},
        {"type": "staff_handover", "session_id": SESSION, "interpreter_id": "12"},
        {"type": "staff_handover", "session_id": SESSION, "interpreter_id": True},
        {"type": "staff_handover", "session_id": SESSION, "interpreter_id": 0},
        {"type": "staff_handover", "session_id": SESSION, "interpreter_id": 2**40},
        {"type": "hello", "resume_token": "a b"},
        {"type": "hello", "resume_token": "t" * 129},
    ],
)
def test_wrong_fields_are_invalid(data: dict[str, Any]) -> None:
    assert code_of(parse(data)) == "invalid"


def test_an_infinite_frame_rate_is_invalid() -> None:
    raw = '{"type": "stats", "session_id": "s1", "fps_received": 1e400}'
    assert code_of(parse_client_message(raw)) == "invalid"


def test_a_lone_surrogate_is_refused_before_it_can_break_the_encoder() -> None:
    raw = '{"type": "offer", "session_id": "s1", "sdp": "v=0\\ud800"}'
    assert code_of(parse_client_message(raw)) == "invalid"


def test_errors_name_fields_but_never_repeat_the_input() -> None:
    secret = "candidate:1 1 udp 1 203.0.113.9 5000 typ host ufrag SECRETUFRAG"
    candidate = {"candidate": secret, "sdpMLineIndex": "0", "Kim Citizen 010-1234": 1}
    result = parse({"type": "ice", "session_id": SESSION, "candidate": candidate})
    assert isinstance(result, ProtocolError)
    assert "candidate.sdpMLineIndex" in result.message
    assert "candidate.(unexpected field)" in result.message
    for leaked in ("SECRETUFRAG", "203.0.113.9", "Kim", "010"):
        assert leaked not in result.message


# -- limits


def test_a_message_over_the_size_limit_is_too_large() -> None:
    limits = ProtocolLimits(max_message_bytes=100)
    big = {"type": "offer", "session_id": SESSION, "sdp": "x" * 200}
    assert code_of(parse(big, limits)) == "too_large"
    assert code_of(parse_client_message(json.dumps(big).encode(), limits)) == "too_large"
    multibyte = json.dumps({"type": "hello", "resume_token": None}, ensure_ascii=False)
    assert len(multibyte) <= 100
    assert isinstance(parse_client_message(multibyte, limits), Hello)
    accents = '{"type": "join", "pad": "' + "é" * 40 + '"}'  # 40 characters, 80 bytes
    assert code_of(parse_client_message(accents, ProtocolLimits(max_message_bytes=90))) == (
        "too_large"
    )


def test_the_default_limits() -> None:
    limits = ProtocolLimits()
    assert (limits.max_message_bytes, limits.max_sdp_chars, limits.max_candidate_chars) == (
        64 * 1024,
        16 * 1024,
        1024,
    )


def test_sdp_and_candidate_length_are_configurable() -> None:
    limits = ProtocolLimits(max_sdp_chars=10, max_candidate_chars=5)
    assert isinstance(parse({"type": "offer", "session_id": "s", "sdp": "v=0"}, limits), Offer)
    long_sdp = {"type": "answer", "session_id": "s", "sdp": "v=0" + "x" * 10}
    assert code_of(parse(long_sdp, limits)) == "invalid"
    long_candidate = {"type": "ice", "session_id": "s", "candidate": {"candidate": "c" * 6}}
    assert code_of(parse(long_candidate, limits)) == "invalid"
    assert isinstance(parse({"type": "ice", "session_id": "s", "candidate": None}, limits), Ice)


def test_a_default_sized_browser_sdp_fits() -> None:
    sdp = "a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\r\n" * 100  # about 5.6 KB
    assert isinstance(parse({"type": "offer", "session_id": "s", "sdp": sdp}), Offer)


@pytest.mark.parametrize(
    "bad",
    [
        {"max_message_bytes": 0},
        {"max_message_bytes": 2 * 1024 * 1024},
        {"max_sdp_chars": 65 * 1024},
        {"max_candidate_chars": 0},
    ],
)
def test_limits_stay_within_the_ceilings(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        ProtocolLimits(**bad)


# -- encoding


_RELAY_CANDIDATES: list[dict[str, Any] | None] = [
    {
        "candidate": "candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host",
        "sdpMid": "0",
        "sdpMLineIndex": 0,
        "usernameFragment": "4ZcD",
    },
    {"candidate": ""},  # end of candidates: the optional fields are null
    {"candidate": 'candidat\u00e9 \u65e5\u672c \U0001f600 "q" \\ \n\t\u0001', "sdpMid": "\u00e9"},
    None,
]
_RELAY_SDPS = [
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n",
    'v=0 \u00e9\u65e5 \U0001f600 "</script>" \\ \u2028',
]


def _relayed_cases() -> list[tuple[str, Any]]:
    cases: list[tuple[str, Any]] = []
    for candidate in _RELAY_CANDIDATES:
        cases.append(("ice", {"type": "ice", "session_id": "s_1-A", "candidate": candidate}))
    for sdp in _RELAY_SDPS:
        cases.append(("offer", {"type": "offer", "session_id": "s1", "sdp": sdp}))
        cases.append(("answer", {"type": "answer", "session_id": "s1", "sdp": sdp}))
    return cases


@pytest.mark.parametrize(("kind", "frame"), _relayed_cases())
@pytest.mark.parametrize("ascii_json", [True, False])
def test_relay_message_is_byte_identical_to_encoding_the_peer_model(
    kind: str, frame: dict[str, Any], ascii_json: bool
) -> None:
    message = parse_client_message(json.dumps(frame, ensure_ascii=ascii_json))
    assert isinstance(message, Offer | Answer | Ice)
    relayed = relay_message("s_9", message)
    model: PeerOffer | PeerAnswer | PeerIce
    if isinstance(message, Ice):
        model = PeerIce(session_id="s_9", candidate=message.candidate)
    elif isinstance(message, Offer):
        model = PeerOffer(session_id="s_9", sdp=message.sdp)
    else:
        model = PeerAnswer(session_id="s_9", sdp=message.sdp)
    assert relayed.type == kind
    assert relayed.text == encode(model) == model.model_dump_json()
    assert relayed.text.encode() == model.model_dump_json().encode()  # byte for byte
    assert encode(relayed) == relayed.text
    assert relayed.message() == model
    assert isinstance(relayed, Relayed)


def test_encode_round_trips_every_server_message() -> None:
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    messages: list[ServerMessage] = [
        Welcome(
            conn_id="c1", role=Role.CALLER, resume_token="t", resume_window_s=60, resumed=False
        ),
        Waiting(session_id="s1", status="connecting", slot_start=start),
        Matched(session_id="s1", reservation_id=1, peer_name="Kim", role_in_session="answerer"),
        PeerIce(session_id="s1", candidate=IceCandidate(candidate="")),
        PeerIce(session_id="s1", candidate=None),
        Ended(session_id="s1", reason=EndReason.DROPPED, ended_by=Actor.SYSTEM),
        PresenceEcho(state=Presence.IN_SESSION),
        StaffAlert(
            kind="resolved",
            reservation_id=1,
            session_id="s1",
            interpreter_id=2,
            language="ksl",
            slot_start=start,
        ),
        CallerWaiting(reservation_id=1, since=start),
        CallerLeft(reservation_id=1, reason="hung_up"),
        HandedOver(
            session_id="s1",
            reservation_id=1,
            from_interpreter_id=2,
            to_interpreter_id=3,
            by="system",
        ),
        ErrorMessage(code=ErrorCode.NOT_ALLOWED, message="no", about="offer"),
    ]
    for message in messages:
        text = encode(message)
        assert json.loads(text)["v"] == 1
        assert decode_server_message(text) == message
    assert json.loads(encode(messages[4]))["candidate"] is None  # null is kept, not dropped


def test_server_models_refuse_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        decode_server_message('{"type": "ended", "session_id": "s", "reason": "x", "by": "y"}')


# -- properties: any input yields a message or a documented error, never an exception

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
FIELD_NAMES = st.sampled_from(
    [
        "v",
        "session_id",
        "sdp",
        "candidate",
        "state",
        "reason",
        "resume_token",
        "fps_received",
        "interpreter_id",
        "sdpMid",
        "other",
    ]
)
SHAPED = st.builds(
    lambda kind, fields: {"type": kind, **fields},
    st.sampled_from([*sorted(CLIENT_TYPES), "welcome", "x"]),
    st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=4),
)


def _check(result: ClientMessage | ProtocolError) -> None:
    if isinstance(result, ProtocolError):
        assert result.code.value in DOCUMENTED_CODES
        assert result.message
    else:
        assert isinstance(result, CLIENT_CLASSES)
        assert result.type in CLIENT_TYPES


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_parsed_or_refused(raw: str) -> None:
    _check(parse_client_message(raw))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_parsed_or_refused(raw: bytes) -> None:
    _check(parse_client_message(raw))


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_is_parsed_or_refused(value: object) -> None:
    _check(parse_client_message(json.dumps(value)))


@settings(max_examples=300, deadline=None)
@given(SHAPED)
def test_any_message_shaped_object_is_parsed_or_refused(data: dict[str, Any]) -> None:
    result = parse_client_message(json.dumps(data))
    _check(result)
    if not isinstance(result, ProtocolError):
        dumped = result.model_dump()
        if dumped["v"] is None:
            del dumped["v"]
        assert parse_client_message(json.dumps(dumped)) == result


@pytest.mark.parametrize(
    ("low", "high", "status"), [(None, None, "queued"), (120, 420, "ringing"), (0, 60, "queued")]
)
@pytest.mark.parametrize("language", ["KSL", "ksl", "수어"])
def test_queue_message_is_byte_identical_to_encoding_the_model(
    low: int | None, high: int | None, status: Literal["queued", "ringing"], language: str
) -> None:
    model = QueueStatus(
        session_id="s_9",
        position=3,
        language=language,
        wait_low_s=low,
        wait_high_s=high,
        interpreters_online=2,
        status=status,
    )
    fast = queue_message("s_9", 3, language, low, high, 2, status)
    assert fast.text.encode() == model.model_dump_json().encode()  # byte for byte
    assert fast.type == "queue" and fast.message() == model
