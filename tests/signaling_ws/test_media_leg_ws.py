"""The media leg over the real `/ws`, with aiortc in Python playing each browser's second
RTCPeerConnection: offer and answer, frames at the sink, and every server-side peer connection
closed after a hang-up, after a page vanishes, and at shutdown."""

from __future__ import annotations

import asyncio
import fractions
import logging
from collections.abc import Callable, Iterator
from typing import Any

import av
import pytest
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)

import media.leg
from media.leg import CountingSink
from signaling.server import CORE, LEGS
from tests.signaling_ws.scenario import (
    WS,
    Client,
    Inbox,
    MakeClient,
    add_booking,
    add_interpreter,
    connect,
    connect_caller,
    hello,
    interpreter_cookie,
    ready_interpreter,
    send,
)

FRAME_SECONDS = 10.0  # frames must reach the sink within this
# The legs alone: their frames go to the counting sink (the analyzer has tests of its own).
QUALITY_ON: dict[str, object] = {
    "quality_assistance": "on",
    "quality_analyzer": "off",
    "call_resume_window_seconds": 1,
}


class Camera(VideoStreamTrack):
    """A 320x240 test pattern at 10 fps, like a page's scaled-down leg."""

    def __init__(self) -> None:
        super().__init__()
        self._count = 0

    async def recv(self) -> av.VideoFrame:
        await asyncio.sleep(0.1)
        frame = av.VideoFrame(320, 240, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes([(self._count * 7) % 256]) * plane.buffer_size)
        frame.pts = self._count * 9000
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


