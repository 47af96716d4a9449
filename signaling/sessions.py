"""One counseling session's mutable state, from the caller's join to its end.

Owned and mutated only by `SignalingCore`; every state change goes through `move_session`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from signaling.records import RunningAverage, SessionRecord
from signaling.states import Actor, EndReason, SessionState, Side, move_session

# What a waiting caller is told: their interpreter is not online, or online but not yet free.
WaitingStatus = Literal["interpreter_absent", "connecting"]


@dataclass(slots=True)
class Session:
    session_id: str
    reservation_id: int
    caller_name: str
    language: str
    slot_start: datetime
    slot_end: datetime
    assigned_interpreter_id: int
    interpreter_id: int  # the assigned one until a handover
    caller_joined_at: datetime
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
        )
