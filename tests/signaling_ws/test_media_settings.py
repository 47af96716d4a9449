"""What the settings make of quality assistance and relay mode (issue 5): `on` without
mediapipe is off, so the pages say so; relay mode asks for the call's own bounds; recording
happens only in relay mode."""

from __future__ import annotations

from pathlib import Path

import pytest

import signaling.server
from signaling.protocol import RelaySpec
from signaling.server import core_config, media_leg_spec, recording_place, relay_spec
from tests.conftest import make_settings

URL = "sqlite+aiosqlite://"


def test_on_with_mediapipe_missing_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signaling.server, "quality_module_available", lambda: False)
    settings = make_settings(URL, quality_assistance="on", quality_analyzer="mediapipe")
    assert media_leg_spec(settings) is None  # `matched.media_leg` null: the pages say "off"
    relayed = make_settings(URL, quality_assistance="on", media_mode="relay")
    spec = relay_spec(relayed)
    assert spec is not None and spec.quality is False
    # The null analyzer (plumbing tests) needs no mediapipe.
    assert media_leg_spec(make_settings(URL, quality_assistance="on", quality_analyzer="null"))


def test_on_with_mediapipe_installed_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signaling.server, "quality_module_available", lambda: True)
    settings = make_settings(URL, quality_assistance="on")
    assert media_leg_spec(settings) is not None
    assert media_leg_spec(make_settings(URL, quality_assistance="off")) is None
    assert media_leg_spec(make_settings(URL)) is None  # `auto` under env=test


def test_relay_mode_and_recording_reach_the_core(tmp_path: Path) -> None:
    direct = make_settings(URL)
    assert relay_spec(direct) is None and recording_place(direct) is None
    assert core_config(direct).relay is None and not core_config(direct).recording
    relayed = make_settings(
        URL,
        media_mode="relay",
        recording=True,
        recording_dir=tmp_path,
        recording_format="mp4",
        relay_max_fps=25,
    )
    config = core_config(relayed)
    assert config.relay == RelaySpec(max_width=640, max_height=480, max_fps=25, quality=False)
    assert config.recording and config.recording_consent_version == "2026-11-rec-v1"
    place = recording_place(relayed)
    assert place is not None and (place.directory, place.format) == (tmp_path, "mp4")
