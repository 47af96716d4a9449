"""Who is signing now: per-side signing state with hysteresis, one active signer, manual pinning.

A side starts signing once its activity stays above `start_level` for `start_hold` seconds, and
stops once it stays below `stop_level` for `stop_hold` seconds, so a pause between two signs does
not move the spotlight. The active signer changes only when the current one has stopped and
someone else is signing; when nobody signs, the spotlight stays on whoever signed last. A pin set
by the user wins over all of this until it is cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SignerRules:
    start_level: float = 1.0  # hand sizes per second (see activity.py)
    stop_level: float = 0.5
    start_hold: float = 0.4
    stop_hold: float = 1.0


@dataclass(slots=True)
class _SideState:
    signing: bool = False
    since: float | None = None  # when the level last crossed towards the other state
    started: float | None = None  # when the current signing run began


@dataclass(slots=True)
class ActiveSigner:
    """Decides the active signer of one call from each side's activity level."""

    rules: SignerRules = field(default_factory=SignerRules)
    pinned: str | None = None
    detected: str | None = None
    _sides: dict[str, _SideState] = field(default_factory=dict)

    @property
    def active(self) -> str | None:
        return self.pinned if self.pinned is not None else self.detected

    def signing(self, side: str) -> bool:
        state = self._sides.get(side)
        return state is not None and state.signing

    def pin(self, side: str | None) -> str | None:
        """Pin `side` to the spotlight (None releases it); return the active signer."""
        self.pinned = side
        return self.active

    def forget(self, side: str) -> str | None:
        """A side left the call."""
        self._sides.pop(side, None)
        if self.detected == side:
            self.detected = None
            self._choose()
        if self.pinned == side:
            self.pinned = None
        return self.active

    def update(self, side: str, now: float, level: float) -> str | None:
        """Feed one side's activity level at `now`; return the active signer."""
        state = self._sides.setdefault(side, _SideState())
        if state.signing:
            if level < self.rules.stop_level:
                state.since = now if state.since is None else state.since
                if now - state.since >= self.rules.stop_hold:
                    state.signing, state.since, state.started = False, None, None
            else:
                state.since = None
        elif level >= self.rules.start_level:
            state.since = now if state.since is None else state.since
            if now - state.since >= self.rules.start_hold:
                state.signing, state.started, state.since = True, state.since, None
        else:
            state.since = None
        self._choose()
        return self.active

    def _choose(self) -> None:
        if self.detected is not None and self.signing(self.detected):
            return
        runs = [(s.started or 0.0, name) for name, s in self._sides.items() if s.signing]
        if runs:
            self.detected = min(runs)[1]  # the one who has been signing longest
