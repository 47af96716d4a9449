"""The quality summary in the session record (issue 5): stored with the record, migrated by
0004 (down and up again), filled by the shell from the analyzer when the session ends, and shown
in the staff reservation list. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import importlib.util
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Connection

from scheduler.domain import Role
from scheduler.models import CallSessionRecord
from signaling.server import QUALITY
from signaling.store import save_record
from signdesk.appkeys import ENGINE, SESSIONS
from signdesk.migrate import alembic_config
from tests.conftest import IN_CI
from tests.signaling_ws.scenario import (
    Client,
    MakeClient,
    add_booking,
    add_interpreter,
    flush_records,
    rows,
    send,
    session_cookie,
)
from tests.signaling_ws.test_media_leg_ws import matched_pages, wait_until
from tests.signaling_ws.test_quality_ws import ANALYZER_ON, started_sink
from tests.signaling_ws.test_records import staff_list
from tests.signaling_ws.test_store_live import T0, _schema_drift, all_rows, session_record

SUMMARY: dict[str, Any] = {
    "duration_seconds": 65.0,
    "signing_seconds": {"caller": 40.0, "interpreter": 12.5},
    "sides": {
        "caller": {
            "total": {
                "frames": 300,
                "hands_visible_share": 0.92,
                "cropped_share": 0.03,
                "mean_brightness": 101.5,
                "mean_received_fps": 24.5,
                "signing_seconds": 40.0,
                "hints": {"low_light": {"raised": 1, "seconds": 12.4}},
            },
            "minutes": [
                {
                    "minute": 0,
                    "frames": 290,
                    "hands_visible_share": 0.93,
                    "cropped_share": 0.03,
                    "mean_brightness": 101.0,
                    "mean_received_fps": 24.5,
                    "signing_seconds": 39.0,
                    "hints": {"low_light": {"raised": 1, "seconds": 12.4}},
                }
            ],
        },
        "interpreter": {
            "total": {
                "frames": 310,
                "hands_visible_share": 0.99,
                "cropped_share": 0.0,
                "mean_brightness": 130.0,
                "mean_received_fps": None,
                "signing_seconds": 12.5,
                "hints": {},
            },
            "minutes": [],
        },
    },
}


async def test_a_record_keeps_its_quality_summary_and_none_without_one(client: Client) -> None:
    db = client.app[SESSIONS]
    booking = await add_booking(client, await add_interpreter(client))
    with_summary = session_record(reservation_id=booking.id, quality_summary=SUMMARY)
    without = session_record(reservation_id=booking.id)
    await save_record(db, with_summary, now=T0)
    await save_record(db, without, now=T0)
    stored = {row.session_id: row.quality_summary for row in await all_rows(db, CallSessionRecord)}
    assert stored == {with_summary.session_id: SUMMARY, without.session_id: None}


def _migrate(connection: Connection, target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    if target == "head":
        command.upgrade(config, "head")
    else:
        command.downgrade(config, target)


def _columns(connection: Connection) -> set[str]:
    return {c["name"] for c in sa.inspect(connection).get_columns("call_sessions")}


async def test_migration_0004_goes_down_and_up_again_and_keeps_the_sessions(
    client: Client,
) -> None:
    db = client.app[SESSIONS]
    booking = await add_booking(client, await add_interpreter(client))
    record = session_record(reservation_id=booking.id, quality_summary=SUMMARY)
    await save_record(db, record, now=T0)
    engine = client.app[ENGINE]
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, "0003")
    async with engine.connect() as conn:
        columns = await conn.run_sync(_columns)
    assert "quality_summary" not in columns and "transcript_consent" in columns
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, "head")
    async with engine.connect() as conn:
        assert "quality_summary" in await conn.run_sync(_columns)
        assert await conn.run_sync(_schema_drift) == []
    [row] = await all_rows(db, CallSessionRecord)
    assert row.session_id == record.session_id and row.quality_summary is None  # dropped, kept


async def test_the_staff_list_shows_the_summarys_totals(client: Client) -> None:
    db = client.app[SESSIONS]
    booking = await add_booking(client, await add_interpreter(client))
    await save_record(
        db, session_record(reservation_id=booking.id, quality_summary=SUMMARY), now=T0
    )
    staff = await session_cookie(client, Role.STAFF, "desk")
    quality = (await staff_list(client, booking, staff))["call"]["quality"]
    assert quality == {
        "duration_seconds": 65.0,
        "sides": {
            "caller": {
                "frames": 300,
                "hands_visible_share": 0.92,
                "cropped_share": 0.03,
                "mean_brightness": 101.5,
                "mean_received_fps": 24.5,
                "signing_seconds": 40.0,
                "hints": {"low_light": {"raised": 1, "seconds": 12.4}},
            },
            "interpreter": {
                "frames": 310,
                "hands_visible_share": 0.99,
                "cropped_share": 0.0,
                "mean_brightness": 130.0,
                "mean_received_fps": None,
                "signing_seconds": 12.5,
                "hints": {},
            },
        },
    }


async def test_a_summary_of_an_unexpected_shape_is_left_out_of_the_list(client: Client) -> None:
    db = client.app[SESSIONS]
    booking = await add_booking(client, await add_interpreter(client))
    broken = copy.deepcopy(SUMMARY)
    del broken["sides"]["caller"]["total"]["frames"]
    await save_record(db, session_record(reservation_id=booking.id, quality_summary=broken), now=T0)
    staff = await session_cookie(client, Role.STAFF, "desk")
    call = (await staff_list(client, booking, staff))["call"]
    assert call is not None and call["quality"] is None


@pytest.mark.skipif(
    importlib.util.find_spec("numpy") is None and not IN_CI,
    reason="numpy (the `quality` extra) is not installed",
)
async def test_the_shell_puts_the_analyzers_summary_into_the_record(
    make_client: MakeClient,
) -> None:
    client = await make_client(**ANALYZER_ON)
    sink = await started_sink(client)
    assert client.app[QUALITY] is sink
    caller, interpreter, sid = await matched_pages(client)
    try:
        await caller.open_leg(sid)
        stats = {"session_id": sid, "fps_received": 22.0, "width": 640, "height": 480}
        await send(interpreter.inbox.ws, {"type": "stats", **stats})
        view = sink.analyzer.view
        await wait_until(
            lambda: (
                (v := view(sid)) is not None
                and "caller" in v.sides
                and v.sides["caller"].analysed >= 3
            )
        )
        await send(caller.inbox.ws, {"type": "hangup", "session_id": sid})
        await caller.next("ended")
        await flush_records(client)
    finally:
        await caller.close()
        await interpreter.close()
    [record] = await rows(client, CallSessionRecord)
    summary = record.quality_summary
    assert summary is not None and summary["duration_seconds"] > 0
    caller_total = summary["sides"]["caller"]["total"]
    assert caller_total["frames"] >= 3
    assert caller_total["mean_received_fps"] == 22.0
    assert "interpreter" not in summary["sides"]  # the interpreter opened no leg
