"""Relay mode in `media.leg` with real aiortc pages: each page's camera reaches the other page
through the server, the analysis tap sees it, a consented side is recorded to a file PyAV can
play, a page that reconnects gets the other side's video again, and nothing stays open."""

from __future__ import annotations

import asyncio
import fractions
import stat
from pathlib import Path

import av
import numpy as np
import pytest
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtp import RtpPacket

import media.leg
from media.leg import CountingSink, LegLimits, LegRef, MediaLegs, RecordingPlace
from media.recording import RecordingFile
from media.relay import ForwardTrack, MarkerJitterBuffer, RelayVp8Encoder
from tests.media import test_leg
from tests.media.test_leg import wait_until

CALLER_LUMA = 60
INTERPRETER_LUMA = 190


def grey(luma: int) -> float:
    """What a limited-range luma reads as in a full-range grey picture."""
    return (luma - 16) * 255 / 219


class Camera(VideoStreamTrack):
    """A flat grey 320x240 picture at `fps`, its brightness telling whose camera it is."""

    def __init__(self, luma: int, fps: float = 15.0) -> None:
        super().__init__()
        self._luma = luma
        self._fps = fps
        self._count = 0

    async def recv(self) -> av.VideoFrame:
        await asyncio.sleep(1 / self._fps)
        planes = np.full((360, 320), 128, dtype=np.uint8)
        planes[:240] = self._luma
        frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
        frame.pts = self._count * int(90000 / self._fps)
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


class Events(test_leg.Events):
    """The direct-mode test's events, plus the recordings relay legs report."""

    def __init__(self) -> None:
        super().__init__()
        self.recordings: list[RecordingFile] = []

    async def recorded(self, leg: LegRef, recording: RecordingFile) -> None:
        self.recordings.append(recording)


class Page:
    """A browser stand-in: sends its camera to the server and watches what comes back."""

    def __init__(self, luma: int) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTransceiver(Camera(luma), direction="sendrecv")
        self.lumas: list[float] = []
        self._reader: asyncio.Task[None] | None = None

        @self.pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self._reader = asyncio.ensure_future(self._read(track))

    async def _read(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            assert isinstance(frame, av.VideoFrame)
            y = frame.to_ndarray(format="gray")
            self.lumas.append(float(y.mean()))

    async def connect(self, legs: MediaLegs, events: Events, ref: LegRef) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        answer = events.expect(ref.leg_id)
        legs.open(ref, self.pc.localDescription.sdp)
        sdp = await asyncio.wait_for(answer, 10)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))

    def saw(self, luma: int, frames: int = 5) -> bool:
        near = [v for v in self.lumas if abs(v - grey(luma)) < 12]
        return len(near) >= frames

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self.pc.close()


def relay_ref(leg_id: str, side: str, *, record: bool = False) -> LegRef:
    return LegRef(leg_id, "s1", side, f"c-{side}", relay=True, record=record)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[RTCPeerConnection]:
    peers: list[RTCPeerConnection] = []

    def recording(configuration: RTCConfiguration) -> RTCPeerConnection:
        pc = RTCPeerConnection(configuration=configuration)
        peers.append(pc)
        return pc

    monkeypatch.setattr(media.leg, "new_peer_connection", recording)
    return peers


def decoded_frames(path: Path) -> list[float]:
    """Mean brightness of every frame PyAV decodes from a recording."""
    with av.open(str(path)) as container:
        return [float(f.to_ndarray(format="gray").mean()) for f in container.decode(video=0)]


