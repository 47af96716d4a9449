"""What the shell persists with a reservation when a session is handed over or ends.

Only times, ids, reasons and averages: no SDP, no ICE candidate, no token, no free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from signaling.states import Actor, EndReason


@dataclass(slots=True)
class RunningAverage:
    """An O(1) mean of the periodic `stats` reports of one side."""

    total: float = 0.0
    count: int = 0

    def add(self, value: float) -> None:
        self.total += value
        self.count += 1

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass(frozen=True, slots=True)
class HandoverRecord:
    """A waiting caller was given to another interpreter, by staff or automatically."""

    session_id: str
    reservation_id: int
    from_interpreter_id: int
    to_interpreter_id: int
    at: datetime
    by: Actor  # STAFF or SYSTEM
    staff_account_id: int | None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One session from join to end.

    `wait_seconds` runs from the caller's join to the match (or to the end, if never matched);
    `duration_seconds` from the match to the end. `connected_at` is when the second page reported
    media connected. Frame rates are the mean of each side's `stats` reports (None if none came).
    """

    session_id: str
    reservation_id: int
    assigned_interpreter_id: int
    interpreter_id: int | None  # who took the call; None if never matched
    language: str
    slot_start: datetime
    caller_joined_at: datetime
    matched_at: datetime | None
    caller_media_connected_at: datetime | None
    interpreter_media_connected_at: datetime | None
    connected_at: datetime | None
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    ended_by: Actor
    end_reason: EndReason
    caller_fps_received: float | None
    interpreter_fps_received: float | None
    handed_over: bool


RecordEvent = SessionRecord | HandoverRecord
