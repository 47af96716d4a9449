"""A whole video call through real Chromium, over the real `/ws` and a real WebRTC connection.

Staff book a slot starting now-ish; the interpreter logs in and sets themselves ready; the caller
opens the link in another browser context. Both cameras are Chromium's fake device playing a clip
made on the fly from the hand photos in `../shared/data/hands`. Both pages must reach
"connected" and decode the other side's video at >= 20 fps; then the caller hangs up and the call
record holds every time. The real SDP of that call is kept as fixtures (scrubbed), and axe-core
checks every state of both pages.
"""

from __future__ import annotations

import re
import time as clock
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from media.testsource import make_hand_video
from scheduler import store
from scheduler.store import NewBooking
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.conftest import ROOT, skip_or_fail
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SEOUL,
    STAFF_USERNAME,
    LiveServer,
    SeedInterpreter,
    login,
    running_server,
    watch_problems,
)
from tests.e2e.test_accessibility import NO_HORIZONTAL_SCROLL, SMALL_TARGETS
from tests.signaling.sdp_fixture import ANSWER_PATH, OFFER_PATH, SDP_DIR, scrub_sdp

pytestmark = pytest.mark.browser

HANDS = ROOT.parent / "shared" / "data" / "hands"
INTERPRETER = SeedInterpreter("interp.call", "최수어", ("KSL",), ("welfare",))
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_FPS = 20.0
CONNECT_TIMEOUT_MS = 30_000

# Every RTCPeerConnection and WebSocket the page makes, for the test to read stats and SDP from
# and to drop the socket. Installed before the page's scripts run; the pages expose nothing.
COLLECT_PEERS = """(() => {
    const Native = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = class extends Native {
        constructor(...args) { super(...args); window.__pcs.push(this); }
    };
    const NativeSocket = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends NativeSocket {
        constructor(...args) { super(...args); window.__sockets.push(this); }
    };
})();"""

# Frames decoded from the other side over `ms`, from `framesDecoded` deltas of inbound-rtp.
RECEIVED_FPS = """async (ms) => {
    const pc = window.__pcs[window.__pcs.length - 1];
    const inbound = async () => {
        for (const s of (await pc.getStats()).values())
            if (s.type === "inbound-rtp" && s.kind === "video") return s;
        return null;
    };
    // "connected" comes a moment before the first frame is decoded: wait for it (up to 10 s).
    let a = await inbound();
    for (let i = 0; i < 100 && !(a && a.framesDecoded > 0); i++) {
        await new Promise((r) => setTimeout(r, 100));
        a = await inbound();
    }
    if (!a) return {fps: 0, seconds: 0, width: 0, height: 0};
    await new Promise((r) => setTimeout(r, ms));
    const b = await inbound();
    const seconds = (b.timestamp - a.timestamp) / 1000;
    return {fps: (b.framesDecoded - a.framesDecoded) / seconds, seconds,
            width: b.frameWidth, height: b.frameHeight};
}"""


def all_day(_weekday: int) -> tuple[time, time]:
    return time(0, 0), time(23, 45)


@pytest.fixture(scope="module")
def hand_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4 s, 640x480, 30 fps Y4M clip of the hand photos with the frame counter strip."""
    if not HANDS.is_dir() or not any(HANDS.glob("*.jpg")):
        skip_or_fail(f"hand photos not found at {HANDS}")
    out = tmp_path_factory.mktemp("camera") / "hands.y4m"
    return make_hand_video(HANDS, out, width=640, height=480, fps=30, seconds=4)


@pytest.fixture(scope="module")
def call_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server where a slot can start within minutes, at any hour, and a caller may join it."""
    with running_server(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-call"),
        interpreters=(INTERPRETER,),
        hours=all_day,
        min_notice_minutes=0,
        slot_minutes=15,
        weekday_open=time(0, 0),
        weekday_close=time(23, 45),
        weekend_open=time(0, 0),
        weekend_close=time(23, 45),
        call_join_early_minutes=45,
    ) as server:
        yield server


@pytest.fixture(scope="module")
def call_browser(playwright_instance: Playwright, hand_clip: Path) -> Iterator[Browser]:
    """Chromium whose camera is the hand clip; the permission prompt is answered "allow"."""
    if not CHROMIUM.exists():
        skip_or_fail(f"Debian Chromium not found at {CHROMIUM}")
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={hand_clip}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield browser
    browser.close()


