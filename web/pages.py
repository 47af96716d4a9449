"""Server-rendered pages: citizen booking, "my booking", the call page, staff console and the
interpreter console.

The pages are thin HTML shells. Every visible string goes through `web.i18n`; the data comes from
the JSON API, fetched by plain ES modules under `/static/js/`. Nothing is inlined into `<script>`
except JSON data blocks, so a `default-src 'self'` Content-Security-Policy holds.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web

from scheduler.domain import Role
from scheduler.models import MAX_CONTACT_NAME_CHARS
from signdesk.appkeys import SETTINGS
from signdesk.settings import Settings
from web.auth import csrf_token_for, current_user, require_role
from web.i18n import DEFAULT_LANG, LANGUAGES, js_strings, other_language, translate

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

LANG_COOKIE = "sd_lang"
LANG_COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookie lifetimes at 400 days
LANG_QUERY = "lang"

# Booking codes look like `K7F-2QD`; anything else cannot be a booking, so the page says so.
_CODE_RE = re.compile(r"^[A-Za-z0-9-]{1,16}$")

PAGE_LANG = web.RequestKey("page_lang", str)

# The request being handled, for `PageTemplate` (each aiohttp request runs in its own task, so
# its own context). aiohttp_jinja2's own context-processor middleware stores its dict under a
# plain string request key, which aiohttp warns about (NotAppKeyWarning); this avoids it.
_CURRENT_REQUEST: ContextVar[web.Request | None] = ContextVar("signdesk_page_request", default=None)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def request_language(request: web.Request) -> str:
    """`?lang=` wins, then the remembered `sd_lang` cookie, then Korean."""
    asked = request.query.get(LANG_QUERY)
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return DEFAULT_LANG


def _remember_language(request: web.Request, response: web.StreamResponse) -> None:
    asked = request.query.get(LANG_QUERY)
    if asked not in LANGUAGES or asked == request.cookies.get(LANG_COOKIE) or response.prepared:
        return
    response.set_cookie(
        LANG_COOKIE,
        asked,
        max_age=LANG_COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=request.app[SETTINGS].cookie_secure,
    )


@web.middleware
async def language_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[PAGE_LANG] = request_language(request)
    current = _CURRENT_REQUEST.set(request)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        # A redirect (e.g. to the log-in page) still remembers the language the user picked.
        _remember_language(request, exc)
        raise
    finally:
        _CURRENT_REQUEST.reset(current)
    _remember_language(request, response)
    return response


class PageTemplate(jinja2.Template):
    """A template that also sees `page_context` of the request being rendered (the context
    processor). Values the handler passes win over it."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        values = dict(*args, **kwargs)
        request = _CURRENT_REQUEST.get()
        if request is not None:
            values = {**page_context(request), **values}
        return super().render(values)


def language_switch_url(request: web.Request, target: str) -> str:
    """The current page in the other language, keeping the other query parameters (e.g. `next`)."""
    query = [(k, v) for k, v in request.query.items() if k != LANG_QUERY]
    query.append((LANG_QUERY, target))
    return f"{request.path}?{urlencode(query)}"


def timezone_label(settings: Settings, lang: str) -> str:
    if settings.timezone == "Asia/Seoul":
        return translate(lang, "time.zone_kst")
    return settings.timezone


def retention_label(settings: Settings, lang: str, days: int | None = None) -> str:
    """A retention period in words: the records' own, or `days`."""
    days = settings.retention_days if days is None else days
    if days % 365 == 0:
        years = days // 365
        return translate(lang, "consent.years_one" if years == 1 else "consent.years", n=years)
    return translate(lang, "consent.days", n=days)


def page_context(request: web.Request) -> dict[str, Any]:
    """What every template gets: translation, language, CSRF token, user and JS strings."""
    settings = request.app[SETTINGS]
    lang = request.get(PAGE_LANG) or request_language(request)
    other = other_language(lang)
    return {
        "t": partial(translate, lang),
        "lang": lang,
        "other_lang": other,
        "lang_switch_url": language_switch_url(request, other),
        "csrf_token": csrf_token_for(request),
        "user": current_user(request),
        "i18n_strings": js_strings(lang),
        "tz_label": timezone_label(settings, lang),
        "retention": retention_label(settings, lang),
        # Relay mode with recording on: the caller pages ask for the separate recording consent.
        "recording_offered": settings.media_mode == "relay" and settings.recording,
        "recording_retention": retention_label(settings, lang, settings.recording_retention_days),
        "limits": {
            "name": settings.max_name_chars,
            "contact": settings.max_contact_chars,
            "note": settings.max_note_chars,
        },
        "page_data": page_data(settings, lang),
    }


