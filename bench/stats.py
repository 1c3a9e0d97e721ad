"""Timing samples and their summaries (median, p95, rate), in milliseconds."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0-100) with linear interpolation between ranks.

    Interpolation keeps p95 meaningful for the few dozen samples a slow query allows.
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """What a list of durations says: counts, central values and the tail, in ms."""

    count: int
    total_ms: float
    mean_ms: float
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float

    @property
    def per_second(self) -> float:
        """Operations per second if they ran back to back."""
        return self.count / (self.total_ms / 1000) if self.total_ms > 0 else math.nan


def summarize(seconds: Sequence[float]) -> Summary:
    """Summarize durations given in seconds (as `time.perf_counter` differences)."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        nan = math.nan
        return Summary(0, 0.0, nan, nan, nan, nan, nan)
    return Summary(
        count=len(ms),
        total_ms=sum(ms),
        mean_ms=sum(ms) / len(ms),
        median_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        min_ms=min(ms),
        max_ms=max(ms),
    )


@dataclass
class Samples:
    """Durations collected under one name, added to as a run goes."""

    seconds: list[float] = field(default_factory=list)

    def add(self, elapsed: float) -> None:
        """Record one duration in seconds."""
        self.seconds.append(elapsed)

    def summary(self) -> Summary:
        """The summary of everything recorded so far."""
        return summarize(self.seconds)


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """Run `call` once; return its result and the seconds it took."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def repeat_for(
    measure: Callable[[], float], count: int, max_seconds: float, minimum: int = 5
) -> list[float]:
    """Collect up to `count` durations from `measure`, stopping once `max_seconds` passed.

    `measure` returns the seconds of the part it times, so set-up around it (a session,
    the signed-in user) stays outside. At least `minimum` samples are taken, so even a
    very slow query gets a median.
    """
    samples: list[float] = []
    deadline = time.perf_counter() + max_seconds
    while len(samples) < count:
        samples.append(measure())
        if len(samples) >= minimum and time.perf_counter() > deadline:
            break
    return samples
