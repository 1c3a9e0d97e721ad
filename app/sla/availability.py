"""Availability, reliability and maintainability of a service over a period, from outages.

Kepbup Polewali Mandar 685/2021, III.4 (Manajemen Ketersediaan Layanan SPBE) asks that the
availability, reliability and maintainability of a service be targeted (III.4.a.3), with
its downtime defined and agreed (III.4.a.2), and then measured, analysed and reported
(III.4.b). Perbup Bangka 21/2025 puts the target and the support hours ("waktu pelayanan
bantuan") in the catalog (2.1.1.2 butir 7 and 9) and the achieved figure in the monitoring
report (2.2.2.1, Tabel 8 no. 1 angka 4, formulir butir 4-5). This module is the arithmetic:
plain values in, plain values out, on the same `WorkingCalendar` the SLA clocks use.

The measures, as ITIL defines them (ITIL v3 Service Design 4.4.5.2, the source the
regulation's "ketersediaan, keterandalan, dan keterawatan" translate):

* **Agreed service time (AST)**: the service hours within the period (all of it for a
  24x7 service, the calendar's working hours otherwise) less the agreed downtime in them
  (maintenance windows of approved changes and releases, III.4.a.2).
* **Outage time**: the union of the outages, each from its report to its resolution (an
  open one to the end of the period), counted only where it falls in the agreed service
  time: nights, weekends, days off and agreed downtime do not count, and two outages that
  overlap count their common time once.
* **Availability** (ketersediaan) = (AST - outage time) / AST x 100.
* **MTBF**, mean time between failures (keterandalan, reliability): the agreed service
  time the service was up, per break: (AST - outage time) / breaks.
* **MTRS**, mean time to restore service (keterawatan, maintainability): outage time per
  break: outage time / breaks.

A *break* is one stretch of unavailability: outages whose report-to-resolution intervals
overlap or touch are one break (two reports of the same failure are not two failures);
a break none of whose time falls in the agreed service time (all of it on a Sunday, or
inside a maintenance window) is not counted. Without any break MTBF and MTRS have no value,
and without agreed service time neither has availability.

Each outage gets its *share*: the counted time of its interval not already covered by an
outage reported before it (ties by key). The shares add up to the outage time, so the
figure is explained outage by outage; agreed downtime windows are shared the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from app.sla.calendar import WorkingCalendar, explain

Span = tuple[datetime, datetime]
"""A half-open interval ``[start, end)`` of wall-clock time, aware."""
Record = tuple[int, str | None, Span, bool]
"""A record to share out: key, reference, its interval, and whether it is still open."""

#: The achieved percentage is floored to this many decimals: a figure shown as meeting a
#: target (of at most as many decimals) does meet it, and one that misses never shows as met.
PERCENT_PLACES = 3
_PERCENT_QUANTUM = Decimal(1).scaleb(-PERCENT_PLACES)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Outage:
    """A recorded disruption: a complaint with Mayor impact on the service.

    Attributes:
        key: what identifies the record (the complaint instance's id).
        reference: its human-readable number, e.g. "ADU-2026-000123".
        reported_at: when it was reported (aware).
        resolved_at: when it was resolved (aware); None while it is open.
    """

    key: int
    reference: str | None
    reported_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class Window:
    """Agreed downtime: the scheduled window of an approved change or release.

    Attributes:
        key: what identifies the record (the change or release instance's id).
        reference: its human-readable number, e.g. "PRB-2026-000007".
        start: when the window opens (aware).
        end: when it closes (aware).
    """

    key: int
    reference: str | None
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Share:
    """One record's part in a figure.

    Attributes:
        key: the record's key.
        reference: the record's reference.
        start: its interval clipped to the period (aware, UTC).
        end: likewise; the period's end for an outage still open.
        counted: the service-hours time it adds to the figure, not counted by an earlier
            record already.
        open: an outage not resolved by the end of the period.
    """

    key: int
    reference: str | None
    start: datetime
    end: datetime
    counted: timedelta
    open: bool = False


@dataclass(frozen=True)
class Availability:
    """The measures of one service over one period (see the module's docstring).

    Attributes:
        start: the period's start (UTC).
        end: the period's end (UTC), exclusive.
        target: the availability target in percent; None when the catalog sets none.
        service_time: the service hours in the period.
        downtime: the agreed downtime within those hours.
        agreed_time: ``service_time - downtime``, the AST.
        outage_time: the outages within the agreed service time, overlaps counted once.
        breaks: how many separate stretches of unavailability had counted time.
        outages: each outage in the period with its share, in report order.
        windows: each agreed downtime window in the period with its share, in order.
    """

    start: datetime
    end: datetime
    target: float | None
    service_time: timedelta
    downtime: timedelta
    agreed_time: timedelta
    outage_time: timedelta
    breaks: int
    outages: tuple[Share, ...]
    windows: tuple[Share, ...]

    @property
    def up_time(self) -> timedelta:
        """The agreed service time the service was available."""
        return self.agreed_time - self.outage_time

    @property
    def achieved(self) -> Decimal | None:
        """Availability in percent, floored to `PERCENT_PLACES`; None without agreed time."""
        if not self.agreed_time:
            return None
        exact = Decimal(self.up_time // _MICROSECOND) * 100 / (self.agreed_time // _MICROSECOND)
        return exact.quantize(_PERCENT_QUANTUM, rounding=ROUND_FLOOR)

    @property
    def met(self) -> bool | None:
        """Whether availability reached the target (at least equal); None when either is
        missing."""
        if self.target is None or not self.agreed_time:
            return None
        ratio = Fraction(self.up_time // _MICROSECOND, self.agreed_time // _MICROSECOND)
        return ratio * 100 >= Fraction(Decimal(str(self.target)))

    @property
    def mtbf(self) -> timedelta | None:
        """Mean time between failures, (AST - outage time) / breaks; None without a break."""
        return self.up_time / self.breaks if self.breaks else None

    @property
    def mtrs(self) -> timedelta | None:
        """Mean time to restore service, outage time / breaks; None without a break."""
        return self.outage_time / self.breaks if self.breaks else None


def measure_availability(
    start: datetime,
    end: datetime,
    calendar: WorkingCalendar,
    outages: Iterable[Outage],
    downtime: Iterable[Window] = (),
    target: float | None = None,
) -> Availability:
    """Measure a service's availability over ``[start, end)``.

    Args:
        start: the period's start (aware).
        end: the period's end (aware); a caller measuring up to now passes now.
        calendar: the service's support hours (an always-open calendar for 24x7).
        outages: the recorded outages; those outside the period are left out, the others
            are clipped to it (an open one runs to `end`).
        downtime: the agreed downtime windows; clipped likewise.
        target: the availability target in percent, if any.

    Returns:
        The measures, with each outage's and each window's share.

    Raises:
        ValueError: a naive moment, or `end` before `start`.
    """
    for name, moment in (("start", start), ("end", end)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    start, end = _utc(start), _utc(end)
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    period = (start, end)
    service = _union([(s.start, s.end) for s in explain(start, end, calendar) if s.counted])
    windows = [
        (w.key, w.reference, (_utc(w.start), _utc(w.end)), False)
        for w in sorted(downtime, key=lambda w: (_utc(w.start), _utc(w.end), w.key))
    ]
    window_shares, planned = _shares(windows, period, service)
    agreed = _subtract(service, planned)
    reports = [
        (
            o.key,
            o.reference,
            (_utc(o.reported_at), end if o.resolved_at is None else _utc(o.resolved_at)),
            o.resolved_at is None or o.resolved_at > end,
        )
        for o in sorted(outages, key=lambda o: (_utc(o.reported_at), o.key))
    ]
    outage_shares, down = _shares(reports, period, agreed)
    return Availability(
        start=start,
        end=end,
        target=target,
        service_time=_length(service),
        downtime=_overlap(service, planned),
        agreed_time=_length(agreed),
        outage_time=sum((share.counted for share in outage_shares), timedelta(0)),
        breaks=sum(1 for stretch in down if _overlap([stretch], agreed)),
        outages=tuple(outage_shares),
        windows=tuple(window_shares),
    )


# --- interval arithmetic on sorted, disjoint lists of spans ------------------------------


def _shares(
    records: Sequence[Record], period: Span, counted_in: Sequence[Span]
) -> tuple[list[Share], list[Span]]:
    """Each record's share of the time in `counted_in`, first come first counted, and the
    union of the records' intervals (clipped to `period`, touching ones joined)."""
    shares: list[Share] = []
    covered: list[Span] = []
    for key, reference, span, still_open in records:
        clipped = (max(span[0], period[0]), min(span[1], period[1]))
        if clipped[0] >= clipped[1]:
            continue
        new = _subtract([clipped], covered)
        counted = _overlap(new, counted_in)
        shares.append(Share(key, reference, clipped[0], clipped[1], counted, still_open))
        covered = _union([*covered, clipped])
    return shares, covered


def _union(spans: Iterable[Span]) -> list[Span]:
    """Join overlapping and touching spans; the result is sorted and disjoint."""
    joined: list[Span] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def _subtract(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """The parts of `spans` outside `holes`."""
    result: list[Span] = []
    for start, end in spans:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor:
                continue
            if hole_start >= end:
                break
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = hole_end
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def _overlap(first: Sequence[Span], second: Sequence[Span]) -> timedelta:
    """The length of the time in both."""
    total = timedelta(0)
    i = j = 0
    while i < len(first) and j < len(second):
        low = max(first[i][0], second[j][0])
        high = min(first[i][1], second[j][1])
        if low < high:
            total += high - low
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return total


def _length(spans: Sequence[Span]) -> timedelta:
    return sum((end - start for start, end in spans), timedelta(0))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
