"""Which slots can be booked, and by whom. Pure: no database, no HTTP, no settings, no clock.

The rule, in words. An interpreter's working time is the union of their weekly shifts (local wall
clock; a shift whose end is not after its start runs past midnight) and their EXTRA exceptions,
minus their LEAVE exceptions, intersected with the service hours. A slot is bookable for an
interpreter who is active, signs the requested language and has the requested specialty, when the
whole slot lies inside that working time, it starts no earlier than `now + min_notice`, and it keeps
`buffer` away from each of the interpreter's bookings.

Slots lie on a grid anchored at each local midnight (09:00, 09:30, ...). In a zone with daylight
saving time the grid follows the wall clock: a skipped hour has no slots, a repeated hour has
them twice. Wall-clock times that do not exist start at the moment the clock jumps; a repeated
wall-clock time starts an interval at its first occurrence and ends one at its last, so a shift
covers every instant the clock on the wall says it should.

Why the shape of the code: `available_slots` is called for a month of 100 interpreters with tens
of thousands of bookings, on every page view. Everything is turned into seconds since the epoch
once, each interpreter's working slots and blocked slots become sets of grid indices, and a set
difference does the rest. No per-slot datetime is made until the result.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from scheduler.domain import (
    CELL_MINUTES,
    Booking,
    DatedException,
    ExceptionKind,
    InterpreterProfile,
    WeeklyShift,
)

__all__ = [
    "ServiceHours",
    "Slot",
    "SlotRules",
    "available_slots",
    "cells_for",
    "free_interpreters_at",
    "is_bookable",
]

_DAY_SECONDS = 86_400
_CELL = timedelta(minutes=CELL_MINUTES)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# An interval of epoch seconds, half open: [start, end).
_Interval = tuple[float, float]
# A weekly shift without its interpreter: (weekday, start, end).
_ShiftKey = tuple[int, time, time]


@dataclass(frozen=True, slots=True)
class ServiceHours:
    """Opening hours on the local wall clock; weekend means Saturday and Sunday.

    A close that is not after the open means the service closes on the next day, like a shift
    (`time(0)`..`time(0)` is open all day); the hours belong to the day they open.
    """

    weekday_open: time
    weekday_close: time
    weekend_open: time
    weekend_close: time


@dataclass(frozen=True, slots=True)
class SlotRules:
    """The knobs of the rule, passed in so that the core never reads settings."""

    tz: ZoneInfo
    slot_minutes: int
    min_notice: timedelta
    buffer: timedelta
    hours: ServiceHours

    def __post_init__(self) -> None:
        if self.slot_minutes <= 0 or self.slot_minutes % CELL_MINUTES:
            raise ValueError(f"slot_minutes must be a positive multiple of {CELL_MINUTES}")
        if self.slot_minutes > 24 * 60:
            raise ValueError("slot_minutes must be at most one day")
        if self.buffer < timedelta(0) or self.buffer % _CELL:
            raise ValueError(f"buffer must be a non-negative multiple of {CELL_MINUTES} minutes")
        if self.min_notice < timedelta(0):
            raise ValueError("min_notice must not be negative")


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable slot and the interpreters who could take it.

    `start` and `end` are in the service's zone, for display. Python compares and subtracts
    datetimes that share a tzinfo on the wall clock, which is wrong across a DST change: convert
    to UTC first when doing arithmetic with them in such a zone.
    """

    start: datetime  # aware, in rules.tz
    end: datetime
    free: int  # interpreters bookable
    interpreter_ids: tuple[int, ...]  # those interpreters, ascending id


def available_slots(
    *,
    interpreters: Sequence[InterpreterProfile],
    shifts: Sequence[WeeklyShift],
    exceptions: Sequence[DatedException],
    bookings: Sequence[Booking],
    rules: SlotRules,
    language: str,
    specialty: str | None,
    first_day: date,
    last_day: date,
    now: datetime,
) -> list[Slot]:
    """Every slot starting on a local date in [first_day, last_day] with at least one interpreter.

    Sorted by start instant. All datetimes given must be aware (bookings are not checked one by
    one, for speed). The caller bounds the range (`availability_max_days`); the work grows with
    it linearly, and with the number of bookings passed, so pass only those in the range.
    """
    _require_aware(now, "now")
    if last_day < first_day:
        return []
    clock = _Clock(rules.tz)
    grid = _grid(clock, rules.slot_minutes, first_day, last_day)
    free = _free_by_slot(
        grid,
        clock=clock,
        work_days=(first_day - timedelta(days=1), last_day + timedelta(days=1)),
        interpreters=interpreters,
        shifts=shifts,
        exceptions=exceptions,
        bookings=bookings,
        rules=rules,
        language=language,
        specialty=specialty,
        now=now,
    )
    tz = rules.tz
    length = rules.slot_minutes * 60
    fromtimestamp = datetime.fromtimestamp
    return [
        Slot(
            start=fromtimestamp(grid[k], tz),
            end=fromtimestamp(grid[k] + length, tz),
            free=len(ids),
            interpreter_ids=tuple(ids),
        )
        for k, ids in enumerate(free)
        if ids
    ]


