"""Log-in, log-out, session cookies, CSRF and role checks, over real HTTP on both databases."""

from __future__ import annotations

import re

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from scheduler.accounts import AccountError, create_account, hash_password, verify_password
from scheduler.domain import Role
from scheduler.models import WebSession
from signdesk.appkeys import SESSIONS
from web.auth import CSRF_COOKIE, SESSION_COOKIE, LoginThrottle

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery"


async def _account(client: Client, role: Role = Role.STAFF, username: str = "kim") -> None:
    async with client.app[SESSIONS]() as db, db.begin():
        await create_account(
            db, username=username, display_name="Kim", role=role, password=PASSWORD
        )


async def _anon_csrf(client: Client) -> str:
    resp = await client.get("/login")
    assert resp.status == 200
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[CSRF_COOKIE]
    return cookie.value


async def _login(client: Client, username: str = "kim", password: str = PASSWORD) -> int:
    token = await _anon_csrf(client)
    resp = await client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
        allow_redirects=False,
    )
    return resp.status


def test_passwords_are_argon2_and_verified() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password("garbage", PASSWORD)


def test_short_passwords_are_refused() -> None:
    try:
        hash_password("short")
    except AccountError as exc:
        assert "at least" in str(exc)
    else:
        raise AssertionError("short password accepted")


async def test_login_sets_a_hardened_cookie_and_logout_ends_it(client: Client) -> None:
    await _account(client)
    token = await _anon_csrf(client)
    resp = await client.post(
        "/login",
        data={"username": "KIM", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert resp.status == 303
    assert resp.headers["Location"] == "/staff"
    set_cookie = resp.headers.getall("Set-Cookie")
    session_cookie = next(c for c in set_cookie if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    value = re.match(rf"{SESSION_COOKIE}=([^;]+)", session_cookie)
    assert value is not None and len(value.group(1)) >= 43  # 256-bit token

    async with client.app[SESSIONS]() as db:
        stored = await db.scalar(select(WebSession.token_hash))
        assert stored is not None and value.group(1) not in stored

    me = await client.get("/api/me")
    assert me.status == 200
    csrf = (await me.json())["csrf_token"]

    # Log-out without the CSRF token is refused; with it, the session row goes away.
    assert (await client.post("/logout", allow_redirects=False)).status == 403
    resp = await client.post("/logout", data={"csrf_token": csrf}, allow_redirects=False)
    assert resp.status == 303
    async with client.app[SESSIONS]() as db:
        assert await db.scalar(select(func.count()).select_from(WebSession)) == 0


async def test_wrong_password_and_unknown_user_look_the_same(client: Client) -> None:
    await _account(client)
    assert await _login(client, password="wrong password!") == 401
    assert await _login(client, username="nobody") == 401


async def test_login_form_needs_csrf(client: Client) -> None:
    await _account(client)
    await client.get("/login")
    resp = await client.post(
        "/login", data={"username": "kim", "password": PASSWORD}, allow_redirects=False
    )
    assert resp.status == 403


async def test_open_redirects_are_refused(client: Client) -> None:
    await _account(client)
    token = await _anon_csrf(client)
    resp = await client.post(
        "/login",
        data={
            "username": "kim",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        allow_redirects=False,
    )
    assert resp.headers["Location"] == "/staff"


async def test_foreign_origin_is_refused(client: Client) -> None:
    await _account(client)
    token = await _anon_csrf(client)
    resp = await client.post(
        "/login",
        data={"username": "kim", "password": PASSWORD, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert resp.status == 403


async def test_repeated_failures_are_throttled(client: Client) -> None:
    await _account(client)
    limit = 10  # the default SIGNDESK_LOGIN_ATTEMPTS_PER_MINUTE
    statuses = [await _login(client, password="wrong password!") for _ in range(limit + 1)]
    assert statuses[-1] == 429
    assert await _login(client) == 429  # even the right password waits out the minute


def test_throttle_table_is_bounded() -> None:
    throttle = LoginThrottle(per_minute=3, max_clients=100)
    for i in range(1000):
        throttle.record_failure(f"10.0.{i // 256}.{i % 256}", now=float(i))
    assert len(throttle._failures) == 100
    assert not throttle.blocked("fresh", now=0.0)


async def test_role_checks(client: Client) -> None:
    await _account(client, role=Role.INTERPRETER, username="lee")
    anonymous = await client.get("/api/staff/interpreters")
    assert anonymous.status == 401
    assert (await anonymous.json())["error"]["code"] == "login_required"
    page = await client.get("/staff", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"].startswith("/login?next=")
    assert await _login(client, username="lee") == 303
    resp = await client.get("/api/staff/interpreters")
    assert resp.status == 403


async def test_garbage_session_cookie_is_just_anonymous(client: Client) -> None:
    resp = await client.get("/api/me", headers={"Cookie": f"{SESSION_COOKIE}=\u00ff\u00fe"})
    assert resp.status == 401


async def test_anonymous_requests_need_no_csrf(client: Client) -> None:
    # No session cookie: nothing ambient to forge, so the handler answers (404 for an unknown code).
    resp = await client.delete("/api/reservations/ABC-DEF")
    assert resp.status == 404
