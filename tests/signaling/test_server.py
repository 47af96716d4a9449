"""The shell's pure parts: settings to core limits, ICE servers, which ends complete a booking."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from signaling.protocol import IceServer
from signaling.records import SessionRecord
from signaling.server import core_config, ice_servers_from, new_conn_id, protocol_limits
from signaling.states import Actor, EndReason
from signaling.store import RecordWriter, completes_reservation
from tests.conftest import make_settings
from tests.signaling.harness import Harness, session_records

URL = "sqlite+aiosqlite:///:memory:"


def test_every_core_limit_comes_from_the_settings() -> None:
    settings = make_settings(
        URL,
        call_join_early_minutes=7,
        call_handover_grace_minutes=2,
        call_resume_window_seconds=30,
        ws_hello_timeout_seconds=4.5,
        call_max_overrun_minutes=15,
        ws_max_connections=10,
        ws_max_sessions=3,
        ws_max_message_bytes=4096,
        ws_max_sdp_chars=2048,
    )
    config = core_config(settings)
    assert config.join_early == timedelta(minutes=7)
    assert config.handover_grace == timedelta(minutes=2)
    assert config.resume_window == timedelta(seconds=30)
    assert config.hello_timeout == timedelta(seconds=4.5)
    assert config.max_overrun == timedelta(minutes=15)
    assert (config.max_connections, config.max_sessions) == (10, 3)
    limits = protocol_limits(settings)
    assert (limits.max_message_bytes, limits.max_sdp_chars) == (4096, 2048)


def test_ice_servers_accept_one_url_or_many() -> None:
    settings = make_settings(
        URL,
        ice_servers=[
            {"urls": "stun:stun.example:3478"},
            {"urls": ["turn:a.example", "turns:a.example"], "username": "u", "credential": "p"},
        ],
    )
    assert ice_servers_from(settings) == (
        IceServer(urls=("stun:stun.example:3478",)),
        IceServer(urls=("turn:a.example", "turns:a.example"), username="u", credential="p"),
    )


@pytest.mark.parametrize(
    "entry",
    [{}, {"urls": []}, {"urls": ""}, {"urls": "stun:x", "username": ["u"]}],
    ids=["no-urls", "empty-list", "empty-url", "list-username"],
)
def test_a_malformed_ice_server_fails_at_start_up(entry: dict[str, str | list[str]]) -> None:
    with pytest.raises(ValueError, match=r"ice_servers\[0\]"):
        ice_servers_from(make_settings(URL, ice_servers=[entry]))


def test_connection_ids_are_short_and_random() -> None:
    ids = {new_conn_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(i.startswith("c_") and len(i) == 14 for i in ids)


def _ended_record(reason: EndReason, *, media: bool) -> SessionRecord:
    h = Harness()
    sid = h.matched_pair()
    if media:
        for conn in ("c1", "i1"):
            h.send(conn, type="media", session_id=sid, state="connected")
    decision = h.send("c1", type="hangup", session_id=sid)
    [record] = session_records(decision)
    return replace(record, end_reason=reason, ended_by=Actor.CALLER)


@pytest.mark.parametrize(
    ("reason", "media", "completes"),
    [
        (EndReason.HANGUP, True, True),
        (EndReason.HANGUP, False, False),
        (EndReason.MEDIA_FAILED, True, False),
        (EndReason.DROPPED, True, False),
        (EndReason.EXPIRED, True, False),
        (EndReason.SHUTDOWN, True, False),
    ],
)
def test_only_a_hang_up_after_media_completes_the_booking(
    reason: EndReason, media: bool, completes: bool
) -> None:
    record = _ended_record(reason, media=media)
    assert completes_reservation(record) is completes


async def test_a_full_record_queue_loses_the_record_loudly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    writer = RecordWriter(async_sessionmaker(), capacity=1)  # never started: nothing drains it
    record = _ended_record(EndReason.HANGUP, media=True)
    writer.put(record)
    writer.put(record)
    assert "record queue full" in caplog.text and record.session_id in caplog.text
