"""The working calendar: when SLA clocks run, and how far a working duration reaches.

A complaint's response and resolution targets are counted in the service's support hours
("waktu pelayanan bantuan"): either 24x7, or the agency's office hours minus weekends,
national holidays, cuti bersama and regional days off. Everything here takes and returns
plain values (aware datetimes, timedeltas, dates, strings) and uses the standard library
only, so the engine, the services and BPMN scripts can all share one arithmetic.

Conventions that callers rely on:

* Every returned datetime is aware and in UTC; inputs may be in any offset but must be
  aware (naive datetimes raise `ValueError`).
* Office-hour intervals are half-open, ``[opens, closes)``, in the calendar's local time.
  A deadline that uses up the last minute of a day is that day's closing time, not the
  next opening.
* Days are judged in the calendar's time zone: the same UTC instant can be inside office
  hours in Jakarta (WIB, +7) and outside them in Jayapura (WIT, +9).
* The three Indonesian zones have no daylight saving time, which keeps local days exactly
  24 hours long; other zones are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

SUPPORTED_TIME_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
"""WIB (+7), WITA (+8) and WIT (+9): each PD works in one of these."""

HOLIDAY_CATEGORIES = {
    "public": "libur nasional",
    "government": "cuti bersama",
    "regional": "libur daerah",
}
"""Category of a non-working day -> the Indonesian words used in explanations."""

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
RULE_OUTSIDE_HOURS = "di luar jam kerja"
RULE_WEEKEND = "akhir pekan"
RULE_NOT_A_WORKING_DAY = "bukan hari kerja"
RULE_ALWAYS_OPEN = "layanan 24x7"
MIDNIGHT = time(0)

Interval = tuple[time, time]
"""Office hours ``(opens, closes)`` in local time; ``closes == time(0)`` means midnight."""
DayHours = tuple[Interval, ...]
WeeklyHours = tuple[DayHours, ...]
NonWorkingDays = Mapping[date, tuple[str, str]]
"""A date -> ``(name, category)``; category is a key of `HOLIDAY_CATEGORIES`."""

CLOSED_WEEK: WeeklyHours = ((),) * 7


class Segment(NamedTuple):
    """One stretch of an explanation: counted or not, and the calendar rule that decided.

    Attributes:
        start: where the stretch begins (aware, UTC).
        end: where it ends (aware, UTC), exclusive.
        counted: whether the stretch counts as working time.
        rule: the rule in Indonesian, e.g. "jam kerja Senin 07:30-16:00" or
            "libur nasional: Hari Raya Idul Fitri".
    """

    start: datetime
    end: datetime
    counted: bool
    rule: str

    @property
    def duration(self) -> timedelta:
        """Length of the stretch, counted or not."""
        return self.end - self.start


@dataclass(frozen=True)
class WorkingCalendar:
    """When a service's SLA clocks run.

    Attributes:
        time_zone: one of `SUPPORTED_TIME_ZONES`, the PD's local time.
        office_hours: seven tuples, Monday (0) to Sunday (6), of ``(opens, closes)``
            intervals in local time, sorted and not overlapping. A day may be empty; a lunch
            break is two intervals. Lists are accepted and frozen into tuples.
        non_working_days: dates on which the office is closed all day, each with its name
            and category ("public", "government" for cuti bersama, "regional"). Kept for
            the explanation a supervisor reads.
        always_open: 24x7 support hours; office hours and non-working days are ignored.

    Raises:
        ValueError: on an unsupported time zone, malformed or overlapping intervals, an
            unknown holiday category, or a calendar that is never open (it would make every
            deadline infinitely far away).
    """

    time_zone: str = "Asia/Jakarta"
    office_hours: WeeklyHours = CLOSED_WEEK
    non_working_days: NonWorkingDays = field(default_factory=dict, hash=False)
    always_open: bool = False
    #: Each local day already cut into segments: a calendar is shared by every reading of
    #: its scope's clocks (app/services/deadlines/service_levels.py keeps one per process),
    #: and cutting a day again on every step was a tenth of a completion.
    _plans: dict[date, tuple[Segment, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        """Validate, and freeze mutable inputs so a calendar can be shared safely."""
        if self.time_zone not in SUPPORTED_TIME_ZONES:
            raise ValueError(
                f"unsupported time zone {self.time_zone!r}: use one of {SUPPORTED_TIME_ZONES}"
            )
        object.__setattr__(self, "office_hours", _frozen_week(self.office_hours))
        object.__setattr__(self, "non_working_days", _frozen_days(self.non_working_days))
        if not self.always_open and not any(self.office_hours):
            raise ValueError("a calendar needs office hours on at least one weekday")

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone (zoneinfo caches instances, so this is cheap)."""
        return ZoneInfo(self.time_zone)


