"""A citizen books, manages the booking, and staff see, book and cancel: through real Chromium."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from playwright.sync_api import Page, expect

from scheduler import store
from scheduler.store import Booked, NewBooking
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.e2e.conftest import INTERPRETERS, SEOUL, STAFF_USERNAME, LiveServer, login

pytestmark = pytest.mark.browser

CODE = re.compile(r"^[A-Z0-9]{3}-[A-Z0-9]{3}$")


def seoul_hhmm(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(SEOUL).strftime("%H:%M")


def seoul_day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(SEOUL).date().isoformat()


def wait_for_slots(page: Page) -> None:
    expect(page.locator(".day-button:not([disabled])").first).to_be_visible()


def choose_slot_with_keyboard(page: Page, day: str | None = None) -> str:
    """Pick a day with Tab-reachable buttons and Enter; returns the chosen slot's start."""
    button = (
        page.locator(f'.day-button[data-day="{day}"]')
        if day
        else page.locator(".day-button:not([disabled])").first
    )
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    # Focus moved to the first free time of that day; Enter picks it.
    focused = page.locator(".time-button:focus")
    expect(focused).to_have_count(1)
    start = focused.get_attribute("data-start")
    assert start
    page.keyboard.press("Enter")
    expect(focused).to_have_attribute("aria-pressed", "true")
    return start


def fill_citizen_form(page: Page, name: str, contact: str = "", note: str = "") -> None:
    page.get_by_label(re.compile("^(이름 또는 별명|Name or nickname)$")).fill(name)
    if contact:
        page.get_by_label(re.compile("^(연락처|Contact)")).fill(contact)
    if note:
        page.get_by_label(re.compile("^(미리 알려 줄 내용|Anything we should know)")).fill(note)


def test_citizen_books_with_keyboard_and_mouse(page: Page, live_server: LiveServer) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", level=1)).to_have_text("수어 영상 상담 예약")

    # Sign language by keyboard (radio group), topic by mouse.
    ksl = page.get_by_role("radio", name="한국수어")
    ksl.focus()
    page.keyboard.press("Space")
    expect(ksl).to_be_checked()
    page.get_by_label("상담 주제").select_option("welfare")

    wait_for_slots(page)
    start = choose_slot_with_keyboard(page)
    # The device is in Berlin; the slot shows Seoul wall-clock time.
    chosen = page.locator(".time-button[aria-pressed='true'] .time-value")
    expect(chosen).to_have_text(seoul_hhmm(start))
    expect(page.locator(".slot-chosen")).to_contain_text("KST")

    fill_citizen_form(page, "홍길동", contact="010-1234-5678", note="처음 상담합니다")
    page.get_by_label(re.compile("개인정보 수집·이용에 동의합니다")).check()
    submit = page.get_by_role("button", name="예약하기")
    submit.focus()
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", name="예약이 완료되었습니다")
    expect(heading).to_be_visible()
    expect(heading).to_be_focused()
    code = page.locator("#confirm-code").inner_text().strip()
    assert CODE.match(code), code
    expect(page.locator("#confirm-when")).to_contain_text(seoul_hhmm(start))
    expect(page.locator("#status")).to_contain_text(code)

    link = page.locator("#manage-link").input_value()
    assert re.match(rf"^{re.escape(live_server.url)}/booking/{code}#t=[A-Za-z0-9_%\-]+$", link)

    # "Add to calendar" fetches the .ics with the Bearer token and saves it as a file.
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("캘린더에 추가")).click()
    download = download_info.value
    assert download.suggested_filename == f"signdesk-{code}.ics"
    path = download.path()
    assert "BEGIN:VCALENDAR" in path.read_text(encoding="utf-8")
    expect(page.locator("#status")).to_contain_text("캘린더 파일")

    page.get_by_role("button", name="링크 복사").click()
    expect(page.locator("#status")).to_contain_text("복사했습니다")

    # The manage link shows the booking (the token stays in the fragment).
    page.goto(link)
    details = page.locator("#details-list")
    expect(details).to_contain_text(code)
    expect(details).to_contain_text("예약됨")
    expect(details).to_contain_text("홍길동")
    expect(details).to_contain_text("010-1234-5678")
    expect(details).to_contain_text(seoul_hhmm(start))