async def test_each_side_sees_the_other_through_the_server_and_both_are_recorded(
    made: list[RTCPeerConnection], tmp_path: Path
) -> None:
    events = Events()
    sink = CountingSink()
    place = RecordingPlace(tmp_path / "recordings", "webm")
    legs = MediaLegs(events, sink=sink, limits=LegLimits(sample_fps=5), recording=place)
    caller, interpreter = Page(CALLER_LUMA), Page(INTERPRETER_LUMA)
    try:
        await caller.connect(legs, events, relay_ref("l1", "caller", record=True))
        await interpreter.connect(legs, events, relay_ref("l2", "interpreter", record=True))
        await wait_until(lambda: interpreter.saw(CALLER_LUMA) and caller.saw(INTERPRETER_LUMA), 20)
        # The analysis tap sees both cameras (the same decode as the relay's).
        assert sink.frames("s1", "caller") >= 1 and sink.frames("s1", "interpreter") >= 1
        assert len(legs.relays) == 1
        await asyncio.sleep(1.0)
        legs.close("l1")
        legs.close("l2")
        await legs.drain()
    finally:
        await caller.close()
        await interpreter.close()
    assert legs.open_count == 0 and len(legs.relays) == 0
    assert all(pc.connectionState == "closed" for pc in made)
    by_side = {r.side: r for r in events.recordings}
    assert set(by_side) == {"caller", "interpreter"}
    directory = tmp_path / "recordings"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for side, luma in (("caller", CALLER_LUMA), ("interpreter", INTERPRETER_LUMA)):
        recording = by_side[side]
        path = directory / recording.file_name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert recording.bytes == path.stat().st_size > 0
        assert len(recording.recording_id) == 32  # 128 bits, hex: no name, no time
        lumas = decoded_frames(path)
        assert len(lumas) >= 5 and recording.frames >= len(lumas) - 1
        assert all(abs(v - grey(luma)) < 12 for v in lumas)  # that side's camera, not the other's


async def test_mp4_recordings_play_too(made: list[RTCPeerConnection], tmp_path: Path) -> None:
    events = Events()
    legs = MediaLegs(events, recording=RecordingPlace(tmp_path, "mp4"))
    caller, interpreter = Page(CALLER_LUMA), Page(INTERPRETER_LUMA)
    try:
        await caller.connect(legs, events, relay_ref("l1", "caller", record=True))
        await interpreter.connect(legs, events, relay_ref("l2", "interpreter"))
        await wait_until(lambda: interpreter.saw(CALLER_LUMA), 20)
        await legs.close_all()
    finally:
        await caller.close()
        await interpreter.close()
    assert [r.side for r in events.recordings] == ["caller"]  # only the consented side
    assert events.recordings[0].file_name.endswith(".mp4")
    assert len(decoded_frames(tmp_path / events.recordings[0].file_name)) >= 5


async def test_a_page_that_reconnects_gets_the_other_side_again_and_nothing_leaks(
    made: list[RTCPeerConnection],
) -> None:
    events = Events()
    legs = MediaLegs(events)
    caller, interpreter = Page(CALLER_LUMA), Page(INTERPRETER_LUMA)
    second: Page | None = None
    try:
        await caller.connect(legs, events, relay_ref("l1", "caller"))
        await interpreter.connect(legs, events, relay_ref("l2", "interpreter"))
        await wait_until(lambda: caller.saw(INTERPRETER_LUMA), 20)
        # The interpreter's page reloads: its old leg is closed, a new one opened.
        legs.close("l2")
        await interpreter.close()
        second = Page(INTERPRETER_LUMA)
        await second.connect(legs, events, relay_ref("l3", "interpreter"))
        before = len(caller.lumas)
        await wait_until(lambda: second is not None and second.saw(CALLER_LUMA), 20)
        await wait_until(lambda: len(caller.lumas) > before + 5, 20)  # the caller's view resumed
        await legs.close_all()
    finally:
        await caller.close()
        if second is not None:
            await second.close()
    assert legs.open_count == 0 and len(legs.relays) == 0
    assert all(pc.connectionState == "closed" for pc in made)


async def test_a_forward_track_waits_for_a_source_and_switches() -> None:
    forward = ForwardTrack()
    first, second = Camera(20, fps=50), Camera(200, fps=50)
    reading = asyncio.ensure_future(forward.recv())
    await asyncio.sleep(0.1)
    assert not reading.done()  # no source yet: it waits
    forward.set_source(first)
    frame = await asyncio.wait_for(reading, 2)
    assert isinstance(frame, av.VideoFrame)
    assert abs(frame.to_ndarray(format="gray").mean() - grey(20)) < 2
    forward.set_source(second)
    frame = await asyncio.wait_for(forward.recv(), 2)
    assert isinstance(frame, av.VideoFrame)
    assert abs(frame.to_ndarray(format="gray").mean() - grey(200)) < 2
    assert first.readyState == "ended"  # the replaced source was stopped
    forward.stop()
    with pytest.raises(MediaStreamError):
        await forward.recv()


