"""The live-queue routing rules: who is offered to whom, queue positions and wait estimates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from signaling.routing import (
    Assignment,
    AvailableInterpreter,
    HandleTimes,
    QueuedCaller,
    RoutingRules,
    WaitEstimate,
    estimate_wait,
    priority_key,
    queue_positions,
    route,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
RELAX = timedelta(seconds=60)


def caller(
    session_id: str,
    waited_s: float,
    language: str = "ksl",
    specialty: str | None = None,
    *,
    reserved: bool = False,
    tried: frozenset[int] = frozenset(),
) -> QueuedCaller:
    return QueuedCaller(
        session_id, language, specialty, reserved, NOW - timedelta(seconds=waited_s), tried
    )


def interpreter(
    interpreter_id: int,
    idle_s: float,
    languages: tuple[str, ...] = ("ksl",),
    specialties: tuple[str, ...] = (),
) -> AvailableInterpreter:
    return AvailableInterpreter(
        interpreter_id,
        frozenset(languages),
        frozenset(specialties),
        NOW - timedelta(seconds=idle_s),
    )


def pairs(assignments: list[Assignment]) -> dict[str, int]:
    return {a.session_id: a.interpreter_id for a in assignments}


# --- route ---------------------------------------------------------------------------------------


def test_language_must_match() -> None:
    callers = [caller("asl-caller", 300, "asl"), caller("ksl-caller", 10, "ksl")]
    assert pairs(route(callers, [interpreter(1, 5, ("ksl",))], NOW)) == {"ksl-caller": 1}


def test_nobody_of_the_language_means_no_offer() -> None:
    assert route([caller("a", 300, "isl")], [interpreter(1, 5, ("ksl", "asl"))], NOW) == []


def test_multilingual_interpreter_serves_either_language() -> None:
    callers = [caller("asl-caller", 30, "asl")]
    assert pairs(route(callers, [interpreter(1, 5, ("ksl", "asl"))], NOW)) == {"asl-caller": 1}


@pytest.mark.parametrize(
    ("waited", "expected"),
    [
        (RELAX - timedelta(microseconds=1), {"welfare-caller": 2}),  # specialist only
        (RELAX, {"welfare-caller": 1}),  # at the boundary: relaxed, longest idle wins
        (RELAX + timedelta(seconds=1), {"welfare-caller": 1}),
    ],
)
def test_specialty_required_until_the_relax_time(
    waited: timedelta, expected: dict[str, int]
) -> None:
    waiting = QueuedCaller("welfare-caller", "ksl", "welfare", False, NOW - waited)
    free = [interpreter(1, 600), interpreter(2, 5, specialties=("welfare", "legal"))]
    assert pairs(route([waiting], free, NOW)) == expected


def test_specialty_caller_waits_when_no_specialist_is_free_before_relaxing() -> None:
    waiting = caller("welfare-caller", 59, specialty="welfare")
    assert route([waiting], [interpreter(1, 600, specialties=("legal",))], NOW) == []


def test_relax_time_comes_from_the_rules() -> None:
    waiting = caller("welfare-caller", 20, specialty="welfare")
    free = [interpreter(1, 600)]
    assert route([waiting], free, NOW) == []
    quick = RoutingRules(specialty_relax_after=timedelta(seconds=20))
    assert pairs(route([waiting], free, NOW, quick)) == {"welfare-caller": 1}


def test_specialist_needs_the_language_too() -> None:
    waiting = caller("welfare-caller", 5, "ksl", "welfare")
    free = [interpreter(1, 60, ("asl",), ("welfare",))]
    assert route([waiting], free, NOW) == []


def test_relax_time_is_measured_in_absolute_time_across_time_zones() -> None:
    seoul = timezone(timedelta(hours=9))
    waiting = QueuedCaller(
        "welfare-caller", "ksl", "welfare", False, (NOW - RELAX).astimezone(seoul)
    )
    assert pairs(route([waiting], [interpreter(1, 60)], NOW)) == {"welfare-caller": 1}


def test_reserved_caller_goes_before_a_longer_waiting_walk_in() -> None:
    callers = [caller("walk-in", 900), caller("reserved", 1, reserved=True)]
    assert pairs(route(callers, [interpreter(1, 5)], NOW)) == {"reserved": 1}


def test_longest_wait_first_among_equals() -> None:
    callers = [caller("newer", 30), caller("older", 90), caller("newest", 1)]
    assert pairs(route(callers, [interpreter(1, 5)], NOW)) == {"older": 1}


def test_session_id_breaks_exact_ties() -> None:
    callers = [caller("b", 30), caller("a", 30)]
    assert pairs(route(callers, [interpreter(1, 5)], NOW)) == {"a": 1}


def test_longest_idle_interpreter_is_offered_first() -> None:
    free = [interpreter(1, 10), interpreter(2, 300), interpreter(3, 60)]
    assert pairs(route([caller("a", 30)], free, NOW)) == {"a": 2}


def test_idle_ties_go_to_the_lowest_id() -> None:
    free = [interpreter(9, 60), interpreter(4, 60)]
    assert pairs(route([caller("a", 30)], free, NOW)) == {"a": 4}


def test_assignments_follow_priority_order() -> None:
    callers = [caller("second", 30), caller("first", 60, reserved=True), caller("third", 10)]
    free = [interpreter(1, 10), interpreter(2, 20), interpreter(3, 30)]
    assert route(callers, free, NOW) == [
        Assignment("first", 3),
        Assignment("second", 2),
        Assignment("third", 1),
    ]


def test_tried_interpreter_is_skipped_while_another_is_eligible() -> None:
    waiting = caller("a", 30, tried=frozenset({2}))
    free = [interpreter(1, 10), interpreter(2, 300)]
    assert pairs(route([waiting], free, NOW)) == {"a": 1}


def test_tried_interpreter_is_offered_again_when_everyone_eligible_was_tried() -> None:
    waiting = caller("a", 30, tried=frozenset({1, 2}))
    free = [interpreter(1, 10), interpreter(2, 300), interpreter(3, 900, ("asl",))]
    assert pairs(route([waiting], free, NOW)) == {"a": 2}


def test_untried_but_ineligible_interpreter_does_not_block_a_re_offer() -> None:
    waiting = caller("a", 5, specialty="legal", tried=frozenset({2}))
    free = [interpreter(1, 600), interpreter(2, 10, specialties=("legal",))]
    assert pairs(route([waiting], free, NOW)) == {"a": 2}


def test_tried_interpreter_left_for_the_next_caller() -> None:
    callers = [caller("first", 60, tried=frozenset({1})), caller("second", 30)]
    free = [interpreter(1, 300), interpreter(2, 10)]
    assert pairs(route(callers, free, NOW)) == {"first": 2, "second": 1}


def test_no_interpreter_is_assigned_twice() -> None:
    callers = [caller(f"c{i}", 100 - i) for i in range(5)]
    free = [interpreter(1, 10, ("ksl", "asl"), ("welfare",)), interpreter(2, 20)]
    result = route(callers, free, NOW)
    assert pairs(result) == {"c0": 2, "c1": 1}
    assert len({a.interpreter_id for a in result}) == len(result)


def test_no_caller_is_assigned_twice_even_if_listed_twice() -> None:
    first = caller("same", 60)
    again = caller("same", 30, "asl")
    free = [interpreter(1, 10), interpreter(2, 20, ("asl",))]
    assert route([first, again], free, NOW) == [Assignment("same", 1)]


def test_an_interpreter_listed_twice_is_offered_once() -> None:
    free = [interpreter(1, 10), interpreter(1, 10)]
    assert route([caller("a", 60), caller("b", 30)], free, NOW) == [Assignment("a", 1)]


def test_empty_inputs() -> None:
    assert route([], [], NOW) == []
    assert route([caller("a", 10)], [], NOW) == []
    assert route([], [interpreter(1, 10)], NOW) == []


def test_inputs_may_be_one_shot_iterators() -> None:
    result = route(iter([caller("a", 10)]), iter([interpreter(1, 10)]), NOW)
    assert result == [Assignment("a", 1)]


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        route([caller("a", 10)], [interpreter(1, 10)], NOW.replace(tzinfo=None))


def test_priority_key_orders_reserved_then_wait_then_id() -> None:
    callers = [caller("z", 1, reserved=True), caller("b", 50), caller("a", 50), caller("c", 99)]
    ordered = [c.session_id for c in sorted(callers, key=priority_key)]
    assert ordered == ["z", "c", "a", "b"]


# --- queue_positions -----------------------------------------------------------------------------


def test_queue_positions_count_per_language_in_priority_order() -> None:
    callers = [
        caller("k-new", 10),
        caller("a-old", 300, "asl"),
        caller("k-old", 200),
        caller("k-reserved", 1, reserved=True),
        caller("a-new", 5, "asl"),
    ]
    assert queue_positions(callers) == {
        "k-reserved": 1,
        "k-old": 2,
        "k-new": 3,
        "a-old": 1,
        "a-new": 2,
    }


def test_queue_positions_empty_and_duplicates() -> None:
    assert queue_positions([]) == {}
    assert queue_positions([caller("a", 60), caller("a", 10), caller("b", 30)]) == {"a": 1, "b": 2}


def test_position_one_is_the_caller_route_serves_first() -> None:
    callers = [caller("x", 20), caller("y", 40, specialty="legal"), caller("z", 80)]
    first = next(s for s, place in queue_positions(callers).items() if place == 1)
    assert route(callers, [interpreter(1, 5)], NOW)[0].session_id == first


# --- estimate_wait -------------------------------------------------------------------------------


def minutes(low: int, high: int) -> WaitEstimate:
    return WaitEstimate(timedelta(minutes=low), timedelta(minutes=high))


@pytest.mark.parametrize(
    ("position", "staffed", "handle", "expected"),
    [
        (1, 1, timedelta(minutes=6), minutes(3, 9)),  # expected 6 min
        (3, 2, timedelta(minutes=6), minutes(4, 14)),  # expected 9: 4.5 -> 4, 13.5 -> 14
        (1, 4, timedelta(minutes=6), minutes(0, 3)),  # expected 1.5: 0.75 -> 0, 2.25 -> 3
        (1, 10, timedelta(minutes=1), minutes(0, 1)),  # expected 6 s: at least a minute
        (5, 1, timedelta(0), minutes(0, 1)),  # no data yet on handle times: still a range
        (10, 2, timedelta(minutes=4), minutes(10, 30)),  # exact minutes stay exact
        (2, 3, timedelta(minutes=1, seconds=30), minutes(0, 2)),  # expected 1 min exactly
    ],
)
def test_estimate_wait_ranges(
    position: int, staffed: int, handle: timedelta, expected: WaitEstimate
) -> None:
    assert estimate_wait(position, staffed, handle) == expected


def test_estimate_wait_is_unknown_when_nobody_of_the_language_is_online() -> None:
    assert estimate_wait(1, 0, timedelta(minutes=6)) is None


@pytest.mark.parametrize("position", range(1, 40))
@pytest.mark.parametrize("staffed", [1, 2, 3, 7])
def test_estimate_wait_range_is_whole_minutes_and_brackets_the_expectation(
    position: int, staffed: int
) -> None:
    handle = timedelta(minutes=5, seconds=17)
    estimate = estimate_wait(position, staffed, handle)
    assert estimate is not None
    expected = position * handle / staffed
    assert estimate.low <= expected <= estimate.high
    assert estimate.high > estimate.low >= timedelta(0)
    assert estimate.high >= timedelta(minutes=1)
    minute = timedelta(minutes=1)
    assert estimate.low % minute == estimate.high % minute == timedelta(0)


@pytest.mark.parametrize(
    ("position", "staffed", "handle"),
    [(0, 1, timedelta(minutes=1)), (1, -1, timedelta(minutes=1)), (1, 1, timedelta(-1))],
)
def test_estimate_wait_refuses_nonsense(position: int, staffed: int, handle: timedelta) -> None:
    with pytest.raises(ValueError):
        estimate_wait(position, staffed, handle)


# --- HandleTimes ---------------------------------------------------------------------------------


def test_handle_times_default_until_the_first_session_ends() -> None:
    assert HandleTimes().typical == timedelta(minutes=6)
    assert HandleTimes(default=timedelta(minutes=9)).typical == timedelta(minutes=9)


def test_handle_times_is_the_mean_of_the_kept_ones() -> None:
    times = HandleTimes()
    for m in (2, 4, 12):
        times.add(timedelta(minutes=m))
    assert times.typical == timedelta(minutes=6)
    assert len(times) == 3


def test_handle_times_keeps_a_rolling_window() -> None:
    times = HandleTimes(keep=3)
    for m in (100, 1, 2, 3):
        times.add(timedelta(minutes=m))
    assert len(times) == 3
    assert times.typical == timedelta(minutes=2)  # the 100-minute call has rolled out
    for _ in range(1000):
        times.add(timedelta(seconds=7))
    assert times.typical == timedelta(seconds=7)  # the running total does not drift


def test_handle_times_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        HandleTimes(keep=0)
    with pytest.raises(ValueError):
        HandleTimes().add(timedelta(seconds=-1))
