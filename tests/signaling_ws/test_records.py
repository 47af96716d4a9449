"""What a call leaves behind: the session record, the completed reservation, the staff views."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from scheduler.domain import Role
from scheduler.models import AuditEntry, BusyCell, CallSessionRecord, HandoverRow
from signdesk.appkeys import SETTINGS
from tests.signaling_ws.scenario import (
    CANDIDATE,
    CANDIDATE_LINE,
    CITIZEN,
    SDP,
    WS,
    Booking,
    Client,
    add_booking,
    add_interpreter,
    barrier,
    connect,
    connect_caller,
    flush_records,
    hello,
    interpreter_cookie,
    ready_interpreter,
    receive,
    reservation,
    rows,
    send,
    session_cookie,
    skip_to,
    ticket,
)


@dataclass(frozen=True, slots=True)
class Pair:
    caller: WS
    interpreter: WS
    session_id: str
    resume_token: str  # the caller's


async def matched_pair(client: Client, booking: Booking) -> Pair:
    """A ready interpreter and a caller who joined: both matched."""
    interpreter = await ready_interpreter(client, booking.interpreter_id)
    caller = await connect_caller(client, booking)
    token = (await hello(caller))["resume_token"]
    await send(caller, {"type": "join"})
    sid = (await receive(caller, "matched"))["session_id"]
    await receive(interpreter, "matched")
    await receive(interpreter, "presence")
    return Pair(caller, interpreter, sid, token)


async def staff_list(client: Client, booking: Booking, cookie: dict[str, str]) -> dict[str, Any]:
    day = booking.start.astimezone(client.app[SETTINGS].tz).date().isoformat()
    resp = await client.get(
        "/api/staff/reservations", params={"from": day, "to": day}, headers=cookie
    )
    assert resp.status == 200, await resp.text()
    [item] = [i for i in (await resp.json())["reservations"] if i["id"] == booking.id]
    return item  # type: ignore[no-any-return]


async def test_a_hung_up_call_is_recorded_and_completes_the_booking(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    booking = await add_booking(client, await add_interpreter(client))
    pair = await matched_pair(client, booking)
    caller, interpreter, sid = pair.caller, pair.interpreter, pair.session_id
    await send(interpreter, {"type": "offer", "session_id": sid, "sdp": SDP})
    await receive(caller, "offer")
    await send(caller, {"type": "ice", "session_id": sid, "candidate": CANDIDATE})
    await receive(interpreter, "ice")
    for ws in (caller, interpreter):
        await send(ws, {"type": "media", "session_id": sid, "state": "connected"})
    for fps in (24.0, 26.0):
        await send(caller, {"type": "stats", "session_id": sid, "fps_received": fps})
    await send(interpreter, {"type": "stats", "session_id": sid, "fps_received": 30.0})
    await barrier(interpreter)
    await send(caller, {"type": "hangup", "session_id": sid})
    for ws in (caller, interpreter):
        ended = await receive(ws, "ended")
        assert (ended["reason"], ended["ended_by"]) == ("hangup", "caller")
    assert (await receive(interpreter, "presence"))["state"] == "wrap_up"  # time for the record
    await flush_records(client)

    [record] = await rows(client, CallSessionRecord)
    assert record.reservation_id == booking.id and record.session_id == sid
    assert record.assigned_interpreter_id == record.actual_interpreter_id == booking.interpreter_id
    assert not record.handed_over
    assert record.caller_joined_at <= record.matched_at <= record.caller_media_at
    assert record.interpreter_media_at is not None and record.connected_at is not None
    assert record.connected_at <= record.ended_at
    assert record.wait_seconds == (record.matched_at - record.caller_joined_at).total_seconds()
    assert record.duration_seconds == (record.ended_at - record.matched_at).total_seconds()
    assert (record.ended_by, record.end_reason) == ("caller", "hangup")
    assert record.caller_fps_avg == pytest.approx(25.0)
    assert record.interpreter_fps_avg == pytest.approx(30.0)

    row = await reservation(client, booking.id)
    assert row.status == "completed"
    assert len(await rows(client, BusyCell, reservation_id=booking.id)) > 0  # held to slot end
    audit = await rows(client, AuditEntry, action="reservation.completed")
    assert [(a.actor, a.target) for a in audit] == [("system", f"reservation:{booking.id}")]

    staff = await session_cookie(client, Role.STAFF, "desk")
    item = await staff_list(client, booking, staff)
    assert item["status"] == "completed"
    call = item["call"]
    assert set(call) == {
        "caller_joined_at",
        "matched_at",
        "caller_media_at",
        "interpreter_media_at",
        "ended_at",
        "wait_seconds",
        "duration_seconds",
        "ended_by",
        "end_reason",
        "caller_fps_avg",
        "interpreter_fps_avg",
        "interpreter_id",
        "handed_over",
        "survey_answered",
        "survey_stars",
        "quality",
    }
    assert call["quality"] is None  # quality assistance was off
    assert (call["survey_answered"], call["survey_stars"]) == (False, None)
    assert (call["ended_by"], call["end_reason"]) == ("caller", "hangup")
    assert call["caller_fps_avg"] == pytest.approx(25.0)
    assert call["ended_at"].endswith("+09:00")  # local time, like the rest of the list

    # Our loggers said what happened, but nothing personal or secret: no SDP, candidate, link
    # token, resume token or name. (The test server's access log is aiohttp's default one; the
    # real server uses `PathOnlyAccessLogger`, which drops the query string with the ticket.)
    ours = ("signaling", "web", "scheduler", "signdesk")
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))
    assert "received offer" in text and "received hangup" in text
    for secret in (SDP.strip(), CANDIDATE_LINE, booking.token, CITIZEN, "Lee Interpreter"):
        assert secret not in text
    assert pair.resume_token not in text
    for ws in (caller, interpreter):
        await ws.close()


async def test_a_call_whose_media_never_connected_leaves_the_booking_open(client: Client) -> None:
    booking = await add_booking(client, await add_interpreter(client))
    pair = await matched_pair(client, booking)
    caller, interpreter, sid = pair.caller, pair.interpreter, pair.session_id
    await send(interpreter, {"type": "media", "session_id": sid, "state": "connected"})
    await send(interpreter, {"type": "hangup", "session_id": sid, "reason": "media_failed"})
    assert (await receive(caller, "ended"))["reason"] == "media_failed"
    await flush_records(client)
    [record] = await rows(client, CallSessionRecord)
    assert (record.ended_by, record.end_reason) == ("interpreter", "media_failed")
    assert record.interpreter_media_at is not None and record.caller_media_at is None
    assert record.caller_fps_avg is None and record.interpreter_fps_avg is None
    assert (await reservation(client, booking.id)).status == "booked"

    # The interpreter ends wrap-up at once, and the caller joins again: a second session, a
    # second record; the list shows the latest.
    assert (await skip_to(interpreter, "presence"))["state"] == "wrap_up"
    await send(interpreter, {"type": "presence", "state": "ready"})
    await send(caller, {"type": "join"})
    second = (await receive(caller, "matched"))["session_id"]
    assert second != sid
    await send(caller, {"type": "hangup", "session_id": second})
    await receive(caller, "ended")
    await flush_records(client)
    records = await rows(client, CallSessionRecord, reservation_id=booking.id)
    assert sorted(r.session_id for r in records) == sorted([sid, second])
    item = await staff_list(client, booking, await session_cookie(client, Role.STAFF, "desk"))
    assert (item["call"]["ended_by"], item["call"]["end_reason"]) == ("caller", "hangup")
    assert item["status"] == "booked"  # media never connected: staff decide
    for ws in (caller, interpreter):
        await ws.close()


async def test_staff_are_alerted_and_see_open_calls(client: Client) -> None:
    lee = await add_interpreter(client, "Lee")
    # The slot began a minute ago: past the start (alert), within the handover grace.
    booking = await add_booking(client, lee, starts_in=timedelta(minutes=-1))
    cookie = await session_cookie(client, Role.STAFF, "desk")
    staff = await connect(client, cookie)
    await hello(staff)

    assert (await client.get("/api/staff/calls")).status == 401
    caller = await connect_caller(client, booking)
    await hello(caller)
    await send(caller, {"type": "join"})
    await receive(caller, "waiting")
    alert = await receive(staff, "staff_alert")
    assert alert["kind"] == "interpreter_absent" and alert["reservation_id"] == booking.id
    assert alert["interpreter_id"] == lee

    resp = await client.get("/api/staff/calls", headers=cookie)
    assert resp.status == 200
    calls = (await resp.json())["calls"]
    assert [(c["reservation_id"], c["state"], c["alerted"]) for c in calls] == [
        (booking.id, "waiting", True)
    ]
    assert calls[0]["waiting_status"] == "interpreter_absent"
    assert (calls[0]["kind"], calls[0]["mode"], calls[0]["code"]) == (
        "reserved",
        "video",
        booking.code,
    )
    assert (calls[0]["contact_id"], calls[0]["assigned_interpreter_id"]) == (None, lee)

    interpreter = await ready_interpreter(client, lee)
    await receive(interpreter, "matched")
    assert (await receive(staff, "staff_alert"))["kind"] == "resolved"
    state = await (await client.get("/api/staff/calls", headers=cookie)).json()
    assert [c["state"] for c in state["calls"]] == ["matched"]
    assert state["interpreters"] == [
        {
            "interpreter_id": lee,
            "display_name": "Lee",
            "languages": ["KSL"],
            "presence": "in_session",
            "connected": True,
            "session_id": calls[0]["session_id"],
        }
    ]
    for ws in (staff, caller, interpreter):
        await ws.close()


async def test_staff_hand_a_waiting_caller_to_another_interpreter(client: Client) -> None:
    absent = await add_interpreter(client, "Absent")
    other = await add_interpreter(client, "Other")
    # Past the slot start (alert), within the three-minute grace (no automatic handover yet).
    booking = await add_booking(client, absent, starts_in=timedelta(minutes=-1))
    cookie = await session_cookie(client, Role.STAFF, "desk")
    staff = await connect(client, cookie)
    await hello(staff)
    assigned = await connect(client, await interpreter_cookie(client, absent, "absent"))
    await hello(assigned)
    await receive(assigned, "presence")  # away: present but not ready
    caller = await connect_caller(client, booking)
    await hello(caller)
    await send(caller, {"type": "join"})
    assert (await receive(caller, "waiting"))["status"] == "connecting"
    alert = await receive(staff, "staff_alert")
    assert (alert["kind"], alert["reservation_id"]) == ("interpreter_absent", booking.id)
    told = await receive(assigned, "caller_waiting")
    assert told["reservation_id"] == booking.id

    substitute = await ready_interpreter(client, other, "other")
    state = await (await client.get("/api/staff/calls", headers=cookie)).json()
    [call] = state["calls"]
    assert (call["state"], call["handover_candidates"]) == ("waiting", [other])
    by_id = {i["interpreter_id"]: i for i in state["interpreters"]}
    assert (by_id[other]["display_name"], by_id[other]["presence"]) == ("Other", "ready")

    await send(
        staff, {"type": "staff_handover", "session_id": call["session_id"], "interpreter_id": 999}
    )
    refused = await receive(staff, "error")
    assert (refused["code"], refused["about"]) == ("handover_unavailable", "staff_handover")

    await send(
        staff, {"type": "staff_handover", "session_id": call["session_id"], "interpreter_id": other}
    )
    matched = await receive(caller, "matched")
    assert (matched["peer_name"], matched["reservation_id"]) == ("Other", booking.id)
    to_substitute = await receive(substitute, "matched")
    assert to_substitute["reservation_id"] == booking.id
    assert (await receive(assigned, "caller_left"))["reservation_id"] == booking.id
    assert (await receive(staff, "staff_alert"))["kind"] == "resolved"
    done = await receive(staff, "handed_over")
    assert (done["to_interpreter_id"], done["by"]) == (other, "staff")

    await send(caller, {"type": "hangup", "session_id": matched["session_id"]})
    await receive(caller, "ended")
    await flush_records(client)
    [handover] = await rows(client, HandoverRow)
    assert (handover.from_interpreter_id, handover.to_interpreter_id) == (absent, other)
    assert handover.by == "staff" and handover.staff_account_id is not None
    for ws in (staff, assigned, caller, substitute):
        await ws.close()


async def test_an_automatic_handover_is_recorded(client: Client) -> None:
    absent = await add_interpreter(client, "Absent")
    present = await add_interpreter(client, "Present")
    # Past the three-minute handover grace: a free interpreter of the language takes the caller.
    booking = await add_booking(client, absent, starts_in=timedelta(minutes=-5))
    interpreter = await ready_interpreter(client, present)
    caller = await connect_caller(client, booking)
    await hello(caller)
    await send(caller, {"type": "join"})
    matched = await receive(caller, "matched")
    assert matched["peer_name"] == "Present"
    await receive(interpreter, "matched")
    await send(caller, {"type": "hangup", "session_id": matched["session_id"]})
    await receive(caller, "ended")
    await flush_records(client)
    [handover] = await rows(client, HandoverRow)
    assert (handover.from_interpreter_id, handover.to_interpreter_id) == (absent, present)
    assert (handover.by, handover.staff_account_id) == ("system", None)
    [record] = await rows(client, CallSessionRecord)
    assert record.handed_over and record.actual_interpreter_id == present
    assert record.assigned_interpreter_id == absent
    for ws in (caller, interpreter):
        await ws.close()


async def test_a_used_ticket_cannot_take_a_place_but_a_fresh_one_resumes(client: Client) -> None:
    """The resume path through the shell: a new socket with a new ticket and the resume token."""
    booking = await add_booking(client, await add_interpreter(client))
    pair = await matched_pair(client, booking)
    caller, interpreter, sid = pair.caller, pair.interpreter, pair.session_id
    await send(caller, {"type": "hello"})  # resend to read nothing but an error
    assert (await receive(caller, "error"))["code"] == "already_welcomed"
    first = caller
    fresh = await client.ws_connect(f"/ws?ticket={await ticket(client, booking)}")
    await send(fresh, {"type": "hello"})  # no token while the old socket lives: refused
    assert (await receive(fresh, "error"))["code"] == "already_connected"
    await first.close()
    assert (await receive(interpreter, "peer_status"))["status"] == "disconnected"
    again = await client.ws_connect(f"/ws?ticket={await ticket(client, booking)}")
    welcome = await hello(again)
    assert welcome["resumed"] is True
    assert (await receive(again, "matched"))["session_id"] == sid
    assert (await receive(interpreter, "peer_status"))["status"] == "reconnected"
    for ws in (again, interpreter, fresh):
        await ws.close()
