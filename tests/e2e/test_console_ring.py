"""The interpreter console rings for a caller from the live queue, in real Chromium over the real
`/ws`: a banner (flashing at a safe rate, still under reduced motion) and the window title, never
a sound; accept and decline from the keyboard; an unanswered ring moves on to the next
interpreter; two missed offers in a row set the interpreter away, and the console says why; after
a (chat-only) session the wrap-up counts down. axe-core checks the ringing console and the wrap-up.

The walk-in callers are plain Python WebSocket clients that join through the public HTTP API
(`POST /api/queue`, then `POST /api/queue/ticket`), as a caller's page does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time as clock
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import LiveServer, SeedInterpreter, login, running_server, watch_problems
from tests.e2e.test_call import (
    assert_accessible,
    call_browser,  # noqa: F401 - a fixture used by the tests below
    hand_clip,  # noqa: F401 - a fixture `call_browser` needs
    new_context,
)

pytestmark = pytest.mark.browser

PARK = SeedInterpreter("interp.ring1", "박벨", ("KSL",), ("welfare",))
LEE = SeedInterpreter("interp.ring2", "이벨", ("KSL",), ("welfare",))
RING_TIMEOUT_S = 4
GO_READY = "상담 가능으로 바꾸기"


def all_day(_weekday: int) -> tuple[time, time]:
    return time(0, 0), time(23, 45)


QUEUE_HOURS: dict[str, Any] = {
    "weekday_open": time(0, 0),
    "weekday_close": time(23, 59, 59),
    "weekend_open": time(0, 0),
    "weekend_close": time(23, 59, 59),
}


# --- a walk-in caller without a browser ---------------------------------------------------------


class WalkIn:
    """A caller from the live queue: contact and ticket over HTTP, then `/ws` (hello, join).

    The socket lives on the server's event loop (`LiveServer.run`), so the sync test can drive it.
    Every message received is kept in `seen`."""

    def __init__(self, server: LiveServer, name: str, *, mode: str = "chat") -> None:
        self.server = server
        self.name = name
        self.mode = mode
        self.seen: list[dict[str, Any]] = []
        self.session_id: str | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    def _post(self, path: str, body: dict[str, Any] | None, token: str = "") -> Any:
        request = urllib.request.Request(  # noqa: S310 - our own http:// server
            self.server.url + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = json.loads(error.read() or b"{}")
            code = detail.get("error", {}).get("code")
            if code == "queue_closed":  # open all day but the last second: not a skip
                raise AssertionError("the test server's queue is open all day") from error
            raise AssertionError(f"{path}: {error.code} {detail}") from error

    def join(self, *, language: str = "KSL") -> WalkIn:
        catalog = self.server.get_json("/api/catalog")
        contact = self._post(
            "/api/queue",
            {
                "language": language,
                "mode": self.mode,
                "display_name": self.name,
                "consent": True,
                "consent_version": catalog["consent_version"],
            },
        )
        ticket = self._post("/api/queue/ticket", None, token=contact["contact_token"])
        self.server.run(self._connect(ticket["ticket"]))
        self.send({"type": "hello"})
        self.wait_for("welcome")
        self.send({"type": "join", "transcript_consent": False})
        return self

    async def _connect(self, ticket: str) -> None:
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(
            f"{self.server.url}/ws?ticket={ticket}", autoping=True
        )

    def send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None
        self.server.run(self._ws.send_json({"v": 1, **message}))

    def wait_for(
        self,
        kind: str,
        timeout: float = 15,
        where: Callable[[dict[str, Any]], bool] = lambda _m: True,
    ) -> dict[str, Any]:
        """The first message of `kind` (seen before, or arriving within `timeout`)."""
        for message in self.seen:
            if message["type"] == kind and where(message):
                return message
        deadline = clock.monotonic() + timeout
        while (left := deadline - clock.monotonic()) > 0:
            got = self.server.run(self._receive(left), timeout=left + 5)
            if got is None:
                break
            self.seen.append(got)
            if got["type"] == "matched":
                self.session_id = got["session_id"]
            if got["type"] == kind and where(got):
                return got
        raise AssertionError(
            f"no {kind!r} within {timeout} s; saw {[m['type'] for m in self.seen]}"
        )

    async def _receive(self, wait: float) -> dict[str, Any] | None:
        assert self._ws is not None
        try:
            frame = await self._ws.receive(timeout=wait)
        except TimeoutError:
            return None
        if frame.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"socket ended: {frame.type} {frame.data!r}")
        data = json.loads(frame.data)
        assert isinstance(data, dict)
        return data

    def hang_up(self) -> None:
        session = self.session_id or self.wait_for("queue")["session_id"]
        self.send({"type": "hangup", "session_id": session, "reason": "normal"})

    def close(self) -> None:
        async def close() -> None:
            if self._ws is not None:
                await self._ws.close()
            if self._http is not None:
                await self._http.close()

        with contextlib.suppress(RuntimeError, asyncio.CancelledError, TimeoutError):
            self.server.run(close())


@pytest.fixture
def walk_ins() -> Iterator[list[WalkIn]]:
    """Walk-ins a test makes; each is closed afterwards (the queue forgets them)."""
    made: list[WalkIn] = []
    yield made
    for walk_in in made:
        walk_in.close()


# --- interpreters in the browser ------------------------------------------------------------------


def ready_interpreter(context: BrowserContext, seed: SeedInterpreter) -> Page:
    page = context.new_page()
    login(page, seed.username)
    expect(page.locator("#presence")).to_have_text("내 상태: 자리 비움")
    page.get_by_role("button", name=GO_READY).click()
    expect(page.locator("#presence")).to_have_text("내 상태: 상담 가능")
    return page


def ringing(pages: list[Page], timeout: float = 15) -> Page:
    """The one page of `pages` whose ring banner is up."""
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        for page in pages:
            if page.locator("#ring").is_visible():
                return page
        clock.sleep(0.1)
    raise AssertionError("no interpreter is being rung")


def server_for(
    sqlite_template: Path, directory: Path, interpreters: tuple[SeedInterpreter, ...], **more: Any
) -> Any:
    return running_server(
        sqlite_template,
        directory,
        interpreters=interpreters,
        hours=all_day,
        min_notice_minutes=0,
        **QUEUE_HOURS,
        **more,
    )


@pytest.fixture
def ring_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Two KSL interpreters; the default ring timeout (20 s), so nothing times out by itself."""
    with server_for(sqlite_template, tmp_path_factory.mktemp("e2e-ring"), (PARK, LEE)) as server:
        yield server


