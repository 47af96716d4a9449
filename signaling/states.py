"""Named states of signaling: a session and an interpreter's presence, each moved by one function.

Issue 4 adds a queue (`OFFERED`) and after-call work (`WRAP_UP`); their edges are already here so
that the enum grows without renaming anything. An illegal move raises a named exception, which the
core turns into an `illegal_state` error for the client; it is never a crash.
"""

from __future__ import annotations

from enum import StrEnum


class Presence(StrEnum):
    OFFLINE = "offline"
    READY = "ready"
    AWAY = "away"
    OFFERED = "offered"  # issue 4: a queued caller is being offered to this interpreter
    IN_SESSION = "in_session"
    WRAP_UP = "wrap_up"  # issue 4: notes after a call before the next one


class SessionState(StrEnum):
    WAITING = "waiting"  # the caller joined; no interpreter matched yet
    MATCHED = "matched"  # both present, the browsers negotiate
    CONNECTED = "connected"  # both pages reported media connected
    RECONNECTING = "reconnecting"  # a member's socket dropped; their place is kept
    ENDED = "ended"


class Side(StrEnum):
    """The two members of a session. The interpreter makes the WebRTC offer."""

    CALLER = "caller"
    INTERPRETER = "interpreter"

    @property
    def other(self) -> Side:
        """The other member of a two-party session."""
        return Side.INTERPRETER if self is Side.CALLER else Side.CALLER


class EndReason(StrEnum):
    HANGUP = "hangup"
    MEDIA_FAILED = "media_failed"  # a member hung up because the media never worked
    DROPPED = "dropped"  # a member did not come back within the resume window
    EXPIRED = "expired"  # the slot ended without a match, or the call overran the limit
    SHUTDOWN = "shutdown"
    ABANDONED = "abandoned"  # the caller left (hung up or dropped) before anyone took the call


class Actor(StrEnum):
    """Who did something to a session: ended it, or handed it over."""

    CALLER = "caller"
    INTERPRETER = "interpreter"
    SYSTEM = "system"
    STAFF = "staff"  # hands sessions over; an "end call" action comes with issue 4


class IllegalTransition(ValueError):
    """A session or a presence was asked to move to a state it cannot reach from where it is."""

    def __init__(self, what: str, current: StrEnum, target: StrEnum) -> None:
        super().__init__(f"{what} cannot go from {current} to {target}")
        self.current = current
        self.target = target


class IllegalPresenceTransition(IllegalTransition):
    def __init__(self, current: Presence, target: Presence) -> None:
        super().__init__("presence", current, target)


class IllegalSessionTransition(IllegalTransition):
    def __init__(self, current: SessionState, target: SessionState) -> None:
        super().__init__("session", current, target)


PRESENCE_EDGES: dict[Presence, frozenset[Presence]] = {
    Presence.OFFLINE: frozenset({Presence.AWAY}),
    Presence.READY: frozenset(
        {Presence.READY, Presence.AWAY, Presence.OFFERED, Presence.IN_SESSION, Presence.OFFLINE}
    ),
    Presence.AWAY: frozenset({Presence.AWAY, Presence.READY, Presence.OFFLINE}),
    Presence.OFFERED: frozenset(
        {Presence.IN_SESSION, Presence.READY, Presence.AWAY, Presence.OFFLINE}
    ),
    Presence.IN_SESSION: frozenset({Presence.READY, Presence.WRAP_UP, Presence.OFFLINE}),
    Presence.WRAP_UP: frozenset({Presence.READY, Presence.AWAY, Presence.OFFLINE}),
}

SESSION_EDGES: dict[SessionState, frozenset[SessionState]] = {
    SessionState.WAITING: frozenset(
        {SessionState.MATCHED, SessionState.RECONNECTING, SessionState.ENDED}
    ),
    SessionState.MATCHED: frozenset(
        {SessionState.CONNECTED, SessionState.RECONNECTING, SessionState.ENDED}
    ),
    SessionState.CONNECTED: frozenset({SessionState.RECONNECTING, SessionState.ENDED}),
    SessionState.RECONNECTING: frozenset(
        {SessionState.WAITING, SessionState.MATCHED, SessionState.CONNECTED, SessionState.ENDED}
    ),
    SessionState.ENDED: frozenset(),
}

# Sessions that still hold a caller's place and, once matched, an interpreter.
OPEN_SESSION_STATES = frozenset(set(SessionState) - {SessionState.ENDED})


def move_presence(current: Presence, target: Presence) -> Presence:
    """The one place an interpreter's presence changes; illegal moves raise."""
    if target not in PRESENCE_EDGES[current]:
        raise IllegalPresenceTransition(current, target)
    return target


def move_session(current: SessionState, target: SessionState) -> SessionState:
    """The one place a session's state changes; illegal moves raise."""
    if target not in SESSION_EDGES[current]:
        raise IllegalSessionTransition(current, target)
    return target
