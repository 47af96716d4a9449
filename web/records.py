"""Counseling records over HTTP (issue 6): the interpreter's record form API, the supervisors'
search, the exports (CSV, NDJSON, Open311 GeoReport v2) and the supervisors' records pages.

Handlers are thin, as in `web.api`: parse, call `scheduler.counseling`, serialize. Who may see
what: an interpreter reads and edits the records of sessions they took; a supervisor reads every
record, searches and exports; reservation staff get 403; nobody logged in gets 401 (API) or the
log-in page. Every read of a record, every search and every export is written to `audit_log`.

Exports stream: rows come from the store in chunks (`counseling.export_chunks`) and each chunk is
written to the `StreamResponse` before the next is read, so memory does not grow with the number
of rows. The JSON export is NDJSON (one object per line, `application/x-ndjson`): a consumer can
read it line by line without holding the whole document. The Open311 export is a JSON array, the
shape GeoReport v2's `GET requests.json` answers with, written element by element.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.exc import IntegrityError

from scheduler import counseling
from scheduler.counseling import Outcome, RecordFilter, RecordInput, RecordRow, Viewer
from scheduler.domain import Role
from scheduler.models import MAX_RECORD_AGENCY_CHARS, MAX_RECORD_SUMMARY_CHARS
from scheduler.store import NotFound
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from signdesk.settings import Settings
from web.api import (
    OPENAPI,
    ApiError,
    _body,
    _call_quality,
    _flush_records,
    _json,
    _query,
    _translating,
    _user,
    document_routes,
)
from web.auth import require_role
from web.i18n import translate
from web.openapi import Access, RouteSpec
from web.schemas import (
    RecentSessionOut,
    RecentSessionsOut,
    RecentSessionsQuery,
    RecordCatalogOut,
    RecordCategoryOut,
    RecordExportQuery,
    RecordIn,
    RecordingOut,
    RecordOut,
    RecordRowOut,
    RecordSavedOut,
    RecordSearchOut,
    RecordSearchQuery,
    RecordSessionOut,
    RecordSurveyOut,
    RecordViewOut,
    TranscriptLineOut,
)

log = logging.getLogger(__name__)

_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TAG = "records"


# --- helpers ------------------------------------------------------------------------------------


def _viewer(request: web.Request) -> Viewer:
    user = _user(request)
    return Viewer(user.account_id, user.role, user.interpreter_id)


def _session_id(request: web.Request) -> str:
    raw = request.match_info["session_id"]
    if not _SESSION_ID.fullmatch(raw):
        raise NotFound
    return raw


def _local(value: datetime | None, settings: Settings) -> datetime | None:
    return None if value is None else value.astimezone(settings.tz)


def _iso(value: datetime | None, settings: Settings) -> str | None:
    local = _local(value, settings)
    return None if local is None else local.isoformat(timespec="seconds")


def _record_out(saved: counseling.SavedRecord, settings: Settings) -> RecordOut:
    return RecordOut(
        category=saved.category,
        summary=saved.summary,
        outcome=saved.outcome,
        agency=saved.agency,
        follow_up_date=saved.follow_up_date,
        created_at=saved.created_at.astimezone(settings.tz),
        updated_at=saved.updated_at.astimezone(settings.tz),
        updated_by_account_id=saved.updated_by_account_id,
        complete=saved.complete,
        missing={name: problem.value for name, problem in saved.missing.items()},
    )


def _filter(query: RecordExportQuery) -> RecordFilter:
    return RecordFilter(
        first_day=query.from_,
        last_day=query.to,
        interpreter_id=query.interpreter_id,
        category=query.category,
        outcome=None if query.outcome is None else Outcome(query.outcome),
        language=query.language,
        channel=query.channel,
        mode=query.mode,
    )


async def _with_flush(request: web.Request, work: Callable[[], Any]) -> Any:
    """Run `work`; when the session is unknown, wait for the call record writer once and try
    again (the interpreter's page may save right after the call ended, before it is stored)."""
    try:
        return await work()
    except NotFound:
        await _flush_records(request)
        return await work()


# --- the record ---------------------------------------------------------------------------------


@require_role(Role.INTERPRETER, Role.SUPERVISOR)
async def record_catalog(request: web.Request) -> web.StreamResponse:
    """The categories (active ones, in order), outcomes and channels the forms offer."""
    categories = await counseling.list_categories(request.app[SESSIONS])
    return _json(
        RecordCatalogOut(
            categories=[
                RecordCategoryOut(code=c.code, label_ko=c.label_ko, label_en=c.label_en)
                for c in categories
            ],
            outcomes=[o.value for o in Outcome],
            channels=list(counseling.CHANNELS),
            max_summary_chars=MAX_RECORD_SUMMARY_CHARS,
            max_agency_chars=MAX_RECORD_AGENCY_CHARS,
        )
    )


@require_role(Role.INTERPRETER, Role.SUPERVISOR)
async def get_record(request: web.Request) -> web.StreamResponse:
    """A session's record joined with what the system knows about the session (audited)."""
    settings = request.app[SETTINGS]
    session_id, viewer = _session_id(request), _viewer(request)

    async def work() -> counseling.RecordView:
        return await counseling.get_view(request.app[SESSIONS], session_id, viewer, now=utcnow())

    view: counseling.RecordView = await _with_flush(request, work)
    s = view.session
    return _json(
        RecordViewOut(
            session=RecordSessionOut(
                session_id=s.session_id,
                kind=s.kind,
                mode=s.mode,
                language=s.language,
                channel=s.channel,
                specialty=s.specialty,
                booking_code=s.booking_code,
                booking_topic=s.booking_topic,
                slot_start=_local(s.slot_start, settings),
                slot_end=_local(s.slot_end, settings),
                queue_joined_at=_local(s.queue_joined_at, settings),
                interpreter_id=s.interpreter_id,
                interpreter_name=s.interpreter_name,
                handed_over=s.handed_over,
                caller_joined_at=s.caller_joined_at.astimezone(settings.tz),
                matched_at=_local(s.matched_at, settings),
                connected_at=_local(s.connected_at, settings),
                ended_at=s.ended_at.astimezone(settings.tz),
                wait_seconds=s.wait_seconds,
                duration_seconds=s.duration_seconds,
                ended_by=s.ended_by,
                end_reason=s.end_reason,
            ),
            record=None if view.record is None else _record_out(view.record, settings),
            quality=_call_quality(s.quality_summary),
            transcript_kept=view.transcript is not None,
            transcript_truncated=s.transcript_truncated,
            transcript=[
                TranscriptLineOut(
                    seq=line.seq,
                    sender=line.sender,
                    text=line.text,
                    at=line.at.astimezone(settings.tz),
                )
                for line in view.transcript or ()
            ],
            survey=None
            if view.survey is None
            else RecordSurveyOut(
                stars=view.survey.stars,
                resolved=view.survey.resolved,
                comment=view.survey.comment,
                answered_at=view.survey.answered_at.astimezone(settings.tz),
            ),
            recordings=[
                RecordingOut(
                    recording_id=f.recording_id,
                    side=f.side,
                    format=f.format,
                    bytes=f.bytes,
                    started_at=f.started_at.astimezone(settings.tz),
                    ended_at=f.ended_at.astimezone(settings.tz),
                )
                for f in view.recordings
            ],
        )
    )


@require_role(Role.INTERPRETER, Role.SUPERVISOR)
async def put_record(request: web.Request) -> web.StreamResponse:
    """Save the record: an autosaved draft (`final: false`) or the finished record."""
    settings = request.app[SETTINGS]
    session_id, viewer = _session_id(request), _viewer(request)
    body = await _body(request, RecordIn)
    record = RecordInput(
        category=body.category,
        summary=body.summary,
        outcome=None if body.outcome is None else Outcome(body.outcome),
        agency=body.agency,
        follow_up_date=body.follow_up_date,
    )

    async def work() -> counseling.SavedRecord:
        now = utcnow()
        args = (request.app[SESSIONS], session_id, viewer, record)
        kwargs: dict[str, Any] = {
            "final": body.final,
            "now": now,
            "today": now.astimezone(settings.tz).date(),
        }
        try:
            return await counseling.save(*args, **kwargs)
        except IntegrityError:
            # Two first saves raced (an autosave and the page's last draft): the other one
            # created the row, so this one updates it.
            return await counseling.save(*args, **kwargs)

    try:
        saved: counseling.SavedRecord = await _with_flush(request, work)
    except counseling.InvalidRecord as exc:
        fields = {name: problem.value for name, problem in exc.fields.items()}
        raise ApiError(422, "invalid", "some fields of the record are invalid", fields) from None
    return _json(RecordSavedOut(session_id=session_id, record=_record_out(saved, settings)))


@require_role(Role.INTERPRETER)
async def recent_sessions(request: web.Request) -> web.StreamResponse:
    """The interpreter's own latest sessions, and whether each has a (complete) record."""
    settings = request.app[SETTINGS]
    query = _query(request, RecentSessionsQuery)
    interpreter_id = _user(request).interpreter_id
    rows = (
        []
        if interpreter_id is None
        else await counseling.recent_sessions(
            request.app[SESSIONS], interpreter_id, limit=query.limit
        )
    )
    return _json(
        RecentSessionsOut(
            sessions=[
                RecentSessionOut(
                    session_id=r.session_id,
                    kind=r.kind,
                    mode=r.mode,
                    language=r.language,
                    caller_joined_at=r.caller_joined_at.astimezone(settings.tz),
                    ended_at=r.ended_at.astimezone(settings.tz),
                    duration_seconds=r.duration_seconds,
                    has_record=r.has_record,
                    complete=r.complete,
                )
                for r in rows
            ]
        )
    )


# --- search and exports (supervisors) ------------------------------------------------------------


def _row_out(r: RecordRow, settings: Settings) -> RecordRowOut:
    return RecordRowOut(
        session_id=r.session_id,
        kind=r.kind,
        mode=r.mode,
        language=r.language,
        channel=r.channel,
        booking_code=r.booking_code,
        interpreter_id=r.interpreter_id,
        interpreter_name=r.interpreter_name,
        caller_joined_at=r.caller_joined_at.astimezone(settings.tz),
        ended_at=r.ended_at.astimezone(settings.tz),
        wait_seconds=r.wait_seconds,
        duration_seconds=r.duration_seconds,
        category=r.category,
        outcome=r.outcome,
        agency=r.agency,
        follow_up_date=r.follow_up_date,
        survey_stars=r.survey_stars,
        updated_at=r.updated_at.astimezone(settings.tz),
        complete=r.complete,
    )


@require_role(Role.SUPERVISOR)
async def search_records(request: web.Request) -> web.StreamResponse:
    """Records by date, interpreter, category, outcome, language, channel and mode, newest
    first, one bounded page at a time (audited)."""
    settings = request.app[SETTINGS]
    query = _query(request, RecordSearchQuery)
    found = await counseling.search(
        request.app[SESSIONS],
        _viewer(request),
        _filter(query),
        settings.tz,
        page=query.page,
        page_size=query.page_size,
        now=utcnow(),
    )
    return _json(
        RecordSearchOut(
            total=found.total,
            page=found.page,
            page_size=found.page_size,
            pages=max(1, math.ceil(found.total / found.page_size)),
            records=[_row_out(r, settings) for r in found.rows],
        )
    )


CSV_COLUMNS = (
    "session_id",
    "kind",
    "mode",
    "language",
    "channel",
    "booking_code",
    "interpreter_id",
    "interpreter_name",
    "started_at",
    "ended_at",
    "wait_seconds",
    "duration_seconds",
    "end_reason",
    "category",
    "category_label",
    "outcome",
    "outcome_label",
    "agency",
    "follow_up_date",
    "summary",
    "survey_stars",
    "survey_resolved",
    "complete",
    "created_at",
    "updated_at",
)


def _outcome_label(outcome: str | None, lang: str) -> str | None:
    return None if outcome is None else translate(lang, f"record.outcome.{outcome}")


def export_fields(r: RecordRow, settings: Settings, lang: str) -> dict[str, Any]:
    """One record as the CSV and NDJSON exports write it: no citizen name, contact or note, no
    survey comment (free text a citizen typed)."""
    return {
        "session_id": r.session_id,
        "kind": r.kind,
        "mode": r.mode,
        "language": r.language,
        "channel": r.channel,
        "booking_code": r.booking_code,
        "interpreter_id": r.interpreter_id,
        "interpreter_name": r.interpreter_name,
        "started_at": _iso(r.caller_joined_at, settings),
        "ended_at": _iso(r.ended_at, settings),
        "wait_seconds": round(r.wait_seconds, 1),
        "duration_seconds": None if r.duration_seconds is None else round(r.duration_seconds, 1),
        "end_reason": r.end_reason,
        "category": r.category,
        "category_label": r.category_en if lang == "en" else r.category_ko,
        "outcome": r.outcome,
        "outcome_label": _outcome_label(r.outcome, lang),
        "agency": r.agency,
        "follow_up_date": None if r.follow_up_date is None else r.follow_up_date.isoformat(),
        "summary": r.summary,
        "survey_stars": r.survey_stars,
        "survey_resolved": r.survey_resolved,
        "complete": r.complete,
        "created_at": _iso(r.created_at, settings),
        "updated_at": _iso(r.updated_at, settings),
    }


def open311_request(r: RecordRow, settings: Settings, lang: str) -> dict[str, Any]:
    """One record as an Open311 GeoReport v2 service request (no location: a counseling case
    has none). `service_code` is the category; the summary stays out (the case, not the talk)."""
    notes = _outcome_label(r.outcome, lang)
    if notes is not None and r.outcome == Outcome.REFERRED and r.agency:
        notes = f"{notes}: {r.agency}"
    if notes is not None and r.follow_up_date is not None:
        when = translate(lang, "record.follow_up_on", date=r.follow_up_date.isoformat())
        notes = f"{notes} ({when})"
    return {
        "service_request_id": r.session_id,
        "status": counseling.open311_status(r.outcome, r.complete),
        "status_notes": notes,
        "service_name": r.category_en if lang == "en" else r.category_ko,
        "service_code": r.category,
        "agency_responsible": r.agency if r.outcome == Outcome.REFERRED else None,
        "requested_datetime": _iso(r.caller_joined_at, settings),
        "updated_datetime": _iso(r.updated_at, settings),
    }


def _csv_lines(rows: list[RecordRow], settings: Settings, lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in rows:
        fields = export_fields(r, settings, lang)
        writer.writerow([counseling.csv_cell(fields[name]) for name in CSV_COLUMNS])
    return out.getvalue()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def _csv_body(
    chunks: AsyncIterator[list[RecordRow]], settings: Settings, lang: str
) -> AsyncIterator[str]:
    # A byte-order mark, so spreadsheet programs read the Korean as UTF-8.
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
    yield "\ufeff" + header.getvalue()
    async for rows in chunks:
        yield _csv_lines(rows, settings, lang)


async def _ndjson_body(
    chunks: AsyncIterator[list[RecordRow]], settings: Settings, lang: str
) -> AsyncIterator[str]:
    async for rows in chunks:
        yield "".join(_dumps(export_fields(r, settings, lang)) + "\n" for r in rows)


async def _open311_body(
    chunks: AsyncIterator[list[RecordRow]], settings: Settings, lang: str
) -> AsyncIterator[str]:
    yield "["
    first = True
    async for rows in chunks:
        # service_code is required by GeoReport: a draft without a category is not a case yet.
        parts = [_dumps(open311_request(r, settings, lang)) for r in rows if r.category]
        if not parts:
            continue
        yield ("" if first else ",") + ",".join(parts)
        first = False
    yield "]\n"


_EXPORTS: dict[str, tuple[str, str, Any]] = {
    "csv": ("text/csv", "csv", _csv_body),
    "json": ("application/x-ndjson", "ndjson", _ndjson_body),
    "open311": ("application/json", "open311.json", _open311_body),
}


async def _export(request: web.Request, kind: str) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    query = _query(request, RecordExportQuery)
    where = _filter(query)
    sessions = request.app[SESSIONS]
    await counseling.audit_export(sessions, _viewer(request), kind, where, now=utcnow())
    media_type, extension, body = _EXPORTS[kind]
    stamp = utcnow().astimezone(settings.tz).strftime("%Y%m%d-%H%M")
    response = web.StreamResponse(
        headers={
            "Content-Type": f"{media_type}; charset=utf-8",
            "Content-Disposition": f'attachment; filename="signdesk-records-{stamp}.{extension}"',
            "Cache-Control": "no-store",
        }
    )
    response.enable_chunked_encoding()
    await response.prepare(request)
    rows = 0

    async def counted() -> AsyncIterator[list[RecordRow]]:
        nonlocal rows
        async with contextlib.aclosing(
            counseling.export_chunks(sessions, where, settings.tz)
        ) as chunks:
            async for chunk in chunks:
                rows += len(chunk)
                yield chunk

    try:
        async with contextlib.aclosing(body(counted(), settings, query.lang)) as texts:
            async for text in texts:
                await response.write(text.encode("utf-8"))
    except ConnectionResetError:
        log.info("records export %s: the client left after %d rows", kind, rows)
        return response
    except Exception:
        log.exception("records export %s failed after %d rows; connection dropped", kind, rows)
        # The status line is gone already: dropping the connection (no final chunk) is how the
        # client learns that this export is cut short rather than whole.
        if request.transport is not None:
            request.transport.abort()
        return response
    await response.write_eof()
    log.info("records export %s: %d rows", kind, rows)
    return response


@require_role(Role.SUPERVISOR)
async def export_csv(request: web.Request) -> web.StreamResponse:
    """Every matching record as CSV (UTF-8 with BOM), streamed; includes the summary, never a
    citizen's name or contact (audited)."""
    return await _export(request, "csv")


@require_role(Role.SUPERVISOR)
async def export_json(request: web.Request) -> web.StreamResponse:
    """Every matching record as NDJSON (one JSON object per line), streamed (audited)."""
    return await _export(request, "json")


@require_role(Role.SUPERVISOR)
async def export_open311(request: web.Request) -> web.StreamResponse:
    """Every matching record with a category as an Open311 GeoReport v2 service request (a JSON
    array), streamed (audited)."""
    return await _export(request, "open311")


# --- pages ----------------------------------------------------------------------------------------


def _page(request: web.Request, template: str, **context: Any) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


@require_role(Role.SUPERVISOR)
async def records_page(request: web.Request) -> web.StreamResponse:
    """Supervisors: search the counseling records, open one, export them."""
    return _page(request, "records.html")


@require_role(Role.SUPERVISOR)
async def record_page(request: web.Request) -> web.StreamResponse:
    """Supervisors: one record with its session, read-only (the API read is what is audited)."""
    raw = request.match_info["session_id"]
    if not _SESSION_ID.fullmatch(raw):
        raise web.HTTPNotFound(text="no such record")
    return _page(request, "record.html", session_id=raw)


# --- the route table ------------------------------------------------------------------------------

RECORD_ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec(
        "GET",
        "/api/record-categories",
        record_catalog,
        "Record categories, outcomes and channels",
        _TAG,
        Access.LOGGED_IN,
        response=RecordCatalogOut,
    ),
    RouteSpec(
        "GET",
        "/api/sessions/{session_id}/record",
        get_record,
        "A session's counseling record (own sessions; supervisors: all)",
        _TAG,
        Access.INTERPRETER,
        response=RecordViewOut,
        errors=(404,),
    ),
    RouteSpec(
        "PUT",
        "/api/sessions/{session_id}/record",
        put_record,
        "Save a session's counseling record (draft or final)",
        _TAG,
        Access.INTERPRETER,
        body=RecordIn,
        response=RecordSavedOut,
        errors=(404,),
    ),
    RouteSpec(
        "GET",
        "/api/interpreter/records",
        recent_sessions,
        "My latest sessions and their records' state",
        _TAG,
        Access.INTERPRETER,
        query=RecentSessionsQuery,
        response=RecentSessionsOut,
    ),
    RouteSpec(
        "GET",
        "/api/records",
        search_records,
        "Search counseling records (supervisors)",
        _TAG,
        Access.STAFF,
        query=RecordSearchQuery,
        response=RecordSearchOut,
    ),
    RouteSpec(
        "GET",
        "/api/records/export.csv",
        export_csv,
        "Export records as CSV (supervisors)",
        _TAG,
        Access.STAFF,
        query=RecordExportQuery,
        media_type="text/csv",
    ),
    RouteSpec(
        "GET",
        "/api/records/export.json",
        export_json,
        "Export records as NDJSON (supervisors)",
        _TAG,
        Access.STAFF,
        query=RecordExportQuery,
        media_type="application/x-ndjson",
    ),
    RouteSpec(
        "GET",
        "/api/records/export.open311.json",
        export_open311,
        "Export records as Open311 GeoReport v2 requests (supervisors)",
        _TAG,
        Access.STAFF,
        query=RecordExportQuery,
    ),
)


def setup_records(app: web.Application) -> None:
    """Register the record routes and pages; describe the routes in the OpenAPI document."""
    if OPENAPI in app:
        document_routes(app, RECORD_ROUTES)
    for route in RECORD_ROUTES:
        app.router.add_route(route.method, route.path, _translating(route.handler))
    app.router.add_get("/staff/records", records_page)
    app.router.add_get("/staff/records/{session_id}", record_page)
