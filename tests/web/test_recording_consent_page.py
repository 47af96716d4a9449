"""The separate recording consent on the caller pages (issue 5, relay mode): asked only when the
server relays and records, optional and unchecked, in Korean and English; and the settings refuse
recording without relay mode."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from signdesk.app import create_app
from tests.conftest import make_settings
from web.i18n import EN, KO

Client = TestClient[web.Request, web.Application]
ClientMaker = Callable[..., Awaitable[Client]]


@pytest.fixture
def make_client(
    sqlite_template: Path,
    tmp_path: Path,
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
) -> ClientMaker:
    made = iter(range(100))

    async def make(**overrides: object) -> Client:
        path = tmp_path / f"signdesk-{next(made)}.db"
        shutil.copy(sqlite_template, path)
        settings = make_settings(f"sqlite+aiosqlite:///{path}", **overrides)
        return await aiohttp_client(create_app(settings))

    return make


@pytest.mark.parametrize("path", ["/call/K7F-2QD", "/live"])
async def test_the_consent_is_asked_only_when_calls_are_relayed_and_recorded(
    make_client: ClientMaker, path: str, tmp_path: Path
) -> None:
    plain = await make_client()
    html = await (await plain.get(path)).text()
    # (Every string rides in the page's JSON for its scripts; the form itself is absent.)
    assert 'id="recording-consent"' not in html and 'id="lv-recording"' not in html
    relayed = await make_client(media_mode="relay", recording=True, recording_dir=tmp_path / "rec")
    html = await (await relayed.get(path)).text()
    assert f">{KO['recording.consent_label']}</label>" in html
    box = 'id="recording-consent"' if path.startswith("/call") else 'id="lv-recording"'
    assert f'<input {box} type="checkbox">' in html  # optional, unchecked
    assert "90일" in html  # the recordings' own retention period
    english = await (await relayed.get(path + "?lang=en")).text()
    assert EN["recording.consent_label"] in english and "90 days" in english
    # The badge both call views carry (hidden until `matched.recording`).
    if path.startswith("/call"):
        assert EN["recording.badge"] in english


def test_recording_without_relay_mode_is_refused() -> None:
    with pytest.raises(ValidationError, match="SIGNDESK_MEDIA_MODE=relay"):
        make_settings("sqlite+aiosqlite://", recording=True)
