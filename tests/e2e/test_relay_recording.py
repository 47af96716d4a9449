"""Relay mode with recording, end to end in real Chromium (issue 5).

The same flow as the quality-hint test, on a server in relay mode with recording on: the caller
agrees to the recording before the call; each page's one RTCPeerConnection goes to the server,
which relays the video to the other page (640x480, at least 20 fps received), analyses the
relayed frames (the caller's camera goes dark: `low_light` shows within 5 s and clears), and
records each side. Both pages show the "recording" badge. The caller then withdraws the
recording consent: both badges go and the call goes on. After the hang-up every server peer
connection is closed, the record keeps the consent's version, time and withdrawal, and each
side's file exists with mode 0600 and plays in PyAV.
"""

from __future__ import annotations

import stat
import time as clock
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from scheduler.models import CallSessionRecord, RecordingRow
from signaling.server import CORE, LEGS, QUALITY
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.e2e import test_media_leg, test_quality_hints
from tests.e2e.conftest import LiveServer, SeedInterpreter, login, running_server, watch_problems
from tests.e2e.test_call import (
    CONNECT_TIMEOUT_MS,
    all_day,
    assert_accessible,
    new_context,
    staff_books_next_slot,
)
from tests.e2e.test_quality_hints import (
    ANALYZER_START_S,
    DARK_SECONDS,
    HINT_WITHIN_S,
    LIT_SECONDS,
    left_ms,
    wait_for_light,
)

pytestmark = pytest.mark.browser

light_clip = test_quality_hints.light_clip
light_browser = test_quality_hints.light_browser

RELAY_INTERPRETER = SeedInterpreter("interp.relay", "한중계", ("KSL",), ("welfare",))
MIN_FPS = 20.0

# The page's connections: in relay mode exactly one is open, sendrecv, to the server; what it
# receives is the other member's video.
RELAY_INBOUND = """async () => {
    const open = window.__pcs.filter((pc) => pc.connectionState !== "closed");
    const result = {open: open.length, directions: open.flatMap(
        (pc) => pc.getTransceivers().map((t) => t.currentDirection))};
    if (open.length !== 1) return result;
    const pc = open[0];
    const read = async () => {
        for (const s of (await pc.getStats()).values())
            if (s.type === "inbound-rtp" && s.kind === "video") return s;
        return null;
    };
    let first = await read();
    for (let i = 0; i < 100 && !(first && first.framesDecoded > 0); i++) {
        await new Promise((r) => setTimeout(r, 100));
        first = await read();
    }
    await new Promise((r) => setTimeout(r, 3000));
    const second = await read();
    if (!first || !second) return result;
    result.width = second.frameWidth || 0;
    result.height = second.frameHeight || 0;
    result.fps = (second.framesDecoded - first.framesDecoded) * 1000 /
        (second.timestamp - first.timestamp);
    result.state = pc.connectionState;
    return result;
}"""


