"""Every edge of the session and presence graphs, and every missing one, via the one function."""

from __future__ import annotations

from itertools import product

import pytest

from signaling.states import (
    PRESENCE_EDGES,
    SESSION_EDGES,
    IllegalPresenceTransition,
    IllegalSessionTransition,
    IllegalTransition,
    Presence,
    SessionState,
    move_presence,
    move_session,
)

PRESENCE_PAIRS = list(product(Presence, Presence))
SESSION_PAIRS = list(product(SessionState, SessionState))


@pytest.mark.parametrize(("current", "target"), PRESENCE_PAIRS)
def test_presence_moves_only_along_its_edges(current: Presence, target: Presence) -> None:
    if target in PRESENCE_EDGES[current]:
        assert move_presence(current, target) is target
    else:
        with pytest.raises(IllegalPresenceTransition) as caught:
            move_presence(current, target)
        assert (caught.value.current, caught.value.target) == (current, target)


@pytest.mark.parametrize(("current", "target"), SESSION_PAIRS)
def test_session_moves_only_along_its_edges(current: SessionState, target: SessionState) -> None:
    if target in SESSION_EDGES[current]:
        assert move_session(current, target) is target
    else:
        with pytest.raises(IllegalSessionTransition):
            move_session(current, target)


def test_the_graphs_name_every_state() -> None:
    assert set(PRESENCE_EDGES) == set(Presence)
    assert set(SESSION_EDGES) == set(SessionState)


def test_the_graphs_say_what_the_issue_says() -> None:
    # A session runs WAITING -> MATCHED -> CONNECTED -> ENDED and can drop and come back.
    for current, target in [
        (SessionState.WAITING, SessionState.MATCHED),
        (SessionState.MATCHED, SessionState.CONNECTED),
        (SessionState.CONNECTED, SessionState.ENDED),
        (SessionState.CONNECTED, SessionState.RECONNECTING),
        (SessionState.RECONNECTING, SessionState.CONNECTED),
    ]:
        assert target in SESSION_EDGES[current]
    assert SESSION_EDGES[SessionState.ENDED] == frozenset()
    # An interpreter in a session cannot just become ready or away: the session must end first.
    assert Presence.AWAY not in PRESENCE_EDGES[Presence.IN_SESSION]
    assert Presence.IN_SESSION not in PRESENCE_EDGES[Presence.AWAY]


def test_illegal_transitions_are_value_errors_with_a_readable_message() -> None:
    with pytest.raises(IllegalTransition, match="presence cannot go from away to in_session"):
        move_presence(Presence.AWAY, Presence.IN_SESSION)
    assert issubclass(IllegalTransition, ValueError)
