"""The analyzer service: queue of one per side, dropped frames, load adaptation, worker lifecycle.

Most tests run workers with the null detector (no MediaPipe, a fixed delay per frame) so they
are fast and deterministic; one runs a real MediaPipe worker on dark frames.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import os
import time
from collections.abc import Callable
from functools import partial

import pytest

from tests.conftest import IN_CI

if importlib.util.find_spec("mediapipe") is None:
    if IN_CI:
        pytest.fail("required in CI: mediapipe (the `quality` extra)", pytrace=False)
    pytest.skip("mediapipe (the `quality` extra) is not installed", allow_module_level=True)

import numpy as np

import media.quality.analyzer as analyzer_module
from media.quality import QualityStatus
from media.quality.analyzer import (
    ActiveSignerChanged,
    Analyzer,
    AnalyzerConfig,
    HintsChanged,
    QualityEvent,
    Submit,
)
from media.quality.hints import Hint
from media.quality.sampling import SamplingPolicy

FRAME = np.full((240, 320, 3), 128, np.uint8)
EVERY_FRAME = SamplingPolicy(target_rate=1000.0, min_rate=1000.0)


def ticking(step: float = 0.01) -> Callable[[], float]:
    """A clock that moves on at every reading, so every frame is due at EVERY_FRAME's rate."""
    ticks = itertools.count()
    return lambda: next(ticks) * step


def null_config(**changes: object) -> AnalyzerConfig:
    values: dict[str, object] = {"workers": 1, "detector": "null", "sampling": EVERY_FRAME}
    values.update(changes)
    return AnalyzerConfig(**values)  # type: ignore[arg-type]


