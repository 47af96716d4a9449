"""Read-only views of the core's state for the staff console (`GET /api/staff/calls`).

Frozen copies, so the shell can serialize them after the core has moved on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from signaling.states import Presence, SessionState


@dataclass(frozen=True, slots=True)
class CallView:
    """An open session. `since` is when it entered its current state (for RECONNECTING: when the
    first member dropped). `waiting_status` is what a waiting caller was last told."""

    session_id: str
    reservation_id: int | None  # a booking's session ...
    contact_id: int | None  # ... or a walk-in's
    kind: Literal["reserved", "walk_in"]
    mode: Literal["video", "chat"]
    specialty: str | None
    state: SessionState
    since: datetime
    language: str
    slot_start: datetime  # a walk-in's: when they joined
    assigned_interpreter_id: int | None
    interpreter_id: int | None  # a walk-in's: once an interpreter accepted
    waiting_status: Literal["interpreter_absent", "connecting"] | None
    alerted: bool
    # Who staff may hand a WAITING caller to now: connected, ready, free, of the language.
    handover_candidates: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class InterpreterView:
    """An interpreter the core knows: connected, or holding a place while reconnecting."""

    interpreter_id: int
    display_name: str
    languages: tuple[str, ...]
    presence: Presence
    connected: bool
    session_id: str | None
