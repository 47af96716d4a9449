"""The analyzer-backed frame sink: which frames it converts and submits, with which stream numbers,
that it never waits, and that sessions are opened and ended by the shell. One test runs the real
analyzer with the null detector (worker processes, no MediaPipe)."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
from typing import Any

import av
import pytest

from tests.conftest import IN_CI

if importlib.util.find_spec("numpy") is None:  # `to_ndarray` needs numpy (the `quality` extra)
    if IN_CI:
        pytest.fail("required in CI: numpy (the `quality` extra)", pytrace=False)
    pytest.skip("numpy (the `quality` extra) is not installed", allow_module_level=True)

from media.quality import QualityStatus
from media.quality.analyzer import Analyzer, AnalyzerConfig, Submit
from media.quality.sampling import SamplingPolicy
from media.quality_sink import QualitySink


class FakeAnalyzer(Analyzer):
    """Records what it is given; no worker processes."""

    def __init__(self) -> None:
        super().__init__(AnalyzerConfig(workers=1, detector="null"))
        self.status = QualityStatus(True, "")
        self.is_due = True
        self.fail = False
        self.got: list[tuple[str, str, tuple[int, ...], Any, Any, float | None, Any]] = []
        self.ended: list[str] = []

    def due(self, session_id: str, side: str) -> bool:
        return self.is_due

    async def submit(
        self,
        session_id: str,
        side: str,
        frame: Any,
        received_fps: float | None = None,
        resolution: tuple[int, int] | None = None,
    ) -> Submit:
        if self.fail:
            raise RuntimeError("analyzer bug")
        pixel = frame[0, 0].tolist()
        self.got.append(
            (session_id, side, frame.shape, str(frame.dtype), pixel, received_fps, resolution)
        )
        return Submit.ANALYSING

    def end_session(self, session_id: str) -> dict[str, Any] | None:
        self.ended.append(session_id)
        return {"duration_seconds": 1.0, "signing_seconds": {}, "sides": {}}


def grey_frame(width: int = 320, height: int = 240, level: int = 128) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    luma, chroma_u, chroma_v = frame.planes
    luma.update(bytes([level]) * luma.buffer_size)
    chroma_u.update(bytes([128]) * chroma_u.buffer_size)
    chroma_v.update(bytes([128]) * chroma_v.buffer_size)
    return frame


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_frames_of_an_open_session_are_converted_and_submitted_in_the_background() -> None:
    fake = FakeAnalyzer()
    sink = QualitySink(fake)
    assert sink.open_session("s1")
    sink.submit("s1", "caller", grey_frame(), 9.5)
    assert fake.got == []  # the leg's reader never waits for the analyzer
    await settle()
    ((sid, side, shape, dtype, pixel, fps, resolution),) = fake.got
    assert (sid, side, shape, dtype) == ("s1", "caller", (240, 320, 3), "uint8")
    assert all(abs(c - 128) <= 2 for c in pixel)  # RGB of a mid-grey frame
    # The leg's own rate (9.5) is the scaled-down copy's: never passed on as the call's.
    assert (fps, resolution) == (None, None)
    assert sink.outcomes[Submit.ANALYSING] == 1


async def test_the_call_s_received_rate_and_size_come_from_the_pages_stats() -> None:
    fake = FakeAnalyzer()
    sink = QualitySink(fake)
    sink.open_session("s1")
    sink.received("s1", "caller", 14.5, (640, 480))
    sink.received("s2", "caller", 30.0, (640, 480))  # before the session's first leg
    sink.submit("s1", "caller", grey_frame(), 10.0)
    sink.submit("s1", "interpreter", grey_frame(), 10.0)
    sink.submit("s2", "caller", grey_frame(), 10.0)
    await settle()
    by_side = {(g[0], g[1]): (g[5], g[6]) for g in fake.got}
    assert by_side == {
        ("s1", "caller"): (14.5, (640, 480)),
        ("s1", "interpreter"): (None, None),
        ("s2", "caller"): (30.0, (640, 480)),
    }
    assert sink.sessions() == ["s1", "s2"]


async def test_frames_are_skipped_when_not_due_unknown_or_one_is_on_its_way() -> None:
    fake = FakeAnalyzer()
    sink = QualitySink(fake)
    sink.submit("never-opened", "caller", grey_frame(), 10.0)
    sink.open_session("s1")
    fake.is_due = False
    sink.submit("s1", "caller", grey_frame(), 10.0)
    fake.is_due = True
    sink.submit("s1", "caller", grey_frame(), 10.0)
    sink.submit("s1", "caller", grey_frame(), 10.0)  # the first is still on its way
    await settle()
    assert len(fake.got) == 1
    assert (sink.offered, sink.skipped) == (4, 3)


async def test_ending_a_session_returns_its_summary_and_ignores_later_frames() -> None:
    fake = FakeAnalyzer()
    sink = QualitySink(fake)
    sink.open_session("s1")
    sink.submit("s1", "caller", grey_frame(), 10.0)
    summary = sink.end_session("s1")  # before the queued submit ran: it is dropped
    assert summary is not None and "sides" in summary
    sink.submit("s1", "caller", grey_frame(), 10.0)
    await settle()
    assert fake.got == [] and fake.ended == ["s1"] and sink.sessions() == []


async def test_an_analyzer_failure_is_logged_without_the_frame_and_the_leg_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeAnalyzer()
    fake.fail = True
    sink = QualitySink(fake)
    sink.open_session("s1")
    sink.submit("s1", "caller", grey_frame(), 10.0)
    await settle()
    fake.fail = False
    sink.submit("s1", "caller", grey_frame(), 10.0)
    await settle()
    assert len(fake.got) == 1
    assert "could not be submitted" in caplog.text and "s1" in caplog.text


async def test_the_number_of_sessions_is_bounded() -> None:
    sink = QualitySink(FakeAnalyzer(), max_sessions=2)
    assert sink.open_session("s1") and sink.open_session("s2") and sink.open_session("s1")
    assert not sink.open_session("s3")
    sink.received("s3", "caller", 30.0, None)
    assert sink.stream("s3", "caller") is None
    sink.end_session("s1")
    assert sink.open_session("s3")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_with_the_real_analyzer_frames_are_analysed_and_close_ends_its_workers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="media.quality_sink")
    every_frame = SamplingPolicy(target_rate=100.0, min_rate=100.0)
    config = AnalyzerConfig(workers=1, detector="null", sampling=every_frame)
    sink = QualitySink(Analyzer(config))
    sink.start()
    assert (await sink.started()).enabled
    pids = sink.analyzer.worker_pids()
    assert len(pids) == 1 and alive(pids[0])
    try:
        sink.open_session("s1")
        sink.received("s1", "caller", 25.0, (640, 480))
        for _ in range(20):
            sink.submit("s1", "caller", grey_frame(), 10.0)
            await asyncio.sleep(0.02)
        for _ in range(200):
            if sink.analyzer.stats.analysed >= 3:
                break
            await asyncio.sleep(0.01)
        assert sink.analyzer.stats.analysed >= 3
        summary = sink.end_session("s1")
        assert summary is not None
        assert summary["sides"]["caller"]["total"]["frames"] >= 3
        assert summary["sides"]["caller"]["total"]["mean_received_fps"] == 25.0
    finally:
        await sink.close()
    assert not alive(pids[0])
    assert "quality assistance on" in caplog.text


def children() -> set[int]:
    """Live (not zombie) child processes of this test process, from /proc."""
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.add(int(entry))
    return found


@pytest.mark.parametrize("after", [0.0, 0.05])
async def test_close_during_a_start_leaves_no_worker(after: float) -> None:
    before = children()
    sink = QualitySink(Analyzer(AnalyzerConfig(workers=2, detector="null")))
    sink.start()
    await asyncio.sleep(after)  # before the workers were spawned, or while they load
    await sink.close()
    assert not sink.status.enabled
    assert children() - before == set()
