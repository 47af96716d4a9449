"""Statistics for supervisors over a range of service days, computed by the database.

Every figure is an SQL aggregate (GROUP BY, COUNT, SUM, MAX, CASE, a window for presence) run on
SQLite and PostgreSQL alike; only the grouped rows come back, never the calls themselves, so a
year of calls costs a few scans, not 50,000 objects.

Days are service days in the service's time zone. The database knows nothing of zones, so a
timestamp is shifted by its zone's UTC offset before it is cut into days: the offsets in force over
the range (one span for Asia/Seoul, more where daylight saving changes) are worked out here in
Python (`offset_spans`) and passed as a CASE over bind parameters, which both databases run the
same way. `local_day_number` is the same rule in Python, for the tests.

The pure part (periods, offsets, day numbers, shares, filling days without data) is separate from
the queries (`load_statistics`) and tested on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Float,
    Integer,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement, Grouping

from media.quality.hints import Hint
from scheduler.domain import ReservationStatus
from scheduler.models import (
    CallSessionRecord,
    PresenceEvent,
    QueueContact,
    Reservation,
    SignLanguage,
    SurveyAnswer,
)
from signaling.states import EndReason, Presence
from signaling.wallboard import ANSWER_THRESHOLDS
from signdesk.db import UTCDateTime

DAY_SECONDS = 86_400
UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# The longest range one page asks for: a year and a leap day. Bounds the work of one request.
MAX_RANGE_DAYS = 366
# The states an interpreter's online time is split into (offline is not online time).
ONLINE_STATES: tuple[Presence, ...] = (
    Presence.READY,
    Presence.OFFERED,
    Presence.IN_SESSION,
    Presence.WRAP_UP,
    Presence.AWAY,
)
SIDES = ("caller", "interpreter")  # `signaling.protocol.SideName`: the summary's sides
STARS = (1, 2, 3, 4, 5)
UNKNOWN_LANGUAGE = "?"
T = TypeVar("T")


# --- the range ----------------------------------------------------------------------------------


class PeriodError(ValueError):
    """A range a supervisor asked for that cannot be shown; `code` names why (for the page)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Period:
    """Service days `first` to `last`, both included, in zone `tz`."""

    first: date
    last: date
    tz: ZoneInfo

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants of local midnight starting `first` and local midnight after `last`."""
        start = datetime.combine(self.first, time(), tzinfo=self.tz).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), tzinfo=self.tz)
        return start, end.astimezone(UTC)


def default_period(today: date, tz: ZoneInfo, days: int = 30) -> Period:
    """The last `days` service days, today included."""
    return Period(today - timedelta(days=days - 1), today, tz)


def parse_period(
    first: str | None,
    last: str | None,
    *,
    today: date,
    tz: ZoneInfo,
    max_days: int = MAX_RANGE_DAYS,
    default_days: int = 30,
) -> Period:
    """The range from the page's `from`/`to` fields (ISO dates). Neither: the last
    `default_days` days; no end: up to today; no start: `default_days` before the end. Raises
    `PeriodError` with a code the page explains."""
    start = _parse_day(first, "bad_from") if first else None
    end = _parse_day(last, "bad_to") if last else None
    if start is None and end is None:
        return default_period(today, tz, default_days)
    if end is None:
        end = max(start or today, today)
    if start is None:
        start = end - timedelta(days=default_days - 1)
    if end < start:
        raise PeriodError("reversed", "the range ends before it starts")
    if (end - start).days + 1 > max_days:
        raise PeriodError("too_long", f"the range is longer than {max_days} days")
    return Period(start, end, tz)


def _parse_day(text: str, code: str) -> date:
    if len(text) != 10:
        raise PeriodError(code, f"not a date (YYYY-MM-DD): {text[:20]!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError(code, f"not a date (YYYY-MM-DD): {text[:20]!r}") from exc


# --- local days, in Python and in SQL -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OffsetSpan:
    """The zone's UTC offset `offset_seconds` holds for instants before `until` (UTC; None: to
    the end of the range), from the end of the previous span."""

    until: datetime | None
    offset_seconds: int


def offset_at(instant: datetime, tz: ZoneInfo) -> int:
    offset = instant.astimezone(tz).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def offset_spans(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[OffsetSpan, ...]:
    """The offsets in force over [start, end), each with the instant it stops.

    Steps a day at a time (zones change offset at most a few times a year) and finds each change
    to the second by bisection (changes happen on whole seconds).
    """
    spans: list[OffsetSpan] = []
    at = int(start.timestamp())
    last = int(end.timestamp())
    current = offset_at(start, tz)
    while at < last:
        probe = min(at + DAY_SECONDS, last)
        if _offset_at_second(probe, tz) == current:
            at = probe
            continue
        low, high = at, probe  # offset(low) == current != offset(high)
        while high - low > 1:
            middle = (low + high) // 2
            if _offset_at_second(middle, tz) == current:
                low = middle
            else:
                high = middle
        if high >= last:
            break
        spans.append(OffsetSpan(datetime.fromtimestamp(high, UTC), current))
        current = _offset_at_second(high, tz)
        at = high
    spans.append(OffsetSpan(None, current))
    return tuple(spans)


def _offset_at_second(second: int, tz: ZoneInfo) -> int:
    return offset_at(datetime.fromtimestamp(second, UTC), tz)


def local_day_number(instant: datetime, tz: ZoneInfo) -> int:
    """Days since 1970-01-01 of `instant`'s local date: what the SQL bucket computes."""
    seconds = int(instant.timestamp() // 1)
    return (seconds + offset_at(instant, tz)) // DAY_SECONDS


def day_from_number(number: int) -> date:
    return date.fromordinal(UNIX_EPOCH_ORDINAL + int(number))


def _epoch_seconds(column: Any, dialect: str) -> ColumnElement[Any]:
    """Whole seconds since 1970 of a UTC timestamp column (floor; the stored times are past
    1970 so truncation is the floor on SQLite)."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return func.floor(extract("epoch", column))


def _offset_expr(column: Any, spans: Sequence[OffsetSpan]) -> ColumnElement[Any]:
    if len(spans) == 1:
        return literal(spans[0].offset_seconds, Integer)
    whens = [
        (column < literal(span.until, UTCDateTime), literal(span.offset_seconds, Integer))
        for span in spans[:-1]
        if span.until is not None
    ]
    return case(*whens, else_=literal(spans[-1].offset_seconds, Integer))


def local_day_expr(column: Any, spans: Sequence[OffsetSpan], dialect: str) -> ColumnElement[Any]:
    """The SQL for `local_day_number(column)`: identical integer results on both databases."""
    shifted = Grouping(_epoch_seconds(column, dialect) + _offset_expr(column, spans))
    if dialect == "sqlite":
        return cast(shifted, Integer).op("/")(literal(DAY_SECONDS, Integer))  # integer division
    return cast(func.floor(shifted.op("/")(literal(DAY_SECONDS, Integer))), Integer)


def _epoch_float(column: Any, dialect: str) -> ColumnElement[Any]:
    """Seconds since 1970 with the fraction (SQLite's `julianday` keeps about 0.00002 s)."""
    if dialect == "sqlite":
        return (func.julianday(column) - literal(2_440_587.5, Float)) * literal(86_400.0, Float)
    return cast(extract("epoch", column), Float)


# --- what the page shows ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallGroup:
    """Calls of one day, mode and language. Waits are of answered calls unless named."""

    day: date
    mode: str
    language: str
    cases: int
    answered: int
    abandoned: int
    within: tuple[int, ...]  # answered within each of `thresholds`, in order
    wait_total: float
    wait_max: float | None
    abandoned_wait_total: float


@dataclass(frozen=True, slots=True)
class DayCalls:
    day: date
    cases: int
    video: int
    chat: int
    answered: int
    abandoned: int
    wait_mean: float | None
    wait_max: float | None

    @property
    def abandon_rate(self) -> float | None:
        return share(self.abandoned, self.cases)


@dataclass(frozen=True, slots=True)
class CallTotals:
    cases: int
    answered: int
    abandoned: int
    within: tuple[int, ...]
    wait_mean: float | None
    wait_max: float | None
    abandoned_wait_mean: float | None

    @property
    def abandon_rate(self) -> float | None:
        return share(self.abandoned, self.cases)


@dataclass(frozen=True, slots=True)
class LanguageCalls:
    language: str
    video: int
    chat: int

    @property
    def cases(self) -> int:
        return self.video + self.chat


@dataclass(frozen=True, slots=True)
class DayReservations:
    day: date
    reservations: int  # not cancelled
    no_shows: int


@dataclass(frozen=True, slots=True)
class StateTime:
    state: str
    seconds: float


@dataclass(frozen=True, slots=True)
class SurveyFigures:
    counts: tuple[int, ...]  # answers with 1..5 stars
    resolved_yes: int
    resolved_no: int

    @property
    def answers(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        total = self.answers
        if not total:
            return None
        return sum(stars * n for stars, n in zip(STARS, self.counts, strict=True)) / total


@dataclass(frozen=True, slots=True)
class HintCount:
    hint: str
    sessions: int  # sessions where either side saw it at least once
    raised: int  # times it was raised, both sides


@dataclass(frozen=True, slots=True)
class QualityFigures:
    analysed: int  # sessions with a quality summary
    with_hints: int
    hints: tuple[HintCount, ...]  # every code, most sessions first


@dataclass(frozen=True, slots=True)
class Statistics:
    period: Period
    thresholds: tuple[int, ...]
    calls: tuple[CallGroup, ...]
    reservations: tuple[DayReservations, ...]  # every day of the period
    presence: tuple[StateTime, ...]  # every online state, in `ONLINE_STATES` order
    survey: SurveyFigures
    quality: QualityFigures
    languages: dict[str, tuple[str, str]]  # code -> (Korean name, English name)

    def daily_calls(self) -> list[DayCalls]:
        return daily_calls(self.calls, self.period.dates())

    def call_totals(self) -> CallTotals:
        return call_totals(self.calls, len(self.thresholds))

    def by_language(self) -> list[LanguageCalls]:
        return by_language(self.calls)


# --- pure arithmetic on the grouped rows -----------------------------------------------------


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as "none", not 0%)."""
    return part / whole if whole else None


def daily_calls(groups: Iterable[CallGroup], days: Sequence[date]) -> list[DayCalls]:
    """One row per day of `days`, zeros where nothing happened."""
    acc: dict[date, list[Any]] = {}
    for g in groups:
        row = acc.setdefault(g.day, [0, 0, 0, 0, 0, 0.0, None])
        row[0] += g.cases
        if g.mode == "chat":
            row[2] += g.cases
        else:
            row[1] += g.cases
        row[3] += g.answered
        row[4] += g.abandoned
        row[5] += g.wait_total
        if g.wait_max is not None:
            row[6] = g.wait_max if row[6] is None else max(row[6], g.wait_max)
    out: list[DayCalls] = []
    for day in days:
        cases, video, chat, answered, abandoned, wait_total, wait_max = acc.get(
            day, [0, 0, 0, 0, 0, 0.0, None]
        )
        out.append(
            DayCalls(
                day=day,
                cases=cases,
                video=video,
                chat=chat,
                answered=answered,
                abandoned=abandoned,
                wait_mean=share(wait_total, answered),
                wait_max=wait_max,
            )
        )
    return out


def call_totals(groups: Iterable[CallGroup], thresholds: int) -> CallTotals:
    cases = answered = abandoned = 0
    within = [0] * thresholds
    wait_total = abandoned_wait = 0.0
    wait_max: float | None = None
    for g in groups:
        cases += g.cases
        answered += g.answered
        abandoned += g.abandoned
        within = [a + b for a, b in zip(within, g.within, strict=True)]
        wait_total += g.wait_total
        abandoned_wait += g.abandoned_wait_total
        if g.wait_max is not None:
            wait_max = g.wait_max if wait_max is None else max(wait_max, g.wait_max)
    return CallTotals(
        cases=cases,
        answered=answered,
        abandoned=abandoned,
        within=tuple(within),
        wait_mean=share(wait_total, answered),
        wait_max=wait_max,
        abandoned_wait_mean=share(abandoned_wait, abandoned),
    )


def by_language(groups: Iterable[CallGroup]) -> list[LanguageCalls]:
    """Cases per language and mode, most cases first (then by code, so the order is stable)."""
    acc: dict[str, list[int]] = {}
    for g in groups:
        row = acc.setdefault(g.language, [0, 0])
        row[1 if g.mode == "chat" else 0] += g.cases
    rows = [LanguageCalls(code, video, chat) for code, (video, chat) in acc.items()]
    return sorted(rows, key=lambda r: (-r.cases, r.language))


# --- the queries ---------------------------------------------------------------------------------


async def load_statistics(
    session: AsyncSession,
    period: Period,
    *,
    now: datetime,
    thresholds: Sequence[int] = ANSWER_THRESHOLDS,
) -> Statistics:
    """Every figure of the statistics page for `period`, each from one aggregate query, one
    after another in `session`."""
    plan = _Plan.of(session, period, now, thresholds)
    return Statistics(
        period=period,
        thresholds=plan.thresholds,
        calls=await plan.calls(session),
        reservations=await plan.reservations(session),
        presence=await plan.presence(session),
        survey=await plan.survey(session),
        quality=await plan.quality(session),
        languages=await _languages(session),
    )


async def gather_statistics(
    sessions: async_sessionmaker[AsyncSession],
    period: Period,
    *,
    now: datetime,
    thresholds: Sequence[int] = ANSWER_THRESHOLDS,
) -> Statistics:
    """`load_statistics`, with each query on its own connection at the same time where the
    database runs them side by side (PostgreSQL). On SQLite, where every transaction takes the
    one write lock (`signdesk.db`), they run one after another in one session."""
    async with sessions() as first:
        if first.get_bind().dialect.name == "sqlite":
            return await load_statistics(first, period, now=now, thresholds=thresholds)
        plan = _Plan.of(first, period, now, thresholds)

    async def run(query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with sessions() as session:
            return await query(session)

    calls, reservations, presence, survey, quality, languages = await asyncio.gather(
        run(plan.calls),
        run(plan.reservations),
        run(plan.presence),
        run(plan.survey),
        run(plan.quality),
        run(_languages),
    )
    return Statistics(
        period=period,
        thresholds=plan.thresholds,
        calls=calls,
        reservations=reservations,
        presence=presence,
        survey=survey,
        quality=quality,
        languages=languages,
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """What every query of one page needs: the range in UTC, the offsets, the dialect."""

    period: Period
    start: datetime
    end: datetime
    cap: datetime
    spans: tuple[OffsetSpan, ...]
    dialect: str
    thresholds: tuple[int, ...]

    @classmethod
    def of(
        cls, session: AsyncSession, period: Period, now: datetime, thresholds: Sequence[int]
    ) -> _Plan:
        start, end = period.bounds()
        return cls(
            period=period,
            start=start,
            end=end,
            cap=min(end, now),
            spans=offset_spans(start, end, period.tz),
            dialect=session.get_bind().dialect.name,
            thresholds=tuple(thresholds),
        )

    async def calls(self, session: AsyncSession) -> tuple[CallGroup, ...]:
        return await _calls(
            session, self.start, self.end, self.spans, self.dialect, self.thresholds
        )

    async def reservations(self, session: AsyncSession) -> tuple[DayReservations, ...]:
        return await _reservations(
            session, self.period, self.start, self.end, self.spans, self.dialect
        )

    async def presence(self, session: AsyncSession) -> tuple[StateTime, ...]:
        return await _presence(session, self.start, self.cap, self.dialect)

    async def survey(self, session: AsyncSession) -> SurveyFigures:
        return await _survey(session, self.start, self.end)

    async def quality(self, session: AsyncSession) -> QualityFigures:
        return await _quality(session, self.start, self.end, self.dialect)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


async def _calls(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    spans: Sequence[OffsetSpan],
    dialect: str,
    thresholds: tuple[int, ...],
) -> tuple[CallGroup, ...]:
    s = CallSessionRecord
    answered = s.matched_at.is_not(None)
    # The day is computed in a subquery and grouped by name: PostgreSQL would not match two
    # copies of an expression with bind parameters in SELECT and GROUP BY.
    inner = (
        select(
            local_day_expr(s.caller_joined_at, spans, dialect).label("day"),
            s.mode.label("mode"),
            func.coalesce(Reservation.language, QueueContact.language, UNKNOWN_LANGUAGE).label(
                "language"
            ),
            _flag(answered).label("answered"),
            _flag(and_(~answered, s.end_reason == EndReason.ABANDONED.value)).label("abandoned"),
            s.wait_seconds.label("wait"),
        )
        .select_from(s)
        .outerjoin(Reservation, Reservation.id == s.reservation_id)
        .outerjoin(QueueContact, QueueContact.id == s.contact_id)
        .where(s.caller_joined_at >= start, s.caller_joined_at < end)
        .subquery()
    )
    is_answered = inner.c.answered == 1
    query = (
        select(
            inner.c.day,
            inner.c.mode,
            inner.c.language,
            func.count(),
            func.sum(inner.c.answered),
            func.sum(inner.c.abandoned),
            func.sum(case((is_answered, inner.c.wait), else_=0.0)),
            func.max(case((is_answered, inner.c.wait))),
            func.sum(case((inner.c.abandoned == 1, inner.c.wait), else_=0.0)),
            *(func.sum(_flag(and_(is_answered, inner.c.wait <= limit))) for limit in thresholds),
        )
        .group_by(inner.c.day, inner.c.mode, inner.c.language)
        .order_by(inner.c.day, inner.c.mode, inner.c.language)
    )
    out: list[CallGroup] = []
    for row in (await session.execute(query)).all():
        day, mode, language, cases, n_answered, n_abandoned, wait_total, wait_max, ab_wait = row[:9]
        out.append(
            CallGroup(
                day=day_from_number(day),
                mode=str(mode),
                language=str(language),
                cases=int(cases),
                answered=int(n_answered or 0),
                abandoned=int(n_abandoned or 0),
                within=tuple(int(n or 0) for n in row[9:]),
                wait_total=float(wait_total or 0.0),
                wait_max=float(wait_max) if wait_max is not None else None,
                abandoned_wait_total=float(ab_wait or 0.0),
            )
        )
    return tuple(out)


async def _reservations(
    session: AsyncSession,
    period: Period,
    start: datetime,
    end: datetime,
    spans: Sequence[OffsetSpan],
    dialect: str,
) -> tuple[DayReservations, ...]:
    r = Reservation
    inner = (
        select(
            local_day_expr(r.starts_at, spans, dialect).label("day"),
            _flag(r.status == ReservationStatus.NO_SHOW).label("no_show"),
        )
        .where(
            r.starts_at >= start,
            r.starts_at < end,
            r.status != ReservationStatus.CANCELLED,
        )
        .subquery()
    )
    query = select(inner.c.day, func.count(), func.sum(inner.c.no_show)).group_by(inner.c.day)
    found = {
        day_from_number(day): (int(n), int(no_shows or 0))
        for day, n, no_shows in (await session.execute(query)).tuples()
    }
    return tuple(DayReservations(day, *found.get(day, (0, 0))) for day in period.dates())


async def _presence(
    session: AsyncSession, start: datetime, cap: datetime, dialect: str
) -> tuple[StateTime, ...]:
    """Time in each state, summed over interpreters, within [start, cap). Each event's state
    lasts until that interpreter's next event (a window function), clipped to the range.

    Only the range's events are read, plus each interpreter's last event before it (the state
    they were in when the range began), so a month late in a long history stays cheap."""
    totals = dict.fromkeys((state.value for state in ONLINE_STATES), 0.0)
    if cap > start:
        e = PresenceEvent
        last_before = (
            select(e.interpreter_id.label("who"), func.max(e.at).label("at"))
            .where(e.at < start)
            .group_by(e.interpreter_id)
            .subquery()
        )
        inside = select(e.interpreter_id, e.state, e.at, e.id).where(e.at >= start, e.at < cap)
        before = select(e.interpreter_id, e.state, e.at, e.id).join(
            last_before, and_(e.interpreter_id == last_before.c.who, e.at == last_before.c.at)
        )
        chosen = union_all(inside, before).subquery()
        # Times as float seconds since 1970 from here on: the window carries one number per
        # row and the clipping compares numbers, not timestamps.
        at = _epoch_float(chosen.c.at, dialect)
        events = select(
            chosen.c.state.label("state"),
            at.label("at"),
            func.lead(at)
            .over(partition_by=chosen.c.interpreter_id, order_by=(chosen.c.at, chosen.c.id))
            .label("next_at"),
        ).subquery()
        lower = literal(start.timestamp(), Float)
        upper = literal(cap.timestamp(), Float)
        begins = case((events.c.at < lower, lower), else_=events.c.at)
        ends = case(
            (or_(events.c.next_at.is_(None), events.c.next_at > upper), upper),
            else_=events.c.next_at,
        )
        # One sum per state in one pass, rather than GROUP BY state: no second sort of the rows.
        states = list(totals)
        query = select(
            *(
                func.sum(case((events.c.state == state, ends - begins), else_=0.0))
                for state in states
            )
        ).where(or_(events.c.next_at.is_(None), events.c.next_at > lower))
        row = (await session.execute(query)).one()
        for state, seconds in zip(states, row, strict=True):
            totals[state] = max(0.0, float(seconds or 0.0))
    return tuple(StateTime(state, seconds) for state, seconds in totals.items())


async def _survey(session: AsyncSession, start: datetime, end: datetime) -> SurveyFigures:
    a = SurveyAnswer
    query = (
        select(
            a.stars,
            func.count(),
            func.sum(_flag(a.resolved.is_(True))),
            func.sum(_flag(a.resolved.is_(False))),
        )
        .where(a.answered_at >= start, a.answered_at < end)
        .group_by(a.stars)
    )
    counts = dict.fromkeys(STARS, 0)
    yes = no = 0
    for stars, n, resolved_yes, resolved_no in (await session.execute(query)).tuples():
        if stars in counts:
            counts[stars] = int(n)
        yes += int(resolved_yes or 0)
        no += int(resolved_no or 0)
    return SurveyFigures(tuple(counts[s] for s in STARS), yes, no)


async def _quality(
    session: AsyncSession, start: datetime, end: datetime, dialect: str
) -> QualityFigures:
    """From the stored summaries' totals: per hint code, how many times each side raised it.

    Both steps are materialized, so each summary is parsed once: PostgreSQL's `json` type is
    text and would be parsed again for every path (14 per row), so it is cast to `jsonb` once;
    SQLite would otherwise inline the subquery and repeat each extraction for every use."""
    s = CallSessionRecord
    codes = [hint.value for hint in Hint]
    document = cast(s.quality_summary, JSONB) if dialect == "postgresql" else s.quality_summary
    docs = (
        select(document.label("doc"))
        .where(
            s.caller_joined_at >= start,
            s.caller_joined_at < end,
            s.quality_summary.is_not(None),
        )
        .cte("quality_docs")
        .prefix_with("MATERIALIZED")
    )
    doc = docs.c.doc

    def raised(code: str) -> ColumnElement[Any]:
        return sum(
            (
                func.coalesce(
                    doc[("sides", side, "total", "hints", code, "raised")].as_integer(), 0
                )
                for side in SIDES
            ),
            literal(0, Integer),
        )

    rows = (
        select(*(raised(code).label(f"h{i}") for i, code in enumerate(codes)))
        .where(doc[("duration_seconds",)].as_float().is_not(None))  # JSON null: not analysed
        .cte("quality_rows")
        .prefix_with("MATERIALIZED")
    )
    per_code = [rows.c[f"h{i}"] for i in range(len(codes))]
    any_hint = or_(*(column > 0 for column in per_code))
    query = select(
        func.count(),
        func.coalesce(func.sum(_flag(any_hint)), 0),
        *(func.coalesce(func.sum(_flag(column > 0)), 0) for column in per_code),
        *(func.coalesce(func.sum(column), 0) for column in per_code),
    )
    row = (await session.execute(query)).one()
    n = len(codes)
    hints = [HintCount(code, int(row[2 + i]), int(row[2 + n + i])) for i, code in enumerate(codes)]
    hints.sort(key=lambda h: (-h.sessions, -h.raised, codes.index(h.hint)))
    return QualityFigures(int(row[0]), int(row[1]), tuple(hints))


async def _languages(session: AsyncSession) -> dict[str, tuple[str, str]]:
    rows = await session.execute(
        select(SignLanguage.code, SignLanguage.name_ko, SignLanguage.name_en)
    )
    return {code: (ko, en) for code, ko, en in rows.tuples()}
