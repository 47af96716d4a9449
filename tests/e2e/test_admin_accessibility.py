"""The admin pages and the audit log in Chromium: axe-core WCAG 2.1 A/AA in Korean and English,
with an error shown and the password form open, and the keyboard path through a role change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from scheduler.accounts import create_account
from scheduler.domain import Role
from scheduler.models import Account
from signdesk.appkeys import SESSIONS
from tests.e2e.conftest import PASSWORD, STAFF_USERNAME, LiveServer
from tests.e2e.test_accessibility import a11y_page, assert_accessible

pytestmark = pytest.mark.browser
__all__ = ["a11y_page"]  # the fixture, re-used

ADMIN = "admin.choi"
SUPERVISOR = "super.han"


def ensure_accounts(live_server: LiveServer) -> None:
    """An admin and a supervisor on the shared server (once; the server lives per package)."""

    async def create() -> None:
        async with live_server.app[SESSIONS]() as db, db.begin():
            if await db.scalar(select(Account.id).where(Account.username == ADMIN)):
                return
            for username, role in ((ADMIN, Role.ADMIN), (SUPERVISOR, Role.SUPERVISOR)):
                await create_account(
                    db, username=username, display_name=username, role=role, password=PASSWORD
                )

    live_server.run(create())


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label(re.compile("아이디|Username")).fill(username)
    page.get_by_label(re.compile("비밀번호|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(로그인|Log in)$")).click()
    page.wait_for_url(re.compile(r"/(admin/accounts|staff)"))


def test_admin_pages_are_accessible(a11y_page: Page, live_server: LiveServer) -> None:
    ensure_accounts(live_server)
    page = a11y_page
    log_in(page, ADMIN)
    expect(page).to_have_url(re.compile("/admin/accounts"))
    for lang in ("ko", "en"):
        page.goto(f"/admin/accounts?lang={lang}")
        expect(page.locator("#accounts-table")).to_be_visible()
        page.locator("details.admin-password summary").first.click()
        assert_accessible(page, f"accounts ({lang}), password form open")
        page.goto(f"/admin/settings?lang={lang}")
        expect(page.locator("#settings-table")).to_be_visible()
        assert_accessible(page, f"settings ({lang})")
        page.goto(f"/staff/audit?lang={lang}")
        expect(page.locator("#audit-table")).to_be_visible()
        assert_accessible(page, f"audit log ({lang})")
    # A refused change shows its reason as an alert, and the page stays accessible.
    page.goto("/admin/accounts?lang=en")
    row = page.locator("tr", has=page.get_by_role("rowheader", name=ADMIN))
    row.get_by_label(f"Role of {ADMIN}").select_option("staff")
    row.get_by_role("button", name=re.compile("Change role")).click()
    expect(page.get_by_role("alert")).to_contain_text("your own role")
    assert_accessible(page, "accounts with an error")


def test_a_role_change_by_keyboard_and_the_supervisor_reads_it(
    a11y_page: Page, live_server: LiveServer
) -> None:
    ensure_accounts(live_server)
    page = a11y_page
    log_in(page, ADMIN)
    page.goto("/admin/accounts?lang=en")
    select = page.get_by_label(f"Role of {STAFF_USERNAME}")
    select.focus()
    select.select_option("staff")  # unchanged: a no-op change is accepted
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("role was changed")
    page.get_by_role("button", name=re.compile("Log out|로그아웃")).click()
    log_in(page, SUPERVISOR)
    page.goto("/staff/audit?lang=en&action=login")
    expect(page.locator("#audit-table")).to_contain_text(ADMIN)
    expect(page.locator("#audit-export")).to_have_count(0)
    assert_accessible(page, "audit log as supervisor")
