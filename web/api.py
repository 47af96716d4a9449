"""The JSON API. Handlers are thin: parse (web.schemas), call the store, serialize.

Every route is one `RouteSpec` in `ROUTES`; `setup_api` registers them and the same table feeds
the OpenAPI document, so the two cannot drift. Store refusals become JSON errors in one place
(`_translating`), so a handler never builds an error by hand.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web
from icalendar import Calendar, Event
from pydantic import BaseModel, ValidationError

from scheduler import store
from scheduler.catalog import CHANNELS, SPECIALTIES, TOPICS
from scheduler.codes import normalize_code
from scheduler.domain import Channel, IllegalTransition, ReservationStatus, Role
from signaling.server import CORE, HUB, WS_PATH
from signaling.states import Presence
from signaling.store import AlreadyAnswered, SurveyInput, UnknownSession, save_survey
from signaling.tickets import (
    CONTACT_MAX_AGE,
    NewContact,
    TicketRefusal,
    TicketRefused,
    create_contact,
    issue_contact_ticket,
    issue_ticket,
)
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from signdesk.settings import Settings
from web.auth import CurrentUser, LoginThrottle, current_user, require_role
from web.errors import json_error
from web.openapi import Access, Handler, RouteSpec, build_document
from web.schemas import (
    AvailabilityOut,
    AvailabilityQuery,
    CallConfigOut,
    CallQualityOut,
    CallRecordOut,
    CallTicketOut,
    CatalogEntryOut,
    CatalogOut,
    CitizenCancelled,
    Deleted,
    ExceptionCreate,
    ExceptionOut,
    HintTimeOut,
    IceServerOut,
    InterpreterCreate,
    InterpreterDayQuery,
    InterpreterList,
    InterpreterOut,
    InterpreterPatch,
    InterpreterPresenceOut,
    LanguageOut,
    LanguagesOut,
    Limits,
    MeOut,
    OpenCallOut,
    QueueContactCreated,
    QueueJoin,
    QueueLanguageOut,
    QueueStatusOut,
    QueueTicketOut,
    Reschedule,
    ReservationCreate,
    ReservationCreated,
    ReservationItem,
    ReservationList,
    ReservationView,
    ScheduleOut,
    ShiftCreate,
    ShiftOut,
    SideQualityOut,
    SlotOut,
    StaffCallsOut,
    StaffReservationCreate,
    StaffReservationsQuery,
    StatusChanged,
    SurveyIn,
    SurveyOut,
    VideoConstraintsOut,
    hhmm,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

MAX_TOKEN_CHARS = 128
MAX_ID = 2**31 - 1
# Walk-in contacts one client address may create per minute: a family or a counter's kiosk makes
# a few, a script filling the table is stopped. The table of addresses itself is bounded.
QUEUE_CONTACTS_PER_MINUTE = 10
# How long a survey for a session not yet stored waits for the record writer's queue to drain.
SURVEY_FLUSH_SECONDS = 3.0
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True, slots=True)
class OpenApiDocument:
    text: str


OPENAPI = web.AppKey("openapi", OpenApiDocument)
QUEUE_THROTTLE = web.AppKey("queue_throttle", LoginThrottle)


class ApiError(Exception):
    """A refusal decided in the HTTP layer (bad JSON, wrong media type, unknown code)."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


_STORE_ERRORS: dict[type[store.StoreError], tuple[int, str, str]] = {
    store.NotFound: (404, "not_found", "no such reservation, or the link is not valid"),
    store.SlotTaken: (409, "slot_taken", "someone else has just taken this time; pick another"),
    store.SlotUnavailable: (409, "slot_unavailable", "this time cannot be booked"),
    store.NotActive: (409, "not_active", "this reservation is no longer active"),
    store.NotStarted: (409, "not_started", "a no-show can be recorded only after the start"),
}


def _translating(handler: Handler) -> Handler:
    """Turn store refusals and `ApiError` into the one JSON error shape."""

    name = getattr(handler, "__name__", "handler")

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as exc:
            status, code, message, fields = exc.status, exc.code, exc.message, exc.fields
        except store.InvalidInput as exc:
            status, code, message, fields = 422, "invalid", "some fields are invalid", exc.fields
        except store.StoreError as exc:
            status, code, message = _STORE_ERRORS.get(type(exc), (409, "conflict", "refused"))
            if isinstance(exc, store.NotFound) and request.path.startswith("/api/staff/"):
                message = "not found"
            fields = None
        except IllegalTransition as exc:
            status, code, message, fields = 409, "illegal_transition", str(exc), None
        log.debug("%s refused: %s %s", name, status, code)
        return json_error(status, code, message, fields)

    wrapped.__name__ = name
    return wrapped


# --- parsing helpers ----------------------------------------------------------------------------


