"""The media leg in the pure core: who may open one and when, what the shell is asked to do
(`Decision.legs`), and that every leg is closed when its session ends."""

from __future__ import annotations

import json
from datetime import timedelta

from signaling.config import CoreConfig
from signaling.decisions import Decision, LegCandidate, LegClose, LegOpen
from signaling.identities import WalkInIdentity
from signaling.protocol import (
    IceCandidate,
    LegIce,
    LegOffer,
    Matched,
    MediaLegSpec,
    ProtocolError,
    ProtocolLimits,
    Ring,
    Waiting,
    parse_client_message,
)
from signaling.states import Side
from tests.signaling.harness import (
    CALLER,
    CALLER_B,
    CANDIDATE,
    INTERPRETER,
    SDP,
    SLOT,
    STAFF,
    Harness,
    error_code,
    only,
)

SPEC = MediaLegSpec(max_width=320, max_height=240, max_fps=10)
LEGS = CoreConfig(wrap_up=timedelta(0), media_leg=SPEC, resume_window=timedelta(seconds=60))
SECOND = timedelta(seconds=1)


def offer(h: Harness, conn: str, sid: str, sdp: str = SDP) -> Decision:
    return h.send(conn, type="leg_offer", session_id=sid, sdp=sdp)


def opened(decision: Decision) -> LegOpen:
    effects = [e for e in decision.legs if isinstance(e, LegOpen)]
    assert len(effects) == 1, decision.legs
    return effects[0]


def closed(decision: Decision) -> list[LegClose]:
    return [e for e in decision.legs if isinstance(e, LegClose)]


# -- matched says whether to open a leg


def test_matched_asks_both_pages_for_a_leg_when_quality_assistance_is_on() -> None:
    h = Harness(LEGS)
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c1", CALLER)
    decision = h.send("c1", type="join")
    assert only(decision, "c1", Matched).media_leg == SPEC
    assert only(decision, "i1", Matched).media_leg == SPEC


def test_matched_has_no_leg_when_quality_assistance_is_off() -> None:
    h = Harness()
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c1", CALLER)
    assert only(h.send("c1", type="join"), "c1", Matched).media_leg is None


def test_a_chat_only_session_has_no_leg_and_refuses_one() -> None:
    h = Harness(LEGS)
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("w1", WalkInIdentity(5, "Citizen 5", "ksl", None, "chat"))
    ring = only(h.send("w1", type="join"), "i1", Ring)
    matched = h.send("i1", SLOT + SECOND, type="accept", session_id=ring.session_id)
    assert only(matched, "w1", Matched).media_leg is None
    refused = offer(h, "w1", ring.session_id)
    assert error_code(refused, "w1") == "illegal_state" and refused.legs == []


# -- opening, feeding and replacing


def test_each_member_opens_a_leg_and_nothing_is_delivered() -> None:
    h = Harness(LEGS)
    sid = h.matched_pair()
    caller = offer(h, "c1", sid)
    assert caller.deliveries == []
    leg = opened(caller)
    assert (leg.session_id, leg.side, leg.conn_id, leg.sdp) == (sid, Side.CALLER, "c1", SDP)
    interpreter = opened(offer(h, "i1", sid))
    assert (interpreter.side, interpreter.conn_id) == (Side.INTERPRETER, "i1")
    assert interpreter.leg_id != leg.leg_id
    assert h.core.leg_count == 2
    assert h.core.legs_of(sid) == {Side.CALLER: leg.leg_id, Side.INTERPRETER: interpreter.leg_id}


def test_candidates_go_to_the_senders_leg_in_order() -> None:
    h = Harness(LEGS)
    sid = h.matched_pair()
    leg = opened(offer(h, "c1", sid))
    first = h.send("c1", type="leg_ice", session_id=sid, candidate=CANDIDATE)
    end = h.send("c1", type="leg_ice", session_id=sid, candidate=None)
    assert first.legs == [LegCandidate(leg.leg_id, IceCandidate.model_validate(CANDIDATE))]
    assert end.legs == [LegCandidate(leg.leg_id, None)]
    assert first.deliveries == [] and end.deliveries == []


def test_a_new_offer_closes_the_old_leg_first() -> None:
    h = Harness(LEGS)
    sid = h.matched_pair()
    old = opened(offer(h, "c1", sid))
    again = offer(h, "c1", sid)
    assert again.legs[0] == LegClose(old.leg_id, sid, Side.CALLER)
    assert opened(again).leg_id != old.leg_id
    assert h.core.leg_count == 1


def test_the_number_of_legs_is_bounded_but_a_replacement_fits() -> None:
    h = Harness(CoreConfig(wrap_up=timedelta(0), media_leg=SPEC, max_media_legs=1))
    sid = h.matched_pair()
    opened(offer(h, "c1", sid))
    full = offer(h, "i1", sid)
    assert error_code(full, "i1") == "capacity" and full.legs == []
    opened(offer(h, "c1", sid))  # the caller's page renegotiates: still one leg
    assert h.core.leg_count == 1


# -- refusals change nothing