def free_interpreters_at(
    start: datetime,
    *,
    interpreters: Sequence[InterpreterProfile],
    shifts: Sequence[WeeklyShift],
    exceptions: Sequence[DatedException],
    bookings: Sequence[Booking],
    rules: SlotRules,
    language: str,
    specialty: str | None,
    now: datetime,
) -> list[int]:
    """Ids (ascending) free for the slot starting at `start`; empty when it is no bookable slot.

    Meant for the booking transaction: it looks only at the days around `start`, so the caller
    need pass only the bookings and exceptions near it. It applies the very same rule as
    `available_slots` (one grid point instead of a month of them), so the two cannot disagree.
    """
    _require_aware(start, "start")
    _require_aware(now, "now")
    local = start.astimezone(rules.tz)
    if local.second or local.microsecond or (local.hour * 60 + local.minute) % rules.slot_minutes:
        return []
    day = local.date()
    free = _free_by_slot(
        [_seconds(start)],
        clock=_Clock(rules.tz),
        work_days=(day - timedelta(days=1), day + timedelta(days=1)),
        interpreters=interpreters,
        shifts=shifts,
        exceptions=exceptions,
        bookings=bookings,
        rules=rules,
        language=language,
        specialty=specialty,
        now=now,
    )
    return free[0]


def is_bookable(
    slot_start: datetime,
    interpreter_id: int,
    *,
    interpreters: Sequence[InterpreterProfile],
    shifts: Sequence[WeeklyShift],
    exceptions: Sequence[DatedException],
    bookings: Sequence[Booking],
    rules: SlotRules,
    language: str,
    specialty: str | None,
    now: datetime,
) -> bool:
    """Whether this interpreter can take the slot starting at `slot_start` (staff picks one)."""
    chosen = [p for p in interpreters if p.id == interpreter_id]
    return interpreter_id in free_interpreters_at(
        slot_start,
        interpreters=chosen,
        shifts=shifts,
        exceptions=exceptions,
        bookings=bookings,
        rules=rules,
        language=language,
        specialty=specialty,
        now=now,
    )


