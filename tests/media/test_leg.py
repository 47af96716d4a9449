"""`media.leg` on its own: offers it answers or refuses, the sink it feeds (sampled, never
blocking the leg), its bounds, and that every RTCPeerConnection it made is closed."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Callable

import av
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack

import media.leg
from media.leg import (
    CountingSink,
    LegLimits,
    LegRef,
    LegRefused,
    MediaLegs,
    check_offer,
    quality_assistance_on,
)
from media.recording import RecordingFile

VIDEO_OFFER = (
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n"
    "a=candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host\r\n"
    "a=candidate:2 1 udp 2122260223 4f1b2c3d-aaaa-bbbb-cccc-1234567890ab.local 54401 typ host\r\n"
    "a=sendonly\r\n"
)


class Camera(VideoStreamTrack):
    """A 320x240 test pattern at `fps`."""

    def __init__(self, fps: float = 10.0) -> None:
        super().__init__()
        self._fps = fps
        self._count = 0

    async def recv(self) -> av.VideoFrame:
        await asyncio.sleep(1 / self._fps)
        frame = av.VideoFrame(320, 240, "yuv420p")
        frame.pts = self._count * 9000
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


class Events:
    """Records what the legs report; `answers` resolve when a leg answers."""

    def __init__(self) -> None:
        self.answers: dict[str, asyncio.Future[str]] = {}
        self.reports: list[tuple[str, bool]] = []

    def expect(self, leg_id: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.answers[leg_id] = future
        return future

    async def answered(self, leg: LegRef, sdp: str) -> None:
        self.answers[leg.leg_id].set_result(sdp)

    async def ended(self, leg: LegRef, *, answered: bool) -> None:
        self.reports.append((leg.leg_id, answered))

    async def recorded(self, leg: LegRef, recording: RecordingFile) -> None:
        raise AssertionError("direct-mode legs never record")


def ref(leg_id: str = "l1", side: str = "caller") -> LegRef:
    return LegRef(leg_id=leg_id, session_id="s1", side=side, reply_to="c1")


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


async def connect_page(
    legs: MediaLegs, events: Events, leg: LegRef, fps: float = 10.0
) -> RTCPeerConnection:
    """A page (aiortc) that offers its camera to `legs` and applies the answer."""
    page = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    page.addTransceiver(Camera(fps), direction="sendonly")
    await page.setLocalDescription(await page.createOffer())
    answer = events.expect(leg.leg_id)
    legs.open(leg, page.localDescription.sdp)
    sdp = await asyncio.wait_for(answer, 10)
    await page.setRemoteDescription(RTCSessionDescription(sdp, "answer"))
    return page


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[RTCPeerConnection]:
    """Every RTCPeerConnection `MediaLegs` makes."""
    peers: list[RTCPeerConnection] = []

    def recording(configuration: RTCConfiguration) -> RTCPeerConnection:
        pc = RTCPeerConnection(configuration=configuration)
        peers.append(pc)
        return pc

    monkeypatch.setattr(media.leg, "new_peer_connection", recording)
    return peers


# -- pure parts


def test_a_video_only_offer_is_kept_and_mdns_candidates_are_dropped() -> None:
    kept = check_offer(VIDEO_OFFER, 16_384)
    assert "192.0.2.10" in kept and ".local" not in kept
    assert kept.count("m=") == 1


@pytest.mark.parametrize(
    "sdp",
    [
        VIDEO_OFFER + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
        VIDEO_OFFER + "m=video 9 UDP/TLS/RTP/SAVPF 97\r\n",
        VIDEO_OFFER.replace("m=video", "m=application"),
        "v=0\r\n",
    ],
)
def test_an_offer_with_anything_but_one_video_track_is_refused(sdp: str) -> None:
    with pytest.raises(LegRefused):
        check_offer(sdp, 16_384)


def test_a_too_long_offer_is_refused() -> None:
    with pytest.raises(LegRefused):
        check_offer(VIDEO_OFFER, 20)


def test_the_counting_sink_counts_per_stream_and_stays_bounded() -> None:
    sink = CountingSink(max_streams=2)
    frame = av.VideoFrame(320, 240, "yuv420p")
    sink.submit("s1", "caller", frame, 9.5)
    sink.submit("s1", "caller", frame, 10.0)
    sink.submit("s1", "interpreter", frame, 8.0)
    assert sink.frames("s1", "caller") == 2 and sink.last("s1", "caller") == (10.0, (320, 240))
    sink.submit("s2", "caller", frame, 10.0)  # a third stream: the oldest is forgotten
    assert sink.frames("s1", "caller") == 0 and sink.frames("s2", "caller") == 1
    assert sink.total == 4


def test_quality_assistance_setting() -> None:
    assert quality_assistance_on("on") is True
    assert quality_assistance_on("off") is False
    assert quality_assistance_on("auto") is media.leg.quality_module_available()


@pytest.mark.parametrize(
    "bad", [{"max_legs": 0}, {"max_pending": 0}, {"sample_fps": 0}, {"answer_timeout": -1}]
)
def test_limits_must_be_finite_and_positive(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        LegLimits(**bad)  # type: ignore[arg-type]


# -- with aiortc


async def test_frames_are_sampled_for_the_sink_and_every_peer_is_closed(
    made: list[RTCPeerConnection],
) -> None:
    events = Events()
    sink = CountingSink()
    legs = MediaLegs(events, sink=sink, limits=LegLimits(sample_fps=2))
    page = await connect_page(legs, events, ref(), fps=10)
    try:
        await wait_until(lambda: sink.frames("s1", "caller") >= 1)
        started = time.monotonic()
        first = sink.frames("s1", "caller")
        await asyncio.sleep(1.5)
        elapsed = time.monotonic() - started
        sampled = sink.frames("s1", "caller") - first
        assert 1 <= sampled <= elapsed * 2 + 1  # at most `sample_fps`, not the 10 fps sent
        last = sink.last("s1", "caller")
        assert last is not None and 3 <= last[0] <= 15  # the received rate, about 10 fps
        assert legs.open_count == 1 and len(made) == 1
        legs.close("l1")
        await legs.drain()
        assert legs.open_count == 0 and made[0].connectionState == "closed"
        assert events.reports == []  # closed on request: nothing to report
    finally:
        await page.close()


async def test_a_failing_sink_never_ends_the_leg(made: list[RTCPeerConnection]) -> None:
    class Broken:
        calls = 0

        def submit(
            self, session_id: str, side: str, frame: av.VideoFrame, received_fps: float
        ) -> None:
            Broken.calls += 1
            raise RuntimeError("analyzer bug")

    events = Events()
    legs = MediaLegs(events, sink=Broken(), limits=LegLimits(sample_fps=20))
    page = await connect_page(legs, events, ref())
    try:
        await wait_until(lambda: Broken.calls >= 3)
        assert legs.open_count == 1 and made[0].connectionState == "connected"
    finally:
        await legs.close_all()
        await page.close()
    assert made[0].connectionState == "closed"


async def test_a_refused_offer_is_reported_and_its_peer_closed(
    made: list[RTCPeerConnection],
) -> None:
    events = Events()
    legs = MediaLegs(events)
    legs.open(ref(), VIDEO_OFFER + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n")
    await wait_until(lambda: bool(events.reports))
    await legs.drain()
    assert events.reports == [("l1", False)]
    assert legs.open_count == 0 and made[0].connectionState == "closed"


async def test_beyond_max_legs_an_offer_is_refused_at_once(
    made: list[RTCPeerConnection],
) -> None:
    events = Events()
    legs = MediaLegs(events, limits=LegLimits(max_legs=1))
    page = await connect_page(legs, events, ref("l1"))
    try:
        legs.open(ref("l2", "interpreter"), VIDEO_OFFER)
        await legs.drain()
        assert events.reports == [("l2", False)] and len(made) == 1
    finally:
        await legs.close_all()
        await page.close()
    assert legs.closed and made[0].connectionState == "closed"
    legs.open(ref("l3"), VIDEO_OFFER)  # after close_all nothing opens
    await legs.drain()
    assert ("l3", False) in events.reports and len(made) == 1


async def test_candidates_are_bounded_and_unknown_legs_ignored(
    made: list[RTCPeerConnection],
) -> None:
    events = Events()
    legs = MediaLegs(events, limits=LegLimits(max_pending=2, answer_timeout=0.5))
    legs.add_candidate("nope", None)  # unknown: ignored
    legs.open(ref(), VIDEO_OFFER)  # not a real offer (no ICE or DTLS fields): refused
    for _ in range(5):
        legs.add_candidate("l1", {"candidate": "candidate:1 1 udp 1 192.0.2.1 9 typ host"})
    await wait_until(lambda: bool(events.reports))
    await legs.drain()
    assert events.reports == [("l1", False)] and made[0].connectionState == "closed"