async def wait_for(check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def analysed_at_least(analyzer: Analyzer, count: int) -> bool:
    return analyzer.stats.analysed >= count


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_queue_of_one_keeps_the_newest_frame_and_counts_the_rest() -> None:
    analyzer = Analyzer(null_config(delay_ms=300), clock=ticking())
    assert (await analyzer.start()).enabled
    try:
        outcomes = [await analyzer.submit("s1", "caller", FRAME) for _ in range(5)]
        assert outcomes == [Submit.ANALYSING, Submit.QUEUED] + [Submit.REPLACED] * 3
        assert analyzer.stats.dropped == 3
        await wait_for(lambda: analyzer.stats.analysed == 2)
        view = analyzer.view("s1")
        assert view is not None and view.sides["caller"].dropped == 3
        assert view.sides["caller"].analysed == 2
    finally:
        await analyzer.close()


async def test_submit_never_waits_and_sides_do_not_starve_each_other() -> None:
    analyzer = Analyzer(null_config(delay_ms=50), clock=ticking())
    await analyzer.start()
    try:
        started = time.perf_counter()
        for i in range(40):
            await analyzer.submit(f"s{i % 4}", "caller", FRAME)
        assert time.perf_counter() - started < 0.5
        await wait_for(lambda: analyzer.stats.analysed >= 5)
        analysed = {f"s{i}": analyzer.view(f"s{i}").sides["caller"].analysed for i in range(4)}  # type: ignore[union-attr]
        assert all(n >= 1 for n in analysed.values()), analysed
    finally:
        await analyzer.close()


async def test_overload_lowers_the_sampling_rate() -> None:
    policy = SamplingPolicy(target_rate=5.0, min_rate=1.0, period=0.2)
    analyzer = Analyzer(null_config(delay_ms=40, sampling=policy))  # ~25 frames/s at most
    await analyzer.start()
    try:
        for step in range(40):  # 12 sides at 10 fps each ask for 60 analyses/s
            for s in range(12):
                await analyzer.submit(f"s{s}", "caller", FRAME)
            await asyncio.sleep(0.1)
            if step == 5:
                assert analyzer.stats.rate <= 5.0
        assert analyzer.stats.rate < 3.0  # fewer analyses per side ...
        views = [analyzer.view(f"s{s}") for s in range(12)]
        assert all(v is not None and v.sides["caller"].analysed >= 2 for v in views)  # ... for all
    finally:
        await analyzer.close()


async def test_close_leaves_no_worker_process() -> None:
    analyzer = Analyzer(null_config(workers=2, delay_ms=200))
    await analyzer.start()
    pids = analyzer.worker_pids()
    assert len(pids) == 2 and all(alive(p) for p in pids)
    await analyzer.submit("s1", "caller", FRAME)  # one worker is busy when we close
    await analyzer.close()
    assert not any(alive(p) for p in pids)
    assert await analyzer.submit("s1", "caller", FRAME) == Submit.OFF


async def test_a_dead_worker_is_replaced() -> None:
    analyzer = Analyzer(null_config(delay_ms=200))
    await analyzer.start()
    try:
        (pid,) = analyzer.worker_pids()
        await analyzer.submit("s1", "caller", FRAME)
        os.kill(pid, 9)
        await wait_for(lambda: analyzer.stats.restarts == 1 and analyzer.stats.workers_alive == 1)
        assert analyzer.stats.failed == 1
        (new_pid,) = analyzer.worker_pids()
        assert new_pid != pid
        await analyzer.submit("s1", "caller", FRAME)
        await wait_for(lambda: analyzer.stats.analysed == 1)
    finally:
        await analyzer.close()


async def test_without_mediapipe_quality_assistance_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    off = QualityStatus(False, "mediapipe is not installed (install the `quality` extra)")
    monkeypatch.setattr(analyzer_module, "quality_status", lambda: off)
    analyzer = Analyzer()
    status = await analyzer.start()
    assert not status.enabled and status.describe().startswith("quality assistance off")
    assert analyzer.worker_pids() == []
    assert await analyzer.submit("s1", "caller", FRAME) == Submit.OFF
    await analyzer.close()


async def test_limits_on_sessions_sides_and_frames() -> None:
    config = null_config(max_sessions=1, max_sides=1, max_frame_bytes=320 * 240 * 3)
    analyzer = Analyzer(config, clock=ticking())
    await analyzer.start()
    try:
        assert await analyzer.submit("s1", "caller", FRAME) == Submit.ANALYSING
        assert await analyzer.submit("s2", "caller", FRAME) == Submit.REJECTED
        assert await analyzer.submit("s1", "interpreter", FRAME) == Submit.REJECTED
        big = np.zeros((480, 640, 3), np.uint8)
        assert await analyzer.submit("s1", "caller", big) == Submit.REJECTED
        assert analyzer.end_session("s1") is not None
        assert await analyzer.submit("s2", "caller", FRAME) != Submit.REJECTED
    finally:
        await analyzer.close()


async def test_a_real_worker_raises_low_light_on_a_dark_stream() -> None:
    """MediaPipe in a worker; frames every 0.2 s on an injected clock; the hint shows at ~2 s."""
    now = [0.0]
    events: list[QualityEvent] = []
    config = AnalyzerConfig(workers=1, model_complexity=0)
    analyzer = Analyzer(config, on_event=events.append, clock=lambda: now[0])
    assert (await analyzer.start()).enabled
    try:
        dark = np.full((240, 320, 3), 20, np.uint8)
        shown_at = None
        for i in range(20):
            now[0] = i * 0.2
            assert await analyzer.submit("s1", "caller", dark, 25.0, (640, 480)) in (
                Submit.ANALYSING,
                Submit.QUEUED,
            )
            await wait_for(partial(analysed_at_least, analyzer, i + 1), seconds=10)
            if shown_at is None and Hint.LOW_LIGHT in analyzer.hints("s1", "caller"):
                shown_at = now[0]
        assert shown_at is not None and 1.6 <= shown_at <= 2.2
        changes = [e for e in events if isinstance(e, HintsChanged)]
        assert changes and "low_light" in changes[0].hints  # a flat frame is also blurry
        assert not any(isinstance(e, ActiveSignerChanged) for e in events)
        summary = analyzer.end_session("s1")
        assert summary is not None
        total = summary["sides"]["caller"]["total"]
        assert total["frames"] == 20 and total["hints"]["low_light"]["raised"] == 1
    finally:
        await analyzer.close()
