"""How fast is `available_slots` on a busy month, and how does it compare with the obvious way?

Run: `.venv/bin/python -m bench.availability` (full) or `... --quick` (smoke size).

The data is generated from a fixed seed: interpreters with languages and specialties, realistic
weekly shifts (day, evening, across midnight), some leave and extra hours, and bookings placed on
free slots until the target count is reached. When the shifts cannot hold that many bookings they
are widened to full service hours, one interpreter at a time, and the fill ratio is reported.

The baseline is the implementation one writes first: for every slot, for every interpreter,
check shifts, exceptions and every booking of that interpreter with datetime comparisons. Both
are run on the same inputs and must return the same slots; the speed-up is the ratio of medians.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import time as clock
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from scheduler.availability import (
    ServiceHours,
    Slot,
    SlotRules,
    available_slots,
    free_interpreters_at,
)
from scheduler.domain import (
    Booking,
    DatedException,
    ExceptionKind,
    InterpreterProfile,
    WeeklyShift,
)

RESULTS = Path(__file__).resolve().parent / "results"
SPECIALTIES = ("medical", "legal", "welfare", "employment", "education")
FIRST_DAY = date(2026, 3, 2)  # a Monday
MAX_FILL = 0.85  # placing bookings gets slow and unrealistic past this share of capacity


@dataclass(frozen=True, slots=True)
class Size:
    days: int
    interpreters: int
    bookings: int
    repetitions: int
    warmup: int
    naive_days: int
    naive_repetitions: int


FULL = Size(
    days=30,
    interpreters=100,
    bookings=50_000,
    repetitions=40,
    warmup=3,
    naive_days=30,
    naive_repetitions=1,
)
QUICK = Size(
    days=7,
    interpreters=30,
    bookings=3_000,
    repetitions=5,
    warmup=1,
    naive_days=2,
    naive_repetitions=1,
)


@dataclass(frozen=True, slots=True)
class Dataset:
    interpreters: list[InterpreterProfile]
    shifts: list[WeeklyShift]
    exceptions: list[DatedException]
    bookings: list[Booking]
    rules: SlotRules
    first_day: date
    last_day: date
    now: datetime
    capacity: int
    widened: int


# --- data ---------------------------------------------------------------------------------------


def default_rules() -> SlotRules:
    return SlotRules(
        tz=ZoneInfo("Asia/Seoul"),
        slot_minutes=30,
        min_notice=timedelta(minutes=60),
        buffer=timedelta(0),
        hours=ServiceHours(time(9), time(22), time(9), time(18)),
    )


def make_interpreters(rng: random.Random, count: int) -> list[InterpreterProfile]:
    """Mostly KSL; a few also sign ASL; some ASL-only and International Sign interpreters."""
    out: list[InterpreterProfile] = []
    for i in range(1, count + 1):
        share = i / count
        if share <= 0.80:
            langs = {"KSL", "ASL"} if rng.random() < 0.1 else {"KSL"}
        elif share <= 0.92:
            langs = {"ASL"}
        else:
            langs = {"IS"}
        specialties = frozenset(rng.sample(SPECIALTIES, rng.choice((0, 1, 1, 2))))
        out.append(
            InterpreterProfile(
                id=i,
                display_name=f"Interpreter {i}",
                sign_languages=frozenset(langs),
                specialties=specialties,
                active=rng.random() > 0.03,
            )
        )
    return out


def make_shifts(
    rng: random.Random, interpreters: Sequence[InterpreterProfile]
) -> list[WeeklyShift]:
    """Day shifts, evening shifts and night shifts that run past midnight."""
    templates = (
        (time(9), time(17)),
        (time(10), time(18)),
        (time(13), time(21)),
        (time(14), time(22)),
        (time(18), time(2)),  # across midnight, clipped to service hours
    )
    out: list[WeeklyShift] = []
    for p in interpreters:
        start, end = templates[rng.randrange(len(templates))]
        workdays = list(range(5))
        if rng.random() < 0.4:  # weekend cover, with a weekday off
            workdays.remove(rng.randrange(5))
            workdays += [5, 6]
        out.extend(WeeklyShift(p.id, wd, start, end) for wd in workdays)
    return out


def widen(shifts: list[WeeklyShift], interpreter_id: int) -> list[WeeklyShift]:
    """Replace one interpreter's week by full service hours, every day."""
    kept = [s for s in shifts if s.interpreter_id != interpreter_id]
    return kept + [WeeklyShift(interpreter_id, wd, time(9), time(22)) for wd in range(7)]