async def _body(request: web.Request, model: type[M], limits: Limits | None = None) -> M:
    """Parse a JSON body strictly; bad JSON is 400, bad fields 422 (via the error middleware)."""
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    raw = await request.read()  # aiohttp answers 413 beyond client_max_size
    try:
        return model.model_validate_json(raw, context=limits)
    except ValidationError as exc:
        if any(err["type"] == "json_invalid" for err in exc.errors(include_input=False)):
            raise ApiError(400, "bad_json", "the body is not valid JSON") from None
        raise


def _query(request: web.Request, model: type[M]) -> M:
    return model.model_validate(dict(request.query))


def _code(request: web.Request) -> str:
    code = normalize_code(request.match_info["code"])
    if code is None:
        raise store.NotFound
    return code


def _bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    # Tokens are URL-safe base64; anything else (even undecodable bytes) is simply wrong.
    if (
        scheme.lower() != "bearer"
        or not token
        or len(token) > MAX_TOKEN_CHARS
        or not token.isascii()
        or not token.isprintable()
    ):
        raise store.NotFound
    return token


def _id(request: web.Request, name: str = "id") -> int:
    raw = request.match_info[name]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_ID:
        raise store.NotFound
    return int(raw)


def _user(request: web.Request) -> CurrentUser:
    user = current_user(request)
    if user is None:  # require_role runs first; this is for the type checker
        raise ApiError(401, "login_required", "log in first")
    return user


def _json(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        text=model.model_dump_json(), status=status, content_type="application/json"
    )


def _local(value: datetime, settings: Settings) -> datetime:
    return value.astimezone(settings.tz)


def _limits(request: web.Request) -> Limits:
    return Limits.from_settings(request.app[SETTINGS])


def _now(request: web.Request) -> datetime:
    """The signaling hub's clock: the live queue's hours and tickets follow the same time as
    the core that routes the calls (and tests pin both at once)."""
    hub = request.app.get(HUB)
    return hub.clock() if hub is not None else utcnow()


# --- serializers --------------------------------------------------------------------------------


def _created(booked: store.Booked, settings: Settings) -> ReservationCreated:
    r = booked.reservation
    return ReservationCreated(
        id=r.id,
        code=r.code,
        token=booked.token,
        start=_local(r.start, settings),
        end=_local(r.end, settings),
        language=r.language,
        status=r.status,
        manage_url=f"/booking/{r.code}",
    )


def _view(r: store.ReservationRecord, settings: Settings) -> ReservationView:
    return ReservationView(
        id=r.id,
        code=r.code,
        start=_local(r.start, settings),
        end=_local(r.end, settings),
        language=r.language,
        specialty=r.specialty,
        topic=r.topic,
        status=r.status,
        name=r.name,
        contact=r.contact,
        note=r.note,
        channel=r.channel,
        interpreter_name=r.interpreter_name,
    )


def _item(r: store.ReservationRecord, settings: Settings) -> ReservationItem:
    return ReservationItem(
        **_view(r, settings).model_dump(),
        interpreter_id=r.interpreter_id,
        call=None if r.call is None else _call_record(r.call, settings),
    )


def _call_record(c: store.CallSummary, settings: Settings) -> CallRecordOut:
    def local(value: datetime | None) -> datetime | None:
        return None if value is None else _local(value, settings)

    return CallRecordOut(
        caller_joined_at=_local(c.caller_joined_at, settings),
        matched_at=local(c.matched_at),
        caller_media_at=local(c.caller_media_at),
        interpreter_media_at=local(c.interpreter_media_at),
        ended_at=_local(c.ended_at, settings),
        wait_seconds=c.wait_seconds,
        duration_seconds=c.duration_seconds,
        ended_by=c.ended_by,
        end_reason=c.end_reason,
        caller_fps_avg=c.caller_fps_avg,
        interpreter_fps_avg=c.interpreter_fps_avg,
        interpreter_id=c.interpreter_id,
        handed_over=c.handed_over,
        survey_answered=c.survey_stars is not None,
        survey_stars=c.survey_stars,
        quality=_call_quality(c.quality_summary),
    )


def _call_quality(summary: dict[str, Any] | None) -> CallQualityOut | None:
    """The totals of a stored quality summary (the per-minute rows stay in the database). A
    summary that does not have the expected shape is left out rather than failing the list."""
    if not summary:
        return None
    try:
        sides = {
            name: SideQualityOut(
                frames=side["total"]["frames"],
                hands_visible_share=side["total"]["hands_visible_share"],
                cropped_share=side["total"]["cropped_share"],
                mean_brightness=side["total"]["mean_brightness"],
                mean_received_fps=side["total"]["mean_received_fps"],
                signing_seconds=side["total"]["signing_seconds"],
                hints={
                    code: HintTimeOut(raised=hint["raised"], seconds=hint["seconds"])
                    for code, hint in side["total"]["hints"].items()
                },
            )
            for name, side in summary["sides"].items()
        }
        return CallQualityOut(duration_seconds=summary["duration_seconds"], sides=sides)
    except (KeyError, TypeError, AttributeError, ValidationError):
        log.warning("a stored quality summary has an unexpected shape; not shown")
        return None


