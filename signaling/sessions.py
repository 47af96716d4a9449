"""One counseling session's mutable state, from the caller's join to its end.

Owned and mutated only by `SignalingCore`; every state change goes through `move_session`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from signaling.identities import CallMode
from signaling.records import ChatLine, RunningAverage, SessionKind, SessionRecord
from signaling.roster import PartyKey
from signaling.routing import QueuedCaller
from signaling.states import Actor, EndReason, SessionState, Side, move_session

# What a waiting caller is told: their interpreter is not online, or online but not yet free.
WaitingStatus = Literal["interpreter_absent", "connecting"]


@dataclass(slots=True)
class Session:
    """A reserved caller's session (`reservation_id`) or a walk-in's (`contact_id`).

    For a walk-in, `slot_start` is the join and `slot_end` the join plus `walk_in_limit`;
    `interpreter_id` stays None until an interpreter accepts the ring.
    """

    session_id: str
    caller_key: PartyKey
    kind: SessionKind
    mode: CallMode
    reservation_id: int | None
    contact_id: int | None
    caller_name: str
    language: str
    specialty: str | None
    slot_start: datetime
    slot_end: datetime
    assigned_interpreter_id: int | None
    interpreter_id: int | None  # the assigned one until a handover; a walk-in's once accepted
    caller_joined_at: datetime
    transcript_consent: bool = False
    recording_consent_at: datetime | None = None  # when the caller agreed to be recorded ...
    recording_consent_version: str | None = None  # ... to which terms
    transcript_consent_at: datetime | None = None  # the transcript consent's time and terms
    transcript_consent_version: str | None = None
    transcript_withdrawn_at: datetime | None = None  # the caller withdrew it during the call
    recording_withdrawn_at: datetime | None = None
    state: SessionState = SessionState.WAITING
    state_before_drop: SessionState | None = None
    interpreter_name: str | None = None
    matched_at: datetime | None = None
    connected_at: datetime | None = None
    media_connected_at: dict[Side, datetime] = field(default_factory=dict)
    fps: dict[Side, RunningAverage] = field(
        default_factory=lambda: {side: RunningAverage() for side in Side}
    )
    waiting_status: WaitingStatus | None = None  # last status the caller was told
    alerted: bool = False  # staff were told this caller waits without a ready interpreter
    handed_over: bool = False
    waiting_told: str | None = None  # the interpreter socket told `caller_waiting`
    # -- the live queue
    offered_to: int | None = None  # the interpreter being rung now
    offered_at: datetime | None = None
    tried: set[int] = field(default_factory=set)  # declined or missed this caller
    declined_at: dict[int, datetime] = field(default_factory=dict)  # by interpreter
    offers_missed: int = 0
    queue_told: tuple[int, int | None, int | None, int, bool] | None = None  # last `queue` sent
    # -- chat
    chat_seq: int = 0
    recent_chat: deque[ChatLine] = field(default_factory=deque)  # replayed to a resumed page
    transcript: list[ChatLine] = field(default_factory=list)  # kept only with consent
    transcript_truncated: bool = False
    # -- quality assistance (issue 5): what the analyzer last said, to tell a page that returns
    quality_hints: dict[Side, tuple[str, ...]] = field(default_factory=dict)
    active_signer: Side | None = None

    reserved: bool = field(init=False)  # kind == "reserved", read on every event
    queued_view: QueuedCaller | None = None  # the router's view, rebuilt when `tried` changes

    def __post_init__(self) -> None:
        self.reserved = self.kind == "reserved"

    @property
    def is_matched(self) -> bool:
        """Once matched the interpreter is a member; before, only the caller is."""
        return self.matched_at is not None

    def move(self, target: SessionState) -> None:
        self.state = move_session(self.state, target)

    def drop(self) -> None:
        """A member's socket went away: remember where to come back to."""
        if self.state is not SessionState.RECONNECTING:
            before = self.state
            self.move(SessionState.RECONNECTING)
            self.state_before_drop = before

    def restore(self) -> None:
        """Every member is back: continue where the session was."""
        if self.state is SessionState.RECONNECTING and self.state_before_drop is not None:
            self.move(self.state_before_drop)
            self.state_before_drop = None

    def media_connected(self, side: Side, now: datetime) -> bool:
        """Note a page's first `connected`; True when this made the session CONNECTED."""
        self.media_connected_at.setdefault(side, now)
        if len(self.media_connected_at) < len(Side) or self.connected_at is not None:
            return False
        if self.state is SessionState.MATCHED:
            self.move(SessionState.CONNECTED)
        elif self.state_before_drop is SessionState.MATCHED:  # media works while a socket is down
            self.state_before_drop = move_session(SessionState.MATCHED, SessionState.CONNECTED)
        else:
            return False
        self.connected_at = now
        return True

    def end(self, now: datetime, by: Actor, reason: EndReason) -> SessionRecord:
        self.move(SessionState.ENDED)
        until_match = self.matched_at or now
        return SessionRecord(
            session_id=self.session_id,
            reservation_id=self.reservation_id,
            contact_id=self.contact_id,
            kind=self.kind,
            mode=self.mode,
            specialty=self.specialty,
            assigned_interpreter_id=self.assigned_interpreter_id,
            interpreter_id=self.interpreter_id if self.is_matched else None,
            language=self.language,
            slot_start=self.slot_start,
            caller_joined_at=self.caller_joined_at,
            matched_at=self.matched_at,
            caller_media_connected_at=self.media_connected_at.get(Side.CALLER),
            interpreter_media_connected_at=self.media_connected_at.get(Side.INTERPRETER),
            connected_at=self.connected_at,
            ended_at=now,
            wait_seconds=(until_match - self.caller_joined_at).total_seconds(),
            duration_seconds=(
                (now - self.matched_at).total_seconds() if self.matched_at is not None else None
            ),
            ended_by=by,
            end_reason=reason,
            caller_fps_received=self.fps[Side.CALLER].mean,
            interpreter_fps_received=self.fps[Side.INTERPRETER].mean,
            handed_over=self.handed_over,
            offers_missed=self.offers_missed,
            transcript_consent=self.transcript_consent,
            transcript=tuple(self.transcript) if self.transcript_consent else (),
            transcript_truncated=self.transcript_truncated,
            recording_consent_at=self.recording_consent_at,
            recording_consent_version=self.recording_consent_version,
            transcript_consent_at=self.transcript_consent_at,
            transcript_consent_version=self.transcript_consent_version,
            transcript_withdrawn_at=self.transcript_withdrawn_at,
            recording_withdrawn_at=self.recording_withdrawn_at,
        )
