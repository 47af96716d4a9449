"""The caller's side of issue 4 in real Chromium: the walk-in page (`/live`), the chat panel, the
survey, and coming back after a reload or a dropped socket.

Two kinds of tests:

- **The page against a scripted server.** Playwright answers `/api/queue*` and the survey, and
  plays the server's side of `/ws` (`page.route_web_socket`), so every state the protocol allows
  can be shown on cue: closed, the form and its errors, the queue (a range, no interpreter online,
  ringing), the chat (plain text, typing, order and duplicates, rate limits), a reload that
  resumes, a dropped socket that gets a new RTCPeerConnection, the survey. axe-core checks each.
- **End to end on the real server.** The interpreter console rings and answers; a chat-only
  session runs from the queue to the survey; a video walk-in reloads mid-call and both pages
  are connected again with video flowing; a booked call chats both ways.
"""

from __future__ import annotations

import json
import re
import time as clock
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, WebSocketRoute, expect

from tests.e2e import test_call
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
    MIN_FPS,
    all_day,
    assert_accessible,
    check_phone_layout,
    csrf_fetch,
    new_context,
    received_fps,
)

pytestmark = pytest.mark.browser

# The fake-camera browser of the call tests (Chromium playing the hand clip as its camera).
hand_clip = test_call.hand_clip
call_browser = test_call.call_browser

KSL_ONLY = SeedInterpreter("interp.ksl", "김수어", ("KSL",), ("welfare",))
KSL_ASL = SeedInterpreter("interp.both", "박수어", ("KSL", "ASL"), ("medical",))
STATUS_OPEN: dict[str, Any] = {
    "open": True,
    "now": "2026-12-01T10:00:00+09:00",
    "closes_at": "2026-12-01T22:00:00+09:00",
    "opens_at": None,
    "timezone": "Asia/Seoul",
    "languages": [
        {"code": "KSL", "name_ko": "한국수어", "name_en": "Korean Sign Language",
         "interpreters_online": 2},
        {"code": "ASL", "name_ko": "미국수어", "name_en": "American Sign Language",
         "interpreters_online": 0},
    ],
    "specialties": [{"code": "medical", "name_ko": "의료", "name_en": "Medical"}],
    "modes": ["video", "chat"],
    "consent_version": "2026-11-v1",
}  # fmt: skip
CONTACT_TOKEN = "contact-token-" + "x" * 30
# Counts getUserMedia calls: a chat-only session must never ask for the camera.
COUNT_CAMERA = """(() => {
    window.__gum = 0;
    const md = navigator.mediaDevices;
    if (!md || !md.getUserMedia) return;
    const native = md.getUserMedia.bind(md);
    md.getUserMedia = (c) => { window.__gum += 1; return native(c); };
})();"""
# Every `data-state` the page's status pills take (call, chat, link), in order, per page load.
LOG_STATES = """(() => {
    window.__states = [];
    const watch = () => new MutationObserver((records) => {
        for (const r of records)
            if (["call-state", "chat-state", "link-state"].includes(r.target.id))
                window.__states.push(`${r.target.id}:${r.target.dataset.state}`);
    }).observe(document.documentElement,
               {attributes: true, attributeFilter: ["data-state"], subtree: true});
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
    else watch();
})();"""
OFFER_SDP = Path(__file__).resolve().parents[1] / "fixtures" / "sdp" / "chromium_offer.sdp"


# --- a scripted server -----------------------------------------------------------------------


