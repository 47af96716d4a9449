"""One typed settings object, read from the environment (and an optional `.env`) once.

Nothing else in SignDesk reads `os.environ`. Every limit is a named field with a finite default,
so a deployment can tune it and a test can shrink it.
"""

from __future__ import annotations

import secrets
from datetime import time, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduler.retention import RetentionPolicy


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class SettingsError(RuntimeError):
    """Raised at start-up when the configuration cannot run safely."""


class RuntimeSettings(BaseModel):
    """What an admin may change at /admin/settings while the server runs (issue 6): the
    retention periods and the purge's interval. Stored as overrides (`setting_overrides`),
    read where they are used (the purge, the right-of-access page), so a change holds at once
    and after a restart. Bounds as in `Settings`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    retention_records_days: int = Field(default=3 * 365, ge=1, le=36500)
    retention_chat_days: int = Field(default=365, ge=1, le=36500)
    recording_retention_days: int = Field(default=90, ge=1, le=3650)
    retention_contacts_days: int = Field(default=30, ge=1, le=3650)
    purge_interval_hours: float = Field(default=24.0, gt=0, le=24 * 31)

    @property
    def retention_policy(self) -> RetentionPolicy:
        return RetentionPolicy(
            records=timedelta(days=self.retention_records_days),
            chat=timedelta(days=self.retention_chat_days),
            recordings=timedelta(days=self.recording_retention_days),
            contacts_after_end=timedelta(days=self.retention_contacts_days),
        )


class Settings(BaseSettings):
    """SignDesk configuration. Environment variables are `SIGNDESK_<FIELD>` (and `DATABASE_URL`)."""

    model_config = SettingsConfigDict(
        env_prefix="SIGNDESK_", env_file=".env", extra="ignore", frozen=True
    )

    env: Environment = Environment.DEV
    database_url: str = Field(
        default="sqlite+aiosqlite:///./var/signdesk.db",
        validation_alias=AliasChoices("DATABASE_URL", "SIGNDESK_DATABASE_URL"),
    )
    # Required in production; in dev a random per-process key is used (sessions end on restart).
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # Browser origins allowed to post and to open WebSockets. Empty means "the server's own".
    allowed_origins: list[str] = Field(default_factory=list)

    timezone: str = "Asia/Seoul"
    slot_minutes: int = Field(default=30, ge=5, le=240, multiple_of=5)
    min_notice_minutes: int = Field(default=60, ge=0, le=60 * 24 * 7)
    buffer_minutes: int = Field(default=0, ge=0, le=120, multiple_of=5)
    booking_horizon_days: int = Field(default=60, ge=1, le=366)
    availability_max_days: int = Field(default=31, ge=1, le=92)
    weekday_open: time = time(9, 0)
    weekday_close: time = time(22, 0)
    weekend_open: time = time(9, 0)
    weekend_close: time = time(18, 0)

    # PIPA Art. 15 consent shown to citizens; bump the version whenever its text changes.
    consent_version: str = "2026-11-v1"
    retention_days: int = Field(default=365, ge=1, le=3650)

    # Limits.
    max_request_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    max_name_chars: int = Field(default=60, ge=1, le=200)
    max_contact_chars: int = Field(default=120, ge=1, le=400)
    max_note_chars: int = Field(default=1000, ge=0, le=10000)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_attempts_per_minute: int = Field(default=10, ge=1, le=1000)
    db_pool_size: int = Field(default=10, ge=1, le=200)

    # Signaling (WebSocket) limits and times.
    ws_max_message_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)
    ws_max_sdp_chars: int = Field(default=16 * 1024, ge=1024, le=64 * 1024)
    ws_heartbeat_seconds: float = Field(default=20.0, gt=0, le=300)
    ws_send_queue: int = Field(default=64, ge=1, le=4096)
    ws_max_connections: int = Field(default=2000, ge=1, le=100_000)
    ws_max_sessions: int = Field(default=500, ge=1, le=10_000)
    ws_hello_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    call_join_early_minutes: int = Field(default=10, ge=0, le=120)
    call_handover_grace_minutes: int = Field(default=3, ge=0, le=60)
    call_resume_window_seconds: int = Field(default=60, ge=1, le=3600)
    call_max_overrun_minutes: int = Field(default=60, ge=1, le=24 * 60)
    call_ticket_seconds: int = Field(default=120, ge=10, le=3600)
    # The live queue (issue 4): ring, auto-away, wrap-up, routing and chat bounds.
    queue_ring_timeout_seconds: int = Field(default=20, ge=3, le=300)
    queue_missed_offers_to_away: int = Field(default=2, ge=1, le=20)
    queue_wrap_up_seconds: int = Field(default=60, ge=0, le=3600)
    queue_specialty_relax_seconds: int = Field(default=60, ge=0, le=3600)
    queue_walk_in_limit_minutes: int = Field(default=120, ge=5, le=24 * 60)
    queue_max_walk_ins: int = Field(default=1000, ge=1, le=100_000)
    chat_max_chars: int = Field(default=1000, ge=1, le=4000)
    chat_burst: int = Field(default=10, ge=1, le=1000)
    chat_burst_window_seconds: float = Field(default=10.0, gt=0, le=3600)
    wallboard_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    # A serving process runs one full garbage collection this often (`signdesk.app.manage_gc`).
    gc_refreeze_seconds: float = Field(default=300.0, ge=10, le=86_400)
    # ICE servers handed to the pages: JSON list of {"urls": [...], "username"?, "credential"?}.
    # Empty is fine on loopback; production points at coturn.
    ice_servers: list[dict[str, str | list[str]]] = Field(default_factory=list)
    # Quality assistance and the media leg (issue 5). `auto`: on when the quality module (the
    # `quality` extra) can be imported, except with `env=test` (tests ask for `on`). When on,
    # each page of a video call also sends its camera, scaled down, to the server over a second
    # RTCPeerConnection (`media/leg.py`).
    quality_assistance: Literal["auto", "on", "off"] = "auto"
    media_leg_max_width: int = Field(default=320, ge=64, le=1920)
    media_leg_max_height: int = Field(default=240, ge=48, le=1080)
    media_leg_max_fps: int = Field(default=10, ge=1, le=30)
    # Frames per second and leg handed to the analyzer (at most its rate; the rest are dropped).
    media_leg_sample_fps: float = Field(default=5.0, gt=0, le=30)
    media_leg_max_legs: int = Field(default=64, ge=1, le=2000)  # legs one process holds
    media_leg_answer_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # What analyses the legs' frames when quality assistance is on: `mediapipe` (the quality
    # module's analyzer, hints and the summary in the record), `null` (the same analyzer with a
    # detector that finds nothing: plumbing tests), or `off` (the legs only count frames).
    quality_analyzer: Literal["mediapipe", "null", "off"] = "mediapipe"
    # Analyzer worker processes; 0: all cores but one.
    quality_workers: int = Field(default=0, ge=0, le=64)
    # How calls carry video (issue 5): `direct` (browser to browser, the default) or `relay`
    # (each page to the server, which forwards it with aiortc; analysis and recording tap the
    # relayed frames). Relayed calls send the camera within these bounds.
    media_mode: Literal["direct", "relay"] = "direct"
    relay_max_width: int = Field(default=640, ge=160, le=1920)
    relay_max_height: int = Field(default=480, ge=120, le=1080)
    relay_max_fps: int = Field(default=30, ge=10, le=60)
    # Recording (relay mode only, and only with the caller's separate consent): each side to a
    # file under `recording_dir` (created 0700, files 0600), in `recording_format`.
    recording: bool = False
    recording_dir: Path = Path("var/recordings")
    recording_format: Literal["webm", "mp4"] = "webm"
    recording_retention_days: int = Field(default=90, ge=1, le=3650)  # PIPA: then purged
    # Retention of the other classes of personal data (issue 6, `scheduler.retention`), and the
    # purge that enforces it: `auto` runs it every `purge_interval_hours` in the server (not under
    # env=test, whose fixtures date data freely); `python -m signdesk purge` runs it by hand.
    retention_records_days: int = Field(default=3 * 365, ge=1, le=36500)
    retention_chat_days: int = Field(default=365, ge=1, le=36500)
    retention_contacts_days: int = Field(default=30, ge=1, le=3650)  # after the booking's end
    transcript_consent_version: str = Field(default="2026-11-chat-v1", min_length=1, max_length=40)
    purge: Literal["auto", "on", "off"] = "auto"
    purge_interval_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    recording_consent_version: str = Field(default="2026-11-rec-v1", min_length=1, max_length=40)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.weekday_close <= self.weekday_open or self.weekend_close <= self.weekend_open:
            raise ValueError("service hours must close after they open")
        if self.recording and self.media_mode != "relay":
            raise ValueError(
                "recording needs SIGNDESK_MEDIA_MODE=relay (direct calls never reach the server)"
            )
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def retention_policy(self) -> RetentionPolicy:
        return self.runtime().retention_policy

    def runtime(self) -> RuntimeSettings:
        """The settings an admin may change while the server runs (their start values)."""
        return RuntimeSettings.model_validate(
            {name: getattr(self, name) for name in RuntimeSettings.model_fields}
        )

    @property
    def purge_scheduled(self) -> bool:
        """Whether the server purges by itself (`purge`: `auto` is on outside env=test)."""
        return self.purge == "on" or (self.purge == "auto" and self.env is not Environment.TEST)

    @property
    def is_dev(self) -> bool:
        return self.env is not Environment.PROD

    @property
    def cookie_secure(self) -> bool:
        return self.env is Environment.PROD

    @cached_property
    def effective_secret_key(self) -> str:
        return self.secret_key or secrets.token_urlsafe(32)

    def check_production(self) -> None:
        """Fail fast, with a message a operator can act on, when production is misconfigured."""
        if self.env is not Environment.PROD:
            return
        problems: list[str] = []
        if len(self.secret_key) < 32:
            problems.append("SIGNDESK_SECRET_KEY must be set to at least 32 random characters")
        if not self.allowed_origins:
            problems.append(
                'SIGNDESK_ALLOWED_ORIGINS must list the public origin(s), e.g. ["https://signdesk.example"]'
            )
        if self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL must point at PostgreSQL in production")
        if problems:
            raise SettingsError("production settings missing:\n  - " + "\n  - ".join(problems))


def load_settings(**overrides: object) -> Settings:
    """Read the settings once; raise `SettingsError` with a readable message on bad values."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        raise SettingsError(f"invalid settings: {exc}") from exc
    settings.check_production()
    return settings
