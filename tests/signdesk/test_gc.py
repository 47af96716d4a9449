"""A serving process freezes its long-lived objects and refreezes them after a full collection."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from signdesk.app import create_app, manage_gc
from tests.conftest import make_settings


async def test_a_serving_app_freezes_at_start_refreezes_and_unfreezes_at_cleanup(
    aiohttp_client: Any,
) -> None:
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:"))
    manage_gc(app, refreeze_seconds=0.05)
    client = await aiohttp_client(app)
    try:
        assert gc.get_freeze_count() > 0
        collections = gc.get_stats()[2]["collections"]
        await asyncio.sleep(0.2)  # a few refreeze periods: each runs one full collection
        assert gc.get_stats()[2]["collections"] > collections
        assert gc.get_freeze_count() > 0
    finally:
        await client.close()
    assert gc.get_freeze_count() == 0
