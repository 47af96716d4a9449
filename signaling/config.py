"""Times and bounds of the signaling core, and the factories of its random ids.

Every field is a setting with a finite default (CONVENTIONS 3); the shell builds a `CoreConfig`
from `signdesk.settings`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from signaling.protocol import IceServer, MediaLegSpec, RelaySpec


@dataclass(frozen=True, slots=True)
class CoreConfig:
    """Times and bounds of the core; every one is a setting with a finite default."""

    join_early: timedelta = timedelta(minutes=10)
    handover_grace: timedelta = timedelta(minutes=3)
    resume_window: timedelta = timedelta(seconds=60)
    hello_timeout: timedelta = timedelta(seconds=10)
    max_overrun: timedelta = timedelta(minutes=60)  # a matched call ends this long after the slot
    max_connections: int = 2000
    max_sessions: int = 500
    max_staff_connections_per_account: int = 5
    ice_servers: tuple[IceServer, ...] = ()
    # -- the live queue (issue 4)
    ring_timeout: timedelta = timedelta(seconds=20)  # an unanswered offer moves on after this
    missed_offers_to_away: int = 2  # missed offers in a row that set an interpreter away
    decline_rest: timedelta = timedelta(seconds=30)  # a declined caller is not offered again
    # to the same interpreter this soon
    wrap_up: timedelta = timedelta(seconds=60)  # after-call work; zero goes straight to ready
    specialty_relax_after: timedelta = timedelta(seconds=60)
    walk_in_limit: timedelta = timedelta(hours=2)  # a walk-in session ends this long after join
    max_queued_walk_ins: int = 1000
    typical_handle_time: timedelta = timedelta(minutes=6)  # until real calls have been timed
    # -- chat (its length limit is the parser's: `ProtocolLimits.max_chat_chars`)
    chat_burst: int = 10  # messages a member may send ...
    chat_burst_window: timedelta = timedelta(seconds=10)  # ... within this window
    chat_history_keep: int = 200  # lines kept in memory to replay to a page that resumes
    transcript_max_lines: int = 2000  # lines stored with consent; later ones are counted only
    # -- staff wallboard
    wallboard_interval: timedelta = timedelta(seconds=1)  # at most one update per interval
    service_timezone: str = "Asia/Seoul"  # "today" for the speed-of-answer figures
    # -- the media leg (issue 5): None means quality assistance is off (no leg is opened)
    media_leg: MediaLegSpec | None = None
    max_media_legs: int = 64  # server-side RTCPeerConnections one process holds at once
    # -- relay mode (issue 5): None means direct (P2P) calls. `recording`: relayed calls are
    # recorded when the caller consents (`Join.recording_consent`), under this consent version.
    relay: RelaySpec | None = None
    recording: bool = False
    recording_consent_version: str = "recording-v1"
    transcript_consent_version: str = "transcript-v1"  # stored with a kept chat transcript

    def __post_init__(self) -> None:
        times = (
            self.resume_window,
            self.hello_timeout,
            self.max_overrun,
            self.ring_timeout,
            self.walk_in_limit,
            self.typical_handle_time,
            self.chat_burst_window,
            self.wallboard_interval,
        )
        if self.join_early < timedelta(0) or self.handover_grace < timedelta(0):
            raise ValueError("join_early and handover_grace must not be negative")
        if any(t <= timedelta(0) for t in times):
            raise ValueError("resume_window, hello_timeout and max_overrun must be positive")
        if min(self.wrap_up, self.specialty_relax_after, self.decline_rest) < timedelta(0):
            raise ValueError("wrap_up, specialty_relax_after and decline_rest must not be negative")
        counts = (
            self.max_connections,
            self.max_sessions,
            self.max_staff_connections_per_account,
            self.missed_offers_to_away,
            self.max_queued_walk_ins,
            self.chat_burst,
            self.chat_history_keep,
            self.transcript_max_lines,
            self.max_media_legs,
        )
        if any(n < 1 for n in counts):
            raise ValueError("counts and limits must be at least 1")
        if self.recording and self.relay is None:
            raise ValueError("only relayed calls can be recorded")


def default_resume_token() -> str:
    """192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def default_session_id() -> str:
    return "s_" + secrets.token_urlsafe(12)