async def test_withdrawn_consent_finishes_the_recording_and_the_call_goes_on(
    made: list[RTCPeerConnection], tmp_path: Path
) -> None:
    events = Events()
    legs = MediaLegs(events, recording=RecordingPlace(tmp_path, "webm"))
    caller, interpreter = Page(CALLER_LUMA), Page(INTERPRETER_LUMA)
    try:
        await caller.connect(legs, events, relay_ref("l1", "caller", record=True))
        await interpreter.connect(legs, events, relay_ref("l2", "interpreter", record=True))
        await wait_until(lambda: interpreter.saw(CALLER_LUMA) and caller.saw(INTERPRETER_LUMA), 20)
        await asyncio.sleep(0.5)
        legs.stop_recording("s1")
        await wait_until(lambda: len(events.recordings) == 2, 10)
        before = len(caller.lumas)
        await wait_until(lambda: len(caller.lumas) > before + 10, 10)  # still relayed
        assert legs.open_count == 2
        await legs.close_all()
    finally:
        await caller.close()
        await interpreter.close()
    assert len(events.recordings) == 2  # nothing more was recorded after the stop
    for recording in events.recordings:
        assert len(decoded_frames(tmp_path / recording.file_name)) >= 3


def test_the_relay_encoder_encodes_vp8_and_keeps_rtp_time_moving_forward() -> None:
    encoder = RelayVp8Encoder()
    camera_frames = []
    for i in range(3):
        frame = av.VideoFrame.from_ndarray(np.full((720, 640), 100, np.uint8), format="yuv420p")
        frame.pts, frame.time_base = i * 3000, fractions.Fraction(1, 90000)
        camera_frames.append(frame)
    stamps = []
    for frame in camera_frames:
        payloads, timestamp = encoder.encode(frame)
        assert payloads and all(len(p) <= 1300 for p in payloads)
        stamps.append(timestamp)
    assert [round(s, -2) for s in stamps] == [0, 3000, 6000]  # the frames' own clock
    # The other side reconnects: its clock starts again at 0, the RTP time does not go back.
    restarted = av.VideoFrame.from_ndarray(np.full((720, 640), 90, np.uint8), format="yuv420p")
    restarted.pts, restarted.time_base = 0, fractions.Fraction(1, 90000)
    _, timestamp = encoder.encode(restarted, force_keyframe=True)
    assert timestamp > stamps[-1]


async def test_the_servers_relay_senders_use_the_relay_encoder(
    made: list[RTCPeerConnection],
) -> None:
    events = Events()
    legs = MediaLegs(events)
    caller, interpreter = Page(CALLER_LUMA), Page(INTERPRETER_LUMA)
    try:
        await caller.connect(legs, events, relay_ref("l1", "caller"))
        await interpreter.connect(legs, events, relay_ref("l2", "interpreter"))
        await wait_until(lambda: caller.saw(INTERPRETER_LUMA), 20)
        encoders = [
            getattr(t.sender, "_RTCRtpSender__encoder", None)
            for pc in made
            for t in pc.getTransceivers()
        ]
        assert len(encoders) == 2 and all(isinstance(e, RelayVp8Encoder) for e in encoders)
        await legs.close_all()
    finally:
        await caller.close()
        await interpreter.close()


def rtp(seq: int, timestamp: int, data: bytes, *, marker: bool) -> RtpPacket:
    packet = RtpPacket(sequence_number=seq, timestamp=timestamp, marker=int(marker))
    packet._data = data  # type: ignore[attr-defined]  # what the receiver's depayloader sets
    return packet


def test_a_marked_frame_leaves_the_jitter_buffer_at_once() -> None:
    buffer = MarkerJitterBuffer(capacity=64, is_video=True)
    assert buffer.add(rtp(10, 3000, b"ab", marker=False)) == (False, None)
    _, frame = buffer.add(rtp(11, 3000, b"cd", marker=True))  # aiortc alone would wait
    assert frame is not None and (frame.data, frame.timestamp) == (b"abcd", 3000)
    # A frame with a packet missing waits; when the gap fills in, it goes.
    assert buffer.add(rtp(14, 6000, b"gh", marker=True))[1] is None
    assert buffer.add(rtp(12, 6000, b"ef", marker=False))[1] is None
    _, frame = buffer.add(rtp(13, 6000, b"xy", marker=False))
    assert frame is not None and frame.data == b"efxygh"
    # Without marks, aiortc's own rule still holds: a frame goes when the next one starts.
    assert buffer.add(rtp(15, 9000, b"1", marker=False))[1] is None
    _, frame = buffer.add(rtp(16, 12000, b"2", marker=False))
    assert frame is not None and (frame.data, frame.timestamp) == (b"1", 9000)