def _interpreter(r: store.InterpreterRecord) -> InterpreterOut:
    return InterpreterOut(
        id=r.id,
        display_name=r.display_name,
        sign_languages=r.sign_languages,
        spoken_languages=r.spoken_languages,
        specialties=r.specialties,
        active=r.active,
    )


def _language(r: store.LanguageRecord) -> LanguageOut:
    return LanguageOut(code=r.code, name_ko=r.name_ko, name_en=r.name_en)


def _shift(r: store.ShiftRecord) -> ShiftOut:
    return ShiftOut(id=r.id, weekday=r.weekday, start=hhmm(r.start), end=hhmm(r.end))


def _exception(r: store.ExceptionRecord, settings: Settings) -> ExceptionOut:
    return ExceptionOut(
        id=r.id,
        kind=r.kind,
        start=_local(r.start, settings),
        end=_local(r.end, settings),
        note=r.note,
    )


def calendar_file(r: store.ReservationRecord, now: datetime) -> bytes:
    """An iCalendar file for the reservation: times in UTC and no personal data."""
    cal = Calendar()
    cal.add("prodid", "-//SignDesk//Sign-language counseling//KO")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{r.code}@signdesk")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", r.start.astimezone(UTC))
    event.add("dtend", r.end.astimezone(UTC))
    event.add("summary", f"수어 상담 / Sign-language counseling ({r.code})")
    event.add(
        "description",
        f"예약 확인·변경 / View or change: /booking/{r.code}",
    )
    event.add("status", "CONFIRMED" if r.status is ReservationStatus.BOOKED else "CANCELLED")
    cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


# --- public -------------------------------------------------------------------------------------


async def list_languages(request: web.Request) -> web.StreamResponse:
    """The sign languages the service offers."""
    rows = await store.list_languages(request.app[SESSIONS])
    return _json(LanguagesOut(languages=[_language(r) for r in rows]))


async def get_catalog(request: web.Request) -> web.StreamResponse:
    """Everything a booking form needs to draw itself."""
    settings = request.app[SETTINGS]
    rows = await store.list_languages(request.app[SESSIONS])
    return _json(
        CatalogOut(
            languages=[_language(r) for r in rows],
            topics=[
                CatalogEntryOut(code=t.code, name_ko=t.name_ko, name_en=t.name_en) for t in TOPICS
            ],
            specialties=[
                CatalogEntryOut(code=s.code, name_ko=s.name_ko, name_en=s.name_en)
                for s in SPECIALTIES
            ],
            channels=list(CHANNELS),
            timezone=settings.timezone,
            slot_minutes=settings.slot_minutes,
            consent_version=settings.consent_version,
        )
    )


async def get_availability(request: web.Request) -> web.StreamResponse:
    """Bookable slots for a language over a date range."""
    settings = request.app[SETTINGS]
    query = _query(request, AvailabilityQuery)
    slots = await store.availability(
        request.app[SESSIONS],
        settings,
        language=query.language,
        first_day=query.from_,
        last_day=query.to,
        specialty=query.specialty,
    )
    return _json(
        AvailabilityOut(
            timezone=settings.timezone,
            slots=[SlotOut(start=s.start, end=s.end, free=s.free) for s in slots],
        )
    )


async def create_reservation(request: web.Request) -> web.StreamResponse:
    """Book a slot as a citizen; the link token is returned once, here."""
    settings = request.app[SETTINGS]
    body = await _body(request, ReservationCreate, _limits(request))
    booked = await store.book(request.app[SESSIONS], settings, _new_booking(body))
    return _json(_created(booked, settings), status=201)


def _new_booking(body: ReservationCreate, account_id: int | None = None) -> store.NewBooking:
    channel = body.channel if isinstance(body, StaffReservationCreate) else Channel.WEB
    return store.NewBooking(
        name=body.name,
        contact=body.contact,
        language=body.language,
        specialty=body.specialty,
        topic=body.topic,
        note=body.note,
        start=body.start,
        consent_version=body.consent_version,
        channel=channel,
        created_by_account_id=account_id,
    )


async def get_reservation(request: web.Request) -> web.StreamResponse:
    """The reservation, for whoever holds its link token."""
    record = await store.get_by_code(request.app[SESSIONS], _code(request), _bearer(request))
    return _json(_view(record, request.app[SETTINGS]))


async def cancel_reservation(request: web.Request) -> web.StreamResponse:
    """Cancel as the citizen; frees the interpreter's time at once."""
    record = await store.cancel_by_code(request.app[SESSIONS], _code(request), _bearer(request))
    return _json(CitizenCancelled(code=record.code, status=record.status))


