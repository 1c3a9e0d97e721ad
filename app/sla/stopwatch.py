"""SLA clocks read from facts: when a clock started, its target, pauses, when it stopped.

A clock is never a stored counter. Callers gather the facts from an instance's event
history and call `read_clock`; reading again from the same facts gives the same answer,
however often the priority changed or the instance was paused in between.

Rules, in the words a supervisor reads in the explanation:

- working time is counted on the service's support hours (`WorkingCalendar`);
- time while the instance was suspended is not counted ("instans ditangguhkan");
- while a suspension lasts the clock has no deadline: it is stopped, not running late;
- a target that is not set (Tabel 2, Layanan Publik / Normal) gives no deadline and a
  warning, never an invented one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.sla.calendar import (
    Segment,
    WorkingCalendar,
    add_working_time,
    explain,
    next_opening,
    working_time_between,
)

RULE_PAUSED = "instans ditangguhkan"
#: Explanations stop after this many segments: an instance left open for years still
#: explains its deadline without listing every night since.
MAX_SEGMENTS = 400


@dataclass(frozen=True)
class Pause:
    """An interval during which the instance was suspended; `end` None while it lasts."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Target:
    """What a clock must meet, and where that comes from.

    Attributes:
        duration: working time allowed; None when the rule is "by the end of the next
            working day" or when no target is set.
        basis: the rule in Indonesian, e.g. "Tabel 4: P2 < 30 menit".
        end_of_next_working_day: Tabel 12's rule for reports outside working hours.
    """

    duration: timedelta | None
    basis: str
    end_of_next_working_day: bool = False

    @property
    def is_set(self) -> bool:
        """Whether the target gives a deadline at all."""
        return self.duration is not None or self.end_of_next_working_day


@dataclass(frozen=True)
class ClockReading:
    """One clock as read at `now`.

    Attributes:
        name: "respons", "penyelesaian" or "rto".
        started_at: when the clock started (the report, or the DRP activation).
        target: what it must meet.
        due_at: the deadline; None when no target is set or while paused.
        warning_at: the escalation warning point; None when `due_at` is.
        stopped_at: when it was met (responded, resolved, recovered), if it was.
        met: True/False once decided, None while it can still go either way.
        elapsed: working time counted so far (until `stopped_at` or `now`).
        paused: whether a suspension is in progress.
        segments: the explanation from `started_at` to the deadline or to now (empty when
            read without it: `read_clock(explained=False)`).
    """

    name: str
    started_at: datetime
    target: Target
    due_at: datetime | None
    warning_at: datetime | None
    stopped_at: datetime | None
    met: bool | None
    elapsed: timedelta
    paused: bool
    segments: list[Segment]


def _clip(pauses: Iterable[Pause], start: datetime) -> list[Pause]:
    """Pauses after `start`, clipped to it and sorted."""
    clipped = [Pause(max(p.start, start), p.end) for p in pauses if p.end is None or p.end > start]
    return sorted(clipped, key=lambda p: p.start)


def advance(
    start: datetime, duration: timedelta, calendar: WorkingCalendar, pauses: Sequence[Pause] = ()
) -> datetime | None:
    """When `duration` of counted time has elapsed after `start`, skipping pauses.

    Returns None when an unfinished pause begins before the time is used up: the clock is
    stopped and has no deadline until it resumes.
    """
    remaining = duration
    cursor = start
    for pause in _clip(pauses, start):
        if pause.start > cursor:
            available = working_time_between(cursor, pause.start, calendar)
            if available >= remaining:
                return add_working_time(cursor, remaining, calendar)
            remaining -= available
        if pause.end is None:
            return None
        cursor = max(cursor, pause.end)
    return add_working_time(cursor, remaining, calendar)


def counted_time(
    start: datetime, end: datetime, calendar: WorkingCalendar, pauses: Sequence[Pause] = ()
) -> timedelta:
    """Working time from `start` to `end`, less the working time spent suspended."""
    total = working_time_between(start, end, calendar)
    for pause in _clip(pauses, start):
        pause_end = end if pause.end is None else min(pause.end, end)
        if pause.start < pause_end:
            total -= working_time_between(pause.start, pause_end, calendar)
    return total


