"""Quality assistance's media leg through real Chromium: both pages connect P2P as before, and each
also sends its camera, scaled down, to the server over a second RTCPeerConnection. The frames reach
the server's sink (the `CountingSink` of the in-process server), the P2P call keeps its full
640x480, the pages say "quality assistance on" in words, and after the hang-up every
RTCPeerConnection in the server process is closed.
"""

from __future__ import annotations

import gc
import re
import time as clock
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiortc import RTCPeerConnection
from playwright.sync_api import Browser, Page, Playwright, expect

from media.leg import CountingSink
from media.testsource import make_hand_video
from signaling.server import CORE, LEGS
from tests.conftest import skip_or_fail
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    SeedInterpreter,
    login,
    running_server,
    watch_problems,
)
from tests.e2e.test_call import (
    CONNECT_TIMEOUT_MS,
    HANDS,
    all_day,
    assert_accessible,
    new_context,
    staff_books_next_slot,
)

pytestmark = pytest.mark.browser

INTERPRETER = SeedInterpreter("interp.leg", "한품질", ("KSL",), ("welfare",))
FRAMES_WANTED = 10  # sampled frames per side at the sink
FRAMES_TIMEOUT_S = 30.0
QUALITY_TEXT = re.compile("^영상 품질 도우미: ")

# The P2P connection is the page's one that receives video; the leg only sends.
P2P_INBOUND = """async () => {
    for (let i = 0; i < 100; i++) {
        for (const pc of window.__pcs)
            for (const s of (await pc.getStats()).values())
                if (s.type === "inbound-rtp" && s.kind === "video" && s.framesDecoded > 0)
                    return {width: s.frameWidth, height: s.frameHeight};
        await new Promise((r) => setTimeout(r, 100));
    }
    return null;
}"""
LEG_OUTBOUND = """async () => {
    const legs = window.__pcs.filter((pc) => pc.connectionState !== "closed" &&
        pc.getTransceivers().every((t) => t.direction === "sendonly"));
    if (legs.length !== 1) return {legs: legs.length};
    const pc = legs[0];
    for (const s of (await pc.getStats()).values())
        if (s.type === "outbound-rtp" && s.kind === "video")
            return {legs: 1, width: s.frameWidth || 0, height: s.frameHeight || 0,
                    sent: s.framesSent || 0, state: pc.connectionState};
    return {legs: 1, state: pc.connectionState};
}"""


@pytest.fixture(scope="module")
def leg_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not HANDS.is_dir() or not any(HANDS.glob("*.jpg")):
        skip_or_fail(f"hand photos not found at {HANDS}")
    out = tmp_path_factory.mktemp("leg-camera") / "hands.y4m"
    return make_hand_video(HANDS, out, width=640, height=480, fps=30, seconds=4)


