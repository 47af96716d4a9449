"""What the shell persists with a reservation when a session is handed over or ends.

Only times, ids, reasons and averages: no SDP, no ICE candidate, no token, no free text. (The
quality summary is numbers and hint codes too.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from signaling.states import Actor, EndReason, Presence, Side

SessionKind = Literal["reserved", "walk_in"]


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
    reservation_id: int | None  # a booking's session ...
    contact_id: int | None  # ... or a walk-in's (`queue_contacts`); exactly one is set
    kind: SessionKind
    mode: Literal["video", "chat"]
    specialty: str | None  # what a walk-in asked for
    assigned_interpreter_id: int | None  # the booking's interpreter; None for a walk-in
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
    offers_missed: int  # ring timeouts and declines before someone took the call (walk-ins)
    transcript_consent: bool  # the caller agreed at the start to keep the chat transcript
    transcript: tuple[ChatLine, ...]  # empty unless `transcript_consent`
    transcript_truncated: bool  # more lines came than `transcript_max_lines` kept
    # Relay mode with recording: when the caller consented to the recording (None: not asked,
    # or declined); its version is the core's `recording_consent_version`.
    recording_consent_at: datetime | None = None
    recording_consent_version: str | None = None
    # The transcript consent's time and terms (None without consent), and when the caller
    # withdrew either consent during the call (issue 6).
    transcript_consent_at: datetime | None = None
    transcript_consent_version: str | None = None
    transcript_withdrawn_at: datetime | None = None
    recording_withdrawn_at: datetime | None = None
    # The quality analyzer's summary of the session (issue 5), as JSON: per side and per minute,
    # hands visible and cropped, brightness, received frame rate, hints and signing time. The
    # shell adds it when the session ends (`media.quality_sink.QualitySink.end_session`); None
    # when quality assistance was off or saw no frame.
    quality_summary: dict[str, Any] | None = None

    @property
    def abandoned(self) -> bool:
        return self.end_reason is EndReason.ABANDONED


@dataclass(frozen=True, slots=True)
class ChatLine:
    """One chat message of a session, numbered in the order the server received it."""

    seq: int
    sender: Side
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PresenceRecord:
    """An interpreter's presence changed (stored for utilisation statistics)."""

    interpreter_id: int
    state: Presence
    reason: str | None  # a code: "missed_offers", "break", ...; never free text
    at: datetime


@dataclass(frozen=True, slots=True)
class RecordingRecord:
    """One side's finished recording of a relayed session (listed with the session record)."""

    recording_id: str
    session_id: str
    side: str
    file_name: str
    format: str
    bytes: int
    frames: int
    width: int
    height: int
    started_at: datetime
    ended_at: datetime


RecordEvent = SessionRecord | HandoverRecord | PresenceRecord | RecordingRecord
