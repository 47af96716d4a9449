"""How long does the statistics page take for a year of data, against the obvious way?

Run: `.venv/bin/python -m bench.statistics` (a year, ~50,000 sessions, SQLite; add `--postgres` to
run the same on the PostgreSQL at 127.0.0.1:5432 too) or `... --quick` (a month, a smoke run).

The data is generated from a fixed seed into a fresh, migrated database (`seed`): interpreters,
a year of call sessions over service hours (fewer at weekends; 35% booked, the rest walk-ins;
80% video; KSL, ASL and IS), each booking's reservation and each walk-in's queue contact, no-shows
and cancellations among the reservations, every interpreter's presence through their shifts
(ready, rung, in a session, wrap-up, a break, offline), satisfaction surveys for 40% of answered
calls and a quality summary for 70% of the answered video calls.

Measured, in one run, on the same database:
1. the page: `GET /staff/statistics` for the whole year, through the real app and a logged-in
   supervisor (aggregates, all nine SVG charts and the HTML), and for the last 30 days;
2. its parts: the aggregates alone (`load_statistics`) and the charts alone (`build_views`);
3. baselines: the obvious implementation, which loads the year's rows (calls with their
   language, reservations, presence events, surveys, quality summaries) into Python and
   aggregates there; it must give the same figures (checked). And a bare aiohttp handler that
   returns a short text through the same client, the floor of any request.

Goal (issue 6): a year renders in under 1 s. Results: `bench/results/statistics[-quick].{json,md}`.
The machine has 2 noisy cores shared with other work: compare the ratios of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import statistics as stats_lib
import sys
import tempfile
import time as clock
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.accounts import create_account
from scheduler.domain import Channel, ReservationStatus, Role
from scheduler.models import (
    CallSessionRecord,
    Interpreter,
    PresenceEvent,
    QueueContact,
    Reservation,
    SurveyAnswer,
)
from scheduler.statistics import (
    ONLINE_STATES,
    SIDES,
    STARS,
    UNKNOWN_LANGUAGE,
    CallTotals,
    Period,
    Statistics,
    gather_statistics,
    share,
)
from signaling.wallboard import ANSWER_THRESHOLDS
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from signdesk.db import create_engine, session_factory
from signdesk.migrate import upgrade_engine
from signdesk.settings import Environment, Settings
from web.statistics_views import build_views

RESULTS = Path(__file__).resolve().parent / "results"
SEOUL = ZoneInfo("Asia/Seoul")
LAST_DAY = date(2026, 11, 28)
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway account in a temporary database
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
HINTS = (
    ("hands_cropped", 0.25),
    ("low_light", 0.15),
    ("too_far", 0.06),
    ("too_close", 0.04),
    ("blurry", 0.08),
    ("low_frame_rate", 0.1),
    ("low_resolution", 0.03),
)
CHUNK = 5_000

Client = TestClient[web.Request, web.Application]


@dataclass(frozen=True, slots=True)
class Size:
    days: int
    sessions: int
    interpreters: int
    repetitions: int
    warmup: int
    baseline_repetitions: int


FULL = Size(
    days=365, sessions=50_000, interpreters=15, repetitions=15, warmup=2, baseline_repetitions=5
)
QUICK = Size(
    days=30, sessions=4_000, interpreters=10, repetitions=5, warmup=1, baseline_repetitions=2
)


# --- data ---------------------------------------------------------------------------------------


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, SEOUL).astimezone(UTC)


def _quality(rng: random.Random) -> dict[str, Any]:
    def side() -> dict[str, Any]:
        hints = {
            code: {"raised": rng.randint(1, 3), "seconds": round(rng.uniform(2, 30), 2)}
            for code, chance in HINTS
            if rng.random() < chance
        }
        total = {
            "frames": rng.randint(500, 4000),
            "hands_visible_share": round(rng.uniform(0.6, 1.0), 4),
            "cropped_share": round(rng.uniform(0.0, 0.2), 4),
            "mean_brightness": round(rng.uniform(60, 160), 2),
            "mean_received_fps": round(rng.uniform(15, 30), 2),
            "signing_seconds": round(rng.uniform(60, 600), 2),
            "hints": hints,
        }
        return {"total": total, "minutes": []}  # the shape of `SessionSummary.to_dict()`

    return {
        "duration_seconds": round(rng.uniform(300, 1200), 2),
        "signing_seconds": {"caller": 120.0, "interpreter": 150.0},
        "sides": {name: side() for name in SIDES},
    }


async def seed(
    sessions: async_sessionmaker[AsyncSession],
    size: Size,
    seed_value: int,
    last_day: date = LAST_DAY,
) -> dict[str, int]:
    """`size.days` of generated history ending on `last_day`; returns the row counts. Ids follow
    whatever the database already holds (the browser test seeds a server that has accounts)."""
    rng = random.Random(seed_value)
    async with sessions() as db:
        base_interpreter = await db.scalar(select(func.coalesce(func.max(Interpreter.id), 0))) or 0
        base_reservation = await db.scalar(select(func.coalesce(func.max(Reservation.id), 0))) or 0
        base_contact = await db.scalar(select(func.coalesce(func.max(QueueContact.id), 0))) or 0
        base_call = await db.scalar(select(func.coalesce(func.max(CallSessionRecord.id), 0))) or 0
    first = last_day - timedelta(days=size.days - 1)
    days = [first + timedelta(days=i) for i in range(size.days)]
    weights = [0.55 if d.weekday() >= 5 else 1.0 for d in days]
    per_day = [0] * len(days)
    for index in rng.choices(range(len(days)), weights=weights, k=size.sessions):
        per_day[index] += 1

    interpreter_ids = [base_interpreter + i for i in range(1, size.interpreters + 1)]
    interpreters = [
        {"id": i, "display_name": f"Interpreter {i}", "sign_languages": ["KSL"]}
        for i in interpreter_ids
    ]
    reservations: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    surveys: list[dict[str, Any]] = []
    presence: list[dict[str, Any]] = []

    def reservation(start: datetime, language: str, status: ReservationStatus) -> int:
        rid = base_reservation + len(reservations) + 1
        reservations.append(
            {
                "id": rid,
                "code": f"B{rid:07d}",
                "token_hash": f"{rid:064d}",
                "interpreter_id": rng.choice(interpreter_ids),
                "language": language,
                "topic": "welfare",
                "starts_at": start,
                "ends_at": start + timedelta(minutes=30),
                "status": status,
                "channel": Channel.WEB,
                "citizen_name": "bench",
                "consent_version": "bench",
                "consented_at": start - timedelta(days=2),
            }
        )
        return rid

    for day, count in zip(days, per_day, strict=True):
        opens, closes = (9, 18) if day.weekday() >= 5 else (9, 22)
        span = (closes - opens) * 3600
        joined_times = sorted(
            _local(day, time(opens)) + timedelta(seconds=rng.uniform(0, span - 1800))
            for _ in range(count)
        )
        by_interpreter: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
        for joined in joined_times:
            language = rng.choices(("KSL", "ASL", "IS"), weights=(85, 10, 5))[0]
            mode = "video" if rng.random() < 0.8 else "chat"
            roll = rng.random()
            matched = roll < 0.9
            abandoned = 0.9 <= roll < 0.98
            wait = rng.expovariate(1 / 40) if matched else rng.uniform(10, 300)
            duration = rng.uniform(300, 1200) if matched else None
            reserved = rng.random() < 0.35
            row: dict[str, Any] = {
                "id": base_call + len(calls) + 1,
                "kind": "reserved" if reserved else "walk_in",
                "mode": mode,
                "session_id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "caller_joined_at": joined,
                "matched_at": joined + timedelta(seconds=wait) if matched else None,
                "ended_at": joined + timedelta(seconds=wait + (duration or 0)),
                "wait_seconds": wait,
                "duration_seconds": duration,
                "ended_by": "caller",
                "end_reason": "hangup"
                if matched
                else ("abandoned" if abandoned else rng.choice(("expired", "shutdown"))),
                "quality_summary": _quality(rng)
                if matched and mode == "video" and rng.random() < 0.7
                else None,
                "reservation_id": None,
                "contact_id": None,
            }
            if reserved:
                slot = joined.replace(minute=0 if joined.minute < 30 else 30, second=0)
                row["reservation_id"] = reservation(slot, language, ReservationStatus.COMPLETED)
            else:
                cid = base_contact + len(contacts) + 1
                contacts.append(
                    {
                        "id": cid,
                        "created_at": joined,
                        "language": language,
                        "mode": mode,
                        "token_hash": f"{cid:064d}",
                        "consent_version": "bench",
                        "consented_at": joined,
                    }
                )
                row["contact_id"] = cid
            calls.append(row)
            if matched:
                interpreter = rng.choice(interpreter_ids)
                row["actual_interpreter_id"] = interpreter
                by_interpreter[interpreter].append(
                    (joined + timedelta(seconds=wait), duration or 0)
                )
                if rng.random() < 0.4:
                    surveys.append(
                        {
                            "session_id": row["session_id"],
                            "stars": rng.choices(STARS, weights=(3, 5, 12, 35, 45))[0],
                            "resolved": rng.choice((True, False, None)),
                            "answered_at": row["ended_at"] + timedelta(seconds=30),
                        }
                    )
            else:
                row["actual_interpreter_id"] = None
        # Bookings nobody joined: no-shows and cancellations.
        for _ in range(max(1, count // 25)):
            start = _local(day, time(rng.randint(opens, closes - 1), rng.choice((0, 30))))
            status = (
                ReservationStatus.NO_SHOW if rng.random() < 0.6 else ReservationStatus.CANCELLED
            )
            reservation(start, "KSL", status)
        # Presence: each interpreter who took calls works a shift around them.
        for interpreter, taken in by_interpreter.items():
            taken.sort()
            start = min(taken[0][0] - timedelta(minutes=30), _local(day, time(opens)))
            events = [(start, "away"), (start + timedelta(minutes=3), "ready")]
            cursor = start + timedelta(minutes=3)
            for matched_at, duration in taken:
                if matched_at <= cursor + timedelta(seconds=30):
                    continue  # overlaps the previous call: this call was someone else's
                if rng.random() < 0.1 and matched_at - cursor > timedelta(minutes=40):
                    events += [
                        (cursor + timedelta(minutes=5), "away"),
                        (cursor + timedelta(minutes=35), "ready"),
                    ]
                events += [
                    (matched_at - timedelta(seconds=8), "offered"),
                    (matched_at, "in_session"),
                    (matched_at + timedelta(seconds=duration), "wrap_up"),
                    (matched_at + timedelta(seconds=duration + 60), "ready"),
                ]
                cursor = matched_at + timedelta(seconds=duration + 60)
            events.append((cursor + timedelta(minutes=30), "offline"))
            presence += [
                {"interpreter_id": interpreter, "state": state, "at": at} for at, state in events
            ]

    async with sessions() as db, db.begin():
        await db.execute(insert(Interpreter), interpreters)
        for model, rows in (
            (Reservation, reservations),
            (QueueContact, contacts),
            (CallSessionRecord, calls),
            (SurveyAnswer, surveys),
            (PresenceEvent, presence),
        ):
            for i in range(0, len(rows), CHUNK):
                await db.execute(insert(model), rows[i : i + CHUNK])
    return {
        "call_sessions": len(calls),
        "reservations": len(reservations),
        "queue_contacts": len(contacts),
        "presence_events": len(presence),
        "survey_answers": len(surveys),
        "quality_summaries": sum(1 for c in calls if c["quality_summary"] is not None),
    }


# --- the baseline: rows into Python --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """What both ways must agree on (rounded where floating sums may differ in the last bit)."""

    totals: tuple[Any, ...]
    daily_cases: tuple[int, ...]
    no_shows: int
    reservations: int
    presence: tuple[float, ...]
    survey: tuple[int, ...]
    quality: tuple[Any, ...]


def same_figures(a: Figures, b: Figures) -> bool:
    """Equal, except presence seconds to within half a second: SQLite sums time differences of
    `julianday()` floats, which carry about 0.00005 s of rounding each."""
    exact = (a.totals, a.daily_cases, a.no_shows, a.reservations, a.survey, a.quality)
    other = (b.totals, b.daily_cases, b.no_shows, b.reservations, b.survey, b.quality)
    return exact == other and all(
        math.isclose(x, y, rel_tol=1e-9, abs_tol=0.5)
        for x, y in zip(a.presence, b.presence, strict=True)
    )


def figures_of(stats: Statistics) -> Figures:
    totals = stats.call_totals()
    return Figures(
        totals=_totals_key(totals),
        daily_cases=tuple(d.cases for d in stats.daily_calls()),
        no_shows=sum(r.no_shows for r in stats.reservations),
        reservations=sum(r.reservations for r in stats.reservations),
        presence=tuple(round(p.seconds, 1) for p in stats.presence),
        survey=stats.survey.counts,
        quality=(
            stats.quality.analysed,
            stats.quality.with_hints,
            tuple(sorted((h.hint, h.sessions, h.raised) for h in stats.quality.hints)),
        ),
    )


def _totals_key(totals: CallTotals) -> tuple[Any, ...]:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 6)

    return (
        totals.cases,
        totals.answered,
        totals.abandoned,
        totals.within,
        r(totals.wait_mean),
        r(totals.wait_max),
        r(totals.abandoned_wait_mean),
    )


async def python_figures(db: AsyncSession, period: Period, now: datetime) -> Figures:
    """The obvious way: select the rows of the range and count them in Python."""
    start, end = period.bounds()
    tz = period.tz
    s = CallSessionRecord
    rows = (
        await db.execute(
            select(
                s.caller_joined_at,
                s.mode,
                Reservation.language,
                QueueContact.language,
                s.matched_at,
                s.end_reason,
                s.wait_seconds,
                s.quality_summary,
            )
            .outerjoin(Reservation, Reservation.id == s.reservation_id)
            .outerjoin(QueueContact, QueueContact.id == s.contact_id)
            .where(s.caller_joined_at >= start, s.caller_joined_at < end)
        )
    ).all()
    days = period.dates()
    index = {d: i for i, d in enumerate(days)}
    daily = [0] * len(days)
    cases = answered = abandoned = 0
    within = [0] * len(ANSWER_THRESHOLDS)
    wait_total = abandoned_wait = 0.0
    wait_max: float | None = None
    analysed = with_hints = 0
    hint_sessions: dict[str, int] = defaultdict(int)
    hint_raised: dict[str, int] = defaultdict(int)
    for joined, _mode, r_lang, c_lang, matched_at, end_reason, wait, summary in rows:
        _language = r_lang or c_lang or UNKNOWN_LANGUAGE
        daily[index[joined.astimezone(tz).date()]] += 1
        cases += 1
        if matched_at is not None:
            answered += 1
            wait_total += wait
            wait_max = wait if wait_max is None else max(wait_max, wait)
            for k, limit in enumerate(ANSWER_THRESHOLDS):
                within[k] += wait <= limit
        elif end_reason == "abandoned":
            abandoned += 1
            abandoned_wait += wait
        if summary and summary.get("duration_seconds") is not None:
            analysed += 1
            seen = False
            for code in {c for side in summary["sides"].values() for c in side["total"]["hints"]}:
                raised = sum(
                    side["total"]["hints"].get(code, {}).get("raised", 0)
                    for side in summary["sides"].values()
                )
                hint_raised[code] += raised
                if raised > 0:
                    hint_sessions[code] += 1
                    seen = True
            with_hints += seen
    totals = CallTotals(
        cases,
        answered,
        abandoned,
        tuple(within),
        share(wait_total, answered),
        wait_max,
        share(abandoned_wait, abandoned),
    )
    statuses = (
        await db.execute(
            select(Reservation.status).where(
                Reservation.starts_at >= start,
                Reservation.starts_at < end,
                Reservation.status != ReservationStatus.CANCELLED,
            )
        )
    ).scalars()
    reservations = no_shows = 0
    for status in statuses:
        reservations += 1
        no_shows += status == ReservationStatus.NO_SHOW
    cap = min(end, now)
    events = (
        await db.execute(
            select(PresenceEvent.interpreter_id, PresenceEvent.state, PresenceEvent.at)
            .where(PresenceEvent.at < cap)
            .order_by(PresenceEvent.interpreter_id, PresenceEvent.at, PresenceEvent.id)
        )
    ).all()
    seconds = dict.fromkeys((state.value for state in ONLINE_STATES), 0.0)
    for k, (who, state, at) in enumerate(events):
        following = events[k + 1] if k + 1 < len(events) else None
        until = following[2] if following is not None and following[0] == who else cap
        begin, finish = max(at, start), min(until, cap)
        if state in seconds and finish > begin:
            seconds[state] += (finish - begin).total_seconds()
    stars = (
        await db.execute(
            select(SurveyAnswer.stars).where(
                SurveyAnswer.answered_at >= start, SurveyAnswer.answered_at < end
            )
        )
    ).scalars()
    counts = dict.fromkeys(STARS, 0)
    for n in stars:
        counts[n] += 1
    codes = [code for code, _ in HINTS]
    return Figures(
        totals=_totals_key(totals),
        daily_cases=tuple(daily),
        no_shows=no_shows,
        reservations=reservations,
        presence=tuple(round(v, 1) for v in seconds.values()),
        survey=tuple(counts[s] for s in STARS),
        quality=(
            analysed,
            with_hints,
            tuple(sorted((c, hint_sessions.get(c, 0), hint_raised.get(c, 0)) for c in codes)),
        ),
    )


# --- timing -------------------------------------------------------------------------------------


async def time_async(
    fn: Callable[[], Awaitable[object]], repetitions: int, warmup: int
) -> dict[str, float]:
    for _ in range(warmup):
        await fn()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repetitions):
        w0, c0 = clock.perf_counter(), clock.process_time()
        await fn()
        cpu.append((clock.process_time() - c0) * 1000)
        wall.append((clock.perf_counter() - w0) * 1000)
    return summary(wall, cpu)


def _p95(ordered: Sequence[float]) -> float:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]


def summary(wall: list[float], cpu: list[float]) -> dict[str, float]:
    wall, cpu = sorted(wall), sorted(cpu)
    return {
        "runs": len(wall),
        "p50_ms": round(stats_lib.median(wall), 2),
        "p95_ms": round(_p95(wall), 2),
        "max_ms": round(wall[-1], 2),
        "cpu_p50_ms": round(stats_lib.median(cpu), 2),
    }


async def bare(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _login(client: Client) -> None:
    await client.get("/login")
    csrf = client.session.cookie_jar.filter_cookies(client.make_url("/"))["sd_csrf"].value
    resp = await client.post(
        "/login",
        data={"username": "boss", "password": PASSWORD, "csrf_token": csrf},
        allow_redirects=False,
    )
    if resp.status != 303:
        raise SystemExit(f"log-in failed: {resp.status}")


async def run_backend(url: str, size: Size, seed_value: int) -> dict[str, Any]:
    settings = Settings(
        env=Environment.TEST, database_url=url, secret_key="bench-secret-key-" + "x" * 32
    )
    engine = create_engine(settings)
    try:
        await upgrade_engine(engine)
        t0 = clock.perf_counter()
        sessions = session_factory(engine)
        rows = await seed(sessions, size, seed_value)
        seed_s = clock.perf_counter() - t0
        async with sessions() as db, db.begin():
            await create_account(
                db, username="boss", display_name="Boss", role=Role.SUPERVISOR, password=PASSWORD
            )
        if not url.startswith("sqlite"):
            # What autovacuum does soon after a bulk load; the planner needs row counts.
            async with engine.connect() as conn:
                await conn.execute(text("ANALYZE"))
                await conn.commit()
    finally:
        await engine.dispose()

    app = create_app(settings)
    app.router.add_get("/bench/bare", bare)
    client: Client = TestClient(TestServer(app))
    await client.start_server()
    try:
        await _login(client)
        year = Period(LAST_DAY - timedelta(days=size.days - 1), LAST_DAY, SEOUL)
        month = Period(LAST_DAY - timedelta(days=29), LAST_DAY, SEOUL)
        now = datetime.combine(LAST_DAY + timedelta(days=1), time(), SEOUL)

        async def page(period: Period) -> None:
            resp = await client.get(
                f"/staff/statistics?from={period.first}&to={period.last}&lang=ko"
            )
            body = await resp.read()
            if resp.status != 200 or body.count(b"<svg") != 9:
                raise SystemExit(f"the page failed: {resp.status}")

        sessions = app[SESSIONS]

        async def aggregates() -> Statistics:
            return await gather_statistics(sessions, year, now=now)

        stats = await aggregates()
        rendered = build_views(stats, "ko")
        page_bytes = len(
            await (
                await client.get(f"/staff/statistics?from={year.first}&to={year.last}&lang=ko")
            ).read()
        )

        async def render() -> None:
            build_views(stats, "ko")

        async def baseline() -> Figures:
            async with sessions() as db:
                return await python_figures(db, year, now)

        async def bare_request() -> None:
            resp = await client.get("/bench/bare")
            await resp.read()

        expected = figures_of(stats)
        got = await baseline()
        if not same_figures(got, expected):
            raise SystemExit(f"baseline and aggregates disagree:\n{got}\n{expected}")

        reps, warm = size.repetitions, size.warmup
        cases = {
            "page_year": await time_async(lambda: page(year), reps, warm),
            "page_30_days": await time_async(lambda: page(month), reps, warm),
            "aggregates_year": await time_async(aggregates, reps, warm),
            "charts_year": await time_async(render, reps, warm),
            "baseline_python_year": await time_async(baseline, size.baseline_repetitions, 1),
            "bare_handler": await time_async(bare_request, reps * 4, warm),
        }
    finally:
        await client.close()
    year_ms = cases["page_year"]["p50_ms"]
    return {
        "rows": rows,
        "seed_seconds": round(seed_s, 1),
        "page_bytes_year": page_bytes,
        "svg_bytes_year": sum(len(v.svg) for v in rendered),
        "cases": cases,
        "same_figures_as_baseline": True,
        "ratios": {
            "page_year_vs_python_aggregation": round(
                year_ms / cases["baseline_python_year"]["p50_ms"], 3
            ),
            "python_aggregation_vs_sql_aggregates": round(
                cases["baseline_python_year"]["p50_ms"] / cases["aggregates_year"]["p50_ms"], 1
            ),
            "page_year_vs_bare_handler": round(year_ms / cases["bare_handler"]["p50_ms"], 1),
        },
        "goal_met": cases["page_year"]["p95_ms"] < 1000,
    }


async def main_async(size: Size, seed_value: int, postgres: bool) -> dict[str, Any]:
    load = os.getloadavg()
    backends: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "statistics.db"
        backends["sqlite"] = await run_backend(f"sqlite+aiosqlite:///{path}", size, seed_value)
    if postgres:
        import asyncpg  # only here: the SQLite run needs no PostgreSQL driver set-up

        name = f"sd_bench_{uuid.uuid4().hex[:10]}"
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        try:
            backends["postgresql"] = await run_backend(PG_URL.format(name=name), size, seed_value)
        finally:
            conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await conn.close()
    return {
        "size": asdict(size),
        "seed": seed_value,
        "range": f"{LAST_DAY - timedelta(days=size.days - 1)} to {LAST_DAY} (Asia/Seoul)",
        "backends": backends,
        "goal": "the statistics page for a year of data in under 1 s (p95)",
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load],
        },
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Statistics page benchmark",
        "",
        f"{result['range']}, seed {result['seed']}. Goal: {result['goal']}.",
        "",
    ]
    names = {
        "page_year": "page, whole year (GET, aggregates + 9 SVG charts + HTML)",
        "page_30_days": "page, last 30 days",
        "aggregates_year": "aggregates alone, year (`gather_statistics`)",
        "charts_year": "charts alone, year (`build_views`)",
        "baseline_python_year": "baseline: the year's rows into Python, aggregated there",
        "bare_handler": "baseline: bare aiohttp handler, same client",
    }
    for backend, data in result["backends"].items():
        rows = data["rows"]
        lines += [
            f"## {backend}",
            "",
            ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in rows.items())
            + f" (seeded in {data['seed_seconds']} s). Year page: {data['page_bytes_year']:,} "
            f"bytes of HTML, {data['svg_bytes_year']:,} of them SVG.",
            "",
            "| case | runs | p50 ms | p95 ms | max ms | CPU p50 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for key, label in names.items():
            c = data["cases"][key]
            lines.append(
                f"| {label} | {c['runs']} | {c['p50_ms']} | {c['p95_ms']} | {c['max_ms']} "
                f"| {c['cpu_p50_ms']} |"
            )
        ratios = data["ratios"]
        lines += [
            "",
            f"- Whole year page / Python aggregation of the same rows (p50): "
            f"**{ratios['page_year_vs_python_aggregation']}** (the Python way takes "
            f"{ratios['python_aggregation_vs_sql_aggregates']}x the SQL aggregates, before any "
            "chart); both give the same figures (checked).",
            f"- Whole year page / bare handler (p50): {ratios['page_year_vs_bare_handler']}x.",
            f"- Goal (p95 < 1 s) met: **{'yes' if data['goal_met'] else 'no'}**.",
            "",
        ]
    machine = result["machine"]
    lines += [
        f"Python {machine['python']}, {machine['cpus']} CPUs, load average at start "
        f"{machine['load_average_at_start']}. Wall-clock times include waiting for the CPU when "
        "other work shares the machine; CPU times are this process alone (the PostgreSQL "
        "server's own CPU is not in them).",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.statistics", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a month of data, a smoke run")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    result = asyncio.run(main_async(size, args.seed, args.postgres))
    stem = "statistics-quick" if args.quick else "statistics"
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = markdown(result)
    (out_dir / f"{stem}.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