@pytest.fixture(scope="module")
def leg_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Quality assistance on with the counting stand-in for the analyzer, any hour bookable."""
    with running_server(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-leg"),
        interpreters=(INTERPRETER,),
        hours=all_day,
        min_notice_minutes=0,
        slot_minutes=15,
        weekday_open=all_day(0)[0],
        weekday_close=all_day(0)[1],
        weekend_open=all_day(0)[0],
        weekend_close=all_day(0)[1],
        call_join_early_minutes=45,
        quality_assistance="on",
        quality_analyzer="off",  # the legs alone: frames go to the counting sink
    ) as server:
        yield server


@pytest.fixture(scope="module")
def leg_browser(playwright_instance: Playwright, leg_clip: Path) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail(f"Debian Chromium not found at {CHROMIUM}")
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={leg_clip}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield browser
    browser.close()


def open_session(server: LiveServer) -> str:
    async def read() -> str:
        calls = server.app[CORE].calls()
        assert len(calls) == 1, calls
        return calls[0].session_id

    return server.run(read())


def sink_frames(server: LiveServer, session_id: str) -> dict[str, tuple[int, object]]:
    async def read() -> dict[str, tuple[int, object]]:
        sink = server.app[LEGS].sink
        assert isinstance(sink, CountingSink)
        return {
            side: (sink.frames(session_id, side), sink.last(session_id, side))
            for side in ("caller", "interpreter")
        }

    return server.run(read())


def server_peer_states(server: LiveServer) -> tuple[int, int, list[str]]:
    """(legs open, legs the core counts, the state of every RTCPeerConnection in the process)."""

    async def read() -> tuple[int, int, list[str]]:
        legs = server.app[LEGS]
        await legs.drain()
        gc.collect()
        peers = [o for o in gc.get_objects() if isinstance(o, RTCPeerConnection)]
        return legs.open_count, server.app[CORE].leg_count, [p.connectionState for p in peers]

    return server.run(read())


def wait_for_frames(server: LiveServer, session_id: str) -> dict[str, tuple[int, object]]:
    deadline = clock.monotonic() + FRAMES_TIMEOUT_S
    seen = sink_frames(server, session_id)
    while clock.monotonic() < deadline:
        if all(count >= FRAMES_WANTED for count, _ in seen.values()):
            return seen
        clock.sleep(0.2)
        seen = sink_frames(server, session_id)
    raise AssertionError(f"the legs delivered too few frames: {seen}")


def expect_connected(page: Page) -> None:
    expect(page.locator("#call-view")).to_be_visible()
    expect(page.locator("#call-state")).to_have_attribute(
        "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
    )


def test_each_pages_leg_delivers_frames_and_hangup_closes_every_server_peer(
    leg_browser: Browser, leg_server: LiveServer, axe_source: str
) -> None:
    staff_ctx = new_context(leg_browser, leg_server)
    interp_ctx = new_context(leg_browser, leg_server)
    caller_ctx = new_context(leg_browser, leg_server)
    staff, interp, caller = staff_ctx.new_page(), interp_ctx.new_page(), caller_ctx.new_page()
    problems = [watch_problems(p) for p in (staff, interp, caller)]
    try:
        booked = staff_books_next_slot(staff)
        caller.goto(f"/call/{booked['code']}#t={booked['token']}")
        caller.get_by_role("button", name="카메라 켜기").click()
        caller.get_by_role("button", name="대기실로 들어가기").click()
        login(interp, INTERPRETER.username)
        interp.get_by_role("button", name="상담 가능으로 바꾸기").click()
        for page in (interp, caller):
            expect_connected(page)
            expect(page.locator("#call-quality")).to_have_text("영상 품질 도우미: 켜짐")

        # Each page's leg reaches the server's sink, scaled down to at most 320x240 and 10 fps.
        sid = open_session(leg_server)
        seen = wait_for_frames(leg_server, sid)
        for side, (_, last) in seen.items():
            assert isinstance(last, tuple), (side, last)
            fps, (width, height) = last
            assert 0 < width <= 320 and 0 < height <= 240, (side, last)
            assert 0 < fps <= 15, (side, last)
        for page in (interp, caller):
            leg = page.evaluate(LEG_OUTBOUND)
            assert leg["state"] == "connected" and leg["sent"] > 0, leg
            assert 0 < leg["width"] <= 320 and 0 < leg["height"] <= 240, leg
            # The P2P call itself still carries the full 640x480.
            assert page.evaluate(P2P_INBOUND) == {"width": 640, "height": 480}
        legs_open, core_legs, states = server_peer_states(leg_server)
        assert (legs_open, core_legs) == (2, 2) and states.count("connected") == 2, states
        assert_accessible(caller, axe_source, "caller call view with quality assistance")

        # The caller hangs up: both legs close on the server, and nothing else stays open.
        caller.get_by_role("button", name="통화 끝내기").click()
        caller.get_by_role("button", name="예, 끝냅니다").click()
        expect(caller.locator("#call-ended")).to_be_visible()
        expect(interp.locator("#call-view")).to_be_hidden()
        deadline = clock.monotonic() + 10
        legs_open, core_legs, states = server_peer_states(leg_server)
        while any(s != "closed" for s in states) and clock.monotonic() < deadline:
            clock.sleep(0.2)
            legs_open, core_legs, states = server_peer_states(leg_server)
        assert (legs_open, core_legs) == (0, 0)
        # Closed, or already collected: no peer connection is left open.
        assert all(s == "closed" for s in states), states
        # The pages closed their legs too.
        for page in (interp, caller):
            assert page.evaluate(
                "() => window.__pcs.every((pc) => pc.connectionState === 'closed')"
            )
    finally:
        for context in (staff_ctx, interp_ctx, caller_ctx):
            context.close()
    for seen_problems in problems:
        seen_problems.check()


@pytest.fixture(scope="module")
def one_leg_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Quality assistance on, but room for one leg only: the second page's leg is refused."""
    with running_server(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-one-leg"),
        interpreters=(INTERPRETER,),
        hours=all_day,
        min_notice_minutes=0,
        slot_minutes=15,
        weekday_open=all_day(0)[0],
        weekday_close=all_day(0)[1],
        weekend_open=all_day(0)[0],
        weekend_close=all_day(0)[1],
        call_join_early_minutes=45,
        quality_assistance="on",
        quality_analyzer="off",  # the legs alone: frames go to the counting sink
        media_leg_max_legs=1,
    ) as server:
        yield server