def make_exceptions(
    rng: random.Random, interpreters: Sequence[InterpreterProfile], days: int, tz: ZoneInfo
) -> list[DatedException]:
    """A tenth take a day or an afternoon off; a tenth add a Saturday morning."""
    out: list[DatedException] = []
    for p in interpreters:
        roll = rng.random()
        day = FIRST_DAY + timedelta(days=rng.randrange(days))
        if roll < 0.1:
            if rng.random() < 0.5:
                start, end = datetime.combine(day, time(0), tz), datetime.combine(day, time(23), tz)
            else:
                start, end = (
                    datetime.combine(day, time(13), tz),
                    datetime.combine(day, time(18), tz),
                )
            out.append(DatedException(p.id, ExceptionKind.LEAVE, start, end))
        elif roll < 0.2:
            saturday = day + timedelta(days=(5 - day.weekday()) % 7)
            out.append(
                DatedException(
                    p.id,
                    ExceptionKind.EXTRA,
                    datetime.combine(saturday, time(9), tz),
                    datetime.combine(saturday, time(13), tz),
                )
            )
    return out


def working_slots(
    interpreters: Sequence[InterpreterProfile],
    shifts: Sequence[WeeklyShift],
    exceptions: Sequence[DatedException],
    rules: SlotRules,
    first_day: date,
    last_day: date,
    now: datetime,
) -> dict[int, list[datetime]]:
    """Every interpreter's bookable slot starts with no bookings at all (their capacity)."""
    out: dict[int, list[datetime]] = defaultdict(list)
    for lang in sorted({lang for p in interpreters for lang in p.sign_languages}):
        for slot in available_slots(
            interpreters=interpreters,
            shifts=shifts,
            exceptions=exceptions,
            bookings=[],
            rules=rules,
            language=lang,
            specialty=None,
            first_day=first_day,
            last_day=last_day,
            now=now,
        ):
            for iid in slot.interpreter_ids:
                if not out[iid] or out[iid][-1] != slot.start:
                    out[iid].append(slot.start)
    return out


def make_dataset(size: Size, seed: int) -> Dataset:
    rng = random.Random(seed)
    rules = default_rules()
    first_day, last_day = FIRST_DAY, FIRST_DAY + timedelta(days=size.days - 1)
    # Early on the first morning: notice and past slots cut into the first day only.
    now = datetime.combine(first_day, time(8, 40), rules.tz)
    interpreters = make_interpreters(rng, size.interpreters)
    shifts = make_shifts(rng, interpreters)
    exceptions = make_exceptions(rng, interpreters, size.days, rules.tz)

    def capacity_of(shift_list: list[WeeklyShift]) -> dict[int, list[datetime]]:
        return working_slots(interpreters, shift_list, exceptions, rules, first_day, last_day, now)

    free = capacity_of(shifts)
    widened = 0
    order = [p.id for p in interpreters if p.active]
    rng.shuffle(order)
    while sum(map(len, free.values())) * MAX_FILL < size.bookings and widened < len(order):
        shifts = widen(shifts, order[widened])
        widened += 1
        free = capacity_of(shifts)
    capacity = sum(map(len, free.values()))
    if capacity * MAX_FILL < size.bookings:
        raise SystemExit(f"cannot fit {size.bookings} bookings into {capacity} slots")

    length = timedelta(minutes=rules.slot_minutes)
    pairs = [(iid, start) for iid, starts in sorted(free.items()) for start in starts]
    rng.shuffle(pairs)
    taken: set[tuple[int, datetime]] = set()
    bookings: list[Booking] = []
    free_sets = {iid: set(starts) for iid, starts in free.items()}
    for iid, start in pairs:
        if len(bookings) >= size.bookings:
            break
        if (iid, start) in taken:
            continue
        slots = 1
        nxt = start + length
        if rng.random() < 0.08 and nxt in free_sets[iid] and (iid, nxt) not in taken:
            slots = 2  # an hour-long session
        for k in range(slots):
            taken.add((iid, start + k * length))
        bookings.append(
            Booking(iid, start.astimezone(UTC), (start + slots * length).astimezone(UTC))
        )
    # As the store loads them (ORDER BY starts_at): objects made row by row, in that order.
    bookings.sort(key=lambda b: (b.start, b.interpreter_id))
    bookings = [Booking(b.interpreter_id, _fresh(b.start), _fresh(b.end)) for b in bookings]
    return Dataset(
        interpreters=interpreters,
        shifts=shifts,
        exceptions=exceptions,
        bookings=bookings,
        rules=rules,
        first_day=first_day,
        last_day=last_day,
        now=now,
        capacity=capacity,
        widened=widened,
    )


def _fresh(value: datetime) -> datetime:
    """A new datetime object equal to `value`, as a database driver would return."""
    return datetime.fromtimestamp(value.timestamp(), UTC)


# --- the baseline -------------------------------------------------------------------------------