async def reschedule_reservation(request: web.Request) -> web.StreamResponse:
    """Move to another slot in one transaction; on any refusal nothing changes."""
    settings = request.app[SETTINGS]
    code, token = _code(request), _bearer(request)
    body = await _body(request, Reschedule)
    record = await store.reschedule(request.app[SESSIONS], settings, code, token, body.start)
    return _json(_view(record, settings))


async def reservation_calendar(request: web.Request) -> web.StreamResponse:
    """The reservation as an .ics file for the citizen's calendar."""
    record = await store.get_by_code(request.app[SESSIONS], _code(request), _bearer(request))
    return web.Response(
        body=calendar_file(record, utcnow()),
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="signdesk-{record.code}.ics"'},
    )


_TICKET_REFUSALS: dict[TicketRefusal, tuple[int, str]] = {
    TicketRefusal.NOT_ACTIVE: (409, "this reservation is no longer active"),
    TicketRefusal.TOO_EARLY: (409, "the waiting room is not open yet; see fields.join_from"),
    TicketRefusal.TOO_LATE: (409, "this reservation's time is over"),
    TicketRefusal.TOO_MANY: (429, "too many unused call tickets; use one or wait a minute"),
    TicketRefusal.CONTACT_EXPIRED: (409, "this queue request has expired; join the queue again"),
    TicketRefusal.QUEUE_CLOSED: (409, "the live queue is closed now"),
}


async def create_call_ticket(request: web.Request) -> web.StreamResponse:
    """A one-time ticket for the call socket, inside the booking's join window."""
    settings = request.app[SETTINGS]
    code, token = _code(request), _bearer(request)
    try:
        issued = await issue_ticket(
            request.app[SESSIONS],
            code,
            token,
            ticket_seconds=settings.call_ticket_seconds,
            join_early=request.app[CORE].config.join_early,
        )
    except TicketRefused as refused:
        status, message = _TICKET_REFUSALS[refused.reason]
        fields = None
        if refused.join_from is not None:
            fields = {"join_from": _local(refused.join_from, settings).isoformat()}
        raise ApiError(status, refused.reason.value, message, fields) from None
    return _json(
        CallTicketOut(
            ticket=issued.ticket,
            expires_in=issued.expires_in,
            ws_path=WS_PATH,
            slot_start=_local(issued.slot_start, settings),
            slot_end=_local(issued.slot_end, settings),
            join_from=_local(issued.join_from, settings),
        ),
        status=201,
    )


# --- the live queue and the survey ---------------------------------------------------------------


def _queue_closed(window: store.ServiceWindow, settings: Settings) -> ApiError:
    fields = None
    if window.opens_at is not None:
        fields = {"opens_at": _local(window.opens_at, settings).isoformat()}
    return ApiError(
        409, "queue_closed", "the live queue is closed now; see fields.opens_at", fields
    )


async def queue_status(request: web.Request) -> web.StreamResponse:
    """Whether the live queue is open, and what a walk-in can choose from."""
    settings = request.app[SETTINGS]
    now = _now(request)
    window = store.service_window(settings, now)
    online: Counter[str] = Counter()
    for interpreter in request.app[CORE].interpreters():
        if interpreter.presence is not Presence.OFFLINE:
            online.update(set(interpreter.languages))
    rows = await store.list_languages(request.app[SESSIONS])
    return _json(
        QueueStatusOut(
            open=window.open,
            now=_local(now, settings),
            closes_at=None if window.closes_at is None else _local(window.closes_at, settings),
            opens_at=None if window.opens_at is None else _local(window.opens_at, settings),
            timezone=settings.timezone,
            languages=[
                QueueLanguageOut(
                    code=r.code,
                    name_ko=r.name_ko,
                    name_en=r.name_en,
                    interpreters_online=online[r.code],
                )
                for r in rows
            ],
            specialties=[
                CatalogEntryOut(code=s.code, name_ko=s.name_ko, name_en=s.name_en)
                for s in SPECIALTIES
            ],
            modes=["video", "chat"],
            consent_version=settings.consent_version,
        )
    )


async def join_queue(request: web.Request) -> web.StreamResponse:
    """Become a walk-in contact of the live queue; the contact token is returned once, here."""
    settings = request.app[SETTINGS]
    body = await _body(request, QueueJoin, _limits(request))
    now = _now(request)
    window = store.service_window(settings, now)
    if not window.open:
        raise _queue_closed(window, settings)
    throttle, client, tick = (
        request.app[QUEUE_THROTTLE],
        request.remote or "unknown",
        time.monotonic(),
    )
    if throttle.blocked(client, tick):
        raise ApiError(429, "too_many_contacts", "too many queue requests; wait a minute")
    throttle.record_failure(client, tick)  # every contact counts, not only failures
    contact_id, token = await create_contact(
        request.app[SESSIONS],
        NewContact(
            language=body.language,
            mode=body.mode,
            consent_version=body.consent_version,
            specialty=body.specialty,
            display_name=body.display_name,
        ),
        now=now,
    )
    return _json(
        QueueContactCreated(
            contact_id=contact_id,
            contact_token=token,
            mode=body.mode,
            language=body.language,
            specialty=body.specialty,
            expires_at=_local(now + CONTACT_MAX_AGE, settings),
        ),
        status=201,
    )


