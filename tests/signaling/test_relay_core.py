"""Relay mode and recording in the pure core: what `matched` tells each page, that each page's
leg is a relay leg (recorded only with the caller's consent), and that the consent's version and
time reach the session record."""

from __future__ import annotations

from datetime import timedelta

import pytest

from signaling.config import CoreConfig
from signaling.decisions import LegOpen, RecordingStop
from signaling.protocol import Consents, Matched, MediaLegSpec, RelaySpec
from signaling.states import Side
from tests.signaling.harness import (
    CALLER,
    INTERPRETER,
    SDP,
    SLOT,
    Harness,
    error_code,
    only,
    session_records,
)

RELAY = RelaySpec(max_width=640, max_height=480, max_fps=30, quality=True)
QUALITY = MediaLegSpec(max_width=320, max_height=240, max_fps=10)


def config(*, recording: bool) -> CoreConfig:
    return CoreConfig(
        wrap_up=timedelta(0),
        media_leg=QUALITY,
        relay=RELAY,
        recording=recording,
        recording_consent_version="rec-v7",
    )


def matched_pair(h: Harness, *, consent: bool) -> tuple[str, Matched, Matched]:
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c1", CALLER)
    decision = h.send("c1", type="join", recording_consent=consent)
    caller, interpreter = only(decision, "c1", Matched), only(decision, "i1", Matched)
    return caller.session_id, caller, interpreter


def leg_open(h: Harness, conn: str, sid: str) -> LegOpen:
    decision = h.send(conn, type="leg_offer", session_id=sid, sdp=SDP)
    [effect] = [e for e in decision.legs if isinstance(e, LegOpen)]
    return effect


@pytest.mark.parametrize("consent", [True, False])
def test_relay_mode_sends_relay_instead_of_the_quality_leg(consent: bool) -> None:
    h = Harness(config(recording=True))
    sid, caller, interpreter = matched_pair(h, consent=consent)
    for message in (caller, interpreter):
        assert message.relay == RELAY and message.media_leg is None
        assert message.recording is consent  # both pages show the badge, or neither
    for conn, side in (("c1", Side.CALLER), ("i1", Side.INTERPRETER)):
        effect = leg_open(h, conn, sid)
        assert effect.side is side and effect.relay
        assert effect.record is consent  # both sides are recorded with the caller's consent


def test_consent_counts_only_where_the_server_records() -> None:
    h = Harness(config(recording=False))
    sid, caller, _ = matched_pair(h, consent=True)
    assert caller.recording is False
    assert leg_open(h, "c1", sid).record is False
    ended = h.send("c1", SLOT + timedelta(minutes=5), type="hangup", session_id=sid)
    [record] = session_records(ended)
    assert record.recording_consent_at is None and record.recording_consent_version is None


def test_the_record_keeps_the_consents_version_and_time() -> None:
    h = Harness(config(recording=True))
    sid, _, _ = matched_pair(h, consent=True)
    ended = h.send("c1", SLOT + timedelta(minutes=5), type="hangup", session_id=sid)
    [record] = session_records(ended)
    assert record.recording_consent_version == "rec-v7"
    assert record.recording_consent_at == SLOT


def test_direct_mode_is_unchanged() -> None:
    h = Harness(CoreConfig(wrap_up=timedelta(0), media_leg=QUALITY))
    sid, caller, _ = matched_pair(h, consent=True)
    assert caller.relay is None and caller.recording is False and caller.media_leg == QUALITY
    effect = leg_open(h, "c1", sid)
    assert not effect.relay and not effect.record


def test_recording_needs_relay_mode() -> None:
    with pytest.raises(ValueError, match="relayed"):
        CoreConfig(recording=True)


def test_the_caller_withdraws_the_recording_consent_and_both_pages_are_told() -> None:
    h = Harness(config(recording=True))
    sid, _, _ = matched_pair(h, consent=True)
    later = SLOT + timedelta(minutes=2)
    refused = h.send("i1", later, type="withdraw_consent", session_id=sid, consent="recording")
    assert error_code(refused, "i1") == "not_allowed"  # only the caller gave it
    decision = h.send("c1", later, type="withdraw_consent", session_id=sid, consent="recording")
    assert decision.legs == [RecordingStop(sid)]
    for conn in ("c1", "i1"):
        told = only(decision, conn, Consents)
        assert told.recording is False and told.transcript_kept is False
    assert leg_open(h, "c1", sid).record is False  # a reconnecting page is not recorded again
    again = h.send("c1", later, type="withdraw_consent", session_id=sid, consent="recording")
    assert again.legs == [] and again.deliveries == []  # nothing left to withdraw
    ended = h.send("c1", later + timedelta(minutes=1), type="hangup", session_id=sid)
    [record] = session_records(ended)
    assert record.recording_consent_at == SLOT and record.recording_withdrawn_at == later


def test_a_withdrawn_transcript_consent_keeps_what_came_before_and_nothing_after() -> None:
    h = Harness(config(recording=False))
    h.open("i1", INTERPRETER)
    h.send("i1", type="presence", state="ready")
    h.open("c1", CALLER)
    joined = h.send("c1", type="join", transcript_consent=True)
    sid = only(joined, "c1", Matched).session_id
    h.send("c1", SLOT + timedelta(seconds=10), type="chat", session_id=sid, text="before")
    later = SLOT + timedelta(seconds=20)
    decision = h.send("c1", later, type="withdraw_consent", session_id=sid, consent="transcript")
    assert only(decision, "i1", Consents).transcript_kept is False
    h.send("c1", SLOT + timedelta(seconds=30), type="chat", session_id=sid, text="after")
    ended = h.send("c1", SLOT + timedelta(minutes=1), type="hangup", session_id=sid)
    [record] = session_records(ended)
    assert [line.text for line in record.transcript] == ["before"]
    assert record.transcript_consent_at == SLOT
    assert record.transcript_consent_version == "transcript-v1"
    assert record.transcript_withdrawn_at == later