class FakeServer:
    """The queue API and the `/ws` server side, played by the test for one page."""

    def __init__(self, page: Page, status: dict[str, Any] | None = None) -> None:
        self.page = page
        self.status = status if status is not None else STATUS_OPEN
        self.sockets: list[WebSocketRoute] = []
        self.inbox: list[tuple[int, dict[str, Any]]] = []  # (socket index, message)
        self.cursor = 0
        self.requests: list[tuple[str, str, Any, str]] = []  # method, path, body, authorization
        self.survey_status = 201
        page.route(re.compile(r"/api/queue/status$"), self._status)
        page.route(re.compile(r"/api/queue$"), self._join)
        page.route(re.compile(r"/api/queue/ticket$"), self._ticket)
        page.route(re.compile(r"/api/sessions/[^/]+/survey$"), self._survey)
        page.route_web_socket(re.compile(r"/ws(\?|$)"), self._connect)

    def _record(self, route: Route) -> None:
        request = route.request
        body = request.post_data_json if request.post_data else None
        path = re.sub(r"^https?://[^/]+", "", request.url)
        self.requests.append((request.method, path, body, request.headers.get("authorization", "")))

    def _status(self, route: Route) -> None:
        self._record(route)
        if self.status.get("fail"):
            route.fulfill(status=500, json={"error": {"code": "internal", "message": "down"}})
        else:
            route.fulfill(json=self.status)

    def _join(self, route: Route) -> None:
        self._record(route)
        body: dict[str, Any] = route.request.post_data_json or {}
        route.fulfill(
            status=201,
            json={
                "contact_id": 7,
                "contact_token": CONTACT_TOKEN,
                "mode": body["mode"],
                "language": body["language"],
                "specialty": body.get("specialty"),
                "expires_at": "2026-12-01T13:00:00+09:00",
            },
        )

    def _ticket(self, route: Route) -> None:
        self._record(route)
        n = len([r for r in self.requests if r[1].endswith("/ticket")])
        route.fulfill(status=201, json={"ticket": f"t{n}", "expires_in": 120, "ws_path": "/ws"})

    def _survey(self, route: Route) -> None:
        self._record(route)
        if self.survey_status == 201:
            route.fulfill(status=201, json={"session_id": "s_live1", "stars": 5})
        else:
            error = {"code": "already_answered", "message": "answered"}
            route.fulfill(status=self.survey_status, json={"error": error})

    def _connect(self, ws: WebSocketRoute) -> None:
        index = len(self.sockets)
        self.sockets.append(ws)

        def on_message(message: str | bytes) -> None:
            self.inbox.append((index, json.loads(message)))

        ws.on_message(on_message)

    # -- the test's side

    def send(self, message: dict[str, Any]) -> None:
        self.sockets[-1].send(json.dumps({"v": 1, **message}))

    def next(self, kind: str, timeout: float = 10) -> dict[str, Any]:
        """The next message of `kind` the page sent (others are skipped)."""
        deadline = clock.monotonic() + timeout
        while clock.monotonic() < deadline:
            while self.cursor < len(self.inbox):
                _, message = self.inbox[self.cursor]
                self.cursor += 1
                if message.get("type") == kind:
                    return message
            self.page.wait_for_timeout(50)
        raise AssertionError(f"the page sent no {kind!r}; got {[m for _, m in self.inbox]}")

    def sent(self, kind: str) -> list[dict[str, Any]]:
        return [m for _, m in self.inbox if m.get("type") == kind]

    def welcome(self, *, resumed: bool = False, resume: str = "resume-1") -> None:
        self.send(
            {
                "type": "welcome",
                "conn_id": f"c_{len(self.sockets)}",
                "role": "caller",
                "resume_token": resume,
                "resume_window_s": 60,
                "resumed": resumed,
                "protocol": 1,
            }
        )

    def queue(self, position: int, low: int | None, high: int | None, **extra: Any) -> None:
        message = {
            "type": "queue",
            "session_id": "s_live1",
            "position": position,
            "language": "KSL",
            "wait_low_s": low,
            "wait_high_s": high,
            "interpreters_online": 0 if low is None else 2,
            "status": "queued",
        }
        self.send({**message, **extra})

    def matched(self, mode: str = "chat", kept: bool = True) -> None:
        self.send(
            {
                "type": "matched",
                "session_id": "s_live1",
                "reservation_id": None,
                "peer_name": "김수어",
                "role_in_session": "answerer",
                "ice_servers": [],
                "mode": mode,
                "transcript_kept": kept,
            }
        )

    def chat(self, seq: int, text: str, sender: str = "interpreter") -> None:
        at = "2026-12-01T01:02:03+00:00"
        self.send(
            {"type": "chat", "session_id": "s_live1", "seq": seq, "sender": sender, "text": text,
             "at": at}
        )  # fmt: skip


