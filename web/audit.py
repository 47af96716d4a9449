"""The audit log over HTTP: who did what, when and from where (PIPA accountability).

`audit_request` is the helper for entries made while handling a request: it fills the actor from
the log-in and "from where" from the client address aiohttp saw (`request.remote`; behind a proxy
that is the proxy unless aiohttp is told otherwise). The log is append-only: the app has no route
that changes or removes an entry, and database triggers (migration 0007) refuse UPDATE and DELETE.

`/staff/audit` lets supervisors and admins read it, newest first, a page at a time (keyset paging
on the id, so new entries do not shift the pages); `/admin/audit/export.csv` streams it to admins.
Both are audited themselves: the entries carry client addresses, which are personal data.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.domain import Role
from scheduler.models import Account, AuditEntry
from scheduler.store import _audit_raw
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from signdesk.settings import Settings
from web.auth import client_address, current_user, require_role

log = logging.getLogger(__name__)

PAGE_ROWS = 50
EXPORT_CHUNK_ROWS = 500
MAX_FILTER_CHARS = 80
AUDIT_PAGE = "/staff/audit"
AUDIT_EXPORT = "/admin/audit/export.csv"
CSV_COLUMNS = ("id", "at", "actor", "action", "target", "detail", "client_address")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def actor_of(request: web.Request) -> str:
    """The logged-in account as the audit log names it, else "anonymous"."""
    user = current_user(request)
    return "anonymous" if user is None else f"account:{user.account_id}"


def audit_request(
    db: AsyncSession,
    request: web.Request,
    action: str,
    target: str,
    detail: str | None = None,
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> None:
    """Add an entry to `db`'s transaction for something done in `request`. `detail` holds codes
    and ids, never personal data."""
    _audit_raw(
        db,
        actor if actor is not None else actor_of(request),
        action,
        target,
        None if detail is None else detail[:400],
        now or utcnow(),
        client_address=client_address(request),
    )


async def audit_now(
    request: web.Request, action: str, target: str, detail: str | None = None
) -> None:
    """`audit_request` in a transaction of its own, committed before the handler goes on."""
    async with request.app[SESSIONS]() as db, db.begin():
        audit_request(db, request, action, target, detail)


# --- filters ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """The page's and the export's filter; dates are local days in the service's zone."""

    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    action: str = ""

    def where(self, settings: Settings) -> list[ColumnElement[bool]]:
        tz = settings.tz
        clauses: list[ColumnElement[bool]] = []
        if self.date_from is not None:
            clauses.append(AuditEntry.at >= datetime.combine(self.date_from, time(0), tz))
        if self.date_to is not None:
            end = datetime.combine(self.date_to + timedelta(days=1), time(0), tz)
            clauses.append(AuditEntry.at < end)
        if self.actor:
            clauses.append(AuditEntry.actor == self.actor)
        if self.action:
            # A prefix: "login" finds "login" and "login.failed"; "account." every account change.
            escaped = self.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append(AuditEntry.action.like(escaped + "%", escape="\\"))
        return clauses

    def query_items(self) -> list[tuple[str, str]]:
        items = [
            ("from", self.date_from.isoformat() if self.date_from else ""),
            ("to", self.date_to.isoformat() if self.date_to else ""),
            ("actor", self.actor),
            ("action", self.action),
        ]
        return [(k, v) for k, v in items if v]

    def describe(self) -> str:
        """For the export's own audit entry: the filter, no personal data beyond actor ids."""
        return ";".join(f"{k}={v}" for k, v in self.query_items()) or "all"


def _day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError as exc:
        raise web.HTTPBadRequest(text="dates are YYYY-MM-DD") from exc


def _text(raw: str | None) -> str:
    value = (raw or "").strip()[:MAX_FILTER_CHARS]
    return value if value.isprintable() else ""


def parse_filter(request: web.Request) -> AuditFilter:
    q = request.query
    return AuditFilter(
        date_from=_day(q.get("from")),
        date_to=_day(q.get("to")),
        actor=_text(q.get("actor")),
        action=_text(q.get("action")),
    )


