"""Staff hand a waiting caller over to another interpreter, through the staff console's "Live
calls" tab, in real Chromium over the real `/ws` and a real WebRTC connection.

The booking's slot has begun and its assigned interpreter never comes; a second KSL interpreter
is logged in and ready. The staff console shows the "assigned interpreter absent" alert (banner
and window title, no sound), staff open the live tab with the keyboard, hand the caller over, and
the caller's and the second interpreter's pages both reach "connected". axe-core checks the tab.
"""

from __future__ import annotations

import re
import time as clock
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from scheduler import store
from scheduler.store import NewBooking
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.e2e.conftest import (
    SEOUL,
    STAFF_USERNAME,
    LiveServer,
    SeedInterpreter,
    login,
    running_server,
    watch_problems,
)
from tests.e2e.test_call import (
    CONNECT_TIMEOUT_MS,
    assert_accessible,
    call_browser,  # noqa: F401 - a fixture used by the test below
    hand_clip,  # noqa: F401 - a fixture `call_browser` needs
    new_context,
)

pytestmark = pytest.mark.browser

FIRST = SeedInterpreter("interp.first", "한첫째", ("KSL",), ("welfare",))
SECOND = SeedInterpreter("interp.second", "오둘째", ("KSL",), ("welfare",))
SLOT_MINUTES = 60
CLOSE = time(23, 0)


def hours(_weekday: int) -> tuple[time, time]:
    return time(0, 0), CLOSE


