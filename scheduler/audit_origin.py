"""Where the audit entries being written come from ("from where" in PIPA's access records).

While web.auth handles a logged-in request it sets `CLIENT_ADDRESS` to the client address; it is
the default of `audit_log.client_address`, so every entry written for that request (a record
viewed, an export, a staff edit) records it without each caller passing it. Anonymous requests
(citizens) leave it unset: their addresses are not collected. A ContextVar, because aiohttp runs
each request in its own task (and tasks copy the context), so requests never see each other's.
"""

from __future__ import annotations

from contextvars import ContextVar

CLIENT_ADDRESS: ContextVar[str | None] = ContextVar("signdesk_audit_client_address", default=None)


def current_client_address() -> str | None:
    return CLIENT_ADDRESS.get()