def cells_for(start: datetime, end: datetime, buffer: timedelta) -> list[datetime]:
    """UTC cell starts covering [start, end + buffer), one `busy_cells` row each.

    Cells are aligned to CELL_MINUTES in UTC, which is also the local grid in every zone whose
    offset is a whole number of 5 minutes (all of them today). Two reservations of one interpreter
    that come closer than `buffer` share a cell, so the (interpreter, cell) key refuses the second.
    The buffer is added after each reservation only: that covers both orders, because the rule
    is symmetric.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start:
        raise ValueError("end must be after start")
    if buffer < timedelta(0):
        raise ValueError("buffer must not be negative")
    first = (start - _EPOCH) // _CELL
    stop = -((_EPOCH - (end + buffer)) // _CELL)  # ceiling
    return [_EPOCH + _CELL * k for k in range(first, stop)]


# --- the core -----------------------------------------------------------------------------------


def _free_by_slot(
    grid: Sequence[int],
    *,
    clock: _Clock,
    work_days: tuple[date, date],
    interpreters: Sequence[InterpreterProfile],
    shifts: Sequence[WeeklyShift],
    exceptions: Sequence[DatedException],
    bookings: Sequence[Booking],
    rules: SlotRules,
    language: str,
    specialty: str | None,
    now: datetime,
) -> list[list[int]]:
    """For each grid start (epoch seconds, ascending), the ids of the interpreters free for it.

    `work_days` are the local dates whose shifts and service hours may reach the grid: one day
    either side of the grid's dates, for intervals that cross midnight.
    """
    n = len(grid)
    result: list[list[int]] = [[] for _ in range(n)]
    ids = sorted(
        {
            p.id
            for p in interpreters
            if p.active
            and language in p.sign_languages
            and (specialty is None or specialty in p.specialties)
        }
    )
    if not n or not ids:
        return result

    length = rules.slot_minutes * 60
    buffer = rules.buffer.total_seconds()
    earliest = now.timestamp() + rules.min_notice.total_seconds()
    window: _Interval = (max(float(grid[0]), earliest), float(grid[-1] + length))
    if window[0] >= window[1]:
        return result
    origin = grid[0]
    uniform = list(grid) == list(range(origin, origin + n * length, length))

    days = _days(work_days)
    service = _intersect(_merge(_service_intervals(clock, rules.hours, days)), [window])
    if not service:
        return result

    # Weekly patterns by interpreter; exceptions by interpreter, only those touching the window.
    weekly: dict[int, list[_ShiftKey]] = {i: [] for i in ids}
    for shift in shifts:
        mine = weekly.get(shift.interpreter_id)
        if mine is not None:
            mine.append((shift.weekday, shift.start, shift.end))
    extra: dict[int, list[_Interval]] = {}
    leave: dict[int, list[_Interval]] = {}
    for exc in exceptions:
        if exc.interpreter_id not in weekly:
            continue
        _require_aware(exc.start, "exception start")
        _require_aware(exc.end, "exception end")
        a, b = exc.start.timestamp(), exc.end.timestamp()
        if b <= window[0] or a >= window[1] or b <= a:
            continue
        target = extra if exc.kind == ExceptionKind.EXTRA else leave
        target.setdefault(exc.interpreter_id, []).append((a, b))

    def to_indices(time_on: list[_Interval]) -> set[int]:
        """Grid indices of the slots lying wholly inside the given time."""
        indices: set[int] = set()
        for a, b in time_on:
            if uniform:
                lo = max(0, int(-((origin - a) // length)))
                hi = min(n, int((b - length - origin) // length) + 1)
            else:
                lo = bisect_left(grid, a)
                hi = bisect_right(grid, b - length)
            if hi > lo:
                indices.update(range(lo, hi))
        return indices

    # Working grid indices per interpreter. Interpreters on the same weekly pattern and without
    # exceptions share one answer (rosters repeat a few standard shifts), and share the set too:
    # it is only read from here on.
    by_pattern: dict[tuple[_ShiftKey, ...], set[int]] = {}
    working: dict[int, set[int]] = {}
    for iid in ids:
        pattern = tuple(sorted(set(weekly[iid])))
        adds, cuts = extra.get(iid), leave.get(iid)
        shared = not adds and not cuts
        indices = by_pattern.get(pattern) if shared else None
        if indices is None:
            raw = _shift_intervals(clock, pattern, days)
            raw.extend(adds or ())
            time_on = _intersect(_subtract(_merge(raw), _merge(cuts or [])), service)
            indices = to_indices(time_on)
            if shared:
                by_pattern[pattern] = indices
        if indices:
            working[iid] = indices

    if not working:
        return result

    # Grid indices blocked by bookings: start s is blocked by [bs, be) when
    # s < be + buffer and s + length > bs - buffer.
    blocked: dict[int, set[int]] = {iid: set() for iid in working}
    _block(blocked, bookings, grid, origin, length, buffer, uniform)

    for iid in ids:  # ascending, so every slot's id list comes out sorted
        held = working.get(iid)
        if held is None:
            continue
        for k in held.difference(blocked[iid]):
            result[k].append(iid)
    return result


def _block(
    blocked: dict[int, set[int]],
    bookings: Iterable[Booking],
    grid: Sequence[int],
    origin: int,
    length: int,
    buffer: float,
    uniform: bool,
) -> None:
    """Add to each interpreter's set the grid indices their bookings rule out.

    This loop runs once per booking, so it is kept flat: one pass, no per-booking datetimes,
    index arithmetic instead of a search when the grid is evenly spaced (the usual case).
    Indices may fall outside the grid; they never meet a working index, so that is harmless.
    """
    get = blocked.get
    n = len(grid)
    if uniform:
        # Nearly every booking is exactly one slot on the grid: find its index with one dict
        # lookup, and confirm its end by comparing with the slot's end (a cheap UTC comparison).
        index = {float(g): k for k, g in enumerate(grid)}
        find = index.get
        ends = [datetime.fromtimestamp(g + length, UTC) for g in grid]
        reach = -(-int(buffer) // length)  # slots a buffer reaches on either side
        before = origin + buffer + length
        after = origin - buffer
        too_late = grid[-1] + length + buffer  # a booking starting then blocks nothing
        for booking in bookings:
            target = get(booking.interpreter_id)
            if target is None:
                continue
            start = booking.start.timestamp()
            k = find(start)
            if k is not None and booking.end == ends[k]:
                if reach:
                    target.update(range(k - reach, k + reach + 1))
                else:
                    target.add(k)
                continue
            if start >= too_late:
                continue
            lo = int((start - before) // length) + 1
            hi = int(-((after - booking.end.timestamp()) // length))
            if hi > lo:
                target.update(range(max(0, lo), min(n, hi)))
        return
    for booking in bookings:
        target = get(booking.interpreter_id)
        if target is None:
            continue
        lo_i = bisect_right(grid, booking.start.timestamp() - buffer - length)
        hi_i = bisect_left(grid, booking.end.timestamp() + buffer)
        if hi_i > lo_i:
            target.update(range(lo_i, hi_i))


def _grid(clock: _Clock, slot_minutes: int, first_day: date, last_day: date) -> list[int]:
    """Slot starts (epoch seconds, ascending) whose local date lies in [first_day, last_day]."""
    step = slot_minutes * 60
    starts: list[int] = []
    day = first_day
    while day <= last_day:
        midnight, constant = clock.day(day)
        if constant:
            starts.extend(range(midnight, midnight + _DAY_SECONDS, step))
        else:
            starts.extend(clock.wall_instants(day, step))
        day += timedelta(days=1)
    if any(b <= a for a, b in pairwise(starts)):
        starts = sorted(set(starts))
    return starts


def _shift_intervals(
    clock: _Clock, pattern: Sequence[_ShiftKey], days: Sequence[tuple[date, int, date]]
) -> list[_Interval]:
    """A weekly pattern laid out on the given local dates, in epoch seconds (not yet merged)."""
    on_weekday: list[list[_ShiftKey]] = [[] for _ in range(7)]
    for key in pattern:
        on_weekday[key[0]].append(key)
    out: list[_Interval] = []
    for day, weekday, next_day in days:
        for _, starts, ends in on_weekday[weekday]:
            end_day = next_day if ends <= starts else day
            out.append((clock.at(day, starts, latest=False), clock.at(end_day, ends, latest=True)))
    return out


def service_intervals(
    tz: ZoneInfo, hours: ServiceHours, first: date, last: date
) -> list[_Interval]:
    """The service's open intervals (epoch seconds, merged) over local dates [first, last]: the
    same intervals slots are clipped to, for the live queue's "open now?" question."""
    return _merge(_service_intervals(_Clock(tz), hours, _days((first, last))))


