"""Admins: accounts (create, change role, deactivate, set a password) and the effective settings.

Plain HTML forms with the session's CSRF token, posted and answered with a redirect back to the
list (POST/redirect/GET), so the pages work without JavaScript. Every change is audited with the
client address. Two rules keep the service administrable: an admin cannot change their own role
or deactivate themselves, and the last active admin cannot lose the role or be deactivated.
Admins see no reservation or record (least privilege, docs/threat-model.md "Roles").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.accounts import MIN_PASSWORD_CHARS, AccountError, create_account, hash_password
from scheduler.domain import Role
from scheduler.models import Account, Interpreter, WebSession
from signdesk import runtime
from signdesk.appkeys import RUNTIME, SESSIONS, SETTINGS
from signdesk.db import utcnow
from signdesk.settings import RuntimeSettings, Settings
from web.audit import audit_request, setup_audit
from web.auth import current_user, require_role

log = logging.getLogger(__name__)

ACCOUNTS_PAGE = "/admin/accounts"
SETTINGS_PAGE = "/admin/settings"
MAX_DISPLAY_NAME_CHARS = 80
MAX_PASSWORD_CHARS = 256
HIDDEN = "••••••"
# Settings never shown, whatever their name; any field whose name contains one of the words is
# hidden too, so a secret added later stays hidden by default.
SECRET_SETTINGS = frozenset({"secret_key"})
SECRET_WORDS = ("secret", "password", "credential", "token", "key")


class Refusal(StrEnum):
    """Why an account change was refused (also the i18n key suffix `admin.error.<code>`)."""

    OWN_ROLE = "own_role"
    OWN_ACCOUNT = "own_account"
    LAST_ADMIN = "last_admin"
    NOT_FOUND = "not_found"
    BAD_ROLE = "bad_role"
    USERNAME = "username"
    USERNAME_TAKEN = "username_taken"
    DISPLAY_NAME = "display_name"
    PASSWORD_SHORT = "password_short"  # noqa: S105 (a refusal code, not a password)
    PASSWORD_MISMATCH = "password_mismatch"  # noqa: S105


class Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class Change:
    """A requested change of one account: a new role, or a new active state (None: unchanged)."""

    role: Role | None = None
    active: bool | None = None


def refusal_for(
    *,
    actor_id: int,
    target_id: int,
    target_role: Role,
    target_active: bool,
    change: Change,
    active_admins: int,
) -> Refusal | None:
    """The rule, pure: may this admin make this change to this account?"""
    own = actor_id == target_id
    if own and change.role is not None and change.role is not target_role:
        return Refusal.OWN_ROLE
    if own and change.active is False:
        return Refusal.OWN_ACCOUNT
    loses_admin = (change.role is not None and change.role is not Role.ADMIN) or (
        change.active is False
    )
    if target_role is Role.ADMIN and target_active and loses_admin and active_admins <= 1:
        return Refusal.LAST_ADMIN
    return None


# --- store --------------------------------------------------------------------------------------


async def _active_admins(db: AsyncSession) -> int:
    """Active admins, their rows locked (PostgreSQL) so two admins cannot demote each other at
    once; SQLite writers are serialised by `BEGIN IMMEDIATE` already."""
    ids = await db.scalars(
        select(Account.id)
        .where(Account.role == Role.ADMIN, Account.active.is_(True))
        .with_for_update()
    )
    return len(list(ids))


async def _load(db: AsyncSession, account_id: int) -> Account:
    account = await db.get(Account, account_id, with_for_update=True)
    if account is None:
        raise Refused(Refusal.NOT_FOUND)
    return account


async def _end_sessions(db: AsyncSession, account_id: int) -> None:
    await db.execute(delete(WebSession).where(WebSession.account_id == account_id))


async def _change(request: web.Request, account_id: int, change: Change) -> None:
    user = current_user(request)
    assert user is not None  # require_role ran first
    async with request.app[SESSIONS]() as db, db.begin():
        account = await _load(db, account_id)
        refusal = refusal_for(
            actor_id=user.account_id,
            target_id=account.id,
            target_role=account.role,
            target_active=account.active,
            change=change,
            active_admins=await _active_admins(db),
        )
        if refusal is not None:
            raise Refused(refusal)
        target = f"account:{account.id}"
        if change.role is not None and change.role is not account.role:
            before = account.role
            if change.role is Role.INTERPRETER and account.interpreter_id is None:
                profile = Interpreter(display_name=account.display_name, sign_languages=["KSL"])
                db.add(profile)
                await db.flush()
                account.interpreter_id = profile.id
            elif change.role is not Role.INTERPRETER:
                account.interpreter_id = None  # an interpreter's own-records access ends too
            account.role = change.role
            detail = f"from={before};to={change.role}"
            audit_request(db, request, "account.role_changed", target, detail)
        if change.active is not None and change.active is not account.active:
            account.active = change.active
            if not change.active:
                await _end_sessions(db, account.id)
            action = "account.activated" if change.active else "account.deactivated"
            audit_request(db, request, action, target)


# --- forms --------------------------------------------------------------------------------------


def _field(form: Mapping[str, Any], name: str, limit: int) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def _role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError as exc:
        raise Refused(Refusal.BAD_ROLE) from exc


def _password(form: Mapping[str, Any]) -> str:
    password = _field(form, "password", MAX_PASSWORD_CHARS)
    if len(password) < MIN_PASSWORD_CHARS:
        raise Refused(Refusal.PASSWORD_SHORT)
    if password != _field(form, "password_again", MAX_PASSWORD_CHARS):
        raise Refused(Refusal.PASSWORD_MISMATCH)
    return password


def _account_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        raise web.HTTPNotFound(text="no such account")
    return int(raw)


def _back(**query: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{ACCOUNTS_PAGE}?{urlencode(query)}")


async def _render_accounts(
    request: web.Request, *, status: int = 200, **context: Any
) -> web.StreamResponse:
    async with request.app[SESSIONS]() as db:
        accounts = list(await db.scalars(select(Account).order_by(Account.username)))
    settings = request.app[SETTINGS]
    done = request.query.get("done", "")
    error = str(context.pop("error", None) or request.query.get("error", ""))
    values: dict[str, Any] = {
        "accounts": [
            {
                "id": a.id,
                "username": a.username,
                "display_name": a.display_name,
                "role": a.role.value,
                "active": a.active,
                "created": a.created_at.astimezone(settings.tz),
            }
            for a in accounts
        ],
        "roles": [r.value for r in Role],
        "done": done if done in _DONE else "",
        "error": error if error in {r.value for r in Refusal} else "",
        "form": context.pop("form", {"username": "", "display_name": "", "role": "staff"}),
        "min_password": MIN_PASSWORD_CHARS,
        "max_display_name": MAX_DISPLAY_NAME_CHARS,
    }
    values.update(context)
    response = aiohttp_jinja2.render_template("admin_accounts.html", request, values)
    response.set_status(status)
    response.headers["Cache-Control"] = "no-store"
    return response


_DONE = frozenset({"created", "role", "activated", "deactivated", "password"})


@require_role(Role.ADMIN)
async def accounts_page(request: web.Request) -> web.StreamResponse:
    """Admins: every account with its role and state, and the forms that change them."""
    return await _render_accounts(request)


@require_role(Role.ADMIN)
async def create_account_submit(request: web.Request) -> web.StreamResponse:
    """Create an account with an initial password (argon2-hashed, never logged or echoed)."""
    form = await request.post()
    username = _field(form, "username", 64).strip().lower()
    display_name = _field(form, "display_name", MAX_DISPLAY_NAME_CHARS + 1).strip()
    kept = {"username": username, "display_name": display_name, "role": _field(form, "role", 20)}
    try:
        role = _role(kept["role"])
        if not display_name or len(display_name) > MAX_DISPLAY_NAME_CHARS:
            raise Refused(Refusal.DISPLAY_NAME)
        password = _password(form)
        async with request.app[SESSIONS]() as db, db.begin():
            account = await create_account(
                db, username=username, display_name=display_name, role=role, password=password
            )
            audit_request(db, request, "account.created", f"account:{account.id}", f"role={role}")
    except Refused as refused:
        return await _render_accounts(request, status=422, error=refused.refusal, form=kept)
    except AccountError as exc:
        taken = "taken" in str(exc)
        refusal = Refusal.USERNAME_TAKEN if taken else Refusal.USERNAME
        return await _render_accounts(request, status=422, error=refusal, form=kept)
    log.info("account %s created by an admin", account.id)
    raise _back(done="created")


@require_role(Role.ADMIN)
async def change_role_submit(request: web.Request) -> web.StreamResponse:
    """Give an account another role (audited; not your own, not the last admin's)."""
    account_id = _account_id(request)
    form = await request.post()
    try:
        await _change(request, account_id, Change(role=_role(_field(form, "role", 20))))
    except Refused as refused:
        return await _refused(request, refused)
    raise _back(done="role")


@require_role(Role.ADMIN)
async def change_active_submit(request: web.Request) -> web.StreamResponse:
    """Deactivate an account (its sessions end at once) or activate it again (audited)."""
    account_id = _account_id(request)
    form = await request.post()
    active = _field(form, "active", 1) == "1"
    try:
        await _change(request, account_id, Change(active=active))
    except Refused as refused:
        return await _refused(request, refused)
    raise _back(done="activated" if active else "deactivated")


@require_role(Role.ADMIN)
async def set_password_submit(request: web.Request) -> web.StreamResponse:
    """Set a new password for an account (e.g. a forgotten one); its sessions end (audited)."""
    account_id = _account_id(request)
    form = await request.post()
    try:
        password = _password(form)
        async with request.app[SESSIONS]() as db, db.begin():
            account = await _load(db, account_id)
            account.password_hash = hash_password(password)
            await _end_sessions(db, account.id)
            audit_request(db, request, "account.password_set", f"account:{account.id}")
    except Refused as refused:
        return await _refused(request, refused)
    raise _back(done="password")


async def _refused(request: web.Request, refused: Refused) -> web.StreamResponse:
    status = 404 if refused.refusal is Refusal.NOT_FOUND else 409
    if refused.refusal in (Refusal.BAD_ROLE, Refusal.PASSWORD_SHORT, Refusal.PASSWORD_MISMATCH):
        status = 422
    return await _render_accounts(request, status=status, error=refused.refusal)


# --- settings -----------------------------------------------------------------------------------


def _secret(name: str) -> bool:
    return name in SECRET_SETTINGS or any(word in name for word in SECRET_WORDS)


def _database(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return HIDDEN


def _ice_servers(servers: list[dict[str, str | list[str]]]) -> str:
    """STUN/TURN URLs only: a TURN username and credential are secrets."""
    urls: list[str] = []
    for server in servers:
        raw = server.get("urls", [])
        urls.extend([raw] if isinstance(raw, str) else raw)
    return ", ".join(urls) if urls else "—"


def effective_settings(settings: Settings) -> list[tuple[str, str]]:
    """Every setting as (name, shown value); secrets are replaced, never shown."""
    shown: list[tuple[str, str]] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if name == "database_url":
            text = _database(str(value))
        elif name == "ice_servers":
            text = _ice_servers(value)
        elif _secret(name):
            text = HIDDEN
        elif isinstance(value, list | tuple):
            text = ", ".join(str(v) for v in value) or "—"
        else:
            text = str(value.value if isinstance(value, StrEnum) else value)
        shown.append((name, text))
    return shown


def _render_settings(
    request: web.Request,
    *,
    status: int = 200,
    error: str | None = None,
    typed: Mapping[str, str] | None = None,
) -> web.Response:
    current = request.app[RUNTIME].current
    rows = [
        (name, text if name not in RuntimeSettings.model_fields else str(getattr(current, name)))
        for name, text in effective_settings(request.app[SETTINGS])
    ]
    # A refused form comes back with what the admin typed, so nothing is lost.
    typed = typed or {}
    editable = [
        (name, typed.get(name, getattr(current, name))) for name in RuntimeSettings.model_fields
    ]
    response = aiohttp_jinja2.render_template(
        "admin_settings.html",
        request,
        {
            "rows": rows,
            "editable": editable,
            "error": error,
            "saved": request.query.get("done") == "saved",
        },
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@require_role(Role.ADMIN)
async def settings_page(request: web.Request) -> web.StreamResponse:
    """Admins: the effective settings; the run-time ones (retention, the purge) can be changed
    here, the rest come from the environment."""
    return _render_settings(request)


@require_role(Role.ADMIN)
async def settings_submit(request: web.Request) -> web.StreamResponse:
    """Change run-time settings: validated against their bounds, stored, audited (name, old
    and new value), in force at once for the purge and the right-of-access page."""
    user = current_user(request)
    assert user is not None  # require_role ran first
    form = await request.post()
    holder = request.app[RUNTIME]
    before = holder.current
    submitted = {
        name: str(form.get(name, "")).strip()[:40]
        for name in RuntimeSettings.model_fields
        if name in form
    }
    try:
        after = runtime.merged(before, submitted)
    except ValidationError as exc:
        bad = sorted({str(err["loc"][0]) for err in exc.errors() if err.get("loc")})
        return _render_settings(request, status=422, error=", ".join(bad), typed=submitted)
    changes = {
        name: str(getattr(after, name))
        for name in RuntimeSettings.model_fields
        if getattr(after, name) != getattr(before, name)
    }
    if changes:
        now = utcnow()
        async with request.app[SESSIONS]() as db, db.begin():
            await runtime.save(db, changes, account_id=user.account_id, now=now)
            for name, value in changes.items():
                detail = f"from={getattr(before, name)};to={value}"
                audit_request(db, request, "settings.changed", f"setting:{name}", detail, now=now)
        holder.current = after
    raise web.HTTPSeeOther(f"{SETTINGS_PAGE}?done=saved")


def setup_admin(app: web.Application) -> None:
    """Register the admin pages and the audit log's (`web.audit`)."""
    app.router.add_get(ACCOUNTS_PAGE, accounts_page)
    app.router.add_post(ACCOUNTS_PAGE, create_account_submit)
    app.router.add_post(ACCOUNTS_PAGE + "/{id}/role", change_role_submit)
    app.router.add_post(ACCOUNTS_PAGE + "/{id}/active", change_active_submit)
    app.router.add_post(ACCOUNTS_PAGE + "/{id}/password", set_password_submit)
    app.router.add_get(SETTINGS_PAGE, settings_page)
    app.router.add_post(SETTINGS_PAGE, settings_submit)
    setup_audit(app)