def test_leg_messages_are_refused_to_outsiders_and_at_the_wrong_time() -> None:
    h = Harness(LEGS)
    h.open("i1", INTERPRETER)
    h.open("c1", CALLER)
    waiting = h.send("c1", type="join")  # the interpreter is away: the caller waits
    sid = only(waiting, "c1", Waiting).session_id
    early = offer(h, "c1", sid)
    assert error_code(early, "c1") == "illegal_state" and early.legs == []
    h.send("i1", type="presence", state="ready")  # now matched
    h.open("c2", CALLER_B)
    assert error_code(offer(h, "c2", sid), "c2") == "not_in_session"
    h.open("s1", STAFF)
    assert error_code(offer(h, "s1", sid), "s1") == "not_allowed"
    no_leg = h.send("c1", type="leg_ice", session_id=sid, candidate=CANDIDATE)
    assert error_code(no_leg, "c1") == "illegal_state" and no_leg.legs == []
    assert error_code(offer(h, "c1", "s_nope"), "c1") == "not_in_session"
    assert h.core.leg_count == 0


def test_leg_offer_is_refused_when_quality_assistance_is_off() -> None:
    h = Harness()
    sid = h.matched_pair()
    refused = offer(h, "c1", sid)
    assert error_code(refused, "c1") == "not_allowed" and refused.legs == []


def test_leg_messages_before_hello_are_refused() -> None:
    h = Harness(LEGS)
    h.connect("c1", CALLER)
    assert error_code(offer(h, "c1", "s1"), "c1") == "hello_required"


# -- every leg closes when its session ends


def test_hangup_closes_both_legs() -> None:
    h = Harness(LEGS)
    sid = h.matched_pair()
    caller = opened(offer(h, "c1", sid))
    interpreter = opened(offer(h, "i1", sid))
    ended = h.send("c1", type="hangup", session_id=sid)
    assert sorted(closed(ended), key=lambda c: c.leg_id) == sorted(
        [
            LegClose(caller.leg_id, sid, Side.CALLER),
            LegClose(interpreter.leg_id, sid, Side.INTERPRETER),
        ],
        key=lambda c: c.leg_id,
    )
    assert h.core.leg_count == 0 and h.core.legs_of(sid) == {}


def test_a_socket_drop_keeps_the_leg_until_the_resume_window_ends() -> None:
    h = Harness(LEGS)
    sid = h.matched_pair()
    leg = opened(offer(h, "c1", sid))
    assert h.disconnect("c1").legs == []  # the media may still flow: the leg stays
    assert h.tick(SLOT + 59 * SECOND).legs == []
    gone = h.tick(SLOT + 61 * SECOND)
    assert closed(gone) == [LegClose(leg.leg_id, sid, Side.CALLER)]
    assert h.core.leg_count == 0


def test_shutdown_closes_every_leg() -> None:
    h = Harness(LEGS)
    sid = h.matched_pair()
    opened(offer(h, "c1", sid))
    opened(offer(h, "i1", sid))
    assert len(closed(h.core.shutdown(SLOT))) == 2
    assert h.core.leg_count == 0


def test_a_leg_the_shell_closed_is_forgotten_and_stale_reports_are_ignored() -> None:
    h = Harness(LEGS)
    sid = h.matched_pair()
    old = opened(offer(h, "c1", sid))
    new = opened(offer(h, "c1", sid))
    assert h.core.leg_closed(old.leg_id, SLOT).legs == []  # replaced already: nothing changes
    assert h.core.legs_of(sid) == {Side.CALLER: new.leg_id}
    report = h.core.leg_closed(new.leg_id, SLOT)
    assert report.deliveries == [] and report.legs == []
    assert h.core.leg_count == 0
    assert h.core.leg_closed("l999", SLOT).legs == []
    ended = h.send("c1", type="hangup", session_id=sid)
    assert closed(ended) == []  # nothing left to close


# -- the parser bounds leg messages like the call's own


def test_leg_messages_are_bounded_like_offer_and_ice() -> None:
    limits = ProtocolLimits(max_sdp_chars=10, max_candidate_chars=5)
    ok = parse_client_message(
        json.dumps({"type": "leg_offer", "session_id": "s1", "sdp": "v=0"}), limits
    )
    assert isinstance(ok, LegOffer)
    long_sdp = {"type": "leg_offer", "session_id": "s1", "sdp": "v=0" + "x" * 10}
    refused = parse_client_message(json.dumps(long_sdp), limits)
    assert isinstance(refused, ProtocolError) and refused.code.value == "invalid"
    long_candidate = {"type": "leg_ice", "session_id": "s1", "candidate": {"candidate": "c" * 6}}
    refused = parse_client_message(json.dumps(long_candidate), limits)
    assert isinstance(refused, ProtocolError) and "leg_ice" in refused.message
    end = parse_client_message(
        json.dumps({"type": "leg_ice", "session_id": "s1", "candidate": None}), limits
    )
    assert isinstance(end, LegIce) and end.candidate is None
    extra = {"type": "leg_offer", "session_id": "s1", "sdp": "v=0", "audio": True}
    refused = parse_client_message(json.dumps(extra))
    assert isinstance(refused, ProtocolError) and refused.code.value == "invalid"
