"""Named states and value types of the booking side. Pure: no database, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum


class Role(StrEnum):
    INTERPRETER = "interpreter"
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"  # accounts and settings; not records (see docs/threat-model.md "Roles")


class Channel(StrEnum):
    """How a reservation reached us (staff book on behalf of phone, SMS and counter callers)."""

    WEB = "web"
    PHONE = "phone"
    SMS = "sms"
    COUNTER = "counter"


class ReservationStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    COMPLETED = "completed"


class ExceptionKind(StrEnum):
    LEAVE = "leave"
    EXTRA = "extra"


class IllegalTransition(ValueError):
    """A reservation was asked to move to a state it cannot reach from where it is."""

    def __init__(self, current: ReservationStatus, target: ReservationStatus) -> None:
        super().__init__(f"reservation cannot go from {current} to {target}")
        self.current = current
        self.target = target


_RESERVATION_EDGES: dict[ReservationStatus, frozenset[ReservationStatus]] = {
    ReservationStatus.BOOKED: frozenset(
        {ReservationStatus.CANCELLED, ReservationStatus.NO_SHOW, ReservationStatus.COMPLETED}
    ),
    ReservationStatus.CANCELLED: frozenset(),
    ReservationStatus.NO_SHOW: frozenset(),
    ReservationStatus.COMPLETED: frozenset(),
}


def move_reservation(current: ReservationStatus, target: ReservationStatus) -> ReservationStatus:
    """The one place a reservation changes state; illegal moves raise `IllegalTransition`."""
    if target not in _RESERVATION_EDGES[current]:
        raise IllegalTransition(current, target)
    return target


ACTIVE_STATUSES = frozenset({ReservationStatus.BOOKED})

# Reservations hold an interpreter's time in cells of this size (see `BusyCell`); slot lengths and
# buffers are whole multiples of it, so the same cells serve whatever slot length is configured.
CELL_MINUTES = 5


@dataclass(frozen=True, slots=True)
class InterpreterProfile:
    id: int
    display_name: str
    sign_languages: frozenset[str]
    specialties: frozenset[str]
    active: bool = True


@dataclass(frozen=True, slots=True)
class WeeklyShift:
    """A recurring shift in the service's local time. `end <= start` means it runs past midnight."""

    interpreter_id: int
    weekday: int  # 0 = Monday … 6 = Sunday, of the day the shift starts
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DatedException:
    """Leave removes working time; extra hours add it. Aware datetimes."""

    interpreter_id: int
    kind: ExceptionKind
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Booking:
    """An interval an interpreter is already committed to (aware datetimes)."""

    interpreter_id: int
    start: datetime
    end: datetime