@pytest.fixture(scope="module")
def queue_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Open all day (to the last second), two interpreters (KSL; KSL and ASL), no wrap-up."""
    with running_server(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-live"),
        interpreters=(KSL_ONLY, KSL_ASL),
        hours=all_day,
        min_notice_minutes=0,
        slot_minutes=15,
        weekday_open=time(0, 0),
        weekday_close=time(23, 59, 59),
        weekend_open=time(0, 0),
        weekend_close=time(23, 59, 59),
        call_join_early_minutes=45,
        queue_wrap_up_seconds=0,
    ) as server:
        yield server


@pytest.fixture
def contexts(call_browser: Browser, queue_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """New pages in their own contexts (fake camera, Seoul-less device zone); closed after."""
    opened: list[BrowserContext] = []
    watched = []

    def make(**options: Any) -> Page:
        context = new_context(call_browser, queue_server, **options)
        context.add_init_script(COUNT_CAMERA)
        context.add_init_script(LOG_STATES)
        opened.append(context)
        page = context.new_page()
        watched.append(watch_problems(page))
        return page

    yield make
    for context in opened:
        context.close()
    for problems in watched:
        problems.check()


def fill_live_form(page: Page, *, mode: str, transcript: bool, name: str = "") -> None:
    page.get_by_role("radio", name=re.compile("^한국수어")).check()
    how = re.compile("^영상 상담" if mode == "video" else "^문자 상담만")
    page.get_by_role("radio", name=how).check()
    if name:
        page.get_by_label("이름 또는 별명 (선택)").fill(name)
    page.get_by_label(re.compile("개인정보 수집·이용에 동의합니다")).check()
    if transcript:
        page.get_by_label(re.compile("문자 대화 내용을 상담 기록과 함께 보관")).check()


# --- the page against a scripted server -------------------------------------------------------


def test_closed_says_when_it_opens_and_offers_a_booking(
    contexts: Callable[..., Page], axe_source: str
) -> None:
    page = contexts()
    closed = {**STATUS_OPEN, "open": False, "closes_at": None}
    closed["opens_at"] = "2026-12-02T09:00:00+09:00"
    FakeServer(page, closed)
    page.goto("/live")
    expect(page.locator("#live-closed")).to_be_visible()
    expect(page.locator("#closed-heading")).to_have_text("지금은 실시간 상담 시간이 아닙니다")
    # The next opening in words, in Seoul time (the device is in Berlin).
    expect(page.locator("#closed-text")).to_contain_text("2026년 12월 2일")
    expect(page.locator("#closed-text")).to_contain_text("09:00")
    expect(page.get_by_role("link", name="상담 시간 예약하기").first).to_have_attribute("href", "/")
    expect(page.locator("#live-start")).to_be_hidden()
    assert_accessible(page, axe_source, "/live closed")

    page.goto("/live?lang=en")
    expect(page.locator("#closed-heading")).to_have_text("Live counseling is closed now")
    expect(page.locator("#closed-text")).to_contain_text("opens again on")
    assert_accessible(page, axe_source, "/live closed (en)")


def test_status_failure_offers_a_retry(contexts: Callable[..., Page], axe_source: str) -> None:
    page = contexts()
    server = FakeServer(page, {"fail": True})
    page.goto("/live")
    expect(page.locator("#live-unavailable")).to_be_visible()
    assert_accessible(page, axe_source, "/live status failed")
    server.status = STATUS_OPEN
    page.get_by_role("button", name="다시 시도").click()
    expect(page.locator("#live-start")).to_be_visible()
    expect(page.locator("#start-heading")).to_be_focused()


def test_form_says_what_is_missing_and_sends_what_was_chosen(
    contexts: Callable[..., Page], axe_source: str
) -> None:
    page = contexts()
    server = FakeServer(page)
    page.goto("/live")
    expect(page.locator("#live-start")).to_be_visible()
    expect(page.locator("#live-open-text")).to_have_text(re.compile("22:00까지"))
    # The interpreters online per language, in words.
    expect(page.locator("#lv-languages")).to_contain_text("지금 접속한 통역사 2명")
    expect(page.locator("#lv-languages")).to_contain_text("지금 접속한 통역사 없음")
    expect(page.get_by_role("radio", name=re.compile("^영상 상담"))).to_be_checked()
    expect(page.get_by_label(re.compile("문자 대화 내용을"))).not_to_be_checked()
    assert_accessible(page, axe_source, "/live form")

    page.get_by_role("button", name="상담 신청하기").click()
    summary = page.locator("#lv-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("수어 종류를 고르세요.")
    expect(summary).to_contain_text(
        "개인정보 수집·이용에 동의해야 실시간 상담을 신청할 수 있습니다."
    )
    expect(page.locator("#lv-consent-error")).to_be_visible()
    assert not [r for r in server.requests if r[0] == "POST"], "sent despite the errors"
    assert_accessible(page, axe_source, "/live form with errors")

    fill_live_form(page, mode="chat", transcript=True, name="새벽")
    page.get_by_label("전문 분야 (선택)").select_option("medical")
    page.get_by_role("button", name="상담 신청하기").click()
    expect(page.locator("#queue-view")).to_be_visible()
    (post,) = [r for r in server.requests if r[0] == "POST" and r[1] == "/api/queue"]
    assert post[2] == {
        "language": "KSL",
        "specialty": "medical",
        "mode": "chat",
        "display_name": "새벽",
        "consent": True,
        "consent_version": "2026-11-v1",
    }
    # The contact token buys the ticket as a Bearer header; it is never in a URL.
    ticket = next(r for r in server.requests if r[1] == "/api/queue/ticket")
    assert ticket[3] == f"Bearer {CONTACT_TOKEN}"
    assert CONTACT_TOKEN not in page.url
    hello = server.next("hello")
    assert "resume_token" not in hello
    server.welcome()
    join = server.next("join")
    assert join["transcript_consent"] is True


def test_chat_only_walk_in_from_queue_to_survey(
    contexts: Callable[..., Page], axe_source: str
) -> None:
    page = contexts()
    server = FakeServer(page)
    page.goto("/live")
    fill_live_form(page, mode="chat", transcript=False)
    page.get_by_role("button", name="상담 신청하기").click()
    server.next("hello")
    server.welcome()
    assert server.next("join")["transcript_consent"] is False
    expect(page.locator("#link-state")).to_have_attribute("data-state", "connected")
    expect(page.locator("#link-state")).to_contain_text("연결됨")

    # The queue: a place and a range, live.
    server.queue(3, 120, 360)
    text = page.locator("#queue-text")
    expect(text).to_have_text("한국수어 대기 3번째입니다. 예상 대기 시간: 2~6분")
    expect(page.locator("#queue-detail")).to_have_text("지금 접속한 한국수어 통역사: 2명")
    assert page.title().startswith("⏳")
    assert_accessible(page, axe_source, "/live queue")
    server.queue(2, None, None)
    expect(text).to_have_text("한국수어 대기 2번째입니다.")
    expect(page.locator("#queue-detail")).to_contain_text("지금 접속한 한국수어 통역사가 없습니다")
    expect(page.locator("#queue-book")).to_be_visible()
    server.queue(1, 0, 30, status="ringing")
    expect(text).to_have_text(re.compile("통역사에게 내 상담을 연결하고 있습니다"))
    expect(page.locator("#queue-card")).to_have_attribute("data-state", "arrived")
    assert_accessible(page, axe_source, "/live queue ringing")

    # Answered: the chat alone, no camera asked for at all.
    server.matched(mode="chat", kept=False)
    expect(page.locator("#chat-only")).to_be_visible()
    expect(page.locator("#chat-only-heading")).to_have_text("김수어 님과 문자 상담")
    expect(page.locator("#call-view")).to_be_hidden()
    expect(page.locator("#chat-state")).to_have_attribute("data-state", "connected")
    expect(page.locator(".chat-note")).to_have_text(re.compile("보관하지 않습니다"))
    assert page.evaluate("() => window.__gum") == 0
    assert page.evaluate("() => window.__pcs.length") == 0

    # Markup and links arrive as plain text; lines are in seq order and never twice.
    server.chat(2, "두 번째 줄")
    server.chat(1, "<b>굵게</b> https://example.org/a?b=1")
    server.chat(2, "두 번째 줄")
    lines = page.locator("#chat .chat-line")
    expect(lines).to_have_count(2)
    expect(lines.nth(0).locator(".chat-text")).to_have_text("<b>굵게</b> https://example.org/a?b=1")
    expect(lines.nth(1).locator(".chat-text")).to_have_text("두 번째 줄")
    expect(page.locator("#chat b")).to_have_count(0)
    expect(page.locator("#chat a")).to_have_count(0)
    expect(lines.nth(0).locator(".chat-who")).to_have_text("통역사")

    # The interpreter's typing, in words; it clears when they stop.
    server.send(
        {"type": "typing", "session_id": "s_live1", "sender": "interpreter", "active": True}
    )
    typing = page.locator("#chat .chat-typing")
    expect(typing).to_have_text("통역사가 입력하고 있습니다…")
    server.send(
        {"type": "typing", "session_id": "s_live1", "sender": "interpreter", "active": False}
    )
    expect(typing).to_be_hidden()

    # Our typing goes out (at most every 2 s), then the line with Enter; Shift+Enter is a newline.
    box = page.get_by_label("메시지", exact=True)
    box.click()
    box.press_sequentially("안녕하세요")
    assert server.next("typing")["active"] is True
    box.press("Shift+Enter")
    box.press_sequentially("주소는 http://x.test 입니다")
    written = "안녕하세요\n주소는 http://x.test 입니다"
    expect(page.locator("#chat-count")).to_have_text(f"{len(written)} / 1000자")
    box.press("Enter")
    sent = server.next("chat")
    assert sent == {
        "v": 1,
        "type": "chat",
        "session_id": "s_live1",
        "text": "안녕하세요\n주소는 http://x.test 입니다",
    }
    assert server.next("typing")["active"] is False
    expect(box).to_have_value("")
    expect(page.locator("#chat .chat-status")).to_have_text("보내는 중…")
    server.chat(3, sent["text"], sender="caller")
    expect(lines).to_have_count(3)
    expect(lines.nth(2).locator(".chat-who")).to_have_text("나")
    expect(page.locator("#chat .chat-status")).to_have_text("")

    # Too fast: the server refuses, the text comes back and the page says why.
    box.fill("하나 더")
    box.press("Enter")
    server.next("chat")
    server.send({"type": "error", "code": "rate_limited", "message": "slow", "about": "chat"})
    expect(page.locator("#chat .chat-status")).to_contain_text("너무 빨리 보냈습니다")
    expect(box).to_have_value("하나 더")
    assert_accessible(page, axe_source, "/live chat")

    # A reload: the tokens are in sessionStorage (not the URL); the page resumes the session
    # and the server's replay of recent lines does not duplicate anything.
    assert "token" not in page.url
    page.reload()
    hello = server.next("hello")
    assert hello["resume_token"] == "resume-1"
    expect(page.locator("#queue-text")).to_have_text(re.compile("다시 연결하는 중"))
    server.welcome(resumed=True, resume="resume-2")
    server.matched(mode="chat", kept=False)
    for seq, text_, sender in (
        (1, "<b>굵게</b> https://example.org/a?b=1", "interpreter"),
        (2, "두 번째 줄", "interpreter"),
        (3, sent["text"], "caller"),
    ):
        server.chat(seq, text_, sender=sender)
    server.chat(2, "두 번째 줄")
    expect(page.locator("#chat-only")).to_be_visible()
    expect(lines).to_have_count(3)
    assert not server.sent("join")[1:], "a resumed page must not join again"
    assert page.evaluate("() => window.__gum") == 0
    assert page.evaluate("() => sessionStorage.getItem('signdesk.resume.live')") == "resume-2"

    # The interpreter ends it: the survey (the chat stays readable, closed).
    server.send(
        {"type": "ended", "session_id": "s_live1", "reason": "hangup", "ended_by": "interpreter"}
    )
    expect(page.locator("#call-ended")).to_be_visible()
    expect(page.locator("#ended-text")).to_have_text("상대방이 통화를 끝냈습니다.")
    expect(page.locator("#survey")).to_be_visible()
    expect(page.locator("#chat")).to_be_visible()
    expect(box).to_be_disabled()
    assert page.title().startswith("■")
    assert_accessible(page, axe_source, "/live survey")

    page.get_by_role("button", name="설문 보내기").click()
    expect(page.locator("#sv-summary")).to_contain_text("1부터 5까지 중 하나를 고르세요")
    assert_accessible(page, axe_source, "/live survey with an error")
    page.get_by_label("4 (만족)").check()
    page.get_by_label("예, 해결되었습니다").check()
    page.get_by_label("하고 싶은 말 (선택)").fill("고맙습니다")
    expect(page.locator("#sv-comment-count")).to_have_text("5 / 500자")
    page.get_by_role("button", name="설문 보내기").click()
    expect(page.locator("#sv-result")).to_have_text("고맙습니다. 설문 응답을 저장했습니다.")
    (survey,) = [r for r in server.requests if r[1].endswith("/survey")]
    assert survey[1] == "/api/sessions/s_live1/survey"
    assert survey[2] == {"stars": 4, "resolved": True, "comment": "고맙습니다"}
    assert survey[3] == f"Bearer {CONTACT_TOKEN}"
    # Done: nothing of the contact is kept in this tab.
    assert page.evaluate("() => sessionStorage.getItem('signdesk.live')") is None
    assert_accessible(page, axe_source, "/live after the survey")


def test_leaving_the_queue_asks_first_and_needs_no_survey(
    contexts: Callable[..., Page], axe_source: str
) -> None:
    page = contexts()
    server = FakeServer(page)
    page.goto("/live")
    fill_live_form(page, mode="chat", transcript=False)
    page.get_by_role("button", name="상담 신청하기").click()
    server.next("hello")
    server.welcome()
    server.next("join")
    server.queue(1, 60, 240)
    expect(page.locator("#queue-text")).to_contain_text("1~4분")
    page.get_by_role("button", name="대기 그만두기").click()
    expect(page.locator(".inline-confirm")).to_contain_text("지금의 대기 순서는 없어집니다")
    assert_accessible(page, axe_source, "/live leave confirm")
    page.get_by_role("button", name="예, 그만둡니다").click()
    hangup = server.next("hangup")
    assert hangup["session_id"] == "s_live1"
    server.send(
        {"type": "ended", "session_id": "s_live1", "reason": "abandoned", "ended_by": "caller"}
    )
    expect(page.locator("#ended-heading")).to_have_text("대기를 그만두었습니다")
    expect(page.locator("#survey")).to_be_hidden()
    expect(page.locator("#chat")).to_be_hidden()
    assert page.evaluate("() => sessionStorage.getItem('signdesk.live')") is None
    page.get_by_role("button", name="다시 상담 신청하기").click()
    expect(page.locator("#live-start")).to_be_visible()


def test_survey_answered_twice_says_so(contexts: Callable[..., Page]) -> None:
    page = contexts()
    server = FakeServer(page)
    server.survey_status = 409
    page.goto("/live")
    fill_live_form(page, mode="chat", transcript=False)
    page.get_by_role("button", name="상담 신청하기").click()
    server.next("hello")
    server.welcome()
    server.next("join")
    server.matched(mode="chat")
    expect(page.locator(".chat-note")).to_have_text(
        "이 대화 내용은 동의하신 대로 상담 기록과 함께 보관됩니다."
    )
    server.send(
        {"type": "ended", "session_id": "s_live1", "reason": "dropped", "ended_by": "caller"}
    )
    expect(page.locator("#ended-text")).to_contain_text("제시간에 돌아오지 않아")
    page.get_by_label("5 (매우 만족)").check()
    page.get_by_role("button", name="설문 보내기").click()
    expect(page.locator("#sv-result")).to_have_text(
        "이 상담의 설문에는 이미 답하셨습니다. 고맙습니다."
    )


def test_video_walk_in_gets_a_new_peer_connection_after_a_dropped_socket(
    contexts: Callable[..., Page], axe_source: str
) -> None:
    page = contexts()
    server = FakeServer(page)
    page.goto("/live")
    fill_live_form(page, mode="video", transcript=True)
    page.get_by_role("button", name="상담 신청하기").click()
    expect(page.locator("#device-check")).to_be_visible()
    assert not server.sockets, "no socket before the camera check"
    page.get_by_role("button", name="카메라 켜기").click()
    expect(page.locator("#preview-frame")).to_be_visible()
    page.get_by_role("button", name="대기 순서 받기").click()
    server.next("hello")
    server.welcome()
    assert server.next("join")["transcript_consent"] is True
    server.queue(1, 0, 60)
    expect(page.locator("#queue-text")).to_contain_text("1분 이내")
    expect(page.locator("#wait-self")).to_be_visible()

    server.matched(mode="video", kept=True)
    expect(page.locator("#call-view")).to_be_visible()
    expect(page.locator("#chat")).to_be_visible()
    expect(page.locator("#call-view-heading")).to_have_text("김수어 님과 영상 상담")
    # The interpreter's page offers; ours answers on its first RTCPeerConnection.
    offer = OFFER_SDP.read_text(encoding="ascii")
    server.send({"type": "offer", "session_id": "s_live1", "sdp": offer})
    assert server.next("answer")["sdp"].startswith("v=0")
    assert page.evaluate("() => window.__pcs.length") == 1
    # The chat is beside the video on a wide screen, not over it.
    video = page.locator("#remote-video").bounding_box()
    chat = page.locator("#chat").bounding_box()
    assert video and chat and chat["x"] >= video["x"] + video["width"], (video, chat)
    assert_accessible(page, axe_source, "/live video call with chat")

    # The socket drops: "reconnecting" in words and colour; a fresh ticket and the resume token.
    server.sockets[-1].close(code=1011)
    expect(page.locator("#call-state")).to_have_attribute("data-state", "reconnecting")
    expect(page.locator("#call-detail")).to_contain_text("다시 연결하는 중")
    hello = server.next("hello")
    assert hello["resume_token"] == "resume-1"
    assert len(server.sockets) == 2
    server.welcome(resumed=True, resume="resume-2")
    server.matched(mode="video", kept=True)
    # The old connection is closed at once; the fresh offer is answered on a new one.
    page.wait_for_function("() => window.__pcs.length === 2")
    assert page.evaluate("() => window.__pcs[0].connectionState") == "closed"
    expect(page.locator("#call-state")).to_have_attribute("data-state", "reconnecting")
    server.send({"type": "offer", "session_id": "s_live1", "sdp": offer})
    assert server.next("answer")["sdp"].startswith("v=0")
    assert page.evaluate("() => window.__pcs.map((pc) => pc.connectionState)")[:2] == [
        "closed",
        "closed",
    ]
    assert page.evaluate("() => window.__pcs.length") == 3
    assert not server.sent("join")[1:]

    # After the window the server ends it as dropped: said in words.
    server.send(
        {"type": "ended", "session_id": "s_live1", "reason": "dropped", "ended_by": "interpreter"}
    )
    expect(page.locator("#ended-text")).to_have_text(
        "연결이 끊긴 뒤 제시간에 돌아오지 않아 통화가 끝났습니다."
    )
    assert page.evaluate("() => window.__pcs[2].connectionState") == "closed"
    assert page.evaluate("() => window.__gum") == 1  # the camera is off again


def test_live_page_fits_a_phone(contexts: Callable[..., Page]) -> None:
    """No sideways scrolling and 44 px targets, at normal and at 200% text, in every step."""
    page = contexts(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    server = FakeServer(page)
    page.goto("/live")
    expect(page.locator("#live-start")).to_be_visible()
    check_phone_layout(page, "/live form")
    page.get_by_role("button", name="상담 신청하기").click()
    expect(page.locator("#lv-summary")).to_be_visible()
    check_phone_layout(page, "/live form with errors")
    fill_live_form(page, mode="chat", transcript=False)
    page.get_by_role("button", name="상담 신청하기").click()
    server.next("hello")
    server.welcome()
    server.next("join")
    server.queue(4, 300, 900)
    expect(page.locator("#queue-text")).to_contain_text("5~15분")
    check_phone_layout(page, "/live queue")
    server.matched(mode="chat")
    server.chat(1, "https://example.org/" + "a" * 120)  # a long URL wraps, it does not widen
    expect(page.locator("#chat .chat-line")).to_have_count(1)
    check_phone_layout(page, "/live chat")
    server.send(
        {"type": "ended", "session_id": "s_live1", "reason": "hangup", "ended_by": "interpreter"}
    )
    expect(page.locator("#survey")).to_be_visible()
    check_phone_layout(page, "/live survey")


# --- end to end on the real server ------------------------------------------------------------


def _queue_open(server: LiveServer) -> None:
    status = server.get_json("/api/queue/status")
    assert status["open"], "the test server's queue is open all day but the last second"


def interpreter_ready(page: Page, who: SeedInterpreter) -> None:
    """Log in and go ready (a booked caller already waiting is matched at once)."""
    login(page, who.username)
    expect(page).to_have_url(re.compile(r"/interpreter$"))
    page.get_by_role("button", name="상담 가능으로 바꾸기").click()
    expect(page.locator("#presence")).to_have_text(
        re.compile("내 상태: (상담 가능|상담 중|연결 제안 중)"), timeout=15_000
    )


def answer_ring(page: Page) -> None:
    ring = page.locator("#ring")
    expect(ring).to_be_visible(timeout=15_000)
    ring.get_by_role("button", name="받기").click()


def test_chat_only_session_runs_from_queue_to_survey(
    contexts: Callable[..., Page], queue_server: LiveServer, axe_source: str
) -> None:
    _queue_open(queue_server)
    interp, caller = contexts(), contexts()
    caller.goto("/live")
    fill_live_form(caller, mode="chat", transcript=True, name="채팅 시민")
    caller.get_by_role("button", name="상담 신청하기").click()
    expect(caller.locator("#queue-view")).to_be_visible()
    expect(caller.locator("#queue-text")).to_have_text(re.compile("한국수어 대기 1번째"))

    # An interpreter of the language gets ready: the call rings there, and the caller sees it.
    interpreter_ready(interp, KSL_ONLY)
    expect(caller.locator("#queue-text")).to_have_text(re.compile("통역사에게 내 상담을 연결"))
    answer_ring(interp)
    expect(caller.locator("#chat-only")).to_be_visible(timeout=15_000)
    expect(caller.locator("#chat-state")).to_have_attribute("data-state", "connected")
    expect(caller.locator(".chat-note")).to_contain_text("상담 기록과 함께 보관됩니다")
    assert caller.evaluate("() => window.__gum") == 0
    assert caller.evaluate("() => window.__pcs.length") == 0

    # Both ways, as plain text, with the typing shown on the other side.
    caller_box = caller.get_by_label("메시지", exact=True)
    caller_box.click()
    caller_box.press_sequentially("<b>안녕</b> ")
    expect(interp.locator("#chat .chat-typing")).to_be_visible()
    caller_box.press_sequentially("https://example.org")
    caller_box.press("Enter")
    for page in (caller, interp):
        line = page.locator("#chat .chat-line").last
        expect(line.locator(".chat-text")).to_have_text("<b>안녕</b> https://example.org")
        expect(page.locator("#chat .chat-line b, #chat .chat-line a")).to_have_count(0)
    expect(interp.locator("#chat .chat-typing")).to_be_hidden()
    interp_box = interp.get_by_label("메시지", exact=True)
    interp_box.fill("무엇을 도와드릴까요?")
    interp_box.press("Enter")
    expect(caller.locator("#chat .chat-line").last.locator(".chat-text")).to_have_text(
        "무엇을 도와드릴까요?"
    )
    expect(caller.locator("#chat .chat-line").last.locator(".chat-who")).to_have_text(
        re.compile("김수어|통역사")
    )
    assert_accessible(caller, axe_source, "/live chat (real)")

    caller.get_by_role("button", name="상담 끝내기").click()
    caller.get_by_role("button", name="예, 끝냅니다").click()
    expect(caller.locator("#survey")).to_be_visible()
    expect(caller.locator("#ended-text")).to_have_text("통화를 끝냈습니다.")
    caller.get_by_label("5 (매우 만족)").check()
    caller.get_by_label("예, 해결되었습니다").check()
    caller.get_by_role("button", name="설문 보내기").click()
    expect(caller.locator("#sv-result")).to_have_text("고맙습니다. 설문 응답을 저장했습니다.")


def test_video_walk_in_reloads_mid_call_and_both_pages_reconnect(
    contexts: Callable[..., Page], queue_server: LiveServer
) -> None:
    _queue_open(queue_server)
    interp, caller = contexts(), contexts()
    caller.goto("/live")
    fill_live_form(caller, mode="video", transcript=False)
    caller.get_by_role("button", name="상담 신청하기").click()
    caller.get_by_role("button", name="카메라 켜기").click()
    caller.get_by_role("button", name="대기 순서 받기").click()
    expect(caller.locator("#queue-text")).to_have_text(re.compile("한국수어 대기 1번째"))
    interpreter_ready(interp, KSL_ASL)
    answer_ring(interp)
    for page in (caller, interp):
        expect(page.locator("#call-state")).to_have_attribute(
            "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
        )

    interp.evaluate("() => { window.__states = []; }")
    caller.reload()
    for page in (caller, interp):
        expect(page.locator("#call-state")).to_have_attribute(
            "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
        )
        expect(page.locator("#call-state-text")).to_have_text("연결됨")
        # Each page said "reconnecting" (in words and colour) before "connected" again.
        states = page.evaluate("() => window.__states")
        assert "call-state:reconnecting" in states, states
        last = len(states) - 1 - states[::-1].index("call-state:reconnecting")
        assert "call-state:connected" in states[last:], states
    expect(caller.locator("#queue-text")).to_have_text(re.compile("다시 연결하는 중"))
    # Video flows both ways on the new connections.
    for name, page in (("interpreter", interp), ("caller", caller)):
        stats = received_fps(page, 3000)
        assert stats["fps"] >= MIN_FPS, f"{name} receives {stats}"
    assert caller.evaluate("() => sessionStorage.getItem('signdesk.live')") is not None
    caller.get_by_role("button", name="통화 끝내기").click()
    caller.get_by_role("button", name="예, 끝냅니다").click()
    expect(caller.locator("#survey")).to_be_visible()
    caller.get_by_role("button", name="건너뛰기").click()
    expect(caller.locator("#sv-result")).to_have_text("설문을 건너뛰었습니다.")


def test_booked_call_chats_both_ways_beside_the_video(
    contexts: Callable[..., Page], queue_server: LiveServer, axe_source: str
) -> None:
    staff, interp, caller = contexts(), contexts(), contexts()
    login(staff, STAFF_USERNAME)
    today = datetime.now(SEOUL).date()
    slots = csrf_fetch(
        staff, "GET", f"/api/availability?language=ASL&from={today}&to={today + timedelta(days=1)}"
    )
    free = [s for s in slots["slots"] if s["free"] > 0]
    assert free, slots
    catalog = csrf_fetch(staff, "GET", "/api/catalog")
    booked = csrf_fetch(
        staff,
        "POST",
        "/api/staff/reservations",
        {
            "name": "예약 시민",
            "language": "ASL",
            "topic": "welfare",
            "start": free[0]["start"],
            "channel": "phone",
            "consent": True,
            "consent_version": catalog["consent_version"],
        },
    )
    caller.goto(f"/call/{booked['code']}#t={booked['token']}")
    caller.get_by_role("button", name="카메라 켜기").click()
    caller.get_by_label(re.compile("문자 대화 내용을 상담 기록과 함께 보관")).check()
    caller.get_by_role("button", name="대기실로 들어가기").click()
    expect(caller.locator("#link-state")).to_have_attribute("data-state", "connected")
    interpreter_ready(interp, KSL_ASL)
    for page in (caller, interp):
        expect(page.locator("#call-state")).to_have_attribute(
            "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
        )
    expect(caller.locator(".chat-note")).to_have_text(
        "이 대화 내용은 동의하신 대로 상담 기록과 함께 보관됩니다."
    )
    interp_box = interp.get_by_label("메시지", exact=True)
    interp_box.press_sequentially("주소: <i>서울</i> www.seoul.go.kr")
    expect(caller.locator("#chat .chat-typing")).to_have_text(re.compile("입력하고 있습니다"))
    interp_box.press("Enter")
    line = caller.locator("#chat .chat-line").last
    expect(line.locator(".chat-text")).to_have_text("주소: <i>서울</i> www.seoul.go.kr")
    expect(caller.locator("#chat i, #chat a")).to_have_count(0)
    caller_box = caller.get_by_label("메시지", exact=True)
    caller_box.fill("알겠습니다")
    caller_box.press("Enter")
    expect(interp.locator("#chat .chat-line").last.locator(".chat-text")).to_have_text("알겠습니다")
    video = caller.locator("#remote-video").bounding_box()
    chat = caller.locator("#chat").bounding_box()
    assert video and chat and chat["x"] >= video["x"] + video["width"], (video, chat)
    assert_accessible(caller, axe_source, "booked call with chat")

    # The caller reloads: straight back into the call (no camera check, no new join), the chat
    # lines are sent again without duplicates, and both pages are connected again.
    interp.evaluate("() => { window.__states = []; }")
    caller.reload()
    expect(caller.locator("#wait-text")).to_have_text("상담에 다시 연결하는 중입니다…")
    for page in (caller, interp):
        expect(page.locator("#call-state")).to_have_attribute(
            "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
        )
        assert "call-state:reconnecting" in page.evaluate("() => window.__states")
    expect(caller.locator("#chat .chat-line")).to_have_count(2)
    expect(caller.locator(".chat-note")).to_contain_text("상담 기록과 함께 보관됩니다")
    stats = received_fps(caller, 3000)
    assert stats["fps"] >= MIN_FPS, stats

    caller.get_by_role("button", name="통화 끝내기").click()
    caller.get_by_role("button", name="예, 끝냅니다").click()
    expect(caller.locator("#survey")).to_be_visible()
    expect(caller.locator("#chat .chat-line")).to_have_count(2)  # still readable after the call
    assert_accessible(caller, axe_source, "booked call: survey")
    caller.get_by_label("3 (보통)").check()
    caller.get_by_role("button", name="설문 보내기").click()
    expect(caller.locator("#sv-result")).to_have_text("고맙습니다. 설문 응답을 저장했습니다.")


def _join_queue(page: Page, *, language: str, name: str) -> None:
    """A video walk-in through the real form and camera check, into the queue."""
    page.goto("/live")
    fill_live_form(page, mode="video", transcript=False, name=name)
    page.get_by_role("radio", name=re.compile(f"^{language}")).check()
    page.get_by_role("button", name="상담 신청하기").click()
    page.get_by_role("button", name="카메라 켜기").click()
    page.get_by_role("button", name="대기 순서 받기").click()
    expect(page.locator("#queue-view")).to_be_visible()


def _ringing(page: Page, *, caller: str, language: str) -> None:
    ring = page.locator("#ring")
    expect(ring).to_be_visible(timeout=15_000)
    expect(page.locator("#ring-name")).to_have_text(caller)
    expect(page.locator("#ring-language")).to_contain_text(language)


def test_two_interpreters_and_three_callers_are_routed_by_language_and_wait(
    contexts: Callable[..., Page], queue_server: LiveServer
) -> None:
    """KSL-only and KSL+ASL interpreters; callers KSL (first), ASL, KSL (last). The KSL-only
    interpreter gets the first KSL caller; the bilingual one the ASL caller, who waited longer
    than the second KSL caller; that caller waits at the head of the KSL queue until the
    KSL-only interpreter's call ends, then is rung there. Every call carries real video."""
    _queue_open(queue_server)
    first, asl, last = contexts(), contexts(), contexts()
    _join_queue(first, language="한국수어", name="가 시민")
    expect(first.locator("#queue-text")).to_have_text(re.compile("한국수어 대기 1번째"))
    _join_queue(asl, language="미국수어", name="나 시민")
    expect(asl.locator("#queue-text")).to_have_text(re.compile("미국수어 대기 1번째"))
    _join_queue(last, language="한국수어", name="다 시민")
    expect(last.locator("#queue-text")).to_have_text(re.compile("한국수어 대기 2번째"))

    ksl, both = contexts(), contexts()
    interpreter_ready(ksl, KSL_ONLY)
    _ringing(ksl, caller="가 시민", language="한국수어")
    answer_ring(ksl)
    interpreter_ready(both, KSL_ASL)
    _ringing(both, caller="나 시민", language="미국수어")
    answer_ring(both)
    # The second KSL caller moves up to first in line and is not rung (nobody is free).
    expect(last.locator("#queue-text")).to_have_text(re.compile("한국수어 대기 1번째"))

    for page in (first, ksl, asl, both):
        expect(page.locator("#call-state")).to_have_attribute(
            "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
        )
    for name, page in (("first caller", first), ("KSL interpreter", ksl)):
        stats = received_fps(page, 3000)
        assert stats["fps"] >= MIN_FPS, f"{name} receives {stats}"
    assert received_fps(asl, 2000)["fps"] > 0 and received_fps(both, 2000)["fps"] > 0

    # The first KSL call ends: the KSL-only interpreter (no wrap-up here) is rung for the last.
    first.get_by_role("button", name="통화 끝내기").click()
    first.get_by_role("button", name="예, 끝냅니다").click()
    expect(first.locator("#survey")).to_be_visible()
    _ringing(ksl, caller="다 시민", language="한국수어")
    answer_ring(ksl)
    for page in (last, ksl):
        expect(page.locator("#call-state")).to_have_attribute(
            "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
        )
    expect(both.locator("#ring")).to_be_hidden()  # busy with the ASL caller throughout


