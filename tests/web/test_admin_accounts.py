"""Admins manage accounts and read the settings: every change is audited with the client
address, passwords are argon2 and never echoed, an admin cannot change their own role or remove
the last admin, and the settings page shows no secret. Over real HTTP on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scheduler.domain import Role
from scheduler.models import Account, WebSession
from signdesk.app import create_app
from signdesk.appkeys import SESSIONS
from tests.conftest import make_settings
from tests.web.audit_admin_helpers import (
    PASSWORD,
    Client,
    add_account,
    audit_rows,
    login_as,
    post_login,
)
from web.admin import Change, Refusal, effective_settings, refusal_for

NEW_PASSWORD = "a brand new passphrase"


async def account(client: Client, username: str) -> Account:
    async with client.app[SESSIONS]() as db:
        row = await db.scalar(select(Account).where(Account.username == username))
        assert row is not None
        return row


async def sessions_of(client: Client, account_id: int) -> int:
    async with client.app[SESSIONS]() as db:
        query = select(func.count()).where(WebSession.account_id == account_id)
        return int(await db.scalar(query) or 0)


async def test_an_admin_lands_on_the_accounts_page_and_sees_every_account(client: Client) -> None:
    await add_account(client, Role.SUPERVISOR, "park")
    _, csrf = await login_as(client, Role.ADMIN, "root")
    page = await client.get("/admin/accounts?lang=en")
    html = await page.text()
    assert page.status == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "park" in html and "root" in html and "Supervisor" in html
    assert html.count('name="csrf_token" value="' + csrf + '"') >= 4
    korean = await (await client.get("/admin/accounts?lang=ko")).text()
    assert "계정 관리" in korean


async def test_creating_an_account_hashes_the_password_and_is_audited(client: Client) -> None:
    admin_id, csrf = await login_as(client, Role.ADMIN, "root")
    form = {
        "csrf_token": csrf,
        "username": "Lee",
        "display_name": "Lee Staff",
        "role": "staff",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    resp = await client.post("/admin/accounts", data=form, allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == "/admin/accounts?done=created"
    created = await account(client, "lee")
    assert created.role is Role.STAFF and created.active
    assert created.password_hash.startswith("$argon2id$")
    [entry] = await audit_rows(client, "account.")
    assert (entry.actor, entry.action, entry.target, entry.detail) == (
        f"account:{admin_id}",
        "account.created",
        f"account:{created.id}",
        "role=staff",
    )
    assert entry.client_address == "127.0.0.1"
    # The new account logs in with its initial password.
    assert (await post_login(client, "lee", NEW_PASSWORD)).status == 303


async def test_a_refused_form_keeps_the_fields_but_never_the_password(client: Client) -> None:
    _, csrf = await login_as(client, Role.ADMIN, "root")
    base = {"csrf_token": csrf, "username": "lee", "display_name": "Lee", "role": "staff"}
    cases = [
        ({"password": "Zq9x-kept", "password_again": "Zq9x-kept"}, "10"),
        ({"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "!"}, "differ"),
        ({"username": "no spaces!", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, ""),
        ({"role": "king", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, ""),
        ({"username": "root", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, ""),
    ]
    for extra, words in cases:
        resp = await client.post("/admin/accounts?lang=en", data={**base, **extra})
        html = await resp.text()
        assert resp.status == 422, extra
        assert 'role="alert"' in html and words in html
        assert NEW_PASSWORD not in html and "Zq9x-kept" not in html
    async with client.app[SESSIONS]() as db:
        assert await db.scalar(select(func.count()).select_from(Account)) == 1
    assert await audit_rows(client, "account.") == []


async def test_role_changes_and_deactivation_are_audited_and_end_sessions(client: Client) -> None:
    staff_id = await add_account(client, Role.STAFF, "kim")
    assert (await post_login(client, "kim")).status == 303  # kim has a session now
    admin_id, csrf = await login_as(client, Role.ADMIN, "root")
    assert await sessions_of(client, staff_id) == 1

    resp = await client.post(
        f"/admin/accounts/{staff_id}/role",
        data={"csrf_token": csrf, "role": "supervisor"},
        allow_redirects=False,
    )
    assert (resp.status, resp.headers["Location"]) == (303, "/admin/accounts?done=role")
    assert (await account(client, "kim")).role is Role.SUPERVISOR

    resp = await client.post(
        f"/admin/accounts/{staff_id}/role",
        data={"csrf_token": csrf, "role": "interpreter"},
        allow_redirects=False,
    )
    assert resp.status == 303
    kim = await account(client, "kim")
    assert kim.role is Role.INTERPRETER and kim.interpreter_id is not None

    resp = await client.post(
        f"/admin/accounts/{staff_id}/active",
        data={"csrf_token": csrf, "active": "0"},
        allow_redirects=False,
    )
    assert (resp.status, resp.headers["Location"]) == (303, "/admin/accounts?done=deactivated")
    assert not (await account(client, "kim")).active
    assert await sessions_of(client, staff_id) == 0
    resp = await client.post(
        f"/admin/accounts/{staff_id}/active",
        data={"csrf_token": csrf, "active": "1"},
        allow_redirects=False,
    )
    assert resp.status == 303 and (await account(client, "kim")).active

    entries = await audit_rows(client, "account.")
    assert [(e.action, e.target, e.detail) for e in entries] == [
        ("account.role_changed", f"account:{staff_id}", "from=staff;to=supervisor"),
        ("account.role_changed", f"account:{staff_id}", "from=supervisor;to=interpreter"),
        ("account.deactivated", f"account:{staff_id}", None),
        ("account.activated", f"account:{staff_id}", None),
    ]
    assert {(e.actor, e.client_address) for e in entries} == {(f"account:{admin_id}", "127.0.0.1")}


async def test_setting_a_password_ends_the_sessions_and_is_audited(client: Client) -> None:
    staff_id = await add_account(client, Role.STAFF, "kim")
    assert (await post_login(client, "kim")).status == 303
    _, csrf = await login_as(client, Role.ADMIN, "root")
    form = {"csrf_token": csrf, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    resp = await client.post(
        f"/admin/accounts/{staff_id}/password", data=form, allow_redirects=False
    )
    assert (resp.status, resp.headers["Location"]) == (303, "/admin/accounts?done=password")
    assert await sessions_of(client, staff_id) == 0
    [entry] = await audit_rows(client, "account.password")
    assert entry.target == f"account:{staff_id}" and entry.detail is None
    assert (await post_login(client, "kim", PASSWORD)).status == 401
    assert (await post_login(client, "kim", NEW_PASSWORD)).status == 303


async def test_an_admin_cannot_change_their_own_role_or_deactivate_themselves(
    client: Client,
) -> None:
    admin_id, csrf = await login_as(client, Role.ADMIN, "root")
    second = await add_account(client, Role.ADMIN, "second")
    for path, field in (("role", {"role": "staff"}), ("active", {"active": "0"})):
        resp = await client.post(
            f"/admin/accounts/{admin_id}/{path}?lang=en", data={"csrf_token": csrf, **field}
        )
        assert resp.status == 409
        assert "your own" in await resp.text()
    me = await account(client, "root")
    assert me.role is Role.ADMIN and me.active
    # Another admin can be demoted while one remains.
    resp = await client.post(
        f"/admin/accounts/{second}/role",
        data={"csrf_token": csrf, "role": "staff"},
        allow_redirects=False,
    )
    assert resp.status == 303
    assert await audit_rows(client, "account.") != []
    missing = await client.post(
        "/admin/accounts/999999/role", data={"csrf_token": csrf, "role": "staff"}
    )
    assert missing.status == 404


async def test_admin_forms_need_the_csrf_token(client: Client) -> None:
    staff_id = await add_account(client, Role.STAFF, "kim")
    await login_as(client, Role.ADMIN, "root")
    resp = await client.post(f"/admin/accounts/{staff_id}/active", data={"active": "0"})
    assert resp.status == 403
    assert (await account(client, "kim")).active


def test_the_last_admin_rule() -> None:
    def check(change: Change, *, admins: int, own: bool = False, role: Role = Role.ADMIN) -> object:
        return refusal_for(
            actor_id=1,
            target_id=1 if own else 2,
            target_role=role,
            target_active=True,
            change=change,
            active_admins=admins,
        )

    assert check(Change(role=Role.STAFF), admins=1) is Refusal.LAST_ADMIN
    assert check(Change(active=False), admins=1) is Refusal.LAST_ADMIN
    assert check(Change(role=Role.STAFF), admins=2) is None
    assert check(Change(role=Role.ADMIN), admins=1) is None
    assert check(Change(active=True), admins=1) is None
    assert check(Change(role=Role.STAFF), admins=5, own=True) is Refusal.OWN_ROLE
    assert check(Change(active=False), admins=5, own=True) is Refusal.OWN_ACCOUNT
    assert check(Change(role=Role.ADMIN), admins=5, own=True) is None
    assert check(Change(active=False), admins=1, role=Role.STAFF) is None


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_the_settings_page_shows_no_secret(
    aiohttp_client: object, database_url: str, lang: str
) -> None:
    ice = [
        {
            "urls": ["turn:turn.example.org:3478"],
            "username": "turnuser",
            "credential": "s3cr3t-turn",
        }
    ]
    url = database_url
    if url.startswith("postgresql"):
        url = url.replace("postgres@", "postgres:db-pa55word@")  # trust auth ignores it
    settings = make_settings(url, ice_servers=ice)
    app = create_app(settings)
    client: Client = await aiohttp_client(app)  # type: ignore[operator]
    await login_as(client, Role.ADMIN, "root")
    page = await client.get(f"/admin/settings?lang={lang}")
    html = await page.text()
    assert page.status == 200
    for secret in (settings.secret_key, "s3cr3t-turn", "turnuser", "db-pa55word"):
        assert secret not in html
    assert "turn:turn.example.org:3478" in html
    assert "SIGNDESK_SLOT_MINUTES" in html
    shown = dict(effective_settings(settings))
    assert shown["secret_key"] == "••••••"
    assert set(shown) == set(type(settings).model_fields)
