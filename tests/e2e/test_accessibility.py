"""WCAG 2.1 A/AA checks with axe-core on every page and state, plus reflow and target sizes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import AXE, STAFF_USERNAME, LiveServer, login, watch_problems

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
INTERPRETER_USERNAME = "interp.park"


@pytest.fixture
def a11y_page(browser: Browser, live_server: LiveServer, axe_source: str) -> Iterator[Page]:
    """Like `page`, but the CSP is bypassed so axe can be injected as a script tag."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/Berlin",
        locale="ko-KR",
        bypass_csp=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = watch_problems(page)
    yield page
    context.close()
    problems.check()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )
    assert isinstance(result, list)
    return result


def assert_accessible(page: Page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe violations on {state}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def wait_for_slots(page: Page) -> None:
    expect(page.locator(".day-button:not([disabled])").first).to_be_visible()


def book_through_page(page: Page) -> None:
    page.goto("/")
    wait_for_slots(page)
    page.get_by_label("상담 주제").select_option("civil")
    page.locator(".day-button:not([disabled])").first.click()
    page.locator(".time-button").first.click()
    page.get_by_label("이름 또는 별명").fill("접근성 시민")
    page.get_by_label(re.compile("개인정보 수집·이용에 동의합니다")).check()
    page.get_by_role("button", name="예약하기").click()
    expect(page.locator("#confirmation")).to_be_visible()


def test_citizen_booking_page_ko(a11y_page: Page) -> None:
    a11y_page.goto("/")
    wait_for_slots(a11y_page)
    assert_accessible(a11y_page, "/")
    # With a day chosen (time buttons shown) and the field errors shown.
    a11y_page.locator(".day-button:not([disabled])").first.click()
    expect(a11y_page.locator(".time-button").first).to_be_visible()
    a11y_page.get_by_role("button", name="예약하기").click()
    expect(a11y_page.locator("#bk-summary")).to_be_visible()
    assert_accessible(a11y_page, "/ with errors")


def test_citizen_booking_page_en(a11y_page: Page) -> None:
    a11y_page.goto("/?lang=en")
    wait_for_slots(a11y_page)
    expect(a11y_page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(a11y_page, "/?lang=en")


def test_confirmation_state(a11y_page: Page) -> None:
    book_through_page(a11y_page)
    assert_accessible(a11y_page, "confirmation")


def test_my_booking_page(a11y_page: Page, live_server: LiveServer) -> None:
    booked = live_server.book(slot_index=-4, name="관리 시민")
    a11y_page.goto(f"/booking/{booked['code']}#t={booked['token']}")
    expect(a11y_page.locator("#details-list")).to_contain_text(booked["code"])
    assert_accessible(a11y_page, "/booking/<code>")
    a11y_page.get_by_role("button", name="예약 취소").click()
    expect(a11y_page.locator("#cancel-confirm")).to_be_visible()
    assert_accessible(a11y_page, "/booking/<code> cancel confirm")
    a11y_page.get_by_role("button", name="아니요, 유지합니다").click()
    a11y_page.get_by_role("button", name="시간 바꾸기").click()
    expect(a11y_page.locator("#rs-slots .day-button").first).to_be_visible()
    assert_accessible(a11y_page, "/booking/<code> reschedule")

    a11y_page.goto(f"/booking/{booked['code']}#t=wrong")
    expect(a11y_page.locator("#manage-invalid")).to_be_visible()
    assert_accessible(a11y_page, "/booking/<code> with a wrong key")


def test_login_page(a11y_page: Page) -> None:
    a11y_page.goto("/login")
    assert_accessible(a11y_page, "/login")
    a11y_page.get_by_label("아이디").fill("nobody")
    a11y_page.get_by_label("비밀번호").fill("wrong-password-1")
    a11y_page.get_by_role("button", name="로그인").click()
    expect(a11y_page.locator("#login-error")).to_be_visible()
    expect(a11y_page.get_by_label("아이디")).to_have_attribute("aria-invalid", "true")
    assert_accessible(a11y_page, "/login with an error")


@pytest.mark.parametrize("tab", ["예약 목록", "대리 예약", "통역사", "근무 일정", "실시간 상담"])
def test_staff_console_sections(a11y_page: Page, live_server: LiveServer, tab: str) -> None:
    booked = live_server.book(slot_index=0, name="목록 시민")
    login(a11y_page, STAFF_USERNAME)
    if tab == "예약 목록":
        a11y_page.get_by_label("날짜", exact=True).fill(booked["start"][:10])
        a11y_page.get_by_role("button", name="새로 고침").click()
        expect(a11y_page.locator(f'.res-card[data-code="{booked["code"]}"]')).to_be_visible()
    else:
        a11y_page.get_by_role("tab", name=tab).click()
    panel = a11y_page.locator('[role="tabpanel"]:not([hidden])')
    expect(panel).to_have_count(1)
    if tab == "대리 예약":
        expect(panel.locator(".day-button:not([disabled])").first).to_be_visible()
    elif tab == "통역사":
        expect(panel.locator("#int-list .card").first).to_be_visible()
    elif tab == "근무 일정":
        expect(panel.locator("#sh-shift-list li").first).to_be_visible()
    elif tab == "실시간 상담":
        expect(panel.locator("#live-conn")).to_have_attribute("data-state", "open")
        expect(panel.locator("#live-calls li").first).to_be_visible()
    assert_accessible(a11y_page, f"/staff {tab}")


def test_staff_tabs_work_with_arrow_keys(a11y_page: Page) -> None:
    login(a11y_page, STAFF_USERNAME)
    first = a11y_page.get_by_role("tab", name="예약 목록")
    first.focus()
    a11y_page.keyboard.press("ArrowRight")
    second = a11y_page.get_by_role("tab", name="대리 예약")
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "true")
    expect(a11y_page.locator("#panel-book")).to_be_visible()
    a11y_page.keyboard.press("End")
    last = a11y_page.get_by_role("tab", name="실시간 상담")
    expect(last).to_be_focused()
    expect(a11y_page.locator("#panel-live")).to_be_visible()
    a11y_page.keyboard.press("ArrowLeft")
    expect(a11y_page.get_by_role("tab", name="근무 일정")).to_be_focused()
    a11y_page.keyboard.press("ArrowRight")
    a11y_page.keyboard.press("ArrowRight")
    expect(first).to_be_focused()


def test_interpreter_home(a11y_page: Page) -> None:
    login(a11y_page, INTERPRETER_USERNAME)
    expect(a11y_page).to_have_url(re.compile(r"/interpreter$"))
    expect(a11y_page.get_by_role("heading", level=1)).to_have_text("오늘의 상담 예약")
    expect(a11y_page.locator("#interp-list li").first).to_be_visible()
    expect(a11y_page.locator("#interp-date")).to_contain_text("KST")
    assert_accessible(a11y_page, "/interpreter")


# --- reflow, large text and touch targets --------------------------------------------------

NO_HORIZONTAL_SCROLL = """() => {
    const doc = document.documentElement;
    const wide = [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > doc.clientWidth + 1 && el.offsetParent)
        .slice(0, 5).map(el => el.tagName + "#" + el.id + "." + el.className);
    return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
}"""

SMALL_TARGETS = """() => [...document.querySelectorAll(
        "button, .btn, select, input[type=text], input[type=password], input[type=date], "
        + "input[type=time], input[type=datetime-local], .site-nav a, .check")]
    .filter(el => el.offsetParent && !el.closest("[hidden]"))
    .map(el => ({el, r: el.getBoundingClientRect()}))
    .filter(({r}) => r.height < 43.5 || r.width < 43.5)
    .map(({el, r}) =>
        `${el.tagName}#${el.id}.${el.className} ${Math.round(r.width)}x${Math.round(r.height)}`)
"""


def _phone_pages(page: Page, live_server: LiveServer) -> Iterator[str]:
    page.goto("/")
    wait_for_slots(page)
    page.locator(".day-button:not([disabled])").first.click()
    yield "/"
    book_through_page(page)
    yield "confirmation"
    booked = live_server.book(slot_index=-5, name="작은 화면 시민")
    page.goto(f"/booking/{booked['code']}#t={booked['token']}")
    expect(page.locator("#details-list")).to_contain_text(booked["code"])
    yield "/booking/<code>"
    page.goto("/login")
    yield "/login"
    login(page, STAFF_USERNAME)
    expect(page.locator("#res-range")).not_to_be_empty()
    yield "/staff"
    for tab in ["대리 예약", "통역사", "근무 일정", "실시간 상담"]:
        page.get_by_role("tab", name=tab).click()
        page.wait_for_load_state("networkidle")
        yield f"/staff {tab}"


@pytest.mark.parametrize("font_scale", [100, 200], ids=["normal-text", "200pct-text"])
def test_phone_width_has_no_horizontal_scrolling(
    a11y_page: Page, live_server: LiveServer, font_scale: int
) -> None:
    """360x740 phone, with normal text and with text at 200% (as with a large system font)."""
    a11y_page.set_viewport_size({"width": 360, "height": 740})
    for state in _phone_pages(a11y_page, live_server):
        if font_scale != 100:
            a11y_page.add_style_tag(content=f"html {{ font-size: {font_scale}% !important; }}")
        result = a11y_page.evaluate(NO_HORIZONTAL_SCROLL)
        assert result["scroll"] <= result["client"], f"{state} scrolls sideways: {result}"


def test_touch_targets_are_at_least_44px(a11y_page: Page, live_server: LiveServer) -> None:
    a11y_page.set_viewport_size({"width": 360, "height": 740})
    for state in _phone_pages(a11y_page, live_server):
        small = a11y_page.evaluate(SMALL_TARGETS)
        assert small == [], f"small targets on {state}: {small}"


def test_focus_is_visible(a11y_page: Page) -> None:
    a11y_page.goto("/")
    wait_for_slots(a11y_page)
    a11y_page.keyboard.press("Tab")
    skip = a11y_page.get_by_role("link", name="본문으로 건너뛰기")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    button = a11y_page.locator(".day-button:not([disabled])").first
    button.focus()
    a11y_page.keyboard.press("Shift+Tab")
    a11y_page.keyboard.press("Tab")
    outline = button.evaluate(
        "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth"
    )
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
