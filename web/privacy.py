"""The citizen's right of access and deletion (issue 6), and the staff queue of deletion requests.

- `GET /booking/{code}/my-data` (page) and `GET /api/reservations/{code}/my-data` (JSON, the link
  token as `Authorization: Bearer`): what is kept about the booking and until when.
- `POST /api/reservations/{code}/deletion-request` (link token): ask for deletion; queued.
- `GET /staff/privacy` (page) and `GET /api/deletion-requests` (staff): the open requests.
- `POST /api/deletion-requests/{id}` (staff, CSRF): `{"action": "done"|"refused"}`.

The shell only checks input and access; `scheduler.privacy` does the work and the auditing.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError

from scheduler import privacy
from scheduler.codes import normalize_code
from scheduler.domain import Role
from scheduler.store import NotFound
from signdesk.appkeys import RUNTIME, SESSIONS, SETTINGS
from signdesk.db import utcnow
from web.api import OPENAPI, _bearer, _code, document_routes
from web.auth import current_user, require_role
from web.errors import json_error
from web.openapi import Access, RouteSpec
from web.pages import PAGE_LANG, _render, page_data

MAX_ID = 2**31 - 1


class HandleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["done", "refused"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _not_found() -> web.Response:
    return json_error(404, "not_found", "no booking with this code and link")


async def my_data_api(request: web.Request) -> web.Response:
    """Everything kept about the booking, for the holder of its link (audited as a view)."""
    try:
        data = await privacy.my_data(
            request.app[SESSIONS],
            _code(request),
            _bearer(request),
            request.app[RUNTIME].current.retention_policy,
            now=utcnow(),
        )
    except NotFound:
        return _not_found()
    return web.json_response(_jsonable(asdict(data)), headers={"Cache-Control": "no-store"})


async def deletion_request_api(request: web.Request) -> web.Response:
    """Queue the booking's deletion for staff (one open request at a time)."""
    try:
        request_id, at, created = await privacy.request_deletion(
            request.app[SESSIONS], _code(request), _bearer(request), now=utcnow()
        )
    except NotFound:
        return _not_found()
    return web.json_response(
        {"id": request_id, "requested_at": at.isoformat(), "status": "open", "new": created},
        status=201 if created else 200,
    )


@require_role(Role.STAFF)
async def deletion_requests_api(request: web.Request) -> web.Response:
    rows = await privacy.open_requests(request.app[SESSIONS])
    return web.json_response(
        {
            "requests": [
                {"id": r.id, "code": r.code, "requested_at": r.requested_at.isoformat()}
                for r in rows
            ]
        }
    )


@require_role(Role.STAFF)
async def handle_request_api(request: web.Request) -> web.Response:
    raw = request.match_info["id"]
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        return json_error(404, "not_found", "no such request")
    try:
        body = HandleRequest.model_validate_json(await request.read())
    except ValidationError:
        return json_error(400, "invalid", 'send {"action": "done"} or {"action": "refused"}')
    user = current_user(request)
    assert user is not None  # require_role
    settings = request.app[SETTINGS]
    try:
        destroyed = await privacy.handle_deletion(
            request.app[SESSIONS],
            int(raw),
            body.action,
            user.account_id,
            settings.recording_dir,
            now=utcnow(),
        )
    except NotFound:
        return json_error(404, "not_found", "no such request")
    except privacy.RequestNotOpen:
        return json_error(409, "already_handled", "this request was already handled")
    return web.json_response({"id": int(raw), "status": body.action, "bytes_destroyed": destroyed})


async def my_data_page(request: web.Request) -> web.StreamResponse:
    """The citizen's page; the token stays in the URL fragment and goes to the API as a header."""
    code = normalize_code(request.match_info.get("code", "")) or ""
    settings = request.app[SETTINGS]
    return _render(
        request,
        "my_data.html",
        code=code,
        page_data=page_data(settings, request[PAGE_LANG], code=code),
    )


@require_role(Role.STAFF)
async def privacy_page(request: web.Request) -> web.StreamResponse:
    return _render(request, "privacy_requests.html")


_TAG = "Privacy"
PRIVACY_ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec(
        "GET",
        "/api/reservations/{code}/my-data",
        my_data_api,
        "What is kept about this booking, and until when (the citizen's right of access)",
        _TAG,
        Access.LINK,
        errors=(404,),
    ),
    RouteSpec(
        "POST",
        "/api/reservations/{code}/deletion-request",
        deletion_request_api,
        "Ask for this booking's personal data to be deleted (queued for staff)",
        _TAG,
        Access.LINK,
        status=201,
        errors=(404,),
    ),
    RouteSpec(
        "GET",
        "/api/deletion-requests",
        deletion_requests_api,
        "Open deletion requests, oldest first (staff)",
        _TAG,
        Access.STAFF,
    ),
    RouteSpec(
        "POST",
        "/api/deletion-requests/{id}",
        handle_request_api,
        "Carry out (done) or refuse a deletion request (staff)",
        _TAG,
        Access.STAFF,
        body=HandleRequest,
        errors=(400, 404, 409),
    ),
)


def setup_privacy(app: web.Application) -> None:
    """Register the pages and API routes; describe the API routes in the OpenAPI document."""
    for route in PRIVACY_ROUTES:
        app.router.add_route(route.method, route.path, route.handler)
    if OPENAPI in app:
        document_routes(app, PRIVACY_ROUTES)
    app.router.add_get("/booking/{code}/my-data", my_data_page)
    app.router.add_get("/staff/privacy", privacy_page)
