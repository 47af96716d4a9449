"""Quality assistance in the pure core (issue 5): the pages' `stats` become the received numbers
of the other member's video for the analyzer (`LegStats`), and the analyzer's news becomes
`quality` messages for whoever may see them (`quality_event`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from signaling.config import CoreConfig
from signaling.decisions import Decision, LegStats
from signaling.identities import WalkInIdentity
from signaling.protocol import (
    HINT_CODES,
    MediaLegSpec,
    ProtocolError,
    QualityUpdate,
    Ring,
    StatsReport,
    Waiting,
    parse_client_message,
)
from signaling.states import Side
from tests.signaling.harness import CALLER, INTERPRETER, SLOT, Harness, error_code, only

SPEC = MediaLegSpec(max_width=320, max_height=240, max_fps=10)
QUALITY = CoreConfig(wrap_up=timedelta(0), media_leg=SPEC)
SECOND = timedelta(seconds=1)


# -- stats: the call's received frame rate and size, for the analyzer


def test_a_pages_stats_describe_the_other_members_video() -> None:
    h = Harness(QUALITY)
    sid = h.matched_pair()
    from_caller = h.send(
        "c1", type="stats", session_id=sid, fps_received=24.5, width=640, height=480
    )
    # The caller's page receives the interpreter's video.
    assert from_caller.legs == [LegStats(sid, Side.INTERPRETER, 24.5, (640, 480))]
    assert from_caller.deliveries == []
    from_interpreter = h.send("i1", type="stats", session_id=sid, fps_received=12.0)
    assert from_interpreter.legs == [LegStats(sid, Side.CALLER, 12.0, None)]
    zero = h.send("i1", type="stats", session_id=sid, fps_received=0.0, width=0, height=0)
    assert zero.legs == [LegStats(sid, Side.CALLER, 0.0, None)]  # nothing decoded yet


def test_stats_stay_in_the_core_without_quality_assistance_or_video() -> None:
    h = Harness()
    sid = h.matched_pair()
    assert h.send("c1", type="stats", session_id=sid, fps_received=24.5, width=640).legs == []
    chat = Harness(QUALITY)
    chat.open("i1", INTERPRETER)
    chat.send("i1", type="presence", state="ready")
    chat.open("w1", WalkInIdentity(5, "Citizen 5", "ksl", None, "chat"))
    ring = only(chat.send("w1", type="join"), "i1", Ring)
    chat.send("i1", SLOT + SECOND, type="accept", session_id=ring.session_id)
    report = chat.send("w1", type="stats", session_id=ring.session_id, fps_received=0.0)
    assert report.legs == []


def test_stats_from_outsiders_are_refused_and_change_nothing() -> None:
    h = Harness(QUALITY)
    sid = h.matched_pair()
    h.open("i2", INTERPRETER.__class__(12, 2, "Park Interpreter", frozenset({"ksl"})))
    refused = h.send("i2", type="stats", session_id=sid, fps_received=24.5)
    assert error_code(refused, "i2") == "not_in_session" and refused.legs == []


def test_stats_frame_sizes_are_bounded_and_optional() -> None:
    def parse(**fields: object) -> StatsReport | ProtocolError:
        message = {"type": "stats", "session_id": "s1", "fps_received": 24.0, **fields}
        parsed = parse_client_message(json.dumps(message))
        assert isinstance(parsed, StatsReport | ProtocolError)
        return parsed

    plain = parse()
    assert isinstance(plain, StatsReport) and (plain.width, plain.height) == (None, None)
    sized = parse(width=1280, height=720)
    assert isinstance(sized, StatsReport) and (sized.width, sized.height) == (1280, 720)
    for bad in ({"width": -1}, {"height": 9000}, {"width": 320.5}, {"width": "640"}):
        refused = parse(**bad)
        assert isinstance(refused, ProtocolError) and refused.code.value == "invalid", bad


# -- quality events: who is told what


def quality_of(decision: Decision, conn: str) -> list[tuple[str, tuple[str, ...], str | None]]:
    return [
        (m.side, m.hints, m.active_signer)
        for m in decision.to(conn)
        if isinstance(m, QualityUpdate)
    ]


def test_the_callers_hints_go_to_the_caller_and_to_the_interpreter() -> None:
    h = Harness(QUALITY)
    sid = h.matched_pair()
    news = h.core.quality_event(sid, "caller", ("low_light", "hands_cropped"), None, SLOT)
    # In the fixed order, whatever order the analyzer gave them in.
    expected = [("caller", ("hands_cropped", "low_light"), None)]
    assert quality_of(news, "c1") == expected and quality_of(news, "i1") == expected
    assert news.legs == [] and news.records == []
    cleared = h.core.quality_event(sid, "caller", (), None, SLOT)
    assert quality_of(cleared, "c1") == quality_of(cleared, "i1") == [("caller", (), None)]


def test_the_interpreters_hints_go_to_the_interpreter_only() -> None:
    h = Harness(QUALITY)
    sid = h.matched_pair()
    news = h.core.quality_event(sid, "interpreter", ("too_far",), None, SLOT)
    assert quality_of(news, "i1") == [("interpreter", ("too_far",), None)]
    assert quality_of(news, "c1") == []


def test_the_active_signer_goes_to_both_with_their_own_hints() -> None:
    h = Harness(QUALITY)
    sid = h.matched_pair()
    h.core.quality_event(sid, "interpreter", ("blurry",), None, SLOT)
    news = h.core.quality_event(sid, None, (), "caller", SLOT)
    assert quality_of(news, "c1") == [("caller", (), "caller")]
    assert quality_of(news, "i1") == [("interpreter", ("blurry",), "caller")]
    # Hints that change together with the signer carry it; nothing twice.
    both = h.core.quality_event(sid, "caller", ("low_light",), "interpreter", SLOT)
    assert quality_of(both, "c1") == [("caller", ("low_light",), "interpreter")]
    assert quality_of(both, "i1") == [("caller", ("low_light",), "interpreter")]
    assert h.core.quality_event(sid, None, (), "interpreter", SLOT).deliveries == []


def test_repeated_or_foreign_news_sends_nothing() -> None:
    h = Harness(QUALITY)
    sid = h.matched_pair()
    h.core.quality_event(sid, "caller", ("low_light",), None, SLOT)
    same = h.core.quality_event(sid, "caller", ("low_light", "low_light"), None, SLOT)
    assert same.deliveries == []
    for side, hints, active in (
        ("third_party", ("low_light",), None),
        ("caller", ("low_light",), "staff"),
    ):
        assert h.core.quality_event(sid, side, hints, active, SLOT).deliveries == []
    unknown_codes = h.core.quality_event(sid, "caller", ("low_light", "<b>x</b>"), None, SLOT)
    assert unknown_codes.deliveries == []  # the unknown code is dropped: nothing changed
    assert h.core.quality_event("s_gone", "caller", ("low_light",), None, SLOT).deliveries == []


def test_no_news_before_the_match_or_after_the_end() -> None:
    h = Harness(QUALITY)
    h.open("i1", INTERPRETER)
    h.open("c1", CALLER)
    sid = only(h.send("c1", type="join"), "c1", Waiting).session_id
    assert h.core.quality_event(sid, "caller", ("low_light",), None, SLOT).deliveries == []
    h.send("i1", type="presence", state="ready")
    h.send("c1", type="hangup", session_id=sid)
    assert h.core.quality_event(sid, "caller", ("low_light",), None, SLOT).deliveries == []


def test_a_returning_page_is_told_the_current_hints_and_signer() -> None:
    h = Harness(QUALITY)
    sid = h.matched_pair()
    h.core.quality_event(sid, "caller", ("low_light",), "caller", SLOT)
    h.core.quality_event(sid, "interpreter", ("too_close",), "caller", SLOT)
    h.disconnect("i1")
    # While the interpreter is away, only the caller hears of changes.
    away = h.core.quality_event(sid, "caller", ("low_light", "blurry"), "caller", SLOT)
    assert quality_of(away, "c1") == [("caller", ("low_light", "blurry"), "caller")]
    back = h.open("i2", INTERPRETER, resume_token="token-1")
    assert quality_of(back, "i2") == [
        ("caller", ("low_light", "blurry"), "caller"),
        ("interpreter", ("too_close",), "caller"),
    ]
    h.disconnect("c1")
    again = h.open("c2", CALLER, resume_token="token-2")
    assert quality_of(again, "c2") == [("caller", ("low_light", "blurry"), "caller")]


def test_a_returning_page_of_a_session_without_news_gets_none() -> None:
    h = Harness(QUALITY)
    h.matched_pair()
    h.disconnect("c1")
    assert quality_of(h.open("c2", CALLER, resume_token="token-2"), "c2") == []


def test_the_protocol_knows_the_analyzers_hint_codes() -> None:
    hints = pytest.importorskip("media.quality.hints")
    assert tuple(h.value for h in hints.Hint) == HINT_CODES