@pytest.fixture
def quick_ring_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Two KSL interpreters; rings time out after a few seconds; two misses set one away."""
    with server_for(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-ring-quick"),
        (PARK, LEE),
        queue_ring_timeout_seconds=RING_TIMEOUT_S,
        queue_missed_offers_to_away=2,
        queue_wrap_up_seconds=120,
    ) as server:
        yield server


# --- the tests ------------------------------------------------------------------------------------


def test_a_ring_is_seen_and_declined_from_the_keyboard(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    ring_server: LiveServer,
    walk_ins: list[WalkIn],
    axe_source: str,
) -> None:
    server = ring_server
    contexts = [new_context(call_browser, server) for _ in range(2)]
    try:
        pages = [ready_interpreter(contexts[0], PARK), ready_interpreter(contexts[1], LEE)]
        problems = [watch_problems(p) for p in pages]
        base_title = pages[0].title()

        walk_ins.append(WalkIn(server, "큐 시민").join())
        interp = ringing(pages)
        other = pages[1 - pages.index(interp)]

        # The banner: what, who, how long they waited, and how long is left, in words.
        ring = interp.get_by_role("alertdialog", name="상담 요청이 왔습니다")
        expect(ring).to_be_visible()
        expect(interp.locator("#ring-what")).to_have_text("한국수어 · 채팅 상담 (영상 없음)")
        expect(interp.locator("#ring-name")).to_have_text("큐 시민")
        expect(interp.locator("#ring-language")).to_have_text("한국수어")
        expect(interp.locator("#ring-mode")).to_have_text("채팅 상담 (영상 없음)")
        expect(interp.locator("#ring-kind")).to_have_text("바로 상담 (예약 없음)")
        expect(interp.locator("#ring-waited")).to_have_text(re.compile(r"^\d+초$"))
        countdown = interp.locator("#ring-countdown")
        expect(countdown).to_have_text(re.compile(r"^\d+초 안에 받아 주세요$"))
        first = int(countdown.inner_text().split("초")[0])
        assert 15 <= first <= 20, first
        expect(countdown).not_to_have_text(f"{first}초 안에 받아 주세요", timeout=3000)  # it ticks
        # The title says it too (for the tab strip and the task bar); the presence says "offered".
        expect(interp).to_have_title(re.compile(r"^🔔 한국수어 상담 요청"))
        expect(interp.locator("#presence")).to_have_text("내 상태: 연결 제안 중")
        # Focus is on "Accept"; nothing plays a sound.
        expect(interp.get_by_role("button", name="받기")).to_be_focused()
        assert interp.evaluate("() => document.querySelectorAll('audio').length") == 0

        # Flashing: still under reduced motion (this context), once a second otherwise.
        still = "() => getComputedStyle(document.getElementById('ring')).animationName"
        assert interp.evaluate(still) == "none"
        interp.emulate_media(reduced_motion="no-preference")
        flash = interp.evaluate(
            """() => { const s = getComputedStyle(document.getElementById('ring'));
                       return [s.animationName, s.animationDuration]; }"""
        )
        assert flash == ["ring-flash", "1s"], flash  # one flash a second: under WCAG's three
        interp.emulate_media(reduced_motion="reduce")
        assert_accessible(interp, axe_source, "interpreter console, ringing")

        # Decline from the keyboard: the banner goes, the title comes back, a word says why,
        # and the offer moves on to the other interpreter.
        interp.keyboard.press("Tab")
        expect(interp.get_by_role("button", name="거절하기")).to_be_focused()
        interp.keyboard.press("Enter")
        expect(ring).to_be_hidden()
        expect(interp.locator("#status")).to_have_text(
            "상담 요청을 거절했습니다. 다음 통역사에게 넘어갑니다."
        )
        expect(interp).to_have_title(base_title)
        expect(interp.locator("#presence")).to_have_text("내 상태: 상담 가능")
        expect(other.locator("#ring")).to_be_visible()
        expect(other.locator("#ring-name")).to_have_text("큐 시민")
        for seen in problems:
            seen.check()
    finally:
        for context in contexts:
            context.close()


def test_an_unanswered_ring_moves_on_then_a_chat_session_and_its_wrap_up(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    quick_ring_server: LiveServer,
    walk_ins: list[WalkIn],
    axe_source: str,
) -> None:
    server = quick_ring_server
    contexts = [new_context(call_browser, server) for _ in range(2)]
    try:
        pages = [ready_interpreter(contexts[0], PARK), ready_interpreter(contexts[1], LEE)]
        problems = [watch_problems(p) for p in pages]
        caller = WalkIn(server, "채팅 시민").join()
        walk_ins.append(caller)

        # The first interpreter rung lets it ring out: the offer moves to the other one.
        missed = ringing(pages)
        other = pages[1 - pages.index(missed)]
        expect(other.locator("#ring")).to_be_visible(timeout=(RING_TIMEOUT_S + 6) * 1000)
        expect(missed.locator("#ring")).to_be_hidden()
        expect(missed.locator("#status")).to_have_text(
            "응답 시간이 지나 상담 요청이 다음 통역사에게 넘어갔습니다."
        )
        expect(missed).not_to_have_title(re.compile("^🔔"))

        # The other accepts with the Enter key (focus is already on "Accept"): a chat-only
        # session, no video at all.
        expect(other.get_by_role("button", name="받기")).to_be_focused()
        other.keyboard.press("Enter")
        matched = caller.wait_for("matched")
        assert matched["mode"] == "chat"
        expect(other.locator("#ring")).to_be_hidden()
        expect(other.locator("#call-view")).to_be_visible()
        expect(other.locator("#call-view")).to_have_class(re.compile(r"\bchat-only\b"))
        expect(other.locator("#remote-video")).to_be_hidden()
        expect(other.locator("#call-view-heading")).to_have_text("채팅 시민 님과 채팅 상담")
        expect(other.locator("#presence")).to_have_text("내 상태: 상담 중")
        assert other.evaluate("() => (window.__pcs || []).length") == 0  # no WebRTC

        # The chat works both ways.
        chat = other.locator("#chat")
        expect(chat).to_be_visible()
        caller.send({"type": "chat", "session_id": matched["session_id"], "text": "안녕하세요"})
        expect(chat.locator(".chat-line")).to_contain_text(["안녕하세요"])
        other.locator("#chat-input").fill("네, 말씀하세요")
        other.locator("#chat-input").press("Enter")
        caller.wait_for("chat", where=lambda m: m["sender"] == "interpreter")

        # The caller leaves: the console explains the wrap-up and counts it down.
        caller.hang_up()
        expect(other.locator("#ended-text")).to_have_text("상대방이 통화를 끝냈습니다.")
        wrap = other.locator("#wrapup")
        expect(wrap).to_be_visible()
        expect(wrap).to_contain_text("방금 끝난 상담의 기록을 마무리하는 시간입니다.")
        expect(other.locator("#wrapup-countdown")).to_have_text(
            re.compile(r"^\d+초 뒤 자동으로 상담 가능 상태가 됩니다\.$")
        )
        expect(other.locator("#presence")).to_have_text("내 상태: 상담 정리 중")
        expect(other).to_have_title(re.compile("^✎ 상담 정리 중"))
        expect(other.locator("#chat .chat-line")).to_have_count(2)  # still readable for the record
        assert_accessible(other, axe_source, "interpreter console, wrap-up")
        other.get_by_role("button", name="다음 상담 받기").click()
        expect(other.locator("#presence")).to_have_text("내 상태: 상담 가능")
        expect(wrap).to_be_hidden()
        expect(other.locator("#chat")).to_be_hidden()
        for seen in problems:
            seen.check()
    finally:
        for context in contexts:
            context.close()


def test_two_missed_offers_set_the_interpreter_away_and_the_console_says_why(
    call_browser: Browser,  # noqa: F811 - the fixture imported above
    quick_ring_server: LiveServer,
    walk_ins: list[WalkIn],
    axe_source: str,
) -> None:
    server = quick_ring_server
    context = new_context(call_browser, server)
    try:
        interp = ready_interpreter(context, PARK)
        problems = watch_problems(interp)
        walk_ins.extend(WalkIn(server, f"놓친 시민 {n}").join() for n in (1, 2))

        # Rung, and not answered; rung again at once (the next offer follows the timeout in the
        # same instant), and not answered either.
        expect(interp.locator("#ring")).to_be_visible()
        expect(interp.locator("#presence")).to_have_text(
            "내 상태: 자리 비움 (응답하지 못한 연결 요청)", timeout=(2 * RING_TIMEOUT_S + 8) * 1000
        )
        expect(interp.locator("#ring")).to_be_hidden()
        expect(interp).not_to_have_title(re.compile("^🔔"))
        note = interp.locator("#presence-note")
        expect(note).to_be_visible()
        expect(note).to_have_text(
            "연결 요청 2건에 응답하지 않아 자리 비움으로 바뀌었습니다. "
            "돌아오면 상담 가능으로 바꾸세요."
        )
        expect(interp.get_by_role("button", name=GO_READY)).to_be_visible()
        assert_accessible(interp, axe_source, "interpreter console, set away after missed offers")

        # Back: ready again, and the explanation goes.
        interp.get_by_role("button", name=GO_READY).click()
        expect(note).to_be_hidden()
        expect(interp.locator("#presence")).to_have_text(
            re.compile("^내 상태: (상담 가능|연결 제안 중)$")
        )
        problems.check()
    finally:
        context.close()