def _service_intervals(
    clock: _Clock, hours: ServiceHours, days: Sequence[tuple[date, int, date]]
) -> list[_Interval]:
    out: list[_Interval] = []
    for day, weekday, next_day in days:
        if weekday >= 5:
            opens, closes = hours.weekend_open, hours.weekend_close
        else:
            opens, closes = hours.weekday_open, hours.weekday_close
        end_day = next_day if closes <= opens else day
        out.append((clock.at(day, opens, latest=False), clock.at(end_day, closes, latest=True)))
    return out


def _days(span: tuple[date, date]) -> list[tuple[date, int, date]]:
    """(day, weekday, next day) for each local date in the inclusive span."""
    first, last = span
    one = timedelta(days=1)
    out: list[tuple[date, int, date]] = []
    day = first
    while day <= last:
        out.append((day, day.weekday(), day + one))
        day += one
    return out


# --- local wall clock -> epoch seconds ----------------------------------------------------------


class _Clock:
    """Turns local wall-clock times into epoch seconds, for one call.

    Most days in most zones have one UTC offset; for those a time of day is midnight plus an
    offset in seconds, with no zoneinfo call. Days with a transition take the careful path, and
    its answers are memoised because many interpreters share shift times.
    """

    __slots__ = ("_days", "_memo", "_tz")

    def __init__(self, tz: ZoneInfo) -> None:
        self._tz = tz
        self._days: dict[date, tuple[int, bool]] = {}
        self._memo: dict[tuple[datetime, bool], int] = {}

    def day(self, day: date) -> tuple[int, bool]:
        """(first instant whose local date is `day`, whether the whole day keeps one offset)."""
        info = self._days.get(day)
        if info is None:
            start = self._resolve(datetime.combine(day, time()), latest=False)
            following = self._resolve(
                datetime.combine(day + timedelta(days=1), time()), latest=False
            )
            constant = following - start == _DAY_SECONDS and self._offset(start) == self._offset(
                following - 1
            )
            info = (start, constant)
            self._days[day] = info
        return info

    def at(self, day: date, clock_time: time, *, latest: bool) -> int:
        """Epoch seconds of `clock_time` on `day`; `latest` picks the last of a repeated time."""
        midnight, constant = self.day(day)
        if constant:
            return midnight + clock_time.hour * 3600 + clock_time.minute * 60 + clock_time.second
        naive = datetime.combine(day, clock_time.replace(microsecond=0, tzinfo=None))
        key = (naive, latest)
        found = self._memo.get(key)
        if found is None:
            found = self._resolve(naive, latest=latest)
            self._memo[key] = found
        return found

    def wall_instants(self, day: date, step: int) -> list[int]:
        """Every instant whose local time on `day` is a multiple of `step` after midnight."""
        out: set[int] = set()
        for offset in range(0, _DAY_SECONDS, step):
            naive = datetime.combine(day, time()) + timedelta(seconds=offset)
            out.update(self._exact(naive))
        return sorted(out)

    def _exact(self, naive: datetime) -> list[int]:
        """The instants (0, 1 or 2) at which the wall clock shows `naive`."""
        found: list[int] = []
        for fold in (0, 1):
            stamp = int(naive.replace(tzinfo=self._tz, fold=fold).timestamp())
            if stamp not in found and self._wall(stamp) == naive:
                found.append(stamp)
        return found

    def _resolve(self, naive: datetime, *, latest: bool) -> int:
        exact = self._exact(naive)
        if exact:
            return max(exact) if latest else min(exact)
        # A skipped time: the answer is the jump, the first instant whose wall clock is later.
        guesses = [int(naive.replace(tzinfo=self._tz, fold=f).timestamp()) for f in (0, 1)]
        lo, hi = min(guesses), max(guesses)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._wall(mid) >= naive:
                hi = mid
            else:
                lo = mid
        return hi

    def _wall(self, stamp: int) -> datetime:
        return datetime.fromtimestamp(stamp, self._tz).replace(tzinfo=None)

    def _offset(self, stamp: int) -> timedelta | None:
        return datetime.fromtimestamp(stamp, self._tz).utcoffset()


