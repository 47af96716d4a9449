"""One shape for every API error: `{"error": {"code", "message", "fields"?}}`, never a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def json_error(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(error_body(code, message, fields), status=status)


def validation_error(exc: ValidationError) -> web.Response:
    """422 with one message per field; the input echo is dropped (it may hold personal data)."""
    fields: dict[str, str] = {}
    for err in exc.errors(include_input=False, include_url=False):
        name = ".".join(str(part) for part in err["loc"]) or "body"
        fields.setdefault(name, err["msg"])
    return json_error(422, "invalid", "some fields are invalid", fields)


_STATUS_CODES = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    is_api = request.path.startswith("/api/")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if not is_api or exc.content_type == "application/json" or exc.status < 400:
            raise
        code = _STATUS_CODES.get(exc.status, "error")
        return json_error(exc.status, code, exc.reason)
    except ValidationError as exc:
        if is_api:
            return validation_error(exc)
        raise web.HTTPUnprocessableEntity(text="invalid input") from exc
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if is_api:
            return json_error(500, "internal", "internal error; nothing was changed")
        raise
