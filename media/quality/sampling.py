"""How often each video side is sampled for analysis, adapted to the load on the workers.

Additive increase, multiplicative decrease, like TCP: when frames were dropped or the workers
were nearly always busy during the last period, every side is sampled less often (down to
`min_rate`); when the workers had room, the rate creeps back up to `target_rate`. Under overload
analysis thins out evenly across sessions instead of queueing, and the calls never wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SamplingPolicy:
    target_rate: float = 5.0  # analyses per second per side when there is room
    min_rate: float = 1.0  # floor under overload (hints still settle within a few seconds)
    busy_high: float = 0.9  # worker utilisation above which the rate drops
    busy_low: float = 0.75  # below which it rises again
    decrease: float = 0.75
    increase: float = 0.5  # analyses per second added per period
    period: float = 1.0  # seconds between adjustments

    def __post_init__(self) -> None:
        if not 0 < self.min_rate <= self.target_rate:
            raise ValueError("need 0 < min_rate <= target_rate")


@dataclass(frozen=True, slots=True)
class LoadSample:
    """What the workers did during one period."""

    utilisation: float  # busy worker-seconds / (workers * period), 0..1
    dropped: int  # sampled frames replaced by newer ones before a worker was free


def next_rate(rate: float, load: LoadSample, policy: SamplingPolicy) -> float:
    """The per-side sampling rate for the next period."""
    if load.dropped > 0 or load.utilisation >= policy.busy_high:
        return max(policy.min_rate, rate * policy.decrease)
    if load.utilisation < policy.busy_low:
        return min(policy.target_rate, rate + policy.increase)
    return rate


def next_due(last_due: float, now: float, rate: float) -> float:
    """When this side's next frame is wanted, after taking one at `now` that was due at `last_due`.

    Keeping the schedule (rather than restarting it at `now`) keeps the rate exact when frames
    arrive at a rate that is not a multiple of the sampling rate; after a stall it restarts at
    half an interval from now instead of catching up with a burst.
    """
    interval = 1.0 / rate
    return max(last_due + interval, now + 0.5 * interval)