def _naive_works(
    shifts: Sequence[WeeklyShift],
    exceptions: Sequence[DatedException],
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
) -> bool:
    """Inside one shift or one extra, touching no leave. Right for aligned, DST-free data."""
    for exc in exceptions:
        if exc.kind == ExceptionKind.LEAVE and exc.start < end and start < exc.end:
            return False
    for exc in exceptions:
        if exc.kind == ExceptionKind.EXTRA and exc.start <= start and end <= exc.end:
            return True
    for shift in shifts:
        for back in (0, 1):
            day = start.date() - timedelta(days=back)
            if day.weekday() != shift.weekday:
                continue
            s = datetime.combine(day, shift.start, tz)
            e_day = day + timedelta(days=1) if shift.end <= shift.start else day
            e = datetime.combine(e_day, shift.end, tz)
            if s <= start and end <= e:
                return True
    return False


def naive_with_buckets(
    data: Dataset, language: str, specialty: str | None, first_day: date, last_day: date
) -> list[Slot]:
    """The obvious implementation: per slot, per interpreter, per booking, with datetimes.

    It is given each interpreter's bookings (scanning all 50,000 for every check would take
    minutes); every check is still a datetime comparison made per slot.
    """
    by_iid: dict[int, list[Booking]] = defaultdict(list)
    for b in data.bookings:
        by_iid[b.interpreter_id].append(b)
    shifts_by: dict[int, list[WeeklyShift]] = defaultdict(list)
    for s in data.shifts:
        shifts_by[s.interpreter_id].append(s)
    exc_by: dict[int, list[DatedException]] = defaultdict(list)
    for x in data.exceptions:
        exc_by[x.interpreter_id].append(x)
    out: list[Slot] = []
    for slot in _naive_candidates(data, first_day, last_day):
        start, end = slot
        ids: list[int] = []
        for p in sorted(data.interpreters, key=lambda p: p.id):
            if not (
                p.active
                and language in p.sign_languages
                and (specialty is None or specialty in p.specialties)
            ):
                continue
            if not _naive_works(shifts_by[p.id], exc_by[p.id], data.rules.tz, start, end):
                continue
            buffer = data.rules.buffer
            if any(b.start < end + buffer and start < b.end + buffer for b in by_iid[p.id]):
                continue
            ids.append(p.id)
        if ids:
            out.append(Slot(start, end, len(ids), tuple(ids)))
    return out


def _naive_candidates(
    data: Dataset, first_day: date, last_day: date
) -> list[tuple[datetime, datetime]]:
    rules = data.rules
    length = timedelta(minutes=rules.slot_minutes)
    earliest = data.now + rules.min_notice
    out: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        weekend = day.weekday() >= 5
        opens = rules.hours.weekend_open if weekend else rules.hours.weekday_open
        closes = rules.hours.weekend_close if weekend else rules.hours.weekday_close
        start = datetime.combine(day, opens, rules.tz)
        close_at = datetime.combine(day, closes, rules.tz)
        while start + length <= close_at:
            if start >= earliest:
                out.append((start, start + length))
            start += length
        day += timedelta(days=1)
    return out


# --- timing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timings:
    wall_ms: list[float]
    cpu_ms: list[float]  # this process only: what the code costs when others share the CPUs


