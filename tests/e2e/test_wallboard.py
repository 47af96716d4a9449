"""The staff wallboard (`/staff/wallboard`) follows the center live over `/ws`, in real Chromium:
a waiting caller (with a wait that ticks by itself), an interpreter's state changes, the speed of
answer and an abandoned call, all without a reload and without one API request after the page
loaded (no polling). The staff console's live tab follows presence the same way. axe-core checks
the wallboard, and it reads at 360 px wide with 200% text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Request, expect

from tests.e2e.conftest import STAFF_USERNAME, LiveServer, SeedInterpreter, login, watch_problems
from tests.e2e.test_accessibility import NO_HORIZONTAL_SCROLL
from tests.e2e.test_call import (
    assert_accessible,
    call_browser,  # noqa: F401 - a fixture used by the tests below
    hand_clip,  # noqa: F401 - a fixture `call_browser` needs
    new_context,
)
from tests.e2e.test_console_ring import GO_READY, WalkIn, server_for, walk_ins  # noqa: F401

pytestmark = pytest.mark.browser

BOARD = SeedInterpreter("interp.board", "윤현황", ("KSL",), ("welfare",))


@pytest.fixture
def board_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with server_for(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-wallboard"),
        (BOARD,),
        queue_wrap_up_seconds=300,  # long enough that the second caller waits, then leaves
    ) as server:
        yield server


def test_the_wallboard_follows_the_queue_and_the_interpreters_live(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    board_server: LiveServer,
    walk_ins: list[WalkIn],  # noqa: F811 - the fixture imported above
    axe_source: str,
) -> None:
    server = board_server
    staff_ctx = new_context(call_browser, server)
    interp_ctx = new_context(call_browser, server)
    try:
        board = staff_ctx.new_page()
        problems = [watch_problems(board)]
        login(board, STAFF_USERNAME)
        board.get_by_role("link", name="실시간 현황판 열기").click()
        expect(board).to_have_url(re.compile(r"/staff/wallboard$"))
        expect(board.get_by_role("heading", level=1)).to_have_text("상담 센터 실시간 현황")
        expect(board.locator("#wb-conn")).to_have_attribute("data-state", "open")
        expect(board.locator("#wb-conn")).to_have_text("실시간 연결: 연결됨")
        expect(board.locator("#wb-updated")).to_have_text(
            re.compile(r"^마지막 갱신: \d\d:\d\d:\d\d$")
        )
        expect(board.locator("#wb-waiting-total")).to_have_text("지금 기다리는 시민이 없습니다.")
        expect(board.locator("#wb-int-body")).to_contain_text("접속한 통역사가 없습니다.")
        expect(board.locator("#wb-answered")).to_contain_text("응답한 상담: 0건")
        # From here on: no reload, and no API request (the updates come over the socket).
        board.evaluate("() => { window.__samePage = true; }")
        requests: list[str] = []

        def on_request(request: Request) -> None:
            if "/api/" in request.url:
                requests.append(request.url)

        board.on("request", on_request)

        # The interpreter comes online (away, the server's start): a row and the counts.
        interp = interp_ctx.new_page()
        problems.append(watch_problems(interp))
        login(interp, BOARD.username)
        row = board.locator("#wb-int-body tr").filter(has_text=BOARD.name)
        expect(row).to_have_attribute("data-presence", "away")
        expect(row).to_contain_text("자리 비움")
        expect(row).to_contain_text("한국수어")
        expect(board.locator("#wb-count-away")).to_have_text("자리 비움: 1명")
        expect(row.locator("td").nth(3)).to_have_text(
            re.compile(r"^\d\d:\d\d \((\d+초|\d+분 \d\d초)\)$")
        )
        # ... with a reason from the fixed list.
        interp.get_by_label("자리 비움 사유").select_option("meeting")
        expect(row.locator("td").nth(2)).to_have_text("회의")

        # A caller waits (the interpreter is away): per language, with a wait that ticks here.
        caller = WalkIn(board_server, "현황 시민", mode="chat").join()
        walk_ins.append(caller)
        waiting = board.locator('#wb-waiting-body tr[data-language="KSL"]')
        expect(waiting).to_contain_text("한국수어")
        expect(waiting.locator("td").nth(0)).to_have_text("1")
        expect(board.locator("#wb-waiting-total")).to_have_text("모두 1명 대기 중")
        longest = waiting.locator("td").nth(1)
        expect(longest).to_have_text(re.compile(r"^\d+초$"))
        before = longest.inner_text()
        expect(longest).not_to_have_text(before, timeout=3000)

        # The interpreter gets ready: rung ("offered"), accepts ("in a call").
        interp.get_by_role("button", name=GO_READY).click()
        expect(row).to_have_attribute("data-presence", "offered")
        expect(row).to_contain_text("연결 제안 중")
        expect(board.locator("#wb-count-offered")).to_have_text("연결 제안 중: 1명")
        interp.get_by_role("button", name="받기").click()
        caller.wait_for("matched")
        expect(row).to_have_attribute("data-presence", "in_session")
        expect(board.locator("#wb-waiting-total")).to_have_text("지금 기다리는 시민이 없습니다.")
        expect(board.locator("#wb-answered")).to_contain_text("응답한 상담: 1건")
        within_30 = board.locator('#wb-speed-body tr[data-within="30"]')
        expect(within_30.locator("td")).to_have_text(["1", "100%"])

        # The call ends: wrap-up. A second caller waits, then leaves unanswered: abandoned.
        caller.hang_up()
        expect(row).to_have_attribute("data-presence", "wrap_up")
        expect(row).to_contain_text("상담 정리 중")
        leaver = WalkIn(board_server, "떠난 시민", mode="chat").join()
        walk_ins.append(leaver)
        expect(board.locator("#wb-waiting-total")).to_have_text("모두 1명 대기 중")
        assert_accessible(board, axe_source, "wallboard with a waiting caller")
        leaver.hang_up()
        expect(board.locator("#wb-abandoned")).to_have_text("응답 전에 떠난 시민: 1명")
        expect(board.locator("#wb-abandoned-wait")).to_have_text(
            re.compile(r"^떠나기 전 평균 대기: \d+초$")
        )
        expect(board.locator("#wb-waiting-total")).to_have_text("지금 기다리는 시민이 없습니다.")

        assert board.evaluate("() => window.__samePage === true"), "the wallboard reloaded"
        assert requests == [], f"the wallboard polled: {requests}"
        assert_accessible(board, axe_source, "wallboard after calls")

        # Readable on a phone, with text at 200%: nothing scrolls sideways.
        board.set_viewport_size({"width": 360, "height": 740})
        for scale in (100, 200):
            board.evaluate(  # through the CSSOM: the page's CSP refuses a <style> tag
                "s => document.documentElement.style.setProperty('font-size', s, 'important')",
                f"{scale}%",
            )
            result = board.evaluate(NO_HORIZONTAL_SCROLL)
            assert result["scroll"] <= result["client"], f"{scale}% scrolls sideways: {result}"
        for seen in problems:
            seen.check()
    finally:
        staff_ctx.close()
        interp_ctx.close()


def test_the_wallboard_in_english(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    board_server: LiveServer,
    axe_source: str,
) -> None:
    context = new_context(call_browser, board_server, locale="en-US")
    try:
        board = context.new_page()
        problems = watch_problems(board)
        login(board, STAFF_USERNAME)
        board.goto("/staff/wallboard?lang=en")
        expect(board.locator("html")).to_have_attribute("lang", "en")
        expect(board.get_by_role("heading", level=1)).to_have_text("Live wallboard")
        expect(board.locator("#wb-conn")).to_have_text("Live updates: connected")
        expect(board.locator("#wb-waiting-total")).to_have_text("No one is waiting now.")
        expect(board.get_by_role("table", name=re.compile("^Callers waiting"))).to_be_visible()
        assert_accessible(board, axe_source, "wallboard in English")
        problems.check()
    finally:
        context.close()


def test_the_staff_live_tab_follows_presence_without_a_refresh(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    board_server: LiveServer,
) -> None:
    staff_ctx = new_context(call_browser, board_server)
    interp_ctx = new_context(call_browser, board_server)
    try:
        staff = staff_ctx.new_page()
        problems = [watch_problems(staff)]
        login(staff, STAFF_USERNAME)
        staff.get_by_role("tab", name="실시간 상담").click()
        expect(staff.locator("#live-conn")).to_have_attribute("data-state", "open")
        expect(staff.locator("#live-interpreters")).to_contain_text("접속한 통역사가 없습니다.")

        interp = interp_ctx.new_page()
        problems.append(watch_problems(interp))
        login(interp, BOARD.username)
        entry = staff.locator(f"#live-interpreters li:has-text('{BOARD.name}')")
        expect(entry).to_have_attribute("data-presence", "away")
        interp.get_by_role("button", name=GO_READY).click()
        expect(entry).to_have_attribute("data-presence", "ready")
        expect(entry).to_contain_text("상담 가능")
        for seen in problems:
            seen.check()
    finally:
        staff_ctx.close()
        interp_ctx.close()
