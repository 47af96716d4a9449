"""Times and bounds of the signaling core, and the factories of its random ids.

Every field is a setting with a finite default (CONVENTIONS 3); the shell builds a `CoreConfig`
from `signdesk.settings`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from signaling.protocol import IceServer


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

    def __post_init__(self) -> None:
        times = (self.resume_window, self.hello_timeout, self.max_overrun)
        if self.join_early < timedelta(0) or self.handover_grace < timedelta(0):
            raise ValueError("join_early and handover_grace must not be negative")
        if any(t <= timedelta(0) for t in times):
            raise ValueError("resume_window, hello_timeout and max_overrun must be positive")
        counts = (self.max_connections, self.max_sessions, self.max_staff_connections_per_account)
        if any(n < 1 for n in counts):
            raise ValueError("connection and session limits must be at least 1")


def default_resume_token() -> str:
    """192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def default_session_id() -> str:
    return "s_" + secrets.token_urlsafe(12)
