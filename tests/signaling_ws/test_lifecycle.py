"""The shell's timers and exits: heartbeat, hello timeout, slot end, slow readers, shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from scheduler.models import CallSessionRecord
from signaling.server import CORE, HUB
from tests.signaling_ws.scenario import (
    Client,
    Inbox,
    MakeClient,
    add_booking,
    add_interpreter,
    closed_with,
    connect,
    connect_caller,
    flush_records,
    hello,
    interpreter_cookie,
    ready_interpreter,
    receive,
    rows,
    send,
)


async def wait_until(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    """Poll the server's state (it has no event to wait on) for up to `seconds`."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached in time")


async def test_heartbeat_reaps_a_socket_that_stopped_answering(make_client: MakeClient) -> None:
    client = await make_client(ws_heartbeat_seconds=0.1)
    lee = await add_interpreter(client)
    booking = await add_booking(client, lee)
    interpreter = Inbox(await ready_interpreter(client, lee))
    caller = await connect_caller(client, booking)
    await hello(caller)
    await send(caller, {"type": "join"})
    await receive(caller, "matched")
    sid = (await interpreter.next("matched"))["session_id"]
    await interpreter.next("presence")

    # The caller's page freezes: it no longer reads, so it no longer answers pings.
    status = await interpreter.next("peer_status")
    assert status == {
        "v": 1,
        "type": "peer_status",
        "session_id": sid,
        "status": "disconnected",
    }
    core = client.app[CORE]
    assert core.connection_count == 1  # the interpreter's; the caller's place is kept
    assert [c.state for c in core.calls()] == ["reconnecting"]
    assert len(client.app[HUB].sockets) == 1
    await interpreter.ws.close()


async def test_a_socket_that_never_says_hello_is_closed_with_4408(
    make_client: MakeClient,
) -> None:
    client = await make_client(ws_hello_timeout_seconds=0.2)
    ws = await connect_caller(client, await add_booking(client, await add_interpreter(client)))
    assert await closed_with(ws) == 4408
    await wait_until(lambda: not client.app[HUB].sockets)


async def test_a_waiting_caller_is_sent_home_when_the_slot_ends(client: Client) -> None:
    booking = await add_booking(
        client, await add_interpreter(client), starts_in=timedelta(minutes=-30, seconds=2)
    )
    caller = await connect_caller(client, booking)
    await hello(caller)
    await send(caller, {"type": "join"})
    await receive(caller, "waiting")
    ended = await receive(caller, "ended")  # from the core's tick, within a couple of seconds
    assert (ended["reason"], ended["ended_by"]) == ("expired", "system")
    await flush_records(client)
    [record] = await rows(client, CallSessionRecord)
    assert record.end_reason == "expired" and record.matched_at is None
    assert record.duration_seconds is None and record.wait_seconds > 0
    await caller.close()


async def test_a_socket_whose_queue_overflows_is_closed_with_1013(
    make_client: MakeClient,
) -> None:
    # A queue of one message: the interpreter's welcome and presence echo overflow it at once.
    client = await make_client(ws_send_queue=1)
    lee = await add_interpreter(client)
    ws = await connect(client, await interpreter_cookie(client, lee))
    await send(ws, {"type": "hello"})
    assert await closed_with(ws) == 1013
    await wait_until(lambda: client.app[CORE].connection_count == 0)


async def test_shutdown_ends_sessions_and_closes_every_socket_with_1001(client: Client) -> None:
    lee = await add_interpreter(client)
    booking = await add_booking(client, lee)
    interpreter = Inbox(await ready_interpreter(client, lee))
    caller_ws = await connect_caller(client, booking)
    await hello(caller_ws)
    await send(caller_ws, {"type": "join"})
    caller = Inbox(caller_ws)
    await caller.next("matched")
    await interpreter.next("matched")
    await interpreter.next("presence")

    await client.server.close()

    for inbox in (caller, interpreter):
        ended = await inbox.next("ended")
        assert (ended["reason"], ended["ended_by"]) == ("shutdown", "system")
    assert await caller.closed() == 1001
    assert await interpreter.closed() == 1001
    [record] = await rows(client, CallSessionRecord)  # written before the engine was disposed
    assert record.end_reason == "shutdown" and record.reservation_id == booking.id
    assert client.app[CORE].connection_count == 0
    assert not client.app[HUB].sockets


async def test_a_bug_in_the_core_closes_that_socket_with_1011_only(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    lee = await add_interpreter(client)
    interpreter = await ready_interpreter(client, lee)
    caller = await connect_caller(client, await add_booking(client, lee))
    await hello(caller)
    core = client.app[CORE]
    real = core.handle

    def broken(conn_id: str, message: object, now: object) -> object:
        if getattr(message, "type", None) == "join":
            raise RuntimeError("bug")
        return real(conn_id, message, now)  # type: ignore[arg-type]

    monkeypatch.setattr(core, "handle", broken)
    await send(caller, {"type": "join"})
    assert await closed_with(caller) == 1011
    await send(interpreter, {"type": "presence", "state": "away"})
    assert (await receive(interpreter, "presence"))["state"] == "away"
    await interpreter.close()
