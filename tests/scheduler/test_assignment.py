"""Choosing the interpreter for a new booking: least loaded first, fully deterministic."""

from __future__ import annotations

import itertools

from scheduler.assignment import choose_interpreter, rank_candidates


def test_least_loaded_that_day_comes_first() -> None:
    assert rank_candidates([1, 2, 3], {1: 4, 2: 1, 3: 2}) == [2, 3, 1]


def test_missing_load_counts_as_zero() -> None:
    assert rank_candidates([5, 6], {5: 1}) == [6, 5]


def test_week_load_breaks_a_tie_on_the_day() -> None:
    assert rank_candidates([1, 2, 3], {1: 2, 2: 2, 3: 5}, {1: 9, 2: 3, 3: 0}) == [2, 1, 3]


def test_lowest_id_breaks_what_is_left() -> None:
    assert rank_candidates([9, 4, 7], {}) == [4, 7, 9]
    assert rank_candidates([9, 4, 7], {}, {}) == [4, 7, 9]


def test_day_load_outranks_week_load() -> None:
    assert rank_candidates([1, 2], {1: 1, 2: 0}, {1: 0, 2: 40}) == [2, 1]


def test_input_order_and_duplicates_do_not_matter() -> None:
    load = {1: 1, 2: 0, 3: 1, 4: 0}
    expected = [2, 4, 1, 3]
    for order in itertools.permutations([1, 2, 3, 4]):
        assert rank_candidates([*order, 1], load) == expected


def test_loads_of_interpreters_not_free_are_ignored() -> None:
    assert rank_candidates([3], {1: 0, 2: 0, 3: 7}) == [3]


def test_nobody_free() -> None:
    assert rank_candidates([], {1: 0}) == []
    assert choose_interpreter([], {}) is None


def test_choose_takes_the_first_ranked() -> None:
    assert choose_interpreter(iter([3, 1, 2]), {1: 2, 2: 2, 3: 2}) == 1
    assert choose_interpreter([3, 1], {1: 2, 3: 0}) == 3
