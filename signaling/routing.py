"""Who is offered to whom in the live queue, and how long a caller may wait. Pure: no I/O, no clock.

The signaling core calls `route` after every event (a caller joins, an interpreter becomes ready,
an offer is declined or times out) with the callers waiting and the interpreters free at that
instant; it returns the offers to make. Keeping the rule a function of its inputs and `now` lets
the tests replay any queue exactly and compare it with a brute-force reference.

Order of service: a reserved caller inside their slot was promised that time, so they go before
every walk-in; among equals the longest wait goes first (fairness), and the session id makes ties
deterministic. Each caller takes the longest-idle eligible interpreter, which spreads the work
and the rest between interpreters.

Skill matching relaxes with time, like Amazon Connect's routing steps: a preferred specialty is
required at first, and after `RoutingRules.specialty_relax_after` any interpreter of the caller's
sign language will do, because a long wait costs a deaf caller more than a generalist does.
Interpreters who already declined or missed a caller (`tried`) are passed over while anyone else
eligible is free, so the ring goes round before it comes back to them.

Times must be aware; waiting times are measured in absolute time (the core keeps them in UTC).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "Assignment",
    "AvailableInterpreter",
    "HandleTimes",
    "QueuedCaller",
    "RoutingRules",
    "WaitEstimate",
    "estimate_wait",
    "priority_key",
    "queue_positions",
    "route",
]

_MICROSECOND = timedelta(microseconds=1)
_MINUTE_US = 60_000_000


@dataclass(frozen=True, slots=True)
class QueuedCaller:
    """A caller in the live queue, as the router needs to see them."""

    session_id: str
    language: str  # sign-language code, e.g. "ksl", "asl"
    specialty: str | None  # preferred topic, e.g. "welfare"; None = any interpreter will do
    reserved: bool  # a reserved caller inside their slot: always routed before walk-ins
    waiting_since: datetime  # aware
    tried: frozenset[int] = frozenset()  # interpreters who declined or missed this caller
    # Interpreters not to offer this caller at all now: they declined them moments ago, so a lone
    # interpreter's "decline" is not answered by the same ring at once.
    resting: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class AvailableInterpreter:
    """An interpreter free right now: connected, ready, not offered and in no session."""

    interpreter_id: int
    languages: frozenset[str]
    specialties: frozenset[str]
    free_since: datetime  # when they became ready; the longest idle is offered first


@dataclass(frozen=True, slots=True)
class RoutingRules:
    """Tunable routing limits, with defaults a counseling centre can start from."""

    # A preferred specialty is required for this long, then any interpreter of the language may
    # take the caller: a minute is long enough for a specialist to come free on a busy desk.
    specialty_relax_after: timedelta = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Assignment:
    """Offer this caller's session to this interpreter."""

    session_id: str
    interpreter_id: int


_DEFAULT_RULES = RoutingRules()  # frozen, so one shared default is safe


def priority_key(caller: QueuedCaller) -> tuple[bool, datetime, str]:
    """Sort key, best first: reserved before walk-ins, then longest wait, then session id."""
    return (not caller.reserved, caller.waiting_since, caller.session_id)


class _FreePool:
    """The free interpreters indexed by language and by (language, specialty), longest idle first.

    Why: with a thousand callers and a handful of free interpreters, each caller should cost a
    dictionary look-up and a glance at the head of one short queue, not a scan of everyone.
    Interpreters taken during the call stay in the other queues they belong to and are skipped
    (and dropped once they reach the head), which is cheaper than removing them everywhere.
    """

    __slots__ = ("_by_language", "_by_skill", "_taken", "remaining")

    def __init__(self, free: Iterable[AvailableInterpreter]) -> None:
        unique = {i.interpreter_id: i for i in free}
        ordered = sorted(unique.values(), key=lambda i: (i.free_since, i.interpreter_id))
        self._by_language: dict[str, deque[AvailableInterpreter]] = {}
        self._by_skill: dict[tuple[str, str], deque[AvailableInterpreter]] = {}
        for interpreter in ordered:
            for language in interpreter.languages:
                self._by_language.setdefault(language, deque()).append(interpreter)
                for specialty in interpreter.specialties:
                    self._by_skill.setdefault((language, specialty), deque()).append(interpreter)
        self._taken: set[int] = set()
        self.remaining = len(ordered)

    def serves(self, language: str) -> bool:
        return language in self._by_language

    def take_for(self, caller: QueuedCaller, specialty: str | None) -> AvailableInterpreter | None:
        """The longest-idle untried interpreter of the caller's language (and `specialty` when
        given); the longest-idle tried one when everyone eligible has been tried; else None."""
        if specialty is None:
            candidates = self._by_language.get(caller.language)
        else:
            candidates = self._by_skill.get((caller.language, specialty))
        if not candidates:
            return None
        taken = self._taken
        while candidates and candidates[0].interpreter_id in taken:
            candidates.popleft()
        chosen: AvailableInterpreter | None = None
        for interpreter in candidates:
            if interpreter.interpreter_id in taken or interpreter.interpreter_id in caller.resting:
                continue
            if interpreter.interpreter_id not in caller.tried:
                chosen = interpreter
                break
            if chosen is None:
                chosen = interpreter  # the ring comes back to them only if nobody else is left
        if chosen is not None:
            taken.add(chosen.interpreter_id)
            self.remaining -= 1
        return chosen


