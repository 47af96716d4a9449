"""Properties of the availability rule over random rosters, exceptions, bookings and clocks.

The strongest check compares `available_slots` with a brute-force reference that walks time in
5-minute steps and asks, at each instant, "is this interpreter working and free?". Every input
boundary is a multiple of 5 minutes, so the walk is exact. In the daylight-saving zone the
service hours stay clear of the 01:00-03:00 transition window, where "wall clock" and "instant"
would need the module's own tie-breaking rules to agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.assignment import rank_candidates
from scheduler.availability import (
    ServiceHours,
    Slot,
    SlotRules,
    available_slots,
    cells_for,
    free_interpreters_at,
)
from scheduler.domain import (
    Booking,
    DatedException,
    ExceptionKind,
    InterpreterProfile,
    WeeklyShift,
)

FIVE = timedelta(minutes=5)
FIXED_ZONES = ("Asia/Seoul", "UTC")
DST_ZONE = "America/New_York"
DAYS = (
    date(2026, 3, 6),  # New York springs forward on the 8th
    date(2026, 3, 7),
    date(2026, 3, 8),
    date(2026, 6, 12),
    date(2026, 10, 31),  # and falls back on 1 November
    date(2026, 11, 1),
)
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class World:
    interpreters: list[InterpreterProfile]
    shifts: list[WeeklyShift]
    exceptions: list[DatedException]
    bookings: list[Booking]
    rules: SlotRules
    language: str
    specialty: str | None
    first_day: date
    last_day: date
    now: datetime

    def slots(self, bookings: Sequence[Booking] | None = None) -> list[Slot]:
        return available_slots(
            interpreters=self.interpreters,
            shifts=self.shifts,
            exceptions=self.exceptions,
            bookings=self.bookings if bookings is None else bookings,
            rules=self.rules,
            language=self.language,
            specialty=self.specialty,
            first_day=self.first_day,
            last_day=self.last_day,
            now=self.now,
        )

    def free_at(self, start: datetime, bookings: Sequence[Booking] | None = None) -> list[int]:
        return free_interpreters_at(
            start,
            interpreters=self.interpreters,
            shifts=self.shifts,
            exceptions=self.exceptions,
            bookings=self.bookings if bookings is None else bookings,
            rules=self.rules,
            language=self.language,
            specialty=self.specialty,
            now=self.now,
        )


def clock_times(earliest: int = 0) -> st.SearchStrategy[time]:
    """Wall-clock times on 5-minute steps from `earliest` minutes after midnight."""
    return st.integers(earliest // 5, 287).map(lambda k: time(k // 12, (k % 12) * 5))


@st.composite
def service_hours(draw: st.DrawFn, dst: bool) -> ServiceHours:
    if draw(st.booleans()):
        return ServiceHours(time(9), time(22), time(9), time(18))
    if dst:  # keep clear of 01:00-03:00 and of midnight
        pairs = st.tuples(clock_times(4 * 60), clock_times(4 * 60)).filter(lambda p: p[0] < p[1])
    else:  # any hours, overnight ones included
        pairs = st.tuples(clock_times(), clock_times())
    (wo, wc), (eo, ec) = draw(pairs), draw(pairs)
    return ServiceHours(wo, wc, eo, ec)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    dst = draw(st.booleans())
    tz = ZoneInfo(DST_ZONE if dst else draw(st.sampled_from(FIXED_ZONES)))
    rules = SlotRules(
        tz=tz,
        slot_minutes=draw(st.sampled_from([5, 15, 25, 30, 35, 45, 60, 90])),
        min_notice=timedelta(minutes=draw(st.sampled_from([0, 30, 60]))),
        buffer=timedelta(minutes=draw(st.sampled_from([0, 5, 10, 30]))),
        hours=draw(service_hours(dst)),
    )
    first_day = draw(st.sampled_from(DAYS))
    last_day = first_day + timedelta(days=draw(st.integers(0, 1)))
    count = draw(st.integers(1, 5))
    ids = st.integers(1, count)
    interpreters = [
        InterpreterProfile(
            id=i,
            display_name=f"I{i}",
            sign_languages=frozenset(draw(st.sampled_from([{"KSL"}, {"ASL"}, {"KSL", "ASL"}]))),
            specialties=frozenset(draw(st.sets(st.sampled_from(["medical", "legal"])))),
            active=draw(st.integers(0, 5)) > 0,
        )
        for i in range(1, count + 1)
    ]
    shifts = draw(
        st.lists(
            st.builds(WeeklyShift, ids, st.integers(0, 6), clock_times(), clock_times()),
            max_size=8,
        )
    )
    # Instants on 5-minute steps from local midnight the day before (offsets are whole hours).
    origin = datetime.combine(first_day - timedelta(days=1), time(0), tz).astimezone(UTC)
    steps = (last_day - first_day).days * 288 + 3 * 288
    instants = st.integers(0, steps).map(lambda k: origin + k * FIVE)
    exceptions = draw(
        st.lists(
            st.builds(
                lambda iid, kind, start, length: DatedException(
                    iid, kind, start, start + length * FIVE
                ),
                ids,
                st.sampled_from(ExceptionKind),
                instants,
                st.integers(1, 150),
            ),
            max_size=4,
        )
    )
    bookings = draw(
        st.lists(
            st.builds(
                lambda iid, start, length: Booking(iid, start, start + length * FIVE),
                ids,
                instants,
                st.integers(1, 24),
            ),
            max_size=10,
        )
    )
    now = origin + timedelta(seconds=draw(st.integers(0, steps * 300)))
    return World(
        interpreters=interpreters,
        shifts=shifts,
        exceptions=exceptions,
        bookings=bookings,
        rules=rules,
        language=draw(st.sampled_from(["KSL", "ASL"])),
        specialty=draw(st.sampled_from([None, None, "medical"])),
        first_day=first_day,
        last_day=last_day,
        now=now,
    )


# --- the reference ------------------------------------------------------------------------------


def _within(wall: datetime, day: date, opens: time, closes: time) -> bool:
    start = datetime.combine(day, opens)
    end = datetime.combine(day + timedelta(days=1) if closes <= opens else day, closes)
    return start <= wall < end


def reference(world: World) -> list[tuple[datetime, tuple[int, ...]]]:
    """Brute force: every 5-minute instant, every interpreter, every rule spelled out."""
    rules = world.rules
    tz = rules.tz
    length = timedelta(minutes=rules.slot_minutes)
    earliest = world.now + rules.min_notice
    hours = rules.hours

    def in_service(t: datetime) -> bool:
        wall = t.astimezone(tz).replace(tzinfo=None)
        for day in (wall.date(), wall.date() - timedelta(days=1)):
            weekend = day.weekday() >= 5
            opens = hours.weekend_open if weekend else hours.weekday_open
            closes = hours.weekend_close if weekend else hours.weekday_close
            if _within(wall, day, opens, closes):
                return True
        return False

    def works(iid: int, t: datetime) -> bool:
        wall = t.astimezone(tz).replace(tzinfo=None)
        for exc in world.exceptions:
            hit = exc.interpreter_id == iid and exc.start <= t < exc.end
            if hit and exc.kind is ExceptionKind.LEAVE:
                return False
        for exc in world.exceptions:
            hit = exc.interpreter_id == iid and exc.start <= t < exc.end
            if hit and exc.kind is ExceptionKind.EXTRA:
                return True
        for sh in world.shifts:
            if sh.interpreter_id != iid:
                continue
            for day in (wall.date(), wall.date() - timedelta(days=1)):
                if day.weekday() == sh.weekday and _within(wall, day, sh.start, sh.end):
                    return True
        return False

    def busy(iid: int, start: datetime, end: datetime) -> bool:
        return any(
            b.interpreter_id == iid
            and b.start < end + rules.buffer
            and start < b.end + rules.buffer
            for b in world.bookings
        )

    eligible = sorted(
        p.id
        for p in world.interpreters
        if p.active
        and world.language in p.sign_languages
        and (world.specialty is None or world.specialty in p.specialties)
    )
    out: list[tuple[datetime, tuple[int, ...]]] = []
    t = datetime.combine(world.first_day - timedelta(days=1), time(0), tz).astimezone(UTC)
    stop = datetime.combine(world.last_day + timedelta(days=2), time(0), tz).astimezone(UTC)
    while t < stop:
        local = t.astimezone(tz)
        minute = local.hour * 60 + local.minute
        if (
            world.first_day <= local.date() <= world.last_day
            and minute % rules.slot_minutes == 0
            and t >= earliest
        ):
            samples = [t + k * FIVE for k in range(rules.slot_minutes // 5)]
            if all(in_service(s) for s in samples):
                ids = tuple(
                    iid
                    for iid in eligible
                    if all(works(iid, s) for s in samples) and not busy(iid, t, t + length)
                )
                if ids:
                    out.append((t, ids))
        t += FIVE
    return out


# --- properties ---------------------------------------------------------------------------------


@PROPERTY
@given(worlds())
def test_matches_the_brute_force_reference(world: World) -> None:
    got = [(s.start.astimezone(UTC), s.interpreter_ids) for s in world.slots()]
    assert got == reference(world)


@PROPERTY
@given(worlds())
def test_slots_are_well_formed(world: World) -> None:
    rules = world.rules
    length = timedelta(minutes=rules.slot_minutes)
    eligible = {
        p.id
        for p in world.interpreters
        if p.active
        and world.language in p.sign_languages
        and (world.specialty is None or world.specialty in p.specialties)
    }
    result = world.slots()
    starts = [s.start.astimezone(UTC) for s in result]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
    for s in result:
        assert s.free >= 1
        assert s.free == len(s.interpreter_ids)
        assert list(s.interpreter_ids) == sorted(set(s.interpreter_ids))
        assert set(s.interpreter_ids) <= eligible
        # On the grid, in the zone, inside the range.
        assert s.start.tzinfo is rules.tz
        local = s.start.astimezone(rules.tz)
        assert local.second == 0 and local.microsecond == 0
        assert (local.hour * 60 + local.minute) % rules.slot_minutes == 0
        assert world.first_day <= local.date() <= world.last_day
        assert s.end.astimezone(UTC) - s.start.astimezone(UTC) == length
        # Not in the past, not inside the notice window.
        assert s.start >= world.now + rules.min_notice
        assert s.start >= world.now


@PROPERTY
@given(worlds())
def test_slots_lie_within_service_hours(world: World) -> None:
    rules = world.rules
    hours = rules.hours
    for s in world.slots():
        t = s.start.astimezone(UTC)
        while t < s.end:
            wall = t.astimezone(rules.tz).replace(tzinfo=None)
            options = []
            for day in (wall.date(), wall.date() - timedelta(days=1)):
                weekend = day.weekday() >= 5
                opens = hours.weekend_open if weekend else hours.weekday_open
                closes = hours.weekend_close if weekend else hours.weekday_close
                options.append(_within(wall, day, opens, closes))
            assert any(options), (s, wall)
            t += FIVE


@PROPERTY
@given(worlds())
def test_no_slot_overlaps_a_booking_of_its_interpreter(world: World) -> None:
    buffer = world.rules.buffer
    for s in world.slots():
        for b in world.bookings:
            if b.interpreter_id in s.interpreter_ids:
                assert s.end + buffer <= b.start or b.end + buffer <= s.start


@PROPERTY
@given(worlds(), st.data())
def test_free_interpreters_at_agrees_with_available_slots(
    world: World, data: st.DataObject
) -> None:
    result = world.slots()
    for s in result:
        assert world.free_at(s.start) == list(s.interpreter_ids)
    offered = {s.start.astimezone(UTC) for s in result}
    origin = datetime.combine(world.first_day, time(0), world.rules.tz)
    # Only probe inside the asked days: a slot on the next day is rightly absent from `result`.
    after = datetime.combine(world.last_day + timedelta(days=1), time(0), world.rules.tz)
    for k in data.draw(st.lists(st.integers(0, 2 * 288), max_size=20)):
        probe = (origin + k * FIVE).astimezone(UTC)
        if probe < after.astimezone(UTC) and probe not in offered:
            assert world.free_at(probe) == []


@PROPERTY
@given(worlds(), st.data())
def test_booking_greedily_never_double_books(world: World, data: st.DataObject) -> None:
    """Book slot after slot as the store would: never two overlapping bookings per person."""
    tz = world.rules.tz
    buffer = world.rules.buffer
    bookings = list(world.bookings)
    made: list[Booking] = []
    for _ in range(12):
        offered = world.slots(bookings)
        if not offered:
            break
        slot = offered[data.draw(st.integers(0, len(offered) - 1))]
        free = world.free_at(slot.start, bookings)
        assert free == list(slot.interpreter_ids)
        day = slot.start.astimezone(tz).date()
        load = Counter(b.interpreter_id for b in bookings if b.start.astimezone(tz).date() == day)
        ranked = rank_candidates(free, load)
        chosen = ranked[0]
        assert load[chosen] == min(load[i] for i in free)
        new = Booking(chosen, slot.start, slot.end)
        bookings.append(new)
        made.append(new)
    for a, b in combinations(made + world.bookings, 2):
        if a.interpreter_id == b.interpreter_id and (a in made or b in made):
            assert a.end + buffer <= b.start or b.end + buffer <= a.start
    # The database's guard agrees: no two new bookings of one person share a busy cell.
    held: set[tuple[int, datetime]] = set()
    for b in made:
        cells = {(b.interpreter_id, c) for c in cells_for(b.start, b.end, buffer)}
        assert not cells & held
        held |= cells
