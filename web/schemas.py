"""The JSON API contract: pydantic models for every request and response.

Request bodies are parsed from raw JSON in strict mode (`"1"` is not an int, `1` is not a bool) and
refuse unknown fields. Limits that depend on configuration (name length, consent version) come in
through the validation context as a `Limits`, so the same model serves
every deployment. Query strings are parsed leniently, since every value there is a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from scheduler.catalog import SPECIALTY_CODES, SPOKEN_LANGUAGE_CODES, TOPIC_CODES
from scheduler.domain import Channel, ExceptionKind, ReservationStatus, Role
from scheduler.models import MAX_CONTACT_NAME_CHARS, MAX_SURVEY_COMMENT_CHARS
from signdesk.settings import Settings

MAX_EXCEPTION_DAYS = 31
MAX_LIST_DAYS = 31
# Dates outside these years are refused before any arithmetic (a UTC conversion could overflow).
MIN_YEAR = 2000
MAX_YEAR = 2200

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True, slots=True)
class Limits:
    """What request validation needs from the configuration and the database."""

    max_name_chars: int = 60
    max_contact_chars: int = 120
    max_note_chars: int = 1000
    consent_version: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_name_chars=settings.max_name_chars,
            max_contact_chars=settings.max_contact_chars,
            max_note_chars=settings.max_note_chars,
            consent_version=settings.consent_version,
        )


def _optional_text(value: str | None, limit: int) -> str | None:
    """Blank means absent; otherwise the stripped text, at most `limit` characters."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > limit:
        raise ValueError(f"must have at most {limit} characters")
    return value


def _require_consent(value: bool) -> bool:
    """PIPA Art. 15: no processing without an explicit yes."""
    if value is not True:
        raise ValueError("consent to the processing of personal data is required")
    return value


def _current_consent(value: str, info: ValidationInfo) -> str:
    """The consent must be to the text shown now, not to an older version."""
    expected = _limits(info).consent_version
    if expected and value != expected:
        raise ValueError("the consent text has changed; reload the page and consent again")
    return value


def _limits(info: ValidationInfo) -> Limits:
    context = info.context
    if isinstance(context, Limits):
        return context
    return Limits()


# ---------------------------------------------------------------------------------------------
# Reusable field types