# --- interval arithmetic on sorted, disjoint, half-open intervals --------------------------------


def _merge(intervals: list[_Interval]) -> list[_Interval]:
    """Sorted, disjoint union; touching intervals join (a shift may end where another starts)."""
    if len(intervals) <= 1:
        return [iv for iv in intervals if iv[1] > iv[0]]
    intervals.sort()
    out: list[_Interval] = []
    cur_a, cur_b = intervals[0]
    for a, b in intervals[1:]:
        if a <= cur_b:
            cur_b = max(cur_b, b)
        else:
            if cur_b > cur_a:
                out.append((cur_a, cur_b))
            cur_a, cur_b = a, b
    if cur_b > cur_a:
        out.append((cur_a, cur_b))
    return out


def _subtract(base: list[_Interval], cut: list[_Interval]) -> list[_Interval]:
    if not cut:
        return base
    out: list[_Interval] = []
    j = 0
    for a, b in base:
        while j < len(cut) and cut[j][1] <= a:
            j += 1
        k = j
        while k < len(cut) and cut[k][0] < b:
            ca, cb = cut[k]
            if ca > a:
                out.append((a, ca))
            a = max(a, cb)
            if a >= b:
                break
            k += 1
        if a < b:
            out.append((a, b))
    return out


def _intersect(left: list[_Interval], right: list[_Interval]) -> list[_Interval]:
    out: list[_Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a = max(left[i][0], right[j][0])
        b = min(left[i][1], right[j][1])
        if a < b:
            out.append((a, b))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _seconds(value: datetime) -> int:
    return (value - _EPOCH) // timedelta(seconds=1)