async def create_queue_ticket(request: web.Request) -> web.StreamResponse:
    """A one-time ticket for a walk-in's call socket, bought with the contact token."""
    settings = request.app[SETTINGS]
    try:
        token = _bearer(request)
    except store.NotFound:
        token = ""
    now = _now(request)
    window = store.service_window(settings, now)
    open_contacts = {c.contact_id for c in request.app[CORE].calls() if c.contact_id is not None}
    try:
        issued = await issue_contact_ticket(
            request.app[SESSIONS],
            token,
            now=now,
            ticket_seconds=settings.call_ticket_seconds,
            queue_open=window.open,
            has_open_session=open_contacts.__contains__,
        )
    except store.NotFound:
        raise ApiError(401, "token_invalid", "the contact token is not valid") from None
    except TicketRefused as refused:
        if refused.reason is TicketRefusal.QUEUE_CLOSED:
            raise _queue_closed(window, settings) from None
        status, message = _TICKET_REFUSALS[refused.reason]
        raise ApiError(status, refused.reason.value, message) from None
    return _json(
        QueueTicketOut(ticket=issued.ticket, expires_in=issued.expires_in, ws_path=WS_PATH),
        status=201,
    )


async def answer_survey(request: web.Request) -> web.StreamResponse:
    """The caller's satisfaction survey after a session: once per session, skipping is fine."""
    raw_id = request.match_info["session_id"]
    if not _SESSION_ID.fullmatch(raw_id):
        raise store.NotFound
    token = _bearer(request)
    body = await _body(request, SurveyIn)
    answer = SurveyInput(stars=body.stars, resolved=body.resolved, comment=body.comment)
    now = utcnow()
    sessions = request.app[SESSIONS]
    try:
        try:
            await save_survey(sessions, raw_id, token, answer, now=now)
        except UnknownSession:  # the session's record may still be in the writer's queue
            await _flush_records(request)
            await save_survey(sessions, raw_id, token, answer, now=now)
    except store.NotFound:
        raise ApiError(404, "not_found", "no such session, or the token is not valid") from None
    except AlreadyAnswered:
        raise ApiError(409, "already_answered", "this session's survey was answered") from None
    return _json(
        SurveyOut(
            session_id=raw_id,
            stars=answer.stars,
            resolved=answer.resolved,
            answered_at=_local(now, request.app[SETTINGS]),
        ),
        status=201,
    )


async def _flush_records(request: web.Request) -> None:
    """Wait (briefly) until the records the core has emitted are stored."""
    hub = request.app.get(HUB)
    if hub is None or hub.records is None:
        return
    try:
        async with asyncio.timeout(SURVEY_FLUSH_SECONDS):
            await hub.records.flush()
    except TimeoutError:
        log.warning(
            "record writer still busy after %ss; survey lookup goes on", SURVEY_FLUSH_SECONDS
        )


async def get_call_config(request: web.Request) -> web.StreamResponse:
    """ICE servers and camera constraints for the call pages (TURN credentials are for them)."""
    servers = request.app[CORE].config.ice_servers
    return _json(
        CallConfigOut(
            ice_servers=[
                IceServerOut(urls=list(s.urls), username=s.username, credential=s.credential)
                for s in servers
            ],
            video=VideoConstraintsOut(),
        )
    )


async def openapi_json(request: web.Request) -> web.StreamResponse:
    """This API, described as OpenAPI 3.1."""
    return web.Response(text=request.app[OPENAPI].text, content_type="application/json")


@require_role(Role.INTERPRETER, Role.STAFF)
async def get_me(request: web.Request) -> web.StreamResponse:
    """Who is logged in, and the CSRF token their pages must send."""
    user = _user(request)
    return _json(
        MeOut(
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            csrf_token=user.csrf_token,
        )
    )


# --- staff --------------------------------------------------------------------------------------


@require_role(Role.STAFF)
async def staff_list_interpreters(request: web.Request) -> web.StreamResponse:
    """All interpreters, active or not."""
    rows = await store.list_interpreters(request.app[SESSIONS])
    return _json(InterpreterList(interpreters=[_interpreter(r) for r in rows]))


@require_role(Role.STAFF)
async def staff_create_interpreter(request: web.Request) -> web.StreamResponse:
    """Add an interpreter (their log-in account is made separately)."""
    body = await _body(request, InterpreterCreate)
    record = await store.create_interpreter(
        request.app[SESSIONS], body.model_dump(), _user(request).account_id
    )
    return _json(_interpreter(record), status=201)


