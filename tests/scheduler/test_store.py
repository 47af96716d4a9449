"""The store's own logic that the API tests cannot reach: deadlock retries and day bounds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from scheduler import store
from signdesk.settings import Settings


class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine("sqlite+aiosqlite://")
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def test_a_deadlock_victim_is_run_again(sessions: async_sessionmaker[AsyncSession]) -> None:
    calls: list[int] = []

    async def work(_session: AsyncSession) -> str:
        calls.append(1)
        if len(calls) < store.DEADLOCK_ATTEMPTS:
            raise DBAPIError("INSERT", {}, _Orig("40P01"))
        return "done"

    assert await store._transaction(sessions, work) == "done"
    assert len(calls) == store.DEADLOCK_ATTEMPTS


async def test_retries_are_bounded(sessions: async_sessionmaker[AsyncSession]) -> None:
    calls: list[int] = []

    async def work(_session: AsyncSession) -> str:
        calls.append(1)
        raise DBAPIError("INSERT", {}, _Orig("40001"))

    with pytest.raises(DBAPIError):
        await store._transaction(sessions, work)
    assert len(calls) == store.DEADLOCK_ATTEMPTS


@pytest.mark.parametrize(
    "error",
    [
        DBAPIError("INSERT", {}, _Orig("57014")),  # query_canceled: not ours to retry
        IntegrityError("INSERT", {}, _Orig("40P01")),
    ],
)
async def test_other_errors_are_not_retried(
    sessions: async_sessionmaker[AsyncSession], error: DBAPIError
) -> None:
    calls: list[int] = []

    async def work(_session: AsyncSession) -> str:
        calls.append(1)
        raise error

    with pytest.raises(DBAPIError):
        await store._transaction(sessions, work)
    assert len(calls) == 1


def test_local_day_bounds_are_local_midnights_in_utc() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    lo, hi = store.local_day_bounds(date(2026, 12, 1), date(2026, 12, 2), seoul)
    assert lo == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert hi == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")  # a 23-hour day when the clocks go forward
    lo, hi = store.local_day_bounds(date(2026, 3, 29), date(2026, 3, 29), berlin)
    assert hi - lo == timedelta(hours=23)


def test_slot_rules_follow_the_settings() -> None:
    settings = Settings(slot_minutes=20, min_notice_minutes=90, buffer_minutes=10)
    rules = store.slot_rules(settings)
    assert rules.slot_minutes == 20
    assert rules.min_notice == timedelta(minutes=90)
    assert rules.buffer == timedelta(minutes=10)
    assert rules.hours.weekday_open == settings.weekday_open
    assert rules.tz == settings.tz
    assert store.actor_for(None) == "citizen"
    assert store.actor_for(12) == "account:12"
