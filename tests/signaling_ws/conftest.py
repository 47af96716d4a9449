"""`make_client`: a test client on the parametrized database with settings overrides."""

from __future__ import annotations

from typing import Any

import pytest

from signdesk.app import create_app
from tests.conftest import make_settings
from tests.signaling_ws.scenario import Client, MakeClient


@pytest.fixture
def make_client(database_url: str, aiohttp_client: Any) -> MakeClient:
    async def make(**overrides: object) -> Client:
        client: Client = await aiohttp_client(create_app(make_settings(database_url, **overrides)))
        return client

    return make