def test_citizen_reschedules_and_cancels(page: Page, live_server: LiveServer) -> None:
    booked = live_server.book(slot_index=-1, name="변경 시민")
    page.goto(f"/booking/{booked['code']}#t={booked['token']}")
    expect(page.locator("#details-list")).to_contain_text(booked["code"])

    page.get_by_role("button", name="시간 바꾸기").click()
    expect(page.get_by_role("heading", name="새 날짜와 시간 고르기")).to_be_focused()
    picker = page.locator("#rs-slots")
    expect(picker.locator(".day-button:not([disabled])").first).to_be_visible()
    picker.locator(".day-button:not([disabled])").first.click()
    new_slot = picker.locator(".time-button").first
    new_start = new_slot.get_attribute("data-start")
    assert new_start
    new_slot.click()
    page.get_by_role("button", name="이 시간으로 바꾸기").click()
    expect(page.locator("#status")).to_contain_text("바꿨습니다")
    expect(page.locator("#details-list")).to_contain_text(seoul_hhmm(new_start))

    page.get_by_role("button", name="예약 취소").click()
    expect(page.locator("#cancel-question")).to_be_focused()
    page.get_by_role("button", name="예, 취소합니다").click()
    expect(page.locator("#details-list")).to_contain_text("취소됨")
    expect(page.get_by_role("button", name="예약 취소")).to_be_hidden()


def test_wrong_link_says_so_and_offers_the_lookup_form(page: Page, live_server: LiveServer) -> None:
    booked = live_server.book(slot_index=-2)
    page.goto(f"/booking/{booked['code']}#t=not-the-token")
    notice = page.locator("#manage-invalid")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("링크가 올바르지 않습니다")
    expect(page.get_by_label("예약 코드")).to_have_value(booked["code"])

    # Pasting the whole manage link into the form opens the booking.
    page.get_by_label("관리 키 또는 관리 링크").fill(
        f"{live_server.url}/booking/{booked['code']}#t={booked['token']}"
    )
    page.get_by_role("button", name="예약 보기").click()
    expect(page.locator("#details-list")).to_contain_text(booked["code"])
    expect(notice).to_be_hidden()


