"""Properties of the live-queue router over random queues and random sets of free interpreters.

The strongest check compares `route` with `reference_route`, the obvious O(callers x
interpreters) greedy written straight from the rules. Waiting and idle times are drawn from a few
whole seconds around the relax boundary, so ties and the exact boundary come up often.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signaling.routing import (
    Assignment,
    AvailableInterpreter,
    QueuedCaller,
    RoutingRules,
    estimate_wait,
    priority_key,
    queue_positions,
    route,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LANGUAGES = ("ksl", "asl", "isl")
SPECIALTIES = ("welfare", "legal", "medical")
MAX_INTERPRETERS = 8
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Queue:
    callers: list[QueuedCaller]
    free: list[AvailableInterpreter]
    rules: RoutingRules


def seconds_ago(upper: int) -> st.SearchStrategy[datetime]:
    """A few distinct instants, so equal waits and the relax boundary are common."""
    return st.integers(0, upper // 15).map(lambda k: NOW - timedelta(seconds=15 * k))


@st.composite
def queues(draw: st.DrawFn) -> Queue:
    ids = draw(st.sets(st.integers(1, MAX_INTERPRETERS), max_size=MAX_INTERPRETERS))
    free = [
        AvailableInterpreter(
            interpreter_id=iid,
            languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1))),
            specialties=frozenset(draw(st.sets(st.sampled_from(SPECIALTIES), max_size=2))),
            free_since=draw(seconds_ago(120)),
        )
        for iid in sorted(ids)
    ]
    draw(st.randoms()).shuffle(free)
    count = draw(st.integers(0, 12))
    callers = [
        QueuedCaller(
            session_id=f"s{n:02d}",
            language=draw(st.sampled_from(LANGUAGES)),
            specialty=draw(st.sampled_from((None, *SPECIALTIES))),
            reserved=draw(st.integers(0, 4)) == 0,
            waiting_since=draw(seconds_ago(150)),
            tried=frozenset(draw(st.sets(st.integers(1, MAX_INTERPRETERS), max_size=4))),
        )
        for n in draw(st.permutations(range(count)))
    ]
    relax = timedelta(seconds=draw(st.sampled_from((0, 30, 60, 90))))
    return Queue(callers, free, RoutingRules(specialty_relax_after=relax))


def eligible(caller: QueuedCaller, interpreter: AvailableInterpreter, rules: RoutingRules) -> bool:
    """The rule as written in the spec, with no indexing."""
    if caller.language not in interpreter.languages:
        return False
    specialty_required = (
        caller.specialty is not None and NOW - caller.waiting_since < rules.specialty_relax_after
    )
    return not specialty_required or caller.specialty in interpreter.specialties


def reference_route(queue: Queue) -> list[Assignment]:
    """Every caller in priority order scans every interpreter: slow, obviously right."""
    taken: set[int] = set()
    out: list[Assignment] = []
    for caller in sorted(queue.callers, key=priority_key):
        candidates = [
            i
            for i in queue.free
            if i.interpreter_id not in taken and eligible(caller, i, queue.rules)
        ]
        untried = [i for i in candidates if i.interpreter_id not in caller.tried]
        pool = untried or candidates
        if not pool:
            continue
        best = min(pool, key=lambda i: (i.free_since, i.interpreter_id))
        taken.add(best.interpreter_id)
        out.append(Assignment(caller.session_id, best.interpreter_id))
    return out


@PROPERTY
@given(queues())
def test_nobody_appears_twice(queue: Queue) -> None:
    result = route(queue.callers, queue.free, NOW, queue.rules)
    assert len({a.interpreter_id for a in result}) == len(result)
    assert len({a.session_id for a in result}) == len(result)


@PROPERTY
@given(queues())
def test_every_assignment_is_eligible(queue: Queue) -> None:
    callers = {c.session_id: c for c in queue.callers}
    free = {i.interpreter_id: i for i in queue.free}
    for a in route(queue.callers, queue.free, NOW, queue.rules):
        assert eligible(callers[a.session_id], free[a.interpreter_id], queue.rules)


@PROPERTY
@given(queues())
def test_greedy_maximal_and_in_priority_order(queue: Queue) -> None:
    """An unserved caller's every eligible interpreter went to someone ahead of them."""
    result = route(queue.callers, queue.free, NOW, queue.rules)
    holder = {a.interpreter_id: a.session_id for a in result}
    callers = {c.session_id: c for c in queue.callers}
    served = {a.session_id for a in result}
    for caller in queue.callers:
        if caller.session_id in served:
            continue
        for interpreter in queue.free:
            if eligible(caller, interpreter, queue.rules):
                assert interpreter.interpreter_id in holder
                ahead = callers[holder[interpreter.interpreter_id]]
                assert priority_key(ahead) < priority_key(caller)


@PROPERTY
@given(queues())
def test_route_equals_the_brute_force_reference(queue: Queue) -> None:
    assert route(queue.callers, queue.free, NOW, queue.rules) == reference_route(queue)


@PROPERTY
@given(queues())
def test_route_does_not_depend_on_input_order(queue: Queue) -> None:
    reversed_queue = Queue(queue.callers[::-1], queue.free[::-1], queue.rules)
    assert route(reversed_queue.callers, reversed_queue.free, NOW, queue.rules) == route(
        queue.callers, queue.free, NOW, queue.rules
    )


@PROPERTY
@given(queues())
def test_queue_positions_number_each_language_in_priority_order(queue: Queue) -> None:
    positions = queue_positions(queue.callers)
    assert set(positions) == {c.session_id for c in queue.callers}
    for language in LANGUAGES:
        in_line = sorted((c for c in queue.callers if c.language == language), key=priority_key)
        assert [positions[c.session_id] for c in in_line] == list(range(1, len(in_line) + 1))


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 200),
    st.integers(1, 40),
    st.integers(0, 3 * 3600 * 1_000_000).map(lambda us: timedelta(microseconds=us)),
)
def test_wait_range_is_half_to_one_and_a_half_the_expectation_in_whole_minutes(
    position: int, staffed: int, handle_time: timedelta
) -> None:
    estimate = estimate_wait(position, staffed, handle_time)
    assert estimate is not None
    minute = timedelta(minutes=1)
    expected_minutes = Fraction(position * (handle_time // timedelta(microseconds=1)), staffed)
    expected_minutes /= 60_000_000
    assert estimate.low == math.floor(expected_minutes / 2) * minute
    assert estimate.high == max(1, math.ceil(expected_minutes * 3 / 2)) * minute
    assert estimate.high > estimate.low
