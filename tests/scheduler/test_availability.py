"""The availability rule, example by example. Pure: no database, no sockets, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from scheduler.availability import (
    ServiceHours,
    Slot,
    SlotRules,
    available_slots,
    cells_for,
    free_interpreters_at,
    is_bookable,
)
from scheduler.domain import (
    Booking,
    DatedException,
    ExceptionKind,
    InterpreterProfile,
    WeeklyShift,
)

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 3, 2)
SATURDAY = date(2026, 3, 7)
NORMAL_HOURS = ServiceHours(time(9), time(22), time(9), time(18))
ALL_DAY = ServiceHours(time(0), time(0), time(0), time(0))
EVERY_DAY = range(7)


def rules(
    tz: ZoneInfo = SEOUL,
    *,
    slot_minutes: int = 30,
    notice: int = 60,
    buffer: int = 0,
    hours: ServiceHours = NORMAL_HOURS,
) -> SlotRules:
    return SlotRules(
        tz=tz,
        slot_minutes=slot_minutes,
        min_notice=timedelta(minutes=notice),
        buffer=timedelta(minutes=buffer),
        hours=hours,
    )


def person(
    iid: int,
    *,
    langs: Sequence[str] = ("KSL",),
    specialties: Sequence[str] = (),
    active: bool = True,
) -> InterpreterProfile:
    return InterpreterProfile(iid, f"I{iid}", frozenset(langs), frozenset(specialties), active)


def shift(iid: int, weekday: int, start: time, end: time) -> WeeklyShift:
    return WeeklyShift(iid, weekday, start, end)


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = SEOUL) -> datetime:
    return datetime.combine(day, time(hour, minute), tz)


def slots(
    *,
    interpreters: Sequence[InterpreterProfile] = (),
    shifts: Sequence[WeeklyShift] = (),
    exceptions: Sequence[DatedException] = (),
    bookings: Sequence[Booking] = (),
    slot_rules: SlotRules | None = None,
    language: str = "KSL",
    specialty: str | None = None,
    first_day: date = MONDAY,
    last_day: date | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    r = slot_rules or rules()
    return available_slots(
        interpreters=list(interpreters) or [person(1)],
        shifts=shifts,
        exceptions=exceptions,
        bookings=bookings,
        rules=r,
        language=language,
        specialty=specialty,
        first_day=first_day,
        last_day=last_day or first_day,
        now=now or datetime(2026, 1, 1, tzinfo=r.tz),
    )


def wall(result: Sequence[Slot], tz: ZoneInfo = SEOUL) -> list[str]:
    """Slot starts as local 'HH:MM' (with the date when the range spans days)."""
    return [s.start.astimezone(tz).strftime("%m-%d %H:%M") for s in result]


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def hhmm(result: Sequence[Slot]) -> list[str]:
    return [s.start.strftime("%H:%M") for s in result]


# --- the grid -----------------------------------------------------------------------------------


def test_slots_lie_on_a_half_hour_grid_inside_the_shift() -> None:
    result = slots(shifts=[shift(1, 0, time(9), time(12))])
    assert hhmm(result) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    for s in result:
        assert s.end - s.start == timedelta(minutes=30)
        assert s.free == 1
        assert s.interpreter_ids == (1,)


def test_grid_is_anchored_at_midnight_not_at_the_shift_start() -> None:
    result = slots(shifts=[shift(1, 0, time(9, 10), time(11, 5))])
    assert hhmm(result) == ["09:30", "10:00", "10:30"]


def test_slot_length_is_configurable() -> None:
    result = slots(shifts=[shift(1, 0, time(9), time(12))], slot_rules=rules(slot_minutes=45))
    assert hhmm(result) == ["09:00", "09:45", "10:30", "11:15"]
    assert all(s.end - s.start == timedelta(minutes=45) for s in result)


def test_a_grid_that_does_not_divide_the_day_restarts_at_midnight() -> None:
    # 35 minutes: 23:55 (41 x 35) is the last start of the day, 00:00 the first of the next,
    # so those two slots overlap; each day's grid is anchored at its own midnight.
    r = rules(slot_minutes=35, hours=ALL_DAY)
    result = slots(
        shifts=[shift(1, wd, time(0), time(0)) for wd in EVERY_DAY],
        slot_rules=r,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=1),
    )
    starts = wall(result)
    assert starts[:3] == ["03-02 00:00", "03-02 00:35", "03-02 01:10"]
    assert starts[40:44] == ["03-02 23:20", "03-02 23:55", "03-03 00:00", "03-03 00:35"]
    assert len(starts) == 2 * 42


def test_days_are_inclusive_and_sorted() -> None:
    result = slots(
        shifts=[shift(1, wd, time(9), time(10)) for wd in EVERY_DAY],
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=2),
    )
    assert wall(result) == [
        "03-02 09:00",
        "03-02 09:30",
        "03-03 09:00",
        "03-03 09:30",
        "03-04 09:00",
        "03-04 09:30",
    ]
    assert [s.start for s in result] == sorted(s.start for s in result)


def test_an_empty_or_reversed_range_has_no_slots() -> None:
    assert slots(shifts=[shift(1, 0, time(9), time(12))], last_day=MONDAY - timedelta(days=1)) == []
    assert slots(shifts=[]) == []
    assert slots(interpreters=[person(1)], shifts=[shift(2, 0, time(9), time(12))]) == []


# --- service hours ------------------------------------------------------------------------------


def test_service_hours_clip_weekdays_and_weekends_differently() -> None:
    long_days = [shift(1, wd, time(7), time(23, 30)) for wd in EVERY_DAY]
    monday = slots(shifts=long_days, first_day=MONDAY)
    saturday = slots(shifts=long_days, first_day=SATURDAY)
    assert hhmm(monday)[0] == "09:00" and hhmm(monday)[-1] == "21:30"
    assert len(monday) == 26
    assert hhmm(saturday)[0] == "09:00" and hhmm(saturday)[-1] == "17:30"
    assert len(saturday) == 18
    sunday = slots(shifts=long_days, first_day=SATURDAY + timedelta(days=1))
    assert len(sunday) == 18


def test_service_hours_are_configurable() -> None:
    hours = ServiceHours(time(10), time(12), time(11), time(12))
    r = rules(hours=hours)
    long_days = [shift(1, wd, time(7), time(23)) for wd in EVERY_DAY]
    assert hhmm(slots(shifts=long_days, slot_rules=r)) == ["10:00", "10:30", "11:00", "11:30"]
    assert hhmm(slots(shifts=long_days, slot_rules=r, first_day=SATURDAY)) == ["11:00", "11:30"]


# --- shifts across midnight ---------------------------------------------------------------------


def test_a_shift_across_midnight_continues_into_the_next_day() -> None:
    r = rules(hours=ALL_DAY)
    night = [shift(1, 0, time(22), time(2))]  # Monday 22:00 -> Tuesday 02:00
    result = slots(shifts=night, slot_rules=r, first_day=MONDAY, last_day=MONDAY + timedelta(1))
    assert wall(result) == [
        "03-02 22:00",
        "03-02 22:30",
        "03-02 23:00",
        "03-02 23:30",
        "03-03 00:00",
        "03-03 00:30",
        "03-03 01:00",
        "03-03 01:30",
    ]
    # Asking for Tuesday alone still finds the part of Monday's shift after midnight.
    tuesday = slots(shifts=night, slot_rules=r, first_day=MONDAY + timedelta(days=1))
    assert hhmm(tuesday) == ["00:00", "00:30", "01:00", "01:30"]


def test_the_weekday_of_a_night_shift_is_the_day_it_starts() -> None:
    r = rules(hours=ALL_DAY)
    night = [shift(1, 0, time(22), time(2))]
    sunday = MONDAY - timedelta(days=1)
    # Early Monday belongs to a Sunday shift, which this interpreter does not have.
    assert hhmm(slots(shifts=night, slot_rules=r, first_day=MONDAY))[0] == "22:00"
    assert slots(shifts=night, slot_rules=r, first_day=sunday) == []


def test_a_slot_may_straddle_midnight_when_hours_and_shifts_allow() -> None:
    r = rules(slot_minutes=35, hours=ALL_DAY)
    result = slots(shifts=[shift(1, 0, time(23), time(1))], slot_rules=r, first_day=MONDAY)
    assert wall(result) == ["03-02 23:20", "03-02 23:55"]
    assert result[1].end == at(MONDAY + timedelta(days=1), 0, 30)
    # Until 00:30 only: the shift ends before the 23:55 slot would.
    short = slots(shifts=[shift(1, 0, time(23), time(0, 25))], slot_rules=r, first_day=MONDAY)
    assert wall(short) == ["03-02 23:20"]


def test_normal_service_hours_clip_a_night_shift() -> None:
    night = [shift(1, 0, time(20), time(2))]
    result = slots(shifts=night, first_day=MONDAY, last_day=MONDAY + timedelta(days=1))
    assert wall(result) == ["03-02 20:00", "03-02 20:30", "03-02 21:00", "03-02 21:30"]
    assert slots(shifts=[shift(1, 0, time(22), time(2))], last_day=MONDAY + timedelta(1)) == []


def test_overnight_service_hours_belong_to_the_day_they_open() -> None:
    late = ServiceHours(time(20), time(1), time(9), time(18))
    r = rules(hours=late)
    long_days = [shift(1, wd, time(0), time(0)) for wd in EVERY_DAY]  # 24-hour shifts
    tuesday = slots(shifts=long_days, slot_rules=r, first_day=MONDAY + timedelta(days=1))
    # Tuesday 00:00-01:00 is Monday's evening running on; Tuesday's own hours open at 20:00.
    assert hhmm(tuesday)[:3] == ["00:00", "00:30", "20:00"]
    assert hhmm(tuesday)[-1] == "23:30"


def test_adjacent_shifts_join_so_a_slot_may_span_them() -> None:
    split = [shift(1, 0, time(9), time(9, 45)), shift(1, 0, time(9, 45), time(10, 30))]
    assert hhmm(slots(shifts=split, slot_rules=rules(slot_minutes=45))) == ["09:00", "09:45"]


# --- exceptions ---------------------------------------------------------------------------------


def test_leave_removes_working_time() -> None:
    day = [shift(1, 0, time(12), time(16))]
    leave = DatedException(1, ExceptionKind.LEAVE, at(MONDAY, 13), at(MONDAY, 14, 10))
    assert hhmm(slots(shifts=day, exceptions=[leave])) == [
        "12:00",
        "12:30",
        "14:30",
        "15:00",
        "15:30",
    ]
    whole_day = DatedException(1, ExceptionKind.LEAVE, at(MONDAY, 0), at(MONDAY, 23, 59))
    assert slots(shifts=day, exceptions=[whole_day]) == []


def test_leave_of_someone_else_changes_nothing() -> None:
    day = [shift(1, 0, time(12), time(13))]
    leave = DatedException(2, ExceptionKind.LEAVE, at(MONDAY, 0), at(MONDAY, 23))
    assert hhmm(slots(shifts=day, exceptions=[leave])) == ["12:00", "12:30"]


def test_extra_hours_add_working_time_inside_service_hours() -> None:
    extra = DatedException(1, ExceptionKind.EXTRA, at(SATURDAY, 6), at(SATURDAY, 10, 30))
    assert hhmm(slots(exceptions=[extra], first_day=SATURDAY)) == ["09:00", "09:30", "10:00"]


def test_extra_hours_extend_a_shift() -> None:
    day = [shift(1, 0, time(9), time(10))]
    extra = DatedException(1, ExceptionKind.EXTRA, at(MONDAY, 10), at(MONDAY, 11))
    result = slots(shifts=day, exceptions=[extra], slot_rules=rules(slot_minutes=60))
    assert hhmm(result) == ["09:00", "10:00"]


def test_leave_wins_over_extra() -> None:
    extra = DatedException(1, ExceptionKind.EXTRA, at(SATURDAY, 10), at(SATURDAY, 12))
    leave = DatedException(1, ExceptionKind.LEAVE, at(SATURDAY, 11), at(SATURDAY, 12))
    assert hhmm(slots(exceptions=[extra, leave], first_day=SATURDAY)) == ["10:00", "10:30"]


def test_exceptions_in_another_zone_are_the_same_instants() -> None:
    day = [shift(1, 0, time(12), time(14))]
    leave = DatedException(
        1, ExceptionKind.LEAVE, at(MONDAY, 12).astimezone(UTC), at(MONDAY, 13).astimezone(UTC)
    )
    assert hhmm(slots(shifts=day, exceptions=[leave])) == ["13:00", "13:30"]


# --- notice and the past ------------------------------------------------------------------------


def test_minimum_notice_hides_slots_starting_too_soon() -> None:
    day = [shift(1, 0, time(9), time(12))]
    assert hhmm(slots(shifts=day, now=at(MONDAY, 9, 10)))[0] == "10:30"
    # A slot starting exactly at now + notice is still bookable.
    assert hhmm(slots(shifts=day, now=at(MONDAY, 9)))[0] == "10:00"
    assert hhmm(slots(shifts=day, now=at(MONDAY, 9, 0)))[:1] == ["10:00"]
    later = datetime.combine(MONDAY, time(9, 0, 1), SEOUL)
    assert hhmm(slots(shifts=day, now=later))[0] == "10:30"


def test_notice_is_configurable() -> None:
    day = [shift(1, 0, time(9), time(12))]
    result = slots(shifts=day, slot_rules=rules(notice=0), now=at(MONDAY, 9, 10))
    assert hhmm(result)[0] == "09:30"


def test_past_slots_never_appear() -> None:
    day = [shift(1, wd, time(9), time(12)) for wd in EVERY_DAY]
    now = at(MONDAY, 10)
    assert (
        slots(shifts=day, slot_rules=rules(notice=0), first_day=MONDAY - timedelta(1), now=now)
        == []
    )
    today = slots(shifts=day, slot_rules=rules(notice=0), now=now)
    assert hhmm(today) == ["10:00", "10:30", "11:00", "11:30"]


def test_now_may_be_given_in_any_zone() -> None:
    day = [shift(1, 0, time(9), time(12))]
    assert hhmm(slots(shifts=day, now=at(MONDAY, 9, 10).astimezone(UTC)))[0] == "10:30"


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        slots(shifts=[shift(1, 0, time(9), time(12))], now=datetime(2026, 3, 2, 9))


# --- bookings and buffers -----------------------------------------------------------------------


def booking(iid: int, start: datetime, minutes: int = 30) -> Booking:
    return Booking(iid, start, start + timedelta(minutes=minutes))


def test_a_booking_takes_its_slot() -> None:
    day = [shift(1, 0, time(9), time(11))]
    result = slots(shifts=day, bookings=[booking(1, at(MONDAY, 10))])
    assert hhmm(result) == ["09:00", "09:30", "10:30"]


def test_a_longer_or_off_grid_booking_takes_every_slot_it_touches() -> None:
    day = [shift(1, 0, time(9), time(12))]
    long_one = booking(1, at(MONDAY, 10), minutes=60)
    assert hhmm(slots(shifts=day, bookings=[long_one])) == ["09:00", "09:30", "11:00", "11:30"]
    odd = booking(1, at(MONDAY, 10, 10), minutes=25)  # 10:10-10:35
    assert hhmm(slots(shifts=day, bookings=[odd])) == ["09:00", "09:30", "11:00", "11:30"]


def test_buffer_keeps_neighbouring_slots_free() -> None:
    day = [shift(1, 0, time(9), time(12))]
    taken = [booking(1, at(MONDAY, 10))]
    assert hhmm(slots(shifts=day, bookings=taken, slot_rules=rules(buffer=10))) == [
        "09:00",
        "11:00",
        "11:30",
    ]
    assert hhmm(slots(shifts=day, bookings=taken, slot_rules=rules(buffer=30))) == [
        "09:00",
        "11:00",
        "11:30",
    ]
    assert hhmm(slots(shifts=day, bookings=taken, slot_rules=rules(buffer=35))) == ["11:30"]


def test_buffer_with_an_off_grid_booking() -> None:
    day = [shift(1, 0, time(9), time(12))]
    odd = [booking(1, at(MONDAY, 10, 5), minutes=15)]  # 10:05-10:20, with 10 min: 09:55-10:30
    result = slots(shifts=day, bookings=odd, slot_rules=rules(buffer=10))
    assert hhmm(result) == ["09:00", "10:30", "11:00", "11:30"]


def test_bookings_block_only_their_interpreter() -> None:
    people = [person(1), person(2)]
    day = [shift(1, 0, time(9), time(10)), shift(2, 0, time(9), time(10))]
    result = slots(interpreters=people, shifts=day, bookings=[booking(2, at(MONDAY, 9))])
    assert [(s.start.strftime("%H:%M"), s.free, s.interpreter_ids) for s in result] == [
        ("09:00", 1, (1,)),
        ("09:30", 2, (1, 2)),
    ]


def test_bookings_may_be_in_any_zone() -> None:
    day = [shift(1, 0, time(9), time(11))]
    in_utc = booking(1, at(MONDAY, 10).astimezone(UTC))
    in_ny = booking(1, at(MONDAY, 9).astimezone(NEW_YORK))
    assert hhmm(slots(shifts=day, bookings=[in_utc, in_ny])) == ["09:30", "10:30"]


def test_a_booking_far_away_changes_nothing() -> None:
    day = [shift(1, 0, time(9), time(10))]
    far = [booking(1, at(MONDAY + timedelta(days=40), 9), minutes=600)]
    assert hhmm(slots(shifts=day, bookings=far)) == ["09:00", "09:30"]


# --- who qualifies ------------------------------------------------------------------------------


def test_specialty_filters_interpreters() -> None:
    people = [person(1, specialties=["medical"]), person(2, specialties=["legal"])]
    day = [shift(1, 0, time(9), time(10)), shift(2, 0, time(9), time(10))]
    medical = slots(interpreters=people, shifts=day, specialty="medical")
    assert {s.interpreter_ids for s in medical} == {(1,)}
    anyone = slots(interpreters=people, shifts=day, specialty=None)
    assert {s.interpreter_ids for s in anyone} == {(1, 2)}
    assert slots(interpreters=people, shifts=day, specialty="welfare") == []


def test_inactive_interpreters_are_never_offered() -> None:
    people = [person(1, active=False), person(2)]
    day = [shift(1, 0, time(9), time(10)), shift(2, 0, time(9), time(10))]
    assert {s.interpreter_ids for s in slots(interpreters=people, shifts=day)} == {(2,)}


def test_language_must_match() -> None:
    people = [person(1, langs=["ASL"]), person(2, langs=["KSL", "ASL"])]
    day = [shift(1, 0, time(9), time(10)), shift(2, 0, time(9), time(10))]
    assert {s.interpreter_ids for s in slots(interpreters=people, shifts=day)} == {(2,)}
    asl = slots(interpreters=people, shifts=day, language="ASL")
    assert {s.interpreter_ids for s in asl} == {(1, 2)}
    assert slots(interpreters=people, shifts=day, language="IS") == []


def test_ids_come_back_ascending_whatever_the_input_order() -> None:
    people = [person(3), person(1), person(2)]
    day = [shift(i, 0, time(9), time(9, 30)) for i in (2, 3, 1)]
    (only,) = slots(interpreters=people, shifts=day)
    assert only.interpreter_ids == (1, 2, 3)
    assert only.free == 3


def test_duplicate_shifts_do_not_double_count() -> None:
    day = [shift(1, 0, time(9), time(9, 30))] * 2
    (only,) = slots(shifts=day)
    assert only.free == 1


# --- time zones ---------------------------------------------------------------------------------


def test_seoul_slots_carry_plus_nine_and_convert_to_utc() -> None:
    (first, *_) = slots(shifts=[shift(1, 0, time(9), time(12))])
    assert first.start.utcoffset() == timedelta(hours=9)
    assert first.start.tzinfo == SEOUL
    assert first.start.astimezone(UTC) == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert first.end.astimezone(UTC) == datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    assert first.start.isoformat() == "2026-03-02T09:00:00+09:00"


def test_new_york_keeps_shifts_on_the_wall_clock_across_spring_forward() -> None:
    r = rules(NEW_YORK)
    sundays = [shift(1, 6, time(9), time(12))]
    before = date(2026, 3, 1)  # EST
    dst_day = date(2026, 3, 8)  # clocks go 02:00 -> 03:00
    est = slots(shifts=sundays, slot_rules=r, first_day=before)
    edt = slots(shifts=sundays, slot_rules=r, first_day=dst_day)
    assert hhmm(est) == hhmm(edt) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert est[0].start.astimezone(UTC) == datetime(2026, 3, 1, 14, tzinfo=UTC)
    assert edt[0].start.astimezone(UTC) == datetime(2026, 3, 8, 13, tzinfo=UTC)
    assert edt[0].start.utcoffset() == timedelta(hours=-4)


def test_new_york_night_shift_through_spring_forward_skips_the_missing_hour() -> None:
    r = rules(NEW_YORK, hours=ALL_DAY)
    night = [shift(1, 5, time(22), time(6))]  # Saturday 22:00 -> Sunday 06:00: 7 real hours
    result = slots(
        shifts=night, slot_rules=r, first_day=date(2026, 3, 7), last_day=date(2026, 3, 8)
    )
    assert wall(result, NEW_YORK) == [
        "03-07 22:00",
        "03-07 22:30",
        "03-07 23:00",
        "03-07 23:30",
        "03-08 00:00",
        "03-08 00:30",
        "03-08 01:00",
        "03-08 01:30",
        "03-08 03:00",
        "03-08 03:30",
        "03-08 04:00",
        "03-08 04:30",
        "03-08 05:00",
        "03-08 05:30",
    ]
    # Python subtracts datetimes sharing a tzinfo on the wall clock, so compare in UTC.
    assert all(utc(s.end) - utc(s.start) == timedelta(minutes=30) for s in result)
    # 01:30 EST lasts until 03:00 EDT: the slot is half an hour of real time.
    assert result[7].end.astimezone(NEW_YORK).strftime("%H:%M") == "03:00"


def test_new_york_fall_back_repeats_the_hour_and_keeps_day_shifts_on_the_wall_clock() -> None:
    r = rules(NEW_YORK, hours=ALL_DAY)
    night = [shift(1, 5, time(22), time(6))]  # Saturday 22:00 -> Sunday 06:00: 9 real hours
    result = slots(
        shifts=night, slot_rules=r, first_day=date(2026, 10, 31), last_day=date(2026, 11, 1)
    )
    starts = wall(result, NEW_YORK)
    assert len(result) == 18
    assert starts.count("11-01 01:00") == 2 and starts.count("11-01 01:30") == 2
    offsets = [s.start.utcoffset() for s in result if s.start.strftime("%H") == "01"]
    assert offsets == [timedelta(hours=h) for h in (-4, -4, -5, -5)]
    instants = [utc(s.start) for s in result]
    assert all(b - a == timedelta(minutes=30) for a, b in pairwise(instants))

    day = slots(
        shifts=[shift(1, 6, time(9), time(10))],
        slot_rules=rules(NEW_YORK),
        first_day=date(2026, 11, 1),
    )
    assert day[0].start.astimezone(UTC) == datetime(2026, 11, 1, 14, tzinfo=UTC)
    assert hhmm(day) == ["09:00", "09:30"]


def test_a_shift_ending_in_the_repeated_hour_ends_at_its_last_occurrence() -> None:
    r = rules(NEW_YORK, hours=ALL_DAY)
    night = [shift(1, 5, time(23), time(1, 30))]  # Saturday 23:00 -> Sunday 01:30 (EST)
    result = slots(shifts=night, slot_rules=r, first_day=date(2026, 11, 1))
    assert [(hhmm([s])[0], s.start.utcoffset()) for s in result] == [
        ("00:00", timedelta(hours=-4)),
        ("00:30", timedelta(hours=-4)),
        ("01:00", timedelta(hours=-4)),
        ("01:30", timedelta(hours=-4)),
        ("01:00", timedelta(hours=-5)),
    ]


def test_a_shift_starting_in_the_repeated_hour_starts_at_its_first_occurrence() -> None:
    r = rules(NEW_YORK, hours=ALL_DAY)
    early = [shift(1, 6, time(1, 30), time(3))]
    result = slots(shifts=early, slot_rules=r, first_day=date(2026, 11, 1))
    assert [(hhmm([s])[0], s.start.utcoffset()) for s in result] == [
        ("01:30", timedelta(hours=-4)),
        ("01:00", timedelta(hours=-5)),
        ("01:30", timedelta(hours=-5)),
        ("02:00", timedelta(hours=-5)),
        ("02:30", timedelta(hours=-5)),
    ]


def test_a_shift_starting_in_the_skipped_hour_starts_at_the_jump() -> None:
    r = rules(NEW_YORK, hours=ALL_DAY)
    odd = [shift(1, 6, time(2, 30), time(4))]
    assert hhmm(slots(shifts=odd, slot_rules=r, first_day=date(2026, 3, 8))) == [
        "03:00",
        "03:30",
    ]


# --- one slot in the booking transaction --------------------------------------------------------


@dataclass(frozen=True)
class World:
    """One set of inputs, asked the three ways the store asks."""

    interpreters: Sequence[InterpreterProfile]
    shifts: Sequence[WeeklyShift]
    exceptions: Sequence[DatedException]
    bookings: Sequence[Booking]
    rules: SlotRules
    now: datetime
    language: str = "KSL"
    specialty: str | None = None

    def slots(self, first_day: date, last_day: date) -> list[Slot]:
        return available_slots(
            interpreters=self.interpreters,
            shifts=self.shifts,
            exceptions=self.exceptions,
            bookings=self.bookings,
            rules=self.rules,
            language=self.language,
            specialty=self.specialty,
            first_day=first_day,
            last_day=last_day,
            now=self.now,
        )

    def free_at(self, start: datetime) -> list[int]:
        return free_interpreters_at(
            start,
            interpreters=self.interpreters,
            shifts=self.shifts,
            exceptions=self.exceptions,
            bookings=self.bookings,
            rules=self.rules,
            language=self.language,
            specialty=self.specialty,
            now=self.now,
        )

    def bookable(self, start: datetime, iid: int) -> bool:
        return is_bookable(
            start,
            iid,
            interpreters=self.interpreters,
            shifts=self.shifts,
            exceptions=self.exceptions,
            bookings=self.bookings,
            rules=self.rules,
            language=self.language,
            specialty=self.specialty,
            now=self.now,
        )


def world() -> World:
    people = [person(1), person(2, specialties=["medical"]), person(3), person(4, active=False)]
    shifts = [shift(i, wd, time(9), time(18)) for i in (1, 2, 3, 4) for wd in EVERY_DAY]
    shifts.append(shift(3, 0, time(20), time(2)))
    leave = DatedException(1, ExceptionKind.LEAVE, at(MONDAY, 13), at(MONDAY, 15))
    taken = [booking(2, at(MONDAY, 10)), booking(3, at(MONDAY, 10, 30), minutes=60)]
    return World(people, shifts, [leave], taken, rules(buffer=10), now=at(MONDAY, 9, 15))


def test_free_interpreters_at_agrees_with_available_slots() -> None:
    w = world()
    result = w.slots(MONDAY, MONDAY + timedelta(days=1))
    assert result
    for s in result:
        assert w.free_at(s.start) == list(s.interpreter_ids)
        assert w.free_at(s.start.astimezone(UTC)) == list(s.interpreter_ids)
    offered = {s.start for s in result}
    probe = at(MONDAY, 0)
    while probe < at(MONDAY + timedelta(days=2), 0):
        if probe not in offered:
            assert w.free_at(probe) == []
        probe += timedelta(minutes=30)
    medical = replace(w, specialty="medical")
    for s in medical.slots(MONDAY, MONDAY):
        assert s.interpreter_ids == (2,)
        assert medical.free_at(s.start) == [2]


def test_free_interpreters_at_refuses_off_grid_past_and_out_of_hours_starts() -> None:
    w = world()
    assert w.free_at(at(MONDAY, 11)) == [1, 2]
    assert w.free_at(at(MONDAY, 11, 15)) == []  # off the grid
    assert w.free_at(at(MONDAY, 11) + timedelta(seconds=1)) == []  # off the grid
    assert w.free_at(at(MONDAY, 9, 30)) == []  # inside the notice window
    assert w.free_at(at(MONDAY, 7)) == []  # before opening
    assert w.free_at(at(MONDAY - timedelta(days=3), 11)) == []  # the past
    with pytest.raises(ValueError, match="aware"):
        w.free_at(datetime(2026, 3, 2, 11))


def test_is_bookable_checks_one_interpreter() -> None:
    w = world()
    assert w.bookable(at(MONDAY, 11), 1)
    assert not w.bookable(at(MONDAY, 11), 3)  # booked 10:30-11:30
    assert not w.bookable(at(MONDAY, 11, 30), 3)  # buffer after 11:30
    assert w.bookable(at(MONDAY, 12), 3)
    assert not w.bookable(at(MONDAY, 13), 1)  # on leave
    assert not w.bookable(at(MONDAY, 11), 4)  # inactive
    assert not w.bookable(at(MONDAY, 11), 99)  # unknown


# --- cells --------------------------------------------------------------------------------------


def test_cells_cover_the_booking_and_its_buffer_in_utc() -> None:
    cells = cells_for(at(MONDAY, 10), at(MONDAY, 10, 30), timedelta(0))
    assert len(cells) == 6
    assert cells[0] == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert cells[-1] == datetime(2026, 3, 2, 1, 25, tzinfo=UTC)
    assert all(c.tzinfo is UTC for c in cells)
    assert all(b - a == timedelta(minutes=5) for a, b in pairwise(cells))
    with_buffer = cells_for(at(MONDAY, 10), at(MONDAY, 10, 30), timedelta(minutes=10))
    assert len(with_buffer) == 8
    assert with_buffer[-1] == datetime(2026, 3, 2, 1, 35, tzinfo=UTC)


def test_cells_round_outwards_for_off_grid_times() -> None:
    start = at(MONDAY, 10, 2)
    cells = cells_for(start, start + timedelta(minutes=5), timedelta(0))
    assert cells == [datetime(2026, 3, 2, 1, 0, tzinfo=UTC), datetime(2026, 3, 2, 1, 5, tzinfo=UTC)]


def test_cells_of_conflicting_bookings_overlap_and_of_compatible_ones_do_not() -> None:
    buffer = timedelta(minutes=10)
    first = set(cells_for(at(MONDAY, 10), at(MONDAY, 10, 30), buffer))
    too_close = set(cells_for(at(MONDAY, 10, 35), at(MONDAY, 11, 5), buffer))
    far_enough = set(cells_for(at(MONDAY, 10, 40), at(MONDAY, 11, 10), buffer))
    earlier_too_close = set(cells_for(at(MONDAY, 9, 25), at(MONDAY, 9, 55), buffer))
    earlier_ok = set(cells_for(at(MONDAY, 9, 20), at(MONDAY, 9, 50), buffer))
    assert first & too_close
    assert not first & far_enough
    assert first & earlier_too_close
    assert not first & earlier_ok


def test_cells_refuse_bad_input() -> None:
    with pytest.raises(ValueError):
        cells_for(at(MONDAY, 10), at(MONDAY, 10), timedelta(0))
    with pytest.raises(ValueError):
        cells_for(at(MONDAY, 10), at(MONDAY, 11), timedelta(minutes=-5))
    with pytest.raises(ValueError, match="aware"):
        cells_for(datetime(2026, 3, 2, 10), at(MONDAY, 11), timedelta(0))


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"slot_minutes": 7},
        {"slot_minutes": 0},
        {"slot_minutes": 24 * 60 + 5},
        {"buffer": timedelta(minutes=3)},
        {"buffer": timedelta(minutes=-5)},
        {"min_notice": timedelta(minutes=-1)},
    ],
)
def test_rules_refuse_values_the_grid_cannot_hold(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        replace(rules(), **changes)  # type: ignore[arg-type]
