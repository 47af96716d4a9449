"""Quality assistance over the real `/ws` with the analyzer behind the legs (issue 5): frames of
each page's leg reach the analyzer's worker processes, the pages' `stats` give it the call's
received rate and size, the session is forgotten when it ends, and no worker outlives the server.

The analyzer runs with the null detector (real worker processes, no MediaPipe), so these tests
are about the plumbing; the hints themselves are tested in `tests/media` and end to end.
"""

from __future__ import annotations

import asyncio
import fractions
import importlib.util
import os
from typing import Any

import av
import pytest
from aiortc import VideoStreamTrack

from media.quality.analyzer import ActiveSignerChanged, HintsChanged
from media.quality_sink import QualitySink, ReceivedStream
from signaling.server import LEGS, QUALITY
from tests.conftest import IN_CI
from tests.signaling_ws.scenario import Client, MakeClient, send
from tests.signaling_ws.test_media_leg_ws import Page, matched_pages, wait_until

if importlib.util.find_spec("numpy") is None:
    if IN_CI:
        pytest.fail("required in CI: numpy (the `quality` extra)", pytrace=False)
    pytest.skip("numpy (the `quality` extra) is not installed", allow_module_level=True)

ANALYZER_ON: dict[str, object] = {
    "quality_assistance": "on",
    "quality_analyzer": "null",
    "quality_workers": 1,
    "call_resume_window_seconds": 1,
}
HINT_SECONDS = 15.0  # hints hold about 2 s before they show; generous for a busy machine


class DarkCamera(VideoStreamTrack):
    """A flat, nearly black 320x240 picture at 10 fps: too dark, and with no detail at all."""

    def __init__(self) -> None:
        super().__init__()
        self._count = 0

    async def recv(self) -> av.VideoFrame:
        await asyncio.sleep(0.1)
        frame = av.VideoFrame(320, 240, "yuv420p")
        luma, chroma_u, chroma_v = frame.planes
        luma.update(bytes([16]) * luma.buffer_size)
        chroma_u.update(bytes([128]) * chroma_u.buffer_size)
        chroma_v.update(bytes([128]) * chroma_v.buffer_size)
        frame.pts = self._count * 9000
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


async def next_quality(page: Page, seconds: float = HINT_SECONDS) -> dict[str, Any]:
    """The next `quality` message, skipping others, within `seconds`."""
    async with asyncio.timeout(seconds):
        while True:
            message = await page.inbox.next(seconds=seconds)
            if message["type"] == "quality":
                return message


async def quality_until_barrier(page: Page) -> list[dict[str, Any]]:
    """The `quality` messages the page gets before the server has handled all it sent."""
    await send(page.inbox.ws, {"type": "barrier"})
    seen: list[dict[str, Any]] = []
    while True:
        message = await page.inbox.next()
        if message["type"] == "error":
            assert message["code"] == "unknown_type", message
            return seen
        if message["type"] == "quality":
            seen.append(message)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def started_sink(client: Client) -> QualitySink:
    sink = client.app[QUALITY]
    assert client.app[LEGS].sink is sink
    assert (await sink.started()).enabled
    return sink


async def test_leg_frames_reach_the_analyzer_with_the_pages_stats_and_end_with_the_session(
    make_client: MakeClient,
) -> None:
    client = await make_client(**ANALYZER_ON)
    sink = await started_sink(client)
    caller, interpreter, sid = await matched_pages(client)
    try:
        await caller.open_leg(sid)
        await interpreter.open_leg(sid)
        assert sink.sessions() == [sid]
        # The interpreter's page receives the caller's video at 14.5 fps, 640x480.
        stats = {"session_id": sid, "fps_received": 14.5, "width": 640, "height": 480}
        await send(interpreter.inbox.ws, {"type": "stats", **stats})
        await wait_until(lambda: sink.stream(sid, "caller") is not None)
        assert sink.stream(sid, "caller") == ReceivedStream(14.5, (640, 480))
        assert sink.stream(sid, "interpreter") is None
        analyzer = sink.analyzer
        await wait_until(lambda: analyzer.view(sid) is not None)
        await wait_until(
            lambda: all(
                (view := analyzer.view(sid)) is not None
                and side in view.sides
                and view.sides[side].analysed >= 2
                for side in ("caller", "interpreter")
            )
        )
        summary = analyzer.summary(sid)
        assert summary is not None
        assert summary["sides"]["caller"]["total"]["mean_received_fps"] == 14.5
        assert summary["sides"]["interpreter"]["total"]["mean_received_fps"] is None

        await send(caller.inbox.ws, {"type": "hangup", "session_id": sid})
        await caller.next("ended")
        await interpreter.next("ended")
        assert sink.sessions() == [] and analyzer.view(sid) is None
    finally:
        await caller.close()
        await interpreter.close()


