"""The counseling record end to end in Chromium (issue 6): an interpreter takes a chat-only
walk-in, types the record during the session (kept on the device), and after it the form
autosaves with its state in words; a draft left in the browser is offered back; a supervisor
finds the record on /staff/records, opens it, downloads the CSV export, and sees the session
counted on the statistics page and in its CSV. axe-core checks the
record form and both records pages.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from scheduler.accounts import create_account
from scheduler.domain import Role
from signdesk.appkeys import SESSIONS
from tests.e2e.conftest import PASSWORD, LiveServer, SeedInterpreter, login, watch_problems
from tests.e2e.test_call import (
    assert_accessible,
    call_browser,  # noqa: F401 - a fixture used by the test below
    hand_clip,  # noqa: F401 - a fixture `call_browser` needs
    new_context,
)
from tests.e2e.test_console_ring import WalkIn, ready_interpreter, server_for

pytestmark = pytest.mark.browser

PARK = SeedInterpreter("interp.rec1", "박기록", ("KSL",), ("welfare",))
BOSS = "boss.rec"
SAVED = re.compile(r"^\d{2}:\d{2}에 저장됨$")
SUMMARY = "버스 환승 할인을 물어 서울교통공사 안내 번호를 알려 드렸습니다."


@pytest.fixture
def record_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One KSL interpreter, the live queue open all day, and a supervisor account."""
    with server_for(sqlite_template, tmp_path_factory.mktemp("e2e-record"), (PARK,)) as server:

        async def add_supervisor() -> None:
            async with server.app[SESSIONS]() as db, db.begin():
                await create_account(
                    db,
                    username=BOSS,
                    display_name="김감독",
                    role=Role.SUPERVISOR,
                    password=PASSWORD,
                )

        server.run(add_supervisor())
        yield server


def fill_during_the_chat(interp: Page) -> None:
    """The form is there during the session; what is typed stays on the device until the end."""
    panel = interp.locator("#record-panel")
    expect(panel).to_be_visible()
    expect(interp.locator("#record-for")).to_have_text(re.compile(r"채팅 상담 기록$"))
    interp.get_by_label("상담 요약").fill(SUMMARY)
    expect(interp.locator("#record-save-status")).to_have_text(
        "이 기기에 보관 중 — 상담이 끝나면 저장됩니다"
    )