@require_role(Role.STAFF)
async def staff_update_interpreter(request: web.Request) -> web.StreamResponse:
    """Change some fields of an interpreter."""
    interpreter_id = _id(request)
    body = await _body(request, InterpreterPatch)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise ApiError(422, "invalid", "nothing to change", {"body": "give at least one field"})
    record = await store.update_interpreter(
        request.app[SESSIONS], interpreter_id, changes, _user(request).account_id
    )
    return _json(_interpreter(record))


@require_role(Role.STAFF)
async def staff_schedule(request: web.Request) -> web.StreamResponse:
    """An interpreter's weekly shifts and dated exceptions."""
    settings = request.app[SETTINGS]
    schedule = await store.get_schedule(request.app[SESSIONS], _id(request))
    return _json(
        ScheduleOut(
            shifts=[_shift(s) for s in schedule.shifts],
            exceptions=[_exception(e, settings) for e in schedule.exceptions],
        )
    )


@require_role(Role.STAFF)
async def staff_add_shift(request: web.Request) -> web.StreamResponse:
    """Add a weekly shift (local wall-clock times)."""
    interpreter_id = _id(request)
    body = await _body(request, ShiftCreate)
    record = await store.add_shift(
        request.app[SESSIONS],
        interpreter_id,
        body.weekday,
        body.start,
        body.end,
        _user(request).account_id,
    )
    return _json(_shift(record), status=201)


@require_role(Role.STAFF)
async def staff_delete_shift(request: web.Request) -> web.StreamResponse:
    """Remove a weekly shift; existing reservations stay."""
    shift_id = _id(request)
    await store.delete_shift(request.app[SESSIONS], shift_id, _user(request).account_id)
    return _json(Deleted(id=shift_id))


@require_role(Role.STAFF)
async def staff_add_exception(request: web.Request) -> web.StreamResponse:
    """Add leave or extra hours for an interpreter."""
    interpreter_id = _id(request)
    body = await _body(request, ExceptionCreate)
    record = await store.add_exception(
        request.app[SESSIONS],
        interpreter_id,
        body.kind,
        body.start,
        body.end,
        body.note,
        _user(request).account_id,
    )
    return _json(_exception(record, request.app[SETTINGS]), status=201)


@require_role(Role.STAFF)
async def staff_delete_exception(request: web.Request) -> web.StreamResponse:
    """Remove a dated exception."""
    exception_id = _id(request)
    await store.delete_exception(request.app[SESSIONS], exception_id, _user(request).account_id)
    return _json(Deleted(id=exception_id))


@require_role(Role.STAFF)
async def staff_list_reservations(request: web.Request) -> web.StreamResponse:
    """Reservations over a date range, by start time."""
    settings = request.app[SETTINGS]
    query = _query(request, StaffReservationsQuery)
    rows = await store.list_reservations(
        request.app[SESSIONS],
        settings.tz,
        query.from_,
        query.to,
        interpreter_id=query.interpreter_id,
        status=query.status,
    )
    return _json(ReservationList(reservations=[_item(r, settings) for r in rows]))


@require_role(Role.STAFF)
async def staff_create_reservation(request: web.Request) -> web.StreamResponse:
    """Book for a phone, SMS or counter caller; the link is returned so staff can pass it on."""
    settings = request.app[SETTINGS]
    body = await _body(request, StaffReservationCreate, _limits(request))
    request_ = _new_booking(body, _user(request).account_id)
    booked = await store.book(request.app[SESSIONS], settings, request_)
    return _json(_created(booked, settings), status=201)


@require_role(Role.STAFF)
async def staff_cancel_reservation(request: web.Request) -> web.StreamResponse:
    """Cancel on the citizen's behalf."""
    record = await store.staff_cancel(
        request.app[SESSIONS], _id(request), _user(request).account_id
    )
    return _json(StatusChanged(id=record.id, status=record.status))


@require_role(Role.STAFF)
async def staff_mark_no_show(request: web.Request) -> web.StreamResponse:
    """Record that the citizen did not come (only once the slot has started)."""
    record = await store.mark_no_show(
        request.app[SESSIONS], _id(request), _user(request).account_id
    )
    return _json(StatusChanged(id=record.id, status=record.status))


