"""How long each class of personal data is kept, and what has expired (PIPA art. 21: destroy
personal data once its purpose and period are over). Pure: it takes `now` and returns cut-offs;
`scheduler.purge` applies them to the database and the recordings directory.

The classes and their defaults (settings `SIGNDESK_RETENTION_*`):

| class | kept for | counted from |
|---|---|---|
| counseling records (summary, agency, follow-up) | 3 years | the session's end |
| chat transcripts | 1 year | the session's end |
| recordings (files and rows) | 90 days | the recording's end |
| contact details (name, contact, note, survey comment, link) | 30 days | the booking's end |

What is not personal data stays: the times, waits, languages, modes, outcomes, categories and
star ratings the statistics are made of. So the purge clears fields and deletes files and
transcripts, and statistics computed before and after it are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class DataClass(StrEnum):
    RECORDS = "records"
    CHAT = "chat"
    RECORDINGS = "recordings"
    CONTACTS = "contacts"


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    records: timedelta = timedelta(days=3 * 365)
    chat: timedelta = timedelta(days=365)
    recordings: timedelta = timedelta(days=90)
    contacts_after_end: timedelta = timedelta(days=30)

    def __post_init__(self) -> None:
        if min(self.records, self.chat, self.recordings, self.contacts_after_end) <= timedelta(0):
            raise ValueError("every retention period must be positive")

    def period(self, kind: DataClass) -> timedelta:
        return {
            DataClass.RECORDS: self.records,
            DataClass.CHAT: self.chat,
            DataClass.RECORDINGS: self.recordings,
            DataClass.CONTACTS: self.contacts_after_end,
        }[kind]


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Data of each class that ended before its cut-off has expired."""

    records: datetime
    chat: datetime
    recordings: datetime
    contacts: datetime

    def of(self, kind: DataClass) -> datetime:
        return {
            DataClass.RECORDS: self.records,
            DataClass.CHAT: self.chat,
            DataClass.RECORDINGS: self.recordings,
            DataClass.CONTACTS: self.contacts,
        }[kind]


def cutoffs(policy: RetentionPolicy, now: datetime) -> Cutoffs:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return Cutoffs(
        records=now - policy.records,
        chat=now - policy.chat,
        recordings=now - policy.recordings,
        contacts=now - policy.contacts_after_end,
    )


def expired(policy: RetentionPolicy, kind: DataClass, ended_at: datetime, now: datetime) -> bool:
    """Whether data of `kind` that ended at `ended_at` is past its period at `now` (the end
    instant itself is kept for the full period: expired only strictly after)."""
    return ended_at < cutoffs(policy, now).of(kind)


def keep_until(policy: RetentionPolicy, kind: DataClass, ended_at: datetime) -> datetime:
    """When data of `kind` that ended at `ended_at` is purged (shown on the right-of-access
    page)."""
    return ended_at + policy.period(kind)


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    """What one purge removed, by class: the audit entry's detail (numbers only, no ids of
    people)."""

    records_cleared: int = 0
    chat_messages_deleted: int = 0
    recordings_deleted: int = 0
    recording_bytes_destroyed: int = 0
    reservations_cleared: int = 0
    contacts_cleared: int = 0
    survey_comments_cleared: int = 0

    @property
    def total(self) -> int:
        return (
            self.records_cleared
            + self.chat_messages_deleted
            + self.recordings_deleted
            + self.reservations_cleared
            + self.contacts_cleared
            + self.survey_comments_cleared
        )

    def describe(self) -> str:
        return (
            f"records={self.records_cleared} chat={self.chat_messages_deleted}"
            f" recordings={self.recordings_deleted} bytes={self.recording_bytes_destroyed}"
            f" reservations={self.reservations_cleared} contacts={self.contacts_cleared}"
            f" survey_comments={self.survey_comments_cleared}"
        )