def _single_line(value: str) -> str:
    if _CONTROL_OR_NEWLINE.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _in_years(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be between the years {MIN_YEAR} and {MAX_YEAR}")
    return value


def _parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("must be a real calendar date") from exc
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(f"must be between the years {MIN_YEAR} and {MAX_YEAR}")
    return parsed


def _parse_hhmm(value: Any) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _HHMM.fullmatch(value):
        raise ValueError("must be a time as HH:MM (00:00-23:59)")
    return time.fromisoformat(value)


def _serialize_hhmm(value: time) -> str:
    return value.strftime("%H:%M")


SingleLine = Annotated[str, AfterValidator(_single_line)]
MultiLine = Annotated[str, AfterValidator(_multi_line)]
Instant = Annotated[
    AwareDatetime,
    AfterValidator(_in_years),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
IsoDate = Annotated[
    date,
    PlainValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date", "example": "2026-12-01"}),
]
ClockTime = Annotated[
    time,
    PlainValidator(_parse_hhmm),
    WithJsonSchema({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]
LanguageCode = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
CatalogCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]


class Strict(BaseModel):
    """Base for request bodies: strict JSON types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Out(BaseModel):
    """Base for responses."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------------------------
# Errors, catalog and availability


class ErrorDetail(Out):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(Out):
    error: ErrorDetail


class LanguageOut(Out):
    code: str
    name_ko: str
    name_en: str


class LanguagesOut(Out):
    languages: list[LanguageOut]


class CatalogEntryOut(Out):
    code: str
    name_ko: str
    name_en: str


class CatalogOut(Out):
    languages: list[LanguageOut]
    topics: list[CatalogEntryOut]
    specialties: list[CatalogEntryOut]
    channels: list[str]
    timezone: str
    slot_minutes: int
    consent_version: str


class AvailabilityQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    language: LanguageCode
    from_: IsoDate = Field(alias="from")
    to: IsoDate
    specialty: CatalogCode | None = None

    @field_validator("specialty")
    @classmethod
    def _known_specialty(cls, value: str | None) -> str | None:
        if value is not None and value not in SPECIALTY_CODES:
            raise ValueError("unknown specialty")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> AvailabilityQuery:
        if self.to < self.from_:
            raise ValueError("'to' must not be before 'from'")
        return self


class SlotOut(Out):
    start: datetime
    end: datetime
    free: int


class AvailabilityOut(Out):
    timezone: str
    slots: list[SlotOut]


# ---------------------------------------------------------------------------------------------
# Reservations


class ReservationCreate(Strict):
    """A citizen's booking. Staff-only fields are refused here (`extra="forbid"`)."""

    name: Annotated[SingleLine, Field(max_length=400)]
    contact: Annotated[SingleLine, Field(max_length=800)] | None = None
    language: LanguageCode
    specialty: CatalogCode | None = None
    topic: CatalogCode
    note: Annotated[MultiLine, Field(max_length=20000)] | None = None
    start: Instant
    consent: bool
    consent_version: Annotated[str, Field(max_length=40)]

    @field_validator("name")
    @classmethod
    def _name(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        limit = _limits(info).max_name_chars
        if not 1 <= len(value) <= limit:
            raise ValueError(f"must have 1 to {limit} characters")
        return value

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _optional_text(value, _limits(info).max_contact_chars)

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _optional_text(value, _limits(info).max_note_chars)

    @field_validator("specialty")
    @classmethod
    def _specialty(cls, value: str | None) -> str | None:
        if value is not None and value not in SPECIALTY_CODES:
            raise ValueError("unknown specialty")
        return value

    @field_validator("topic")
    @classmethod
    def _topic(cls, value: str) -> str:
        if value not in TOPIC_CODES:
            raise ValueError("unknown topic")
        return value

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        return _require_consent(value)

    @field_validator("consent_version")
    @classmethod
    def _consent_version(cls, value: str, info: ValidationInfo) -> str:
        return _current_consent(value, info)


class StaffReservationCreate(ReservationCreate):
    """A booking staff make for a phone, SMS or counter caller."""

    channel: Channel


class ReservationCreated(Out):
    id: int
    code: str
    token: str
    start: datetime
    end: datetime
    language: str
    status: ReservationStatus
    manage_url: str


class ReservationView(Out):
    """What the citizen holding the link sees."""

    id: int
    code: str
    start: datetime
    end: datetime
    language: str
    specialty: str | None
    topic: str
    status: ReservationStatus
    name: str
    contact: str | None
    note: str | None
    channel: Channel
    interpreter_name: str


class Reschedule(Strict):
    start: Instant


class CitizenCancelled(Out):
    code: str
    status: ReservationStatus


class HintTimeOut(Out):
    raised: int  # times the hint appeared
    seconds: float  # how long it was shown in all


class SideQualityOut(Out):
    """One side's video over the whole session, as the quality analyzer saw it."""

    frames: int  # frames analysed
    hands_visible_share: float | None  # share of them with a hand found (0-1)
    cropped_share: float | None  # share with a hand at or across the frame edge (0-1)
    mean_brightness: float | None  # mean luma, 0-255
    mean_received_fps: float | None  # the call's frame rate as the other member received it
    signing_seconds: float
    hints: dict[str, HintTimeOut]  # by hint code; only hints that were shown


class CallQualityOut(Out):
    """The session's quality summary (issue 5), totals per side (`caller`, `interpreter`)."""

    duration_seconds: float
    sides: dict[str, SideQualityOut]


class CallRecordOut(Out):
    """The latest call session of a reservation: times, wait and duration in seconds, who ended
    it and why, and the mean frame rate each side received. Never SDP, candidates or tokens."""

    caller_joined_at: datetime
    matched_at: datetime | None
    caller_media_at: datetime | None
    interpreter_media_at: datetime | None
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    ended_by: str
    end_reason: str
    caller_fps_avg: float | None
    interpreter_fps_avg: float | None
    interpreter_id: int | None  # who took the call (another one after a handover)
    handed_over: bool
    survey_answered: bool  # the caller answered the satisfaction survey
    survey_stars: int | None  # their stars, 1-5 (None: not answered)
    quality: CallQualityOut | None = None  # quality assistance's summary; None when it was off


class ReservationItem(ReservationView):
    """One row of the staff and interpreter lists: the citizen's view plus who and how it went."""

    interpreter_id: int
    call: CallRecordOut | None = None  # the latest call session, once one has ended


class ReservationList(Out):
    reservations: list[ReservationItem]


class StatusChanged(Out):
    id: int
    status: ReservationStatus


class StaffReservationsQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: IsoDate = Field(alias="from")
    to: IsoDate
    interpreter_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    status: ReservationStatus | None = None

    @model_validator(mode="after")
    def _range(self) -> StaffReservationsQuery:
        if self.to < self.from_:
            raise ValueError("'to' must not be before 'from'")
        if (self.to - self.from_).days + 1 > MAX_LIST_DAYS:
            raise ValueError(f"the range may cover at most {MAX_LIST_DAYS} days")
        return self


class InterpreterDayQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    date: IsoDate


# ---------------------------------------------------------------------------------------------
# Interpreters, shifts and exceptions (staff)


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _check_sign_languages(values: list[str]) -> list[str]:
    # Whether each code exists is checked by the store, in the same transaction as the write.
    return _dedupe(values)


def _check_spoken(values: list[str]) -> list[str]:
    if any(v not in SPOKEN_LANGUAGE_CODES for v in values):
        raise ValueError(f"use codes from {sorted(SPOKEN_LANGUAGE_CODES)}")
    return _dedupe(values)


def _check_specialties(values: list[str]) -> list[str]:
    if any(v not in SPECIALTY_CODES for v in values):
        raise ValueError("unknown specialty")
    return _dedupe(values)


DisplayName = Annotated[SingleLine, Field(min_length=1, max_length=80)]
SignLanguages = Annotated[list[LanguageCode], Field(min_length=1, max_length=10)]
SpokenLanguages = Annotated[list[Annotated[str, Field(max_length=8)]], Field(max_length=10)]
Specialties = Annotated[list[CatalogCode], Field(max_length=10)]


class InterpreterOut(Out):
    id: int
    display_name: str
    sign_languages: list[str]
    spoken_languages: list[str]
    specialties: list[str]
    active: bool


class InterpreterList(Out):
    interpreters: list[InterpreterOut]


class InterpreterCreate(Strict):
    display_name: DisplayName
    sign_languages: SignLanguages
    spoken_languages: SpokenLanguages = Field(default_factory=lambda: ["ko"])
    specialties: Specialties = Field(default_factory=list)
    active: bool = True

    @field_validator("display_name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("sign_languages")
    @classmethod
    def _sign(cls, value: list[str]) -> list[str]:
        return _check_sign_languages(value)

    @field_validator("spoken_languages")
    @classmethod
    def _spoken(cls, value: list[str]) -> list[str]:
        return _check_spoken(value)

    @field_validator("specialties")
    @classmethod
    def _specialties(cls, value: list[str]) -> list[str]:
        return _check_specialties(value)


class InterpreterPatch(Strict):
    """A partial update: only the fields present change."""

    display_name: DisplayName | None = None
    sign_languages: SignLanguages | None = None
    spoken_languages: SpokenLanguages | None = None
    specialties: Specialties | None = None
    active: bool | None = None

    @field_validator("display_name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("sign_languages")
    @classmethod
    def _sign(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_sign_languages(value)

    @field_validator("spoken_languages")
    @classmethod
    def _spoken(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_spoken(value)

    @field_validator("specialties")
    @classmethod
    def _specialties(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_specialties(value)

    @model_validator(mode="after")
    def _not_null(self) -> InterpreterPatch:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"'{name}' cannot be null")
        return self


class ShiftCreate(Strict):
    """A weekly shift; `end` at or before `start` means it runs past midnight."""

    weekday: Annotated[int, Field(ge=0, le=6)]
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _not_empty(self) -> ShiftCreate:
        if self.start == self.end:
            raise ValueError("a shift cannot start and end at the same time")
        return self


class ShiftOut(Out):
    id: int
    weekday: int
    start: str
    end: str


class ExceptionCreate(Strict):
    kind: ExceptionKind
    start: Instant
    end: Instant
    note: Annotated[SingleLine, Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _span(self) -> ExceptionCreate:
        if self.end <= self.start:
            raise ValueError("'end' must be after 'start'")
        if self.end - self.start > timedelta(days=MAX_EXCEPTION_DAYS):
            raise ValueError(f"an exception may span at most {MAX_EXCEPTION_DAYS} days")
        return self


class ExceptionOut(Out):
    id: int
    kind: ExceptionKind
    start: datetime
    end: datetime
    note: str | None


class ScheduleOut(Out):
    shifts: list[ShiftOut]
    exceptions: list[ExceptionOut]


class Created(Out):
    id: int


class Deleted(Out):
    id: int
    deleted: Literal[True] = True


class MeOut(Out):
    username: str
    display_name: str
    role: Role
    csrf_token: str


def hhmm(value: time) -> str:
    """A shift time the way the API writes it."""
    return _serialize_hhmm(value)


# ---------------------------------------------------------------------------------------------
# Calls (signaling)


class CallTicketOut(Out):
    """A one-time ticket for `GET {ws_path}?ticket=...`; request a fresh one for every socket."""

    ticket: str
    expires_in: int  # seconds
    ws_path: str
    slot_start: datetime
    slot_end: datetime
    join_from: datetime  # the waiting room opens (slot start minus the join window)


class IceServerOut(Out):
    """One entry for `new RTCPeerConnection({iceServers})`, passed as is."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class VideoConstraintsOut(Out):
    """What the pages ask `getUserMedia` for: enough for signing, light on the uplink."""

    width: int = 640
    height: int = 480
    frameRate: int = 30  # the getUserMedia constraint's own spelling


class CallConfigOut(Out):
    ice_servers: list[IceServerOut]
    video: VideoConstraintsOut


class OpenCallOut(Out):
    """An open session as this server process's signaling core sees it: a booking's (`reserved`,
    with its `reservation_id` and `code`) or a walk-in's from the live queue (`contact_id`)."""

    session_id: str
    kind: Literal["reserved", "walk_in"]
    mode: Literal["video", "chat"]
    reservation_id: int | None
    contact_id: int | None
    code: str | None  # the booking code staff know it by (None: a walk-in, or the booking is gone)
    state: Literal["waiting", "matched", "connected", "reconnecting"]
    since: datetime
    language: str
    specialty: str | None
    slot_start: datetime
    assigned_interpreter_id: int | None  # the booking's interpreter; None for a walk-in
    interpreter_id: int | None  # who has the call; None while a walk-in waits in the queue
    waiting_status: str | None  # what a waiting caller was last told, e.g. "interpreter_absent"
    alerted: bool  # staff were told the interpreter is absent
    handover_candidates: list[int]  # whom a `staff_handover` would be accepted for, now


class InterpreterPresenceOut(Out):
    interpreter_id: int
    display_name: str
    languages: list[str]  # sign-language codes
    presence: str
    connected: bool
    session_id: str | None


class StaffCallsOut(Out):
    calls: list[OpenCallOut]
    interpreters: list[InterpreterPresenceOut]


# ---------------------------------------------------------------------------------------------
# The live queue (walk-ins) and the satisfaction survey


class QueueLanguageOut(LanguageOut):
    interpreters_online: int  # connected now, in any state but offline


class QueueStatusOut(Out):
    """What the start page needs to offer the live queue, or a booking when it is closed."""

    open: bool
    now: datetime
    closes_at: datetime | None  # when open
    opens_at: datetime | None  # when closed: the next opening
    timezone: str
    languages: list[QueueLanguageOut]
    specialties: list[CatalogEntryOut]
    modes: list[Literal["video", "chat"]]
    consent_version: str


class QueueJoin(Strict):
    """A walk-in asking for an interpreter now. Only a nickname is asked, and it is optional."""

    language: LanguageCode
    specialty: CatalogCode | None = None
    mode: Literal["video", "chat"]
    display_name: Annotated[SingleLine, Field(max_length=400)] | None = None
    consent: bool
    consent_version: Annotated[str, Field(max_length=40)]

    @field_validator("specialty")
    @classmethod
    def _specialty(cls, value: str | None) -> str | None:
        if value is not None and value not in SPECIALTY_CODES:
            raise ValueError("unknown specialty")
        return value

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str | None) -> str | None:
        return _optional_text(value, MAX_CONTACT_NAME_CHARS)

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        return _require_consent(value)

    @field_validator("consent_version")
    @classmethod
    def _consent_version(cls, value: str, info: ValidationInfo) -> str:
        return _current_consent(value, info)


class QueueContactCreated(Out):
    """The walk-in's contact; `contact_token` is returned once, here, and only its hash is kept.
    It buys call tickets (`POST /api/queue/ticket`) until `expires_at`, and answers the survey."""

    contact_id: int
    contact_token: str
    mode: Literal["video", "chat"]
    language: str
    specialty: str | None
    expires_at: datetime


class QueueTicketOut(Out):
    """A one-time ticket for `GET {ws_path}?ticket=...`; request a fresh one for every socket."""

    ticket: str
    expires_in: int  # seconds
    ws_path: str


class SurveyIn(Strict):
    stars: Annotated[int, Field(ge=1, le=5)]
    resolved: bool | None = None  # "was your issue resolved?"; null: no answer
    comment: Annotated[MultiLine, Field(max_length=20000)] | None = None

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str | None) -> str | None:
        return _optional_text(value, MAX_SURVEY_COMMENT_CHARS)


class SurveyOut(Out):
    session_id: str
    stars: int
    resolved: bool | None
    answered_at: datetime


# ---------------------------------------------------------------------------------------------
# Counseling records (issue 6; `web.records`, `scheduler.counseling`)

RecordOutcome = Literal["answered", "referred", "follow_up", "could_not_help"]
RecordChannel = Literal["web", "phone", "sms", "counter", "live"]
RecordMode = Literal["video", "chat"]
CategoryCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")]
# Generous bounds here; the record's own limits (4,000 and 120 characters) are the rules of
# `scheduler.counseling`, which name the field and the problem.
RecordSummary = Annotated[MultiLine, Field(max_length=20000)]
RecordAgency = Annotated[MultiLine, Field(max_length=2000)]


class RecordCategoryOut(Out):
    code: str
    label_ko: str
    label_en: str


class RecordCatalogOut(Out):
    """What the record form and the search form offer."""

    categories: list[RecordCategoryOut]
    outcomes: list[RecordOutcome]
    channels: list[RecordChannel]
    max_summary_chars: int
    max_agency_chars: int


class RecordIn(Strict):
    """A save of the record form. `final: false` is an autosave: a draft may lack fields, and
    what is missing comes back in `missing`; `final: true` refuses an incomplete record."""

    category: CategoryCode | None = None
    summary: RecordSummary = ""
    outcome: RecordOutcome | None = None
    agency: RecordAgency | None = None
    follow_up_date: IsoDate | None = None
    final: bool = False

    @field_validator("agency")
    @classmethod
    def _blank_agency(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else value.strip()


class RecordOut(Out):
    category: str | None
    summary: str
    outcome: RecordOutcome | None
    agency: str | None
    follow_up_date: date | None
    created_at: datetime
    updated_at: datetime
    updated_by_account_id: int | None
    complete: bool
    missing: dict[str, str]  # field -> problem code, for a draft


class RecordSavedOut(Out):
    session_id: str
    record: RecordOut


class RecordSessionOut(Out):
    """What the system knows about the session: the booking or queue entry, the times, the
    interpreter. No citizen name, contact or free-text note."""

    session_id: str
    kind: Literal["reserved", "walk_in"]
    mode: RecordMode
    language: str | None
    channel: RecordChannel
    specialty: str | None
    booking_code: str | None
    booking_topic: str | None
    slot_start: datetime | None
    slot_end: datetime | None
    queue_joined_at: datetime | None
    interpreter_id: int | None
    interpreter_name: str | None
    handed_over: bool
    caller_joined_at: datetime
    matched_at: datetime | None
    connected_at: datetime | None
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    ended_by: str
    end_reason: str


class TranscriptLineOut(Out):
    seq: int
    sender: Literal["caller", "interpreter"]
    text: str
    at: datetime


class RecordSurveyOut(Out):
    stars: int
    resolved: bool | None
    comment: str | None
    answered_at: datetime


class RecordingOut(Out):
    """One side's recording file of the session (filled by media recording)."""

    recording_id: str
    side: Literal["caller", "interpreter"]
    format: str
    bytes: int
    started_at: datetime
    ended_at: datetime


class RecordViewOut(Out):
    session: RecordSessionOut
    record: RecordOut | None  # None: nothing saved yet
    quality: CallQualityOut | None
    transcript_kept: bool  # the caller consented and the lines were stored
    transcript_truncated: bool
    transcript: list[TranscriptLineOut]
    survey: RecordSurveyOut | None
    recordings: list[RecordingOut]


def _check_search_range(first: date | None, last: date | None) -> None:
    if first is not None and last is not None and last < first:
        raise ValueError("'to' must not be before 'from'")


class RecordExportQuery(BaseModel):
    """Filters of the supervisors' search and of the exports (query string, lenient)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: IsoDate | None = Field(default=None, alias="from")
    to: IsoDate | None = None
    interpreter_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    category: CategoryCode | None = None
    outcome: RecordOutcome | None = None
    language: LanguageCode | None = None
    channel: RecordChannel | None = None
    mode: RecordMode | None = None
    lang: Literal["ko", "en"] = "ko"  # labels in exports (category, Open311 service_name)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _range(self) -> RecordExportQuery:
        _check_search_range(self.from_, self.to)
        return self


class RecordSearchQuery(RecordExportQuery):
    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 25


class RecordRowOut(Out):
    session_id: str
    kind: Literal["reserved", "walk_in"]
    mode: RecordMode
    language: str | None
    channel: RecordChannel
    booking_code: str | None
    interpreter_id: int | None
    interpreter_name: str | None
    caller_joined_at: datetime
    ended_at: datetime
    wait_seconds: float
    duration_seconds: float | None
    category: str | None
    outcome: RecordOutcome | None
    agency: str | None
    follow_up_date: date | None
    survey_stars: int | None
    updated_at: datetime
    complete: bool


class RecordSearchOut(Out):
    total: int
    page: int
    page_size: int
    pages: int
    records: list[RecordRowOut]


class RecentSessionsQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    limit: Annotated[int, Field(ge=1, le=50)] = 10


class RecentSessionOut(Out):
    session_id: str
    kind: Literal["reserved", "walk_in"]
    mode: RecordMode
    language: str | None
    caller_joined_at: datetime
    ended_at: datetime
    duration_seconds: float | None
    has_record: bool
    complete: bool


class RecentSessionsOut(Out):
    sessions: list[RecentSessionOut]
