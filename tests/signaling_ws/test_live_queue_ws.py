"""The live queue over the real `/ws`, on both databases: queue, ring, accept, decline, ring
timeout, chat, resume, abandon, wrap-up and the wallboard, with what each stores (issue 4)."""

from __future__ import annotations

from datetime import time
from typing import Any

from scheduler.domain import Role
from scheduler.models import CallSessionRecord, Interpreter, PresenceEvent
from scheduler.models import ChatMessage as ChatMessageRow
from signdesk.appkeys import SESSIONS, SETTINGS
from tests.signaling_ws.scenario import (
    WS,
    Client,
    Inbox,
    MakeClient,
    connect,
    flush_records,
    hello,
    interpreter_cookie,
    rows,
    send,
    session_cookie,
)

# Open all day, every day: the queue tests must not depend on when they run.
ALWAYS_OPEN: dict[str, object] = {
    "weekday_open": time(0, 0),
    "weekday_close": time(23, 59, 59),
    "weekend_open": time(0, 0),
    "weekend_close": time(23, 59, 59),
}


async def live_client(make_client: MakeClient, **overrides: object) -> Client:
    return await make_client(**{**ALWAYS_OPEN, **overrides})


async def add_interpreter(
    client: Client, name: str, languages: list[str], specialties: list[str] | None = None
) -> int:
    async with client.app[SESSIONS]() as db, db.begin():
        row = Interpreter(
            display_name=name, sign_languages=languages, specialties=specialties or []
        )
        db.add(row)
        await db.flush()
        return row.id


async def ready(client: Client, interpreter_id: int, username: str) -> Inbox:
    ws = await connect(client, await interpreter_cookie(client, interpreter_id, username))
    await hello(ws)
    inbox = Inbox(ws)
    assert (await inbox.next("presence"))["state"] == "away"
    await send(ws, {"type": "presence", "state": "ready"})
    assert (await inbox.next("presence"))["state"] == "ready"
    return inbox


async def walk_in(
    client: Client, language: str = "KSL", *, mode: str = "video", **fields: Any
) -> tuple[str, dict[str, Any]]:
    """A queue contact made through the public API: (contact token, response)."""
    resp = await client.post(
        "/api/queue",
        json={
            "language": language,
            "mode": mode,
            "consent": True,
            "consent_version": client.app[SETTINGS].consent_version,
            **fields,
        },
    )
    assert resp.status == 201, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body["contact_token"], body


async def walk_in_socket(client: Client, contact_token: str) -> WS:
    resp = await client.post(
        "/api/queue/ticket", headers={"Authorization": f"Bearer {contact_token}"}
    )
    assert resp.status == 201, await resp.text()
    ticket = (await resp.json())["ticket"]
    return await client.ws_connect(f"/ws?ticket={ticket}")


async def join_queue(
    client: Client, language: str = "KSL", transcript_consent: bool = False, **fields: Any
) -> tuple[Inbox, str, str]:
    """(inbox, contact token, resume token) of a walk-in who joined the queue."""
    token, _ = await walk_in(client, language, **fields)
    ws = await walk_in_socket(client, token)
    welcome = await hello(ws)
    inbox = Inbox(ws)
    await send(ws, {"type": "join", "transcript_consent": transcript_consent})
    return inbox, token, welcome["resume_token"]


async def next_of(inbox: Inbox, kind: str, seconds: float = 3.0) -> dict[str, Any]:
    """The next message of `kind`, skipping others (queue updates, presence echoes)."""
    while True:
        message = await inbox.next(seconds=seconds)
        if message["type"] == kind:
            return message