def _frozen_week(week: Sequence[Sequence[Sequence[time]]]) -> WeeklyHours:
    if len(week) != 7:
        raise ValueError(f"office_hours needs 7 days (Monday..Sunday), got {len(week)}")
    return tuple(_frozen_day(weekday, day) for weekday, day in enumerate(week))


def _frozen_day(weekday: int, day: Sequence[Sequence[time]]) -> DayHours:
    intervals: list[Interval] = []
    previous_close: time | None = None
    for interval in day:
        opens, closes = interval
        _check_interval(weekday, opens, closes)
        if previous_close is not None and (previous_close == MIDNIGHT or opens < previous_close):
            raise ValueError(f"{DAY_NAMES[weekday]}: intervals overlap or are not sorted")
        intervals.append((opens, closes))
        previous_close = closes
    return tuple(intervals)


def _check_interval(weekday: int, opens: time, closes: time) -> None:
    if not (isinstance(opens, time) and isinstance(closes, time)):
        raise ValueError(f"{DAY_NAMES[weekday]}: office hours must be datetime.time values")
    if opens.tzinfo is not None or closes.tzinfo is not None:
        raise ValueError(f"{DAY_NAMES[weekday]}: office hours are local times without tzinfo")
    if closes != MIDNIGHT and closes <= opens:
        raise ValueError(f"{DAY_NAMES[weekday]}: {opens} - {closes} closes before it opens")


def _frozen_days(days: NonWorkingDays) -> NonWorkingDays:
    frozen: dict[date, tuple[str, str]] = {}
    for day, (name, category) in days.items():
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"non-working day {day!r} must be a datetime.date")
        if category not in HOLIDAY_CATEGORIES:
            raise ValueError(
                f"{day}: unknown category {category!r}, use one of {sorted(HOLIDAY_CATEGORIES)}"
            )
        frozen[day] = (str(name), category)
    return MappingProxyType(frozen)


def indonesian_government_default(
    tz: str = "Asia/Jakarta",
    holidays: NonWorkingDays | None = None,
    *,
    with_breaks: bool = False,
) -> WorkingCalendar:
    """Build the default office-hours calendar of an Indonesian government agency.

    Source: Peraturan Presiden No. 21 Tahun 2023 tentang Hari Kerja dan Jam Kerja Instansi
    Pemerintah dan Pegawai ASN sets five working days (Senin-Jumat), 37.5 hours a week
    excluding breaks, starting 07:30 local time, with a 60-minute break (90 minutes on
    Friday), and leaves the exact schedule to each agency (PPK). The schedule it replaced,
    Keputusan Presiden No. 68 Tahun 1995 Pasal 1 ayat (2), is the one regional offices
    still publish: Senin-Kamis 07:30-16:00 (istirahat 12:00-13:00) and Jumat 07:30-16:30
    (istirahat 11:30-13:00). These are a configurable default: agencies edit them.

    Breaks are not subtracted by default because a service desk is usually staffed over
    lunch and the regulation's targets are read against the office day; pass
    ``with_breaks=True`` for the strict 37.5-hour week.

    Args:
        tz: the PD's time zone, one of `SUPPORTED_TIME_ZONES`.
        holidays: national holidays, cuti bersama and regional days, e.g. from
            `app.sla.holidays_id.indonesian_holidays`.
        with_breaks: split each day around the Keppres 68/1995 break.

    Returns:
        The calendar.

    Raises:
        ValueError: as `WorkingCalendar` does.
    """
    if with_breaks:
        mon_thu: DayHours = ((time(7, 30), time(12)), (time(13), time(16)))
        friday: DayHours = ((time(7, 30), time(11, 30)), (time(13), time(16, 30)))
    else:
        mon_thu = ((time(7, 30), time(16)),)
        friday = ((time(7, 30), time(16, 30)),)
    week = (mon_thu, mon_thu, mon_thu, mon_thu, friday, (), ())
    return WorkingCalendar(time_zone=tz, office_hours=week, non_working_days=holidays or {})


