"""What the core asks the shell to do: deliver messages, persist records, close sockets.

The shell applies a `Decision` in order: deliveries first (through the bus, so the core never
knows which process holds a socket), then records, then closes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from signaling.protocol import CloseCode, ErrorCode, ErrorMessage, ServerMessage
from signaling.records import RecordEvent


@dataclass(frozen=True, slots=True)
class Delivery:
    conn_id: str
    message: ServerMessage


@dataclass(frozen=True, slots=True)
class Close:
    conn_id: str
    code: CloseCode
    reason: str  # short, fixed text for the close frame (at most 123 bytes)


@dataclass(slots=True)
class Decision:
    deliveries: list[Delivery] = field(default_factory=list)
    records: list[RecordEvent] = field(default_factory=list)
    closes: list[Close] = field(default_factory=list)

    def send(self, conn_id: str, message: ServerMessage) -> None:
        self.deliveries.append(Delivery(conn_id, message))

    def error(self, conn_id: str, code: ErrorCode, message: str, about: str | None = None) -> None:
        self.send(conn_id, ErrorMessage(code=code, message=message, about=about))

    def close(self, conn_id: str, code: CloseCode, reason: str) -> None:
        self.closes.append(Close(conn_id, code, reason))

    def to(self, conn_id: str) -> list[ServerMessage]:
        """The messages for one connection, in order (handy in tests and logs)."""
        return [d.message for d in self.deliveries if d.conn_id == conn_id]
