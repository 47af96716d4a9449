"""The retention rules on their own, with an injected clock: each class expires strictly after
its own period from its own end, the cut-offs follow `now`, and the periods are settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.retention import (
    Cutoffs,
    DataClass,
    PurgeCounts,
    RetentionPolicy,
    cutoffs,
    expired,
    keep_until,
)
from tests.conftest import make_settings

END = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
POLICY = RetentionPolicy()


@pytest.mark.parametrize(
    ("kind", "days"),
    [
        (DataClass.CONTACTS, 30),
        (DataClass.RECORDINGS, 90),
        (DataClass.CHAT, 365),
        (DataClass.RECORDS, 3 * 365),
    ],
)
def test_each_class_expires_just_after_its_period(kind: DataClass, days: int) -> None:
    period = timedelta(days=days)
    assert keep_until(POLICY, kind, END) == END + period
    assert not expired(POLICY, kind, END, now=END + period)  # kept the full period
    assert expired(POLICY, kind, END, now=END + period + timedelta(seconds=1))
    assert not expired(POLICY, kind, END, now=END)


def test_the_cut_offs_move_with_now() -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert cutoffs(POLICY, now) == Cutoffs(
        records=now - timedelta(days=1095),
        chat=now - timedelta(days=365),
        recordings=now - timedelta(days=90),
        contacts=now - timedelta(days=30),
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        cutoffs(POLICY, datetime(2030, 1, 1))


def test_periods_come_from_the_settings_and_must_be_positive() -> None:
    settings = make_settings(
        "sqlite+aiosqlite://",
        retention_records_days=10,
        retention_chat_days=5,
        recording_retention_days=2,
        retention_contacts_days=1,
    )
    policy = settings.retention_policy
    assert [policy.period(kind) for kind in DataClass] == [
        timedelta(days=10),
        timedelta(days=5),
        timedelta(days=2),
        timedelta(days=1),
    ]
    with pytest.raises(ValueError, match="positive"):
        RetentionPolicy(chat=timedelta(0))


@given(
    st.sampled_from(list(DataClass)),
    st.integers(min_value=-4000, max_value=4000),
)
def test_expired_is_exactly_past_the_cut_off(kind: DataClass, days_later: int) -> None:
    now = END + timedelta(days=days_later)
    assert expired(POLICY, kind, END, now) == (now > keep_until(POLICY, kind, END))


def test_a_purges_counts_describe_numbers_only() -> None:
    counts = PurgeCounts(records_cleared=2, chat_messages_deleted=5, recordings_deleted=1)
    assert counts.total == 8
    assert counts.describe() == (
        "records=2 chat=5 recordings=1 bytes=0 reservations=0 contacts=0 survey_comments=0"
    )
