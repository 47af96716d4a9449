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
- a refused or invalid message yields one `error` and changes nothing;
- with quality assistance on, each member's page may open one media leg (`leg_offer`) to the
  server; the core checks membership and state, bounds their number, and asks the shell to open,
  feed and close the legs (`Decision.legs`). Every leg of a session is closed when it ends.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Literal, assert_never

from signaling.config import CoreConfig, default_resume_token, default_session_id
from signaling.decisions import (
    Decision,
    LegCandidate,
    LegClose,
    LegOpen,
    LegStats,
    RecordingStop,
)
from signaling.identities import (
    CallerIdentity,
    Identity,
    InterpreterIdentity,
    StaffIdentity,
    WalkInIdentity,
)
from signaling.pairing import join_refusal
from signaling.protocol import (
    HINT_CODES,
    Accept,
    Answer,
    CallerLeft,
    CallerLeftReason,
    CallerWaiting,
    Chat,
    ChatMessage,
    ClientMessage,
    CloseCode,
    Consents,
    Decline,
    Ended,
    ErrorCode,
    HandedOver,
    Hangup,
    Hello,
    Ice,
    InterpreterState,
    Join,
    LegIce,
    LegOffer,
    Matched,
    MediaReport,
    Offer,
    PeerStatus,
    PresenceEcho,
    PresenceUpdate,
    ProtocolError,
    QualityUpdate,
    Ring,
    RingCancelled,
    Role,
    StaffAlert,
    StaffHandover,
    StatsReport,
    Typing,
    TypingStatus,
    Waiting,
    WaitingLanguage,
    Wallboard,
    Watch,
    Welcome,
    WithdrawConsent,
    queue_message,
    relay_message,
)
from signaling.records import ChatLine, HandoverRecord, PresenceRecord
from signaling.roster import Connection, Party, Roster
from signaling.routing import (
    AvailableInterpreter,
    HandleTimes,
    QueuedCaller,
    RoutingRules,
    route,
    wait_minutes,
)
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
from signaling.wallboard import DayBook, DayFigures

