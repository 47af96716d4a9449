"""A deterministic driver for `SignalingCore`: fixed tokens and session ids, JSON in, models out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any, TypeVar

from signaling.config import CoreConfig
from signaling.core import SignalingCore
from signaling.decisions import Decision
from signaling.identities import CallerIdentity, Identity, InterpreterIdentity, StaffIdentity
from signaling.protocol import ErrorMessage, ServerMessage, parse_client_message
from signaling.records import HandoverRecord, PresenceRecord, SessionRecord

M = TypeVar("M", bound=ServerMessage)

SLOT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SLOT_END = SLOT + timedelta(minutes=30)

CALLER = CallerIdentity(
    reservation_id=7,
    display_name="Kim Citizen",
    interpreter_id=1,
    language="ksl",
    slot_start=SLOT,
    slot_end=SLOT_END,
)
CALLER_B = CallerIdentity(
    reservation_id=8,
    display_name="Han Citizen",
    interpreter_id=2,
    language="ksl",
    slot_start=SLOT,
    slot_end=SLOT_END,
)
INTERPRETER = InterpreterIdentity(
    account_id=11, interpreter_id=1, display_name="Lee Interpreter", languages=frozenset({"ksl"})
)
OTHER = InterpreterIdentity(
    account_id=12, interpreter_id=2, display_name="Park Interpreter", languages=frozenset({"ksl"})
)
THIRD = InterpreterIdentity(
    account_id=13,
    interpreter_id=3,
    display_name="Yoon Interpreter",
    languages=frozenset({"ksl", "asl"}),
)
FOREIGN = InterpreterIdentity(
    account_id=14, interpreter_id=4, display_name="Choi Interpreter", languages=frozenset({"asl"})
)
STAFF = StaffIdentity(account_id=21, display_name="Front Desk")

SDP = "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
    "usernameFragment": "abcd",
}


# The pairing tests are about pairing: no wrap-up, so an interpreter is ready again at once.
# Tests of wrap-up and the live queue pass their own config.
PAIRING = CoreConfig(wrap_up=timedelta(0))


class Harness:
    def __init__(self, config: CoreConfig | None = None) -> None:
        tokens = count(1)
        sessions = count(1)
        self.core = SignalingCore(
            config or PAIRING,
            new_token=lambda: f"token-{next(tokens)}",
            new_session_id=lambda: f"s{next(sessions)}",
        )
        self.decisions: list[Decision] = []

    def _keep(self, decision: Decision, now: datetime) -> Decision:
        """Append the queue updates that follow, as the shell sends them right after."""
        after = self.core.tell_queue(now)
        decision.deliveries.extend(after.deliveries)
        self.decisions.append(decision)
        return decision

    def connect(self, conn: str, identity: Identity, now: datetime = SLOT) -> Decision:
        return self._keep(self.core.connect(conn, identity, now), now)

    def send(self, conn: str, now: datetime = SLOT, **fields: Any) -> Decision:
        """Serialize to JSON and go through the real parser, as the shell will."""
        parsed = parse_client_message(json.dumps(fields))
        return self._keep(self.core.handle(conn, parsed, now), now)

    def open(
        self,
        conn: str,
        identity: Identity,
        now: datetime = SLOT,
        resume_token: str | None = None,
    ) -> Decision:
        """Connect and say hello; the hello's decision is returned."""
        self.connect(conn, identity, now)
        if resume_token is None:
            return self.send(conn, now, type="hello")
        return self.send(conn, now, type="hello", resume_token=resume_token)

    def disconnect(self, conn: str, now: datetime = SLOT) -> Decision:
        return self._keep(self.core.disconnect(conn, now), now)

    def tick(self, now: datetime) -> Decision:
        return self._keep(self.core.tick(now), now)

    def matched_pair(
        self, caller: str = "c1", interpreter: str = "i1", now: datetime = SLOT
    ) -> str:
        """The caller joins and the assigned interpreter is ready: return the session id."""
        self.open(interpreter, INTERPRETER, now)
        self.send(interpreter, now, type="presence", state="ready")
        self.open(caller, CALLER, now)
        decision = self.send(caller, now, type="join")
        matched = [m for m in decision.to(caller) if m.type == "matched"]
        assert len(matched) == 1
        return matched[0].session_id


def session_records(decision: Decision) -> list[SessionRecord]:
    return [r for r in decision.records if isinstance(r, SessionRecord)]


def handover_records(decision: Decision) -> list[HandoverRecord]:
    return [r for r in decision.records if isinstance(r, HandoverRecord)]


def presence_records(decision: Decision) -> list[PresenceRecord]:
    return [r for r in decision.records if isinstance(r, PresenceRecord)]


def types(decision: Decision, conn: str) -> list[str]:
    return [message.type for message in decision.to(conn)]


def only(decision: Decision, conn: str, kind: type[M]) -> M:
    """The one message of class `kind` delivered to `conn`."""
    found = [m for m in decision.to(conn) if isinstance(m, kind)]
    assert len(found) == 1, f"expected one {kind.__name__} for {conn}: {types(decision, conn)}"
    return found[0]


def error_code(decision: Decision, conn: str) -> str:
    errors = [m for m in decision.to(conn) if isinstance(m, ErrorMessage)]
    assert len(errors) == 1, f"expected one error for {conn}, got {types(decision, conn)}"
    return errors[0].code.value
