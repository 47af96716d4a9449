"""Log-in sessions, CSRF protection and role checks for interpreters, staff, supervisors and
admins.

The session cookie holds a 256-bit random token; the database keeps only its SHA-256, so a leaked
database does not yield live sessions. Every unsafe request that a browser could send with ambient
credentials must carry the CSRF token of its session (or, before log-in, of its `sd_csrf` cookie).
Log-ins, failed log-ins and log-outs are audited with the client address (`audit_log`).
Which role may pass which route is one table, `web.route_policy.ROUTE_POLICY`.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.accounts import authenticate
from scheduler.audit_origin import CLIENT_ADDRESS
from scheduler.codes import hash_token
from scheduler.domain import Role
from scheduler.models import Account, WebSession
from scheduler.store import _audit_raw
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from signdesk.settings import Settings

log = logging.getLogger(__name__)

SESSION_COOKIE = "sd_session"
CSRF_COOKIE = "sd_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class CurrentUser:
    account_id: int
    username: str
    display_name: str
    role: Role
    interpreter_id: int | None
    csrf_token: str

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.SUPERVISOR)


class LoginThrottle:
    """Counts failed log-ins per client address in a bounded, time-windowed table."""

    def __init__(self, per_minute: int, max_clients: int = 10_000) -> None:
        self._per_minute = per_minute
        self._max_clients = max_clients
        self._failures: OrderedDict[str, list[float]] = OrderedDict()

    def blocked(self, client: str, now: float) -> bool:
        recent = [t for t in self._failures.get(client, []) if now - t < 60]
        return len(recent) >= self._per_minute

    def record_failure(self, client: str, now: float) -> None:
        recent = [t for t in self._failures.pop(client, []) if now - t < 60]
        recent.append(now)
        self._failures[client] = recent[-self._per_minute :]
        while len(self._failures) > self._max_clients:
            self._failures.popitem(last=False)

    def clear(self, client: str) -> None:
        self._failures.pop(client, None)


CURRENT_USER = web.RequestKey("current_user", CurrentUser)
ANON_CSRF = web.RequestKey("anon_csrf", str)
LOGIN_THROTTLE = web.AppKey("login_throttle", LoginThrottle)


def current_user(request: web.Request) -> CurrentUser | None:
    return request.get(CURRENT_USER)


def client_address(request: web.Request) -> str | None:
    """The audit log's "from where": the peer address aiohttp saw, bounded to the column."""
    remote = request.remote
    return remote[:64] if remote else None


def csrf_token_for(request: web.Request) -> str:
    """The token a page must put in its forms (and JS must send as `X-CSRF-Token`)."""
    user = current_user(request)
    if user is not None:
        return user.csrf_token
    return request[ANON_CSRF]


def _allowed_origins(request: web.Request, settings: Settings) -> set[str]:
    own = f"{request.scheme}://{request.host}"
    return {own, *settings.allowed_origins}


