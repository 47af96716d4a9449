"""The OpenAPI 3.1 document, built from the route table and the pydantic models.

The table that registers the routes (`web.api.ROUTES`) is the same one described here, so the
document cannot drift from what the server answers. JSON Schema 2020-12, which pydantic emits, is
OpenAPI 3.1's own schema dialect, so the model schemas go in unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from web.schemas import ErrorOut

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_PARAM = re.compile(r"{(\w+)}")
_REF = "#/components/schemas/{model}"


class Access(StrEnum):
    """Who may call a route; each maps to an OpenAPI security requirement."""

    PUBLIC = "public"
    LINK = "link"  # the citizen's link token as `Authorization: Bearer`
    CONTACT = "contact"  # a walk-in's contact token as `Authorization: Bearer`
    LINK_OR_CONTACT = "link_or_contact"  # either: whoever the session was for
    STAFF = "staff"  # staff or supervisor session
    INTERPRETER = "interpreter"
    LOGGED_IN = "logged_in"


@dataclass(frozen=True, slots=True)
class RouteSpec:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    access: Access = Access.PUBLIC
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    media_type: str = "application/json"


_ERROR_TEXT = {
    400: "Malformed request (e.g. invalid JSON)",
    401: "Not logged in (for walk-ins: an unknown contact token)",
    403: "Wrong role, or missing CSRF token",
    404: "Not found (for citizens also: wrong token)",
    409: "Conflict (slot_taken, slot_unavailable, not_active, queue_closed, ...)",
    413: "Request body too large",
    415: "Body must be application/json",
    422: "Invalid fields",
    429: "Too many requests (e.g. unused call tickets)",
}

_SECURITY: dict[Access, list[dict[str, list[str]]]] = {
    Access.PUBLIC: [],
    Access.LINK: [{"bookingToken": []}],
    Access.CONTACT: [{"contactToken": []}],
    Access.LINK_OR_CONTACT: [{"bookingToken": []}, {"contactToken": []}],
    Access.STAFF: [{"session": [], "csrf": []}],
    Access.INTERPRETER: [{"session": [], "csrf": []}],
    Access.LOGGED_IN: [{"session": []}],
}


def build_document(
    routes: Sequence[RouteSpec], *, title: str = "SignDesk API", version: str = "1"
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for `routes`."""
    schemas = _component_schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Booking sign-language video counseling, and the live queue for "
            "callers without a booking. Errors always have the shape "
            '`{"error": {"code", "message", "fields"?}}`.',
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bookingToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The link token returned once when the reservation is made.",
                },
                "contactToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The contact token returned once when a walk-in joins the "
                    "live queue (`POST /api/queue`).",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "sd_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
        },
    }


def _component_schemas(routes: Sequence[RouteSpec]) -> dict[str, Any]:
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorOut, "serialization")]
    for route in routes:
        if route.body is not None:
            models.append((route.body, "validation"))
        if route.query is not None:  # so enums its fields refer to land in the components
            models.append((route.query, "validation"))
        if route.response is not None:
            models.append((route.response, "serialization"))
    unique = list(dict.fromkeys(models))
    _, top = models_json_schema(unique, ref_template=_REF)
    defs: dict[str, Any] = top.get("$defs", {})
    return defs


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _operation(route: RouteSpec) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": route.summary,
        "tags": [route.tag],
        "operationId": route.handler.__name__,
        "security": _SECURITY[route.access],
        "parameters": _parameters(route),
        "responses": _responses(route),
    }
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(route.body)}},
        }
    return operation


def _parameters(route: RouteSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(route.path)
    ]
    if route.query is not None:
        schema = route.query.model_json_schema(by_alias=True, ref_template=_REF)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    return params


def _responses(route: RouteSpec) -> dict[str, Any]:
    if route.response is not None:
        content: dict[str, Any] = {route.media_type: {"schema": _ref(route.response)}}
    else:
        content = {route.media_type: {"schema": {"type": "string"}}}
    responses: dict[str, Any] = {str(route.status): {"description": "OK", "content": content}}
    errors = set(route.errors)
    if route.body is not None:
        errors |= {400, 413, 415, 422}
    if route.query is not None:
        errors.add(422)
    if route.access in (Access.STAFF, Access.INTERPRETER, Access.LOGGED_IN):
        errors |= {401, 403}
    for status in sorted(errors):
        responses[str(status)] = {
            "description": _ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": _ref(ErrorOut)}},
        }
    return responses