@pytest.fixture(scope="module")
def relay_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Relay mode, recording on, the MediaPipe analyzer (one worker), any hour bookable."""
    pytest.importorskip("mediapipe")
    recordings = tmp_path_factory.mktemp("e2e-recordings") / "files"
    with running_server(
        sqlite_template,
        tmp_path_factory.mktemp("e2e-relay"),
        interpreters=(RELAY_INTERPRETER,),
        hours=all_day,
        min_notice_minutes=0,
        slot_minutes=15,
        weekday_open=all_day(0)[0],
        weekday_close=all_day(0)[1],
        weekend_open=all_day(0)[0],
        weekend_close=all_day(0)[1],
        call_join_early_minutes=45,
        media_mode="relay",
        recording=True,
        recording_dir=recordings,
        recording_format="webm",
        quality_assistance="on",
        quality_analyzer="mediapipe",
        quality_workers=1,
    ) as server:

        async def started() -> bool:
            status = await server.app[QUALITY].started()
            return status.enabled

        assert server.run(started(), timeout=ANALYZER_START_S), "the analyzer did not start"
        yield server


def server_peer_states(server: LiveServer) -> tuple[int, int, list[str]]:
    """(legs open, relayed sessions, the state of every RTCPeerConnection in the process)."""
    legs_open, _, states = test_media_leg.server_peer_states(server)
    return legs_open, len(server.app[LEGS].relays), states


def stored(server: LiveServer, session_id: str) -> tuple[Any, list[Any]]:
    async def read() -> tuple[Any, list[Any]]:
        async with server.app[SESSIONS]() as db:
            row = await db.scalar(
                select(CallSessionRecord).where(CallSessionRecord.session_id == session_id)
            )
            files = list(
                await db.scalars(select(RecordingRow).where(RecordingRow.session_id == session_id))
            )
            return row, files

    return server.run(read())


def decoded(path: Path) -> tuple[int, tuple[int, int]]:
    """How many frames PyAV decodes from a recording, and their size."""
    frames, size = 0, (0, 0)
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            frames += 1
            size = (frame.width, frame.height)
    return frames, size


def expect_relayed_video(page: Page) -> None:
    seen = page.evaluate(RELAY_INBOUND)
    assert seen["open"] == 1 and seen["directions"] == ["sendrecv"], seen
    assert seen.get("state") == "connected", seen
    assert (seen["width"], seen["height"]) == (640, 480), seen
    assert seen["fps"] >= MIN_FPS, seen


def test_a_relayed_call_is_analysed_recorded_with_consent_and_leaves_nothing_open(
    light_browser: Browser, relay_server: LiveServer, axe_source: str
) -> None:
    staff_ctx = new_context(light_browser, relay_server)
    interp_ctx = new_context(light_browser, relay_server)
    caller_ctx = new_context(light_browser, relay_server)
    staff, interp, caller = staff_ctx.new_page(), interp_ctx.new_page(), caller_ctx.new_page()
    problems = [watch_problems(p) for p in (staff, interp, caller)]
    try:
        booked = staff_books_next_slot(staff)
        caller.goto(f"/call/{booked['code']}#t={booked['token']}")
        caller.get_by_role("button", name="카메라 켜기").click()
        # The separate recording consent, asked before the call, unchecked by default.
        consent = caller.get_by_label("이번 영상 상담을 녹화하는 데 동의합니다. (선택)")
        expect(consent).not_to_be_checked()
        assert_accessible(caller, axe_source, "camera check with the recording consent")
        consent.check()
        caller.get_by_role("button", name="대기실로 들어가기").click()
        login(interp, RELAY_INTERPRETER.username)
        interp.get_by_role("button", name="상담 가능으로 바꾸기").click()
        for page in (interp, caller):
            expect(page.locator("#call-state")).to_have_attribute(
                "data-state", "connected", timeout=CONNECT_TIMEOUT_MS
            )
            expect(page.locator("#call-quality")).to_have_text("영상 품질 도우미: 켜짐")
            badge = page.locator("#call-recording")
            expect(badge).to_be_visible()
            expect(badge).to_contain_text("녹화 중")
        for page in (interp, caller):
            expect_relayed_video(page)
        legs_open, relays, states = server_peer_states(relay_server)
        assert (legs_open, relays) == (2, 1) and states.count("connected") == 2, states

        async def session_id() -> str:
            [call] = relay_server.app[CORE].calls()
            return call.session_id

        sid = relay_server.run(session_id())

        # The same quality flow as in direct mode, on the relayed frames.
        hint = caller.locator('#my-hints .quality-hint[data-code="low_light"]')
        wait_for_light(caller, dark=False, seconds=LIT_SECONDS + DARK_SECONDS + 5)
        dark_at = wait_for_light(caller, dark=True, seconds=LIT_SECONDS + DARK_SECONDS + 5)
        expect(hint).to_be_visible(timeout=left_ms(dark_at, HINT_WITHIN_S))
        assert clock.monotonic() - dark_at <= HINT_WITHIN_S
        assert_accessible(caller, axe_source, "relayed call view with the badge and a hint")
        assert_accessible(interp, axe_source, "interpreter's relayed call view with the badge")
        lit_at = wait_for_light(caller, dark=False, seconds=DARK_SECONDS + 5)
        expect(hint).to_have_count(0, timeout=left_ms(lit_at, HINT_WITHIN_S))

        # The interpreter has no way to stop it; the caller withdraws the consent: the files
        # are finished now, both badges go, and the call goes on.
        expect(interp.locator("#stop-recording")).to_be_hidden()
        caller.get_by_role("button", name="녹화 중지 (동의 철회)").click()
        for page in (caller, interp):
            expect(page.locator("#call-recording")).to_be_hidden()
        expect(caller.locator("#call-state")).to_have_attribute("data-state", "connected")

        caller.get_by_role("button", name="통화 끝내기").click()
        caller.get_by_role("button", name="예, 끝냅니다").click()
        expect(caller.locator("#call-ended")).to_be_visible()

        # Every server peer connection closes; the record and both files are there.
        deadline = clock.monotonic() + 15
        legs_open, relays, states = server_peer_states(relay_server)
        row, files = stored(relay_server, sid)
        while clock.monotonic() < deadline and (
            any(s != "closed" for s in states) or row is None or len(files) < 2
        ):
            clock.sleep(0.3)
            legs_open, relays, states = server_peer_states(relay_server)
            row, files = stored(relay_server, sid)
        assert (legs_open, relays) == (0, 0)
        assert all(s == "closed" for s in states), states
        assert row is not None
        assert row.recording_consent_version and row.recording_consent_at is not None
        assert row.recording_withdrawn_at is not None
        assert row.quality_summary is not None
        caller_hints = row.quality_summary["sides"]["caller"]["total"]["hints"]
        assert caller_hints["low_light"]["raised"] >= 1, caller_hints
        assert sorted(f.side for f in files) == ["caller", "interpreter"], files
        directory = relay_server.app[SETTINGS].recording_dir
        for recording in files:
            path = directory / recording.file_name
            assert path.is_file(), path
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert recording.bytes == path.stat().st_size > 0
            frames, size = decoded(path)
            assert frames >= 30 and frames >= recording.frames - 2, (recording.side, frames)
            assert size == (640, 480), size
    finally:
        for context in (staff_ctx, interp_ctx, caller_ctx):
            context.close()
    for seen in problems:
        seen.check()
