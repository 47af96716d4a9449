"""The statistics' pure helpers, and the aggregate queries against a hand-built fixture with
known answers, on SQLite and PostgreSQL (the `database_url` fixture runs each test on both).

The fixture puts rows on purpose where a UTC day and a Seoul day differ (08:30 in Seoul is the
previous day in UTC), exactly on local midnight, and just outside the range on either side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import literal, null, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.domain import Channel, ReservationStatus
from scheduler.models import (
    CallSessionRecord,
    Interpreter,
    PresenceEvent,
    QueueContact,
    Reservation,
    SurveyAnswer,
)
from scheduler.statistics import (
    CallGroup,
    OffsetSpan,
    Period,
    PeriodError,
    by_language,
    call_totals,
    daily_calls,
    day_from_number,
    default_period,
    gather_statistics,
    load_statistics,
    local_day_expr,
    local_day_number,
    offset_spans,
    parse_period,
    share,
)
from signdesk.db import UTCDateTime, create_engine, session_factory
from tests.conftest import make_settings

SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")
PERIOD = Period(date(2026, 11, 1), date(2026, 11, 3), SEOUL)
NOW = datetime(2026, 11, 10, tzinfo=UTC)


def kst(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=SEOUL)


# --- pure helpers ------------------------------------------------------------------------------


def test_a_period_is_whole_local_days() -> None:
    start, end = PERIOD.bounds()
    assert start == datetime(2026, 10, 31, 15, tzinfo=UTC)
    assert end == datetime(2026, 11, 3, 15, tzinfo=UTC)
    assert PERIOD.days == 3
    assert PERIOD.dates() == [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]


def test_the_default_period_is_the_last_thirty_days() -> None:
    period = default_period(date(2026, 11, 29), SEOUL)
    assert (period.first, period.last, period.days) == (date(2026, 10, 31), date(2026, 11, 29), 30)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (None, None, (date(2026, 10, 31), date(2026, 11, 29))),
        ("2026-11-01", "2026-11-03", (date(2026, 11, 1), date(2026, 11, 3))),
        ("2026-11-05", None, (date(2026, 11, 5), date(2026, 11, 29))),
        (None, "2026-11-10", (date(2026, 10, 12), date(2026, 11, 10))),
        ("2025-11-29", "2026-11-29", (date(2025, 11, 29), date(2026, 11, 29))),  # 366 days
        ("2026-12-24", None, (date(2026, 12, 24), date(2026, 12, 24))),  # a future start
    ],
)
def test_parse_period_accepts(
    first: str | None, last: str | None, expected: tuple[date, date]
) -> None:
    period = parse_period(first, last, today=date(2026, 11, 29), tz=SEOUL)
    assert (period.first, period.last) == expected


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        ("2026-13-01", None, "bad_from"),
        ("yesterday", None, "bad_from"),
        ("2026-1-1", None, "bad_from"),
        ("2026-11-01", "11/03/2026", "bad_to"),
        ("2026-11-03", "2026-11-01", "reversed"),
        ("2025-11-28", "2026-11-29", "too_long"),
    ],
)
def test_parse_period_refuses(first: str, last: str | None, code: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(first, last, today=date(2026, 11, 29), tz=SEOUL)
    assert caught.value.code == code


def test_seoul_has_one_offset_all_year() -> None:
    start, end = Period(date(2026, 1, 1), date(2026, 12, 31), SEOUL).bounds()
    assert offset_spans(start, end, SEOUL) == (OffsetSpan(None, 9 * 3600),)


def test_a_daylight_saving_change_splits_the_offsets_to_the_second() -> None:
    start, end = Period(date(2026, 3, 1), date(2026, 11, 30), BERLIN).bounds()
    assert offset_spans(start, end, BERLIN) == (
        OffsetSpan(datetime(2026, 3, 29, 1, tzinfo=UTC), 3600),
        OffsetSpan(datetime(2026, 10, 25, 1, tzinfo=UTC), 7200),
        OffsetSpan(None, 3600),
    )


def test_local_day_numbers_follow_the_local_date() -> None:
    cases = [
        kst(2, 8, 30),  # 23:30 UTC the day before
        kst(2, 0, 0),  # local midnight exactly
        kst(1, 23, 59, 59),
        datetime(2026, 3, 29, 0, 30, tzinfo=BERLIN),  # before and after the change
        datetime(2026, 3, 29, 23, 30, tzinfo=BERLIN),
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),  # the repeated hour
    ]
    for instant in cases:
        tz = instant.tzinfo
        assert isinstance(tz, ZoneInfo)
        assert day_from_number(local_day_number(instant.astimezone(UTC), tz)) == instant.date()


def test_share_is_none_for_nothing() -> None:
    assert share(1, 4) == 0.25
    assert share(0, 0) is None


def _group(day: int, mode: str, language: str, **values: Any) -> CallGroup:
    base: dict[str, Any] = {
        "cases": 1,
        "answered": 1,
        "abandoned": 0,
        "within": (1, 1, 1),
        "wait_total": 10.0,
        "wait_max": 10.0,
        "abandoned_wait_total": 0.0,
    }
    base.update(values)
    return CallGroup(day=date(2026, 11, day), mode=mode, language=language, **base)


def test_daily_calls_fill_empty_days_and_combine_groups() -> None:
    groups = [
        _group(1, "video", "KSL", cases=3, answered=2, wait_total=30.0, wait_max=20.0),
        _group(1, "chat", "ASL", cases=1, answered=1, wait_total=50.0, wait_max=50.0),
        _group(3, "chat", "KSL", cases=2, answered=0, abandoned=2, wait_total=0.0, wait_max=None),
    ]
    days = daily_calls(groups, PERIOD.dates())
    assert [(d.day.day, d.cases, d.video, d.chat, d.answered, d.abandoned) for d in days] == [
        (1, 4, 3, 1, 3, 0),
        (2, 0, 0, 0, 0, 0),
        (3, 2, 0, 2, 0, 2),
    ]
    assert (days[0].wait_mean, days[0].wait_max) == (80.0 / 3, 50.0)
    assert (days[1].wait_mean, days[1].wait_max, days[1].abandon_rate) == (None, None, None)
    assert days[2].abandon_rate == 1.0
    totals = call_totals(groups, 3)
    assert (totals.cases, totals.answered, totals.abandoned, totals.within) == (6, 3, 2, (3, 3, 3))
    assert by_language(groups)[0].language == "KSL"


# --- the queries, on both databases ---------------------------------------------------------


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(make_settings(database_url))
    yield session_factory(engine)
    await engine.dispose()


def _summary(caller_hints: dict[str, int], interpreter_hints: dict[str, int]) -> dict[str, Any]:
    def side(hints: dict[str, int]) -> dict[str, Any]:
        return {
            "total": {
                "frames": 100,
                "hands_visible_share": 0.9,
                "cropped_share": 0.05,
                "mean_brightness": 120.0,
                "mean_received_fps": 24.0,
                "signing_seconds": 30.0,
                "hints": {code: {"raised": n, "seconds": 2.0 * n} for code, n in hints.items()},
            },
            "minutes": [],
        }

    return {
        "duration_seconds": 60.0,
        "signing_seconds": {"caller": 30.0, "interpreter": 20.0},
        "sides": {"caller": side(caller_hints), "interpreter": side(interpreter_hints)},
    }


async def _seed(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as db, db.begin():
        one = Interpreter(display_name="One", sign_languages=["KSL", "ASL"])
        two = Interpreter(display_name="Two", sign_languages=["KSL"])
        db.add_all([one, two])
        await db.flush()

        def reservation(code: str, language: str, at: datetime, status: ReservationStatus) -> Any:
            return Reservation(
                code=code,
                token_hash=code * 4,
                interpreter_id=one.id,
                language=language,
                topic="welfare",
                starts_at=at,
                ends_at=at + timedelta(minutes=30),
                status=status,
                channel=Channel.WEB,
                citizen_name="x",
                consent_version="v1",
                consented_at=at - timedelta(days=1),
            )

        r1 = reservation("R1", "KSL", kst(1, 10), ReservationStatus.COMPLETED)
        r2 = reservation("R2", "KSL", kst(1, 15), ReservationStatus.NO_SHOW)
        r3 = reservation("R3", "ASL", kst(2, 23, 30), ReservationStatus.BOOKED)
        r4 = reservation("R4", "KSL", kst(2, 11), ReservationStatus.CANCELLED)
        r5 = reservation("R5", "KSL", kst(3, 23, 59), ReservationStatus.NO_SHOW)
        r6 = reservation("R6", "KSL", kst(4, 0), ReservationStatus.NO_SHOW)  # the day after
        r7 = reservation("R7", "KSL", kst(31, 23, 59, 59, month=10), ReservationStatus.NO_SHOW)
        db.add_all([r1, r2, r3, r4, r5, r6, r7])

        def contact(token: str, language: str, mode: str) -> QueueContact:
            return QueueContact(
                language=language,
                mode=mode,
                token_hash=token * 64,
                consent_version="v1",
                consented_at=kst(1, 0),
            )

        c1, c2 = contact("a", "KSL", "chat"), contact("b", "ASL", "video")
        db.add_all([c1, c2])
        await db.flush()

        def call(
            sid: str,
            joined: datetime,
            wait: float,
            *,
            reservation_id: int | None = None,
            contact_id: int | None = None,
            mode: str = "video",
            matched: bool = True,
            end_reason: str = "hangup",
            summary: Any = None,
        ) -> CallSessionRecord:
            return CallSessionRecord(
                reservation_id=reservation_id,
                contact_id=contact_id,
                kind="reserved" if reservation_id else "walk_in",
                mode=mode,
                session_id=sid,
                caller_joined_at=joined,
                matched_at=joined + timedelta(seconds=wait) if matched else None,
                ended_at=joined + timedelta(seconds=wait + 300),
                wait_seconds=wait,
                ended_by="caller",
                end_reason=end_reason,
                quality_summary=summary,
            )

        db.add_all(
            [
                call(
                    "s1",
                    kst(1, 10, 0, 5),
                    5,
                    reservation_id=r1.id,
                    summary=_summary({"low_light": 2}, {"hands_cropped": 1}),
                ),
                # 08:30 in Seoul is 23:30 UTC on the 1st: a Seoul day and a UTC day differ here.
                call(
                    "s2",
                    kst(2, 8, 30),
                    45,
                    contact_id=c1.id,
                    mode="chat",
                    summary=_summary({"low_light": 1}, {}),
                ),
                call(
                    "s3",
                    kst(2, 0, 0),
                    70,
                    contact_id=c2.id,
                    matched=False,
                    end_reason="abandoned",
                    summary=None,  # stored as JSON null
                ),
                call("s4", kst(2, 23, 30), 100, reservation_id=r3.id, summary=_summary({}, {})),
                call("s5", kst(3, 12), 200, contact_id=c1.id, mode="chat", summary=null()),
                call(
                    "s6",
                    kst(3, 13),
                    30,
                    contact_id=c1.id,
                    mode="chat",
                    matched=False,
                    end_reason="shutdown",
                ),
                call("s7", kst(31, 23, 59, 59, month=10), 1, contact_id=c1.id, mode="chat"),
                call("s8", kst(4, 0), 1, contact_id=c1.id, mode="chat"),
            ]
        )

        def presence(interpreter: Interpreter, state: str, at: datetime) -> PresenceEvent:
            return PresenceEvent(interpreter_id=interpreter.id, state=state, at=at)

        db.add_all(
            [
                presence(one, "away", kst(31, 22, month=10)),
                presence(one, "ready", kst(31, 23, month=10)),  # still ready at the start
                presence(one, "in_session", kst(1, 1)),
                presence(one, "wrap_up", kst(1, 1, 30)),
                presence(one, "away", kst(1, 1, 31)),
                presence(one, "offline", kst(1, 2)),
                presence(two, "ready", kst(3, 23)),  # still ready at the end
            ]
        )

        def answer(sid: str, stars: int, resolved: bool | None, at: datetime) -> SurveyAnswer:
            return SurveyAnswer(session_id=sid, stars=stars, resolved=resolved, answered_at=at)

        db.add_all(
            [
                answer("s1", 5, True, kst(1, 10, 10)),
                answer("s2", 5, None, kst(2, 9)),
                answer("s4", 4, False, kst(3, 0, 10)),
                answer("s5", 1, True, kst(3, 12, 10)),
                answer("s7", 3, True, kst(31, 23, 59, 59, month=10)),
            ]
        )


async def test_the_aggregates_give_the_known_answers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(sessions)
    async with sessions() as db:
        stats = await load_statistics(db, PERIOD, now=NOW)

    days = stats.daily_calls()
    assert [(d.day.day, d.cases, d.video, d.chat, d.answered, d.abandoned) for d in days] == [
        (1, 1, 1, 0, 1, 0),
        (2, 3, 2, 1, 2, 1),
        (3, 2, 0, 2, 1, 0),
    ]
    assert [(d.wait_mean, d.wait_max) for d in days] == [(5.0, 5.0), (72.5, 100.0), (200.0, 200.0)]
    groups = {(g.day.day, g.mode, g.language): g.cases for g in stats.calls}
    assert groups == {
        (1, "video", "KSL"): 1,
        (2, "chat", "KSL"): 1,
        (2, "video", "ASL"): 2,
        (3, "chat", "KSL"): 2,
    }
    totals = stats.call_totals()
    assert (totals.cases, totals.answered, totals.abandoned) == (6, 4, 1)
    assert totals.within == (1, 2, 3)  # within 30, 60 and 120 s
    assert (totals.wait_mean, totals.wait_max, totals.abandoned_wait_mean) == (87.5, 200.0, 70.0)
    assert totals.abandon_rate == pytest.approx(1 / 6)
    assert [(r.language, r.video, r.chat) for r in stats.by_language()] == [
        ("KSL", 1, 3),
        ("ASL", 2, 0),
    ]

    assert [(r.day.day, r.reservations, r.no_shows) for r in stats.reservations] == [
        (1, 2, 1),
        (2, 1, 0),
        (3, 1, 1),
    ]

    assert {p.state: round(p.seconds, 3) for p in stats.presence} == {
        "ready": 7200.0,  # one: 00:00-01:00 on the 1st; two: 23:00-24:00 on the 3rd
        "offered": 0.0,
        "in_session": 1800.0,
        "wrap_up": 60.0,
        "away": 1740.0,
    }

    assert stats.survey.counts == (1, 0, 0, 1, 2)
    assert stats.survey.mean == 3.75
    assert (stats.survey.resolved_yes, stats.survey.resolved_no) == (2, 1)

    quality = stats.quality
    assert (quality.analysed, quality.with_hints) == (3, 2)
    assert [(h.hint, h.sessions, h.raised) for h in quality.hints[:3]] == [
        ("low_light", 2, 3),
        ("hands_cropped", 1, 1),
        ("too_far", 0, 0),
    ]
    assert len(quality.hints) == 7
    assert stats.languages["KSL"][1]


async def test_presence_stops_at_now_inside_the_range(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(sessions)
    async with sessions() as db:
        stats = await load_statistics(db, PERIOD, now=kst(3, 23, 30).astimezone(UTC))
    assert {p.state: round(p.seconds, 3) for p in stats.presence}["ready"] == 5400.0


async def test_an_empty_range_is_all_zeros(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as db:
        stats = await load_statistics(db, PERIOD, now=NOW)
    assert stats.calls == ()
    assert stats.call_totals().wait_mean is None
    assert [r.reservations for r in stats.reservations] == [0, 0, 0]
    assert all(p.seconds == 0 for p in stats.presence)
    assert stats.survey.mean is None
    assert (stats.quality.analysed, stats.quality.with_hints) == (0, 0)


async def test_sql_day_buckets_match_python_in_a_zone_with_daylight_saving(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    instants = [
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # 00:30 CET on the 29th
        datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # the change to CEST
        datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC),  # 23:59:59 CEST
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC),  # midnight CEST: the 30th
        datetime(2026, 10, 24, 22, 0, tzinfo=UTC),  # midnight CEST: the 25th
        datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC),  # 23:59:59 CET on the 25th
    ]
    start, end = Period(date(2026, 3, 1), date(2026, 11, 30), BERLIN).bounds()
    spans = offset_spans(start, end, BERLIN)
    async with sessions() as db:
        dialect = db.get_bind().dialect.name
        for instant in instants:
            column = literal(instant, UTCDateTime)
            got = await db.scalar(select(local_day_expr(column, spans, dialect)))
            assert got == local_day_number(instant, BERLIN), instant
            assert day_from_number(got) == instant.astimezone(BERLIN).date()


async def test_gathering_on_several_connections_gives_the_same_figures(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(sessions)
    async with sessions() as db:
        one_by_one = await load_statistics(db, PERIOD, now=NOW)
    assert await gather_statistics(sessions, PERIOD, now=NOW) == one_by_one
