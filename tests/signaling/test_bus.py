"""The in-process bus: ordered, bounded, and loud about slow readers."""

from __future__ import annotations

import asyncio

import pytest

from signaling.bus import Bus, BusSubscription, InProcessBus, SlowConsumer


async def test_messages_arrive_in_order_for_their_connection_only() -> None:
    bus: Bus = InProcessBus()
    alice = bus.subscribe("a")
    bob = bus.subscribe("b")
    for n in range(3):
        await bus.publish("a", f"a{n}")
    await bus.publish("b", "b0")
    assert [await anext(alice) for _ in range(3)] == ["a0", "a1", "a2"]
    assert await anext(bob) == "b0"


async def test_a_waiting_reader_wakes_when_a_message_arrives() -> None:
    bus = InProcessBus()
    subscription = bus.subscribe("a")
    reader = asyncio.create_task(anext(subscription))
    await asyncio.sleep(0)
    assert not reader.done()
    await bus.publish("a", "hello")
    assert await asyncio.wait_for(reader, 0.05) == "hello"


async def test_unsubscribe_ends_the_reader_and_later_publishes_are_dropped() -> None:
    bus = InProcessBus()
    subscription = bus.subscribe("a")

    async def drain(sub: BusSubscription) -> list[str]:
        return [payload async for payload in sub]

    reader = asyncio.create_task(drain(subscription))
    await bus.publish("a", "last")
    await asyncio.sleep(0)
    bus.unsubscribe("a")
    await bus.publish("a", "too late")
    assert await asyncio.wait_for(reader, 0.05) == ["last"]
    bus.unsubscribe("a")  # twice is fine
    assert len(bus) == 0


async def test_publishing_to_an_unknown_connection_is_a_no_op() -> None:
    bus = InProcessBus()
    await bus.publish("nobody", "x")
    assert len(bus) == 0


async def test_a_full_queue_marks_the_reader_slow_and_reports_it() -> None:
    reported: list[str] = []
    bus = InProcessBus(queue_size=2)
    slow = bus.subscribe("slow", on_overflow=reported.append)
    fast = bus.subscribe("fast")
    for n in range(3):
        await bus.publish("slow", f"m{n}")
        await bus.publish("fast", f"m{n}")
        assert await anext(fast) == f"m{n}"
    assert slow.overflowed and reported == ["slow"]
    assert slow.pending == 0  # what it had is discarded: the socket is being closed
    with pytest.raises(SlowConsumer) as caught:
        await anext(slow)
    assert caught.value.conn_id == "slow"
    await bus.publish("slow", "more")
    assert reported == ["slow"]  # reported once
    assert not fast.overflowed  # others are not affected


async def test_a_waiting_reader_learns_it_is_slow_at_once() -> None:
    bus = InProcessBus(queue_size=1)
    subscription = bus.subscribe("a")
    await bus.publish("a", "1")
    await bus.publish("a", "2")
    with pytest.raises(SlowConsumer):
        await asyncio.wait_for(anext(subscription), 0.05)


async def test_one_subscription_per_connection() -> None:
    bus = InProcessBus()
    bus.subscribe("a")
    with pytest.raises(ValueError, match="already"):
        bus.subscribe("a")


async def test_close_ends_every_reader_and_refuses_new_subscriptions() -> None:
    bus = InProcessBus()
    subscription = bus.subscribe("a")
    reader = asyncio.create_task(anext(subscription))
    await asyncio.sleep(0)
    await bus.close()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(reader, 0.05)
    await bus.publish("a", "x")
    with pytest.raises(RuntimeError, match="closed"):
        bus.subscribe("b")


def test_queue_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        InProcessBus(queue_size=0)