@require_role(Role.STAFF)
async def staff_calls(request: web.Request) -> web.StreamResponse:
    """Open call sessions and connected interpreters, as this server process sees them now."""
    settings = request.app[SETTINGS]
    core = request.app[CORE]
    calls = core.calls()
    codes = await store.booking_codes(
        request.app[SESSIONS], {c.reservation_id for c in calls if c.reservation_id is not None}
    )
    return _json(
        StaffCallsOut(
            calls=[
                OpenCallOut(
                    session_id=c.session_id,
                    kind=c.kind,
                    mode=c.mode,
                    reservation_id=c.reservation_id,
                    contact_id=c.contact_id,
                    code=None if c.reservation_id is None else codes.get(c.reservation_id),
                    state=c.state.value,
                    since=_local(c.since, settings),
                    language=c.language,
                    specialty=c.specialty,
                    slot_start=_local(c.slot_start, settings),
                    assigned_interpreter_id=c.assigned_interpreter_id,
                    interpreter_id=c.interpreter_id,
                    waiting_status=c.waiting_status,
                    alerted=c.alerted,
                    handover_candidates=list(c.handover_candidates),
                )
                for c in calls
            ],
            interpreters=[
                InterpreterPresenceOut(
                    interpreter_id=i.interpreter_id,
                    display_name=i.display_name,
                    languages=list(i.languages),
                    presence=i.presence.value,
                    connected=i.connected,
                    session_id=i.session_id,
                )
                for i in core.interpreters()
            ],
        )
    )


# --- interpreter --------------------------------------------------------------------------------


@require_role(Role.INTERPRETER)
async def interpreter_day(request: web.Request) -> web.StreamResponse:
    """The logged-in interpreter's own reservations on one local day."""
    settings = request.app[SETTINGS]
    query = _query(request, InterpreterDayQuery)
    interpreter_id = _user(request).interpreter_id
    rows = (
        []
        if interpreter_id is None
        else await store.list_reservations(
            request.app[SESSIONS],
            settings.tz,
            query.date,
            query.date,
            interpreter_id=interpreter_id,
        )
    )
    return _json(ReservationList(reservations=[_item(r, settings) for r in rows]))


# --- the route table ----------------------------------------------------------------------------

