"""Admins change the run-time settings (issue 6: "an admin manages accounts and settings"):
the retention periods and the purge's interval, validated against their bounds, stored, audited
with the old and new value, in force at once for the purge and after a restart. Other roles
are refused, and the form needs its CSRF token. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from scheduler.domain import Role
from scheduler.models import SettingOverride
from signdesk.app import create_app
from signdesk.appkeys import RUNTIME, SESSIONS, SETTINGS
from tests.web.audit_admin_helpers import Client, audit_rows, login_as


async def test_an_admin_changes_retention_and_it_holds_at_once_and_after_a_restart(
    client: Client, aiohttp_client: object
) -> None:
    _, csrf = await login_as(client, Role.ADMIN, "root")
    page = await client.get("/admin/settings")
    html = await page.text()
    assert page.status == 200 and 'id="rt-retention_chat_days"' in html and 'value="365"' in html
    resp = await client.post(
        "/admin/settings",
        data={"csrf_token": csrf, "retention_chat_days": "180", "purge_interval_hours": "12"},
        allow_redirects=False,
    )
    assert resp.status == 303, await resp.text()
    current = client.app[RUNTIME].current
    assert current.retention_chat_days == 180 and current.purge_interval_hours == 12
    assert current.retention_policy.chat == timedelta(days=180)
    assert current.retention_records_days == 3 * 365  # what was not sent is unchanged
    [chat, interval] = await audit_rows(client, "settings.")
    assert (chat.target, chat.detail) == ("setting:retention_chat_days", "from=365;to=180")
    assert interval.detail == "from=24.0;to=12.0" and chat.client_address
    shown = await (await client.get("/admin/settings?done=saved")).text()
    assert 'value="180"' in shown and "설정을 저장했습니다" in shown

    # A new process on the same database starts with the stored value.
    restarted: TestClient = await aiohttp_client(create_app(client.app[SETTINGS]))  # type: ignore[operator, type-arg]
    assert restarted.app[RUNTIME].current.retention_chat_days == 180
    async with client.app[SESSIONS]() as db:
        row = await db.get(SettingOverride, "retention_chat_days")
        assert row is not None and row.value == "180" and row.updated_by_account_id


async def test_out_of_range_values_are_refused_and_nothing_changes(client: Client) -> None:
    _, csrf = await login_as(client, Role.ADMIN, "root")
    resp = await client.post(
        "/admin/settings",
        data={"csrf_token": csrf, "retention_chat_days": "0", "recording_retention_days": "x"},
    )
    assert resp.status == 422
    html = await resp.text()
    assert "retention_chat_days" in html and "recording_retention_days" in html
    assert 'value="x"' in html and 'value="0"' in html  # what was typed comes back
    assert client.app[RUNTIME].current.retention_chat_days == 365
    assert await audit_rows(client, "settings.") == []


async def test_other_roles_are_refused_and_the_form_needs_its_token(client: Client) -> None:
    _, csrf = await login_as(client, Role.SUPERVISOR, "boss")
    resp = await client.post(
        "/admin/settings", data={"csrf_token": csrf, "retention_chat_days": "10"}
    )
    assert resp.status == 403
    client.session.cookie_jar.clear()
    await login_as(client, Role.ADMIN, "root")
    no_token = await client.post("/admin/settings", data={"retention_chat_days": "10"})
    assert no_token.status == 403
    assert client.app[RUNTIME].current.retention_chat_days == 365
