"""`SignalingCore.calls()` and `.interpreters()`: what the staff console is shown."""

from __future__ import annotations

from datetime import timedelta

from signaling.states import Presence, SessionState
from tests.signaling.harness import (
    CALLER,
    CALLER_B,
    FOREIGN,
    INTERPRETER,
    OTHER,
    SLOT,
    THIRD,
    Harness,
)


def test_an_empty_core_has_no_calls() -> None:
    h = Harness()
    assert h.core.calls() == [] and h.core.interpreters() == []


def test_each_state_reports_when_it_began() -> None:
    h = Harness()
    joined = SLOT - timedelta(minutes=2)
    h.open("c2", CALLER_B, joined)
    h.send("c2", joined, type="join")
    sid = h.matched_pair(now=SLOT)
    later = SLOT + timedelta(seconds=30)
    for conn in ("c1", "i1"):
        h.send(conn, later, type="media", session_id=sid, state="connected")

    waiting, connected = sorted(h.core.calls(), key=lambda c: c.reservation_id or 0, reverse=True)
    assert (waiting.reservation_id, waiting.state, waiting.since) == (
        CALLER_B.reservation_id,
        SessionState.WAITING,
        joined,
    )
    assert waiting.waiting_status == "interpreter_absent"
    assert (connected.state, connected.since) == (SessionState.CONNECTED, later)
    assert connected.interpreter_id == connected.assigned_interpreter_id == 1

    dropped = later + timedelta(seconds=5)
    h.disconnect("c1", dropped)
    [call] = [c for c in h.core.calls() if c.session_id == sid]
    assert (call.state, call.since) == (SessionState.RECONNECTING, dropped)

    [interpreter] = h.core.interpreters()
    assert interpreter.interpreter_id == INTERPRETER.interpreter_id
    assert (interpreter.presence, interpreter.connected) == (Presence.IN_SESSION, True)
    assert interpreter.session_id == sid
    assert CALLER.reservation_id in {c.reservation_id for c in h.core.calls()}


def test_a_waiting_call_lists_whom_staff_may_hand_it_to() -> None:
    h = Harness()
    h.open("c1", CALLER)
    h.send("c1", type="join")
    for conn, identity in (("i2", OTHER), ("i3", THIRD), ("i4", FOREIGN)):
        h.open(conn, identity)
        h.send(conn, type="presence", state="ready")
    h.send("i3", type="presence", state="away")  # not ready: not a candidate
    [call] = h.core.calls()
    assert call.handover_candidates == (OTHER.interpreter_id,)  # FOREIGN signs another language

    names = {(i.interpreter_id, i.display_name, i.languages) for i in h.core.interpreters()}
    assert (THIRD.interpreter_id, THIRD.display_name, ("asl", "ksl")) in names

    h.send("i1x", type="hello")  # an unknown connection changes nothing
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")  # the assigned interpreter takes the caller
    [matched] = h.core.calls()
    assert matched.handover_candidates == ()