def new_context(browser: Browser, server: LiveServer, **options: Any) -> BrowserContext:
    settings: dict[str, Any] = {
        "viewport": {"width": 1280, "height": 900},
        "timezone_id": "Europe/Berlin",
        "locale": "ko-KR",
        "reduced_motion": "reduce",
        **options,
    }
    context = browser.new_context(base_url=server.url, **settings)
    context.set_default_timeout(15_000)
    context.add_init_script(COLLECT_PEERS)
    return context


def assert_accessible(page: Page, axe_source: str, state: str) -> None:
    """axe-core, evaluated through DevTools so the page's own CSP stays in force."""
    page.evaluate(axe_source + "\n;undefined")
    violations = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => `${v.id} (${v.impact}): ${v.help}\\n    ` +
                v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary).join("\\n    "));
        }""",
        WCAG_TAGS,
    )
    assert violations == [], f"axe violations on {state}:\n" + "\n".join(violations)


def csrf_fetch(page: Page, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the JSON API from a logged-in page, as its own scripts do (cookie, CSRF, Origin)."""
    result = page.evaluate(
        """async ([method, path, body]) => {
            const csrf = document.querySelector('meta[name="csrf-token"]').content;
            const response = await fetch(path, {
                method, credentials: "same-origin",
                headers: {"Content-Type": "application/json", "Accept": "application/json",
                          "X-CSRF-Token": csrf},
                body: body === null ? undefined : JSON.stringify(body),
            });
            return {status: response.status, body: await response.json()};
        }""",
        [method, path, body],
    )
    assert result["status"] < 300, result
    return result["body"]


def staff_books_next_slot(staff: Page) -> dict[str, Any]:
    """Staff book the next free slot (it starts within 15 minutes) for a phone caller."""
    login(staff, STAFF_USERNAME)
    today = now_seoul().date()
    tomorrow = today + timedelta(days=1)  # after 23:45 Seoul time the next slot is at 00:00
    slots = csrf_fetch(staff, "GET", f"/api/availability?language=KSL&from={today}&to={tomorrow}")
    free = [s for s in slots["slots"] if s["free"] > 0]
    assert free, slots
    catalog = csrf_fetch(staff, "GET", "/api/catalog")
    booked = csrf_fetch(
        staff,
        "POST",
        "/api/staff/reservations",
        {
            "name": "영상 시민",
            "language": "KSL",
            "topic": "welfare",
            "start": free[0]["start"],
            "channel": "phone",
            "consent": True,
            "consent_version": catalog["consent_version"],
        },
    )
    assert isinstance(booked, dict)
    return booked


def now_seoul() -> datetime:
    return datetime.now(SEOUL)


def received_fps(page: Page, ms: int = 5000) -> dict[str, float]:
    result = page.evaluate(RECEIVED_FPS, ms)
    assert isinstance(result, dict)
    return result


def local_sdp(page: Page) -> str:
    sdp = page.evaluate("() => window.__pcs[window.__pcs.length - 1].localDescription.sdp")
    assert isinstance(sdp, str)
    return sdp


def save_sdp_fixture(path: Path, sdp: str) -> None:
    """Keep the captured SDP (scrubbed) when the fixture is missing; the committed one stays
    otherwise, so a normal run never rewrites tracked files. Delete a file to refresh it."""
    scrubbed = scrub_sdp(sdp)
    assert "a=ice-pwd:" in scrubbed and "m=video" in scrubbed
    if not path.exists():
        SDP_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(scrubbed.encode("ascii"))


def staff_call_record(staff: Page, code: str, day: str) -> dict[str, Any] | None:
    rows = csrf_fetch(staff, "GET", f"/api/staff/reservations?from={day}&to={day}")
    row = next(r for r in rows["reservations"] if r["code"] == code)
    call = row.get("call")
    return call if isinstance(call, dict) else None


