"""Delivery between connections: the core names a connection id, the bus finds its socket's queue.

`Bus` is the interface; `InProcessBus` is the implementation for one server process. A Redis
implementation can later route `publish` to whichever process holds the socket, without the core
or the handler changing: both only ever speak of connection ids.

Each subscription is a bounded queue read by the task that writes to that socket. Drop policy: if
a queue is full when a message arrives, the socket is reading too slowly. Its pending messages are
discarded, the subscription is marked overflowed, `on_overflow(conn_id)` is called at once (the
writer may be stuck in a send), and its next read raises `SlowConsumer`. The shell then closes the
socket with 1013 (try again later) and calls `core.disconnect`, so the resume window applies.
Publishing to an id nobody subscribed is a no-op: that socket is already gone.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Protocol

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 64


class SlowConsumer(Exception):
    """A socket's queue overflowed; close that socket with 1013."""

    def __init__(self, conn_id: str) -> None:
        super().__init__(f"connection {conn_id} reads too slowly")
        self.conn_id = conn_id


class BusSubscription(Protocol):
    """The messages for one connection, in order. Iteration ends when it is unsubscribed."""

    @property
    def conn_id(self) -> str: ...

    @property
    def overflowed(self) -> bool: ...

    def __aiter__(self) -> AsyncIterator[str]: ...

    async def __anext__(self) -> str: ...


class Bus(Protocol):
    async def publish(self, conn_id: str, payload: str) -> None:
        """Queue an encoded message for a connection; never waits for the reader."""

    def subscribe(
        self, conn_id: str, on_overflow: Callable[[str], None] | None = None
    ) -> BusSubscription:
        """Start receiving for a connection; one subscription per id."""

    def unsubscribe(self, conn_id: str) -> None:
        """Stop receiving; a reader waiting on the subscription finishes. Unknown ids are fine."""

    async def close(self) -> None:
        """End every subscription; later publishes are dropped."""


class InProcessSubscription:
    def __init__(
        self, conn_id: str, queue_size: int, on_overflow: Callable[[str], None] | None
    ) -> None:
        self._conn_id = conn_id
        self._queue_size = queue_size
        self._on_overflow = on_overflow
        self._pending: deque[str] = deque()
        self._wakeup = asyncio.Event()
        self._overflowed = False
        self._ended = False

    @property
    def conn_id(self) -> str:
        return self._conn_id

    @property
    def overflowed(self) -> bool:
        return self._overflowed

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def idle(self) -> bool:
        """Open, with nothing waiting: a message written straight to the socket now cannot
        overtake one published before it (the shell's direct path for relayed frames)."""
        return not self._pending and not self._ended and not self._overflowed

    def offer(self, payload: str) -> None:
        if self._ended or self._overflowed:
            return
        if len(self._pending) >= self._queue_size:
            self._overflowed = True
            self._pending.clear()
            self._wakeup.set()
            logger.warning("bus queue full for connection %s; closing it as slow", self._conn_id)
            if self._on_overflow is not None:
                self._on_overflow(self._conn_id)
            return
        self._pending.append(payload)
        self._wakeup.set()

    def end(self) -> None:
        self._ended = True
        self._wakeup.set()

    def __aiter__(self) -> InProcessSubscription:
        return self

    async def __anext__(self) -> str:
        while True:
            if self._overflowed:
                raise SlowConsumer(self._conn_id)
            if self._pending:
                return self._pending.popleft()
            if self._ended:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()


class InProcessBus:
    """The bus for a single server process: one bounded in-memory queue per connection."""

    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._queue_size = queue_size
        self._subscriptions: dict[str, InProcessSubscription] = {}
        self._closed = False

    def __len__(self) -> int:
        return len(self._subscriptions)

    async def publish(self, conn_id: str, payload: str) -> None:
        subscription = self._subscriptions.get(conn_id)
        if subscription is not None:
            subscription.offer(payload)

    def subscribe(
        self, conn_id: str, on_overflow: Callable[[str], None] | None = None
    ) -> InProcessSubscription:
        if self._closed:
            raise RuntimeError("the bus is closed")
        if conn_id in self._subscriptions:
            raise ValueError("connection is already subscribed")
        subscription = InProcessSubscription(conn_id, self._queue_size, on_overflow)
        self._subscriptions[conn_id] = subscription
        return subscription

    def unsubscribe(self, conn_id: str) -> None:
        subscription = self._subscriptions.pop(conn_id, None)
        if subscription is not None:
            subscription.end()

    async def close(self) -> None:
        self._closed = True
        for subscription in self._subscriptions.values():
            subscription.end()
        self._subscriptions.clear()