def test_the_caller_withdraws_the_transcript_consent_during_the_chat(
    contexts: Callable[..., Page], axe_source: str
) -> None:
    page = contexts()
    server = FakeServer(page)
    page.goto("/live")
    fill_live_form(page, mode="chat", transcript=True)
    page.get_by_role("button", name="상담 신청하기").click()
    server.next("hello")
    server.welcome()
    assert server.next("join")["transcript_consent"] is True
    server.matched(mode="chat", kept=True)
    expect(page.locator("#chat-only")).to_be_visible()
    expect(page.locator(".chat-note")).to_have_attribute("data-kept", "true")
    withdraw = page.get_by_role("button", name="대화 보관 중지 (동의 철회)")
    expect(withdraw).to_be_visible()
    assert_accessible(page, axe_source, "chat with the withdraw button")
    withdraw.click()
    sent = server.next("withdraw_consent")
    assert (sent["session_id"], sent["consent"]) == ("s_live1", "transcript")
    server.send(
        {"type": "consents", "session_id": "s_live1", "transcript_kept": False, "recording": False}
    )
    expect(page.locator(".chat-note")).to_have_attribute("data-kept", "false")
    expect(page.locator(".chat-note")).to_have_text(re.compile("보관하지 않습니다"))
    expect(withdraw).to_be_hidden()