ALWAYS_OPEN = WorkingCalendar(always_open=True)
"""24x7 support hours: working time is wall-clock time."""


# --- walking the calendar -------------------------------------------------------------


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _clock(at: time) -> str:
    return at.strftime("%H:%M:%S" if at.second or at.microsecond else "%H:%M")


def _closed_rule(calendar: WorkingCalendar, day: date) -> str:
    holiday = calendar.non_working_days.get(day)
    if holiday is not None:
        name, category = holiday
        return f"{HOLIDAY_CATEGORIES[category]}: {name}"
    weekday = day.weekday()
    return RULE_WEEKEND if weekday >= 5 else f"{RULE_NOT_A_WORKING_DAY}: {DAY_NAMES[weekday]}"


def _day_plan(calendar: WorkingCalendar, day: date) -> tuple[Segment, ...]:
    """Cut one local day, midnight to midnight, into counted and uncounted segments
    (once per calendar and day)."""
    plan = calendar._plans.get(day)
    if plan is None:
        plan = calendar._plans[day] = tuple(_cut_day(calendar, day))
    return plan


def _cut_day(calendar: WorkingCalendar, day: date) -> list[Segment]:
    zone = calendar.zone
    day_start = _local(day, MIDNIGHT, zone)
    day_end = _local(day + timedelta(days=1), MIDNIGHT, zone)
    if calendar.always_open:
        return [Segment(day_start, day_end, True, RULE_ALWAYS_OPEN)]
    intervals = calendar.office_hours[day.weekday()]
    if day in calendar.non_working_days or not intervals:
        return [Segment(day_start, day_end, False, _closed_rule(calendar, day))]
    plan: list[Segment] = []
    cursor = day_start
    for opens_at, closes_at in intervals:
        opens = _local(day, opens_at, zone)
        closes = day_end if closes_at == MIDNIGHT else _local(day, closes_at, zone)
        if opens > cursor:
            plan.append(Segment(cursor, opens, False, RULE_OUTSIDE_HOURS))
        label = "24:00" if closes_at == MIDNIGHT else _clock(closes_at)
        rule = f"jam kerja {DAY_NAMES[day.weekday()]} {_clock(opens_at)}-{label}"
        plan.append(Segment(opens, closes, True, rule))
        cursor = closes
    if cursor < day_end:
        plan.append(Segment(cursor, day_end, False, RULE_OUTSIDE_HOURS))
    return plan


def _walk(calendar: WorkingCalendar, start: datetime) -> Iterator[Segment]:
    """Yield segments from `start` onwards, forever; the first one is clipped to `start`.

    Termination is the caller's job; it is guaranteed for searches of counted time because
    a calendar has office hours on some weekday and finitely many non-working days.
    """
    day = start.astimezone(calendar.zone).date()
    while True:
        for segment in _day_plan(calendar, day):
            if segment.end > start:
                yield segment._replace(start=max(segment.start, start))
        day += timedelta(days=1)