def page_data(settings: Settings, lang: str, **extra: Any) -> dict[str, Any]:
    """The JSON block a page's module reads (`<script type="application/json" id="page-data">`)."""
    data: dict[str, Any] = {
        "lang": lang,
        "timezone": settings.timezone,
        "tz_label": timezone_label(settings, lang),
        "consent_version": settings.consent_version,
        "booking_days": 14,
    }
    data.update(extra)
    return data


def _render(request: web.Request, template: str, **context: Any) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context)
    # Pages carry a CSRF token and personal context: never cache them in shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


async def index_page(request: web.Request) -> web.Response:
    """Citizen booking."""
    return _render(request, "index.html")


async def booking_page(request: web.Request) -> web.Response:
    """The citizen's own booking; the token stays in the URL fragment, read by JavaScript only."""
    code = request.match_info.get("code", "")
    if code and not _CODE_RE.match(code):
        code = ""
    settings = request.app[SETTINGS]
    lang = request[PAGE_LANG]
    return _render(
        request,
        "booking.html",
        code=code.upper(),
        page_data=page_data(
            settings, lang, code=code.upper(), join_early_minutes=settings.call_join_early_minutes
        ),
    )


async def call_page(request: web.Request) -> web.Response:
    """The caller's video call: camera check, waiting room, call. Like "my booking", the link
    token stays in the URL fragment; the page trades it for a one-time WebSocket ticket."""
    code = request.match_info.get("code", "")
    if not _CODE_RE.match(code):
        code = ""
    settings = request.app[SETTINGS]
    lang = request[PAGE_LANG]
    return _render(
        request,
        "call.html",
        code=code.upper(),
        page_data=page_data(
            settings,
            lang,
            code=code.upper(),
            join_early_minutes=settings.call_join_early_minutes,
            resume_window_s=settings.call_resume_window_seconds,
        ),
    )


async def live_page(request: web.Request) -> web.Response:
    """Live counseling without a booking (walk-in): the queue's hours, the request form, the
    camera check (video), the queue, the call or chat, and the survey. Public; the contact token
    the page gets stays in sessionStorage, never in a URL."""
    settings = request.app[SETTINGS]
    lang = request[PAGE_LANG]
    return _render(
        request,
        "live.html",
        chat_max_chars=settings.chat_max_chars,
        name_max_chars=MAX_CONTACT_NAME_CHARS,
        page_data=page_data(
            settings,
            lang,
            resume_window_s=settings.call_resume_window_seconds,
            chat_max_chars=settings.chat_max_chars,
        ),
    )


@require_role(Role.STAFF)
async def staff_page(request: web.Request) -> web.StreamResponse:
    """Staff console: reservations, booking on behalf, interpreters and shifts."""
    return _render(request, "staff.html")


@require_role(Role.STAFF)
async def wallboard_page(request: web.Request) -> web.StreamResponse:
    """Staff wallboard: callers waiting per language, interpreters by state, today's speed of
    answer and abandoned calls, pushed live over `/ws` (`watch` / `wallboard`)."""
    return _render(request, "wallboard.html")


@require_role(Role.INTERPRETER)
async def interpreter_page(request: web.Request) -> web.StreamResponse:
    """Interpreter console: today's reservations with their live call state, the ready/away
    switch, and the call view when a caller is matched."""
    settings = request.app[SETTINGS]
    return _render(
        request,
        "interpreter.html",
        page_data=page_data(
            settings,
            request[PAGE_LANG],
            join_early_minutes=settings.call_join_early_minutes,
            resume_window_s=settings.call_resume_window_seconds,
        ),
    )


def setup_pages(app: web.Application) -> None:
    app.middlewares.append(language_middleware)
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.template_class = PageTemplate
    # `tojson` still escapes <, >, & and ' for HTML; Korean stays readable and half the size.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    app.router.add_get("/", index_page)
    app.router.add_get("/booking", booking_page)
    app.router.add_get("/booking/{code}", booking_page)
    app.router.add_get("/call/{code}", call_page)
    app.router.add_get("/live", live_page)
    app.router.add_get("/staff", staff_page)
    app.router.add_get("/staff/wallboard", wallboard_page)
    app.router.add_get("/interpreter", interpreter_page)
    app.router.add_static("/static/", STATIC, follow_symlinks=False)
