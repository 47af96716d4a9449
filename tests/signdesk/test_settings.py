"""The settings object: defaults, validation, and the production fail-fast."""

from __future__ import annotations

import pytest

from signdesk.settings import Environment, Settings, SettingsError, load_settings


def test_defaults_match_the_service() -> None:
    settings = Settings(_env_file=None)
    assert settings.timezone == "Asia/Seoul"
    assert settings.slot_minutes == 30
    assert settings.min_notice_minutes == 60
    assert settings.buffer_minutes == 0
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.max_request_bytes == 64 * 1024


def test_database_url_comes_from_plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@h/db")
    assert load_settings().database_url == "postgresql+asyncpg://u@h/db"


def test_bad_values_fail_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNDESK_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match="unknown time zone"):
        load_settings()


def test_slot_length_must_fit_the_cell_grid() -> None:
    with pytest.raises(SettingsError):
        load_settings(slot_minutes=33)


def test_production_refuses_missing_secrets() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env=Environment.PROD)
    message = str(caught.value)
    assert "SIGNDESK_SECRET_KEY" in message
    assert "SIGNDESK_ALLOWED_ORIGINS" in message
    assert "DATABASE_URL" in message


def test_production_starts_when_configured() -> None:
    settings = load_settings(
        env=Environment.PROD,
        secret_key="k" * 40,
        allowed_origins=["https://signdesk.example"],
        database_url="postgresql+asyncpg://u@h/db",
    )
    assert settings.cookie_secure


def test_dev_secret_is_random_per_process() -> None:
    a = Settings(_env_file=None).effective_secret_key
    b = Settings(_env_file=None).effective_secret_key
    assert a != b and len(a) >= 32