def _aware_utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


# --- the public arithmetic ------------------------------------------------------------


def add_working_time(start: datetime, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    """Return the moment at which `duration` of working time has elapsed after `start`.

    A start outside working hours begins counting at the next opening: a report filed on
    Friday at 22:00 with a 4-hour target is due Monday at 11:30. A deadline that ends
    exactly at closing time is that closing time. A zero duration returns `start` itself
    (in UTC), so that adding is additive: ``add(add(s, a), b) == add(s, a + b)`` for all
    non-negative ``a`` and ``b``; use `next_opening` to know when a clock starts running.

    Args:
        start: when the clock starts (aware).
        duration: working time to add, not negative.
        calendar: the service's support hours.

    Returns:
        The deadline, aware, in UTC.

    Raises:
        ValueError: if `start` is naive or `duration` is negative.
    """
    start = _aware_utc(start, "start")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    if not duration:
        return start
    remaining = duration
    for segment in _walk(calendar, start):
        if not segment.counted:
            continue
        if segment.duration >= remaining:
            return segment.start + remaining
        remaining -= segment.duration
    raise AssertionError("unreachable: _walk never ends")  # pragma: no cover


def explain(start: datetime, end: datetime, calendar: WorkingCalendar) -> list[Segment]:
    """Explain ``[start, end)`` as contiguous segments, counted or not, with their rule.

    Neighbouring segments under the same rule are merged (a night then an early morning
    become one "di luar jam kerja"; Saturday and Sunday one "akhir pekan"). Non-working
    days are named ("libur nasional: ...", "cuti bersama: ...") even when they fall on a
    weekend, because that is what a supervisor wants to read.

    Args:
        start: the beginning (aware).
        end: the end (aware).
        calendar: the service's support hours.

    Returns:
        Segments from `start` to `end` in UTC; empty when ``end <= start``. The counted
        ones sum to ``working_time_between(start, end, calendar)``.

    Raises:
        ValueError: if `start` or `end` is naive.
    """
    start = _aware_utc(start, "start")
    end = _aware_utc(end, "end")
    segments: list[Segment] = []
    if end <= start:
        return segments
    for segment in _walk(calendar, start):
        if segment.start >= end:
            break
        _append_merged(segments, segment._replace(end=min(segment.end, end)))
    return segments


def _append_merged(segments: list[Segment], segment: Segment) -> None:
    if segments:
        last = segments[-1]
        if last.rule == segment.rule and last.counted == segment.counted:
            segments[-1] = last._replace(end=segment.end)
            return
    segments.append(segment)


def working_time_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> timedelta:
    """Measure the working time elapsed from `start` to `end`.

    Args:
        start: the beginning (aware).
        end: the end (aware).
        calendar: the service's support hours.

    Returns:
        The working time; ``timedelta(0)`` when ``end <= start``.

    Raises:
        ValueError: if `start` or `end` is naive.
    """
    counted = (s.duration for s in explain(start, end, calendar) if s.counted)
    return sum(counted, timedelta(0))


def end_of_working_days(start: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    """The close of the `days`-th working day after the day of `start`.

    "Within three working days" read as a person reads it: asked on a Friday, the answer
    is due when Wednesday's office closes, whatever the hour on Friday. On a 24x7 calendar
    every day is a working day and closes at midnight.

    Raises:
        ValueError: `start` is naive or `days` is not positive.
    """
    start = _aware_utc(start, "start")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    day = start.astimezone(calendar.zone).date()
    left = days
    while True:
        day += timedelta(days=1)
        worked = [segment for segment in _day_plan(calendar, day) if segment.counted]
        if worked:
            left -= 1
            if left == 0:
                return worked[-1].end


def next_opening(moment: datetime, calendar: WorkingCalendar) -> datetime:
    """Return when the clock runs from `moment`: itself inside working hours, else the next opening.

    Args:
        moment: any aware datetime.
        calendar: the service's support hours.

    Returns:
        The moment the clock starts running, aware, in UTC.

    Raises:
        ValueError: if `moment` is naive.
    """
    moment = _aware_utc(moment, "moment")
    return next(s.start for s in _walk(calendar, moment) if s.counted)


def is_working_time(moment: datetime, calendar: WorkingCalendar) -> bool:
    """Tell whether the clock is running at `moment`.

    Args:
        moment: any aware datetime.
        calendar: the service's support hours.

    Returns:
        True inside office hours (always, for a 24x7 calendar).

    Raises:
        ValueError: if `moment` is naive.
    """
    return next_opening(moment, calendar) == _aware_utc(moment, "moment")


# --- BPMN script helpers --------------------------------------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_ISO_DURATION = re.compile(rf"P(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)")
_SECONDS_PER_UNIT = (3600, 60, 1)


def parse_iso_duration(text: str) -> timedelta:
    """Parse an ISO-8601 duration of hours, minutes and seconds, e.g. "PT4H" or "PT1H30M".

    Days, weeks, months and years are refused: "P2D" of working time would be ambiguous
    (48 working hours, or two working days?), so targets are written in hours, as the
    regulation's tables are ("2x24 jam" is "PT48H").

    Args:
        text: the duration; decimals are allowed ("PT1.5H").

    Returns:
        The duration.

    Raises:
        ValueError: if `text` is not such a duration.
    """
    match = _ISO_DURATION.fullmatch(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"not an ISO-8601 duration in hours/minutes/seconds (e.g. 'PT4H'): {text!r}"
        )
    seconds = sum(
        (Decimal(part.replace(",", ".")) * unit)
        for part, unit in zip(match.groups(), _SECONDS_PER_UNIT, strict=True)
        if part is not None
    )
    return timedelta(microseconds=int(Decimal(seconds) * 1_000_000))


def _parse_moment(text: str, name: str) -> datetime:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be an ISO-8601 string, got {type(text).__name__}")
    return _aware_utc(datetime.fromisoformat(text), name)


def script_helpers(calendar: WorkingCalendar) -> dict[str, Callable[..., Any]]:
    """Build the calendar helpers BPMN scripts may call, bound to one calendar.

    Task data holds strings, so the helpers take ISO-8601 strings (with an offset) and
    return plain data: ISO-8601 strings in UTC, ints and bools. Invalid input raises
    `ValueError` or `TypeError`, which the script runner reports with the task.

    Args:
        calendar: the support hours of the service the instance is about.

    Returns:
        ``tambah_waktu_kerja(mulai, durasi) -> str``,
        ``waktu_kerja_antara(dari, sampai) -> int`` (whole seconds),
        ``jam_kerja_berikutnya(saat) -> str`` and ``dalam_jam_kerja(saat) -> bool``.
    """

    def tambah_waktu_kerja(mulai: str, durasi: str) -> str:
        start = _parse_moment(mulai, "mulai")
        return add_working_time(start, parse_iso_duration(durasi), calendar).isoformat()

    def waktu_kerja_antara(dari: str, sampai: str) -> int:
        elapsed = working_time_between(
            _parse_moment(dari, "dari"), _parse_moment(sampai, "sampai"), calendar
        )
        return elapsed // timedelta(seconds=1)

    def jam_kerja_berikutnya(saat: str) -> str:
        return next_opening(_parse_moment(saat, "saat"), calendar).isoformat()

    def dalam_jam_kerja(saat: str) -> bool:
        return is_working_time(_parse_moment(saat, "saat"), calendar)

    return {
        "tambah_waktu_kerja": tambah_waktu_kerja,
        "waktu_kerja_antara": waktu_kerja_antara,
        "jam_kerja_berikutnya": jam_kerja_berikutnya,
        "dalam_jam_kerja": dalam_jam_kerja,
    }
