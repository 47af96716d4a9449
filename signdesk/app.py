"""Builds the aiohttp application: settings, database, middlewares, routes, signaling, lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy import text

from scheduler.purge import run_purge
from scheduler.retention import PurgeCounts
from signdesk import runtime
from signdesk.appkeys import ENGINE, RUNTIME, SESSIONS, SETTINGS
from signdesk.db import create_engine, session_factory, utcnow
from signdesk.runtime import RuntimeHolder
from signdesk.settings import Settings, load_settings

log = logging.getLogger(__name__)

PURGE_FIRST_DELAY_SECONDS = 60.0  # the first scheduled purge waits for the server to settle


async def healthz(_request: web.Request) -> web.Response:
    """The process is up (liveness)."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """The database answers (readiness)."""
    try:
        async with request.app[ENGINE].connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        log.warning("readiness check: database unreachable", exc_info=True)
        return web.json_response({"status": "unavailable", "database": "down"}, status=503)
    return web.json_response({"status": "ready", "database": "up"})


SECURITY_HEADERS = {
    # Pages load only their own scripts and styles; JSON data rides in non-executable script tags.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(self), microphone=(self), geolocation=()",
}


async def _add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    if response.status == 101:  # a WebSocket upgrade carries no document; its headers live as
        return  # long as the socket (0.7 KiB each, see bench/ws_memory.py)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or load_settings()
    # Imported here so `signdesk.settings` stays importable by the CLI without aiohttp routes.
    from signaling.server import setup_signaling
    from web.admin import setup_admin
    from web.api import setup_api
    from web.auth import setup_auth
    from web.errors import error_middleware
    from web.pages import setup_pages
    from web.privacy import setup_privacy
    from web.records import setup_records
    from web.statistics import setup_statistics

    app = web.Application(
        client_max_size=settings.max_request_bytes,
        middlewares=[error_middleware],
    )
    app[SETTINGS] = settings
    app[RUNTIME] = RuntimeHolder(settings.runtime())  # with the stored overrides at start
    app.on_response_prepare.append(_add_security_headers)

    async def database_ctx(app: web.Application) -> AsyncIterator[None]:
        engine = create_engine(settings)
        app[ENGINE] = engine
        app[SESSIONS] = session_factory(engine)
        app[RUNTIME].current = await runtime.load(app[SESSIONS], settings.runtime())
        yield
        await engine.dispose()

    app.cleanup_ctx.append(database_ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    setup_auth(app)
    setup_admin(app)
    setup_api(app)
    setup_records(app)
    setup_signaling(app)
    setup_statistics(app)
    setup_privacy(app)
    setup_pages(app)
    if settings.purge_scheduled:
        schedule_purge(app)
    return app


async def purge_once(settings: Settings, *, dry_run: bool = False) -> PurgeCounts:
    """One purge with its own engine (the CLI)."""
    engine = create_engine(settings)
    try:
        return await run_purge(
            session_factory(engine),
            settings.retention_policy,
            settings.recording_dir,
            now=utcnow(),
            dry_run=dry_run,
        )
    finally:
        await engine.dispose()


def schedule_purge(app: web.Application, first_delay: float = PURGE_FIRST_DELAY_SECONDS) -> None:
    """The server's own purge: shortly after start, then every `purge_interval_hours`. A failed
    purge is logged and retried at the next interval; it never stops the server."""
    settings = app[SETTINGS]

    async def loop() -> None:
        await asyncio.sleep(first_delay)
        while True:
            current = app[RUNTIME].current  # an admin may have changed the periods
            try:
                await run_purge(
                    app[SESSIONS],
                    current.retention_policy,
                    settings.recording_dir,
                    now=utcnow(),
                )
            except Exception:
                log.exception(
                    "scheduled purge failed; next try in %s h", current.purge_interval_hours
                )
            await asyncio.sleep(app[RUNTIME].current.purge_interval_hours * 3600)

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(loop(), name="purge")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(lifecycle)


def manage_gc(app: web.Application, refreeze_seconds: float) -> None:
    """For a serving process: keep long-lived objects out of the collector's full passes.

    Full (gen-2) collections walk every tracked object; with a thousand sockets and their
    sessions that took 200 ms, often, and landed inside busy signaling (`bench/queue_ws.py`).
    So once the app has started everything alive is frozen (moved out of the collector's sight),
    and every `refreeze_seconds` one full collection runs and what survived it is frozen again:
    one pause per period instead of one every few seconds, and cyclic garbage waits at most a
    period. Tests create many apps and do not call this.
    """

    async def refreeze_loop() -> None:
        while True:
            await asyncio.sleep(refreeze_seconds)
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        gc.collect()
        gc.freeze()
        task = asyncio.create_task(refreeze_loop(), name="gc-refreeze")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        gc.unfreeze()

    app.cleanup_ctx.append(lifecycle)