def end_of_next_working_day(moment: datetime, calendar: WorkingCalendar) -> datetime:
    """The closing time of the first working day that opens after `moment` (Tabel 12)."""
    opening = next_opening(moment + timedelta(microseconds=1), calendar)
    local_day = opening.astimezone(calendar.zone).date()
    closing = opening
    for segment in explain(opening, opening + timedelta(days=1), calendar):
        if segment.counted and segment.start.astimezone(calendar.zone).date() == local_day:
            closing = segment.end
    return closing


def _due(
    start: datetime, target: Target, calendar: WorkingCalendar, pauses: Sequence[Pause]
) -> datetime | None:
    if target.end_of_next_working_day:
        unpaused = end_of_next_working_day(start, calendar)
        allowed = working_time_between(start, unpaused, calendar)
        return advance(start, allowed, calendar, pauses)
    if target.duration is None:
        return None
    return advance(start, target.duration, calendar, pauses)


def _with_pauses(segments: list[Segment], pauses: Sequence[Pause]) -> list[Segment]:
    """Mark the parts of `segments` that fall in a pause as not counted."""
    if not pauses:
        return segments
    result: list[Segment] = []
    for segment in segments:
        pieces = [segment]
        for pause in pauses:
            pause_end = pause.end or datetime.max.replace(tzinfo=segment.start.tzinfo)
            next_pieces: list[Segment] = []
            for piece in pieces:
                if (
                    piece.rule == RULE_PAUSED
                    or pause_end <= piece.start
                    or pause.start >= piece.end
                ):
                    next_pieces.append(piece)
                    continue
                if piece.start < pause.start:
                    next_pieces.append(piece._replace(end=pause.start))
                next_pieces.append(
                    Segment(
                        max(piece.start, pause.start), min(piece.end, pause_end), False, RULE_PAUSED
                    )
                )
                if pause_end < piece.end:
                    next_pieces.append(piece._replace(start=pause_end))
            pieces = next_pieces
        result.extend(pieces)
    return result


def target_met(due: datetime | None, stopped: datetime | None, now: datetime) -> bool | None:
    """Met (stopped before the deadline), missed (stopped at it or later, or not stopped
    when it came), or None while undecided or without a deadline.

    The regulation's targets are "kurang dari" (Perbup Bangka 21/2025, Tabel 2 and 4:
    less than 15 minutes...), so a response at exactly the limit misses it. Lists and
    counts ask the same in SQL: `app.services.deadlines.met`.
    """
    if due is None:
        return None
    if stopped is not None:
        return stopped < due
    return False if now >= due else None


def read_clock(
    name: str,
    started_at: datetime,
    target: Target,
    calendar: WorkingCalendar,
    now: datetime,
    *,
    pauses: Sequence[Pause] = (),
    stopped_at: datetime | None = None,
    warning_fraction: float = 0.75,
    explained: bool = True,
) -> ClockReading:
    """Read one clock at `now`.

    Args:
        name: the clock's name, for the reading.
        started_at: when it started.
        target: what it must meet.
        calendar: the support hours it runs on.
        now: the moment of reading.
        pauses: suspensions of the instance.
        stopped_at: when the clock was met, if it was.
        warning_fraction: where the escalation warning falls, as a share of the target.
        explained: with the explanation (`segments`); without it (empty) the reading costs
            a fraction of the time, for callers that keep only its moments and verdict
            (the clocks' refresh after every step).

    Returns:
        The reading, with its explanation when `explained`.
    """
    pauses = _clip(pauses, started_at)
    due = _due(started_at, target, calendar, pauses)
    warning = None
    if due is not None:
        allowed = counted_time(started_at, due, calendar, pauses)
        warning = advance(started_at, allowed * warning_fraction, calendar, pauses)
    end = stopped_at or now
    paused = stopped_at is None and any(
        p.start <= now and (p.end is None or p.end > now) for p in pauses
    )
    met = target_met(due, stopped_at, now)
    horizon = max(end, due) if due is not None else end
    segments = (
        _with_pauses(explain(started_at, horizon, calendar), pauses)[:MAX_SEGMENTS]
        if explained
        else []
    )
    return ClockReading(
        name=name,
        started_at=started_at,
        target=target,
        due_at=due,
        warning_at=warning,
        stopped_at=stopped_at,
        met=met,
        elapsed=counted_time(started_at, max(end, started_at), calendar, pauses),
        paused=paused,
        segments=segments,
    )
