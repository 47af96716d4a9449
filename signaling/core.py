"""The signaling core: pairing, sessions, relay and resume as a pure state machine.

Like `websockets`' protocol class it does no I/O and reads no clock. The shell calls `connect`,
`handle`, `disconnect` and `tick` with the sender and `now`, and applies the returned `Decision`.
Connections are plain ids, so the core never knows in which process a peer's socket lives.

Rules (see `docs/protocol.md` for the full text):
- every connection says `hello` first; callers and interpreters get a resume token;
- one live connection per caller (reservation) and per interpreter: a second `hello` without the
  current resume token is refused and closed (4409); with it, it replaces the old socket (4410);
- a member whose socket drops keeps their place for `resume_window`; then the session ends
  `dropped`. A fresh `hello` of the same identity within the window takes the place back too;
- a refused or invalid message yields one `error` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Literal, assert_never

from signaling.config import CoreConfig, default_resume_token, default_session_id
from signaling.decisions import Decision
from signaling.identities import CallerIdentity, Identity, InterpreterIdentity, StaffIdentity
from signaling.pairing import FreeInterpreter, choose_substitute, join_refusal
from signaling.protocol import (
    Answer,
    CallerLeft,
    CallerLeftReason,
    CallerWaiting,
    ClientMessage,
    CloseCode,
    Ended,
    ErrorCode,
    HandedOver,
    Hangup,
    Hello,
    Ice,
    Join,
    Matched,
    MediaReport,
    Offer,
    PeerStatus,
    PresenceEcho,
    PresenceUpdate,
    ProtocolError,
    Role,
    StaffAlert,
    StaffHandover,
    StatsReport,
    Waiting,
    Welcome,
    relay_message,
)
from signaling.records import HandoverRecord
from signaling.roster import Connection, Party, Roster
from signaling.sessions import Session, WaitingStatus
from signaling.states import (
    Actor,
    EndReason,
    IllegalTransition,
    Presence,
    SessionState,
    Side,
    move_presence,
)
from signaling.views import CallView, InterpreterView

_RELAYED = (Offer, Answer, Ice)
_LEFT_BECAUSE: dict[EndReason, CallerLeftReason] = {
    EndReason.HANGUP: "hung_up",
    EndReason.MEDIA_FAILED: "hung_up",
    EndReason.DROPPED: "disconnected",
    EndReason.EXPIRED: "expired",
    EndReason.SHUTDOWN: "shutdown",
}
_IN_SESSION_TRAFFIC = (*_RELAYED, MediaReport, StatsReport)


class Refused(Exception):
    """A request the core declines. Raised before anything changes; becomes an `error`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SignalingCore:
    """All pairing and session state of one server process. Not thread-safe; call from one task."""

    def __init__(
        self,
        config: CoreConfig | None = None,
        *,
        new_token: Callable[[], str] = default_resume_token,
        new_session_id: Callable[[], str] = default_session_id,
    ) -> None:
        self.config = config or CoreConfig()
        self._new_session_id = new_session_id
        self._roster = Roster(new_token)
        self._sessions: dict[str, Session] = {}

    # -- queries

    def presence_of(self, interpreter_id: int) -> Presence:
        party = self._roster.interpreter(interpreter_id)
        return party.presence if party is not None else Presence.OFFLINE

    def session_state(self, session_id: str) -> SessionState | None:
        """None once a session has ended (its record was emitted) or if it never existed."""
        session = self._sessions.get(session_id)
        return session.state if session is not None else None

    @property
    def connection_count(self) -> int:
        return len(self._roster)

    def calls(self) -> list[CallView]:
        """Every open session, oldest slot first (for the staff console)."""
        views = [self._call_view(s) for s in self._sessions.values()]
        return sorted(views, key=lambda v: (v.slot_start, v.since, v.session_id))

    def interpreters(self) -> list[InterpreterView]:
        """Every interpreter the core knows, by id."""
        return sorted(
            (
                InterpreterView(
                    interpreter_id=party.identity.interpreter_id,
                    display_name=party.identity.display_name,
                    languages=tuple(sorted(party.identity.languages)),
                    presence=party.presence,
                    connected=party.conn_id is not None,
                    session_id=party.session_id,
                )
                for party in self._roster.interpreters()
                if isinstance(party.identity, InterpreterIdentity)
            ),
            key=lambda v: v.interpreter_id,
        )

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    # -- entry points

    def connect(self, conn_id: str, identity: Identity, now: datetime) -> Decision:
        """A socket was upgraded for an authenticated identity; it must `hello` in time.

        Raises `ValueError` if `conn_id` is already in use (a shell bug, not a client's).
        """
        decision = Decision()
        if self._roster.connection(conn_id) is not None:
            raise ValueError("connection ids must be unique")
        if len(self._roster) >= self.config.max_connections:
            decision.error(conn_id, ErrorCode.CAPACITY, "the server is full; try again soon")
            decision.close(conn_id, CloseCode.TRY_AGAIN_LATER, "server full")
            return decision
        self._roster.open(conn_id, identity, now)
        return decision

    def handle(
        self, conn_id: str, message: ClientMessage | ProtocolError, now: datetime
    ) -> Decision:
        """One parsed message (or the parser's error). Unknown or closed connections are ignored."""
        decision = Decision()
        conn = self._roster.connection(conn_id)
        if conn is None:
            return decision
        about = None if isinstance(message, ProtocolError) else message.type
        try:
            if isinstance(message, _RELAYED) and conn.welcomed:
                # The relay (every forwarded frame): no dispatch, and it never changes who can pair.
                self._relay(conn, message, decision)
                return decision
            if isinstance(message, ProtocolError):
                raise Refused(message.code, message.message)
            if not conn.welcomed and not isinstance(message, Hello):
                raise Refused(ErrorCode.HELLO_REQUIRED, "send `hello` first")
            self._dispatch(conn, message, now, decision)
        except Refused as refusal:
            decision.error(conn_id, refusal.code, refusal.message, about)
            return decision
        except IllegalTransition as exc:
            decision.error(conn_id, ErrorCode.ILLEGAL_STATE, str(exc), about)
            return decision
        if not isinstance(message, _IN_SESSION_TRAFFIC):  # these never change who can pair
            self._pair_waiting(now, decision)
        return decision

    def disconnect(self, conn_id: str, now: datetime) -> Decision:
        """The socket is gone. A session member keeps their place for `resume_window`."""
        decision = Decision()
        conn = self._roster.close(conn_id)
        party = self._roster.party_of(conn) if conn is not None else None
        if party is None:
            return decision
        session = self._session_of(party)
        if session is None:
            self._roster.forget(party)
        else:
            party.conn_id = None
            party.gone_since = now
            session.drop()
            peer = self._peer(session, party.side)
            if peer is not None and peer.conn_id is not None:
                status = PeerStatus(session_id=session.session_id, status="disconnected")
                decision.send(peer.conn_id, status)
        self._pair_waiting(now, decision)
        return decision

    def tick(self, now: datetime) -> Decision:
        """Time-based rules; the shell calls this about once a second."""
        decision = Decision()
        for conn in self._roster.connections():
            if not conn.welcomed and now - conn.opened_at >= self.config.hello_timeout:
                self._roster.close(conn.conn_id)
                decision.close(conn.conn_id, CloseCode.HELLO_TIMEOUT, "no hello")
        for session in list(self._sessions.values()):
            dropped = self._dropped_side(session, now)
            if dropped is not None:
                self._end(session, now, Actor(dropped), EndReason.DROPPED, decision)
            elif now >= self._deadline(session):
                self._end(session, now, Actor.SYSTEM, EndReason.EXPIRED, decision)
        self._pair_waiting(now, decision)
        return decision

    def shutdown(self, now: datetime) -> Decision:
        """End every session (records are written) and close every socket with 1001."""
        decision = Decision()
        for session in list(self._sessions.values()):
            self._end(session, now, Actor.SYSTEM, EndReason.SHUTDOWN, decision)
        for conn in self._roster.connections():
            decision.close(conn.conn_id, CloseCode.GOING_AWAY, "server shutting down")
        self._roster.clear()
        return decision

    # -- dispatch

    def _dispatch(
        self, conn: Connection, message: ClientMessage, now: datetime, decision: Decision
    ) -> None:
        match message:
            case Hello():
                self._hello(conn, message, decision)
            case PresenceUpdate():
                self._presence(conn, message, now, decision)
            case Join():
                self._join(conn, now)
            case Offer() | Answer() | Ice():
                self._relay(conn, message, decision)
            case Hangup():
                side, session = self._membership(conn, message.session_id)
                media_failed = message.reason == "media_failed"
                reason = EndReason.MEDIA_FAILED if media_failed else EndReason.HANGUP
                self._end(session, now, Actor(side), reason, decision)
            case MediaReport():
                side, session = self._membership(conn, message.session_id)
                self._require_matched(session)
                if message.state == "connected":
                    session.media_connected(side, now)
            case StatsReport():
                side, session = self._membership(conn, message.session_id)
                self._require_matched(session)
                session.fps[side].add(message.fps_received)
            case StaffHandover():
                self._staff_handover(conn, message, now, decision)
            case _:
                assert_never(message)

    # -- hello and resume

    def _hello(self, conn: Connection, hello: Hello, decision: Decision) -> None:
        if conn.welcomed:
            raise Refused(ErrorCode.ALREADY_WELCOMED, "this connection already said hello")
        identity = conn.identity
        if isinstance(identity, StaffIdentity):
            self._welcome_staff(conn, identity, decision)
            return
        party = self._roster.existing(identity)
        resuming = False
        if hello.resume_token is not None:
            resuming = party is not None and self._roster.token_matches(
                hello.resume_token, identity
            )
            if not resuming:
                decision.error(conn.conn_id, ErrorCode.RESUME_FAILED, "nothing to resume", "hello")
        if party is not None and party.conn_id is not None and not resuming:
            self._roster.close(conn.conn_id)
            decision.error(
                conn.conn_id,
                ErrorCode.ALREADY_CONNECTED,
                "this booking or interpreter is already connected elsewhere",
                "hello",
            )
            decision.close(conn.conn_id, CloseCode.ALREADY_CONNECTED, "already connected")
            return
        conn.welcomed = True
        if party is None:
            party = self._roster.add(identity, conn.conn_id)
            if party.side is Side.INTERPRETER:
                party.presence = move_presence(party.presence, Presence.AWAY)
            self._welcome(conn, party, resumed=False, decision=decision)
            return
        replaced = self._roster.attach(party, conn.conn_id, identity)
        if replaced is not None:  # a resume over a socket the shell has not reaped yet
            decision.close(replaced, CloseCode.REPLACED, "resumed on a newer connection")
        self._welcome(conn, party, resumed=True, decision=decision)
        self._rejoin(party, decision)

    def _welcome(
        self, conn: Connection, party: Party, *, resumed: bool, decision: Decision
    ) -> None:
        decision.send(
            conn.conn_id,
            Welcome(
                conn_id=conn.conn_id,
                role=party.identity.role,
                resume_token=party.resume_token,
                resume_window_s=int(self.config.resume_window.total_seconds()),
                resumed=resumed,
            ),
        )
        if party.side is Side.INTERPRETER:
            self._echo_presence(party, decision)

    def _welcome_staff(self, conn: Connection, staff: StaffIdentity, decision: Decision) -> None:
        open_tabs = sum(1 for _ in self._roster.staff_connections(staff.account_id))
        if open_tabs >= self.config.max_staff_connections_per_account:
            self._roster.close(conn.conn_id)
            decision.error(conn.conn_id, ErrorCode.CAPACITY, "too many open staff tabs", "hello")
            decision.close(conn.conn_id, CloseCode.TRY_AGAIN_LATER, "too many tabs")
            return
        conn.welcomed = True
        decision.send(
            conn.conn_id,
            Welcome(
                conn_id=conn.conn_id,
                role=Role.STAFF,
                resume_token=None,
                resume_window_s=int(self.config.resume_window.total_seconds()),
                resumed=False,
            ),
        )
        for session in self._sessions.values():
            if session.alerted:
                decision.send(conn.conn_id, _alert(session, "interpreter_absent"))

    def _rejoin(self, party: Party, decision: Decision) -> None:
        """Tell a returning member where they are, and their peer that they are back."""
        session = self._session_of(party)
        if session is None or party.conn_id is None:
            return
        if all(member.conn_id is not None for _, member in self._members(session)):
            session.restore()
        if not session.is_matched:
            session.waiting_status = None  # `_pair_waiting` tells the caller again, or matches
            return
        decision.send(party.conn_id, self._matched_message(session, party.side))
        peer = self._peer(session, party.side)
        sid = session.session_id
        if peer is None or peer.conn_id is None:
            decision.send(party.conn_id, PeerStatus(session_id=sid, status="disconnected"))
        else:
            decision.send(peer.conn_id, PeerStatus(session_id=sid, status="reconnected"))

    # -- presence, join, relay, handover

    def _presence(
        self, conn: Connection, update: PresenceUpdate, now: datetime, decision: Decision
    ) -> None:
        party = self._roster.party_of(conn)
        if party is None or party.side is not Side.INTERPRETER:
            raise Refused(ErrorCode.NOT_ALLOWED, "only interpreters have a presence")
        new = move_presence(party.presence, Presence(update.state))
        if new is Presence.READY and party.presence is not Presence.READY:
            party.ready_since = now
        party.presence = new
        party.away_reason = update.reason if new is Presence.AWAY else None
        self._echo_presence(party, decision)

    def _join(self, conn: Connection, now: datetime) -> None:
        party = self._roster.party_of(conn)
        if party is None or not isinstance(party.identity, CallerIdentity):
            raise Refused(ErrorCode.NOT_ALLOWED, "only callers join a waiting room")
        if party.session_id is not None:
            raise Refused(ErrorCode.ILLEGAL_STATE, "already in the waiting room or a session")
        booking = party.identity
        refusal = join_refusal(now, booking.slot_start, booking.slot_end, self.config.join_early)
        if refusal is not None:
            raise Refused(*refusal)
        if len(self._sessions) >= self.config.max_sessions:
            raise Refused(ErrorCode.CAPACITY, "too many sessions; try again soon")
        session_id = self._new_session_id()
        if session_id in self._sessions:
            raise RuntimeError("session id factory repeated an id")
        self._sessions[session_id] = Session(
            session_id=session_id,
            reservation_id=booking.reservation_id,
            caller_name=booking.display_name,
            language=booking.language,
            slot_start=booking.slot_start,
            slot_end=booking.slot_end,
            assigned_interpreter_id=booking.interpreter_id,
            interpreter_id=booking.interpreter_id,
            caller_joined_at=now,
        )
        party.session_id = session_id

    def _relay(self, conn: Connection, message: Offer | Answer | Ice, decision: Decision) -> None:
        """Runs once per forwarded frame: type checks are exact (the models have no subclasses)
        and the peer's copy is encoded here, once (`relay_message`)."""
        side, session = self._membership(conn, message.session_id)
        kind = type(message)
        if kind is Offer and side is not Side.INTERPRETER:
            raise Refused(ErrorCode.NOT_ALLOWED, "only the interpreter's page makes the offer")
        if kind is Answer and side is not Side.CALLER:
            raise Refused(ErrorCode.NOT_ALLOWED, "only the caller's page answers")
        if not session.is_matched:
            raise Refused(ErrorCode.ILLEGAL_STATE, "the session is not matched yet")
        peer = self._peer(session, side)
        if session.state is SessionState.RECONNECTING or peer is None or peer.conn_id is None:
            raise Refused(ErrorCode.PEER_ABSENT, "the other side is reconnecting")
        decision.send(peer.conn_id, relay_message(session.session_id, message))

    def _staff_handover(
        self, conn: Connection, request: StaffHandover, now: datetime, decision: Decision
    ) -> None:
        staff = conn.identity
        if not isinstance(staff, StaffIdentity):
            raise Refused(ErrorCode.NOT_ALLOWED, "only staff hand sessions over")
        session = self._sessions.get(request.session_id)
        if session is None:
            raise Refused(ErrorCode.UNKNOWN_SESSION, "no such open session")
        if session.state is not SessionState.WAITING:
            raise Refused(ErrorCode.ILLEGAL_STATE, "only a waiting caller can be handed over")
        target = self._roster.interpreter(request.interpreter_id)
        if target is None or not target.is_free or not _speaks(target, session.language):
            raise Refused(
                ErrorCode.HANDOVER_UNAVAILABLE,
                "that interpreter is not present, ready, free and of this sign language",
            )
        self._handover(session, target, Actor.STAFF, staff.account_id, now, decision)

    # -- pairing

    def _pair_waiting(self, now: datetime, decision: Decision) -> None:
        """Match every waiting caller whose interpreter is free, hand over after the grace, and
        tell callers and staff what is happening. Runs after every event, oldest slot first."""
        waiting = sorted(
            (s for s in self._sessions.values() if s.state is SessionState.WAITING),
            key=lambda s: (s.slot_start, s.caller_joined_at, s.session_id),
        )
        for session in waiting:
            assigned = self._roster.interpreter(session.interpreter_id)
            if assigned is not None and assigned.is_free:
                self._match(session, assigned, now, decision)
                continue
            if now >= session.slot_start + self.config.handover_grace:
                substitute = self._substitute_for(session)
                if substitute is not None:
                    self._handover(session, substitute, Actor.SYSTEM, None, now, decision)
                    continue
            present = assigned is not None and assigned.conn_id is not None
            status: WaitingStatus = "connecting" if present else "interpreter_absent"
            caller = self._roster.caller(session.reservation_id)
            if status != session.waiting_status and caller is not None and caller.conn_id:
                session.waiting_status = status
                waiting_message = Waiting(
                    session_id=session.session_id, status=status, slot_start=session.slot_start
                )
                decision.send(caller.conn_id, waiting_message)
            if now >= session.slot_start and not session.alerted:
                session.alerted = True
                self._tell_staff(_alert(session, "interpreter_absent"), decision)
        self._tell_interpreters_who_waits(decision)

    def _tell_interpreters_who_waits(self, decision: Decision) -> None:
        """`caller_waiting` to the live socket of each waiting caller's interpreter (once per
        socket), and `caller_left` to it once the caller is no longer waiting for them."""
        for session in self._sessions.values():
            if session.state is SessionState.WAITING:  # the caller's socket is up
                interpreter = self._roster.interpreter(session.interpreter_id)
                conn_id = interpreter.conn_id if interpreter is not None else None
                if conn_id is not None and conn_id != session.waiting_told:
                    waiting = CallerWaiting(
                        reservation_id=session.reservation_id, since=session.caller_joined_at
                    )
                    decision.send(conn_id, waiting)
                session.waiting_told = conn_id
            elif not session.is_matched:  # the caller's socket dropped
                self._caller_left(session, "disconnected", decision)

    def _caller_left(
        self,
        session: Session,
        reason: CallerLeftReason,
        decision: Decision,
        keep: str | None = None,
    ) -> None:
        """Tell the interpreter told `caller_waiting` that it is over, and why (unless they are
        `keep`, who is about to get `matched` instead)."""
        told, session.waiting_told = session.waiting_told, None
        if told is not None and told != keep and self._roster.connection(told) is not None:
            decision.send(told, CallerLeft(reservation_id=session.reservation_id, reason=reason))

    def _substitute_for(self, session: Session) -> Party | None:
        spoken_for = frozenset(
            other.interpreter_id
            for other in self._sessions.values()
            if other is not session and not other.is_matched
        )
        free = [
            FreeInterpreter(p.identity.interpreter_id, p.identity.languages, p.ready_since)
            for p in self._roster.interpreters()
            if isinstance(p.identity, InterpreterIdentity)
            and p.is_free
            and p.ready_since is not None
        ]
        chosen = choose_substitute(free, session.language, spoken_for)
        return None if chosen is None else self._roster.interpreter(chosen)

    def _handover(
        self,
        session: Session,
        target: Party,
        by: Actor,
        staff_account_id: int | None,
        now: datetime,
        decision: Decision,
    ) -> None:
        to_id = target.key[1]
        from_id = session.interpreter_id
        decision.records.append(
            HandoverRecord(
                session_id=session.session_id,
                reservation_id=session.reservation_id,
                from_interpreter_id=session.interpreter_id,
                to_interpreter_id=to_id,
                at=now,
                by=by,
                staff_account_id=staff_account_id,
            )
        )
        session.interpreter_id = to_id
        session.handed_over = True
        self._match(session, target, now, decision)
        self._tell_staff(
            HandedOver(
                session_id=session.session_id,
                reservation_id=session.reservation_id,
                from_interpreter_id=from_id,
                to_interpreter_id=to_id,
                by="staff" if by is Actor.STAFF else "system",
            ),
            decision,
        )

    def _match(
        self, session: Session, interpreter: Party, now: datetime, decision: Decision
    ) -> None:
        interpreter.presence = move_presence(interpreter.presence, Presence.IN_SESSION)
        session.move(SessionState.MATCHED)
        self._caller_left(session, "handed_over", decision, keep=interpreter.conn_id)
        session.matched_at = now
        session.interpreter_name = interpreter.identity.display_name
        interpreter.session_id = session.session_id
        for side, member in self._members(session):
            if member.conn_id is not None:
                decision.send(member.conn_id, self._matched_message(session, side))
        self._echo_presence(interpreter, decision)
        if session.alerted:
            session.alerted = False
            self._tell_staff(_alert(session, "resolved"), decision)

    # -- ending

    def _end(
        self, session: Session, now: datetime, by: Actor, reason: EndReason, decision: Decision
    ) -> None:
        decision.records.append(session.end(now, by, reason))
        ended = Ended(session_id=session.session_id, reason=reason, ended_by=by)
        for side, member in list(self._members(session)):
            member.session_id = None
            if member.conn_id is None:
                self._roster.forget(member)
                continue
            decision.send(member.conn_id, ended)
            if side is Side.INTERPRETER:
                member.presence = move_presence(member.presence, Presence.READY)
                member.ready_since = now
                self._echo_presence(member, decision)
        if session.alerted:
            self._tell_staff(_alert(session, "resolved"), decision)
        self._caller_left(session, _LEFT_BECAUSE[reason], decision)
        del self._sessions[session.session_id]

    def _dropped_side(self, session: Session, now: datetime) -> Side | None:
        """The member gone longest, once they are past the resume window."""
        gone = [
            (member.gone_since, side)
            for side, member in self._members(session)
            if member.gone_since is not None
        ]
        if not gone:
            return None
        since, side = min(gone)
        return side if now - since >= self.config.resume_window else None

    def _deadline(self, session: Session) -> datetime:
        if session.is_matched:
            return session.slot_end + self.config.max_overrun
        return session.slot_end

    # -- helpers

    def _call_view(self, session: Session) -> CallView:
        since = {
            SessionState.WAITING: session.caller_joined_at,
            SessionState.MATCHED: session.matched_at,
            SessionState.CONNECTED: session.connected_at,
        }.get(session.state)
        if since is None:  # RECONNECTING: since the first member dropped
            gone = [m.gone_since for _, m in self._members(session) if m.gone_since is not None]
            since = min(gone) if gone else session.caller_joined_at
        return CallView(
            session_id=session.session_id,
            reservation_id=session.reservation_id,
            state=session.state,
            since=since,
            language=session.language,
            slot_start=session.slot_start,
            assigned_interpreter_id=session.assigned_interpreter_id,
            interpreter_id=session.interpreter_id,
            waiting_status=session.waiting_status,
            alerted=session.alerted,
            handover_candidates=self._handover_candidates(session),
        )

    def _handover_candidates(self, session: Session) -> tuple[int, ...]:
        """The interpreters `staff_handover` would accept for this session now."""
        if session.state is not SessionState.WAITING:
            return ()
        return tuple(
            sorted(
                party.identity.interpreter_id
                for party in self._roster.interpreters()
                if isinstance(party.identity, InterpreterIdentity)
                and party.is_free
                and _speaks(party, session.language)
            )
        )

    def _session_of(self, party: Party) -> Session | None:
        return self._sessions.get(party.session_id) if party.session_id else None

    def _membership(self, conn: Connection, session_id: str) -> tuple[Side, Session]:
        if isinstance(conn.identity, StaffIdentity):
            raise Refused(ErrorCode.NOT_ALLOWED, "staff are not members of sessions")
        party = self._roster.party_of(conn)
        if party is None or party.session_id != session_id:
            raise Refused(ErrorCode.NOT_IN_SESSION, "you are not a member of that session")
        return party.side, self._sessions[session_id]

    @staticmethod
    def _require_matched(session: Session) -> None:
        if not session.is_matched:
            raise Refused(ErrorCode.ILLEGAL_STATE, "the session is not matched yet")

    def _members(self, session: Session) -> Iterator[tuple[Side, Party]]:
        """The caller, and once matched the interpreter (connected or not)."""
        caller = self._roster.caller(session.reservation_id)
        if caller is not None:
            yield Side.CALLER, caller
        interpreter = self._roster.interpreter(session.interpreter_id)
        if session.is_matched and interpreter is not None:
            yield Side.INTERPRETER, interpreter

    def _peer(self, session: Session, side: Side) -> Party | None:
        """The other member (`_members` without the generator: this runs for every relay)."""
        if side is Side.INTERPRETER:
            return self._roster.caller(session.reservation_id)
        return self._roster.interpreter(session.interpreter_id) if session.is_matched else None

    def _matched_message(self, session: Session, side: Side) -> Matched:
        offerer = side is Side.INTERPRETER
        return Matched(
            session_id=session.session_id,
            reservation_id=session.reservation_id,
            peer_name=session.caller_name if offerer else session.interpreter_name or "",
            role_in_session="offerer" if offerer else "answerer",
            ice_servers=self.config.ice_servers,
        )

    def _echo_presence(self, party: Party, decision: Decision) -> None:
        if party.conn_id is not None:
            echo = PresenceEcho(state=party.presence, reason=party.away_reason)
            decision.send(party.conn_id, echo)

    def _tell_staff(self, alert: StaffAlert | HandedOver, decision: Decision) -> None:
        for conn in self._roster.staff_connections():
            decision.send(conn.conn_id, alert)


def _speaks(party: Party, language: str) -> bool:
    return isinstance(party.identity, InterpreterIdentity) and language in party.identity.languages


def _alert(session: Session, kind: Literal["interpreter_absent", "resolved"]) -> StaffAlert:
    return StaffAlert(
        kind=kind,
        reservation_id=session.reservation_id,
        session_id=session.session_id,
        interpreter_id=session.interpreter_id,
        language=session.language,
        slot_start=session.slot_start,
    )
