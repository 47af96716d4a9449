"""Counseling records through the HTTP API (issue 6), on SQLite and PostgreSQL: the interpreter's
autosaved and finished record, who may see and edit which record, the supervisors' search and
exports, the audit log, and migration 0005."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, select

from scheduler import counseling
from scheduler.domain import Role
from scheduler.models import AuditEntry, CounselingRecord, RecordCategory, RecordingRow
from signdesk.appkeys import ENGINE, SESSIONS
from signdesk.db import Base, utcnow
from signdesk.migrate import alembic_config
from tests.api.helpers import (
    CONTACT,
    NAME,
    Client,
    add_interpreter,
    book,
    local_today,
    slot,
)
from tests.api.record_fixtures import (
    QUALITY,
    add_call,
    add_contact,
    log_in_as,
    new_login,
    record_url,
)
from tests.api.test_malformed import NASTY
from tests.api.test_malformed import _check as check_response

SEEDED = ["transport", "welfare", "housing", "tax", "health", "safety", "culture", "other"]


async def audit(client: Client, action: str) -> list[AuditEntry]:
    async with client.app[SESSIONS]() as db:
        rows = await db.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return list(rows)


async def put(client: Client, session_id: str, csrf: str, **body: Any) -> Any:
    return await client.put(record_url(session_id), json=body, headers={"X-CSRF-Token": csrf})


async def setup_two_interpreters(client: Client) -> tuple[int, int, str]:
    """Two interpreters with accounts; logged in as the first. Returns ids and its CSRF token."""
    park = await add_interpreter(client, "Park")
    lee = await add_interpreter(client, "Lee")
    await new_login(client, Role.INTERPRETER, "lee", interpreter_id=lee)
    csrf = await new_login(client, Role.INTERPRETER, "park", interpreter_id=park)
    return park, lee, csrf


# --- the categories -------------------------------------------------------------------------------


async def test_the_taxonomy_is_seeded_with_korean_and_english_labels(client: Client) -> None:
    park, _, _ = await setup_two_interpreters(client)
    resp = await client.get("/api/record-categories")
    assert resp.status == 200
    data = await resp.json()
    assert [c["code"] for c in data["categories"]] == SEEDED
    welfare = data["categories"][1]
    assert welfare == {"code": "welfare", "label_ko": "복지", "label_en": "Welfare"}
    assert data["outcomes"] == ["answered", "referred", "follow_up", "could_not_help"]
    assert data["max_summary_chars"] == 4000
    # A category switched off leaves the form but its records keep it.
    async with client.app[SESSIONS]() as db, db.begin():
        row = await db.get(RecordCategory, "culture")
        assert row is not None
        row.active = False
    data = await (await client.get("/api/record-categories")).json()
    assert "culture" not in [c["code"] for c in data["categories"]]
    assert park


# --- the interpreter's record ---------------------------------------------------------------------


async def test_the_record_lists_the_sessions_recordings(client: Client) -> None:
    park, _, _ = await setup_two_interpreters(client)
    session_id = await add_call(client, interpreter_id=park, contact_id=await add_contact(client))
    at = utcnow() - timedelta(minutes=30)
    async with client.app[SESSIONS]() as db, db.begin():
        for side in ("interpreter", "caller"):
            db.add(
                RecordingRow(
                    recording_id=side[0] * 32,
                    session_id=session_id,
                    side=side,
                    file_name=side[0] * 32 + ".webm",
                    format="webm",
                    bytes=2048,
                    frames=90,
                    width=640,
                    height=480,
                    started_at=at,
                    ended_at=at + timedelta(minutes=5),
                )
            )
    view = await (await client.get(record_url(session_id))).json()
    assert [(r["side"], r["format"], r["bytes"]) for r in view["recordings"]] == [
        ("caller", "webm", 2048),
        ("interpreter", "webm", 2048),
    ]


async def test_an_interpreter_autosaves_a_draft_then_finishes_the_record(client: Client) -> None:
    park, _, csrf = await setup_two_interpreters(client)
    contact = await add_contact(client)
    session_id = await add_call(client, interpreter_id=park, contact_id=contact)

    # Nothing saved yet: the view has the session and no record.
    view = await (await client.get(record_url(session_id))).json()
    assert view["record"] is None
    assert view["session"]["session_id"] == session_id
    assert view["session"]["channel"] == "live"
    assert view["session"]["interpreter_name"] == "Park"
    assert view["recordings"] == []

    # An autosave of a half-typed draft is kept, and says what is still missing.
    resp = await put(client, session_id, csrf, summary="버스 노선 문의", outcome="referred")
    assert resp.status == 200, await resp.text()
    saved = (await resp.json())["record"]
    assert saved["summary"] == "버스 노선 문의"
    assert saved["complete"] is False
    assert saved["missing"] == {"category": "required", "agency": "required"}

    # The next autosave updates the same row.
    follow_up = (local_today(client) + timedelta(days=3)).isoformat()
    resp = await put(
        client,
        session_id,
        csrf,
        category="transport",
        summary="버스 노선 문의, 서울교통공사 안내",
        outcome="referred",
        agency="서울교통공사",
        follow_up_date=follow_up,
    )
    saved = (await resp.json())["record"]
    assert saved["complete"] is True and saved["missing"] == {}
    async with client.app[SESSIONS]() as db:
        rows = list(await db.scalars(select(CounselingRecord)))
    assert len(rows) == 1
    assert rows[0].agency == "서울교통공사"
    assert rows[0].follow_up_date is not None and rows[0].follow_up_date.isoformat() == follow_up

    # Finishing: an incomplete record is refused with each field's problem; nothing changes.
    resp = await put(client, session_id, csrf, summary="x", outcome="answered", final=True)
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert error["fields"] == {"category": "required"}
    resp = await put(
        client,
        session_id,
        csrf,
        category="transport",
        summary="done",
        outcome="answered",
        final=True,
    )
    assert resp.status == 200
    assert (await resp.json())["record"]["complete"] is True

    view = await (await client.get(record_url(session_id))).json()
    assert view["record"]["summary"] == "done"
    assert view["record"]["outcome"] == "answered"

    # The audit log names who and which session, and the changed fields, never their text.
    created = await audit(client, "record.create")
    updated = await audit(client, "record.update")
    viewed = await audit(client, "record.view")
    assert [(a.actor, a.target) for a in created] == [
        (f"account:{rows[0].updated_by_account_id}", f"session:{session_id}")
    ]
    assert len(updated) == 2
    assert "summary" in (updated[0].detail or "")
    assert all("버스" not in (a.detail or "") for a in [*created, *updated])
    assert len(viewed) == 2


async def test_hard_rules_are_refused_even_for_a_draft(client: Client) -> None:
    park, _, csrf = await setup_two_interpreters(client)
    session_id = await add_call(client, interpreter_id=park, contact_id=await add_contact(client))
    yesterday = (local_today(client) - timedelta(days=1)).isoformat()
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"summary": "가" * 4001}, {"summary": "too_long"}),
        ({"agency": "a" * 121}, {"agency": "too_long"}),
        ({"category": "astrology"}, {"category": "unknown"}),
        ({"outcome": "follow_up", "follow_up_date": yesterday}, {"follow_up_date": "in_the_past"}),
    ]
    for body, fields in cases:
        resp = await put(client, session_id, csrf, **body)
        assert resp.status == 422, body
        assert (await resp.json())["error"]["fields"] == fields
    for body in ({"outcome": "maybe"}, {"follow_up_date": "2026-13-40"}, {"summary": 5}):
        resp = await put(client, session_id, csrf, **body)
        assert resp.status == 422, body
    async with client.app[SESSIONS]() as db:
        assert list(await db.scalars(select(CounselingRecord))) == []


async def test_hostile_values_in_every_field_never_cause_a_500(client: Client) -> None:
    park, _, csrf = await setup_two_interpreters(client)
    session_id = await add_call(client, interpreter_id=park, contact_id=await add_contact(client))
    valid = {"category": "tax", "summary": "s", "outcome": "answered", "final": False}
    for field in [*valid, "agency", "follow_up_date", "unexpected"]:
        for value in NASTY:
            resp = await put(client, session_id, csrf, **{**valid, field: value})
            await check_response(resp, f"{field}={value!r:.40}")
    for raw in ([valid], "x", 1, None):
        resp = await client.put(record_url(session_id), json=raw, headers={"X-CSRF-Token": csrf})
        await check_response(resp, f"body={raw!r:.40}")
    await new_login(client, Role.SUPERVISOR, "boss")
    for query in ("from=9999-99-99", "interpreter_id=-1", "page=99999999", "language=%00"):
        for path in ("/api/records", "/api/records/export.csv"):
            await check_response(await client.get(f"{path}?{query}"), query)


async def test_an_interpreter_sees_only_their_own_sessions_records(client: Client) -> None:
    park, lee, csrf = await setup_two_interpreters(client)
    contact = await add_contact(client)
    lees = await add_call(client, interpreter_id=lee, contact_id=contact)
    mine = await add_call(client, interpreter_id=park, contact_id=contact)

    # Lee's session answers Park exactly like a session that does not exist.
    for path in (record_url(lees), record_url("s_nope")):
        resp = await client.get(path)
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "not_found"
    resp = await put(client, lees, csrf, summary="not mine")
    assert resp.status == 404
    assert (await put(client, mine, csrf, summary="mine")).status == 200

    # Lee writes their own; Park still cannot read it, and does not see it in the recent list.
    lee_csrf = await log_in_as(client, "lee")
    assert (await put(client, lees, lee_csrf, summary="Lee's")).status == 200
    assert (await client.get(record_url(mine))).status == 404
    recent = await (await client.get("/api/interpreter/records")).json()
    assert [s["session_id"] for s in recent["sessions"]] == [lees]
    assert recent["sessions"][0]["has_record"] is True
    assert recent["sessions"][0]["complete"] is False

    await log_in_as(client, "park")
    assert (await client.get(record_url(lees))).status == 404
    async with client.app[SESSIONS]() as db:
        summaries = sorted(r.summary for r in await db.scalars(select(CounselingRecord)))
    assert summaries == ["Lee's", "mine"]


async def test_staff_are_refused_and_anonymous_must_log_in(client: Client) -> None:
    park = await add_interpreter(client)
    session_id = await add_call(client, interpreter_id=park, contact_id=await add_contact(client))
    api_paths = [
        record_url(session_id),
        "/api/record-categories",
        "/api/records",
        "/api/records/export.csv",
        "/api/records/export.json",
        "/api/records/export.open311.json",
    ]
    for path in api_paths:
        resp = await client.get(path)
        assert resp.status == 401, path
        assert (await resp.json())["error"]["code"] == "login_required"
    resp = await client.get("/staff/records", allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"].startswith("/login?next=")

    csrf = await new_login(client, Role.STAFF, "staffer")
    for path in [p for p in api_paths if p != "/api/record-categories"]:
        resp = await client.get(path)
        assert resp.status == 403, path
        assert (await resp.json())["error"]["code"] == "forbidden"
    resp = await put(client, session_id, csrf, summary="staff")
    assert resp.status == 403
    for page in ("/staff/records", f"/staff/records/{session_id}"):
        assert (await client.get(page, allow_redirects=False)).status == 403
    # An interpreter is no supervisor: no search, no export.
    await new_login(client, Role.INTERPRETER, "terp", interpreter_id=park)
    for path in api_paths[2:]:
        assert (await client.get(path)).status == 403, path
    assert (await client.get("/staff/records", allow_redirects=False)).status == 403


async def test_a_save_needs_the_csrf_token_also_on_page_hide(client: Client) -> None:
    park, _, csrf = await setup_two_interpreters(client)
    session_id = await add_call(client, interpreter_id=park, contact_id=await add_contact(client))
    resp = await client.put(record_url(session_id), json={"summary": "x"})
    assert resp.status == 403
    assert (await resp.json())["error"]["code"] == "csrf"
    resp = await client.put(
        record_url(session_id), json={"summary": "x"}, headers={"X-CSRF-Token": "wrong"}
    )
    assert resp.status == 403
    # What the page sends on `pagehide` (fetch keepalive): same origin, the header.
    resp = await client.put(
        record_url(session_id),
        json={"summary": "last words", "final": False},
        headers={"X-CSRF-Token": csrf, "Origin": str(client.make_url("")).rstrip("/")},
    )
    assert resp.status == 200, await resp.text()
    resp = await client.put(
        record_url(session_id),
        json={"summary": "x"},
        headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
    )
    assert resp.status == 403


async def test_the_record_joins_booking_transcript_survey_and_quality(client: Client) -> None:
    park = await add_interpreter(client, "Park")
    booking = await book(client, slot(client, days=1))  # as a citizen, before any log-in
    csrf = await new_login(client, Role.INTERPRETER, "park", interpreter_id=park)
    consented = await add_call(
        client,
        interpreter_id=park,
        reservation_id=booking["id"],
        mode="video",
        transcript=[("caller", "안녕하세요"), ("interpreter", "무엇을 도와드릴까요")],
        consent=True,
        stars=5,
        quality=QUALITY,
    )
    view_resp = await client.get(record_url(consented))
    text = await view_resp.text()
    view = json.loads(text)
    s = view["session"]
    assert s["kind"] == "reserved" and s["channel"] == "web" and s["mode"] == "video"
    assert s["booking_code"] == booking["code"] and s["booking_topic"] == "welfare"
    assert s["language"] == "KSL"
    assert s["wait_seconds"] == 30.0 and s["duration_seconds"] == 570.0
    assert view["transcript_kept"] is True
    assert [line["text"] for line in view["transcript"]] == ["안녕하세요", "무엇을 도와드릴까요"]
    assert view["survey"]["stars"] == 5 and view["survey"]["comment"] == "고맙습니다"
    assert view["quality"]["sides"]["caller"]["frames"] == 600
    # The citizen's name, contact and note never come with a record.
    assert CONTACT not in text and NAME not in text and "wheelchair" not in text

    # Without consent, no transcript (even if lines were somehow stored).
    plain = await add_call(
        client,
        interpreter_id=park,
        contact_id=await add_contact(client),
        transcript=[("caller", "비밀")],
        consent=False,
    )
    view = await (await client.get(record_url(plain))).json()
    assert view["transcript_kept"] is False and view["transcript"] == []
    assert view["survey"] is None and view["quality"] is None
    assert csrf


# --- supervisors: search --------------------------------------------------------------------------


async def seed_records(client: Client) -> dict[str, Any]:
    """Five records across interpreters, categories, outcomes, languages, channels and days."""
    park = await add_interpreter(client, "Park")
    lee = await add_interpreter(client, "Lee", languages=("KSL", "ASL"))
    booking = await book(client, slot(client, days=2))  # as a citizen, before any log-in
    await new_login(client, Role.INTERPRETER, "park", interpreter_id=park)
    await new_login(client, Role.INTERPRETER, "lee", interpreter_id=lee)
    ksl = await add_contact(client, "KSL")
    asl = await add_contact(client, "ASL")
    now = utcnow()
    calls = {
        "a": (park, {"contact_id": ksl}, now - timedelta(days=3), "transport", "answered"),
        "b": (park, {"contact_id": ksl}, now - timedelta(days=2), "welfare", "referred"),
        "c": (lee, {"contact_id": asl}, now - timedelta(days=1), "welfare", "follow_up"),
        "d": (lee, {"reservation_id": booking["id"]}, now - timedelta(hours=2), "tax", "answered"),
        "e": (park, {"contact_id": ksl}, now - timedelta(hours=1), "other", "could_not_help"),
    }
    ids: dict[str, str] = {}
    for key, (who, owner, joined, category, outcome) in calls.items():
        mode = "video" if key in "cd" else "chat"
        session_id = await add_call(
            client, interpreter_id=who, joined=joined, mode=mode, session_id=f"s_{key}", **owner
        )
        csrf = await log_in_as(client, "park" if who == park else "lee")
        body: dict[str, Any] = {
            "category": category,
            "summary": f'=HYPERLINK("x") summary {key}' if key == "a" else f"summary {key}",
            "outcome": outcome,
        }
        if outcome == "referred":
            body["agency"] = "국민연금공단"
        resp = await put(client, session_id, csrf, **body)
        assert resp.status == 200, await resp.text()
        ids[key] = session_id
    await new_login(client, Role.SUPERVISOR, "boss")
    return {"ids": ids, "park": park, "lee": lee, "booking": booking}


async def search(client: Client, query: str = "") -> dict[str, Any]:
    resp = await client.get(f"/api/records?{query}")
    assert resp.status == 200, await resp.text()
    data: dict[str, Any] = await resp.json()
    return data


def keys(data: dict[str, Any]) -> list[str]:
    return [r["session_id"].removeprefix("s_") for r in data["records"]]


async def test_supervisors_search_by_every_filter(client: Client) -> None:
    seeded = await seed_records(client)
    everything = await search(client)
    assert everything["total"] == 5 and keys(everything) == ["e", "d", "c", "b", "a"]
    assert await search(client, f"interpreter_id={seeded['lee']}") and keys(
        await search(client, f"interpreter_id={seeded['lee']}")
    ) == ["d", "c"]
    assert keys(await search(client, "category=welfare")) == ["c", "b"]
    assert keys(await search(client, "outcome=answered")) == ["d", "a"]
    assert keys(await search(client, "language=ASL")) == ["c"]
    assert keys(await search(client, "channel=live")) == ["e", "c", "b", "a"]
    assert keys(await search(client, "channel=web")) == ["d"]
    assert keys(await search(client, "mode=video")) == ["d", "c"]
    today = local_today(client)
    days_ago = (today - timedelta(days=2)).isoformat()
    window = await search(client, f"from={days_ago}&to={today.isoformat()}")
    assert set(keys(window)) <= {"e", "d", "c", "b"} and {"e", "d"} <= set(keys(window))
    combined = await search(client, f"category=welfare&interpreter_id={seeded['park']}")
    assert keys(combined) == ["b"]
    row = combined["records"][0]
    assert row["agency"] == "국민연금공단" and row["complete"] is True
    assert row["interpreter_name"] == "Park"

    # Paged, with a bounded page size.
    first = await search(client, "page_size=2")
    second = await search(client, "page_size=2&page=2")
    third = await search(client, "page_size=2&page=3")
    assert (first["pages"], keys(first), keys(second), keys(third)) == (
        3,
        ["e", "d"],
        ["c", "b"],
        ["a"],
    )
    for bad in ("page_size=101", "page=0", "from=2026-02-30", "outcome=maybe", "channel=fax"):
        resp = await client.get(f"/api/records?{bad}")
        assert resp.status == 422, bad
    resp = await client.get(f"/api/records?from={today.isoformat()}&to={days_ago}")
    assert resp.status == 422

    searches = await audit(client, "records.search")
    assert searches and all(a.target == "records" for a in searches)
    assert any("category=welfare" in (a.detail or "") for a in searches)

    # Supervisors read any record (audited), and the records pages render.
    view = await (await client.get(record_url(seeded["ids"]["c"]))).json()
    assert view["record"]["outcome"] == "follow_up"
    assert (await client.get("/staff/records")).status == 200
    assert (await client.get(f"/staff/records/{seeded['ids']['c']}")).status == 200
    assert (await client.get("/staff/records/bad%20id")).status == 404


# --- supervisors: exports -------------------------------------------------------------------------


async def test_the_csv_export(client: Client) -> None:
    seeded = await seed_records(client)
    resp = await client.get("/api/records/export.csv?lang=en")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "no-store"
    raw = await resp.read()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["session_id"] for r in rows] == [f"s_{k}" for k in "abcde"]  # session order
    b = rows[1]
    assert (b["category"], b["category_label"], b["outcome"], b["outcome_label"]) == (
        "welfare",
        "Welfare",
        "referred",
        "Referred",
    )
    assert b["agency"] == "국민연금공단" and b["summary"] == "summary b"
    assert rows[0]["summary"].startswith("'=HYPERLINK")  # no formula runs in a spreadsheet
    assert rows[3]["booking_code"] == seeded["booking"]["code"] and rows[3]["channel"] == "web"
    assert CONTACT not in text and NAME not in text and "고맙습니다" not in text
    assert "contact" not in rows[0]

    filtered = await client.get("/api/records/export.csv?category=welfare")
    lines = (await filtered.read()).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3  # the header and b, c
    exports = await audit(client, "records.export")
    assert [a.detail for a in exports] == ["format=csv;", "format=csv;category=welfare"]


async def test_the_ndjson_export(client: Client) -> None:
    await seed_records(client)
    resp = await client.get("/api/records/export.json?interpreter_id=999999")
    assert resp.status == 200 and await resp.read() == b""
    resp = await client.get("/api/records/export.json")
    assert resp.headers["Content-Type"].startswith("application/x-ndjson")
    lines = (await resp.read()).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["session_id"] for r in records] == [f"s_{k}" for k in "abcde"]
    c = records[2]
    assert c["language"] == "ASL" and c["mode"] == "video" and c["outcome"] == "follow_up"
    assert c["complete"] is True and isinstance(c["wait_seconds"], float)
    assert c["category_label"] == "복지"  # Korean unless asked otherwise
    assert (await audit(client, "records.export"))[-1].detail == "format=json;"


async def test_the_open311_export(client: Client) -> None:
    seeded = await seed_records(client)
    # A draft without a category is no service request yet.
    await log_in_as(client, "park")
    csrf = (await (await client.get("/api/me")).json())["csrf_token"]
    draft = await add_call(
        client, interpreter_id=seeded["park"], contact_id=await add_contact(client)
    )
    assert (await put(client, draft, csrf, summary="still typing")).status == 200
    await log_in_as(client, "boss")
    resp = await client.get("/api/records/export.open311.json?lang=en")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    requests = json.loads(await resp.read())
    assert [r["service_request_id"] for r in requests] == [f"s_{k}" for k in "abcde"]
    fields = {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "agency_responsible",
        "requested_datetime",
        "updated_datetime",
    }
    assert all(set(r) == fields for r in requests)
    by_id = {r["service_request_id"]: r for r in requests}
    assert by_id["s_b"]["service_code"] == "welfare"
    assert by_id["s_b"]["service_name"] == "Welfare"
    assert by_id["s_b"]["status"] == "closed"
    assert by_id["s_b"]["agency_responsible"] == "국민연금공단"
    assert by_id["s_b"]["status_notes"] == "Referred: 국민연금공단"
    assert by_id["s_c"]["status"] == "open"  # follow-up needed
    assert by_id["s_a"]["agency_responsible"] is None
    assert by_id["s_a"]["requested_datetime"].endswith("+09:00")
    assert all("summary" not in json.dumps(r) for r in requests)
    empty = await client.get("/api/records/export.open311.json?category=housing")
    assert json.loads(await empty.read()) == []


async def test_an_export_that_fails_midway_is_cut_off_not_finished(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_records(client)
    whole = counseling.export_chunks

    async def failing(*args: Any, **kwargs: Any) -> AsyncGenerator[list[Any], None]:
        async for chunk in whole(*args, chunk=2, **kwargs):
            yield chunk
            raise RuntimeError("the database went away")

    monkeypatch.setattr(counseling, "export_chunks", failing)
    resp = await client.get("/api/records/export.json")
    assert resp.status == 200  # the status line left before the failure
    with pytest.raises(aiohttp.ClientPayloadError):
        await resp.read()


# --- the API document and the migration -----------------------------------------------------------


async def test_the_openapi_document_describes_the_record_routes(client: Client) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    paths = doc["paths"]
    assert set(paths["/api/sessions/{session_id}/record"]) == {"get", "put"}
    for path in (
        "/api/records",
        "/api/records/export.csv",
        "/api/records/export.json",
        "/api/records/export.open311.json",
        "/api/interpreter/records",
        "/api/record-categories",
    ):
        assert "get" in paths[path], path
    assert "/api/languages" in paths  # the existing routes are still there
    schemas = doc["components"]["schemas"]
    assert {"RecordIn", "RecordViewOut", "RecordSearchOut"} <= set(schemas)


def _migrate(connection: Connection, target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    direction, _, revision = target.partition(":")
    if direction == "up":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [
        diff
        for diff in compare_metadata(context, Base.metadata)
        if "counseling_records" in repr(diff) or "record_categories" in repr(diff)
    ]


async def test_migration_0005_goes_down_and_up_and_matches_the_models(client: Client) -> None:
    park, _, csrf = await setup_two_interpreters(client)
    session_id = await add_call(client, interpreter_id=park, contact_id=await add_contact(client))
    assert (await put(client, session_id, csrf, summary="kept?")).status == 200
    engine = client.app[ENGINE]
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, "down:0004")
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, "up:0005")
    async with engine.connect() as conn:
        assert await conn.run_sync(_drift) == []
    async with client.app[SESSIONS]() as db:
        assert list(await db.scalars(select(CounselingRecord))) == []
        codes = list(
            await db.scalars(select(RecordCategory.code).order_by(RecordCategory.position))
        )
    assert codes == SEEDED
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, "up:head")