def test_caller_and_interpreter_call_end_to_end(
    call_browser: Browser, call_server: LiveServer, axe_source: str
) -> None:
    staff_ctx = new_context(call_browser, call_server)
    interp_ctx = new_context(call_browser, call_server)
    caller_ctx = new_context(call_browser, call_server)
    staff, interp, caller = staff_ctx.new_page(), interp_ctx.new_page(), caller_ctx.new_page()
    problems = [watch_problems(p) for p in (staff, interp, caller)]
    try:
        booked = staff_books_next_slot(staff)
        code, day = booked["code"], booked["start"][:10]
        is_today = day == now_seoul().date().isoformat()

        # The caller: camera check with the preview and the framing guide.
        caller.goto(f"/call/{code}#t={booked['token']}")
        expect(caller.locator("#call-slot")).to_contain_text("KST")
        caller.get_by_role("button", name="카메라 켜기").click()
        expect(caller.locator("#preview-frame")).to_be_visible()
        expect(caller.locator("#camera-info")).to_contain_text("640\u00d7480")
        expect(caller.locator(".framing-guide")).to_be_visible()
        assert_accessible(caller, axe_source, "caller camera check")

        # Waiting room: the interpreter is not here yet.
        caller.get_by_role("button", name="대기실로 들어가기").click()
        expect(caller.locator("#wait-text")).to_have_text(re.compile("^통역사가 아직"))
        assert caller.title().startswith("⏳")
        assert_accessible(caller, axe_source, "caller waiting room")

        # The interpreter's console: online but away, camera off, and the booking says its caller
        # is waiting (the socket sends `caller_waiting` with the reservation id).
        login(interp, INTERPRETER.username)
        expect(interp).to_have_url(re.compile(r"/interpreter$"))
        expect(interp.locator("#presence")).to_have_text("내 상태: 자리 비움")
        card = interp.locator(f'#interp-list li[data-code="{code}"]')
        if is_today:
            expect(card).to_contain_text("시민 대기 중")
            expect(card).to_have_attribute("data-call-state", "caller_waiting")
        expect(caller.locator("#wait-text")).to_have_text(re.compile("^통역사와 곧 연결됩니다"))
        assert_accessible(interp, axe_source, "interpreter console (away)")

        # The interpreter gets ready (the camera turns on first): the call connects.
        interp.get_by_role("button", name="상담 가능으로 바꾸기").click()
        for page in (interp, caller):
            expect(page.locator("#call-view")).to_be_visible()
            expect(page.locator("#call-state")).to_have_attribute(
                "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
            )
            expect(page.locator("#call-state-text")).to_have_text("연결됨")
        expect(interp.locator("#call-view-heading")).to_have_text("영상 시민 님과 영상 상담")
        if is_today:
            expect(card).to_contain_text("상담 중")
        expect(caller.locator("#call-view-heading")).to_have_text(
            f"{INTERPRETER.name} 님과 영상 상담"
        )
        assert caller.title().startswith("●")

        # Each side decodes the other's 640x480 video at >= 20 fps.
        for name, page in (("interpreter", interp), ("caller", caller)):
            stats = received_fps(page)
            assert stats["fps"] >= MIN_FPS, f"{name} receives {stats}"
            assert (stats["width"], stats["height"]) == (640, 480), f"{name} receives {stats}"
        expect(caller.locator("#call-fps")).to_have_text(re.compile(r"초당 \d+프레임"))

        offer, answer = local_sdp(interp), local_sdp(caller)
        assert "a=setup:actpass" in offer and "a=setup:active" in answer
        save_sdp_fixture(OFFER_PATH, offer)
        save_sdp_fixture(ANSWER_PATH, answer)

        assert_accessible(caller, axe_source, "caller call view")
        assert_accessible(interp, axe_source, "interpreter call view")

        # The caller hangs up (with a confirm step); both pages show the end in words.
        caller.get_by_role("button", name="통화 끝내기").click()
        caller.get_by_role("button", name="예, 끝냅니다").click()
        expect(caller.locator("#call-ended")).to_be_visible()
        expect(caller.locator("#ended-text")).to_have_text("통화를 끝냈습니다.")
        expect(interp.locator("#ended-text")).to_have_text("상대방이 통화를 끝냈습니다.")
        expect(interp.locator("#call-view")).to_be_hidden()
        # After the call: wrap-up, to finish the record, before the next caller.
        expect(interp.locator("#presence")).to_contain_text("상담 정리 중")
        assert caller.title().startswith("■")
        assert_accessible(caller, axe_source, "caller after the call")

        # The session record holds every time (it is written asynchronously).
        deadline = clock.monotonic() + 10
        record = staff_call_record(staff, code, day)
        while record is None and clock.monotonic() < deadline:
            clock.sleep(0.2)
            record = staff_call_record(staff, code, day)
        assert record is not None, "no call record"
        for field in (
            "caller_joined_at",
            "matched_at",
            "caller_media_at",
            "interpreter_media_at",
            "ended_at",
        ):
            assert record[field], (field, record)
        assert record["end_reason"] == "hangup" and record["ended_by"] == "caller", record
        assert record["duration_seconds"] > 0 and record["wait_seconds"] >= 0, record
        assert record["caller_fps_avg"] and record["interpreter_fps_avg"], record
        if is_today:
            interp.get_by_role("button", name="새로 고침").click()
            expect(card).to_contain_text("상담 끝남")
    finally:
        for context in (staff_ctx, interp_ctx, caller_ctx):
            context.close()
    for seen in problems:
        seen.check()


