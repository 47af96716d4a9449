"""Typed keys for what the aiohttp application holds. No module globals elsewhere."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from signdesk.runtime import RuntimeHolder
from signdesk.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
RUNTIME = web.AppKey("runtime", RuntimeHolder)  # run-time settings an admin may change
