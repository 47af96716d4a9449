"""Who is here: live connections, the callers and interpreters they speak for, resume tokens.

Bookkeeping only; the rules that use it live in `core.py`. A `Party` (one per reservation, one
per interpreter) outlives its socket while it holds a place in a session, so that the same
person can come back on a new connection.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from signaling.identities import (
    CallerIdentity,
    Identity,
    InterpreterIdentity,
    MemberIdentity,
    StaffIdentity,
    WalkInIdentity,
)
from signaling.states import Presence, Side

# A booking's caller, a walk-in contact's caller, or an interpreter: each holds one place.
PartyKind = Literal["reservation", "contact", "interpreter"]
PartyKey = tuple[PartyKind, int]


def party_key(identity: MemberIdentity) -> PartyKey:
    if isinstance(identity, CallerIdentity):
        return ("reservation", identity.reservation_id)
    if isinstance(identity, WalkInIdentity):
        return ("contact", identity.contact_id)
    return ("interpreter", identity.interpreter_id)


@dataclass(slots=True)
class Connection:
    conn_id: str
    identity: Identity
    opened_at: datetime
    welcomed: bool = False
    watching: bool = False  # staff: pushed the wallboard


@dataclass(slots=True)
class Party:
    """A caller or an interpreter, with at most one live connection."""

    identity: MemberIdentity
    conn_id: str | None
    resume_token: str
    gone_since: datetime | None = None
    session_id: str | None = None
    # -- interpreters only
    presence: Presence = Presence.OFFLINE
    presence_since: datetime | None = None
    away_reason: str | None = None
    wrap_up_until: datetime | None = None
    ready_since: datetime | None = None
    offered_session: str | None = None  # the walk-in this interpreter is being rung for
    missed_in_a_row: int = 0  # ring timeouts since the last accept or decline
    # -- both: when their recent chat messages were sent (the rate limit)
    chat_sent: deque[datetime] = field(default_factory=deque)

    @property
    def side(self) -> Side:
        return Side.INTERPRETER if isinstance(self.identity, InterpreterIdentity) else Side.CALLER

    @property
    def interpreter(self) -> InterpreterIdentity:
        """This party's identity as an interpreter (a shell bug if it is a caller)."""
        if not isinstance(self.identity, InterpreterIdentity):
            raise TypeError("not an interpreter")
        return self.identity

    @property
    def key(self) -> PartyKey:
        return party_key(self.identity)

    @property
    def is_free(self) -> bool:
        """Connected, ready and in no session: can take a caller now."""
        return (
            self.conn_id is not None and self.presence is Presence.READY and self.session_id is None
        )


class Roster:
    def __init__(self, new_token: Callable[[], str]) -> None:
        self._new_token = new_token
        self._conns: dict[str, Connection] = {}
        self._parties: dict[PartyKey, Party] = {}
        self._interpreters: dict[int, Party] = {}  # the interpreter parties, by id (hot path)
        self._tokens: dict[str, PartyKey] = {}

    def __len__(self) -> int:
        return len(self._conns)

    # -- connections

    def open(self, conn_id: str, identity: Identity, now: datetime) -> None:
        if conn_id in self._conns:
            raise ValueError("connection ids must be unique")
        self._conns[conn_id] = Connection(conn_id, identity, now)

    def connection(self, conn_id: str) -> Connection | None:
        return self._conns.get(conn_id)

    def close(self, conn_id: str) -> Connection | None:
        """Forget a connection; later messages from it are ignored."""
        return self._conns.pop(conn_id, None)

    def connections(self) -> list[Connection]:
        return list(self._conns.values())

    def staff_connections(self, account_id: int | None = None) -> Iterator[Connection]:
        for conn in self._conns.values():
            identity = conn.identity
            if not conn.welcomed or not isinstance(identity, StaffIdentity):
                continue
            if account_id is None or identity.account_id == account_id:
                yield conn

    # -- parties

    def party(self, key: PartyKey) -> Party | None:
        return self._parties.get(key)

    def interpreter(self, interpreter_id: int | None) -> Party | None:
        if interpreter_id is None:
            return None
        return self._interpreters.get(interpreter_id)

    def watchers(self) -> Iterator[Connection]:
        return (conn for conn in self.staff_connections() if conn.watching)

    def interpreters(self) -> Iterator[Party]:
        return iter(self._interpreters.values())

    def party_of(self, conn: Connection) -> Party | None:
        """The caller or interpreter this live connection speaks for (None for staff)."""
        if isinstance(conn.identity, StaffIdentity) or not conn.welcomed:
            return None
        party = self._parties.get(party_key(conn.identity))
        return party if party is not None and party.conn_id == conn.conn_id else None

    def existing(self, identity: MemberIdentity) -> Party | None:
        return self._parties.get(party_key(identity))

    def token_matches(self, token: str, identity: MemberIdentity) -> bool:
        """A resume token opens only the place of the identity the shell authenticated."""
        return self._tokens.get(token) == party_key(identity)

    def add(self, identity: MemberIdentity, conn_id: str) -> Party:
        key = party_key(identity)
        party = Party(identity, conn_id, self._issue_token(key))
        self._parties[key] = party
        if isinstance(identity, InterpreterIdentity):
            self._interpreters[identity.interpreter_id] = party
        return party

    def attach(self, party: Party, conn_id: str, identity: MemberIdentity) -> str | None:
        """Move a party onto a new connection with a fresh token; return the socket it replaces.

        The identity is refreshed (a display name may have changed) but keeps the party's key.
        """
        if party_key(identity) != party.key:
            raise ValueError("a party can only be taken over by the same identity")
        replaced = party.conn_id
        if replaced is not None:
            self._conns.pop(replaced, None)
        self._tokens.pop(party.resume_token, None)
        party.resume_token = self._issue_token(party.key)
        party.identity = identity
        party.conn_id = conn_id
        party.gone_since = None
        return replaced

    def forget(self, party: Party) -> None:
        """Drop a party; the core has already moved an interpreter's presence to offline."""
        self._tokens.pop(party.resume_token, None)
        self._parties.pop(party.key, None)
        if isinstance(party.identity, InterpreterIdentity):
            self._interpreters.pop(party.identity.interpreter_id, None)

    def clear(self) -> None:
        self._conns.clear()
        self._parties.clear()
        self._interpreters.clear()
        self._tokens.clear()

    def _issue_token(self, key: PartyKey) -> str:
        token = self._new_token()
        if token in self._tokens:
            raise RuntimeError("resume token factory repeated a token")
        self._tokens[token] = key
        return token
