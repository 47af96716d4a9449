"""Who is on a connection, as the shell authenticated it before the WebSocket upgrade.

The core trusts these: staff and interpreters come from a session cookie, callers from a one-time
ticket that the shell exchanged for their booking. Times are aware datetimes (UTC in practice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from signaling.protocol import Role

# Video (the default) or chat only: a caller without a camera uses the same queue and console.
CallMode = Literal["video", "chat"]


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    reservation_id: int
    display_name: str
    interpreter_id: int  # the interpreter the booking assigned
    language: str  # sign-language code of the booking
    slot_start: datetime
    slot_end: datetime

    def __post_init__(self) -> None:
        if self.slot_start.tzinfo is None or self.slot_end.tzinfo is None:
            raise ValueError("slot times must be aware datetimes")
        if self.slot_end <= self.slot_start:
            raise ValueError("a slot must end after it starts")

    @property
    def role(self) -> Role:
        return Role.CALLER


@dataclass(frozen=True, slots=True)
class WalkInIdentity:
    """A caller without a booking, in the live queue: a `queue_contacts` row the shell created
    when they chose a language, an optional specialty and the mode (video or chat only)."""

    contact_id: int
    display_name: str  # what they chose to be called; may be a generic "Citizen"
    language: str
    specialty: str | None
    mode: CallMode

    @property
    def role(self) -> Role:
        return Role.CALLER


@dataclass(frozen=True, slots=True)
class InterpreterIdentity:
    account_id: int
    interpreter_id: int
    display_name: str
    languages: frozenset[str]
    specialties: frozenset[str] = frozenset()

    @property
    def role(self) -> Role:
        return Role.INTERPRETER


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    account_id: int
    display_name: str

    @property
    def role(self) -> Role:
        return Role.STAFF


Identity = CallerIdentity | WalkInIdentity | InterpreterIdentity | StaffIdentity
MemberIdentity = CallerIdentity | WalkInIdentity | InterpreterIdentity
AnyCaller = CallerIdentity | WalkInIdentity