# --- the camera check's errors ---------------------------------------------------------------


def book_through_store(server: LiveServer, start: datetime, name: str) -> dict[str, str]:
    """A booking made through the real store, with the clock set just before `start`."""
    settings = server.app[SETTINGS]
    made = server.run(
        store.book(
            server.app[SESSIONS],
            settings,
            NewBooking(
                name=name,
                language="KSL",
                topic="welfare",
                start=start,
                consent_version=settings.consent_version,
            ),
            now=start - timedelta(minutes=1),
        )
    )
    return {"code": made.reservation.code, "token": made.token}


def quarter_from_now(quarters: int) -> datetime:
    """The start of the `quarters`-th quarter hour from now (1 = the next one), in Seoul."""
    start = datetime.fromtimestamp((clock.time() // 900 + quarters) * 900, tz=SEOUL)
    if start.time() > time(23, 30) or start.date() != now_seoul().date():
        pytest.skip("that quarter hour is outside today's service hours (late evening in Seoul)")
    return start


@pytest.fixture(scope="module")
def booking(call_server: LiveServer) -> dict[str, str]:
    """Today's 00:00 slot: long past, but the camera check does not care when the slot is.
    (The call test books the next quarter hour, the phone test the one after, the my-booking
    test the third, so the one interpreter is free for each.)"""
    midnight = datetime.combine(now_seoul().date(), time(0), SEOUL)
    return book_through_store(call_server, midnight, "카메라 시민")


@pytest.mark.parametrize(
    ("error", "title"),
    [
        ("NotAllowedError", "카메라 사용이 허용되지 않았습니다"),
        ("NotFoundError", "카메라를 찾을 수 없습니다"),
        ("NotReadableError", "다른 프로그램이 카메라를 쓰고 있습니다"),
    ],
)
def test_camera_errors_say_what_to_do(
    call_browser: Browser,
    call_server: LiveServer,
    booking: dict[str, str],
    axe_source: str,
    error: str,
    title: str,
) -> None:
    context = new_context(call_browser, call_server)
    context.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => "
        f"Promise.reject(new DOMException('simulated', '{error}'));"
    )
    page = context.new_page()
    problems = watch_problems(page)
    try:
        page.goto(f"/call/{booking['code']}#t={booking['token']}")
        page.get_by_role("button", name="카메라 켜기").click()
        box = page.locator("#camera-error")
        expect(box).to_be_visible()
        expect(box).to_be_focused()
        expect(box.locator("h3")).to_have_text(title)
        expect(box).to_contain_text("다시 시도")  # the text says what to press next
        expect(page.get_by_role("button", name="다시 시도")).to_be_visible()
        expect(page.locator("#enter-room")).to_be_hidden()
        expect(page.locator("#status")).to_contain_text(title)
        assert_accessible(page, axe_source, f"camera error {error}")
    finally:
        context.close()
    problems.check()


def test_wrong_key_shows_what_to_do(
    call_browser: Browser, call_server: LiveServer, booking: dict[str, str], axe_source: str
) -> None:
    context = new_context(call_browser, call_server)
    page = context.new_page()
    try:
        page.goto(f"/call/{booking['code']}#t=wrong-key")
        expect(page.locator("#call-invalid")).to_be_visible()
        expect(page.locator("#device-check")).to_be_hidden()
        assert_accessible(page, axe_source, "call page with a wrong key")
    finally:
        context.close()


def test_my_booking_page_links_to_the_call_when_the_room_is_open(
    call_browser: Browser, call_server: LiveServer
) -> None:
    booked = book_through_store(call_server, quarter_from_now(3), "링크 시민")
    context = new_context(call_browser, call_server)
    page = context.new_page()
    try:
        page.goto(f"/booking/{booked['code']}#t={booked['token']}")
        link = page.get_by_role("link", name="영상 상담 들어가기")
        expect(link).to_be_visible()
        assert link.get_attribute("href") == f"/call/{booked['code']}#t={booked['token']}"
        expect(page.locator("#join-call-hint")).to_be_hidden()
    finally:
        context.close()


def test_my_booking_page_says_when_the_call_opens(
    call_browser: Browser, call_server: LiveServer
) -> None:
    tomorrow = datetime.combine(now_seoul().date() + timedelta(days=1), time(12), SEOUL)
    booked = book_through_store(call_server, tomorrow, "내일 시민")
    context = new_context(call_browser, call_server)
    page = context.new_page()
    try:
        page.goto(f"/booking/{booked['code']}#t={booked['token']}")
        expect(page.locator("#join-call-hint")).to_have_text(
            "상담 시작 45분 전부터 영상 상담에 들어갈 수 있습니다."
        )
        expect(page.get_by_role("link", name="영상 상담 들어가기")).to_be_hidden()
    finally:
        context.close()


# --- phones: no sideways scrolling, 44 px targets, at normal and at 200% text -----------------


def check_phone_layout(page: Page, state: str) -> None:
    for scale in ("", "200%"):  # CSSOM, not a <style> tag: the page's CSP stays in force
        page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", scale)
        result = page.evaluate(NO_HORIZONTAL_SCROLL)
        assert result["scroll"] <= result["client"], f"{state} at {scale or 100}%: {result}"
        if not scale:
            assert page.evaluate(SMALL_TARGETS) == [], f"small targets on {state}"
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")


def test_call_pages_fit_a_phone(call_browser: Browser, call_server: LiveServer) -> None:
    booked = book_through_store(call_server, quarter_from_now(2), "휴대폰 시민")
    phone: dict[str, Any] = {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
    }
    interp_ctx = new_context(call_browser, call_server, **phone)
    caller_ctx = new_context(call_browser, call_server, **phone)
    interp, caller = interp_ctx.new_page(), caller_ctx.new_page()
    try:
        caller.goto(f"/call/{booked['code']}#t={booked['token']}")
        caller.get_by_role("button", name="카메라 켜기").click()
        expect(caller.locator("#preview-frame")).to_be_visible()
        check_phone_layout(caller, "camera check")
        caller.get_by_role("button", name="대기실로 들어가기").click()
        expect(caller.locator("#wait-text")).to_have_text(re.compile("^통역사가 아직"))
        check_phone_layout(caller, "waiting room")

        login(interp, INTERPRETER.username)
        expect(interp.locator(f'#interp-list li[data-code="{booked["code"]}"]')).to_be_visible()
        check_phone_layout(interp, "interpreter console")
        interp.get_by_role("button", name="상담 가능으로 바꾸기").click()
        for page in (caller, interp):
            expect(page.locator("#call-state")).to_have_attribute(
                "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
            )
        check_phone_layout(caller, "call view")
        check_phone_layout(interp, "interpreter call view")

        # The caller's socket drops: the interpreter sees "reconnecting" in words; the caller's
        # page comes back with a fresh ticket and its resume token, and the pages renegotiate.
        caller.evaluate("() => window.__sockets[window.__sockets.length - 1].close()")
        expect(interp.locator("#call-state-text")).to_have_text("다시 연결 중")
        expect(interp.locator("#call-detail")).to_contain_text("상대방 연결이 끊겼습니다")
        for page in (caller, interp):
            expect(page.locator("#call-state")).to_have_attribute(
                "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
            )
        assert caller.evaluate("() => window.__sockets.length") == 2
        assert interp.evaluate("() => window.__pcs.length") == 2  # a fresh offer after the drop
        # The other signer is as wide as the screen; the self view is beside it, not over it.
        remote = caller.locator("#remote-video").bounding_box()
        own = caller.locator("#self-video").bounding_box()
        assert remote and own and remote["width"] >= 300, remote
        assert own["y"] >= remote["y"] + remote["height"], (remote, own)
        caller.get_by_role("button", name="통화 끝내기").click()
        caller.get_by_role("button", name="예, 끝냅니다").click()
        expect(caller.locator("#call-ended")).to_be_visible()
        check_phone_layout(caller, "after the call")
    finally:
        interp_ctx.close()
        caller_ctx.close()
