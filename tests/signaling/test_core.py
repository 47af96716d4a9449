"""The signaling core, driven like the shell drives it: no sockets, no loop, an injected clock."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signaling.config import CoreConfig, default_resume_token
from signaling.core import SignalingCore
from signaling.decisions import Decision
from signaling.identities import CallerIdentity, Identity
from signaling.protocol import (
    CallerLeft,
    CallerWaiting,
    CloseCode,
    Ended,
    ErrorCode,
    ErrorMessage,
    HandedOver,
    IceServer,
    Matched,
    PeerIce,
    PeerOffer,
    PeerStatus,
    PresenceEcho,
    ProtocolError,
    Role,
    StaffAlert,
    Waiting,
    Welcome,
    encode,
    parse_client_message,
)
from signaling.records import HandoverRecord, SessionRecord
from signaling.states import Actor, EndReason, Presence, SessionState
from tests.signaling.harness import (
    CALLER,
    CALLER_B,
    CANDIDATE,
    FOREIGN,
    INTERPRETER,
    OTHER,
    SDP,
    SLOT,
    SLOT_END,
    STAFF,
    THIRD,
    Harness,
    error_code,
    handover_records,
    only,
    session_records,
    types,
)

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


def resume_token_of(h: Harness, conn: str) -> str:
    welcomes = [m for d in h.decisions for m in d.to(conn) if isinstance(m, Welcome)]
    assert len(welcomes) == 1 and welcomes[0].resume_token is not None
    return welcomes[0].resume_token


def session_record(h: Harness) -> SessionRecord:
    records = [r for d in h.decisions for r in d.records if isinstance(r, SessionRecord)]
    assert len(records) == 1
    return records[0]


# -- hello and welcome


def test_caller_hello_gets_welcome_with_resume_information() -> None:
    h = Harness()
    welcome = only(h.open("c1", CALLER), "c1", Welcome)
    assert welcome.role is Role.CALLER
    assert welcome.conn_id == "c1"
    assert welcome.resume_token == "token-1"
    assert welcome.resume_window_s == 60
    assert welcome.resumed is False
    assert welcome.protocol == 1


def test_interpreter_hello_starts_away_and_is_told_so() -> None:
    h = Harness()
    decision = h.open("i1", INTERPRETER)
    assert types(decision, "i1") == ["welcome", "presence"]
    assert only(decision, "i1", PresenceEcho).state is Presence.AWAY
    assert h.core.presence_of(1) is Presence.AWAY


def test_staff_hello_has_no_resume_token() -> None:
    welcome = only(Harness().open("t1", STAFF), "t1", Welcome)
    assert welcome.role is Role.STAFF
    assert welcome.resume_token is None


def test_messages_before_hello_are_refused() -> None:
    h = Harness()
    h.connect("c1", CALLER)
    assert error_code(h.send("c1", type="join"), "c1") == "hello_required"
    assert h.core.session_count == 0


def test_a_second_hello_is_refused() -> None:
    h = Harness()
    h.open("c1", CALLER)
    assert error_code(h.send("c1", type="hello"), "c1") == "already_welcomed"


def test_a_parser_error_becomes_an_error_and_the_connection_stays() -> None:
    h = Harness()
    h.open("c1", CALLER)
    decision = h.core.handle("c1", parse_client_message("{nope"), SLOT)
    assert error_code(decision, "c1") == "bad_json"
    assert decision.closes == []
    assert types(h.send("c1", type="join"), "c1") == ["waiting"]


def test_messages_from_unknown_connections_are_ignored() -> None:
    h = Harness()
    decision = h.core.handle("ghost", ProtocolError(ErrorCode.INVALID, "x"), SLOT)
    assert decision.deliveries == [] and decision.closes == []
    assert h.core.disconnect("ghost", SLOT).deliveries == []


def test_connect_rejects_a_reused_connection_id() -> None:
    h = Harness()
    h.connect("c1", CALLER)
    with pytest.raises(ValueError, match="unique"):
        h.connect("c1", CALLER)


def test_hello_must_come_in_time() -> None:
    h = Harness()
    h.connect("slow", CALLER)
    h.open("c2", CALLER_B)
    assert h.tick(SLOT + 9 * SECOND).closes == []
    closes = h.tick(SLOT + 10 * SECOND).closes
    assert [(c.conn_id, c.code) for c in closes] == [("slow", CloseCode.HELLO_TIMEOUT)]
    assert h.core.connection_count == 1


# -- one connection per caller and interpreter


def test_a_second_caller_connection_for_the_same_booking_is_refused_and_closed() -> None:
    h = Harness()
    h.open("c1", CALLER)
    decision = h.open("c2", CALLER)
    assert error_code(decision, "c2") == "already_connected"
    assert [(c.conn_id, c.code) for c in decision.closes] == [("c2", CloseCode.ALREADY_CONNECTED)]
    assert types(h.send("c1", type="join"), "c1") == ["waiting"]
    assert h.send("c2", type="join").deliveries == []  # the refused socket is forgotten


def test_a_second_interpreter_connection_is_refused() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    assert error_code(h.open("i2", INTERPRETER), "i2") == "already_connected"
    assert h.core.presence_of(1) is Presence.AWAY


# -- joining the waiting room


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (-10 * MINUTE - SECOND, "too_early"),
        (SLOT_END - SLOT, "too_late"),
        (SLOT_END - SLOT + MINUTE, "too_late"),
    ],
)
def test_join_outside_the_window_is_refused(offset: timedelta, code: str) -> None:
    h = Harness()
    h.open("c1", CALLER, SLOT + offset)
    assert error_code(h.send("c1", SLOT + offset, type="join"), "c1") == code
    assert h.core.session_count == 0


@pytest.mark.parametrize("offset", [-10 * MINUTE, timedelta(0), SLOT_END - SLOT - SECOND])
def test_join_inside_the_window_waits(offset: timedelta) -> None:
    h = Harness()
    h.open("c1", CALLER, SLOT + offset)
    waiting = only(h.send("c1", SLOT + offset, type="join"), "c1", Waiting)
    assert waiting.status == "interpreter_absent"
    assert waiting.session_id == "s1"
    assert waiting.slot_start == SLOT
    assert h.core.session_state("s1") is SessionState.WAITING


def test_the_join_window_is_a_setting() -> None:
    h = Harness(CoreConfig(join_early=2 * MINUTE))
    h.open("c1", CALLER, SLOT - 3 * MINUTE)
    assert error_code(h.send("c1", SLOT - 3 * MINUTE, type="join"), "c1") == "too_early"
    assert types(h.send("c1", SLOT - 2 * MINUTE, type="join"), "c1") == ["waiting"]


@pytest.mark.parametrize("identity", [INTERPRETER, STAFF])
def test_only_callers_join(identity: Identity) -> None:
    h = Harness()
    h.open("x", identity)
    assert error_code(h.send("x", type="join"), "x") == "not_allowed"


def test_joining_twice_is_refused() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    assert error_code(h.send("c1", type="join"), "c1") == "illegal_state"
    assert h.core.session_count == 1


# -- pairing


def test_waiting_status_follows_the_interpreter_until_matched() -> None:
    h = Harness()
    h.open("c1", CALLER, SLOT - 5 * MINUTE)
    h.send("c1", SLOT - 5 * MINUTE, type="join")
    connected = h.open("i1", INTERPRETER, SLOT - 4 * MINUTE)
    assert only(connected, "c1", Waiting).status == "connecting"

    ready = h.send("i1", SLOT - 3 * MINUTE, type="presence", state="ready")
    to_interpreter = only(ready, "i1", Matched)
    to_caller = only(ready, "c1", Matched)
    assert (to_interpreter.role_in_session, to_interpreter.peer_name) == ("offerer", "Kim Citizen")
    assert (to_caller.role_in_session, to_caller.peer_name) == ("answerer", "Lee Interpreter")
    assert to_caller.session_id == to_interpreter.session_id == "s1"
    echoes = [m.state for m in ready.to("i1") if isinstance(m, PresenceEcho)]
    assert echoes == [Presence.READY, Presence.IN_SESSION]
    assert h.core.session_state("s1") is SessionState.MATCHED
    assert h.core.presence_of(1) is Presence.IN_SESSION


def test_a_ready_interpreter_is_matched_as_soon_as_the_caller_joins() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c1", CALLER)
    decision = h.send("c1", type="join")
    assert types(decision, "c1") == ["matched"]
    assert "matched" in types(decision, "i1")


def test_an_away_interpreter_is_not_matched() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    h.open("c1", CALLER)
    assert only(h.send("c1", type="join"), "c1", Waiting).status == "connecting"
    assert h.core.session_state("s1") is SessionState.WAITING


def test_another_interpreter_does_not_take_the_caller_before_the_grace() -> None:
    h = Harness()
    h.open("i2", OTHER)
    h.send("i2", type="presence", state="ready")
    h.open("c1", CALLER)
    assert only(h.send("c1", type="join"), "c1", Waiting).status == "interpreter_absent"


def test_ice_servers_come_with_matched() -> None:
    servers = (IceServer(urls=("stun:stun.example.org:3478",)),)
    h = Harness(CoreConfig(ice_servers=servers))
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c1", CALLER)
    assert only(h.send("c1", type="join"), "c1", Matched).ice_servers == servers


def test_after_a_call_the_interpreter_is_ready_and_takes_the_next_waiting_caller() -> None:
    next_caller = CallerIdentity(
        reservation_id=9,
        display_name="Next Citizen",
        interpreter_id=1,
        language="ksl",
        slot_start=SLOT,
        slot_end=SLOT_END,
    )
    h = Harness()
    sid = h.matched_pair()
    h.open("c9", next_caller)
    assert only(h.send("c9", type="join"), "c9", Waiting).status == "connecting"
    decision = h.send("c1", SLOT + MINUTE, type="hangup", session_id=sid)
    assert [m.state for m in decision.to("i1") if isinstance(m, PresenceEcho)] == [
        Presence.READY,
        Presence.IN_SESSION,
    ]
    assert only(decision, "c9", Matched).session_id == "s2"


# -- presence


def test_presence_moves_and_is_echoed_with_its_reason() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    echo = only(h.send("i1", type="presence", state="ready"), "i1", PresenceEcho)
    assert (echo.state, echo.reason) == (Presence.READY, None)
    echo = only(h.send("i1", type="presence", state="away", reason="break"), "i1", PresenceEcho)
    assert (echo.state, echo.reason) == (Presence.AWAY, "break")
    assert h.core.presence_of(1) is Presence.AWAY


def test_presence_cannot_leave_a_session_and_nothing_changes() -> None:
    h = Harness()
    sid = h.matched_pair()
    decision = h.send("i1", type="presence", state="away")
    assert error_code(decision, "i1") == "illegal_state"
    assert decision.to("c1") == []
    assert h.core.presence_of(1) is Presence.IN_SESSION
    assert h.core.session_state(sid) is SessionState.MATCHED


@pytest.mark.parametrize(("conn", "identity"), [("c1", CALLER), ("t1", STAFF)])
def test_only_interpreters_have_presence(conn: str, identity: Identity) -> None:
    h = Harness()
    h.open(conn, identity)
    assert error_code(h.send(conn, type="presence", state="ready"), conn) == "not_allowed"


def test_an_interpreter_who_leaves_outside_a_session_goes_offline() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    h.open("i1", INTERPRETER)
    decision = h.disconnect("i1")
    assert h.core.presence_of(1) is Presence.OFFLINE
    assert only(decision, "c1", Waiting).status == "interpreter_absent"


# -- relay


def test_offer_answer_and_ice_go_to_the_other_member_only() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.open("c2", CALLER_B)
    h.send("c2", type="join")
    h.open("i2", OTHER)
    h.send("i2", type="presence", state="ready")  # a second, independent session

    offer = h.send("i1", type="offer", session_id=sid, sdp=SDP)
    assert [(d.conn_id, d.message.type) for d in offer.deliveries] == [("c1", "offer")]
    assert only(offer, "c1", PeerOffer).sdp == SDP

    answer = h.send("c1", type="answer", session_id=sid, sdp=SDP)
    assert [(d.conn_id, d.message.type) for d in answer.deliveries] == [("i1", "answer")]

    ice = h.send("c1", type="ice", session_id=sid, candidate=CANDIDATE)
    delivered = only(ice, "i1", PeerIce)
    assert delivered.candidate is not None
    assert delivered.candidate.candidate == CANDIDATE["candidate"]
    assert [d.conn_id for d in ice.deliveries] == ["i1"]

    done = h.send("i1", type="ice", session_id=sid, candidate=None)
    assert only(done, "c1", PeerIce).candidate is None


def test_the_caller_cannot_offer_and_the_interpreter_cannot_answer() -> None:
    h = Harness()
    sid = h.matched_pair()
    assert error_code(h.send("c1", type="offer", session_id=sid, sdp=SDP), "c1") == "not_allowed"
    assert error_code(h.send("i1", type="answer", session_id=sid, sdp=SDP), "i1") == "not_allowed"


def test_relay_to_a_session_one_is_not_in_is_refused() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.open("i2", OTHER)
    h.open("t1", STAFF)
    stranger = h.send("i2", type="ice", session_id=sid, candidate=CANDIDATE)
    assert error_code(stranger, "i2") == "not_in_session"
    assert stranger.to("c1") == [] and stranger.to("i1") == []
    assert error_code(h.send("t1", type="offer", session_id=sid, sdp=SDP), "t1") == "not_allowed"
    wrong_id = h.send("i1", type="offer", session_id="s99", sdp=SDP)
    assert error_code(wrong_id, "i1") == "not_in_session"


def test_relay_before_the_match_is_refused() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    decision = h.send("c1", type="ice", session_id="s1", candidate=CANDIDATE)
    assert error_code(decision, "c1") == "illegal_state"
    h.open("i1", INTERPRETER)
    assert error_code(h.send("i1", type="offer", session_id="s1", sdp=SDP), "i1") == (
        "not_in_session"
    )


# -- media, stats, hang-up and the session record


def test_media_connected_on_both_pages_makes_the_session_connected() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.send("i1", SLOT + 5 * SECOND, type="media", session_id=sid, state="connected")
    assert h.core.session_state(sid) is SessionState.MATCHED
    h.send("c1", SLOT + 6 * SECOND, type="media", session_id=sid, state="failed")
    h.send("c1", SLOT + 7 * SECOND, type="media", session_id=sid, state="connected")
    assert h.core.session_state(sid) is SessionState.CONNECTED


def test_media_and_stats_before_the_match_are_refused() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    media = h.send("c1", type="media", session_id="s1", state="connected")
    assert error_code(media, "c1") == "illegal_state"
    stats = h.send("c1", type="stats", session_id="s1", fps_received=30)
    assert error_code(stats, "c1") == "illegal_state"


def test_hangup_ends_the_session_for_both_and_writes_a_complete_record() -> None:
    h = Harness()
    h.open("c1", CALLER, SLOT - 2 * MINUTE)
    h.send("c1", SLOT - 2 * MINUTE, type="join")
    h.open("i1", INTERPRETER, SLOT)
    h.send("i1", SLOT, type="presence", state="ready")
    sid = "s1"
    h.send("i1", SLOT + 5 * SECOND, type="offer", session_id=sid, sdp=SDP)
    h.send("c1", SLOT + 6 * SECOND, type="answer", session_id=sid, sdp=SDP)
    h.send("c1", SLOT + 7 * SECOND, type="ice", session_id=sid, candidate=CANDIDATE)
    h.send("c1", SLOT + 8 * SECOND, type="media", session_id=sid, state="connected")
    h.send("i1", SLOT + 9 * SECOND, type="media", session_id=sid, state="connected")
    for fps in (30.0, 20.0):
        h.send("c1", SLOT + MINUTE, type="stats", session_id=sid, fps_received=fps)
    h.send("i1", SLOT + MINUTE, type="stats", session_id=sid, fps_received=24)

    end = SLOT + 20 * MINUTE
    decision = h.send("c1", end, type="hangup", session_id=sid)
    for conn in ("c1", "i1"):
        ended = only(decision, conn, Ended)
        assert (ended.reason, ended.ended_by) == (EndReason.HANGUP, Actor.CALLER)
    assert only(decision, "i1", PresenceEcho).state is Presence.READY
    assert h.core.session_state(sid) is None
    assert h.core.presence_of(1) is Presence.READY

    assert session_records(decision) == [
        SessionRecord(
            session_id=sid,
            reservation_id=7,
            contact_id=None,
            kind="reserved",
            mode="video",
            specialty=None,
            assigned_interpreter_id=1,
            interpreter_id=1,
            language="ksl",
            slot_start=SLOT,
            caller_joined_at=SLOT - 2 * MINUTE,
            matched_at=SLOT,
            caller_media_connected_at=SLOT + 8 * SECOND,
            interpreter_media_connected_at=SLOT + 9 * SECOND,
            connected_at=SLOT + 9 * SECOND,
            ended_at=end,
            wait_seconds=120.0,
            duration_seconds=1200.0,
            ended_by=Actor.CALLER,
            end_reason=EndReason.HANGUP,
            caller_fps_received=25.0,
            interpreter_fps_received=24.0,
            handed_over=False,
            offers_missed=0,
            transcript_consent=False,
            transcript=(),
            transcript_truncated=False,
        )
    ]
    text = repr(decision.records)
    for secret in (SDP, CANDIDATE["candidate"], "token-", "abcd"):
        assert str(secret) not in text


def test_interpreter_hangup_with_media_failed() -> None:
    h = Harness()
    sid = h.matched_pair()
    decision = h.send("i1", type="hangup", session_id=sid, reason="media_failed")
    ended = only(decision, "c1", Ended)
    assert (ended.reason, ended.ended_by) == (EndReason.MEDIA_FAILED, Actor.INTERPRETER)


def test_a_caller_can_leave_the_waiting_room() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    decision = h.send("c1", SLOT + 2 * MINUTE, type="hangup", session_id="s1")
    assert only(decision, "c1", Ended).reason is EndReason.ABANDONED  # left before an answer
    record = session_record(h)
    assert (record.matched_at, record.interpreter_id, record.duration_seconds) == (None, None, None)
    assert record.wait_seconds == 120.0
    assert types(h.send("c1", SLOT + 3 * MINUTE, type="join"), "c1") == ["waiting"]


def test_hangup_by_a_stranger_is_refused() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.open("i2", OTHER)
    assert error_code(h.send("i2", type="hangup", session_id=sid), "i2") == "not_in_session"
    assert h.core.session_state(sid) is SessionState.MATCHED


# -- resume


def test_a_dropped_caller_resumes_within_the_window() -> None:
    h = Harness()
    sid = h.matched_pair()
    token = resume_token_of(h, "c1")

    dropped = h.disconnect("c1", SLOT + MINUTE)
    assert only(dropped, "i1", PeerStatus).status == "disconnected"
    assert h.core.session_state(sid) is SessionState.RECONNECTING
    absent = h.send("i1", SLOT + MINUTE, type="offer", session_id=sid, sdp=SDP)
    assert error_code(absent, "i1") == "peer_absent"
    assert h.tick(SLOT + MINUTE + 59 * SECOND).records == []

    back = h.open("c1b", CALLER, SLOT + MINUTE + 59 * SECOND, resume_token=token)
    welcome = only(back, "c1b", Welcome)
    assert welcome.resumed is True
    assert welcome.resume_token not in (None, token)
    assert only(back, "c1b", Matched).session_id == sid
    assert only(back, "i1", PeerStatus).status == "reconnected"
    assert h.core.session_state(sid) is SessionState.MATCHED
    relayed = h.send("i1", SLOT + 2 * MINUTE, type="offer", session_id=sid, sdp=SDP)
    assert only(relayed, "c1b", PeerOffer).session_id == sid


def test_a_member_who_does_not_come_back_ends_the_session_as_dropped() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.disconnect("c1", SLOT + MINUTE)
    decision = h.tick(SLOT + 2 * MINUTE)
    ended = only(decision, "i1", Ended)
    assert (ended.reason, ended.ended_by) == (EndReason.DROPPED, Actor.CALLER)
    assert only(decision, "i1", PresenceEcho).state is Presence.READY
    assert session_record(h).end_reason is EndReason.DROPPED
    assert h.core.session_state(sid) is None


def test_the_resume_window_is_a_setting() -> None:
    h = Harness(CoreConfig(resume_window=5 * SECOND))
    h.matched_pair()
    h.disconnect("c1", SLOT)
    assert session_records(h.tick(SLOT + 4 * SECOND)) == []
    assert len(session_records(h.tick(SLOT + 5 * SECOND))) == 1


def test_resume_after_the_window_fails_and_starts_afresh() -> None:
    h = Harness()
    h.matched_pair()
    h.disconnect("c1", SLOT)
    h.tick(SLOT + MINUTE)
    decision = h.open("c1b", CALLER, SLOT + MINUTE, resume_token="token-2")
    assert error_code(decision, "c1b") == "resume_failed"
    assert only(decision, "c1b", Welcome).resumed is False


def test_a_resume_token_opens_only_its_own_place() -> None:
    h = Harness()
    h.matched_pair()
    h.disconnect("c1", SLOT)
    stolen = h.open("x", CALLER_B, SLOT, resume_token="token-2")  # token-2 is the caller's
    assert error_code(stolen, "x") == "resume_failed"
    assert only(stolen, "x", Welcome).resumed is False
    assert stolen.to("i1") == []
    assert h.core.session_state("s1") is SessionState.RECONNECTING


def test_a_used_resume_token_does_not_work_twice() -> None:
    h = Harness()
    h.matched_pair()
    h.disconnect("c1", SLOT)
    h.open("c1b", CALLER, SLOT, resume_token="token-2")
    h.disconnect("c1b", SLOT + SECOND)
    again = h.open("c1c", CALLER, SLOT + 2 * SECOND, resume_token="token-2")
    assert error_code(again, "c1c") == "resume_failed"
    # the same identity still takes its dropped place back, as a fresh hello would
    assert only(again, "c1c", Welcome).resumed is True


def test_resume_replaces_a_socket_the_shell_has_not_reaped() -> None:
    h = Harness()
    sid = h.matched_pair()
    decision = h.open("c1b", CALLER, SLOT + SECOND, resume_token="token-2")
    assert [(c.conn_id, c.code) for c in decision.closes] == [("c1", CloseCode.REPLACED)]
    assert only(decision, "c1b", Welcome).resumed is True
    assert only(decision, "i1", PeerStatus).status == "reconnected"
    assert h.send("c1", type="answer", session_id=sid, sdp=SDP).deliveries == []
    assert h.disconnect("c1", SLOT + 2 * SECOND).deliveries == []
    assert h.core.session_state(sid) is SessionState.MATCHED


def test_a_reloaded_page_with_its_token_replaces_its_old_socket_before_joining() -> None:
    h = Harness()
    h.open("c1", CALLER)
    decision = h.open("c1b", CALLER, SLOT + SECOND, resume_token=resume_token_of(h, "c1"))
    assert types(decision, "c1b") == ["welcome"]
    assert [c.code for c in decision.closes] == [CloseCode.REPLACED]
    assert types(h.send("c1b", type="join"), "c1b") == ["waiting"]


def test_a_fresh_hello_takes_back_a_dropped_place() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.disconnect("c1", SLOT)
    back = h.open("c1b", CALLER, SLOT + 10 * SECOND)
    assert only(back, "c1b", Welcome).resumed is True
    assert only(back, "c1b", Matched).session_id == sid


def test_a_dropped_interpreter_resumes_as_the_offerer() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.disconnect("i1", SLOT)
    assert h.core.presence_of(1) is Presence.IN_SESSION
    back = h.open("i1b", INTERPRETER, SLOT + 30 * SECOND, resume_token="token-1")
    assert types(back, "i1b") == ["welcome", "presence", "matched"]
    assert only(back, "i1b", Matched).role_in_session == "offerer"
    assert only(back, "c1", PeerStatus).status == "reconnected"
    assert h.core.session_state(sid) is SessionState.MATCHED


def test_when_both_drop_the_first_back_hears_the_other_is_still_away() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.disconnect("c1", SLOT)
    h.disconnect("i1", SLOT + SECOND)
    back = h.open("c1b", CALLER, SLOT + 2 * SECOND, resume_token="token-2")
    assert only(back, "c1b", PeerStatus).status == "disconnected"
    assert h.core.session_state(sid) is SessionState.RECONNECTING
    h.open("i1b", INTERPRETER, SLOT + 3 * SECOND, resume_token="token-1")
    assert h.core.session_state(sid) is SessionState.MATCHED


def test_both_gone_past_the_window_drops_the_session_and_forgets_both() -> None:
    h = Harness()
    h.matched_pair()
    h.disconnect("i1", SLOT)
    h.disconnect("c1", SLOT + SECOND)
    decision = h.tick(SLOT + MINUTE)
    assert only_record_reason(decision) == (EndReason.DROPPED, Actor.INTERPRETER)
    assert decision.deliveries == []
    assert h.core.presence_of(1) is Presence.OFFLINE


def only_record_reason(decision: object) -> tuple[EndReason, Actor]:
    assert isinstance(decision, Decision)
    records = session_records(decision)
    assert len(records) == 1
    return records[0].end_reason, records[0].ended_by


def test_media_connected_while_a_socket_is_down_is_kept() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.send("c1", type="media", session_id=sid, state="connected")
    h.disconnect("c1", SLOT)
    h.send("i1", SLOT + SECOND, type="media", session_id=sid, state="connected")
    h.open("c1b", CALLER, SLOT + 2 * SECOND)
    assert h.core.session_state(sid) is SessionState.CONNECTED


def test_a_waiting_caller_keeps_their_place_while_reconnecting() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    h.disconnect("c1", SLOT + SECOND)
    assert h.core.session_state("s1") is SessionState.RECONNECTING
    h.open("i1", INTERPRETER, SLOT + 2 * SECOND)
    ready = h.send("i1", SLOT + 3 * SECOND, type="presence", state="ready")
    assert "matched" not in types(ready, "i1")
    back = h.open("c1b", CALLER, SLOT + 4 * SECOND, resume_token="token-1")
    assert only(back, "c1b", Matched).session_id == "s1"
    assert only(back, "i1", Matched).peer_name == "Kim Citizen"


def test_a_resumed_waiting_caller_is_told_the_status_again() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    h.disconnect("c1", SLOT + SECOND)
    back = h.open("c1b", CALLER, SLOT + 2 * SECOND, resume_token="token-1")
    assert types(back, "c1b") == ["welcome", "waiting"]
    assert h.core.session_state("s1") is SessionState.WAITING


# -- what an interpreter who is not free is told about their waiting caller


def test_matched_names_the_reservation_on_both_sides() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c1", CALLER)
    decision = h.send("c1", type="join")
    assert only(decision, "c1", Matched).reservation_id == 7
    assert only(decision, "i1", Matched).reservation_id == 7
    assert "caller_waiting" not in types(decision, "i1")  # a free interpreter is matched instead


def test_an_away_interpreter_is_told_their_caller_waits_then_matched_by_reservation() -> None:
    h = Harness()
    h.open("i1", INTERPRETER, SLOT - 5 * MINUTE)
    h.open("i2", OTHER, SLOT - 5 * MINUTE)
    h.open("c1", CALLER, SLOT - 4 * MINUTE)
    joined = h.send("c1", SLOT - 4 * MINUTE, type="join")
    waiting = only(joined, "i1", CallerWaiting)
    assert (waiting.reservation_id, waiting.since) == (7, SLOT - 4 * MINUTE)
    assert joined.to("i2") == []  # only the assigned interpreter
    assert h.tick(SLOT - 3 * MINUTE).to("i1") == []  # once per socket
    h.send("i1", SLOT - 3 * MINUTE, type="presence", state="away", reason="break")
    ready = h.send("i1", SLOT - 2 * MINUTE, type="presence", state="ready")
    assert types(ready, "i1") == ["presence", "matched", "presence"]  # no caller_left
    assert only(ready, "i1", Matched).reservation_id == 7


def test_an_interpreter_who_connects_later_is_told_at_once() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    hello = h.open("i1", INTERPRETER, SLOT + SECOND)
    assert types(hello, "i1") == ["welcome", "presence", "caller_waiting"]
    h.disconnect("i1", SLOT + 2 * SECOND)
    again = h.open("i1b", INTERPRETER, SLOT + 3 * SECOND)
    assert only(again, "i1b", CallerWaiting).since == SLOT  # a new socket is told again


def test_an_interpreter_in_another_call_is_told_too() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c9", CallerIdentity(9, "Earlier Citizen", 1, "ksl", SLOT - 30 * MINUTE, SLOT))
    h.send("c9", SLOT - 20 * MINUTE, type="join")  # interpreter 1 is now in a call
    h.open("c1", CALLER)
    assert only(h.send("c1", type="join"), "i1", CallerWaiting).reservation_id == 7


@pytest.mark.parametrize(
    ("how", "reason"),
    [("hangup", "hung_up"), ("disconnect", "disconnected"), ("expired", "expired")],
)
def test_the_interpreter_is_told_when_the_caller_stops_waiting(how: str, reason: str) -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    h.open("c1", CALLER)
    h.send("c1", type="join")
    if how == "hangup":
        decision = h.send("c1", SLOT + MINUTE, type="hangup", session_id="s1")
    elif how == "disconnect":
        decision = h.disconnect("c1", SLOT + MINUTE)
    else:
        decision = h.tick(SLOT_END)
    left = only(decision, "i1", CallerLeft)
    assert (left.reservation_id, left.reason) == (7, reason)
    assert h.tick(SLOT_END + MINUTE).to("i1") == []  # once


def test_a_caller_back_in_the_waiting_room_is_announced_again() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    h.open("c1", CALLER)
    h.send("c1", type="join")
    assert types(h.disconnect("c1", SLOT + SECOND), "i1") == ["caller_left"]
    back = h.open("c1b", CALLER, SLOT + 2 * SECOND, resume_token="token-2")
    assert types(back, "i1") == ["caller_waiting"]


def test_a_handover_tells_the_assigned_interpreter_the_caller_left() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    _waiting_with_a_free_substitute(h)
    decision = h.send("t1", SLOT + MINUTE, type="staff_handover", session_id="s1", interpreter_id=2)
    assert only(decision, "i1", CallerLeft).reason == "handed_over"
    assert "caller_left" not in types(decision, "i2")
    assert only(decision, "i2", Matched).reservation_id == 7


# -- staff alerts and handover


def test_staff_are_alerted_when_a_caller_waits_at_slot_start_without_a_ready_interpreter() -> None:
    h = Harness()
    h.open("t1", STAFF, SLOT - 5 * MINUTE)
    h.open("c1", CALLER, SLOT - 5 * MINUTE)
    early = h.send("c1", SLOT - 5 * MINUTE, type="join")
    assert early.to("t1") == []
    assert h.tick(SLOT - SECOND).to("t1") == []
    alert = only(h.tick(SLOT), "t1", StaffAlert)
    assert (alert.kind, alert.reservation_id, alert.session_id) == ("interpreter_absent", 7, "s1")
    assert (alert.interpreter_id, alert.language, alert.slot_start) == (1, "ksl", SLOT)
    assert h.tick(SLOT + SECOND).to("t1") == []  # once

    late_staff = h.open("t2", STAFF, SLOT + MINUTE)
    assert only(late_staff, "t2", StaffAlert).kind == "interpreter_absent"

    h.open("i1", INTERPRETER, SLOT + MINUTE)
    resolved = h.send("i1", SLOT + MINUTE, type="presence", state="ready")
    assert only(resolved, "t1", StaffAlert).kind == "resolved"
    assert only(resolved, "t2", StaffAlert).kind == "resolved"


def test_an_away_interpreter_also_raises_the_alert() -> None:
    h = Harness()
    h.open("t1", STAFF)
    h.open("i1", INTERPRETER)
    h.open("c1", CALLER)
    assert only(h.send("c1", type="join"), "t1", StaffAlert).kind == "interpreter_absent"


def test_the_alert_is_resolved_when_the_caller_leaves() -> None:
    h = Harness()
    h.open("t1", STAFF)
    h.open("c1", CALLER)
    h.send("c1", type="join")
    decision = h.send("c1", type="hangup", session_id="s1")
    assert only(decision, "t1", StaffAlert).kind == "resolved"


def _waiting_with_a_free_substitute(h: Harness) -> None:
    h.open("t1", STAFF)
    h.open("i2", OTHER)
    h.send("i2", type="presence", state="ready")
    h.open("c1", CALLER)
    h.send("c1", type="join")


def test_staff_hand_a_waiting_caller_to_a_free_interpreter() -> None:
    h = Harness()
    _waiting_with_a_free_substitute(h)
    decision = h.send("t1", SLOT + MINUTE, type="staff_handover", session_id="s1", interpreter_id=2)
    assert only(decision, "c1", Matched).peer_name == "Park Interpreter"
    assert only(decision, "i2", Matched).role_in_session == "offerer"
    assert only(decision, "t1", StaffAlert).kind == "resolved"
    done = only(decision, "t1", HandedOver)
    assert (done.session_id, done.reservation_id, done.by) == ("s1", 7, "staff")
    assert (done.from_interpreter_id, done.to_interpreter_id) == (1, 2)
    assert handover_records(decision) == [
        HandoverRecord(
            session_id="s1",
            reservation_id=7,
            from_interpreter_id=1,
            to_interpreter_id=2,
            at=SLOT + MINUTE,
            by=Actor.STAFF,
            staff_account_id=21,
        )
    ]
    h.send("c1", SLOT + 2 * MINUTE, type="hangup", session_id="s1")
    record = session_record(h)
    assert (record.assigned_interpreter_id, record.interpreter_id, record.handed_over) == (
        1,
        2,
        True,
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"session_id": "s9", "interpreter_id": 2}, "unknown_session"),
        ({"session_id": "s1", "interpreter_id": 3}, "handover_unavailable"),  # away
        ({"session_id": "s1", "interpreter_id": 4}, "handover_unavailable"),  # other language
        ({"session_id": "s1", "interpreter_id": 99}, "handover_unavailable"),  # offline
    ],
)
def test_staff_handover_refusals(fields: dict[str, Any], code: str) -> None:
    h = Harness()
    _waiting_with_a_free_substitute(h)
    h.open("i3", THIRD)
    h.open("i4", FOREIGN)
    h.send("i4", type="presence", state="ready")
    decision = h.send("t1", SLOT, type="staff_handover", **fields)
    assert error_code(decision, "t1") == code
    assert h.core.session_state("s1") is SessionState.WAITING
    assert decision.records == []


def test_staff_handover_needs_staff_a_waiting_session_and_a_free_interpreter() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.open("t1", STAFF)
    h.open("i2", OTHER)
    h.send("i2", type="presence", state="ready")
    refused = h.send("i2", type="staff_handover", session_id=sid, interpreter_id=2)
    assert error_code(refused, "i2") == "not_allowed"
    matched = h.send("t1", type="staff_handover", session_id=sid, interpreter_id=2)
    assert error_code(matched, "t1") == "illegal_state"

    h.open("c2", CALLER_B)  # assigned to interpreter 2, who is free: matched at once
    h.send("c2", type="join")
    h.open("c3", CallerIdentity(10, "Third Citizen", 3, "ksl", SLOT, SLOT_END))
    h.send("c3", type="join")
    busy = h.send("t1", type="staff_handover", session_id="s3", interpreter_id=2)
    assert error_code(busy, "t1") == "handover_unavailable"


def test_automatic_handover_after_the_grace_picks_the_interpreter_ready_longest() -> None:
    h = Harness()
    h.open("t1", STAFF)
    h.open("c1", CALLER)
    h.send("c1", type="join")
    h.open("i3", THIRD)
    h.send("i3", SLOT + MINUTE, type="presence", state="ready")
    h.open("i2", OTHER)
    h.send("i2", SLOT + 2 * MINUTE, type="presence", state="ready")
    h.open("i4", FOREIGN)
    h.send("i4", SLOT, type="presence", state="ready")  # ready longest, but another language

    assert "matched" not in types(h.tick(SLOT + 3 * MINUTE - SECOND), "c1")
    decision = h.tick(SLOT + 3 * MINUTE)
    assert only(decision, "c1", Matched).peer_name == "Yoon Interpreter"
    assert only(decision, "i3", Matched).session_id == "s1"
    [handover] = handover_records(decision)
    assert (handover.by, handover.to_interpreter_id, handover.staff_account_id) == (
        Actor.SYSTEM,
        3,
        None,
    )


def test_automatic_handover_leaves_an_interpreter_whose_own_caller_is_waiting() -> None:
    h = Harness(CoreConfig(handover_grace=timedelta(0)))
    h.open("c2", CALLER_B)  # assigned to interpreter 2
    h.send("c2", type="join")
    h.disconnect("c2", SLOT)  # keeps its place, reconnecting
    h.open("c1", CALLER)
    h.send("c1", type="join")
    h.open("i2", OTHER)
    decision = h.send("i2", type="presence", state="ready")
    assert "matched" not in types(decision, "c1")
    back = h.open("c2b", CALLER_B, SLOT + SECOND)
    assert only(back, "c2b", Matched).peer_name == "Park Interpreter"


def test_the_handover_grace_is_a_setting() -> None:
    h = Harness(CoreConfig(handover_grace=MINUTE))
    h.open("i2", OTHER)
    h.send("i2", type="presence", state="ready")
    h.open("c1", CALLER)
    h.send("c1", type="join")
    assert only(h.tick(SLOT + MINUTE), "c1", Matched).peer_name == "Park Interpreter"


# -- expiry, capacity, shutdown


def test_a_caller_still_waiting_at_slot_end_is_ended_as_expired() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    assert h.tick(SLOT_END - SECOND).records == []
    ended = only(h.tick(SLOT_END), "c1", Ended)
    assert (ended.reason, ended.ended_by) == (EndReason.EXPIRED, Actor.SYSTEM)


def test_a_matched_call_ends_after_the_overrun_limit() -> None:
    h = Harness(CoreConfig(max_overrun=10 * MINUTE))
    h.matched_pair()
    assert h.tick(SLOT_END + 10 * MINUTE - SECOND).records == []
    assert only(h.tick(SLOT_END + 10 * MINUTE), "i1", Ended).reason is EndReason.EXPIRED


def test_connections_beyond_the_limit_are_closed_with_1013() -> None:
    h = Harness(CoreConfig(max_connections=1))
    h.connect("a", CALLER)
    decision = h.connect("b", CALLER_B)
    assert error_code(decision, "b") == "capacity"
    assert [(c.conn_id, c.code) for c in decision.closes] == [("b", CloseCode.TRY_AGAIN_LATER)]
    assert h.core.connection_count == 1


def test_sessions_beyond_the_limit_are_refused() -> None:
    h = Harness(CoreConfig(max_sessions=1))
    h.open("c1", CALLER)
    h.send("c1", type="join")
    h.open("c2", CALLER_B)
    assert error_code(h.send("c2", type="join"), "c2") == "capacity"


def test_staff_tabs_per_account_are_bounded() -> None:
    h = Harness(CoreConfig(max_staff_connections_per_account=2))
    h.open("t1", STAFF)
    h.open("t2", STAFF)
    decision = h.open("t3", STAFF)
    assert error_code(decision, "t3") == "capacity"
    assert decision.closes[0].code is CloseCode.TRY_AGAIN_LATER


@pytest.mark.parametrize(
    "bad",
    [
        {"resume_window": timedelta(0)},
        {"hello_timeout": -SECOND},
        {"join_early": -SECOND},
        {"max_sessions": 0},
    ],
)
def test_config_rejects_unbounded_or_negative_values(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CoreConfig(**bad)  # type: ignore[arg-type]


def test_shutdown_ends_every_session_and_closes_every_socket() -> None:
    h = Harness()
    sid = h.matched_pair()
    h.open("t1", STAFF)
    decision = h.core.shutdown(SLOT + MINUTE)
    assert only(decision, "c1", Ended).reason is EndReason.SHUTDOWN
    assert {c.conn_id for c in decision.closes} == {"c1", "i1", "t1"}
    assert {c.code for c in decision.closes} == {CloseCode.GOING_AWAY}
    assert h.core.connection_count == 0 and h.core.session_state(sid) is None


def test_caller_identities_need_an_aware_forward_slot() -> None:
    with pytest.raises(ValueError, match="aware"):
        CallerIdentity(1, "x", 1, "ksl", SLOT.replace(tzinfo=None), SLOT_END)
    with pytest.raises(ValueError, match="end after"):
        CallerIdentity(1, "x", 1, "ksl", SLOT_END, SLOT)


def test_default_tokens_have_at_least_128_bits() -> None:
    token = default_resume_token()
    assert len(token) * 6 >= 128
    assert token != default_resume_token()
    assert SignalingCore().config.resume_window == timedelta(seconds=60)


def test_an_invalid_message_changes_nothing() -> None:
    h = Harness()
    sid = h.matched_pair()
    for raw in ('{"type":"offer"}', "[]", '{"type":"teleport"}', '{"type":"join","v":2}'):
        decision = h.core.handle("i1", parse_client_message(raw), SLOT)
        assert [d.conn_id for d in decision.deliveries] == ["i1"]
        assert isinstance(decision.deliveries[0].message, ErrorMessage)
        assert decision.records == [] and decision.closes == []
    assert h.core.session_state(sid) is SessionState.MATCHED
    assert h.core.presence_of(1) is Presence.IN_SESSION


# -- the core never crashes, whatever the clients do

IDENTITIES: dict[str, Identity] = {
    "c1": CALLER,
    "c2": CALLER_B,
    "i1": INTERPRETER,
    "i2": OTHER,
    "t1": STAFF,
}
MESSAGES = st.sampled_from(
    [
        {"type": "hello"},
        {"type": "hello", "resume_token": "token-1"},
        {"type": "hello", "resume_token": "token-2"},
        {"type": "join"},
        {"type": "presence", "state": "ready"},
        {"type": "presence", "state": "away", "reason": "break"},
        {"type": "offer", "session_id": "s1", "sdp": SDP},
        {"type": "answer", "session_id": "s1", "sdp": SDP},
        {"type": "ice", "session_id": "s2", "candidate": None},
        {"type": "media", "session_id": "s1", "state": "connected"},
        {"type": "stats", "session_id": "s2", "fps_received": 12.5},
        {"type": "hangup", "session_id": "s1"},
        {"type": "hangup", "session_id": "s2"},
        {"type": "staff_handover", "session_id": "s1", "interpreter_id": 2},
        {"type": "nonsense"},
    ]
)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["send", "send", "send", "connect", "disconnect", "tick"]),
        st.sampled_from(sorted(IDENTITIES)),
        MESSAGES,
        st.integers(min_value=0, max_value=90),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_any_sequence_of_events_keeps_the_core_consistent(
    steps: list[tuple[str, str, dict[str, object], int]],
) -> None:
    h = Harness()
    now = SLOT - 12 * MINUTE
    live: dict[str, str] = {}  # name -> newest conn id
    opened: list[str] = []
    serial = 0
    for action, name, message, advance in steps:
        now += timedelta(seconds=advance)
        if action == "connect" or name not in live:
            serial += 1
            conn = f"{name}-{serial}"
            h.connect(conn, IDENTITIES[name], now)
            live[name] = conn
            opened.append(conn)
        conn = live[name]
        if action == "send":
            decision = h.core.handle(conn, parse_client_message(json.dumps(message)), now)
        elif action == "disconnect":
            decision = h.core.disconnect(conn, now)
            del live[name]
        else:
            decision = h.core.tick(now)
        for delivery in decision.deliveries:
            assert delivery.conn_id in opened  # only ever to sockets the shell opened
            assert encode(delivery.message)  # every message serializes
        for record in decision.records:
            if isinstance(record, SessionRecord):
                assert record.wait_seconds >= 0
                assert record.duration_seconds is None or record.duration_seconds >= 0
    for conn in opened:
        h.core.disconnect(conn, now)
    h.core.tick(now + timedelta(hours=3))
    assert h.core.session_count == 0
    assert all(h.core.presence_of(i) is Presence.OFFLINE for i in (1, 2))