async def test_walk_in_is_rung_accepted_chats_and_the_record_keeps_the_consented_transcript(
    make_client: MakeClient,
) -> None:
    client = await live_client(make_client)
    iid = await add_interpreter(client, "Kim KSL", ["KSL"])
    terp = await ready(client, iid, "kim")
    caller, _, _ = await join_queue(client, transcript_consent=True)

    ring = await next_of(terp, "ring")
    assert (ring["language"], ring["kind"], ring["mode"]) == ("KSL", "walk_in", "video")
    queue = await next_of(caller, "queue")
    assert (queue["position"], queue["status"]) == (1, "ringing")
    sid = ring["session_id"]
    await send(terp.ws, {"type": "accept", "session_id": sid})
    matched = await next_of(caller, "matched")
    assert (matched["reservation_id"], matched["transcript_kept"]) == (None, True)
    assert (await next_of(terp, "matched"))["role_in_session"] == "offerer"

    await send(caller.ws, {"type": "typing", "session_id": sid, "active": True})
    assert (await next_of(terp, "typing"))["active"] is True
    await send(caller.ws, {"type": "chat", "session_id": sid, "text": "<b>여권</b> 문의"})
    await send(terp.ws, {"type": "chat", "session_id": sid, "text": "네, 말씀하세요"})
    for inbox in (caller, terp):
        first, second = await next_of(inbox, "chat"), await next_of(inbox, "chat")
        assert [first["seq"], second["seq"]] == [1, 2]
        assert first["text"] == "<b>여권</b> 문의"

    await send(caller.ws, {"type": "hangup", "session_id": sid})
    assert (await next_of(caller, "ended"))["reason"] == "hangup"
    wrap = await next_of(terp, "presence")
    assert wrap["state"] == "wrap_up" and wrap["until"] is not None
    await flush_records(client)

    [record] = await rows(client, CallSessionRecord, session_id=sid)
    assert (record.kind, record.reservation_id, record.actual_interpreter_id) == (
        "walk_in",
        None,
        iid,
    )
    assert record.contact_id is not None and record.transcript_consent
    lines = await rows(client, ChatMessageRow, call_session_id=record.id)
    assert sorted((m.seq, m.sender, m.text) for m in lines) == [
        (1, "caller", "<b>여권</b> 문의"),
        (2, "interpreter", "네, 말씀하세요"),
    ]
    states = [e.state for e in await rows(client, PresenceEvent, interpreter_id=iid)]
    assert states == ["away", "ready", "offered", "in_session", "wrap_up"]


async def test_without_consent_no_chat_is_stored(make_client: MakeClient) -> None:
    client = await live_client(make_client)
    iid = await add_interpreter(client, "Kim KSL", ["KSL"])
    terp = await ready(client, iid, "kim")
    caller, _, _ = await join_queue(client)
    sid = (await next_of(terp, "ring"))["session_id"]
    await send(terp.ws, {"type": "accept", "session_id": sid})
    await next_of(caller, "matched")
    await send(caller.ws, {"type": "chat", "session_id": sid, "text": "hello"})
    await next_of(terp, "chat")
    await send(terp.ws, {"type": "hangup", "session_id": sid})
    await next_of(caller, "ended")
    await flush_records(client)
    [record] = await rows(client, CallSessionRecord, session_id=sid)
    assert not record.transcript_consent
    assert await rows(client, ChatMessageRow, call_session_id=record.id) == []


async def test_decline_moves_the_ring_to_the_other_interpreter(make_client: MakeClient) -> None:
    client = await live_client(make_client)
    first = await ready(client, await add_interpreter(client, "Kim", ["KSL"]), "kim")
    second = await ready(client, await add_interpreter(client, "Lee", ["KSL", "ASL"]), "lee")
    caller, _, _ = await join_queue(client)
    ring = await next_of(first, "ring")  # ready longest
    await send(first.ws, {"type": "decline", "session_id": ring["session_id"]})
    assert (await next_of(first, "ring_cancelled"))["reason"] == "declined"
    assert (await next_of(second, "ring"))["session_id"] == ring["session_id"]
    await send(second.ws, {"type": "accept", "session_id": ring["session_id"]})
    assert (await next_of(caller, "matched"))["peer_name"] == "Lee"


async def test_an_unanswered_ring_times_out_and_two_misses_set_away(
    make_client: MakeClient,
) -> None:
    client = await live_client(make_client, queue_ring_timeout_seconds=3)
    iid = await add_interpreter(client, "Kim", ["KSL"])
    terp = await ready(client, iid, "kim")
    caller, _, _ = await join_queue(client)
    await next_of(terp, "ring")
    assert (await next_of(terp, "ring_cancelled", 6.0))["reason"] == "timeout"
    await next_of(terp, "ring")  # nobody else: rung again
    assert (await next_of(terp, "ring_cancelled", 6.0))["reason"] == "timeout"
    away = await next_of(terp, "presence")
    while away["state"] != "away":
        away = await next_of(terp, "presence")
    assert away["reason"] == "missed_offers"
    queue = await next_of(caller, "queue")
    while queue["status"] == "ringing":  # the rings before the interpreter went away
        queue = await next_of(caller, "queue")
    assert (queue["status"], queue["interpreters_online"]) == ("queued", 0)