_RELAYED = (Offer, Answer, Ice)
_MICROSECOND = timedelta(microseconds=1)
# Interpreters counted as "online" for a language's wait estimate.
_STAFFED = frozenset({Presence.READY, Presence.OFFERED, Presence.IN_SESSION, Presence.WRAP_UP})
_LEFT_BECAUSE: dict[EndReason, CallerLeftReason] = {
    EndReason.HANGUP: "hung_up",
    EndReason.MEDIA_FAILED: "hung_up",
    EndReason.DROPPED: "disconnected",
    EndReason.EXPIRED: "expired",
    EndReason.SHUTDOWN: "shutdown",
    EndReason.ABANDONED: "hung_up",
}
_IN_SESSION_TRAFFIC = (
    *_RELAYED,
    MediaReport,
    StatsReport,
    Chat,
    Typing,
    Watch,
    LegOffer,
    LegIce,
)


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
        self._rules = RoutingRules(specialty_relax_after=self.config.specialty_relax_after)
        self._handle_times = HandleTimes(default=self.config.typical_handle_time)
        self._days = DayBook(self.config.service_timezone)
        self._wallboard_changed = True
        self._wallboard_sent_at: datetime | None = None
        # Unmatched walk-ins per language, in routing order (join time, then session id).
        self._walk_ins: dict[str, list[Session]] = {}
        self._queue_changed = False
        # Open media legs: session id -> side -> leg id (issue 5).
        self._legs: dict[str, dict[Side, str]] = {}
        self._leg_index: dict[str, tuple[str, Side]] = {}  # leg id -> (session id, side)
        self._leg_seq = 0

    def seed(
        self,
        now: datetime,
        *,
        answered_waits: list[float],
        abandoned_waits: list[float],
        handle_times: list[float],
    ) -> None:
        """Start a fresh process with today's wallboard figures and recent handle times (seconds,
        newest first) from the stored records."""
        self._days.seed(now, answered_waits, abandoned_waits)
        for seconds in reversed(handle_times):
            self._handle_times.add(timedelta(seconds=seconds) + self.config.wrap_up)

    def day_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """Today in the service time zone, for the shell's `seed` query."""
        return self._days.day_bounds(now)

    def today(self, now: datetime) -> DayFigures:
        return self._days.today(now)

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

    @property
    def leg_count(self) -> int:
        """Media legs the core asked the shell to keep open."""
        return len(self._leg_index)

    def legs_of(self, session_id: str) -> dict[Side, str]:
        """The open media legs of a session, by side (a copy)."""
        return dict(self._legs.get(session_id, {}))

    # -- entry points

    def connect(self, conn_id: str, identity: Identity, now: datetime) -> Decision:
        """A socket was upgraded for an authenticated identity; it must `hello` in time.

        Raises `ValueError` if `conn_id` is already in use (a shell bug, not a client's).
        """
        decision = Decision()
        if self._roster.connection(conn_id) is not None:
            raise ValueError("connection ids must be unique")
        self._wallboard_changed = True
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
            if not isinstance(message, _IN_SESSION_TRAFFIC):
                self._wallboard_changed = True
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
        self._wallboard_changed = True
        self._queue_changed = True  # a place, or an interpreter online, is gone for now
        if party.offered_session is not None:  # rung, and gone: the ring moves on
            self._withdraw_ring(party, "declined", now, decision, missed=False)
        session = self._session_of(party)
        if session is None:
            self._forget(party, now, decision)
        else:
            party.conn_id = None
            party.gone_since = now
            if session.offered_to is not None:  # a walk-in dropped while being rung
                rung = self._roster.interpreter(session.offered_to)
                if rung is not None:
                    self._withdraw_ring(rung, "caller_left", now, decision, missed=False)
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
            elif self._ring_timed_out(session, now):
                rung = self._roster.interpreter(session.offered_to)
                if rung is not None:
                    self._withdraw_ring(rung, "timeout", now, decision, missed=True)
        if any(s.reserved and s.state is SessionState.WAITING for s in self._sessions.values()):
            self._queue_changed = True  # a reserved caller may pass the grace: ahead of walk-ins
        for party in list(self._roster.interpreters()):
            until = party.wrap_up_until
            if party.presence is Presence.WRAP_UP and until is not None and now >= until:
                self._set_presence(party, Presence.READY, now, decision)
        self._pair_waiting(now, decision)
        self._push_wallboard(now, decision)
        return decision

    def shutdown(self, now: datetime) -> Decision:
        """End every session (records are written) and close every socket with 1001."""
        decision = Decision()
        for session in list(self._sessions.values()):
            self._end(session, now, Actor.SYSTEM, EndReason.SHUTDOWN, decision)
        for party in list(self._roster.interpreters()):
            if party.presence is not Presence.OFFLINE:
                self._set_presence(party, Presence.OFFLINE, now, decision)
        for conn in self._roster.connections():
            decision.close(conn.conn_id, CloseCode.GOING_AWAY, "server shutting down")
        self._roster.clear()
        self._walk_ins.clear()
        return decision

    def leg_closed(self, leg_id: str, now: datetime) -> Decision:
        """The shell closed a leg by itself (it failed, or the page closed it): forget it, so it
        no longer counts against `max_media_legs`. A leg already replaced or closed is ignored.
        Nothing is sent: the page sees its own RTCPeerConnection fail and the call goes on."""
        del now  # the shell's uniform calling convention; nothing here depends on the time
        where = self._leg_index.pop(leg_id, None)
        if where is not None:
            session_id, side = where
            legs = self._legs[session_id]
            del legs[side]
            if not legs:
                del self._legs[session_id]
        return Decision()

    def quality_event(
        self,
        session_id: str,
        side: str | None,
        hints: Iterable[str],
        active: str | None,
        now: datetime,
    ) -> Decision:
        """The quality analyzer's news about a session (issue 5): `side`'s video now shows
        `hints` (`side` None: only the active signer changed), and `active` is who signs now
        (None: nobody has yet). The core keeps the latest and decides who is told what: each
        member sees the hints on their own video, the interpreter also the caller's (as small
        indicators), and both see who signs now. Nothing changes, nothing is sent, for a
        session that is not open, matched and video, or a side or code it does not know."""
        del now  # the shell's uniform calling convention; nothing here depends on the time
        decision = Decision()
        session = self._sessions.get(session_id)
        if session is None or not session.is_matched or session.mode != "video":
            return decision
        sides = {s.value: s for s in Side}
        if (side is not None and side not in sides) or (active is not None and active not in sides):
            return decision
        changed: set[Side] = set()
        if side is not None:
            wanted = set(hints)
            codes = tuple(code for code in HINT_CODES if code in wanted)
            if session.quality_hints.get(sides[side], ()) != codes:
                session.quality_hints[sides[side]] = codes
                changed.add(sides[side])
        signer = sides[active] if active is not None else None
        signer_changed = signer is not session.active_signer
        session.active_signer = signer
        for member_side, member in self._members(session):
            if member.conn_id is None:
                continue
            news = [s for s in _quality_visible(member_side) if s in changed]
            if signer_changed and not news:
                news = [member_side]  # the active signer, with their own hints
            for about in news:
                decision.send(member.conn_id, _quality_message(session, about))
        return decision

    # -- dispatch

    def _dispatch(
        self, conn: Connection, message: ClientMessage, now: datetime, decision: Decision
    ) -> None:
        match message:
            case Hello():
                self._hello(conn, message, now, decision)
            case PresenceUpdate():
                self._presence(conn, message, now, decision)
            case Join():
                self._join(conn, message, now)
            case Offer() | Answer() | Ice():
                self._relay(conn, message, decision)
            case Hangup():
                side, session = self._membership(conn, message.session_id)
                media_failed = message.reason == "media_failed"
                reason = EndReason.MEDIA_FAILED if media_failed else EndReason.HANGUP
                self._end(session, now, Actor(side), reason, decision)
            case Accept():
                self._accept(conn, message, now, decision)
            case Decline():
                party = self._rung(conn, message.session_id)
                self._withdraw_ring(party, "declined", now, decision, missed=False)
            case Chat():
                self._chat(conn, message, now, decision)
            case Typing():
                side, session = self._membership(conn, message.session_id)
                self._require_matched(session)
                peer = self._peer(session, side)
                if peer is not None and peer.conn_id is not None:
                    typing = TypingStatus(
                        session_id=session.session_id, sender=side.value, active=message.active
                    )
                    decision.send(peer.conn_id, typing)
            case Watch():
                if not isinstance(conn.identity, StaffIdentity):
                    raise Refused(ErrorCode.NOT_ALLOWED, "only staff watch the wallboard")
                conn.watching = True
                decision.send(conn.conn_id, self._wallboard(now))
            case MediaReport():
                side, session = self._membership(conn, message.session_id)
                self._require_matched(session)
                if message.state == "connected":
                    session.media_connected(side, now)
            case StatsReport():
                side, session = self._membership(conn, message.session_id)
                self._require_matched(session)
                session.fps[side].add(message.fps_received)
                if self.config.media_leg is not None and session.mode == "video":
                    # This page receives the other member's video: their stream's numbers.
                    width, height = message.width, message.height
                    resolution = (width, height) if width and height else None
                    decision.legs.append(
                        LegStats(session.session_id, side.other, message.fps_received, resolution)
                    )
            case StaffHandover():
                self._staff_handover(conn, message, now, decision)
            case LegOffer():
                self._leg_offer(conn, message, decision)
            case WithdrawConsent():
                self._withdraw_consent(conn, message, now, decision)
            case LegIce():
                side, session = self._membership(conn, message.session_id)
                leg_id = self._legs.get(session.session_id, {}).get(side)
                if leg_id is None:
                    raise Refused(ErrorCode.ILLEGAL_STATE, "this page has no media leg open")
                decision.legs.append(LegCandidate(leg_id, message.candidate))
            case _:
                assert_never(message)

    # -- the media leg (quality assistance)

    def _leg_offer(self, conn: Connection, offer: LegOffer, decision: Decision) -> None:
        """Open (or replace) the sender's media leg: its camera, scaled down, to the server."""
        side, session = self._membership(conn, offer.session_id)
        if self.config.media_leg is None and self.config.relay is None:
            raise Refused(ErrorCode.NOT_ALLOWED, "quality assistance is off on this server")
        if session.mode != "video":
            raise Refused(ErrorCode.ILLEGAL_STATE, "a chat-only session has no video")
        self._require_matched(session)
        sid = session.session_id
        legs = self._legs.get(sid)
        old = legs.get(side) if legs is not None else None
        if old is None and len(self._leg_index) >= self.config.max_media_legs:
            raise Refused(ErrorCode.CAPACITY, "quality assistance is busy; the call goes on")
        if legs is None:
            legs = self._legs[sid] = {}
        if old is not None:  # a fresh leg (the page reloaded or renegotiates): the old one goes
            del self._leg_index[old]
            decision.legs.append(LegClose(old, sid, side))
        self._leg_seq += 1
        leg_id = f"l{self._leg_seq}"
        legs[side] = leg_id
        self._leg_index[leg_id] = (sid, side)
        relay = self.config.relay is not None
        record = relay and self._recorded(session)
        decision.legs.append(
            LegOpen(leg_id, sid, side, conn.conn_id, offer.sdp, relay=relay, record=record)
        )

    def _close_legs(self, session: Session, decision: Decision) -> None:
        legs = self._legs.pop(session.session_id, None)
        if not legs:
            return
        for side, leg_id in legs.items():
            del self._leg_index[leg_id]
            decision.legs.append(LegClose(leg_id, session.session_id, side))

    # -- hello and resume

    def _hello(self, conn: Connection, hello: Hello, now: datetime, decision: Decision) -> None:
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
            self._welcome(conn, party, resumed=False, decision=decision)
            if party.side is Side.INTERPRETER:
                self._set_presence(party, Presence.AWAY, now, decision)
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
        if party.side is Side.INTERPRETER and party.presence is not Presence.OFFLINE:
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
            session.queue_told = None
            self._queue_changed = True
            return
        decision.send(party.conn_id, self._matched_message(session, party.side))
        for line in session.recent_chat:  # the page lost its chat with the reload
            decision.send(party.conn_id, _chat_message(session, line))
        if session.quality_hints or session.active_signer is not None:  # and its hints
            for about in _quality_visible(party.side):
                if about is party.side or about in session.quality_hints:
                    decision.send(party.conn_id, _quality_message(session, about))
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
        target = Presence(update.state)
        if party.session_id is not None:  # in a call (or holding one while reconnecting)
            raise Refused(ErrorCode.ILLEGAL_STATE, "presence cannot change during a call")
        move_presence(party.presence, target)  # refuse an illegal move before changing anything
        if party.offered_session is not None:  # changing presence while rung passes on the call
            self._withdraw_ring(party, "declined", now, decision, missed=False)
        if target is Presence.READY:
            party.missed_in_a_row = 0
        self._set_presence(party, target, now, decision, reason=update.reason)

    def _join(self, conn: Connection, join: Join, now: datetime) -> None:
        party = self._roster.party_of(conn)
        if party is None or party.side is not Side.CALLER:
            raise Refused(ErrorCode.NOT_ALLOWED, "only callers join a waiting room or the queue")
        if party.session_id is not None:
            raise Refused(ErrorCode.ILLEGAL_STATE, "already in the waiting room or a session")
        if len(self._sessions) >= self.config.max_sessions:
            raise Refused(ErrorCode.CAPACITY, "too many sessions; try again soon")
        caller = party.identity
        if isinstance(caller, WalkInIdentity):
            queued = sum(len(line) for line in self._walk_ins.values())
            if queued >= self.config.max_queued_walk_ins:
                raise Refused(ErrorCode.CAPACITY, "the queue is full; please try again soon")
            session = self._open_session(
                party,
                kind="walk_in",
                mode=caller.mode,
                reservation_id=None,
                contact_id=caller.contact_id,
                specialty=caller.specialty,
                slot=(now, now + self.config.walk_in_limit),
                interpreter_id=None,
                join=join,
                now=now,
            )
        elif isinstance(caller, CallerIdentity):
            refusal = join_refusal(now, caller.slot_start, caller.slot_end, self.config.join_early)
            if refusal is not None:
                raise Refused(*refusal)
            session = self._open_session(
                party,
                kind="reserved",
                mode="video",
                reservation_id=caller.reservation_id,
                contact_id=None,
                specialty=None,
                slot=(caller.slot_start, caller.slot_end),
                interpreter_id=caller.interpreter_id,
                join=join,
                now=now,
            )
        else:  # pragma: no cover - `side` is CALLER only for the two caller identities
            raise Refused(ErrorCode.NOT_ALLOWED, "only callers join")
        party.session_id = session.session_id

    def _open_session(
        self,
        party: Party,
        *,
        kind: Literal["reserved", "walk_in"],
        mode: Literal["video", "chat"],
        reservation_id: int | None,
        contact_id: int | None,
        specialty: str | None,
        slot: tuple[datetime, datetime],
        interpreter_id: int | None,
        join: Join,
        now: datetime,
    ) -> Session:
        session_id = self._new_session_id()
        if session_id in self._sessions:
            raise RuntimeError("session id factory repeated an id")
        identity = party.identity
        assert not isinstance(identity, InterpreterIdentity)
        session = Session(
            session_id=session_id,
            caller_key=party.key,
            kind=kind,
            mode=mode,
            reservation_id=reservation_id,
            contact_id=contact_id,
            caller_name=identity.display_name,
            language=identity.language,
            specialty=specialty,
            slot_start=slot[0],
            slot_end=slot[1],
            assigned_interpreter_id=interpreter_id,
            interpreter_id=interpreter_id,
            caller_joined_at=now,
            transcript_consent=join.transcript_consent,
        )
        if join.transcript_consent:
            session.transcript_consent_at = now
            session.transcript_consent_version = self.config.transcript_consent_version
        if join.recording_consent and self.config.recording:
            session.recording_consent_at = now
            session.recording_consent_version = self.config.recording_consent_version
        self._sessions[session_id] = session
        if kind == "walk_in":
            line = self._walk_ins.setdefault(session.language, [])
            insort(line, session, key=lambda s: (s.caller_joined_at, s.session_id))
        self._queue_changed = True
        return session

    def _leave_line(self, session: Session) -> None:
        """A walk-in was answered or ended: out of their language's line."""
        line = self._walk_ins.get(session.language)
        if line is not None and session in line:
            line.remove(session)
            if not line:
                del self._walk_ins[session.language]
        self._queue_changed = True

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
        if not session.reserved:
            raise Refused(ErrorCode.ILLEGAL_STATE, "walk-in callers are routed by the queue")
        if session.state is not SessionState.WAITING:
            raise Refused(ErrorCode.ILLEGAL_STATE, "only a waiting caller can be handed over")
        target = self._roster.interpreter(request.interpreter_id)
        if target is None or not target.is_free or not _speaks(target, session.language):
            raise Refused(
                ErrorCode.HANDOVER_UNAVAILABLE,
                "that interpreter is not present, ready, free and of this sign language",
            )
        self._handover(session, target, Actor.STAFF, staff.account_id, now, decision)

    # -- pairing and the live queue

    def _pair_waiting(self, now: datetime, decision: Decision) -> None:
        """Runs after every event. A reserved caller whose interpreter is free is matched; the
        rest go to `route`: reserved callers past the grace (handed over at once) before walk-ins
        (rung, one interpreter at a time), but only when someone is free and only for the
        languages the free interpreters sign. Then reserved callers and their interpreters are
        told; walk-ins hear of their place from `tell_queue`, right after."""
        queued: list[QueuedCaller] = []
        for session in self._sessions.values():
            if not session.reserved or session.state is not SessionState.WAITING:
                continue
            assigned = self._roster.interpreter(session.interpreter_id)
            if assigned is not None and assigned.is_free:
                self._match(session, assigned, now, decision)
            elif now >= session.slot_start + self.config.handover_grace:
                queued.append(self._queued(session, now))
        free = self._free_interpreters(now)
        if free:
            for language in set().union(*(i.languages for i in free)):
                for session in self._walk_ins.get(language, ()):
                    if session.state is SessionState.WAITING and session.offered_to is None:
                        queued.append(self._queued(session, now))
            if queued:
                self._route(queued, free, now, decision)
        for session in self._sessions.values():
            if session.reserved and session.state is SessionState.WAITING:
                self._tell_why_reserved_waits(session, now, decision)
        self._tell_interpreters_who_waits(decision)

    def _free_interpreters(self, now: datetime) -> list[AvailableInterpreter]:
        """Connected, ready, in no session, and not kept for their own waiting reserved caller."""
        free = [party for party in self._roster.interpreters() if party.is_free]
        if not free:
            return []
        spoken_for = {  # interpreters whose own reserved caller waits (or reconnects)
            s.interpreter_id
            for s in self._sessions.values()
            if s.reserved and not s.is_matched and s.interpreter_id is not None
        }
        return [
            AvailableInterpreter(
                party.interpreter.interpreter_id,
                party.interpreter.languages,
                party.interpreter.specialties,
                party.ready_since or now,
            )
            for party in free
            if party.interpreter.interpreter_id not in spoken_for
        ]

    def _route(
        self,
        queued: list[QueuedCaller],
        free: list[AvailableInterpreter],
        now: datetime,
        decision: Decision,
    ) -> None:
        for assignment in route(queued, free, now, self._rules):
            session = self._sessions[assignment.session_id]
            target = self._roster.interpreter(assignment.interpreter_id)
            assert target is not None
            if session.reserved:
                self._handover(session, target, Actor.SYSTEM, None, now, decision)
            else:
                self._ring(session, target, now, decision)

    def _tell_why_reserved_waits(self, session: Session, now: datetime, decision: Decision) -> None:
        """Tell a waiting reserved caller why they wait, and, from the slot start, staff."""
        assigned = self._roster.interpreter(session.interpreter_id)
        present = assigned is not None and assigned.conn_id is not None
        status: WaitingStatus = "connecting" if present else "interpreter_absent"
        caller = self._roster.party(session.caller_key)
        if status != session.waiting_status and caller is not None and caller.conn_id:
            session.waiting_status = status
            waiting_message = Waiting(
                session_id=session.session_id, status=status, slot_start=session.slot_start
            )
            decision.send(caller.conn_id, waiting_message)
        if now >= session.slot_start and not session.alerted:
            session.alerted = True
            self._tell_staff(_alert(session, "interpreter_absent"), decision)

    def _queued(self, session: Session, now: datetime) -> QueuedCaller:
        """The router's view of a waiting caller, kept with the session until `tried` changes
        (rebuilt while a decline rests, since that depends on `now`)."""
        view = session.queued_view
        if view is not None and not session.declined_at:
            return view
        resting: frozenset[int] = frozenset()
        if session.declined_at:
            rest = self.config.decline_rest
            resting = frozenset(i for i, at in session.declined_at.items() if now - at < rest)
            if not resting:
                session.declined_at.clear()
        view = QueuedCaller(
            session_id=session.session_id,
            language=session.language,
            specialty=session.specialty,
            reserved=session.reserved,
            waiting_since=session.caller_joined_at,
            tried=frozenset(session.tried),
            resting=resting,
        )
        session.queued_view = view
        return view

    def _ring(self, session: Session, target: Party, now: datetime, decision: Decision) -> None:
        """Offer a walk-in to one interpreter; `accept`, `decline` or the ring timeout follows."""
        session.offered_to = target.interpreter.interpreter_id
        session.offered_at = now
        target.offered_session = session.session_id
        self._queue_changed = True
        self._set_presence(target, Presence.OFFERED, now, decision)
        if target.conn_id is not None:
            decision.send(
                target.conn_id,
                Ring(
                    session_id=session.session_id,
                    kind="walk_in",
                    mode=session.mode,
                    language=session.language,
                    specialty=session.specialty,
                    caller_name=session.caller_name,
                    waiting_since=session.caller_joined_at,
                    ring_timeout_s=int(self.config.ring_timeout.total_seconds()),
                ),
            )

    def _rung(self, conn: Connection, session_id: str) -> Party:
        """The interpreter on `conn`, who must be being rung for `session_id` right now."""
        party = self._roster.party_of(conn)
        if party is None or party.side is not Side.INTERPRETER:
            raise Refused(ErrorCode.NOT_ALLOWED, "only interpreters answer a ring")
        if party.offered_session != session_id:
            raise Refused(ErrorCode.NO_OFFER, "that call is not being offered to you")
        return party

    def _accept(self, conn: Connection, accept: Accept, now: datetime, decision: Decision) -> None:
        party = self._rung(conn, accept.session_id)
        session = self._sessions[accept.session_id]
        party.offered_session = None
        party.missed_in_a_row = 0
        session.offered_to = None
        session.offered_at = None
        session.interpreter_id = party.interpreter.interpreter_id
        self._match(session, party, now, decision)

    def _withdraw_ring(
        self,
        party: Party,
        reason: Literal["timeout", "caller_left", "declined"],
        now: datetime,
        decision: Decision,
        *,
        missed: bool,
    ) -> None:
        """End the ring of `party`. A timeout or a decline sends the caller on to the next
        interpreter (this one is `tried`); `missed_offers_to_away` timeouts in a row set the
        interpreter away, with the reason, as ACE Direct does."""
        session = self._sessions.get(party.offered_session or "")
        party.offered_session = None
        if session is not None:
            session.offered_to = None
            session.offered_at = None
            self._queue_changed = True
            if reason != "caller_left":
                session.tried.add(party.interpreter.interpreter_id)
                session.queued_view = None
                session.offers_missed += 1
            if reason == "declined":
                session.declined_at[party.interpreter.interpreter_id] = now
        conn_id = party.conn_id
        if conn_id is not None and self._roster.connection(conn_id) is not None:
            sid = session.session_id if session is not None else ""
            decision.send(conn_id, RingCancelled(session_id=sid, reason=reason))
        if missed:
            party.missed_in_a_row += 1
        if party.missed_in_a_row >= self.config.missed_offers_to_away:
            party.missed_in_a_row = 0
            self._set_presence(party, Presence.AWAY, now, decision, reason="missed_offers")
        else:
            self._set_presence(party, Presence.READY, now, decision)

    @property
    def queue_changed(self) -> bool:
        """Something a waiting walk-in sees may have changed: the shell calls `tell_queue`."""
        return self._queue_changed

    def tell_queue(self, now: datetime) -> Decision:
        """`queue` to every waiting walk-in whose place, estimate or ring status changed.

        Kept out of the event's own decision so that a ring or a match goes out first and the
        fan-out to a long queue follows; the shell calls this right after applying a decision
        when `queue_changed`. One pass over each language's line, in routing order: reserved
        callers past the grace are ahead of every walk-in of their language."""
        decision = Decision()
        if not self._queue_changed:
            return decision
        self._queue_changed = False
        if not self._walk_ins:
            return decision
        grace = self.config.handover_grace
        ahead: dict[str, int] = {}
        for session in self._sessions.values():
            if (
                session.reserved
                and session.state is SessionState.WAITING
                and now >= session.slot_start + grace
            ):
                ahead[session.language] = ahead.get(session.language, 0) + 1
        staffed: dict[str, int] = {}
        for party in self._roster.interpreters():
            if party.conn_id is not None and party.presence in _STAFFED:
                for language in party.interpreter.languages:
                    staffed[language] = staffed.get(language, 0) + 1
        typical_us = self._handle_times.typical // _MICROSECOND
        for language, line in self._walk_ins.items():
            online = staffed.get(language, 0)
            position = ahead.get(language, 0)
            for session in line:
                if session.state is not SessionState.WAITING:
                    continue
                position += 1
                caller = self._roster.party(session.caller_key)
                if caller is None or caller.conn_id is None:
                    continue
                low: int | None = None
                high: int | None = None
                if online:
                    low_minutes, high_minutes = wait_minutes(position, online, typical_us)
                    low, high = low_minutes * 60, high_minutes * 60
                ringing = session.offered_to is not None
                told = (position, low, high, online, ringing)
                if told == session.queue_told:
                    continue
                session.queue_told = told
                status: Literal["queued", "ringing"] = "ringing" if ringing else "queued"
                decision.send(
                    caller.conn_id,
                    queue_message(
                        session.session_id, position, language, low, high, online, status
                    ),
                )
        return decision

    def _tell_interpreters_who_waits(self, decision: Decision) -> None:
        """`caller_waiting` to the live socket of each waiting reserved caller's interpreter (once
        per socket), and `caller_left` to it once the caller is no longer waiting for them."""
        for session in self._sessions.values():
            if not session.reserved:
                continue
            if session.state is SessionState.WAITING:  # the caller's socket is up
                interpreter = self._roster.interpreter(session.interpreter_id)
                conn_id = interpreter.conn_id if interpreter is not None else None
                if conn_id is not None and conn_id != session.waiting_told:
                    waiting = CallerWaiting(
                        reservation_id=_reservation(session), since=session.caller_joined_at
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
            left = CallerLeft(reservation_id=_reservation(session), reason=reason)
            decision.send(told, left)

    def _handover(
        self,
        session: Session,
        target: Party,
        by: Actor,
        staff_account_id: int | None,
        now: datetime,
        decision: Decision,
    ) -> None:
        to_id = target.interpreter.interpreter_id
        from_id = session.interpreter_id
        assert from_id is not None  # a reserved session always has an interpreter
        decision.records.append(
            HandoverRecord(
                session_id=session.session_id,
                reservation_id=_reservation(session),
                from_interpreter_id=from_id,
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
                reservation_id=_reservation(session),
                from_interpreter_id=from_id,
                to_interpreter_id=to_id,
                by="staff" if by is Actor.STAFF else "system",
            ),
            decision,
        )

    def _match(
        self, session: Session, interpreter: Party, now: datetime, decision: Decision
    ) -> None:
        session.move(SessionState.MATCHED)
        self._leave_line(session)
        self._caller_left(session, "handed_over", decision, keep=interpreter.conn_id)
        session.matched_at = now
        session.interpreter_name = interpreter.identity.display_name
        interpreter.session_id = session.session_id
        self._days.today(now).answer((now - session.caller_joined_at).total_seconds())
        if session.mode == "chat":  # no media to wait for: the chat works from the match
            session.move(SessionState.CONNECTED)
            session.connected_at = now
        for side, member in self._members(session):
            if member.conn_id is not None:
                decision.send(member.conn_id, self._matched_message(session, side))
        self._set_presence(interpreter, Presence.IN_SESSION, now, decision)
        if session.alerted:
            session.alerted = False
            self._tell_staff(_alert(session, "resolved"), decision)

    # -- chat

    def _chat(self, conn: Connection, chat: Chat, now: datetime, decision: Decision) -> None:
        side, session = self._membership(conn, chat.session_id)
        self._require_matched(session)
        party = self._roster.party_of(conn)
        assert party is not None
        window_start = now - self.config.chat_burst_window
        sent = party.chat_sent
        while sent and sent[0] <= window_start:
            sent.popleft()
        if len(sent) >= self.config.chat_burst:
            raise Refused(ErrorCode.RATE_LIMITED, "too many messages; wait a few seconds")
        sent.append(now)
        session.chat_seq += 1
        line = ChatLine(seq=session.chat_seq, sender=side, text=chat.text, at=now)
        session.recent_chat.append(line)
        if len(session.recent_chat) > self.config.chat_history_keep:
            session.recent_chat.popleft()
        if self._transcript_kept(session):
            if len(session.transcript) < self.config.transcript_max_lines:
                session.transcript.append(line)
            else:
                session.transcript_truncated = True
        message = _chat_message(session, line)
        for _, member in self._members(session):
            if member.conn_id is not None:
                decision.send(member.conn_id, message)

    # -- presence

    def _set_presence(
        self,
        party: Party,
        target: Presence,
        now: datetime,
        decision: Decision,
        *,
        reason: str | None = None,
    ) -> None:
        """The one place the core changes an interpreter's presence: checked, stored with its
        time (`PresenceRecord`, for utilisation), echoed to the interpreter, and shown to staff."""
        previous = party.presence
        party.presence = move_presence(previous, target)
        reason = reason if target is Presence.AWAY else None
        changed = previous is not target or reason != party.away_reason
        party.away_reason = reason
        if target is Presence.READY and previous is not Presence.READY:
            party.ready_since = now
        party.wrap_up_until = now + self.config.wrap_up if target is Presence.WRAP_UP else None
        if (previous in _STAFFED) is not (target in _STAFFED):
            self._queue_changed = True  # the wait estimates of the interpreter's languages
        if changed:
            party.presence_since = now
            self._wallboard_changed = True
            decision.records.append(
                PresenceRecord(party.interpreter.interpreter_id, target, reason, now)
            )
        self._echo_presence(party, decision)

    def _forget(self, party: Party, now: datetime, decision: Decision) -> None:
        if party.side is Side.INTERPRETER and party.presence is not Presence.OFFLINE:
            self._set_presence(party, Presence.OFFLINE, now, decision)
        self._roster.forget(party)

    # -- ending

    def _end(
        self, session: Session, now: datetime, by: Actor, reason: EndReason, decision: Decision
    ) -> None:
        left_because = _LEFT_BECAUSE[reason]
        if not session.is_matched and by is Actor.CALLER and reason is not EndReason.EXPIRED:
            reason = EndReason.ABANDONED  # left the waiting room or the queue before an answer
            self._days.today(now).abandon((now - session.caller_joined_at).total_seconds())
        if session.offered_to is not None:
            rung = self._roster.interpreter(session.offered_to)
            if rung is not None:
                self._withdraw_ring(rung, "caller_left", now, decision, missed=False)
        record = session.end(now, by, reason)
        decision.records.append(record)
        self._close_legs(session, decision)
        if record.duration_seconds is not None:
            handle = timedelta(seconds=record.duration_seconds) + self.config.wrap_up
            self._handle_times.add(handle)
        ended = Ended(session_id=session.session_id, reason=reason, ended_by=by)
        for side, member in list(self._members(session)):
            member.session_id = None
            if member.conn_id is None:
                self._forget(member, now, decision)
                continue
            decision.send(member.conn_id, ended)
            if side is Side.INTERPRETER:
                after = Presence.WRAP_UP if self.config.wrap_up else Presence.READY
                self._set_presence(member, after, now, decision)
        if session.alerted:
            self._tell_staff(_alert(session, "resolved"), decision)
        if session.reserved:
            self._caller_left(session, left_because, decision)
        self._leave_line(session)
        del self._sessions[session.session_id]
        self._wallboard_changed = True

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

    def _ring_timed_out(self, session: Session, now: datetime) -> bool:
        rung_at = session.offered_at
        return rung_at is not None and now - rung_at >= self.config.ring_timeout

    def _deadline(self, session: Session) -> datetime:
        if session.is_matched and session.reserved:
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
            contact_id=session.contact_id,
            kind=session.kind,
            mode=session.mode,
            specialty=session.specialty,
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
        if session.state is not SessionState.WAITING or not session.reserved:
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
        caller = self._roster.party(session.caller_key)
        if caller is not None:
            yield Side.CALLER, caller
        interpreter = self._roster.interpreter(session.interpreter_id)
        if session.is_matched and interpreter is not None:
            yield Side.INTERPRETER, interpreter

    def _peer(self, session: Session, side: Side) -> Party | None:
        """The other member (`_members` without the generator: this runs for every relay)."""
        if side is Side.INTERPRETER:
            return self._roster.party(session.caller_key)
        return self._roster.interpreter(session.interpreter_id) if session.is_matched else None

    def _recorded(self, session: Session) -> bool:
        """Relay mode records a video session when its caller consented (`Join`) and has not
        withdrawn the consent since."""
        return (
            self.config.recording
            and session.recording_consent_at is not None
            and session.recording_withdrawn_at is None
        )

    def _withdraw_consent(
        self, conn: Connection, message: WithdrawConsent, now: datetime, decision: Decision
    ) -> None:
        """The caller withdraws an optional consent: from now on nothing more is kept (or
        recorded), and both pages are told. Withdrawing one not given changes nothing."""
        side, session = self._membership(conn, message.session_id)
        if side is not Side.CALLER:
            raise Refused(ErrorCode.NOT_ALLOWED, "only the caller gave this consent")
        if message.consent == "transcript":
            if not session.transcript_consent or session.transcript_withdrawn_at is not None:
                return
            session.transcript_withdrawn_at = now
        else:
            if not self._recorded(session):
                return
            session.recording_withdrawn_at = now
            decision.legs.append(RecordingStop(session.session_id))
        consents = Consents(
            session_id=session.session_id,
            transcript_kept=self._transcript_kept(session),
            recording=session.mode == "video" and self._recorded(session),
        )
        for _, member in self._members(session):
            if member.conn_id is not None:
                decision.send(member.conn_id, consents)

    @staticmethod
    def _transcript_kept(session: Session) -> bool:
        return session.transcript_consent and session.transcript_withdrawn_at is None

    def _matched_message(self, session: Session, side: Side) -> Matched:
        offerer = side is Side.INTERPRETER
        video = session.mode == "video"
        relay = self.config.relay
        return Matched(
            session_id=session.session_id,
            reservation_id=session.reservation_id,
            peer_name=session.caller_name if offerer else session.interpreter_name or "",
            role_in_session="offerer" if offerer else "answerer",
            ice_servers=self.config.ice_servers,
            mode=session.mode,
            transcript_kept=self._transcript_kept(session),
            media_leg=self.config.media_leg if video and relay is None else None,
            relay=relay if video else None,
            recording=video and self._recorded(session),
        )

    def _echo_presence(self, party: Party, decision: Decision) -> None:
        if party.conn_id is not None:
            echo = PresenceEcho(
                state=party.presence, reason=party.away_reason, until=party.wrap_up_until
            )
            decision.send(party.conn_id, echo)

    # -- the staff wallboard

    def _push_wallboard(self, now: datetime, decision: Decision) -> None:
        """At most one push per `wallboard_interval`, and only after a change: the cost is per
        change, not per watcher or per second (no polling loop per client)."""
        if not self._wallboard_changed:
            return
        last = self._wallboard_sent_at
        if last is not None and now - last < self.config.wallboard_interval:
            return
        watchers = list(self._roster.watchers())
        self._wallboard_changed = False
        self._wallboard_sent_at = now
        if not watchers:
            return
        board = self._wallboard(now)
        for conn in watchers:
            decision.send(conn.conn_id, board)

    def _wallboard(self, now: datetime) -> Wallboard:
        waiting: dict[str, list[datetime]] = {}
        for session in self._sessions.values():
            if not session.is_matched:
                waiting.setdefault(session.language, []).append(session.caller_joined_at)
        day = self._days.today(now)
        return Wallboard(
            at=now,
            day=day.day.isoformat(),
            waiting=tuple(
                WaitingLanguage(language=language, waiting=len(since), longest_since=min(since))
                for language, since in sorted(waiting.items())
            ),
            interpreters=tuple(
                InterpreterState(
                    interpreter_id=party.interpreter.interpreter_id,
                    display_name=party.interpreter.display_name,
                    languages=tuple(sorted(party.interpreter.languages)),
                    state=party.presence,
                    reason=party.away_reason,
                    since=party.presence_since or now,
                )
                for party in sorted(
                    self._roster.interpreters(), key=lambda p: p.interpreter.interpreter_id
                )
            ),
            speed_of_answer=day.speed_of_answer(),
            abandoned=day.abandoned,
            abandoned_mean_wait_s=day.abandoned_mean_wait,
        )

    def _tell_staff(self, alert: StaffAlert | HandedOver, decision: Decision) -> None:
        for conn in self._roster.staff_connections():
            decision.send(conn.conn_id, alert)


def _reservation(session: Session) -> int:
    """The booking of a reserved session (the messages about waiting rooms are for bookings)."""
    if session.reservation_id is None:
        raise ValueError("a walk-in session has no reservation")
    return session.reservation_id


def _chat_message(session: Session, line: ChatLine) -> ChatMessage:
    return ChatMessage(
        session_id=session.session_id,
        seq=line.seq,
        sender=line.sender.value,
        text=line.text,
        at=line.at,
    )


def _quality_visible(side: Side) -> tuple[Side, ...]:
    """Whose video's hints a member sees: their own; the interpreter also the caller's."""
    return (Side.CALLER, Side.INTERPRETER) if side is Side.INTERPRETER else (Side.CALLER,)


def _quality_message(session: Session, side: Side) -> QualityUpdate:
    signer = session.active_signer
    return QualityUpdate(
        session_id=session.session_id,
        side=side.value,
        hints=session.quality_hints.get(side, ()),  # codes checked by `quality_event`
        active_signer=signer.value if signer is not None else None,
    )


def _speaks(party: Party, language: str) -> bool:
    return isinstance(party.identity, InterpreterIdentity) and language in party.identity.languages


def _alert(session: Session, kind: Literal["interpreter_absent", "resolved"]) -> StaffAlert:
    return StaffAlert(
        kind=kind,
        reservation_id=_reservation(session),
        session_id=session.session_id,
        interpreter_id=session.interpreter_id or 0,
        language=session.language,
        slot_start=session.slot_start,
    )
