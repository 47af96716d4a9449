"""The citizen's right of access and deletion, on SQLite and PostgreSQL (issue 6): the booking's
link shows what is kept (and only that booking's), a deletion request is queued once, staff
carry it out or refuse it, everything is audited without personal data, and the other roles are
refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scheduler.domain import Role
from scheduler.models import AuditEntry, DeletionRequest, RecordingRow
from signdesk.appkeys import SESSIONS
from tests.api.helpers import bearer, login
from tests.signaling_ws.scenario import CITIZEN, Client, MakeClient, add_booking, add_interpreter
from tests.signaling_ws.test_purge import SUMMARY, seed


async def my_data(client: Client, code: str, token: str) -> tuple[int, dict[str, Any]]:
    response = await client.get(f"/api/reservations/{code}/my-data", headers=bearer(token))
    return response.status, (await response.json() if response.status == 200 else {})


async def audit_actions(client: Client) -> list[tuple[str, str, str | None]]:
    async with client.app[SESSIONS]() as db:
        rows = await db.scalars(
            select(AuditEntry).where(AuditEntry.action.like("privacy.%")).order_by(AuditEntry.id)
        )
        return [(r.actor, r.action, r.detail) for r in rows]


async def test_the_link_shows_what_is_kept_and_only_for_its_own_booking(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = await make_client(recording_dir=tmp_path / "rec")
    booking, session_id, _, _ = await seed(client, tmp_path / "rec")
    status, data = await my_data(client, booking.code, booking.token)
    assert status == 200
    assert data["name"] == CITIZEN and data["contact"] == "010-1234-5678"
    [session] = data["sessions"]
    assert session["session_id"] == session_id
    assert [line["text"] for line in session["chat"]] == ["안녕하세요", "네"]
    assert session["record_summary"] == SUMMARY and session["survey_comment"] == "감사합니다"
    assert len(session["recordings"]) == 1
    assert session["recordings_kept_until"] > session["ended_at"]
    # A wrong token, or another booking's token, sees nothing.
    other = await add_booking(client, booking.interpreter_id, starts_in=timedelta(days=2))
    assert (await my_data(client, booking.code, other.token))[0] == 404
    assert (await my_data(client, booking.code, "x" * 43))[0] == 404
    no_token = await client.get(f"/api/reservations/{booking.code}/my-data")
    assert no_token.status == 404
    assert await audit_actions(client) == [
        (f"citizen:{booking.code}", "privacy.viewed", None)
    ]  # the failed attempts changed nothing


async def test_a_deletion_request_is_queued_once_and_carried_out_by_staff(
    make_client: MakeClient, tmp_path: Path
) -> None:
    recordings = tmp_path / "rec"
    client = await make_client(recording_dir=recordings)
    booking, _, _, _ = await seed(client, recordings)
    url = f"/api/reservations/{booking.code}/deletion-request"
    first = await client.post(url, headers=bearer(booking.token))
    assert first.status == 201
    again = await client.post(url, headers=bearer(booking.token))
    assert again.status == 200 and (await again.json())["id"] == (await first.json())["id"]
    assert (await client.post(url, headers=bearer("x" * 43))).status == 404

    # Anonymous and interpreters are refused the queue; staff see it.
    assert (await client.get("/api/deletion-requests")).status == 401
    interpreter = await add_interpreter(client, "Park Interpreter")
    await login(client, Role.INTERPRETER, "terp9", interpreter_id=interpreter)
    assert (await client.get("/api/deletion-requests")).status == 403
    client.session.cookie_jar.clear()
    csrf = await login(client, Role.STAFF, "staff9")
    listed = await (await client.get("/api/deletion-requests")).json()
    [request] = listed["requests"]
    assert request["code"] == booking.code
    page = await client.get("/staff/privacy")
    assert page.status == 200

    # Staff carry it out: the personal data goes, the recording file is destroyed.
    done = await client.post(
        f"/api/deletion-requests/{request['id']}",
        json={"action": "done"},
        headers={"X-CSRF-Token": csrf},
    )
    assert done.status == 200, await done.text()
    assert (await done.json())["bytes_destroyed"] > 0
    assert not any(recordings.iterdir())
    twice = await client.post(
        f"/api/deletion-requests/{request['id']}",
        json={"action": "refused"},
        headers={"X-CSRF-Token": csrf},
    )
    assert twice.status == 409
    status, data = await my_data(client, booking.code, booking.token)
    assert status == 200 and data["deletion_status"] == "done"
    assert data["name"] == "" and data["contact"] is None and data["purged_at"]
    [session] = data["sessions"]
    assert session["chat"] == [] and session["recordings"] == []
    assert session["record_summary"] == "" and session["survey_comment"] is None
    assert session["record_category"] == "housing"  # no personal data: kept for statistics
    async with client.app[SESSIONS]() as db:
        assert list(await db.scalars(select(RecordingRow))) == []
        [row] = list(await db.scalars(select(DeletionRequest)))
        assert row.status == "done" and row.handled_by_account_id is not None
    actions = await audit_actions(client)
    assert [a for _, a, _ in actions] == [
        "privacy.deletion_requested",
        "privacy.deletion_done",
        "privacy.viewed",
    ]
    for actor, _, detail in actions:
        assert CITIZEN not in actor and "010" not in (detail or "")


async def test_a_bad_action_is_refused_with_a_clear_error(make_client: MakeClient) -> None:
    client = await make_client()
    csrf = await login(client, Role.STAFF, "staff8")
    bad = await client.post(
        "/api/deletion-requests/1", json={"action": "maybe"}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status == 400
    missing = await client.post(
        "/api/deletion-requests/999", json={"action": "done"}, headers={"X-CSRF-Token": csrf}
    )
    assert missing.status == 404
    no_csrf = await client.post("/api/deletion-requests/999", json={"action": "done"})
    assert no_csrf.status == 403
