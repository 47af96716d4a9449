"""The day's figures behind the staff wallboard: speed of answer and abandoned calls.

Pure bookkeeping. The core adds each answered or abandoned call as it happens; the shell seeds a
fresh process with today's figures from the stored records (`seed`), so a restart does not zero
the board. "Today" is the service time zone's date, so the figures roll over at local midnight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from signaling.protocol import SpeedOfAnswer

# The answer thresholds the FCC's speed-of-answer rule for VRS providers looks at, in seconds.
ANSWER_THRESHOLDS = (30, 60, 120)


@dataclass(slots=True)
class DayFigures:
    """Counts for one service day. Only counters are kept, so memory does not grow with calls."""

    day: date
    answered: int = 0
    within: dict[int, int] = field(default_factory=lambda: dict.fromkeys(ANSWER_THRESHOLDS, 0))
    abandoned: int = 0
    abandoned_wait_total: float = 0.0

    def answer(self, wait_seconds: float) -> None:
        self.answered += 1
        for limit in ANSWER_THRESHOLDS:
            if wait_seconds <= limit:
                self.within[limit] += 1

    def abandon(self, wait_seconds: float) -> None:
        self.abandoned += 1
        self.abandoned_wait_total += wait_seconds

    @property
    def abandoned_mean_wait(self) -> float | None:
        return self.abandoned_wait_total / self.abandoned if self.abandoned else None

    def speed_of_answer(self) -> SpeedOfAnswer:
        return SpeedOfAnswer(
            answered=self.answered,
            within_30s=self.within[30],
            within_60s=self.within[60],
            within_120s=self.within[120],
        )


class DayBook:
    """Today's `DayFigures`, replaced by an empty one when the service day changes."""

    def __init__(self, timezone: str) -> None:
        self._tz = ZoneInfo(timezone)
        self._figures: DayFigures | None = None

    def today(self, now: datetime) -> DayFigures:
        day = now.astimezone(self._tz).date()
        if self._figures is None or self._figures.day != day:
            self._figures = DayFigures(day)
        return self._figures

    def day_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """Today's start and the next day's start, as aware datetimes (for the shell's query)."""
        day = now.astimezone(self._tz).date()
        start = datetime(day.year, day.month, day.day, tzinfo=self._tz)
        following = date.fromordinal(day.toordinal() + 1)
        end = datetime(following.year, following.month, following.day, tzinfo=self._tz)
        return start, end

    def seed(self, now: datetime, answered: list[float], abandoned: list[float]) -> None:
        """Start today's figures from stored records (wait seconds of each call)."""
        figures = DayFigures(now.astimezone(self._tz).date())
        for wait in answered:
            figures.answer(wait)
        for wait in abandoned:
            figures.abandon(wait)
        self._figures = figures