def test_a_refused_leg_leaves_the_call_alone_and_says_so_calmly(
    leg_browser: Browser, one_leg_server: LiveServer
) -> None:
    staff_ctx = new_context(leg_browser, one_leg_server)
    interp_ctx = new_context(leg_browser, one_leg_server)
    caller_ctx = new_context(leg_browser, one_leg_server)
    staff, interp, caller = staff_ctx.new_page(), interp_ctx.new_page(), caller_ctx.new_page()
    problems = [watch_problems(p) for p in (staff, interp, caller)]
    try:
        booked = staff_books_next_slot(staff)
        caller.goto(f"/call/{booked['code']}#t={booked['token']}")
        caller.get_by_role("button", name="카메라 켜기").click()
        caller.get_by_role("button", name="대기실로 들어가기").click()
        login(interp, INTERPRETER.username)
        interp.get_by_role("button", name="상담 가능으로 바꾸기").click()
        for page in (interp, caller):
            expect_connected(page)
        # One of the two legs got `capacity`: that page says so in words, nothing more.
        unavailable = "영상 품질 도우미: 이번 통화에서는 쓸 수 없음 (통화는 그대로 이어집니다)"
        for page in (interp, caller):
            expect(page.locator("#call-quality")).to_have_text(QUALITY_TEXT)
        texts = {p.locator("#call-quality").text_content() for p in (interp, caller)}
        deadline = clock.monotonic() + 10
        while unavailable not in texts and clock.monotonic() < deadline:
            clock.sleep(0.2)
            texts = {p.locator("#call-quality").text_content() for p in (interp, caller)}
        assert texts == {"영상 품질 도우미: 켜짐", unavailable}, texts
        for page in (interp, caller):
            expect(page.locator("#status")).not_to_contain_text("leg")
            expect(page.locator("#status")).not_to_contain_text("capacity")
            assert page.evaluate(P2P_INBOUND) == {"width": 640, "height": 480}
            expect(page.locator("#call-state")).to_have_attribute("data-state", "connected")
        legs_open, core_legs, _ = server_peer_states(one_leg_server)
        assert (legs_open, core_legs) == (1, 1)
        caller.get_by_role("button", name="통화 끝내기").click()
        caller.get_by_role("button", name="예, 끝냅니다").click()
        expect(caller.locator("#call-ended")).to_be_visible()
    finally:
        for context in (staff_ctx, interp_ctx, caller_ctx):
            context.close()
    for seen_problems in problems:
        seen_problems.check()