@pytest.fixture(scope="module")
def handover_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Hour-long slots all day; the automatic handover waits an hour, so only staff hand over."""
    with running_server(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-handover"),
        interpreters=(FIRST, SECOND),
        hours=hours,
        min_notice_minutes=0,
        slot_minutes=SLOT_MINUTES,
        weekday_open=time(0, 0),
        weekday_close=CLOSE,
        weekend_open=time(0, 0),
        weekend_close=CLOSE,
        call_join_early_minutes=10,
        call_handover_grace_minutes=60,
    ) as server:
        yield server


def current_slot() -> datetime:
    """The hour-long slot under way now (it began at most an hour ago), in Seoul."""
    now = datetime.now(SEOUL)
    if now.time() >= CLOSE:
        pytest.skip("no slot is under way this late in Seoul")
    start = now.replace(minute=0, second=0, microsecond=0)
    if start + timedelta(minutes=SLOT_MINUTES) - now < timedelta(minutes=2):
        # Too little of this slot is left for the test: wait for the next one.
        clock.sleep((start + timedelta(minutes=SLOT_MINUTES) - now).total_seconds() + 1)
        return current_slot()
    return start


def book_begun_slot(server: LiveServer) -> store.Booked:
    """A booking for the slot under way, made through the real store (its clock before it)."""
    settings = server.app[SETTINGS]
    start = current_slot()
    return server.run(
        store.book(
            server.app[SESSIONS],
            settings,
            NewBooking(
                name="넘김 시민",
                language="KSL",
                topic="welfare",
                start=start,
                consent_version=settings.consent_version,
            ),
            now=start - timedelta(minutes=1),
        )
    )


def open_live_tab_with_the_keyboard(staff: Page) -> None:
    staff.get_by_role("tab", name="예약 목록").focus()
    staff.keyboard.press("End")
    live_tab = staff.get_by_role("tab", name="실시간 상담")
    expect(live_tab).to_be_focused()
    expect(live_tab).to_have_attribute("aria-selected", "true")
    expect(staff.locator("#panel-live")).to_be_visible()


def test_staff_see_the_absent_interpreter_and_hand_the_caller_over(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    handover_server: LiveServer,
    axe_source: str,
) -> None:
    booked = book_begun_slot(handover_server)
    code, rid = booked.reservation.code, booked.reservation.id
    assigned, substitute = (
        (FIRST, SECOND) if booked.reservation.interpreter_name == FIRST.name else (SECOND, FIRST)
    )
    staff_ctx = new_context(call_browser, handover_server)
    sub_ctx = new_context(call_browser, handover_server)
    caller_ctx = new_context(call_browser, handover_server)
    staff, sub, caller = staff_ctx.new_page(), sub_ctx.new_page(), caller_ctx.new_page()
    problems = [watch_problems(p) for p in (staff, sub, caller)]
    try:
        # The caller waits; their interpreter has not come.
        caller.goto(f"/call/{code}#t={booked.token}")
        caller.get_by_role("button", name="카메라 켜기").click()
        expect(caller.locator("#preview-frame")).to_be_visible()
        caller.get_by_role("button", name="대기실로 들어가기").click()
        expect(caller.locator("#wait-text")).to_have_text(re.compile("^통역사가 아직"))

        # Staff see the alert on whatever tab they are: a banner in words and colour, and the
        # window title. Nothing plays a sound.
        login(staff, STAFF_USERNAME)
        banner = staff.locator("#live-alert-box")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("배정된 통역사가 오지 않았습니다")
        expect(banner.locator(f'li[data-reservation="{rid}"]')).to_contain_text(assigned.name)
        expect(banner).to_have_class(re.compile(r"\bnotice-error\b"))
        expect(staff).to_have_title(re.compile(r"^⚠ 통역사 부재 1건"))
        assert (
            staff.evaluate("() => document.querySelectorAll('audio, video[autoplay]').length") == 0
        )

        # A second KSL interpreter logs in and gets ready (their camera turns on first).
        login(sub, substitute.username)
        sub.get_by_role("button", name="상담 가능으로 바꾸기").click()
        expect(sub.locator("#presence")).to_have_text("내 상태: 상담 가능")

        # Staff open "Live calls" with the keyboard: the waiting caller, the alert, presence.
        open_live_tab_with_the_keyboard(staff)
        expect(staff.locator("#live-conn")).to_have_attribute("data-state", "open")
        card = staff.locator(f'#live-calls li[data-reservation="{rid}"]')
        expect(card).to_have_attribute("data-state", "waiting")
        expect(card).to_have_attribute("data-alerted", "true")
        expect(card).to_contain_text("시민 대기 중")
        expect(card).to_contain_text("통역사 부재")
        expect(card).to_contain_text(assigned.name)
        expect(card.locator("h4")).to_contain_text(f"예약 {code}")  # staff know it by its code
        presence = staff.locator("#live-interpreters")
        expect(presence).to_contain_text(substitute.name)
        expect(presence).to_contain_text("상담 가능")
        choice = card.get_by_label("넘겨받을 통역사 (같은 수어, 상담 가능)")
        expect(choice.locator("option")).to_have_text([substitute.name])
        assert_accessible(staff, axe_source, "staff live calls with an absent interpreter")

        # The handover, from the keyboard: the result in words; both pages connect.
        card.get_by_role("button", name="다른 통역사에게 넘기기").focus()
        staff.keyboard.press("Enter")
        result = staff.locator("#live-result")
        expect(result).to_contain_text(f"예약 {code}: {substitute.name} 님에게 넘겨 연결했습니다.")
        for page in (caller, sub):
            expect(page.locator("#call-view")).to_be_visible()
            expect(page.locator("#call-state")).to_have_attribute(
                "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
            )
            expect(page.locator("#call-state-text")).to_have_text("연결됨")
        expect(caller.locator("#call-view-heading")).to_have_text(
            f"{substitute.name} 님과 영상 상담"
        )
        expect(sub.locator("#call-view-heading")).to_have_text("넘김 시민 님과 영상 상담")

        # The alert is over: no banner, the title is back; the session is now "in a call".
        expect(staff.locator("#live-alert-box")).to_have_count(0)
        expect(staff).not_to_have_title(re.compile("^⚠"))
        staff.get_by_role("button", name="새로 고침").click()
        expect(card).to_have_attribute("data-state", "connected")
        expect(card).to_contain_text(substitute.name)  # the current interpreter
        assert_accessible(staff, axe_source, "staff live calls after the handover")

        caller.get_by_role("button", name="통화 끝내기").click()
        caller.get_by_role("button", name="예, 끝냅니다").click()
        expect(sub.locator("#ended-text")).to_have_text("상대방이 통화를 끝냈습니다.")
    finally:
        for context in (staff_ctx, sub_ctx, caller_ctx):
            context.close()
    for seen in problems:
        seen.check()
