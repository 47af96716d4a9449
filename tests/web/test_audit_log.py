"""The audit log over HTTP: log-ins, failed log-ins and log-outs are recorded with the client
address (and never a password, nor a typed "username" that is no account); supervisors and
admins read it, newest first, filtered and paged; admins export it as streamed CSV, which is
itself audited. Both databases."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from scheduler.domain import Role
from scheduler.models import AuditEntry
from signdesk.appkeys import SESSIONS, SETTINGS
from signdesk.db import utcnow
from tests.api.helpers import add_interpreter, book, slot
from tests.api.helpers import login as staff_login
from tests.web.audit_admin_helpers import (
    PASSWORD,
    Client,
    add_account,
    audit_rows,
    login_as,
    post_login,
)
from web import audit as audit_module

TYPO = "my-Secret-Pa55word"  # a password typed into the username field


async def test_log_ins_failures_and_log_outs_are_audited(client: Client) -> None:
    kim = await add_account(client, Role.STAFF, "kim")
    assert (await post_login(client, "kim", "wrong password!")).status == 401
    assert (await post_login(client, TYPO, PASSWORD)).status == 401
    assert (await post_login(client, "kim")).status == 303
    page = await client.get("/staff")
    html = await page.text()
    csrf = html.split('<meta name="csrf-token" content="')[1].split('"')[0]
    assert (
        await client.post("/logout", data={"csrf_token": csrf}, allow_redirects=False)
    ).status == 303

    entries = await audit_rows(client)
    assert [(e.actor, e.action, e.target, e.detail) for e in entries] == [
        ("anonymous", "login.failed", f"account:{kim}", "username=kim"),
        ("anonymous", "login.failed", "unknown account", None),
        (f"account:{kim}", "login", f"account:{kim}", None),
        (f"account:{kim}", "logout", f"account:{kim}", None),
    ]
    assert {e.client_address for e in entries} == {"127.0.0.1"}
    everything = " ".join(f"{e.actor} {e.target} {e.detail}" for e in entries).lower()
    assert TYPO.lower() not in everything and "wrong password" not in everything


async def _seed(client: Client, n: int, **values: object) -> None:
    async with client.app[SESSIONS]() as db, db.begin():
        for i in range(n):
            row = {"actor": "system", "action": "test.seeded", "target": f"thing:{i}", **values}
            db.add(AuditEntry(**row))


async def test_supervisors_read_the_log_newest_first_filtered_and_paged(client: Client) -> None:
    await _seed(client, audit_module.PAGE_ROWS + 5)
    await _seed(client, 1, action="reservation.create", target="reservation:7")
    old = utcnow() - timedelta(days=40)
    await _seed(client, 1, action="records.export", target="records", at=old)
    supervisor, _ = await login_as(client, Role.SUPERVISOR, "park")

    page = await client.get("/staff/audit?lang=en")
    html = await page.text()
    assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
    order = [
        html.index(f"<code>{a}</code>") for a in ("audit.viewed", "login", "reservation.create")
    ]
    assert order == sorted(order)
    assert "127.0.0.1" in html
    assert "park" in html  # the actor's username beside its id
    assert 'id="audit-export"' not in html  # supervisors read; only admins export

    seeded = await client.get("/staff/audit?action=test.&lang=en")
    html = await seeded.text()
    assert html.count("test.seeded") == audit_module.PAGE_ROWS
    older = html.split('id="audit-older" href="')[1].split('"')[0].replace("&amp;", "&")
    rest = await (await client.get(older)).text()
    assert rest.count("test.seeded") == 5 and 'id="audit-older"' not in rest

    tz = client.app[SETTINGS].tz
    day = old.astimezone(tz).date().isoformat()
    dated = await (await client.get(f"/staff/audit?from={day}&to={day}")).text()
    assert "records.export" in dated and "test.seeded" not in dated
    mine = await (await client.get(f"/staff/audit?actor=account:{supervisor}")).text()
    assert "<code>login</code>" in mine and "test.seeded" not in mine
    assert (await client.get("/staff/audit?from=yesterday")).status == 400

    viewed = await audit_rows(client, "audit.viewed")
    assert len(viewed) == 5  # a refused filter (400) reads nothing
    assert {(v.actor, v.client_address) for v in viewed} == {(f"account:{supervisor}", "127.0.0.1")}


async def test_admins_export_the_log_as_streamed_csv_and_the_export_is_audited(
    client: Client,
) -> None:
    await _seed(client, audit_module.EXPORT_CHUNK_ROWS + 3)
    await _seed(client, 1, action="test.formula", target="=HYPERLINK(1)")
    admin, _ = await login_as(client, Role.ADMIN, "root")
    page = await (await client.get("/staff/audit")).text()
    assert 'id="audit-export"' in page

    resp = await client.get("/admin/audit/export.csv?action=test.")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert resp.headers.get("Transfer-Encoding") == "chunked"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = (await resp.read()).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(audit_module.CSV_COLUMNS)
    assert len(rows) == 1 + audit_module.EXPORT_CHUNK_ROWS + 4
    assert [int(r[0]) for r in rows[1:]] == sorted(int(r[0]) for r in rows[1:])
    assert rows[-1][4] == "'=HYPERLINK(1)"  # a spreadsheet would not run it

    [export] = await audit_rows(client, "audit.export")
    assert (export.actor, export.detail, export.client_address) == (
        f"account:{admin}",
        "action=test.",
        "127.0.0.1",
    )


async def test_the_staff_role_cannot_read_the_log(client: Client) -> None:
    await login_as(client, Role.STAFF, "kim")
    assert (await client.get("/staff/audit")).status == 403
    assert (await client.get("/admin/audit/export.csv")).status == 403
    assert await audit_rows(client, "audit.") == []


async def test_entries_of_logged_in_requests_record_where_they_came_from(client: Client) -> None:
    """Any module's entries (here the store's) get the client address of a logged-in request;
    a citizen's booking records none (their addresses are not collected)."""
    await add_interpreter(client)
    await book(client, slot(client))
    csrf = await staff_login(client)
    resp = await client.post(
        "/api/staff/interpreters",
        json={"display_name": "New", "sign_languages": ["KSL"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status == 201, await resp.text()
    [citizen] = await audit_rows(client, "reservation.create")
    [staff] = await audit_rows(client, "interpreter.create")
    assert (citizen.actor, citizen.client_address) == ("citizen", None)
    assert staff.actor.startswith("account:") and staff.client_address == "127.0.0.1"
