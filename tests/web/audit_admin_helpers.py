"""Log-in helpers for the admin and audit-log tests: real accounts, the real log-in form."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from scheduler.accounts import create_account
from scheduler.domain import Role
from scheduler.models import AuditEntry
from signdesk.appkeys import SESSIONS
from web.auth import CSRF_COOKIE

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery"


async def add_account(
    client: Client, role: Role, username: str, *, password: str = PASSWORD
) -> int:
    async with client.app[SESSIONS]() as db, db.begin():
        account = await create_account(
            db, username=username, display_name=username.title(), role=role, password=password
        )
        return account.id


def cookie(client: Client, name: str) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))[name].value


async def post_login(client: Client, username: str, password: str = PASSWORD) -> Any:
    """Post the log-in form (with the browser's CSRF cookie token), without following."""
    client.session.cookie_jar.clear()
    assert (await client.get("/login")).status == 200
    return await client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": cookie(client, CSRF_COOKIE),
        },
        allow_redirects=False,
    )


async def login_as(client: Client, role: Role, username: str) -> tuple[int, str]:
    """Create an account, log in through the form; the account id and the session's CSRF token
    (read from the page's meta tag, which every role's pages carry)."""
    account_id = await add_account(client, role, username)
    resp = await post_login(client, username)
    assert resp.status == 303, await resp.text()
    page = await client.get(resp.headers["Location"])
    assert page.status == 200, (resp.headers["Location"], page.status)
    html = await page.text()
    marker = '<meta name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return account_id, html[start : html.index('"', start)]


async def audit_rows(client: Client, action_prefix: str = "") -> list[AuditEntry]:
    async with client.app[SESSIONS]() as db:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action_prefix:
            query = query.where(AuditEntry.action.startswith(action_prefix))
        return list(await db.scalars(query))