class Page:
    """One page of a call: its signaling socket and its leg to the server (aiortc, sendonly)."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))

    async def open_leg(self, session_id: str) -> dict[str, Any]:
        self.pc.addTransceiver(Camera(), direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        sdp = self.pc.localDescription.sdp
        await send(self.inbox.ws, {"type": "leg_offer", "session_id": session_id, "sdp": sdp})
        answer = await self.next("leg_answer")
        assert answer["session_id"] == session_id and "m=video" in answer["sdp"]
        assert "a=recvonly" in answer["sdp"]
        end = await self.next("leg_ice")
        assert end == {"v": 1, "type": "leg_ice", "session_id": session_id, "candidate": None}
        await self.pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
        return answer

    async def next(self, kind: str) -> dict[str, Any]:
        """The next message of `kind`, skipping others (presence, chat, ...)."""
        while True:
            message = await self.inbox.next()
            if message["type"] == kind:
                return message

    async def close(self) -> None:
        await self.pc.close()


@pytest.fixture
def server_peers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RTCPeerConnection]]:
    """Every RTCPeerConnection the server makes for a leg, to check that each one is closed."""
    made: list[RTCPeerConnection] = []

    def recording(configuration: RTCConfiguration) -> RTCPeerConnection:
        assert configuration.iceServers == []  # never aiortc's public STUN default
        pc = RTCPeerConnection(configuration=configuration)
        made.append(pc)
        return pc

    monkeypatch.setattr(media.leg, "new_peer_connection", recording)
    yield made


async def wait_until(condition: Callable[[], bool], seconds: float = FRAME_SECONDS) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


async def matched_pages(client: Client) -> tuple[Page, Page, str]:
    """A caller and their interpreter, matched; returns (caller, interpreter, session id)."""
    lee = await add_interpreter(client)
    booking = await add_booking(client, lee)
    interpreter = Page(Inbox(await ready_interpreter(client, lee)))
    ws = await connect_caller(client, booking)
    await hello(ws)
    caller = Page(Inbox(ws))
    await send(ws, {"type": "join"})
    matched = await caller.next("matched")
    assert matched["media_leg"] == {"max_width": 320, "max_height": 240, "max_fps": 10}
    assert (await interpreter.next("matched"))["media_leg"] == matched["media_leg"]
    return caller, interpreter, matched["session_id"]


def sink_of(client: Client) -> CountingSink:
    sink = client.app[LEGS].sink
    assert isinstance(sink, CountingSink)
    return sink


async def test_both_legs_deliver_frames_and_hangup_closes_every_server_peer(
    make_client: MakeClient,
    server_peers: list[RTCPeerConnection],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name in ("media.leg", "signaling.server"):
        caplog.set_level(logging.DEBUG, logger=name)
    client = await make_client(**QUALITY_ON)
    caller, interpreter, sid = await matched_pages(client)
    try:
        await caller.open_leg(sid)
        await interpreter.open_leg(sid)
        sink = sink_of(client)
        await wait_until(lambda: sink.frames(sid, "caller") >= 3)
        await wait_until(lambda: sink.frames(sid, "interpreter") >= 3)
        last = sink.last(sid, "caller")
        assert last is not None and last[1] == (320, 240) and 0 < last[0] <= 30
        legs = client.app[LEGS]
        assert legs.open_count == 2 and client.app[CORE].leg_count == 2
        assert len(server_peers) == 2

        await send(caller.inbox.ws, {"type": "hangup", "session_id": sid})
        await caller.next("ended")
        await interpreter.next("ended")
        await legs.drain()
        assert legs.open_count == 0 and client.app[CORE].leg_count == 0
        assert [pc.connectionState for pc in server_peers] == ["closed", "closed"]
        before = sink.frames(sid, "caller")
        await asyncio.sleep(0.3)
        assert sink.frames(sid, "caller") == before  # nothing after the end
        # The legs were logged by id and side, never with SDP or candidates.
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert "leg l1 (caller): opening" in logged and "answered" in logged
        for secret in ("v=0", "ice-ufrag", "ice-pwd", "fingerprint", "candidate:", "typ host"):
            assert secret not in logged
    finally:
        await caller.close()
        await interpreter.close()


async def test_shutdown_closes_every_leg(
    make_client: MakeClient, server_peers: list[RTCPeerConnection]
) -> None:
    client = await make_client(**QUALITY_ON)
    caller, interpreter, sid = await matched_pages(client)
    try:
        await caller.open_leg(sid)
        await interpreter.open_leg(sid)
        await wait_until(lambda: sink_of(client).frames(sid, "interpreter") >= 1)
        legs = client.app[LEGS]
        await client.close()  # on_shutdown and the cleanup contexts run
        assert legs.open_count == 0 and legs.closed
        assert len(server_peers) == 2
        assert all(pc.connectionState == "closed" for pc in server_peers)
    finally:
        await caller.close()
        await interpreter.close()


async def test_a_browser_that_vanishes_mid_call_leaves_no_leg_and_the_server_serves_on(
    make_client: MakeClient, server_peers: list[RTCPeerConnection]
) -> None:
    client = await make_client(**QUALITY_ON)
    caller, interpreter, sid = await matched_pages(client)
    try:
        await caller.open_leg(sid)
        await wait_until(lambda: sink_of(client).frames(sid, "caller") >= 1)
        # The caller's tab is killed: the socket drops without a close frame and its leg's
        # peer connection is never closed by the page.
        transport = caller.inbox.ws._response.connection
        assert transport is not None
        transport.transport.abort()  # type: ignore[union-attr]
        assert (await interpreter.next("peer_status"))["status"] == "disconnected"
        ended = await interpreter.next("ended")  # after the 1 s resume window
        assert ended["reason"] == "dropped"
        legs = client.app[LEGS]
        await legs.drain()
        assert legs.open_count == 0 and client.app[CORE].leg_count == 0
        assert all(pc.connectionState == "closed" for pc in server_peers)
        # The server serves on: a new interpreter connects and says hello.
        other = await add_interpreter(client, "Park Interpreter")
        ws: WS = await connect(client, await interpreter_cookie(client, other, "park"))
        assert (await hello(ws))["type"] == "welcome"
        await ws.close()
    finally:
        await caller.close()
        await interpreter.close()


async def test_a_page_that_closes_its_leg_frees_it_and_the_call_goes_on(
    make_client: MakeClient, server_peers: list[RTCPeerConnection]
) -> None:
    client = await make_client(**QUALITY_ON)
    caller, interpreter, sid = await matched_pages(client)
    try:
        await caller.open_leg(sid)
        await wait_until(lambda: sink_of(client).frames(sid, "caller") >= 1)
        await caller.close()  # DTLS close_notify: the server's side ends by itself
        core = client.app[CORE]
        await wait_until(lambda: core.leg_count == 0)
        await client.app[LEGS].drain()
        assert client.app[LEGS].open_count == 0
        assert server_peers[0].connectionState == "closed"
        assert core.session_state(sid) is not None  # the call itself goes on
        await send(caller.inbox.ws, {"type": "chat", "session_id": sid, "text": "still here"})
        assert (await interpreter.next("chat"))["text"] == "still here"
    finally:
        await caller.close()
        await interpreter.close()


async def test_a_new_offer_replaces_the_pages_leg(
    make_client: MakeClient, server_peers: list[RTCPeerConnection]
) -> None:
    client = await make_client(**QUALITY_ON)
    caller, interpreter, sid = await matched_pages(client)
    second = Page(caller.inbox)
    try:
        await caller.open_leg(sid)
        await second.open_leg(sid)  # e.g. the page renegotiates after a reconnect
        await client.app[LEGS].drain()
        assert client.app[LEGS].open_count == 1 and client.app[CORE].leg_count == 1
        assert server_peers[0].connectionState == "closed"
        await wait_until(lambda: sink_of(client).frames(sid, "caller") >= 1)
    finally:
        await caller.close()
        await second.close()
        await interpreter.close()


async def test_an_offer_with_audio_is_refused_with_leg_failed(make_client: MakeClient) -> None:
    client = await make_client(**QUALITY_ON)
    caller, interpreter, sid = await matched_pages(client)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        pc.addTransceiver("audio", direction="sendonly")
        pc.addTransceiver("video", direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"type": "leg_offer", "session_id": sid, "sdp": pc.localDescription.sdp}
        await send(caller.inbox.ws, offer)
        error = await caller.next("error")
        assert (error["code"], error["about"]) == ("leg_failed", "leg_offer")
        assert client.app[CORE].leg_count == 0 and client.app[LEGS].open_count == 0
    finally:
        await pc.close()
        await caller.close()
        await interpreter.close()


async def test_with_quality_assistance_off_there_is_no_leg(make_client: MakeClient) -> None:
    client = await make_client(quality_assistance="off")
    lee = await add_interpreter(client)
    booking = await add_booking(client, lee)
    interpreter = Inbox(await ready_interpreter(client, lee))
    ws = await connect_caller(client, booking)
    await hello(ws)
    caller = Page(Inbox(ws))
    await send(ws, {"type": "join"})
    matched = await caller.next("matched")
    assert matched["media_leg"] is None
    offer = {"type": "leg_offer", "session_id": matched["session_id"], "sdp": "v=0\r\n"}
    await send(ws, offer)
    error = await caller.next("error")
    assert (error["code"], error["about"]) == ("not_allowed", "leg_offer")
    await ws.close()
    await interpreter.ws.close()
    await caller.close()