async def test_language_routing_over_the_socket(make_client: MakeClient) -> None:
    client = await live_client(make_client)
    asl = await ready(client, await add_interpreter(client, "Park", ["ASL"]), "park")
    ksl = await ready(client, await add_interpreter(client, "Kim", ["KSL"]), "kim")
    asl_caller, _, _ = await join_queue(client, "ASL")
    ksl_caller, _, _ = await join_queue(client, "KSL")
    asl_ring = await next_of(asl, "ring")
    ksl_ring = await next_of(ksl, "ring")
    assert (asl_ring["language"], ksl_ring["language"]) == ("ASL", "KSL")
    await send(asl.ws, {"type": "accept", "session_id": asl_ring["session_id"]})
    await send(ksl.ws, {"type": "accept", "session_id": ksl_ring["session_id"]})
    assert (await next_of(asl_caller, "matched"))["peer_name"] == "Park"
    assert (await next_of(ksl_caller, "matched"))["peer_name"] == "Kim"


async def test_a_caller_who_leaves_the_queue_is_abandoned(make_client: MakeClient) -> None:
    client = await live_client(make_client)
    caller, _, _ = await join_queue(client)
    queue = await next_of(caller, "queue")
    assert queue["position"] == 1 and queue["wait_low_s"] is None  # nobody online
    await send(caller.ws, {"type": "hangup", "session_id": queue["session_id"]})
    assert (await next_of(caller, "ended"))["reason"] == "abandoned"
    await flush_records(client)
    [record] = await rows(client, CallSessionRecord, session_id=queue["session_id"])
    assert record.end_reason == "abandoned" and record.matched_at is None
    assert record.wait_seconds >= 0


async def test_a_reload_keeps_the_place_in_the_queue(make_client: MakeClient) -> None:
    client = await live_client(make_client)
    first, token, resume = await join_queue(client)
    queue = await next_of(first, "queue")
    second, _, _ = await join_queue(client)
    assert (await next_of(second, "queue"))["position"] == 2
    await first.ws.close()
    ws = await walk_in_socket(client, token)
    await send(ws, {"type": "hello", "resume_token": resume})
    back = Inbox(ws)
    assert (await back.next("welcome"))["resumed"] is True
    again = await next_of(back, "queue")
    assert (again["session_id"], again["position"]) == (queue["session_id"], 1)


async def test_chat_over_the_burst_is_refused(make_client: MakeClient) -> None:
    client = await live_client(make_client, chat_burst=2)
    terp = await ready(client, await add_interpreter(client, "Kim", ["KSL"]), "kim")
    caller, _, _ = await join_queue(client)
    sid = (await next_of(terp, "ring"))["session_id"]
    await send(terp.ws, {"type": "accept", "session_id": sid})
    await next_of(caller, "matched")
    for n in range(3):
        await send(caller.ws, {"type": "chat", "session_id": sid, "text": f"m{n}"})
    error = await next_of(caller, "error")
    assert (error["code"], error["about"]) == ("rate_limited", "chat")
    too_long = {"type": "chat", "session_id": sid, "text": "x" * 1001}
    await send(terp.ws, too_long)
    assert (await next_of(terp, "error"))["code"] == "invalid"


async def test_staff_watch_the_wallboard(make_client: MakeClient) -> None:
    client = await live_client(make_client)
    staff = await connect(client, await session_cookie(client, Role.STAFF, "desk"))
    await hello(staff)
    board_inbox = Inbox(staff)
    await send(staff, {"type": "watch", "topic": "wallboard"})
    board = await board_inbox.next("wallboard")
    assert board["waiting"] == [] and board["speed_of_answer"]["answered"] == 0
    await join_queue(client)
    pushed = await next_of(board_inbox, "wallboard")
    while not pushed["waiting"]:
        pushed = await next_of(board_inbox, "wallboard")
    assert pushed["waiting"][0]["language"] == "KSL" and pushed["waiting"][0]["waiting"] == 1
