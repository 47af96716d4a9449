"""The staff wallboard page (`/staff/wallboard`): the same role guard as `/staff`, and its text in
Korean and English. The page itself is a shell; the live data comes over `/ws` (tests/e2e)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import unquote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from scheduler.accounts import create_account
from scheduler.domain import Role
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from tests.conftest import make_settings
from web.auth import CSRF_COOKIE
from web.i18n import EN, KO

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery"
WALLBOARD = "/staff/wallboard"

# The role guard does not depend on the database backend: SQLite only.


@pytest.fixture
async def client(
    sqlite_template: Path,
    tmp_path: Path,
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
) -> Client:
    path = tmp_path / "signdesk.db"
    shutil.copy(sqlite_template, path)
    client = await aiohttp_client(create_app(make_settings(f"sqlite+aiosqlite:///{path}")))
    async with client.app[SESSIONS]() as db, db.begin():
        for role, username in (
            (Role.STAFF, "kim"),
            (Role.SUPERVISOR, "boss"),
            (Role.INTERPRETER, "lee"),
        ):
            await create_account(
                db, username=username, display_name=username, role=role, password=PASSWORD
            )
    return client


async def _login(client: Client, username: str) -> None:
    assert (await client.get("/login")).status == 200
    csrf = client.session.cookie_jar.filter_cookies(client.make_url("/"))[CSRF_COOKIE].value
    resp = await client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf},
        allow_redirects=False,
    )
    assert resp.status == 303


async def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    resp = await client.get(WALLBOARD, allow_redirects=False)
    assert resp.status == 303
    location = resp.headers["Location"]
    assert location.startswith("/login?next=")
    assert unquote(location.removeprefix("/login?next=")) == WALLBOARD


async def test_interpreters_may_not_see_it(client: Client) -> None:
    await _login(client, "lee")
    resp = await client.get(WALLBOARD, allow_redirects=False)
    assert resp.status == 403


@pytest.mark.parametrize("username", ["kim", "boss"])
async def test_staff_and_supervisors_see_it_in_korean(client: Client, username: str) -> None:
    await _login(client, username)
    resp = await client.get(WALLBOARD)
    assert resp.status == 200
    assert resp.headers["Cache-Control"] == "no-store"
    body = await resp.text()
    assert '<html lang="ko">' in body
    for key in (
        "wb.heading",
        "wb.conn.connecting",
        "wb.waiting_caption",
        "wb.speed_caption",
        "wb.interpreters_caption",
        "wb.abandoned_heading",
    ):
        assert KO[key] in body, key
    assert '<script type="module" src="/static/js/wallboard.js"></script>' in body
    # Real table markup: captions and column headers.
    assert body.count("<caption") == 3
    assert len(re.findall(r'<th scope="col"', body)) == 11
    # No inline script other than the JSON data blocks (the CSP is `default-src 'self'`).
    scripts = re.findall(r"<script([^>]*)>", body)
    assert all('type="application/json"' in s or 'src="/static/' in s for s in scripts)


async def test_it_speaks_english_too(client: Client) -> None:
    await _login(client, "kim")
    body = await (await client.get(WALLBOARD + "?lang=en")).text()
    assert '<html lang="en">' in body
    for key in ("wb.heading", "wb.waiting_heading", "wb.speed_heading", "wb.back"):
        assert EN[key] in body, key


async def test_the_staff_console_links_to_it(client: Client) -> None:
    await _login(client, "kim")
    body = await (await client.get("/staff")).text()
    assert f'href="{WALLBOARD}"' in body
    assert KO["staff.wallboard_link"] in body
