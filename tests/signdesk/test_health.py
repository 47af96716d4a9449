"""Liveness and readiness probes, on both databases."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient

from tests.conftest import make_settings


async def test_healthz_and_readyz(client: TestClient[web.Request, web.Application]) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["status"] == "ok"
    resp = await client.get("/readyz")
    assert resp.status == 200
    assert (await resp.json())["database"] == "up"


async def test_readyz_reports_an_unreachable_database(aiohttp_client: object) -> None:
    from signdesk.app import create_app

    app = create_app(make_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    client: TestClient[web.Request, web.Application] = await aiohttp_client(app)  # type: ignore[operator]
    resp = await client.get("/readyz")
    assert resp.status == 503
    assert (await resp.json())["database"] == "down"


async def test_security_headers(client: TestClient[web.Request, web.Application]) -> None:
    resp = await client.get("/healthz")
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