def origin_allowed(request: web.Request) -> bool:
    """True when the request has no Origin (same-origin navigation) or an allowed one."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin in _allowed_origins(request, request.app[SETTINGS])


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _forbidden(request: web.Request, code: str, message: str) -> web.HTTPException:
    if _wants_json(request):
        return web.HTTPForbidden(
            text=web.json_response({"error": {"code": code, "message": message}}).text,
            content_type="application/json",
        )
    return web.HTTPForbidden(text=message)


async def _load_user(request: web.Request) -> CurrentUser | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 128 or not token.isascii():
        return None
    async with request.app[SESSIONS]() as db:
        row = await db.execute(
            select(WebSession, Account)
            .join(Account, Account.id == WebSession.account_id)
            .where(WebSession.token_hash == hash_token(token))
        )
        found = row.first()
        if found is None:
            return None
        web_session, account = found._tuple()
        if web_session.expires_at <= utcnow() or not account.active:
            return None
        return CurrentUser(
            account_id=account.id,
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            interpreter_id=account.interpreter_id,
            csrf_token=web_session.csrf_token,
        )


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    user = await _load_user(request)
    if user is not None:
        request[CURRENT_USER] = user
    anon = request.cookies.get(CSRF_COOKIE, "")
    fresh_anon = len(anon) < 32 or len(anon) > 64
    request[ANON_CSRF] = secrets.token_urlsafe(32) if fresh_anon else anon

    if request.method in UNSAFE_METHODS:
        await _check_csrf(request, user)

    # Audit entries written for a logged-in request record where it came from; citizens' don't.
    origin = CLIENT_ADDRESS.set(client_address(request) if user is not None else None)
    try:
        response = await handler(request)
    finally:
        CLIENT_ADDRESS.reset(origin)
    if fresh_anon and not response.prepared:
        response.set_cookie(
            CSRF_COOKIE,
            request[ANON_CSRF],
            httponly=True,
            samesite="Strict",
            secure=request.app[SETTINGS].cookie_secure,
            path="/",
        )
    return response


async def _check_csrf(request: web.Request, user: CurrentUser | None) -> None:
    if not origin_allowed(request):
        raise _forbidden(request, "bad_origin", "request origin is not allowed")
    # Without a session cookie a request carries no ambient credential to abuse, except the
    # log-in form itself (log-in CSRF), which uses the per-browser `sd_csrf` token.
    if SESSION_COOKIE not in request.cookies and request.path != "/login":
        return
    expected = user.csrf_token if user is not None else request[ANON_CSRF]
    provided = request.headers.get(CSRF_HEADER)
    if provided is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        provided = value if isinstance(value, str) else None
    if not provided or not hmac.compare_digest(provided.encode(), expected.encode()):
        raise _forbidden(request, "csrf", "missing or wrong CSRF token; reload the page")


def allowed_roles(*roles: Role) -> frozenset[Role]:
    """The roles `require_role(*roles)` lets through.

    A supervisor is senior staff, so `STAFF` also admits `SUPERVISOR`; nothing else is implied.
    In particular `ADMIN` is never implied (least privilege): admins manage accounts and
    settings and read the audit log, but see no reservation or record unless a route names them.
    """
    allowed = set(roles)
    if Role.STAFF in allowed:
        allowed.add(Role.SUPERVISOR)
    return frozenset(allowed)


def require_role(*roles: Role) -> Callable[[Handler], Handler]:
    """Wrap a handler so only logged-in accounts with one of `allowed_roles(*roles)` reach it.

    Pages redirect to the log-in page; API calls get 401/403 with a JSON error.
    """
    allowed = allowed_roles(*roles)

    def decorate(handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            user = current_user(request)
            if user is None:
                if _wants_json(request):
                    raise web.HTTPUnauthorized(
                        text=web.json_response(
                            {"error": {"code": "login_required", "message": "log in first"}}
                        ).text,
                        content_type="application/json",
                    )
                raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='')}")
            if user.role not in allowed:
                raise _forbidden(request, "forbidden", "your role cannot do this")
            return await handler(request)

        wrapped.__name__ = getattr(handler, "__name__", "handler")
        wrapped.__doc__ = handler.__doc__
        return wrapped

    return decorate


def _safe_next(target: str | None, fallback: str) -> str:
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def home_for(role: Role) -> str:
    if role is Role.ADMIN:
        return "/admin/accounts"
    return "/interpreter" if role is Role.INTERPRETER else "/staff"


async def _audit_failed_login(db: AsyncSession, request: web.Request, username: str) -> None:
    """A failed log-in names the account only when the username is one: a typed "username" that
    matches none may be a password typed into the wrong field, so it is never stored."""
    known = (
        await db.execute(select(Account.id, Account.active).where(Account.username == username))
    ).first()
    if known is None:
        target, detail = "unknown account", None
    else:
        target = f"account:{known.id}"
        detail = f"username={username}" + ("" if known.active else ";inactive")
    _audit_raw(db, "anonymous", "login.failed", target, detail, utcnow(), client_address(request))


async def login_page(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    if user is not None:
        raise web.HTTPSeeOther(_safe_next(request.query.get("next"), home_for(user.role)))
    context: dict[str, Any] = {"error": None, "next": request.query.get("next", ""), "username": ""}
    return aiohttp_jinja2.render_template("login.html", request, context)


async def login_submit(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    form = await request.post()
    username = str(form.get("username", "")).strip().lower()[:64]
    password = str(form.get("password", ""))[:256]
    next_url = str(form.get("next", ""))[:512]
    client = request.remote or "unknown"
    throttle = request.app[LOGIN_THROTTLE]
    now = time.monotonic()

    def fail(error: str, status: int) -> web.StreamResponse:
        context = {"error": error, "next": next_url, "username": username}
        response = aiohttp_jinja2.render_template("login.html", request, context)
        response.set_status(status)
        return response

    if throttle.blocked(client, now):
        return fail("throttled", 429)
    async with request.app[SESSIONS]() as db, db.begin():
        account = await authenticate(db, username, password) if username and password else None
        if account is None:
            throttle.record_failure(client, now)
            await _audit_failed_login(db, request, username)
            log.info("failed log-in")
            return fail("invalid", 401)
        throttle.clear(client)
        token = secrets.token_urlsafe(32)
        db.add(
            WebSession(
                token_hash=hash_token(token),
                account_id=account.id,
                csrf_token=secrets.token_urlsafe(32),
                expires_at=utcnow() + timedelta(hours=settings.session_hours),
            )
        )
        role = account.role
        actor = f"account:{account.id}"
        _audit_raw(db, actor, "login", actor, None, utcnow(), client_address(request))
        log.info("log-in by account %s", account.id)
    response = web.HTTPSeeOther(_safe_next(next_url, home_for(role)))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Lax",
        secure=settings.cookie_secure,
        max_age=settings.session_hours * 3600,
        path="/",
    )
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    user = current_user(request)
    if token:
        async with request.app[SESSIONS]() as db, db.begin():
            await db.execute(delete(WebSession).where(WebSession.token_hash == hash_token(token)))
            if user is not None:
                actor = f"account:{user.account_id}"
                _audit_raw(db, actor, "logout", actor, None, utcnow(), client_address(request))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


def setup_auth(app: web.Application) -> None:
    app[LOGIN_THROTTLE] = LoginThrottle(app[SETTINGS].login_attempts_per_minute)
    app.middlewares.append(auth_middleware)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login_submit)
    app.router.add_post("/logout", logout)
