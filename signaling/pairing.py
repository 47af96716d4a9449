"""Pairing rules as plain functions of their inputs and `now`: when a caller may join, and which
free interpreter takes a caller whose own interpreter did not come."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from signaling.protocol import ErrorCode


def join_refusal(
    now: datetime, slot_start: datetime, slot_end: datetime, join_early: timedelta
) -> tuple[ErrorCode, str] | None:
    """None when a caller may join now: from `join_early` before the slot until its end."""
    opens = slot_start - join_early
    if now < opens:
        return ErrorCode.TOO_EARLY, f"the waiting room opens at {opens.isoformat()}"
    if now >= slot_end:
        return ErrorCode.TOO_LATE, "this booking's time is over"
    return None


@dataclass(frozen=True, slots=True)
class FreeInterpreter:
    """An interpreter who is connected, ready and in no session."""

    interpreter_id: int
    languages: frozenset[str]
    ready_since: datetime


def choose_substitute(
    free: Iterable[FreeInterpreter], language: str, spoken_for: frozenset[int]
) -> int | None:
    """The free interpreter of `language` who has been ready longest (lowest id on a tie).

    Interpreters in `spoken_for` are assigned to another open session and are left for it.
    """
    eligible = [
        candidate
        for candidate in free
        if language in candidate.languages and candidate.interpreter_id not in spoken_for
    ]
    if not eligible:
        return None
    best = min(eligible, key=lambda c: (c.ready_since, c.interpreter_id))
    return best.interpreter_id
