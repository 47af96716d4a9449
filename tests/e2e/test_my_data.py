"""The citizen's right of access and deletion in Chromium (issue 6): with the booking's link the
citizen sees what is kept and until when, asks for deletion (the page says it is queued), staff
carry it out on their queue page, and the citizen then sees it done. axe-core finds nothing on
either page, in Korean and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer, watch_problems
from tests.e2e.test_call import assert_accessible, new_context, staff_books_next_slot

pytestmark = pytest.mark.browser


def test_a_citizen_sees_their_data_asks_for_deletion_and_staff_carry_it_out(
    browser: Browser, live_server: LiveServer, axe_source: str
) -> None:
    staff_ctx = new_context(browser, live_server)
    citizen_ctx = new_context(browser, live_server)
    staff, citizen = staff_ctx.new_page(), citizen_ctx.new_page()
    problems = [watch_problems(p) for p in (staff, citizen)]
    try:
        booked = staff_books_next_slot(staff)
        code, token = booked["code"], booked["token"]
        citizen.goto(f"/booking/{code}#t={token}")
        link = citizen.get_by_role("link", name="보관 중인 내 정보 보기·삭제 요청")
        expect(link).to_be_visible()
        link.click()
        expect(citizen.locator("#mydata")).to_be_visible()
        booking = citizen.locator("#mydata-booking")
        expect(booking).to_contain_text("영상 시민")
        expect(booking).to_contain_text(code)
        expect(booking).to_contain_text("연락처 정보 삭제 예정일")
        expect(citizen.locator("#mydata-no-sessions")).to_be_visible()
        assert_accessible(citizen, axe_source, "what is kept about me")

        citizen.get_by_role("button", name="내 정보 삭제 요청").click()
        expect(citizen.locator("#mydata-request-state")).to_contain_text("삭제를 요청하셨습니다")
        expect(citizen.get_by_role("button", name="내 정보 삭제 요청")).to_be_hidden()

        staff.goto("/staff/privacy")
        row = staff.locator("#privacy-rows tr", has_text=code)
        expect(row).to_be_visible()
        assert_accessible(staff, axe_source, "deletion requests queue")
        row.get_by_role("button", name=f"{code} 지금 삭제").click()
        expect(staff.locator("#privacy-rows tr", has_text=code)).to_have_count(0)
        expect(staff.locator("#privacy-empty")).to_be_visible()

        citizen.reload()
        expect(citizen.locator("#mydata-request-state")).to_have_text(
            "요청하신 정보를 삭제했습니다."
        )
        expect(citizen.locator("#mydata-booking")).not_to_contain_text("영상 시민")

        citizen.goto(f"/booking/{code}/my-data?lang=en#t={token}")
        expect(citizen.locator("h1")).to_have_text("What we keep about you")
        assert_accessible(citizen, axe_source, "what is kept about me, in English")
    finally:
        for context in (staff_ctx, citizen_ctx):
            context.close()
    for seen in problems:
        seen.check()