_R = "/api/reservations/{code}"
_PUBLIC = "public"
_STAFF = "staff"

ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec(
        "GET", "/api/languages", list_languages, "Sign languages", _PUBLIC, response=LanguagesOut
    ),
    RouteSpec(
        "GET", "/api/catalog", get_catalog, "Booking form catalog", _PUBLIC, response=CatalogOut
    ),
    RouteSpec(
        "GET",
        "/api/availability",
        get_availability,
        "Bookable slots",
        _PUBLIC,
        query=AvailabilityQuery,
        response=AvailabilityOut,
    ),
    RouteSpec(
        "POST",
        "/api/reservations",
        create_reservation,
        "Book a slot",
        _PUBLIC,
        body=ReservationCreate,
        response=ReservationCreated,
        status=201,
        errors=(409,),
    ),
    RouteSpec(
        "GET",
        _R,
        get_reservation,
        "View a reservation",
        _PUBLIC,
        Access.LINK,
        response=ReservationView,
        errors=(404,),
    ),
    RouteSpec(
        "DELETE",
        _R,
        cancel_reservation,
        "Cancel a reservation",
        _PUBLIC,
        Access.LINK,
        response=CitizenCancelled,
        errors=(404, 409),
    ),
    RouteSpec(
        "PATCH",
        _R,
        reschedule_reservation,
        "Move a reservation",
        _PUBLIC,
        Access.LINK,
        body=Reschedule,
        response=ReservationView,
        errors=(404, 409),
    ),
    RouteSpec(
        "GET",
        _R + "/calendar.ics",
        reservation_calendar,
        "Calendar file",
        _PUBLIC,
        Access.LINK,
        errors=(404,),
        media_type="text/calendar",
    ),
    RouteSpec(
        "POST",
        _R + "/ticket",
        create_call_ticket,
        "Get a one-time call ticket",
        "call",
        Access.LINK,
        response=CallTicketOut,
        status=201,
        errors=(404, 409, 429),
    ),
    RouteSpec(
        "GET",
        "/api/queue/status",
        queue_status,
        "Live queue hours and choices",
        "queue",
        response=QueueStatusOut,
    ),
    RouteSpec(
        "POST",
        "/api/queue",
        join_queue,
        "Join the live queue (walk-in)",
        "queue",
        body=QueueJoin,
        response=QueueContactCreated,
        status=201,
        errors=(409, 429),
    ),
    RouteSpec(
        "POST",
        "/api/queue/ticket",
        create_queue_ticket,
        "Get a one-time call ticket (walk-in)",
        "queue",
        Access.CONTACT,
        response=QueueTicketOut,
        status=201,
        errors=(401, 409, 429),
    ),
    RouteSpec(
        "POST",
        "/api/sessions/{session_id}/survey",
        answer_survey,
        "Answer the satisfaction survey",
        "call",
        Access.LINK_OR_CONTACT,
        body=SurveyIn,
        response=SurveyOut,
        status=201,
        errors=(404, 409),
    ),
    RouteSpec(
        "GET",
        "/api/call/config",
        get_call_config,
        "ICE servers and video constraints",
        "call",
        response=CallConfigOut,
    ),
    RouteSpec("GET", "/api/openapi.json", openapi_json, "This document", _PUBLIC),
    RouteSpec(
        "GET", "/api/me", get_me, "Who is logged in", "account", Access.LOGGED_IN, response=MeOut
    ),
    RouteSpec(
        "GET",
        "/api/staff/interpreters",
        staff_list_interpreters,
        "List interpreters",
        _STAFF,
        Access.STAFF,
        response=InterpreterList,
    ),
    RouteSpec(
        "POST",
        "/api/staff/interpreters",
        staff_create_interpreter,
        "Add an interpreter",
        _STAFF,
        Access.STAFF,
        body=InterpreterCreate,
        response=InterpreterOut,
        status=201,
    ),
    RouteSpec(
        "PATCH",
        "/api/staff/interpreters/{id}",
        staff_update_interpreter,
        "Change an interpreter",
        _STAFF,
        Access.STAFF,
        body=InterpreterPatch,
        response=InterpreterOut,
        errors=(404,),
    ),
    RouteSpec(
        "GET",
        "/api/staff/interpreters/{id}/schedule",
        staff_schedule,
        "An interpreter's schedule",
        _STAFF,
        Access.STAFF,
        response=ScheduleOut,
        errors=(404,),
    ),
    RouteSpec(
        "POST",
        "/api/staff/interpreters/{id}/shifts",
        staff_add_shift,
        "Add a weekly shift",
        _STAFF,
        Access.STAFF,
        body=ShiftCreate,
        response=ShiftOut,
        status=201,
        errors=(404,),
    ),
    RouteSpec(
        "DELETE",
        "/api/staff/shifts/{id}",
        staff_delete_shift,
        "Remove a weekly shift",
        _STAFF,
        Access.STAFF,
        response=Deleted,
        errors=(404,),
    ),
    RouteSpec(
        "POST",
        "/api/staff/interpreters/{id}/exceptions",
        staff_add_exception,
        "Add leave or extra hours",
        _STAFF,
        Access.STAFF,
        body=ExceptionCreate,
        response=ExceptionOut,
        status=201,
        errors=(404,),
    ),
    RouteSpec(
        "DELETE",
        "/api/staff/exceptions/{id}",
        staff_delete_exception,
        "Remove an exception",
        _STAFF,
        Access.STAFF,
        response=Deleted,
        errors=(404,),
    ),
    RouteSpec(
        "GET",
        "/api/staff/reservations",
        staff_list_reservations,
        "List reservations",
        _STAFF,
        Access.STAFF,
        query=StaffReservationsQuery,
        response=ReservationList,
    ),
    RouteSpec(
        "POST",
        "/api/staff/reservations",
        staff_create_reservation,
        "Book for a caller",
        _STAFF,
        Access.STAFF,
        body=StaffReservationCreate,
        response=ReservationCreated,
        status=201,
        errors=(409,),
    ),
    RouteSpec(
        "POST",
        "/api/staff/reservations/{id}/cancel",
        staff_cancel_reservation,
        "Cancel a reservation",
        _STAFF,
        Access.STAFF,
        response=StatusChanged,
        errors=(404, 409),
    ),
    RouteSpec(
        "POST",
        "/api/staff/reservations/{id}/no-show",
        staff_mark_no_show,
        "Record a no-show",
        _STAFF,
        Access.STAFF,
        response=StatusChanged,
        errors=(404, 409),
    ),
    RouteSpec(
        "GET",
        "/api/staff/calls",
        staff_calls,
        "Open calls and interpreter presence",
        _STAFF,
        Access.STAFF,
        response=StaffCallsOut,
    ),
    RouteSpec(
        "GET",
        "/api/interpreter/reservations",
        interpreter_day,
        "My reservations of a day",
        "interpreter",
        Access.INTERPRETER,
        query=InterpreterDayQuery,
        response=ReservationList,
    ),
)


def setup_api(app: web.Application, routes: tuple[RouteSpec, ...] = ROUTES) -> None:
    """Register the /api routes and the OpenAPI document that describes them."""
    app[OPENAPI] = OpenApiDocument(_dump(build_document(routes)))
    app[QUEUE_THROTTLE] = LoginThrottle(QUEUE_CONTACTS_PER_MINUTE)
    for route in routes:
        app.router.add_route(route.method, route.path, _translating(route.handler))


def document_routes(app: web.Application, routes: tuple[RouteSpec, ...]) -> None:
    """Describe `routes`, registered by another module, in the app's OpenAPI document too
    (their paths and component schemas merged in). Call after `setup_api`."""
    doc = json.loads(app[OPENAPI].text)
    extra = build_document(routes)
    for path, operations in extra["paths"].items():
        doc["paths"].setdefault(path, {}).update(operations)
    doc["components"]["schemas"].update(extra["components"]["schemas"])
    app[OPENAPI] = OpenApiDocument(_dump(doc))


def _dump(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
