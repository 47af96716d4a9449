"""Choose the interpreter for a new booking among those free for the slot. Pure.

Why least loaded first: sign-language interpreting is physically and cognitively tiring, and
fatigue shows up as errors within the hour. Giving the booking to whoever has the fewest sessions
that day spreads the load, leaves the busiest interpreters their breaks, and keeps the most
interpreters free for later callers. Fewest sessions over the week breaks ties, so one person is not
always the one picked on quiet days; the lowest id breaks what is left, so the choice is fully
deterministic: the same inputs give the same interpreter, which makes tests and audits exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["choose_interpreter", "rank_candidates"]


def rank_candidates(
    free_ids: Iterable[int],
    load: Mapping[int, int],
    week_load: Mapping[int, int] | None = None,
) -> list[int]:
    """Free interpreters, best first: fewest bookings that local day, then that week, then id.

    `load` and `week_load` count the interpreter's active bookings; a missing id counts as 0.
    Duplicate ids are listed once.
    """
    weekly: Mapping[int, int] = week_load if week_load is not None else {}
    return sorted(set(free_ids), key=lambda i: (load.get(i, 0), weekly.get(i, 0), i))


def choose_interpreter(
    free_ids: Iterable[int],
    load: Mapping[int, int],
    week_load: Mapping[int, int] | None = None,
) -> int | None:
    """The first of `rank_candidates`, or None when nobody is free."""
    ranked = rank_candidates(free_ids, load, week_load)
    return ranked[0] if ranked else None