def test_bad_input_shows_field_errors_and_keeps_typed_data(page: Page) -> None:
    page.goto("/")
    wait_for_slots(page)
    fill_citizen_form(page, "", contact="me@example.org", note="메모는 남아야 합니다")
    page.get_by_role("button", name="예약하기").click()

    summary = page.locator("#bk-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("상담 주제를 고르세요")
    expect(summary).to_contain_text("날짜와 시간을 고르세요")
    expect(summary).to_contain_text("이름 또는 별명을 입력해 주세요")
    expect(summary).to_contain_text("동의해야")

    name = page.locator("#bk-name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", re.compile(r"\bbk-name-error\b"))
    expect(page.locator("#bk-name-error")).to_be_visible()
    expect(page.locator("#bk-consent-error")).to_be_visible()
    expect(page.locator("#bk-contact")).to_have_value("me@example.org")
    expect(page.locator("#bk-note")).to_have_value("메모는 남아야 합니다")

    # The summary links move focus to the field.
    summary.get_by_role("link", name=re.compile("이름 또는 별명")).click()
    expect(name).to_be_focused()


def test_server_field_errors_are_shown_next_to_fields(page: Page) -> None:
    """A 422 with `fields` marks each field; nothing typed is lost."""
    page.goto("/")
    wait_for_slots(page)
    page.get_by_label("상담 주제").select_option("health")
    page.locator(".day-button:not([disabled])").first.click()
    page.locator(".time-button").first.click()
    fill_citizen_form(page, "", contact="010-0000-0000")
    page.get_by_label(re.compile("개인정보 수집·이용에 동의합니다")).check()
    # Over max_name_chars (60): lift the browser's maxlength so the server is the one to refuse.
    page.evaluate("document.getElementById('bk-name').removeAttribute('maxlength')")
    page.locator("#bk-name").fill("가" * 61)
    page.get_by_role("button", name="예약하기").click()

    summary = page.locator("#bk-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("이름 또는 별명")
    expect(page.locator("#bk-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#bk-name-error")).to_be_visible()
    expect(page.locator("#bk-name")).to_have_value("가" * 61)
    expect(page.locator("#bk-contact")).to_have_value("010-0000-0000")
    expect(page.locator("#bk-consent")).to_be_checked()
    expect(page.locator("#confirmation")).to_be_hidden()


def test_taken_slot_shows_a_message_refreshes_slots_and_keeps_data(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/")
    wait_for_slots(page)
    page.get_by_label("상담 주제").select_option("tax")
    day_button = page.locator(".day-button:not([disabled])").nth(2)
    day = day_button.get_attribute("data-day")
    day_button.click()
    slot = page.locator(".time-button").nth(3)
    start = slot.get_attribute("data-start")
    assert start and day
    slot.click()
    fill_citizen_form(page, "늦은 시민", note="자료를 준비하겠습니다")
    page.get_by_label(re.compile("개인정보 수집·이용에 동의합니다")).check()

    # Meanwhile, others take every interpreter at that time.
    catalog = live_server.get_json("/api/catalog")
    free = next(s["free"] for s in live_server.free_slots() if s["start"] == start)
    for index in range(free):
        live_server.post_json(
            "/api/reservations",
            {
                "name": f"먼저 {index}",
                "language": "KSL",
                "topic": "welfare",
                "start": start,
                "consent": True,
                "consent_version": catalog["consent_version"],
            },
        )

    page.get_by_role("button", name="예약하기").click()
    summary = page.locator("#bk-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("다른 시간을 골라 주세요")
    expect(page.locator("#bk-start-error")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("다른 시간을 골라 주세요")
    # The slots were refreshed: the taken time is gone and nothing is chosen.
    expect(page.locator(f'.time-button[data-start="{start}"]')).to_have_count(0)
    expect(page.locator(".time-button[aria-pressed='true']")).to_have_count(0)
    # Typed data is all still there.
    expect(page.locator("#bk-name")).to_have_value("늦은 시민")
    expect(page.locator("#bk-note")).to_have_value("자료를 준비하겠습니다")
    expect(page.locator("#bk-topic")).to_have_value("tax")
    expect(page.locator("#bk-consent")).to_be_checked()

    # Choosing another time books without retyping anything.
    page.locator(f'.day-button[data-day="{day}"]').click()
    page.locator(".time-button").first.click()
    page.get_by_role("button", name="예약하기").click()
    expect(page.get_by_role("heading", name="예약이 완료되었습니다")).to_be_visible()


def test_the_page_works_in_english(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Book a sign-language video counseling session"
    )
    expect(page.get_by_role("radio", name="Korean Sign Language")).to_be_checked()
    page.get_by_label("Topic").select_option("housing")
    wait_for_slots(page)
    expect(page.locator(".day-button .day-free").first).to_contain_text(re.compile(r"open|Full"))
    choose_slot_with_keyboard(page)
    expect(page.locator(".time-button[aria-pressed='true'] .time-free")).to_contain_text("free")
    fill_citizen_form(page, "Alex")
    page.get_by_label(re.compile("I have read the above and agree")).check()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("heading", name="Your booking is confirmed")).to_be_visible()
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()

    # The choice is remembered.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def open_reservations_on(page: Page, day: str) -> None:
    page.get_by_role("tab", name="예약 목록").click()
    page.get_by_label("날짜", exact=True).fill(day)
    page.get_by_role("button", name="새로 고침").click()
    expect(page.locator("#res-range")).to_contain_text(day[:4])


def test_staff_sees_the_booking_and_cancels_it(page: Page, live_server: LiveServer) -> None:
    booked = live_server.book(slot_index=-3, name="콘솔 시민")
    login(page, STAFF_USERNAME)
    expect(page).to_have_url(re.compile(r"/staff$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("상담 예약 관리")

    open_reservations_on(page, seoul_day(booked["start"]))
    card = page.locator(f'.res-card[data-code="{booked["code"]}"]')
    expect(card).to_be_visible()
    expect(card).to_contain_text("콘솔 시민")
    expect(card).to_contain_text("예약됨")
    expect(card).to_contain_text("웹")
    expect(card).to_contain_text(seoul_hhmm(booked["start"]))

    # The week view shows it too, under its interpreter's name.
    page.get_by_role("radio", name="한 주").check()
    expect(page.locator("#res-range")).to_contain_text("~")
    card = page.locator(f'.res-card[data-code="{booked["code"]}"]')
    expect(card).to_be_visible()
    group = page.locator(".res-group", has=card)
    expect(group.get_by_role("heading", level=3)).to_contain_text("통역")

    card.get_by_role("button", name=re.compile("^예약 취소")).click()
    expect(card.locator(".confirm-question")).to_be_focused()
    card.get_by_role("button", name="예", exact=True).click()
    card = page.locator(f'.res-card[data-code="{booked["code"]}"]')
    expect(card).to_contain_text("취소됨")
    expect(page.locator("#status")).to_contain_text(f"{booked['code']}")

    # The citizen's link now shows the cancellation too.
    page.goto(f"/booking/{booked['code']}#t={booked['token']}")
    expect(page.locator("#details-list")).to_contain_text("취소됨")


def test_staff_books_on_behalf_of_a_phone_caller(page: Page, live_server: LiveServer) -> None:
    login(page, STAFF_USERNAME)
    page.get_by_role("tab", name="대리 예약").click()
    panel = page.locator("#panel-book")
    expect(panel).to_be_visible()
    panel.get_by_label("상담 주제").select_option("legal")
    expect(panel.locator(".day-button:not([disabled])").first).to_be_visible()
    panel.locator(".day-button:not([disabled])").nth(1).click()
    slot = panel.locator(".time-button").nth(1)
    start = slot.get_attribute("data-start")
    assert start
    slot.click()
    panel.get_by_label("이름 또는 별명").fill("전화 시민")
    panel.get_by_label("연락처 (선택)").fill("010-9876-5432")
    panel.get_by_label("접수 경로").select_option("phone")
    panel.get_by_label(re.compile("안내했고 동의를 받았습니다")).check()
    panel.get_by_role("button", name="예약하기").click()

    booked = page.locator("#staff-booked")
    expect(booked).to_be_visible()
    code = page.locator("#staff-booked-code").inner_text().strip()
    assert CODE.match(code), code
    link = page.locator("#staff-booked-link").input_value()
    assert f"/booking/{code}#t=" in link

    open_reservations_on(page, seoul_day(start))
    card = page.locator(f'.res-card[data-code="{code}"]')
    expect(card).to_contain_text("전화 시민")
    expect(card).to_contain_text("전화")
    expect(card).to_contain_text("예약됨")

    # The caller's link works on its own.
    page.goto(link)
    expect(page.locator("#details-list")).to_contain_text(code)


def test_staff_manages_interpreters_and_shifts(page: Page) -> None:
    login(page, STAFF_USERNAME)
    page.get_by_role("tab", name="통역사").click()
    panel = page.locator("#panel-interpreters")
    panel.get_by_label("이름", exact=True).fill("최통역")
    panel.get_by_role("checkbox", name="국제수화").check()
    panel.get_by_role("checkbox", name="의료").check()
    panel.get_by_label("음성 언어").fill("ko, en")
    panel.get_by_role("button", name="통역사 추가").click()
    expect(page.locator("#status")).to_contain_text("최통역")
    card = panel.locator("#int-list .card", has_text="최통역")
    expect(card).to_contain_text("국제수화")
    expect(card).to_contain_text("ko, en")

    card.get_by_role("button", name="최통역 편집").click()
    expect(panel.get_by_role("checkbox", name="국제수화")).to_be_checked()
    panel.get_by_label(re.compile("^활동 중")).uncheck()
    panel.get_by_role("button", name="변경 저장").click()
    expect(panel.locator("#int-list .card", has_text="최통역")).to_contain_text("쉬는 중")

    page.get_by_role("tab", name="근무 일정").click()
    shifts = page.locator("#panel-shifts")
    shifts.get_by_label("통역사").select_option(label="최통역")
    expect(shifts.locator("#sh-shift-list")).to_contain_text("등록된 주간 근무가 없습니다")
    shifts.get_by_label("요일").select_option("2")
    shifts.get_by_label("시작 시간").fill("10:00")
    shifts.get_by_label("끝 시간").fill("16:00")
    shifts.get_by_role("button", name="근무 추가").click()
    expect(shifts.locator("#sh-shift-list")).to_contain_text("수요일 10:00\u201316:00")

    shifts.get_by_label("메모 (선택)").fill("교육")
    shifts.get_by_role("button", name="예외 추가", exact=True).click()
    expect(shifts.locator("#sh-exc-list")).to_contain_text("휴무")
    expect(shifts.locator("#sh-exc-list")).to_contain_text("교육")

    shifts.get_by_role("button", name="수요일 10:00\u201316:00 삭제").click()
    shifts.get_by_role("button", name="예", exact=True).click()
    expect(shifts.locator("#sh-shift-list")).to_contain_text("등록된 주간 근무가 없습니다")


def test_interpreter_sees_todays_reservation(page: Page, live_server: LiveServer) -> None:
    # Book today's 09:00 through the real store with the clock set to today's midnight, so the
    # test does not depend on the hour it runs at (the public API would refuse a past slot).
    midnight = datetime.combine(datetime.now(SEOUL).date(), time(0), SEOUL)
    settings = live_server.app[SETTINGS]
    made: Booked | None = None
    for hour in range(9, 18):  # earlier tests may hold the first slots of today
        request = NewBooking(
            name="오늘 시민",
            language="KSL",
            topic="welfare",
            start=midnight.replace(hour=hour),
            consent_version=settings.consent_version,
        )
        try:
            made = live_server.run(
                store.book(live_server.app[SESSIONS], settings, request, now=midnight)
            )
            break
        except store.SlotTaken:
            continue
    assert made is not None, "no free slot today between 09:00 and 18:00"
    booked = {
        "code": made.reservation.code,
        "token": made.token,
        "start": made.reservation.start.isoformat(),
    }
    view = live_server.get_json(f"/api/reservations/{booked['code']}", token=booked["token"])
    username = next(s.username for s in INTERPRETERS if s.name == view["interpreter_name"])

    login(page, username)
    expect(page).to_have_url(re.compile(r"/interpreter$"))
    card = page.locator(f'#interp-list li[data-code="{booked["code"]}"]')
    expect(card).to_contain_text(seoul_hhmm(booked["start"]))
    expect(card).to_contain_text("복지")
    expect(card).to_contain_text("한국수어")
    expect(card).to_contain_text("예약됨")
