"""The pure pairing rules: the join window and the choice of a substitute interpreter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signaling.pairing import FreeInterpreter, choose_substitute, join_refusal
from signaling.protocol import ErrorCode

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
END = START + timedelta(minutes=30)
EARLY = timedelta(minutes=10)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(minutes=-10, seconds=-1), ErrorCode.TOO_EARLY),
        (timedelta(minutes=-10), None),
        (timedelta(minutes=29, seconds=59), None),
        (timedelta(minutes=30), ErrorCode.TOO_LATE),
    ],
)
def test_join_window(offset: timedelta, expected: ErrorCode | None) -> None:
    refusal = join_refusal(START + offset, START, END, EARLY)
    assert (refusal[0] if refusal else None) == expected


def test_too_early_says_when_the_room_opens() -> None:
    refusal = join_refusal(START - timedelta(hours=1), START, END, EARLY)
    assert refusal is not None and "09:50" in refusal[1]


def _free(interpreter_id: int, minutes_ready: int, *languages: str) -> FreeInterpreter:
    return FreeInterpreter(
        interpreter_id, frozenset(languages), START - timedelta(minutes=minutes_ready)
    )


def test_substitute_is_the_one_ready_longest_of_the_language() -> None:
    free = [_free(5, 1, "ksl"), _free(6, 9, "ksl"), _free(7, 20, "asl")]
    assert choose_substitute(free, "ksl", frozenset()) == 6


def test_substitute_ties_go_to_the_lowest_id() -> None:
    free = [_free(9, 5, "ksl"), _free(3, 5, "ksl")]
    assert choose_substitute(free, "ksl", frozenset()) == 3


def test_substitute_skips_interpreters_spoken_for() -> None:
    free = [_free(5, 1, "ksl"), _free(6, 9, "ksl")]
    assert choose_substitute(free, "ksl", frozenset({6})) == 5
    assert choose_substitute(free, "ksl", frozenset({5, 6})) is None
    assert choose_substitute([], "ksl", frozenset()) is None
