"""The parser's one-pass path (pydantic parses the JSON) accepts exactly what its step-by-step
path accepts, with the same result: the fast path may only be faster, never different."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.protocol import ProtocolLimits, _parse_step_by_step, parse_client_message
from tests.signaling.test_protocol import JSON_VALUES, SESSION, SHAPED

LIMITS = ProtocolLimits()


def same(raw: str | bytes) -> None:
    assert parse_client_message(raw, LIMITS) == _parse_step_by_step(raw, LIMITS)


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "join"}',
        '{"v": 1, "type": "join"}',
        '{"type": "join", "v": null}',
        '{"type": "join", "v": true}',
        '{"type": "join", "v": 1.0}',
        '{"type": "join", "v": "1"}',
        '{"type": "join", "v": 1, "v": 2}',
        '{"type": "join", "v": 2, "v": 1}',
        '{"type": "hello", "type": "join"}',
        '{"type": "join", "type": 5}',
        '\ufeff{"type": "join"}',
        '{"type": "join"}\n',
        '{"type": "join"} x',
        '{"type": "join"}\x00',
        '{"type": "stats", "session_id": "s1", "fps_received": NaN}',
        '{"type": "stats", "session_id": "s1", "fps_received": 1e400}',
        '{"type": "stats", "session_id": "s1", "fps_received": -0.0}',
        '{"type": "stats", "session_id": "s1", "fps_received": 24}',
        '{"type": "offer", "session_id": "s1", "sdp": "v=0\\ud800"}',
        '{"type": "offer", "session_id": "s1", "sdp": "\\u00e9"}',
        '{"type": "hello", "resume_token": "a\\u0000"}',
        '{"type": "staff_handover", "session_id": "s1", "interpreter_id": 1.0}',
        '{"type": "staff_handover", "session_id": "s1", "interpreter_id": 1e0}',
        '{"type": "staff_handover", "session_id": "s1", "interpreter_id": true}',
        '{"type": "ice", "session_id": "s1", "candidate": {"candidate": "a"}, "candidate": null}',
        '{"type": "ice", "session_id": "s1", "candidate": null, "candidate": {"candidate": "a"}}',
        '{"type": "ice", "session_id": "s", "candidate": {"candidate": "a", "sdpMLineIndex": 0.0}}',
        "[" * 300 + "]" * 300,
    ],
)
def test_edge_cases_agree(raw: str) -> None:
    same(raw)
    same(raw.encode("utf-8", "surrogatepass"))


def test_invalid_utf8_agrees() -> None:
    same(b'{"type": "offer", "session_id": "s1", "sdp": "\xff"}')
    same(b'\xef\xbb\xbf{"type": "join"}')


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_agrees(raw: str) -> None:
    same(raw)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_agrees(value: object) -> None:
    same(json.dumps(value))


@settings(max_examples=500, deadline=None)
@given(SHAPED, st.booleans())
def test_any_message_shaped_object_agrees(data: dict[str, Any], spaced: bool) -> None:
    same(json.dumps(data, separators=(", ", ": ") if spaced else (",", ":")))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["ice", "stats", "media", "hangup", "offer"]),
    st.dictionaries(
        st.sampled_from(["candidate", "fps_received", "state", "reason", "sdp", "v"]),
        JSON_VALUES,
        max_size=3,
    ),
)
def test_in_session_messages_agree(kind: str, fields: dict[str, Any]) -> None:
    same(json.dumps({"type": kind, "session_id": SESSION, **fields}))
