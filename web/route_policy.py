"""Who may pass each route's role gate: one table for the whole app (PIPA "least privilege").

The handlers enforce it with `web.auth.require_role`; `tests/web/test_route_policy.py` walks every
route the app registers and proves, for an anonymous visitor and for each role, that the gate lets
exactly these roles through. A route missing here fails that test, so a new route cannot ship
without a decision. `HEAD` follows `GET`.

The roles (see docs/threat-model.md, "Roles"):
- a citizen has no account: public routes, and their own booking through its link token;
- an interpreter: their own reservations, sessions and records;
- staff: interpreters, shifts and reservations, never record contents;
- a supervisor: everything staff see, plus records, statistics, exports and the audit log;
- an admin: accounts, settings, the audit log and its export; no reservations or records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from scheduler.domain import Role


@dataclass(frozen=True, slots=True)
class Rule:
    """`roles`: the accounts the gate lets through; empty means no log-in is asked (public, or a
    citizen's token). `then`: what the handler checks after the gate, if anything."""

    roles: frozenset[Role]
    then: str = ""

    @property
    def public(self) -> bool:
        return not self.roles


def anyone(then: str = "") -> Rule:
    return Rule(frozenset(), then)


def only(*roles: Role, then: str = "") -> Rule:
    return Rule(frozenset(roles), then)


_LINK = "the booking's link token (wrong or missing: 404)"
_CONTACT = "the walk-in's contact token"
_STAFF = only(Role.STAFF, Role.SUPERVISOR)
_SUPERVISOR = only(Role.SUPERVISOR)
_INTERPRETER = only(Role.INTERPRETER)
_ADMIN = only(Role.ADMIN)
_R = "/api/reservations/{code}"

ROUTE_POLICY: Final[Mapping[tuple[str, str], Rule]] = {
    # probes, log-in, static files, citizen pages
    ("GET", "/healthz"): anyone(),
    ("GET", "/readyz"): anyone(),
    ("GET", "/login"): anyone(),
    ("POST", "/login"): anyone(then="the log-in form's CSRF token, throttled per address"),
    ("POST", "/logout"): anyone(then="ends only the caller's own session"),
    ("GET", "/static"): anyone(),
    ("GET", "/"): anyone(),
    ("GET", "/booking"): anyone(),
    ("GET", "/booking/{code}"): anyone(then="the page reads the token from the URL fragment"),
    ("GET", "/call/{code}"): anyone(then="the page reads the token from the URL fragment"),
    ("GET", "/live"): anyone(),
    # public JSON
    ("GET", "/api/languages"): anyone(),
    ("GET", "/api/catalog"): anyone(),
    ("GET", "/api/availability"): anyone(then="counts only, no names"),
    ("POST", "/api/reservations"): anyone(),
    ("GET", "/api/queue/status"): anyone(),
    ("POST", "/api/queue"): anyone(then="throttled per address"),
    ("GET", "/api/call/config"): anyone(),
    ("GET", "/api/openapi.json"): anyone(),
    # a citizen's own booking or walk-in session, by its token
    ("GET", _R): anyone(then=_LINK),
    ("DELETE", _R): anyone(then=_LINK),
    ("PATCH", _R): anyone(then=_LINK),
    ("GET", _R + "/calendar.ics"): anyone(then=_LINK),
    ("POST", _R + "/ticket"): anyone(then=_LINK),
    ("POST", "/api/queue/ticket"): anyone(then=_CONTACT),
    ("GET", "/booking/{code}/my-data"): anyone(then="the page reads the token from the fragment"),
    ("GET", _R + "/my-data"): anyone(then=_LINK),
    ("POST", _R + "/deletion-request"): anyone(then=_LINK),
    ("POST", "/api/sessions/{session_id}/survey"): anyone(then="that session's link or contact"),
    # the signaling socket: a one-time call ticket (citizens), or one of these log-ins
    ("GET", "/ws"): only(
        Role.INTERPRETER,
        Role.STAFF,
        Role.SUPERVISOR,
        then="or a call ticket; an interpreter account must be linked to an active interpreter",
    ),
    ("GET", "/api/me"): only(Role.INTERPRETER, Role.STAFF, Role.SUPERVISOR),
    # staff: the console, interpreters, shifts, reservations
    ("GET", "/staff"): _STAFF,
    ("GET", "/staff/wallboard"): _STAFF,
    ("GET", "/api/staff/interpreters"): _STAFF,
    ("POST", "/api/staff/interpreters"): _STAFF,
    ("PATCH", "/api/staff/interpreters/{id}"): _STAFF,
    ("GET", "/api/staff/interpreters/{id}/schedule"): _STAFF,
    ("POST", "/api/staff/interpreters/{id}/shifts"): _STAFF,
    ("DELETE", "/api/staff/shifts/{id}"): _STAFF,
    ("POST", "/api/staff/interpreters/{id}/exceptions"): _STAFF,
    ("DELETE", "/api/staff/exceptions/{id}"): _STAFF,
    ("GET", "/api/staff/reservations"): _STAFF,
    ("POST", "/api/staff/reservations"): _STAFF,
    ("POST", "/api/staff/reservations/{id}/cancel"): _STAFF,
    ("POST", "/api/staff/reservations/{id}/no-show"): _STAFF,
    ("GET", "/api/staff/calls"): _STAFF,
    ("GET", "/staff/privacy"): _STAFF,
    ("GET", "/api/deletion-requests"): _STAFF,
    ("POST", "/api/deletion-requests/{id}"): _STAFF,
    # interpreters: their own day, sessions and records
    ("GET", "/interpreter"): _INTERPRETER,
    ("GET", "/api/interpreter/reservations"): _INTERPRETER,
    ("GET", "/api/interpreter/records"): _INTERPRETER,
    ("GET", "/api/record-categories"): only(Role.INTERPRETER, Role.SUPERVISOR),
    ("GET", "/api/sessions/{session_id}/record"): only(
        Role.INTERPRETER, Role.SUPERVISOR, then="an interpreter only their own sessions (404)"
    ),
    ("PUT", "/api/sessions/{session_id}/record"): only(
        Role.INTERPRETER, Role.SUPERVISOR, then="an interpreter only their own sessions (404)"
    ),
    # supervisors: records, statistics, exports
    ("GET", "/staff/records"): _SUPERVISOR,
    ("GET", "/staff/records/{session_id}"): _SUPERVISOR,
    ("GET", "/api/records"): _SUPERVISOR,
    ("GET", "/api/records/export.csv"): _SUPERVISOR,
    ("GET", "/api/records/export.json"): _SUPERVISOR,
    ("GET", "/api/records/export.open311.json"): _SUPERVISOR,
    ("GET", "/staff/statistics"): _SUPERVISOR,
    ("GET", "/staff/statistics/{chart}.csv"): _SUPERVISOR,
    # the audit log: supervisors and admins read it, admins export it
    ("GET", "/staff/audit"): only(Role.SUPERVISOR, Role.ADMIN),
    ("GET", "/admin/audit/export.csv"): _ADMIN,
    # admins: accounts and settings
    ("GET", "/admin/accounts"): _ADMIN,
    ("POST", "/admin/accounts"): _ADMIN,
    ("POST", "/admin/accounts/{id}/role"): _ADMIN,
    ("POST", "/admin/accounts/{id}/active"): _ADMIN,
    ("POST", "/admin/accounts/{id}/password"): _ADMIN,
    ("GET", "/admin/settings"): _ADMIN,
    ("POST", "/admin/settings"): _ADMIN,
}


def rule_for(method: str, path: str) -> Rule | None:
    """The rule of a registered route (`path` is its canonical form); None: not decided."""
    return ROUTE_POLICY.get(("GET" if method == "HEAD" else method, path))
