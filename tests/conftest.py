"""Shared fixtures: a migrated database per test, on SQLite and on the local PostgreSQL.

Each backend is migrated once per run into a template (a file for SQLite, a template database for
PostgreSQL) and copied per test, so tests are isolated and still fast. Where PostgreSQL is not
reachable the PostgreSQL variants skip with a reason, except under `CI=true`, where they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, cast

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestClient, TestServer
from pytest_aiohttp.plugin import AiohttpClient

from signdesk.app import create_app
from signdesk.db import create_engine
from signdesk.migrate import upgrade_engine
from signdesk.settings import Environment, Settings
from signdesk.weblog import PathOnlyAccessLogger
from tests import log_hygiene

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    """The suite scans its own logs for tokens, SDP and personal data (tests/log_hygiene.py)."""
    log_hygiene.register(config)


def skip_or_fail(reason: str) -> None:
    """Outside CI a missing external resource skips; in CI it is a failure."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": Environment.TEST,
        "database_url": database_url,
        "secret_key": "test-secret-key-" + "x" * 32,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def run_blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop in a worker thread.

    Session fixtures are set up lazily from inside async tests, where `asyncio.run` cannot nest.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _migrate(url: str) -> None:
    engine = create_engine(make_settings(url))
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    run_blocking(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    name = f"sd_tpl_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=3)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        await _migrate(PG_URL.format(name=name))

    async def drop() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=3)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    try:
        run_blocking(create())
    except (OSError, asyncpg.PostgresError) as exc:
        skip_or_fail(f"PostgreSQL at 127.0.0.1:5432 not usable: {exc}")
    yield name
    run_blocking(drop())


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, migrated, empty database URL; every test that takes it runs on both backends."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "signdesk.db"
        shutil.copy(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"sd_t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=3)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    finally:
        await conn.close()
    yield PG_URL.format(name=name)
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=3)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> web.Application:
    return create_app(settings)


@pytest.fixture
def aiohttp_client(aiohttp_client: AiohttpClient) -> AiohttpClient:
    """pytest-aiohttp's factory, serving apps with production's access logger (method, path,
    status: `signdesk.weblog`). aiohttp's default one logs the request line with its query
    string, call tickets included, which the log-hygiene scan (rightly) refuses."""

    async def go(
        param: web.Application | BaseTestServer,
        *,
        server_kwargs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> TestClient[Any, Any]:
        if isinstance(param, web.Application):
            server = TestServer(param, **(server_kwargs or {}))
            await server.start_server(access_log_class=PathOnlyAccessLogger)
            param = server
        return await aiohttp_client(param, **kwargs)

    return cast(AiohttpClient, go)


@pytest.fixture
async def client(
    app: web.Application, aiohttp_client: object
) -> TestClient[web.Request, web.Application]:
    make_client = aiohttp_client
    return await make_client(app)  # type: ignore[operator, no-any-return]