async def test_shutdown_ends_every_analyzer_worker(make_client: MakeClient) -> None:
    client = await make_client(**ANALYZER_ON)
    sink = await started_sink(client)
    pids = sink.analyzer.worker_pids()
    assert len(pids) == 1 and alive(pids[0])
    caller, interpreter, sid = await matched_pages(client)
    try:
        await caller.open_leg(sid)
        await wait_until(lambda: sink.analyzer.stats.analysed >= 1)
        await client.close()
        assert not sink.status.enabled and sink.sessions() == []
        assert not any(alive(pid) for pid in pids)
    finally:
        await caller.close()
        await interpreter.close()


async def test_without_the_analyzer_setting_the_legs_only_count(make_client: MakeClient) -> None:
    client = await make_client(quality_assistance="on", quality_analyzer="off")
    assert QUALITY not in client.app
    off = await make_client(quality_assistance="off")
    assert QUALITY not in off.app


async def test_hints_of_the_callers_dark_video_reach_the_caller_and_the_interpreter(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real worker processes (null detector: no hands, no face) on a dark leg: the hysteresis
    shows `low_light` and `blurry` after about 2 s, with `low_frame_rate` from the interpreter's
    `stats`; the caller and the interpreter are told, the interpreter's own video is not
    reported to the caller."""
    monkeypatch.setattr("tests.signaling_ws.test_media_leg_ws.Camera", DarkCamera)
    client = await make_client(**ANALYZER_ON)
    await started_sink(client)
    caller, interpreter, sid = await matched_pages(client)
    try:
        stats = {"session_id": sid, "fps_received": 14.5, "width": 640, "height": 480}
        await send(interpreter.inbox.ws, {"type": "stats", **stats})
        await caller.open_leg(sid)
        expected = {
            "v": 1,
            "type": "quality",
            "session_id": sid,
            "side": "caller",
            "hints": ["low_light", "blurry", "low_frame_rate"],
            "active_signer": None,
        }
        seen = await next_quality(caller)
        while seen != expected:  # the hints may come one after another
            assert seen["side"] == "caller", seen
            seen = await next_quality(caller)
        seen = await next_quality(interpreter)
        while seen != expected:
            seen = await next_quality(interpreter)
    finally:
        await caller.close()
        await interpreter.close()


async def test_the_analyzers_events_go_through_the_core_to_the_pages(
    make_client: MakeClient,
) -> None:
    """The shell's routing alone, with events as the analyzer emits them."""
    client = await make_client(**ANALYZER_ON)
    sink = await started_sink(client)
    caller, interpreter, sid = await matched_pages(client)
    try:
        listener = sink.analyzer.on_event
        assert listener is not None
        listener(HintsChanged(sid, "interpreter", ("too_close",)))
        listener(HintsChanged(sid, "caller", ("hands_cropped",)))
        listener(ActiveSignerChanged(sid, "interpreter"))
        mine = await next_quality(interpreter)
        assert (mine["side"], mine["hints"], mine["active_signer"]) == (
            "interpreter",
            ["too_close"],
            None,
        )
        theirs = await next_quality(interpreter)
        assert (theirs["side"], theirs["hints"]) == ("caller", ["hands_cropped"])
        signer = await next_quality(interpreter)
        assert (signer["side"], signer["active_signer"]) == ("interpreter", "interpreter")
        first = await next_quality(caller)
        assert (first["side"], first["hints"], first["active_signer"]) == (
            "caller",
            ["hands_cropped"],
            None,
        )
        second = await next_quality(caller)
        assert (second["side"], second["hints"], second["active_signer"]) == (
            "caller",
            ["hands_cropped"],
            "interpreter",
        )
        assert await quality_until_barrier(caller) == []  # never the interpreter's hints
        # After the hang-up, late events change nothing and reach no one.
        await send(caller.inbox.ws, {"type": "hangup", "session_id": sid})
        await interpreter.next("ended")
        listener(HintsChanged(sid, "caller", ("low_light",)))
        await asyncio.sleep(0.05)
        assert await quality_until_barrier(interpreter) == []
    finally:
        await caller.close()
        await interpreter.close()
