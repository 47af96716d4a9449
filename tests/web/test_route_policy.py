"""Every route the app registers has one entry in `web.route_policy.ROUTE_POLICY`, and its role
gate lets exactly that entry's roles through: for an anonymous visitor (a citizen with a link is
anonymous to the gate; the token is checked after it) and for each role. Runs on both databases."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pytest
from aiohttp import WSServerHandshakeError, web
from aiohttp.test_utils import TestClient

from scheduler.codes import hash_token
from scheduler.domain import Role
from scheduler.models import Account, Interpreter, WebSession
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from signdesk.db import utcnow
from tests.conftest import make_settings
from web.auth import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, allowed_roles
from web.route_policy import ROUTE_POLICY, Rule, rule_for

Client = TestClient[web.Request, web.Application]
ANONYMOUS = "anonymous"
PRINCIPALS: tuple[str, ...] = (ANONYMOUS, *(r.value for r in Role))
# What the role gates answer when they refuse (web.auth.require_role, the /ws handshake).
REFUSAL_CODES = ('"login_required"', '"forbidden"', '"not_an_interpreter"')
REFUSAL_TEXT = "your role cannot do this"
_PARAM = re.compile(r"{(\w+)}")
# Ids nothing has, so a request the gate lets through changes nothing (e.g. deactivating the
# account of a principal still to be tried).
_SAMPLE = {"code": "K7F-2QD", "chart": "volume", "id": "999999", "session_id": "s_none"}


def registered(app: web.Application) -> list[tuple[str, str]]:
    """(method, canonical path) of every route; HEAD is left out (it follows GET)."""
    found = []
    for route in app.router.routes():
        if route.method == "HEAD" or route.resource is None:
            continue
        found.append((route.method, route.resource.canonical))
    return sorted(set(found))


def test_every_registered_route_has_a_policy_entry() -> None:
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:"))
    missing = [key for key in registered(app) if rule_for(*key) is None]
    assert missing == [], "add these routes to web.route_policy.ROUTE_POLICY"
    assert rule_for("HEAD", "/staff") == rule_for("GET", "/staff")


def test_the_policy_keeps_record_contents_from_staff_and_admins() -> None:
    """The issue's roles, as the table states them (least privilege)."""
    contents = [k for k in ROUTE_POLICY if k[1].startswith(("/api/records", "/staff/records"))]
    contents += [("GET", "/api/sessions/{session_id}/record"), ("GET", "/staff/statistics")]
    for key in contents:
        assert Role.STAFF not in ROUTE_POLICY[key].roles, key
        assert Role.ADMIN not in ROUTE_POLICY[key].roles, key
        assert Role.SUPERVISOR in ROUTE_POLICY[key].roles, key
    admin_only = [k for k in ROUTE_POLICY if k[1].startswith("/admin/")]
    assert admin_only and all(ROUTE_POLICY[k].roles == {Role.ADMIN} for k in admin_only)
    assert ROUTE_POLICY[("GET", "/staff/audit")].roles == {Role.SUPERVISOR, Role.ADMIN}
    assert Role.ADMIN not in allowed_roles(Role.STAFF, Role.SUPERVISOR, Role.INTERPRETER)
    assert allowed_roles(Role.STAFF) == {Role.STAFF, Role.SUPERVISOR}


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    cookies: dict[str, str]
    csrf: str


async def principals(client: Client) -> list[Principal]:
    """An anonymous visitor, and a logged-in session for each role."""
    anon = secrets.token_urlsafe(32)
    found = [Principal(ANONYMOUS, {CSRF_COOKIE: anon}, anon)]
    async with client.app[SESSIONS]() as db, db.begin():
        for role in Role:
            interpreter_id = None
            if role is Role.INTERPRETER:
                profile = Interpreter(display_name="Policy", sign_languages=["KSL"], active=True)
                db.add(profile)
                await db.flush()
                interpreter_id = profile.id
            account = Account(
                username=f"policy-{role.value}",
                display_name=f"Policy {role.value}",
                role=role,
                password_hash="not-a-hash",
                interpreter_id=interpreter_id,
                active=True,
            )
            db.add(account)
            await db.flush()
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            db.add(
                WebSession(
                    token_hash=hash_token(token),
                    account_id=account.id,
                    csrf_token=csrf,
                    expires_at=utcnow() + timedelta(hours=1),
                )
            )
            found.append(Principal(role.value, {SESSION_COOKIE: token, CSRF_COOKIE: anon}, csrf))
    return found


def sample_url(path: str) -> str:
    if path == "/static":
        return "/static/css/signdesk.css"
    return _PARAM.sub(lambda m: _SAMPLE[m.group(1)], path)


async def refused(client: Client, method: str, path: str, who: Principal) -> bool:
    """Ask as `who`; True when a role gate refused (log-in redirect, 401 or 403 from a gate)."""
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies(who.cookies)
    kwargs: dict[str, object] = {"headers": {CSRF_HEADER: who.csrf}, "allow_redirects": False}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        if path.startswith("/api/"):
            kwargs["json"] = {}
        else:
            kwargs["data"] = {"csrf_token": who.csrf}
    if path == "/ws":  # the socket's gate runs in the handshake
        try:
            socket = await client.ws_connect("/ws")
        except WSServerHandshakeError as exc:
            assert exc.status in (401, 403), (who.name, exc.status)
            return True
        await socket.close()
        return False
    resp = await client.request(method, sample_url(path), **kwargs)  # type: ignore[arg-type]
    body = await resp.text()
    assert resp.status < 500, (method, path, who.name, resp.status)
    if resp.status == 303:
        return resp.headers.get("Location", "").startswith("/login?next=")
    if resp.status == 403:  # a refused CSRF token or origin would be this test's own mistake
        assert '"csrf"' not in body and "CSRF token" not in body, (method, path, who.name)
        assert "origin is not allowed" not in body, (method, path, who.name)
    # Other 401/403s come after the gate (a wrong link or contact token): the gate let it by.
    return resp.status in (401, 403) and (
        body == REFUSAL_TEXT or any(code in body for code in REFUSAL_CODES)
    )


def expected(rule: Rule, who: str) -> bool:
    """True when `who` must be refused."""
    if rule.public:
        return False
    return who == ANONYMOUS or Role(who) not in rule.roles


async def test_each_role_is_let_through_or_refused_as_the_policy_says(client: Client) -> None:
    everyone = await principals(client)
    routes = registered(client.app)
    # Log-out last: it ends the session the later requests would use.
    routes.sort(key=lambda key: key == ("POST", "/logout"))
    wrong: list[tuple[str, str, str, str]] = []
    for method, path in routes:
        rule = rule_for(method, path)
        assert rule is not None, (method, path)
        for who in everyone:
            was_refused = await refused(client, method, path, who)
            if was_refused != expected(rule, who.name):
                wrong.append((method, path, who.name, "refused" if was_refused else "let through"))
    assert wrong == []


@pytest.mark.parametrize("who", [r.value for r in Role])
def test_every_role_has_somewhere_to_go(who: str) -> None:
    """No role is locked out of everything: each reaches at least one logged-in page."""
    pages = [k for k, r in ROUTE_POLICY.items() if k[0] == "GET" and Role(who) in r.roles]
    assert pages