def _before(request: web.Request) -> int | None:
    raw = request.query.get("before", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise web.HTTPBadRequest(text="before must be an entry id")
    return int(raw)


# --- reading ------------------------------------------------------------------------------------


async def _account_names(db: AsyncSession, actors: set[str]) -> dict[str, str]:
    ids = {int(a.split(":", 1)[1]) for a in actors if a.startswith("account:") and a[8:].isdigit()}
    if not ids:
        return {}
    rows = await db.execute(select(Account.id, Account.username).where(Account.id.in_(ids)))
    return {f"account:{account_id}": username for account_id, username in rows.tuples()}


@require_role(Role.SUPERVISOR, Role.ADMIN)
async def audit_page(request: web.Request) -> web.StreamResponse:
    """Supervisors and admins: the audit log, newest first, filtered, one page at a time."""
    settings = request.app[SETTINGS]
    flt = parse_filter(request)
    before = _before(request)
    clauses = flt.where(settings)
    if before is not None:
        clauses.append(AuditEntry.id < before)
    async with request.app[SESSIONS]() as db, db.begin():
        audit_request(db, request, "audit.viewed", "audit_log", flt.describe())
        rows = list(
            await db.scalars(
                select(AuditEntry)
                .where(and_(true(), *clauses))
                .order_by(AuditEntry.id.desc())
                .limit(PAGE_ROWS + 1)
            )
        )
        more = len(rows) > PAGE_ROWS
        rows = rows[:PAGE_ROWS]
        names = await _account_names(db, {r.actor for r in rows})
    user = current_user(request)
    entries = [
        {
            "id": r.id,
            "at": r.at.astimezone(settings.tz),
            "actor": r.actor,
            "actor_name": names.get(r.actor),
            "action": r.action,
            "target": r.target,
            "detail": r.detail or "",
            "client_address": r.client_address or "",
        }
        for r in rows
    ]
    query = flt.query_items()
    older = [*query, ("before", str(rows[-1].id))] if more and rows else None
    context: dict[str, Any] = {
        "entries": entries,
        "filter": flt,
        "older_query": older,
        "first_page": before is None,
        "filter_query": query,
        "can_export": user is not None and user.role is Role.ADMIN,
    }
    response = aiohttp_jinja2.render_template("audit.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_cell(value: object) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_rows(rows: list[AuditEntry], settings: Settings) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in rows:
        at = r.at.astimezone(settings.tz).isoformat(timespec="seconds")
        values = (r.id, at, r.actor, r.action, r.target, r.detail, r.client_address)
        writer.writerow([csv_cell(v) for v in values])
    return out.getvalue()


async def _chunks(
    request: web.Request, clauses: list[ColumnElement[bool]]
) -> AsyncGenerator[list[AuditEntry], None]:
    """Matching entries in id order, a chunk per short transaction (keyset on the id), so a long
    download holds no transaction open."""
    last = 0
    while True:
        async with request.app[SESSIONS]() as db:
            rows = list(
                await db.scalars(
                    select(AuditEntry)
                    .where(and_(AuditEntry.id > last, *clauses))
                    .order_by(AuditEntry.id)
                    .limit(EXPORT_CHUNK_ROWS)
                )
            )
        if not rows:
            return
        yield rows
        last = rows[-1].id


@require_role(Role.ADMIN)
async def audit_export(request: web.Request) -> web.StreamResponse:
    """Admins: the (filtered) audit log as CSV, streamed in chunks; the export is audited before
    the first byte goes out, so an aborted download is still on the record."""
    settings = request.app[SETTINGS]
    flt = parse_filter(request)
    await audit_now(request, "audit.export", "audit_log", flt.describe())
    clauses = flt.where(settings)
    stamp = utcnow().astimezone(settings.tz).strftime("%Y%m%d-%H%M")
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="signdesk-audit-{stamp}.csv"',
            "Cache-Control": "no-store",
        }
    )
    response.enable_chunked_encoding()
    await response.prepare(request)
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
    # A byte-order mark, so spreadsheet programs read the text as UTF-8.
    await response.write(("\ufeff" + header.getvalue()).encode("utf-8"))
    count = 0
    async with contextlib.aclosing(_chunks(request, clauses)) as chunks:
        async for rows in chunks:
            count += len(rows)
            await response.write(_csv_rows(rows, settings).encode("utf-8"))
    await response.write_eof()
    log.info("audit export: %d entries", count)
    return response


def setup_audit(app: web.Application) -> None:
    app.router.add_get(AUDIT_PAGE, audit_page)
    app.router.add_get(AUDIT_EXPORT, audit_export)
