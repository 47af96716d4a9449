"""The statistics page and its CSV downloads: supervisors only, the range checked with a clear
message, every chart with its summary, table and CSV, in Korean and English. The page renders on
both databases (the `client` fixture of tests/conftest.py runs those tests twice)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from scheduler.accounts import create_account
from scheduler.domain import Role
from scheduler.models import CallSessionRecord, QueueContact, SurveyAnswer
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from tests.conftest import make_settings
from web.auth import CSRF_COOKIE
from web.i18n import EN, KO
from web.statistics_views import CHART_IDS

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery"
PAGE = "/staff/statistics"
SEOUL = ZoneInfo("Asia/Seoul")


async def _accounts(client: Client) -> None:
    async with client.app[SESSIONS]() as db, db.begin():
        for role, username in (
            (Role.STAFF, "kim"),
            (Role.SUPERVISOR, "boss"),
            (Role.INTERPRETER, "lee"),
        ):
            await create_account(
                db, username=username, display_name=username, role=role, password=PASSWORD
            )


async def _calls(client: Client) -> None:
    """Three walk-in calls yesterday (Seoul): two answered, one abandoned; one survey."""
    yesterday = datetime.now(UTC).astimezone(SEOUL).date() - timedelta(days=1)
    noon = datetime(yesterday.year, yesterday.month, yesterday.day, 12, tzinfo=SEOUL)
    async with client.app[SESSIONS]() as db, db.begin():
        contact = QueueContact(
            language="KSL",
            mode="video",
            token_hash="t" * 64,
            consent_version="v1",
            consented_at=noon,
        )
        db.add(contact)
        await db.flush()
        for i, (wait, matched) in enumerate([(20.0, True), (90.0, True), (40.0, False)]):
            joined = noon + timedelta(minutes=10 * i)
            db.add(
                CallSessionRecord(
                    contact_id=contact.id,
                    kind="walk_in",
                    mode="video" if i else "chat",
                    session_id=f"stat-{i}",
                    caller_joined_at=joined,
                    matched_at=joined + timedelta(seconds=wait) if matched else None,
                    ended_at=joined + timedelta(minutes=5),
                    wait_seconds=wait,
                    ended_by="caller",
                    end_reason="hangup" if matched else "abandoned",
                )
            )
        db.add(SurveyAnswer(session_id="stat-0", stars=4, resolved=True, answered_at=noon))


@pytest.fixture
async def sqlite_client(
    sqlite_template: Path,
    tmp_path: Path,
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
) -> Client:
    """The role guard and the range checks do not depend on the database: SQLite only."""
    path = tmp_path / "signdesk.db"
    shutil.copy(sqlite_template, path)
    client = await aiohttp_client(create_app(make_settings(f"sqlite+aiosqlite:///{path}")))
    await _accounts(client)
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


@pytest.mark.parametrize("path", [PAGE, PAGE + "/cases.csv"])
async def test_anonymous_visitors_are_sent_to_log_in(sqlite_client: Client, path: str) -> None:
    resp = await sqlite_client.get(path, allow_redirects=False)
    assert resp.status == 303
    assert unquote(resp.headers["Location"]) == f"/login?next={path}"


@pytest.mark.parametrize("username", ["kim", "lee"])
@pytest.mark.parametrize("path", [PAGE, PAGE + "/cases.csv"])
async def test_staff_and_interpreters_are_refused(
    sqlite_client: Client, username: str, path: str
) -> None:
    await _login(sqlite_client, username)
    resp = await sqlite_client.get(path, allow_redirects=False)
    assert resp.status == 403


async def test_only_supervisors_get_the_link_on_the_staff_console(sqlite_client: Client) -> None:
    await _login(sqlite_client, "kim")
    assert f'href="{PAGE}"' not in await (await sqlite_client.get("/staff")).text()
    sqlite_client.session.cookie_jar.clear()
    await _login(sqlite_client, "boss")
    body = await (await sqlite_client.get("/staff")).text()
    assert f'href="{PAGE}"' in body
    assert KO["staff.statistics_link"] in body


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("from=2026-02-30", "stats.err.bad_from"),
        ("from=yesterday", "stats.err.bad_from"),
        ("from=2026-11-01&to=2026/11/03", "stats.err.bad_to"),
        ("from=2026-11-03&to=2026-11-01", "stats.err.reversed"),
        ("from=2024-01-01&to=2026-01-01", "stats.err.too_long"),
    ],
)
async def test_bad_dates_get_400_with_a_clear_message(
    sqlite_client: Client, query: str, key: str
) -> None:
    await _login(sqlite_client, "boss")
    resp = await sqlite_client.get(f"{PAGE}?{query}&lang=en")
    assert resp.status == 400
    body = await resp.text()
    message = EN[key].replace("{max}", "366")
    assert message in body
    assert 'role="alert"' in body
    assert 'aria-invalid="true"' in body
    assert "<svg" not in body  # no charts for a range that cannot be shown

    csv_resp = await sqlite_client.get(f"{PAGE}/cases.csv?{query}&lang=en")
    assert csv_resp.status == 400
    assert message in await csv_resp.text()


async def test_an_unknown_chart_is_404(sqlite_client: Client) -> None:
    await _login(sqlite_client, "boss")
    assert (await sqlite_client.get(f"{PAGE}/nothing.csv")).status == 404


async def test_the_default_range_is_the_last_thirty_days(sqlite_client: Client) -> None:
    await _login(sqlite_client, "boss")
    resp = await sqlite_client.get(PAGE)
    assert resp.status == 200
    body = await resp.text()
    today = datetime.now(UTC).astimezone(SEOUL).date()
    assert f'value="{today - timedelta(days=29)}"' in body
    assert f'value="{today}"' in body
    assert KO["stats.cases.empty"] in body


async def test_a_supervisor_sees_every_chart_with_summary_table_and_csv(client: Client) -> None:
    await _accounts(client)
    await _calls(client)
    await _login(client, "boss")
    resp = await client.get(PAGE + "?lang=en")
    assert resp.status == 200
    assert resp.headers["Cache-Control"] == "no-store"
    body = await resp.text()
    assert '<html lang="en">' in body
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg"') == len(CHART_IDS)
    assert body.count('role="img"') == len(CHART_IDS)
    assert body.count("<details") == len(CHART_IDS)
    assert body.count("<caption") == len(CHART_IDS)
    for chart_id in CHART_IDS:
        assert f'id="chart-{chart_id.replace("_", "-")}-title"' in body
        assert f'href="{PAGE}/{chart_id}.csv?from=' in body
    # The summary in words says what the chart shows.
    assert "3 cases in this range: 2 by video and 1 by chat." in body
    assert "Of 2 answered cases: Within 30 s 50%, Within 60 s 50%, Within 120 s 100%." in body
    assert "1 of 3 callers (33.3%) left before an interpreter answered" in body
    assert "1 survey answers, 4.00 of 5 on average; 100% said their matter was resolved." in body
    # No script and no inline style: the page's CSP (`default-src 'self'`) holds.
    assert "<script" not in body.replace('<script type="application/json"', "")
    assert "style=" not in body
    assert "<style" not in body


async def test_the_csv_has_the_tables_rows(client: Client) -> None:
    await _accounts(client)
    await _calls(client)
    await _login(client, "boss")
    today = datetime.now(UTC).astimezone(SEOUL).date()
    first = today - timedelta(days=6)
    resp = await client.get(f"{PAGE}/cases.csv?from={first}&to={today}&lang=en")
    assert resp.status == 200
    assert resp.content_type == "text/csv"
    assert resp.charset == "utf-8"
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="signdesk-cases-{first}-{today}.csv"'
    )
    text = await resp.text()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Day", "Video", "Chat", "Korean Sign Language", "Total"]
    assert len(rows) == 1 + 7
    yesterday = str(today - timedelta(days=1))
    assert [row for row in rows if row[0] == yesterday] == [[yesterday, "2", "1", "3", "3"]]

    korean = await client.get(f"{PAGE}/speed.csv?from={first}&to={today}&lang=ko")
    rows = list(csv.reader(io.StringIO((await korean.text()).lstrip("\ufeff"))))
    assert rows == [
        ["응답까지 걸린 시간", "응답한 상담", "비율"],
        ["30", "1", "50.0"],
        ["60", "1", "50.0"],
        ["120", "2", "100.0"],
    ]


async def test_korean_is_the_default(sqlite_client: Client) -> None:
    await _login(sqlite_client, "boss")
    body = await (await sqlite_client.get(PAGE)).text()
    assert '<html lang="ko">' in body
    for key in ("stats.heading", "stats.from", "stats.to", "stats.show", "stats.cases.title"):
        assert KO[key] in body, key
    assert re.search(r"<th scope=\"col\"[^>]*>날짜</th>", body)
