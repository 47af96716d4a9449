"""Signaling for video counseling calls: the `/ws` wire format (`protocol`), a pure core that
pairs callers with interpreters and relays WebRTC negotiation (`core`), and the bus that carries
messages to sockets (`bus`). See docs/protocol.md."""