def time_calls(fn: Callable[[], object], repetitions: int, warmup: int) -> Timings:
    """Milliseconds of each call after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repetitions):
        w0, c0 = clock.perf_counter(), clock.process_time()
        fn()
        cpu.append((clock.process_time() - c0) * 1000)
        wall.append((clock.perf_counter() - w0) * 1000)
    return Timings(wall, cpu)


def _p95(ordered: Sequence[float]) -> float:
    """Nearest-rank 95th percentile."""
    return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]


def summary(timings: Timings) -> dict[str, float]:
    wall, cpu = sorted(timings.wall_ms), sorted(timings.cpu_ms)
    return {
        "runs": len(wall),
        "p50_ms": round(statistics.median(wall), 2),
        "p95_ms": round(_p95(wall), 2),
        "max_ms": round(wall[-1], 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(_p95(cpu), 2),
    }


def run(size: Size, seed: int) -> dict[str, object]:
    load = os.getloadavg()
    t0 = clock.perf_counter()
    data = make_dataset(size, seed)
    build_s = clock.perf_counter() - t0

    def fast(specialty: str | None, last_day: date) -> list[Slot]:
        return available_slots(
            interpreters=data.interpreters,
            shifts=data.shifts,
            exceptions=data.exceptions,
            bookings=data.bookings,
            rules=data.rules,
            language="KSL",
            specialty=specialty,
            first_day=data.first_day,
            last_day=last_day,
            now=data.now,
        )

    cases: list[dict[str, object]] = []
    headline: list[float] = []
    for specialty in (None, "medical"):
        samples = time_calls(partial(fast, specialty, data.last_day), size.repetitions, size.warmup)
        headline = headline or samples.wall_ms
        slots = fast(specialty, data.last_day)
        cases.append(
            {
                "case": f"available_slots, {size.days} days, KSL"
                + (f" + {specialty}" if specialty else ""),
                "slots": len(slots),
                **summary(samples),
            }
        )

    # One slot, inside the booking transaction: the store passes that day's bookings.
    probe = fast(None, data.first_day + timedelta(days=1))[-1].start
    probe_day = probe.astimezone(data.rules.tz).date()
    near = [
        b
        for b in data.bookings
        if abs((b.start.astimezone(data.rules.tz).date() - probe_day).days) <= 1
    ]

    def one() -> list[int]:
        return free_interpreters_at(
            probe,
            interpreters=data.interpreters,
            shifts=data.shifts,
            exceptions=data.exceptions,
            bookings=near,
            rules=data.rules,
            language="KSL",
            specialty=None,
            now=data.now,
        )

    cases.append(
        {
            "case": f"free_interpreters_at, one slot, {len(near)} nearby bookings",
            "slots": 1,
            **summary(time_calls(one, size.repetitions * 5, size.warmup)),
        }
    )

    # Baseline on the same inputs, over `naive_days` (scaled to the full range if shorter).
    naive_last = data.first_day + timedelta(days=size.naive_days - 1)
    expected = fast(None, naive_last)
    naive_samples = time_calls(
        lambda: naive_with_buckets(data, "KSL", None, data.first_day, naive_last),
        size.naive_repetitions,
        0,
    )
    got = naive_with_buckets(data, "KSL", None, data.first_day, naive_last)
    if got != expected:
        raise SystemExit("baseline and available_slots disagree")
    scale = size.days / size.naive_days
    naive_ms = statistics.median(naive_samples.wall_ms) * scale
    fast_ms = statistics.median(headline)
    baseline = {
        "case": f"naive baseline, {size.naive_days} days"
        + (f" scaled x{scale:g}" if scale != 1 else "")
        + ", KSL",
        "runs": len(naive_samples.wall_ms),
        "p50_ms": round(naive_ms, 1),
        "speedup_vs_p50": round(naive_ms / fast_ms, 1),
        "same_result": True,
    }
    return {
        "size": asdict(size),
        "seed": seed,
        "data": {
            "interpreters": len(data.interpreters),
            "shifts": len(data.shifts),
            "exceptions": len(data.exceptions),
            "bookings": len(data.bookings),
            "capacity_slots": data.capacity,
            "fill_ratio": round(len(data.bookings) / data.capacity, 3),
            "interpreters_widened_to_full_hours": data.widened,
            "build_seconds": round(build_s, 1),
        },
        "cases": cases,
        "baseline": baseline,
        "goal": "p95 <= 50 ms for the 30-day KSL case",
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load],
        },
    }


def markdown(result: dict[str, object]) -> str:
    data = result["data"]
    cases = result["cases"]
    baseline = result["baseline"]
    machine = result["machine"]
    assert isinstance(data, dict) and isinstance(cases, list) and isinstance(baseline, dict)
    assert isinstance(machine, dict)
    lines = [
        "# Availability benchmark",
        "",
        f"{data['interpreters']} interpreters, {data['bookings']} bookings "
        f"(fill {data['fill_ratio']:.0%} of {data['capacity_slots']} working slots, "
        f"{data['interpreters_widened_to_full_hours']} interpreters widened to full hours), "
        f"seed {result['seed']}.",
        "",
        "| case | slots | runs | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        lines.append(
            f"| {c['case']} | {c['slots']} | {c['runs']} | {c['p50_ms']} | {c['p95_ms']} "
            f"| {c['max_ms']} | {c['cpu_p50_ms']} | {c['cpu_p95_ms']} |"
        )
    lines.append(f"| {baseline['case']} | | {baseline['runs']} | {baseline['p50_ms']} | | | | |")
    lines += [
        "",
        f"Speed-up over the naive baseline (p50): **{baseline['speedup_vs_p50']}x**; "
        "both return identical slots.",
        f"Goal: {result['goal']}. Wall-clock times include waiting for the CPU when other work"
        " shares the machine; CPU times are this process alone.",
        f"Load average at start: {machine['load_average_at_start']} on {machine['cpus']} CPUs.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small smoke-sized run")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    result = run(size, args.seed)
    stem = "availability-quick" if args.quick else "availability"
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = markdown(result)
    (out_dir / f"{stem}.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