def route(
    callers: Iterable[QueuedCaller],
    free: Iterable[AvailableInterpreter],
    now: datetime,
    rules: RoutingRules = _DEFAULT_RULES,
) -> list[Assignment]:
    """The offers to make now, in caller priority order; greedy, so a better-placed caller is
    never left waiting for a worse-placed one's sake.

    Each interpreter and each caller (by session id) appears at most once. A caller's specialty
    is required while `now - waiting_since < rules.specialty_relax_after`, and relaxed from then
    on. Callers whose language no free interpreter signs are dropped before the one sort, and the
    walk stops as soon as every free interpreter has an offer.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    pool = _FreePool(free)
    if pool.remaining == 0:
        return []
    # Compared with an absolute instant, so callers' time zones (or DST) cannot skew their wait.
    required_until = now.astimezone(UTC) - rules.specialty_relax_after
    servable = sorted((c for c in callers if pool.serves(c.language)), key=priority_key)
    assignments: list[Assignment] = []
    served: set[str] = set()
    for caller in servable:
        if caller.session_id in served:
            continue
        specialty = caller.specialty if caller.waiting_since > required_until else None
        interpreter = pool.take_for(caller, specialty)
        if interpreter is None:
            continue
        served.add(caller.session_id)
        assignments.append(Assignment(caller.session_id, interpreter.interpreter_id))
        if pool.remaining == 0:
            break
    return assignments


def queue_positions(callers: Iterable[QueuedCaller]) -> dict[str, int]:
    """Each caller's place in line among callers of the same language, 1 = next; the order is
    `route`'s, so the number a caller sees is the order they will really be served in.

    A session id listed twice keeps its better place and is counted once.
    """
    positions: dict[str, int] = {}
    counts: dict[str, int] = {}
    for caller in sorted(callers, key=priority_key):
        if caller.session_id in positions:
            continue
        place = counts.get(caller.language, 0) + 1
        counts[caller.language] = place
        positions[caller.session_id] = place
    return positions


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    """A wait range in whole minutes, shown to the caller as "about low-high minutes"."""

    low: timedelta
    high: timedelta


def estimate_wait(position: int, staffed: int, handle_time: timedelta) -> WaitEstimate | None:
    """The likely wait for the caller at `position` (1 = next) in a language's queue.

    `staffed` counts the logged-in interpreters of that language in any state (ready, offered, in
    a session, in wrap-up): all of them will come free in turn. None when nobody of the language
    is online, since any number would be invented.

    Expected = position x handle_time / staffed. Handle times vary widely and we do not know how
    far into their sessions the interpreters are, so one number would be false precision: the
    range runs from half to one and a half times the expectation, floored and ceiled to whole
    minutes, with `high` at least one minute and always above `low`. Computed in integer
    microseconds so the minute boundaries are exact.
    """
    if position < 1:
        raise ValueError("position is 1-based")
    if staffed < 0:
        raise ValueError("staffed cannot be negative")
    if handle_time < timedelta(0):
        raise ValueError("handle_time cannot be negative")
    if staffed == 0:
        return None
    low_minutes, high_minutes = wait_minutes(position, staffed, handle_time // _MICROSECOND)
    return WaitEstimate(timedelta(minutes=low_minutes), timedelta(minutes=high_minutes))


def wait_minutes(position: int, staffed: int, handle_time_us: int) -> tuple[int, int]:
    """`estimate_wait`'s range in whole minutes, unchecked, for a positive `staffed`: the core
    runs it for every waiting caller whenever the queue changes, so it is plain integer math."""
    work_us = position * handle_time_us  # expected = work_us / staffed
    denominator = 2 * staffed * _MINUTE_US
    low_minutes = work_us // denominator
    return low_minutes, max(1, low_minutes + 1, -(-3 * work_us // denominator))


class HandleTimes:
    """The last `keep` handle times (session plus wrap-up), for `estimate_wait`.

    `typical` is the mean, not the median: the wait ahead of a caller is the sum of the sessions
    before them, and a sum is estimated by the mean. Handle times are skewed by a few long calls;
    the median would ignore them and promise callers too short a wait.
    """

    __slots__ = ("_default", "_recent", "_total")

    def __init__(self, keep: int = 50, default: timedelta = timedelta(minutes=6)) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self._recent: deque[timedelta] = deque(maxlen=keep)
        self._total = timedelta(0)
        self._default = default

    def add(self, handle_time: timedelta) -> None:
        """Record one finished session; the oldest record falls out once `keep` are held."""
        if handle_time < timedelta(0):
            raise ValueError("handle_time cannot be negative")
        if len(self._recent) == self._recent.maxlen:
            self._total -= self._recent[0]
        self._recent.append(handle_time)
        self._total += handle_time

    def __len__(self) -> int:
        return len(self._recent)

    @property
    def typical(self) -> timedelta:
        """The mean of the kept handle times, or the default before any session has ended."""
        if not self._recent:
            return self._default
        return self._total / len(self._recent)
