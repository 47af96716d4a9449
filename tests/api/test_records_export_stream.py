"""The record exports stream: 50,000 records leave as CSV, NDJSON and Open311 JSON while the
process's memory stays far below the size of what is sent (tracemalloc's peak, measured around
each download). On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import time
import tracemalloc
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from scheduler.domain import Role
from scheduler.models import CallSessionRecord, CounselingRecord
from signdesk.appkeys import SESSIONS
from signdesk.db import utcnow
from tests.api.helpers import Client, add_interpreter
from tests.api.record_fixtures import add_contact, new_login

ROWS = 50_000
BATCH = 5_000
SUMMARY = "버스 노선과 환승 할인을 물었고 서울교통공사 누리집을 안내했습니다. " * 3


async def seed(client: Client, interpreter_id: int, contact_id: int) -> None:
    """`ROWS` answered walk-in sessions, each with a complete record, in bulk inserts."""
    start = utcnow() - timedelta(days=60)
    categories = ["transport", "welfare", "housing", "tax", "health", "safety", "culture", "other"]
    outcomes = ["answered", "referred", "follow_up", "could_not_help"]
    async with client.app[SESSIONS]() as db, db.begin():
        for first in range(0, ROWS, BATCH):
            sessions: list[dict[str, Any]] = []
            for n in range(first, first + BATCH):
                joined = start + timedelta(seconds=90 * n)
                sessions.append(
                    {
                        "contact_id": contact_id,
                        "kind": "walk_in",
                        "mode": "chat" if n % 3 else "video",
                        "session_id": f"bulk_{n:06d}",
                        "actual_interpreter_id": interpreter_id,
                        "handed_over": False,
                        "caller_joined_at": joined,
                        "matched_at": joined + timedelta(seconds=20),
                        "ended_at": joined + timedelta(minutes=8),
                        "wait_seconds": 20.0,
                        "duration_seconds": 460.0,
                        "ended_by": "caller",
                        "end_reason": "hangup",
                    }
                )
            await db.execute(insert(CallSessionRecord), sessions)
            ids = (
                await db.execute(
                    select(CallSessionRecord.id, CallSessionRecord.session_id).where(
                        CallSessionRecord.session_id.in_([s["session_id"] for s in sessions])
                    )
                )
            ).all()
            now = utcnow()
            records = []
            for call_id, session_id in ids:
                n = int(session_id.removeprefix("bulk_"))
                outcome = outcomes[n % 4]
                records.append(
                    {
                        "call_session_id": call_id,
                        "category_code": categories[n % 8],
                        "summary": f"{n} {SUMMARY}",
                        "outcome": outcome,
                        "agency": "서울교통공사" if outcome == "referred" else None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            await db.execute(insert(CounselingRecord), records)


async def download(client: Client, path: str, *, trace: bool) -> tuple[bytes, int, float, int]:
    """Read the export chunk by chunk, keeping only its first and last 64 KiB; returns (head
    and tail, bytes received, seconds, tracemalloc peak in bytes, 0 when not traced)."""
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    began = time.perf_counter()
    received = 0
    head = b""
    tail = b""
    peak = 0
    try:
        resp = await client.get(path)
        assert resp.status == 200
        async for chunk in resp.content.iter_chunked(64 * 1024):
            received += len(chunk)
            if len(head) < 64 * 1024:
                head += chunk[: 64 * 1024 - len(head)]
            tail = (tail + chunk)[-64 * 1024 :]
        seconds = time.perf_counter() - began
        if trace:
            _, peak = tracemalloc.get_traced_memory()
    finally:
        if trace:
            tracemalloc.stop()
    return head + b"\n...\n" + tail, received, seconds, peak


def check_sample(kind: str, sample: bytes) -> None:
    """The first and the last record are there, and the document is whole."""
    head, _, tail = sample.decode("utf-8", errors="ignore").partition("\n...\n")
    if kind == "csv":
        first = next(csv.reader(io.StringIO(head.lstrip("\ufeff"))))
        assert first[0] == "session_id"
        assert tail.splitlines()[-1].startswith("bulk_049999,")
    elif kind == "json":
        assert json.loads(head.split("\n")[0])["session_id"] == "bulk_000000"
        assert json.loads(tail.rstrip("\n").split("\n")[-1])["session_id"] == "bulk_049999"
    else:
        assert head.startswith('[{"service_request_id":"bulk_000000"')
        assert tail.rstrip().endswith('"}]') or tail.rstrip().endswith("}]")
        assert '"service_request_id":"bulk_049999"' in tail


async def test_fifty_thousand_records_stream_in_bounded_memory(
    client: Client, database_url: str
) -> None:
    interpreter = await add_interpreter(client)
    contact = await add_contact(client)
    await seed(client, interpreter, contact)
    await new_login(client, Role.SUPERVISOR, "boss")
    backend = database_url.split(":", 1)[0]
    # Every format completes, whole (timed without tracemalloc, which slows allocation).
    sizes: dict[str, int] = {}
    for kind in ("csv", "json", "open311.json"):
        sample, size, seconds, _ = await download(
            client, f"/api/records/export.{kind}", trace=False
        )
        print(f"\n{backend} export.{kind}: {ROWS} rows, {size / 2**20:.1f} MiB in {seconds:.2f} s")
        check_sample(kind.split(".")[0], sample)
        sizes[kind] = size
    # Memory: the peak of what Python allocates while the whole CSV (with the summaries) is
    # produced and received stays a small fraction of it: it is never held whole.
    sample, size, seconds, peak = await download(client, "/api/records/export.csv", trace=True)
    print(f"{backend} export.csv traced: {seconds:.2f} s, peak {peak / 2**20:.2f} MiB")
    assert size == sizes["csv"] and size > 20 * 2**20
    assert peak < size / 6, (peak, size)
    assert peak < 8 * 2**20, peak
