"""The supervisors' statistics page and its CSV downloads (issue 6).

`/staff/statistics?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: the last 30 service days) shows each
chart with its summary and data table; `/staff/statistics/{chart}.csv` gives that chart's table
for the same range. Supervisors only: staff see the live wallboard, not the history.

The figures come from `scheduler.statistics` (SQL aggregates), the charts from
`web.statistics_views` (pure); this module only parses the request and renders.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from scheduler.domain import Role
from scheduler.statistics import (
    MAX_RANGE_DAYS,
    Period,
    PeriodError,
    default_period,
    gather_statistics,
    parse_period,
)
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from web.auth import require_role
from web.i18n import translate
from web.pages import PAGE_LANG, timezone_label
from web.statistics_views import CHART_IDS, build_view, build_views, headline

log = logging.getLogger(__name__)

PAGE = "/staff/statistics"
QUICK_RANGES = (7, 30, 90, 365)
# Excel opens a UTF-8 CSV as UTF-8 (Korean intact) only when it starts with a byte-order mark.
UTF8_BOM = "\ufeff"


def _today(request: web.Request) -> date:
    return utcnow().astimezone(request.app[SETTINGS].tz).date()


def _period(request: web.Request) -> Period:
    """The range asked for; `PeriodError` when it cannot be shown."""
    settings = request.app[SETTINGS]
    return parse_period(
        request.query.get("from") or None,
        request.query.get("to") or None,
        today=_today(request),
        tz=settings.tz,
        max_days=MAX_RANGE_DAYS,
    )


def _error_text(lang: str, error: PeriodError) -> str:
    return translate(lang, f"stats.err.{error.code}", max=MAX_RANGE_DAYS)


def _error_field(error: PeriodError) -> str:
    return {"bad_from": "from", "bad_to": "to"}.get(error.code, "both")


def _csv_href(chart_id: str, period: Period, lang: str) -> str:
    query = urlencode({"from": period.first.isoformat(), "to": period.last.isoformat()})
    return f"{PAGE}/{chart_id}.csv?{query}&lang={lang}"


def _quick_links(request: web.Request, lang: str) -> list[dict[str, str]]:
    today = _today(request)
    tz = request.app[SETTINGS].tz
    links = []
    for days in QUICK_RANGES:
        period = default_period(today, tz, days)
        query = urlencode({"from": period.first.isoformat(), "to": period.last.isoformat()})
        links.append(
            {"href": f"{PAGE}?{query}", "label": translate(lang, "stats.last_days", n=days)}
        )
    return links


def _render(request: web.Request, status: int, context: dict[str, Any]) -> web.Response:
    response = aiohttp_jinja2.render_template("statistics.html", request, context)
    response.set_status(status)
    # Figures about the center's work: never kept by a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@require_role(Role.SUPERVISOR)
async def statistics_page(request: web.Request) -> web.StreamResponse:
    """The charts for the asked range, or the form with what is wrong (400)."""
    lang = request[PAGE_LANG]
    base: dict[str, Any] = {
        "max_days": MAX_RANGE_DAYS,
        "quick_links": _quick_links(request, lang),
        "error": None,
        "error_field": "",
        "stats_period": "",
    }
    try:
        period = _period(request)
    except PeriodError as exc:
        log.info("statistics: refused range (%s)", exc.code)
        return _render(
            request,
            400,
            base
            | {
                "error": _error_text(lang, exc),
                "error_field": _error_field(exc),
                "from_value": request.query.get("from", "")[:20],
                "to_value": request.query.get("to", "")[:20],
            },
        )
    stats = await gather_statistics(request.app[SESSIONS], period, now=utcnow())
    views = build_views(stats, lang)
    showing = translate(
        lang,
        "stats.showing",
        first=period.first.isoformat(),
        last=period.last.isoformat(),
        days=period.days,
        zone=timezone_label(request.app[SETTINGS], lang),
    )
    return _render(
        request,
        200,
        base
        | {
            "from_value": period.first.isoformat(),
            "to_value": period.last.isoformat(),
            "stats_period": showing,
            "figures": headline(stats, lang),
            "charts": views,
            "csv_links": {view.id: _csv_href(view.id, period, lang) for view in views},
        },
    )


@require_role(Role.SUPERVISOR)
async def statistics_csv(request: web.Request) -> web.StreamResponse:
    """One chart's table as CSV (UTF-8 with a byte-order mark, headers in the page language)."""
    chart_id = request.match_info["chart"]
    if chart_id not in CHART_IDS:
        raise web.HTTPNotFound(text="no such chart")
    lang = request[PAGE_LANG]
    try:
        period = _period(request)
    except PeriodError as exc:
        raise web.HTTPBadRequest(text=_error_text(lang, exc)) from exc
    stats = await gather_statistics(request.app[SESSIONS], period, now=utcnow())
    view = build_view(chart_id, stats, lang)
    out = io.StringIO()
    out.write(UTF8_BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(view.columns)
    writer.writerows([_csv_safe(cell) for cell in row] for row in view.csv_rows)
    filename = f"signdesk-{chart_id}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _csv_safe(cell: str | int | float) -> str | int | float:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (CSV
    injection); numbers stay numbers."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def setup_statistics(app: web.Application) -> None:
    app.router.add_get(PAGE, statistics_page)
    app.router.add_get(PAGE + "/{chart}.csv", statistics_csv)
