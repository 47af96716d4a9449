"""The log scanner the suite runs on its own logs (tests/log_hygiene.py): it finds a planted
token, SDP, an ICE candidate or credential and a name, masks them, and passes clean text."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest

from tests.log_hygiene import (
    PLUGIN_NAME,
    LogHygiene,
    fixture_sources,
    scan,
    seeded_literals,
)

TOKEN = "Zx8" + "q" * 40  # shaped like secrets.token_urlsafe(32)
NAME = "홍길동 Hong Gildong"
CLEAN = (
    "INFO web.auth: log-in by account 3\n"
    "INFO signaling.server: c_AbCdEfGhIjKl open (caller)\n"
    "INFO signaling.core: session s_abcdefghijklmnop ended: hangup\n"
    "WARNING web.api: bad candidate: too long\n"
    "INFO web.records: records export csv: 12 rows\n"
)


def test_clean_logs_pass() -> None:
    assert scan(CLEAN, {NAME, "010-1234-5678"}, {TOKEN}) == []


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        (f"INFO web.api: booked with token {TOKEN}", "token"),
        (f"INFO web.api: cookie sd_session=x{TOKEN}y", "token"),
        (f"INFO web.api: booking for {NAME}", "personal data or password"),
        ("INFO web.api: caller 010-1234-5678", "personal data or password"),
        ("INFO signaling: offer 'v=0\\r\\no=- 4611 2 IN IP4 127.0.0.1'", "sdp/ice"),
        ("INFO signaling: sdp v=0\r\no=- 1 2 IN IP4 0.0.0.0", "sdp/ice"),
        ("INFO signaling: a=ice-ufrag:abcd a=ice-pwd:secretpwd", "sdp/ice"),
        ("INFO signaling: a=fingerprint:sha-256 AB:CD", "sdp/ice"),
        ("INFO signaling: candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", "sdp/ice"),
        ("INFO web.api: ice {'urls': 'turn:x', 'credential': 'hunter22'}", "sdp/ice"),
    ],
)
def test_planted_secrets_are_found_and_masked(planted: str, kind: str) -> None:
    text = CLEAN + planted + "\n" + CLEAN
    [finding] = scan(text, {NAME, "010-1234-5678"}, {TOKEN})
    assert finding.kind == kind
    assert finding.line_no == CLEAN.count("\n") + 1
    assert "[masked]" in finding.line
    for secret in (TOKEN, NAME, "010-1234-5678", "hunter22", "secretpwd"):
        assert secret not in finding.line


def test_a_traceback_line_is_scanned_too() -> None:
    text = f"ERROR web.api: boom\nTraceback (most recent call last):\n  ValueError: {TOKEN}\n"
    [finding] = scan(text, set(), {TOKEN})
    assert (finding.line_no, finding.kind) == (3, "token")


def test_the_fixture_harvest_finds_the_seeded_people_and_secrets() -> None:
    found = seeded_literals(fixture_sources())
    for expected in ("홍길동 Hong Gildong", "010-1234-5678", "김직원", "s3cr3t-turn"):
        assert expected in found
    assert "KSL" not in found and "" not in found


def test_the_plugin_remembers_generated_tokens_and_writes_info_records(tmp_path: Path) -> None:
    hygiene = LogHygiene(tmp_path / "log.txt", logging.FileHandler(tmp_path / "log.txt"))
    token = hygiene._remembering(32)
    short = hygiene._remembering(9)
    assert token in hygiene.tokens and short not in hygiene.tokens
    assert secrets.token_urlsafe is not hygiene._remembering
    hygiene.handler.close()


def test_the_plugin_is_registered(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.has_plugin(PLUGIN_NAME)
    assert logging.getLogger().level <= logging.INFO
