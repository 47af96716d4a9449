"""The supervisors' statistics page in real Chromium: a supervisor opens it from the staff
console on six weeks of generated history, sees the nine charts drawn (inline SVG under the
page's own `default-src 'self'` policy: no CSP report, bars in their colours), reads a table
behind its toggle (by mouse and by keyboard), downloads a chart's CSV, picks another range and
gets a clear message for an impossible one; axe-core finds no WCAG 2.1 A/AA violation, in Korean
and in English, and the page reads at 360 px wide without scrolling sideways.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from bench.statistics import Size, seed
from scheduler.accounts import create_account
from scheduler.domain import Role
from signdesk.appkeys import SESSIONS
from tests.e2e.conftest import (
    PASSWORD,
    LiveServer,
    login,
    running_server,
    seoul_now,
    watch_problems,
)
from tests.e2e.test_accessibility import NO_HORIZONTAL_SCROLL
from tests.e2e.test_call import assert_accessible

pytestmark = pytest.mark.browser

SUPERVISOR = "boss.choi"
HISTORY = Size(
    days=42, sessions=1_200, interpreters=6, repetitions=0, warmup=0, baseline_repetitions=0
)


@pytest.fixture(scope="module")
def stats_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with running_server(sqlite_template, tmp_path_factory.mktemp("e2e-statistics")) as server:

        async def prepare() -> None:
            sessions = server.app[SESSIONS]
            await seed(sessions, HISTORY, 6, last_day=seoul_now().date())
            async with sessions() as db, db.begin():
                await create_account(
                    db,
                    username=SUPERVISOR,
                    display_name="최감독",
                    role=Role.SUPERVISOR,
                    password=PASSWORD,
                )

        server.run(prepare(), timeout=120)
        yield server


def _context(browser: Browser, server: LiveServer, locale: str = "ko-KR") -> BrowserContext:
    context = browser.new_context(
        base_url=server.url,
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/Berlin",
        locale=locale,
        reduced_motion="reduce",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    return context


def test_a_supervisor_reads_the_statistics(
    browser: Browser, stats_server: LiveServer, axe_source: str
) -> None:
    context = _context(browser, stats_server)
    try:
        page = context.new_page()
        problems = watch_problems(page)
        login(page, SUPERVISOR)
        page.get_by_role("link", name="통계 보기").click()
        expect(page).to_have_url(re.compile(r"/staff/statistics$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("상담 통계")
        today = seoul_now().date()
        expect(page.get_by_label("시작 날짜")).to_have_value(str(today - timedelta(days=29)))
        expect(page.get_by_label("끝 날짜")).to_have_value(str(today))

        # Nine charts, drawn: each an image with its name, with a size, and its bars painted in
        # their colours (presentation attributes are not styles, so the CSP lets them through).
        charts = page.locator("svg[role='img']")
        expect(charts).to_have_count(9)
        for i in range(9):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 60
        cases = page.get_by_role("img", name="날짜별 상담 수 (영상·채팅)")
        expect(cases).to_be_visible()
        assert cases.locator("rect").count() > 30
        fill = page.evaluate(
            "() => getComputedStyle(document.querySelector('#stats-cases svg g g rect')).fill"
        )
        assert fill == "rgb(31, 78, 121)", fill
        summary = page.locator("#stats-cases-summary")
        expect(summary).to_contain_text(re.compile(r"이 기간 상담은 모두 [\d,]+건입니다"))

        # The table behind the toggle: closed, then open by mouse; another by keyboard.
        table = page.get_by_role("table", name="날짜별 상담 수: 방식별, 수어별, 합계")
        expect(table).to_be_hidden()
        page.get_by_text("표로 보기: 날짜별 상담 수 (영상·채팅)").click()
        expect(table).to_be_visible()
        expect(table.locator("tbody tr")).to_have_count(30)
        expect(table.locator("thead th")).to_contain_text(["날짜", "영상 상담", "채팅 상담"])
        speed_toggle = page.locator("#stats-speed-details summary")
        speed_toggle.focus()
        page.keyboard.press("Enter")
        speed = page.get_by_role("table", name=re.compile("^정해진 시간 안에 응답한"))
        expect(speed).to_be_visible()
        expect(speed.locator("tbody tr")).to_have_count(3)
        assert_accessible(page, axe_source, "statistics with two tables open")

        # A chart's CSV, for the same range.
        with page.expect_download() as caught:
            page.get_by_role("link", name="CSV 내려받기: 응답 속도").click()
        download = caught.value
        assert download.suggested_filename == (
            f"signdesk-speed-{today - timedelta(days=29)}-{today}.csv"
        )
        path = download.path()
        text = Path(path).read_text(encoding="utf-8-sig")
        assert text.splitlines()[0] == "응답까지 걸린 시간,응답한 상담,비율"
        assert len(text.splitlines()) == 4

        # Another range through the form; then an impossible one.
        page.get_by_label("시작 날짜").fill(str(today - timedelta(days=6)))
        page.get_by_role("button", name="통계 보기").click()
        expect(page.locator("#stats-showing")).to_contain_text(
            f"{today - timedelta(days=6)} ~ {today} (7일"
        )
        page.get_by_text("표로 보기: 날짜별 상담 수 (영상·채팅)").click()
        expect(table.locator("tbody tr")).to_have_count(7)
        page.get_by_role("link", name="최근 90일").click()
        expect(page.locator("#stats-showing")).to_contain_text("(90일")
        page.get_by_label("시작 날짜").fill(str(today))
        page.get_by_label("끝 날짜").fill(str(today - timedelta(days=3)))
        page.get_by_role("button", name="통계 보기").click()
        alert = page.get_by_role("alert").filter(has_text="기간을 확인해 주세요")
        expect(alert).to_contain_text("끝 날짜가 시작 날짜보다 앞입니다")
        expect(page.get_by_label("시작 날짜")).to_have_attribute("aria-invalid", "true")
        expect(charts).to_have_count(0)
        assert_accessible(page, axe_source, "statistics with a reversed range")

        # A phone, text at 200%: nothing scrolls sideways (the tables scroll in their regions).
        page.goto("/staff/statistics")
        page.set_viewport_size({"width": 360, "height": 740})
        for scale in (100, 200):
            page.evaluate(
                "s => document.documentElement.style.setProperty('font-size', s, 'important')",
                f"{scale}%",
            )
            result = page.evaluate(NO_HORIZONTAL_SCROLL)
            assert result["scroll"] <= result["client"], f"{scale}% scrolls sideways: {result}"
        problems.check()
    finally:
        context.close()


def test_the_statistics_in_english(
    browser: Browser, stats_server: LiveServer, axe_source: str
) -> None:
    context = _context(browser, stats_server, locale="en-US")
    try:
        page = context.new_page()
        problems = watch_problems(page)
        login(page, SUPERVISOR)
        page.goto("/staff/statistics?lang=en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Counseling statistics")
        expect(page.get_by_role("img", name="Speed of answer")).to_be_visible()
        expect(page.locator("#stats-speed-summary")).to_contain_text(
            re.compile(r"^Of [\d,]+ answered cases: Within 30 s [\d.]+%")
        )
        page.get_by_text("Show the table: Satisfaction").click()
        expect(
            page.get_by_role("table", name="Answers per satisfaction score, and their share")
        ).to_be_visible()
        assert_accessible(page, axe_source, "statistics in English")
        problems.check()
    finally:
        context.close()