def test_an_interpreter_records_a_session_and_a_supervisor_finds_and_exports_it(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    record_server: LiveServer,
    axe_source: str,
    tmp_path: Path,
) -> None:
    server = record_server
    contexts = [new_context(call_browser, server, accept_downloads=True) for _ in range(2)]
    caller = None
    try:
        # --- the interpreter: a chat-only walk-in, the record during and after it ------------
        interp = ready_interpreter(contexts[0], PARK)
        problems = watch_problems(interp)
        caller = WalkIn(server, "기록 시민").join()
        expect(interp.locator("#ring")).to_be_visible()
        interp.keyboard.press("Enter")  # focus is on "Accept"
        matched = caller.wait_for("matched")
        session_id = matched["session_id"]
        expect(interp.locator("#call-view")).to_be_visible()
        fill_during_the_chat(interp)

        caller.hang_up()
        expect(interp.locator("#wrapup")).to_be_visible()
        status = interp.locator("#record-save-status")
        expect(status).to_have_text(SAVED)  # the draft went up as soon as the session ended
        expect(interp.locator("#record-missing")).to_have_text(
            "아직 필요한 항목: 상담 분야, 처리 결과"
        )

        # The rest autosaves as it is typed; "referred" asks for the agency.
        interp.get_by_label("상담 분야").select_option(label="교통")
        interp.get_by_label("기관 연계").check()
        agency = interp.get_by_label("연계 기관")
        expect(agency).to_be_visible()
        expect(interp.get_by_label("후속 조치 날짜 (선택)")).to_be_visible()
        agency.fill("서울교통공사")
        expect(status).to_have_text(SAVED)
        expect(interp.locator("#record-missing")).to_be_hidden()
        assert_accessible(interp, axe_source, "interpreter console, record form after a session")

        interp.get_by_role("button", name="기록 완료하기").click()
        finished = re.compile(r"^상담 기록을 완료했습니다\. \d{2}:\d{2}에 저장됨$")
        expect(status).to_have_text(finished)

        # A draft this browser never sent (a closed tab, say) is offered back.
        draft = {
            "category": "transport",
            "summary": SUMMARY + " 추가 메모",
            "outcome": "referred",
            "agency": "서울교통공사",
            "follow_up_date": None,
        }
        interp.evaluate(
            """([key, values]) =>
                localStorage.setItem(key, JSON.stringify({values, at: Date.now()}))""",
            [f"signdesk.record-draft.{session_id}", draft],
        )
        recent = interp.locator("#recent-list li").first
        expect(recent).to_have_attribute("data-record-state", "complete")
        recent.get_by_role("button").click()
        expect(interp.locator("#record-restore")).to_be_visible()
        interp.get_by_role("button", name="초안 불러오기").click()
        expect(interp.get_by_label("상담 요약")).to_have_value(SUMMARY + " 추가 메모")
        expect(status).to_have_text(SAVED)
        problems.check()

        # --- the supervisor: search, open, export -------------------------------------------
        boss = contexts[1].new_page()
        boss_problems = watch_problems(boss)
        login(boss, BOSS)
        boss.get_by_role("link", name="상담 기록").first.click()
        boss.wait_for_url(re.compile(r"/staff/records"))
        expect(boss.locator("#records-rows tr")).to_have_count(1)
        boss.get_by_label("상담 분야").select_option(label="교통")
        boss.get_by_label("처리 결과").select_option(label="기관 연계")
        boss.get_by_role("button", name="검색").click()
        row = boss.locator(f'#records-rows tr[data-session-id="{session_id}"]')
        expect(row).to_be_visible()
        expect(row).to_contain_text("박기록")
        expect(row).to_contain_text("교통")
        expect(row).to_contain_text("기관 연계")
        expect(row).to_contain_text("완료")
        expect(boss.locator("#records-count")).to_have_text("기록 1건 · 1/1쪽")
        assert_accessible(boss, axe_source, "supervisor records page")

        with boss.expect_download() as download_info:
            boss.locator("#export-csv").click()
        download = download_info.value
        assert re.fullmatch(r"signdesk-records-\d{8}-\d{4}\.csv", download.suggested_filename)
        path = tmp_path / "records.csv"
        download.save_as(path)
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert [r["session_id"] for r in rows] == [session_id]
        assert rows[0]["summary"] == SUMMARY + " 추가 메모"
        assert rows[0]["agency"] == "서울교통공사"
        assert rows[0]["category_label"] == "교통"
        assert "기록 시민" not in path.read_text(encoding="utf-8-sig")  # no citizen's name

        row.get_by_role("link").click()
        boss.wait_for_url(re.compile(rf"/staff/records/{session_id}$"))
        expect(boss.locator("#rv-summary")).to_contain_text(SUMMARY)
        expect(boss.locator("#rv-record")).to_contain_text("서울교통공사")
        expect(boss.locator("#rv-session")).to_contain_text("박기록")
        expect(boss.locator("#rv-transcript")).to_contain_text(
            "이용자가 동의하지 않았거나 저장된 채팅이 없습니다."
        )
        expect(boss.locator("#rv-recordings")).to_contain_text("녹화 파일이 없습니다.")
        assert_accessible(boss, axe_source, "supervisor record page")

        # ... and sees the session counted in the charts (the default range: the last 30 days).
        boss.goto("/staff/statistics")
        cases = boss.get_by_role("img", name="날짜별 상담 수 (영상·채팅)")
        expect(cases).to_be_visible()
        expect(boss.locator("#stats-cases-summary")).to_contain_text("1")
        table = boss.locator("#stats-cases details")
        table.locator("summary").click()
        expect(table.locator("table")).to_be_visible()
        answer = boss.request.get("/staff/statistics/cases.csv")
        assert answer.ok, answer.status
        counted = list(csv.DictReader(io.StringIO(answer.text().lstrip("\ufeff"))))
        assert sum(int(r["채팅 상담"]) for r in counted) == 1, counted
        assert sum(int(r["합계"]) for r in counted) == 1, counted
        assert_accessible(boss, axe_source, "statistics with the recorded session")
        boss_problems.check()
    finally:
        if caller is not None:
            caller.close()
        for context in contexts:
            context.close()
