"""The live queue in the core, without sockets: rings, accept/decline, timeouts, auto-away,
wrap-up, queue positions, chat, resume, abandonment and the wallboard (issue 4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signaling.config import CoreConfig
from signaling.identities import InterpreterIdentity, WalkInIdentity
from signaling.protocol import (
    ChatMessage,
    Ended,
    Matched,
    PresenceEcho,
    QueueStatus,
    Ring,
    RingCancelled,
    TypingStatus,
    Wallboard,
    parse_client_message,
)
from signaling.states import EndReason, Presence, SessionState, Side
from tests.signaling.harness import (
    CALLER,
    INTERPRETER,
    SLOT,
    STAFF,
    Harness,
    error_code,
    only,
    presence_records,
    session_records,
    types,
)

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
T0 = SLOT

KSL = InterpreterIdentity(
    account_id=31, interpreter_id=11, display_name="Kim KSL", languages=frozenset({"ksl"})
)
BOTH = InterpreterIdentity(
    account_id=32,
    interpreter_id=12,
    display_name="Lee Both",
    languages=frozenset({"ksl", "asl"}),
    specialties=frozenset({"welfare"}),
)
ASL_ONLY = InterpreterIdentity(
    account_id=33, interpreter_id=13, display_name="Park ASL", languages=frozenset({"asl"})
)
QUEUE = CoreConfig(wrap_up=timedelta(seconds=60))


def walk_in(contact_id: int, language: str = "ksl", specialty: str | None = None) -> WalkInIdentity:
    return WalkInIdentity(
        contact_id=contact_id,
        display_name=f"Citizen {contact_id}",
        language=language,
        specialty=specialty,
        mode="video",
    )


def ready(h: Harness, conn: str, identity: InterpreterIdentity, now: datetime = T0) -> None:
    h.open(conn, identity, now)
    h.send(conn, now, type="presence", state="ready")


def queued(
    h: Harness, conn: str, identity: WalkInIdentity, now: datetime = T0, **join: object
) -> str:
    """Open a walk-in and join the queue; return the session id."""
    h.open(conn, identity, now)
    decision = h.send(conn, now, type="join", **join)
    for message in decision.to(conn):
        if isinstance(message, QueueStatus | Matched):
            return message.session_id
    rung = [d.message for d in decision.deliveries if isinstance(d.message, Ring)]
    assert rung, f"no queue status for {conn}: {types(decision, conn)}"
    return rung[0].session_id


# -- routing through the core


def test_a_walk_in_rings_a_ready_interpreter_of_the_language_and_accept_matches() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    h.open("w1", walk_in(1))
    decision = h.send("w1", T0, type="join")
    ring = only(decision, "i1", Ring)
    assert (ring.language, ring.mode, ring.caller_name, ring.ring_timeout_s) == (
        "ksl",
        "video",
        "Citizen 1",
        20,
    )
    assert only(decision, "i1", PresenceEcho).state is Presence.OFFERED
    status = only(decision, "w1", QueueStatus)
    assert (status.position, status.status) == (1, "ringing")

    accepted = h.send("i1", T0 + 3 * SECOND, type="accept", session_id=ring.session_id)
    assert only(accepted, "w1", Matched).role_in_session == "answerer"
    assert only(accepted, "i1", Matched).reservation_id is None
    assert h.core.presence_of(11) is Presence.IN_SESSION
    assert [r.state for r in presence_records(accepted)] == [Presence.IN_SESSION]


def test_no_ring_goes_to_an_interpreter_of_another_language() -> None:
    h = Harness(QUEUE)
    ready(h, "i3", ASL_ONLY)
    sid = queued(h, "w1", walk_in(1, "ksl"))
    assert types(h.tick(T0 + MINUTE), "i3") == []
    assert h.core.session_state(sid) is SessionState.WAITING


def test_a_specialty_is_required_at_first_and_relaxes_after_the_wait() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)  # no welfare specialty
    queued(h, "w1", walk_in(1, "ksl", "welfare"))
    assert "ring" not in types(h.tick(T0 + 59 * SECOND), "i1")
    assert "ring" in types(h.tick(T0 + 60 * SECOND), "i1")


def test_a_specialist_is_rung_at_once() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    ready(h, "i2", BOTH)
    h.open("w1", walk_in(1, "ksl", "welfare"))
    decision = h.send("w1", T0, type="join")
    assert "ring" in types(decision, "i2") and "ring" not in types(decision, "i1")


def test_a_reserved_caller_past_the_grace_comes_before_an_earlier_walk_in() -> None:
    h = Harness(QUEUE)
    h.open("i9", INTERPRETER)  # the booking's own interpreter: present but away
    queued(h, "w1", walk_in(1), T0 - 5 * MINUTE)  # waits longer, but is a walk-in
    h.open("c1", CALLER)
    h.send("c1", T0, type="join")
    h.open("i1", KSL, T0 + 3 * MINUTE)
    decision = h.send("i1", T0 + 3 * MINUTE, type="presence", state="ready")
    assert only(decision, "c1", Matched).peer_name == "Kim KSL"  # handed over at once
    assert "ring" not in types(decision, "i1")


def test_longest_waiting_walk_in_is_rung_first() -> None:
    h = Harness(QUEUE)
    queued(h, "w2", walk_in(2), T0 + SECOND)
    first = queued(h, "w1", walk_in(1), T0)
    h.open("i1", KSL, T0 + 2 * SECOND)
    decision = h.send("i1", T0 + 2 * SECOND, type="presence", state="ready")
    assert only(decision, "i1", Ring).session_id == first


def test_a_ring_that_times_out_moves_to_the_next_interpreter() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL, T0)
    ready(h, "i2", BOTH, T0 + SECOND)
    sid = queued(h, "w1", walk_in(1), T0 + 2 * SECOND)
    assert h.core.presence_of(11) is Presence.OFFERED  # ready longest
    assert "ring" not in types(h.tick(T0 + 21 * SECOND), "i2")
    moved = h.tick(T0 + 22 * SECOND)
    assert only(moved, "i1", RingCancelled).reason == "timeout"
    assert only(moved, "i2", Ring).session_id == sid
    assert h.core.presence_of(11) is Presence.READY


def test_a_decline_moves_the_ring_on_and_is_not_a_miss() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    ready(h, "i2", BOTH, T0 + SECOND)
    sid = queued(h, "w1", walk_in(1), T0 + 2 * SECOND)
    decision = h.send("i1", T0 + 3 * SECOND, type="decline", session_id=sid)
    assert only(decision, "i2", Ring).session_id == sid
    assert h.core.presence_of(11) is Presence.READY


def test_a_lone_interpreter_who_declined_is_rung_again_after_a_rest() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    sid = queued(h, "w1", walk_in(1), T0 + SECOND)
    declined = h.send("i1", T0 + 2 * SECOND, type="decline", session_id=sid)
    assert "ring" not in types(declined, "i1")  # a decline is not answered by the same ring
    assert "ring" not in types(h.tick(T0 + 31 * SECOND), "i1")
    again = h.tick(T0 + 32 * SECOND)
    assert only(again, "i1", Ring).session_id == sid  # nobody else: the ring goes round again


def test_a_declined_interpreter_still_gets_other_callers() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    first = queued(h, "w1", walk_in(1), T0 + SECOND)
    second = queued(h, "w2", walk_in(2), T0 + 2 * SECOND)
    declined = h.send("i1", T0 + 3 * SECOND, type="decline", session_id=first)
    assert only(declined, "i1", Ring).session_id == second


def test_two_missed_rings_in_a_row_set_the_interpreter_away_with_the_reason() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    queued(h, "w1", walk_in(1), T0 + SECOND)
    h.tick(T0 + 21 * SECOND)  # first miss; rung again (nobody else)
    assert h.core.presence_of(11) is Presence.OFFERED
    decision = h.tick(T0 + 41 * SECOND)  # second miss
    echo = [m for m in decision.to("i1") if isinstance(m, PresenceEcho)][-1]
    assert (echo.state, echo.reason) == (Presence.AWAY, "missed_offers")
    assert [(r.state, r.reason) for r in presence_records(decision)][-1] == (
        Presence.AWAY,
        "missed_offers",
    )
    assert "ring" not in types(h.tick(T0 + 2 * MINUTE), "i1")


def test_an_accept_resets_the_missed_count() -> None:
    h = Harness(CoreConfig(wrap_up=timedelta(0)))
    ready(h, "i1", KSL)
    sid = queued(h, "w1", walk_in(1), T0 + SECOND)
    h.tick(T0 + 21 * SECOND)  # one miss, rung again
    h.send("i1", T0 + 22 * SECOND, type="accept", session_id=sid)
    h.send("w1", T0 + MINUTE, type="hangup", session_id=sid)
    queued(h, "w2", walk_in(2), T0 + 2 * MINUTE)
    h.tick(T0 + 2 * MINUTE + 21 * SECOND)  # one miss after the accept: still not away
    assert h.core.presence_of(11) is Presence.OFFERED


def test_no_interpreter_is_rung_for_two_callers_at_once() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    queued(h, "w1", walk_in(1), T0 + SECOND)
    h.open("w2", walk_in(2), T0 + 2 * SECOND)
    second = h.send("w2", T0 + 2 * SECOND, type="join")
    assert "ring" not in types(second, "i1")
    assert only(second, "w2", QueueStatus).position == 2


def test_accept_or_decline_of_someone_elses_ring_is_refused() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    ready(h, "i2", BOTH, T0 + SECOND)
    sid = queued(h, "w1", walk_in(1), T0 + 2 * SECOND)
    assert error_code(h.send("i2", type="accept", session_id=sid), "i2") == "no_offer"
    assert error_code(h.send("w1", type="accept", session_id=sid), "w1") == "not_allowed"
    assert h.core.presence_of(11) is Presence.OFFERED


# -- the caller's view of the queue


def test_positions_and_estimates_update_when_the_first_caller_is_taken() -> None:
    h = Harness(QUEUE)
    h.open("i1", KSL)  # online (away): counted for the estimate, not rung
    sids = [queued(h, f"w{n}", walk_in(n), T0 + n * SECOND) for n in (1, 2, 3)]
    statuses = [only(h.decisions[-1], "w3", QueueStatus)]
    assert (statuses[0].position, statuses[0].interpreters_online) == (3, 0)
    assert statuses[0].wait_low_s is None  # nobody of the language is ready or busy
    decision = h.send("i1", T0 + 10 * SECOND, type="presence", state="ready")
    assert only(decision, "w1", QueueStatus).status == "ringing"
    third = only(decision, "w3", QueueStatus)
    assert third.interpreters_online == 1
    assert third.wait_low_s is not None and third.wait_high_s is not None
    assert third.wait_low_s < third.wait_high_s
    taken = h.send("i1", T0 + 12 * SECOND, type="accept", session_id=sids[0])
    assert only(taken, "w2", QueueStatus).position == 1
    assert only(taken, "w3", QueueStatus).position == 2


def test_a_walk_in_who_leaves_the_queue_is_abandoned_with_their_wait() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    sid = queued(h, "w1", walk_in(1), T0)  # rings i1 at once
    decision = h.send("w1", T0 + 45 * SECOND, type="hangup", session_id=sid)
    assert only(decision, "w1", Ended).reason is EndReason.ABANDONED
    assert only(decision, "i1", RingCancelled).reason == "caller_left"
    [record] = session_records(decision)
    assert (record.kind, record.contact_id, record.reservation_id) == ("walk_in", 1, None)
    assert record.abandoned and record.wait_seconds == 45.0
    assert h.core.presence_of(11) is Presence.READY
    assert h.core.today(T0).abandoned == 1


def test_a_queued_walk_in_keeps_their_place_over_a_reload() -> None:
    h = Harness(QUEUE)
    h.open("i1", KSL)
    queued(h, "w1", walk_in(1), T0)
    queued(h, "w2", walk_in(2), T0 + SECOND)
    h.disconnect("w1", T0 + 5 * SECOND)
    back = h.open("w1b", walk_in(1), T0 + 20 * SECOND, resume_token="token-2")
    assert only(back, "w1b", QueueStatus).position == 1


def test_a_walk_in_gone_past_the_window_is_abandoned() -> None:
    h = Harness(QUEUE)
    sid = queued(h, "w1", walk_in(1), T0)
    h.disconnect("w1", T0 + SECOND)
    decision = h.tick(T0 + SECOND + MINUTE)
    [record] = session_records(decision)
    assert record.session_id == sid and record.end_reason is EndReason.ABANDONED


# -- wrap-up


def _walk_in_call(h: Harness) -> str:
    ready(h, "i1", KSL)
    sid = queued(h, "w1", walk_in(1), T0, transcript_consent=True)
    h.send("i1", T0 + SECOND, type="accept", session_id=sid)
    return sid


def test_wrap_up_follows_a_call_and_ends_by_itself() -> None:
    h = Harness(QUEUE)
    sid = _walk_in_call(h)
    ended = h.send("w1", T0 + 5 * MINUTE, type="hangup", session_id=sid)
    echo = only(ended, "i1", PresenceEcho)
    assert echo.state is Presence.WRAP_UP and echo.until == T0 + 6 * MINUTE
    queued(h, "w2", walk_in(2), T0 + 5 * MINUTE + SECOND)  # waits: nobody is ready
    assert h.core.presence_of(11) is Presence.WRAP_UP
    assert "ring" not in types(h.tick(T0 + 6 * MINUTE - SECOND), "i1")
    after = h.tick(T0 + 6 * MINUTE)
    assert [m.state for m in after.to("i1") if isinstance(m, PresenceEcho)] == [
        Presence.READY,
        Presence.OFFERED,
    ]


def test_an_interpreter_may_end_wrap_up_early() -> None:
    h = Harness(QUEUE)
    sid = _walk_in_call(h)
    h.send("i1", T0 + 5 * MINUTE, type="hangup", session_id=sid)
    decision = h.send("i1", T0 + 5 * MINUTE + 10 * SECOND, type="presence", state="ready")
    assert only(decision, "i1", PresenceEcho).state is Presence.READY


# -- chat


def test_chat_reaches_both_members_in_order_and_the_transcript_needs_consent() -> None:
    for consent in (True, False):
        h = Harness(QUEUE)
        ready(h, "i1", KSL)
        sid = queued(h, "w1", walk_in(1), T0, transcript_consent=consent)
        matched = h.send("i1", T0 + SECOND, type="accept", session_id=sid)
        assert only(matched, "i1", Matched).transcript_kept is consent
        first = h.send("w1", T0 + 2 * SECOND, type="chat", session_id=sid, text="<b>안녕</b>")
        second = h.send("i1", T0 + 3 * SECOND, type="chat", session_id=sid, text="네, 말씀하세요")
        for conn in ("w1", "i1"):
            assert only(first, conn, ChatMessage).seq == 1
            assert only(second, conn, ChatMessage).seq == 2
        assert only(first, "i1", ChatMessage).text == "<b>안녕</b>"  # pages render it as text
        [record] = session_records(h.send("w1", T0 + MINUTE, type="hangup", session_id=sid))
        assert record.transcript_consent is consent
        expected = [(1, Side.CALLER, "<b>안녕</b>"), (2, Side.INTERPRETER, "네, 말씀하세요")]
        assert [(x.seq, x.sender, x.text) for x in record.transcript] == (
            expected if consent else []
        )


def test_chat_is_rate_limited_and_refused_before_a_match() -> None:
    h = Harness(CoreConfig(chat_burst=3, chat_burst_window=10 * SECOND))
    ready(h, "i1", KSL)
    sid = queued(h, "w1", walk_in(1), T0)
    assert error_code(h.send("w1", type="chat", session_id=sid, text="hi"), "w1") == (
        "illegal_state"
    )
    h.send("i1", T0, type="accept", session_id=sid)
    for n in range(3):
        assert "chat" in types(
            h.send("w1", T0 + n * SECOND, type="chat", session_id=sid, text="x"), "w1"
        )
    limited = h.send("w1", T0 + 3 * SECOND, type="chat", session_id=sid, text="x")
    assert error_code(limited, "w1") == "rate_limited"
    assert "chat" not in types(limited, "i1")
    assert "chat" in types(
        h.send("w1", T0 + 10 * SECOND, type="chat", session_id=sid, text="x"), "i1"
    )


def test_typing_goes_to_the_other_member_only() -> None:
    h = Harness(QUEUE)
    sid = _walk_in_call(h)
    decision = h.send("w1", T0 + 2 * SECOND, type="typing", session_id=sid, active=True)
    assert only(decision, "i1", TypingStatus).active is True
    assert types(decision, "w1") == []


def test_a_resumed_page_gets_the_recent_chat_again() -> None:
    h = Harness(QUEUE)
    sid = _walk_in_call(h)
    h.send("w1", T0 + 2 * SECOND, type="chat", session_id=sid, text="one")
    h.send("i1", T0 + 3 * SECOND, type="chat", session_id=sid, text="two")
    h.disconnect("w1", T0 + 4 * SECOND)
    back = h.open("w1b", walk_in(1), T0 + 10 * SECOND, resume_token="token-2")
    assert [m.text for m in back.to("w1b") if isinstance(m, ChatMessage)] == ["one", "two"]
    assert only(back, "w1b", Matched).session_id == sid


def test_a_chat_only_session_is_connected_from_the_match() -> None:
    h = Harness(QUEUE)
    ready(h, "i1", KSL)
    chat_only = WalkInIdentity(5, "Citizen 5", "ksl", None, "chat")
    h.open("w5", chat_only)
    ring = only(h.send("w5", T0, type="join"), "i1", Ring)
    assert ring.mode == "chat"
    matched = h.send("i1", T0 + SECOND, type="accept", session_id=ring.session_id)
    assert only(matched, "w5", Matched).mode == "chat"
    assert h.core.session_state(ring.session_id) is SessionState.CONNECTED


# -- presence records and the wallboard


def test_every_presence_change_is_recorded_with_its_time() -> None:
    h = Harness(QUEUE)
    h.open("i1", KSL, T0)
    h.send("i1", T0 + SECOND, type="presence", state="ready")
    h.send("i1", T0 + 2 * SECOND, type="presence", state="away", reason="break")
    h.disconnect("i1", T0 + 3 * SECOND)
    changes = [(r.state, r.reason, r.at) for d in h.decisions for r in presence_records(d)]
    assert changes == [
        (Presence.AWAY, None, T0),
        (Presence.READY, None, T0 + SECOND),
        (Presence.AWAY, "break", T0 + 2 * SECOND),
        (Presence.OFFLINE, None, T0 + 3 * SECOND),
    ]


def test_the_wallboard_is_pushed_to_watchers_at_most_once_per_interval() -> None:
    h = Harness(QUEUE)
    h.open("t1", STAFF)
    board = only(h.send("t1", T0, type="watch", topic="wallboard"), "t1", Wallboard)
    assert board.waiting == () and board.speed_of_answer.answered == 0
    ready(h, "i1", KSL, T0 + SECOND)
    sid = queued(h, "w1", walk_in(1), T0 + SECOND)
    first = only(h.tick(T0 + 2 * SECOND), "t1", Wallboard)
    assert [(w.language, w.waiting) for w in first.waiting] == [("ksl", 1)]
    assert [(i.interpreter_id, i.state) for i in first.interpreters] == [(11, Presence.OFFERED)]
    h.send("i1", T0 + 2 * SECOND, type="accept", session_id=sid)
    assert "wallboard" not in types(h.tick(T0 + 2 * SECOND + SECOND // 2), "t1")  # too soon
    second = only(h.tick(T0 + 3 * SECOND), "t1", Wallboard)
    assert second.waiting == ()
    assert second.speed_of_answer.answered == 1 and second.speed_of_answer.within_30s == 1
    assert "wallboard" not in types(h.tick(T0 + 5 * SECOND), "t1")  # nothing changed


def test_only_staff_may_watch() -> None:
    h = Harness(QUEUE)
    h.open("i1", KSL)
    assert error_code(h.send("i1", type="watch", topic="wallboard"), "i1") == "not_allowed"


def test_the_day_figures_can_be_seeded_after_a_restart() -> None:
    h = Harness(QUEUE)
    h.core.seed(T0, answered_waits=[10.0, 45.0, 200.0], abandoned_waits=[30.0], handle_times=[])
    h.open("t1", STAFF)
    board = only(h.send("t1", T0, type="watch", topic="wallboard"), "t1", Wallboard)
    soa = board.speed_of_answer
    assert (soa.answered, soa.within_30s, soa.within_60s, soa.within_120s) == (3, 1, 2, 2)
    assert (board.abandoned, board.abandoned_mean_wait_s) == (1, 30.0)


# -- invariants under random arrivals and presence changes


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["ready", "away", "accept", "decline", "arrive", "leave", "tick", "drop"]),
        st.integers(0, 3),
        st.integers(1, 25),
    ),
    max_size=40,
)
INTERPRETERS = [KSL, BOTH, ASL_ONLY]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_routing_invariants_hold_under_random_events(actions: list[tuple[str, int, int]]) -> None:
    h = Harness(CoreConfig(wrap_up=timedelta(seconds=5)))
    now = T0
    for n, identity in enumerate(INTERPRETERS):
        h.open(f"i{n}", identity, now)
    arrivals = 0
    for action, who, step in actions:
        now += timedelta(seconds=step)
        interpreter = f"i{who % 3}"
        party = h.core._roster.interpreter(INTERPRETERS[who % 3].interpreter_id)
        if action == "ready":
            h.send(interpreter, now, type="presence", state="ready")
        elif action == "away":
            h.send(interpreter, now, type="presence", state="away")
        elif action in ("accept", "decline") and party is not None and party.offered_session:
            h.send(interpreter, now, type=action, session_id=party.offered_session)
        elif action == "arrive":
            arrivals += 1
            language = ["ksl", "asl", "ksl", "jsl"][who]
            h.open(f"w{arrivals}", walk_in(arrivals, language), now)
            h.send(f"w{arrivals}", now, type="join")
        elif action == "leave" and arrivals:
            conn = f"w{1 + who % arrivals}"
            sid = h.core._roster.party(("contact", 1 + who % arrivals))
            if sid is not None and sid.session_id and sid.conn_id == conn:
                h.send(conn, now, type="hangup", session_id=sid.session_id)
        elif action == "drop" and arrivals:
            h.disconnect(f"w{1 + who % arrivals}", now)
        else:
            h.tick(now)
        _check_invariants(h)


def _check_invariants(h: Harness) -> None:
    sessions = h.core._sessions
    rung: dict[int, str] = {}
    for session in sessions.values():
        if session.offered_to is not None:
            assert session.offered_to not in rung, "an interpreter rung for two callers"
            rung[session.offered_to] = session.session_id
            assert session.state is SessionState.WAITING
    for party in h.core._roster.interpreters():
        iid = party.interpreter.interpreter_id
        assert (party.presence is Presence.OFFERED) == (iid in rung)
        assert party.offered_session == rung.get(iid)
        if party.presence is Presence.IN_SESSION:
            session = sessions[party.session_id or ""]
            assert session.interpreter_id == iid
            assert session.language in party.interpreter.languages
        else:
            assert party.session_id is None


def test_the_queue_fan_out_follows_the_event_in_its_own_step() -> None:
    core = Harness(QUEUE).core
    core.connect("i1", KSL, T0)
    for n in (1, 2, 3):
        core.connect(f"w{n}", walk_in(n), T0)
    for conn in ("i1", "w1", "w2", "w3"):
        core.handle(conn, parse_client_message('{"type": "hello"}'), T0)
    for n in (1, 2, 3):
        core.handle(f"w{n}", parse_client_message('{"type": "join"}'), T0 + n * SECOND)
    core.tell_queue(T0 + 3 * SECOND)
    assert not core.queue_changed
    ready_now = parse_client_message('{"type": "presence", "state": "ready"}')
    event = core.handle("i1", ready_now, T0 + 4 * SECOND)
    assert "ring" in types(event, "i1")
    assert all(d.message.type != "queue" for d in event.deliveries)  # the ring goes alone
    assert core.queue_changed
    after = core.tell_queue(T0 + 4 * SECOND)
    assert {d.conn_id for d in after.deliveries} == {"w1", "w2", "w3"}
    assert only(after, "w1", QueueStatus).status == "ringing"
    assert core.tell_queue(T0 + 4 * SECOND).deliveries == []  # nothing changed since
