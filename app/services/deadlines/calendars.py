"""The working calendar as data: which hours and days the SLA clocks of each PD count.

Three layers, most specific first: a PD's own office hours, else the kabupaten-wide
default row, else the built-in government default (Perpres 21/2023, Keppres 68/1995 in
`app.sla.calendar`). Days off are national holidays and cuti bersama (the `holidays`
package), plus regional days an Admin Sistem adds for every PD or for one. A 24x7 service
ignores all of it. Every change is Admin Sistem only and audited with before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import Clock, SystemClock
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Agency, OfficeHours, RegionalDay, Service, User
from app.models.change_stamp import StampedCache
from app.services.accounts.permissions import ADMINISTER, require
from app.services.audit.events import audit
from app.sla.calendar import (
    DAY_NAMES,
    MIDNIGHT,
    Interval,
    Segment,
    WeeklyHours,
    WorkingCalendar,
    add_working_time,
    explain,
    indonesian_government_default,
)
from app.sla.holidays_id import indonesian_holidays

DEFAULT_TIME_ZONE = "Asia/Jakarta"
#: How the API and the audit trail name the kabupaten-wide calendar.
DEFAULT_KEY = "default"
#: A service with these support hours counts wall-clock time (Perbup Bangka 2.1.1.2).
ALWAYS_OPEN_HOURS = "24x7"
REGIONAL = "regional"
#: Where the office hours in force come from.
SOURCE_OWN = "own"  # the PD's own row
SOURCE_DEFAULT = "default"  # the kabupaten-wide row (agency_id NULL)
SOURCE_BUILT_IN = "built-in"  # no row at all: `indonesian_government_default`
#: A deadline further than this many weeks of office hours is refused: the walk would be
#: long, and `deadline` loads days off only for the start's year -1 .. +3.
MAX_DEADLINE_WEEKS = 104
#: The years a deadline may start in (the holiday data and `date` both have ends).
FIRST_YEAR, LAST_YEAR = 2000, 2100

_CLOSING_MIDNIGHT = "24:00"


def years_around(moment: datetime) -> range:
    """Return the years whose days off a clock running at `moment` may need.

    The year before (a clock started in late December and read in January) to two years
    after (a long target crossing a new year).
    """
    return range(moment.year - 1, moment.year + 3)


@lru_cache(maxsize=32)
def _national_year(year: int) -> tuple[tuple[date, tuple[str, str]], ...]:
    """One year's national holidays and cuti bersama; the package takes ~70 ms a year."""
    return tuple(indonesian_holidays(year).items())


def _national(years: Iterable[int]) -> dict[date, tuple[str, str]]:
    return {day: named for year in set(years) for day, named in _national_year(year)}


# --- office hours as stored and shown: ["HH:MM", "HH:MM"] ----------------------------


def _parse_clock(text: object, closing: bool) -> time:
    if closing and text == _CLOSING_MIDNIGHT:
        return MIDNIGHT
    if isinstance(text, str) and len(text) == 5 and text[2] == ":":
        hours, minutes = text[:2], text[3:]
        if hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60:
            return time(int(hours), int(minutes))
    raise ValueError(f"{text!r} bukan jam HH:MM / not an HH:MM time")


def _parse_interval(raw: object) -> Interval:
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        raise ValueError(f"{raw!r} bukan [buka, tutup] / not an [opens, closes] pair")
    return _parse_clock(raw[0], closing=False), _parse_clock(raw[1], closing=True)


def parse_week(raw: object) -> WeeklyHours:
    """Turn stored or submitted office hours into a validated week.

    Args:
        raw: seven lists, Monday..Sunday, of ``["HH:MM", "HH:MM"]`` intervals; a closing
            time of "24:00" (or "00:00") means midnight.

    Returns:
        The week as `WorkingCalendar` holds it.

    Raises:
        InvalidInput: not seven days, a malformed, reversed or overlapping interval, or a
            week that is never open; ``errors["office_hours"]`` lists every problem found.
    """
    if not isinstance(raw, list | tuple) or len(raw) != 7:
        problems = ["7 hari, Senin..Minggu / 7 days, Monday..Sunday"]
        raise InvalidInput(
            "Jam kerja tidak valid / invalid office hours", {"office_hours": problems}
        )
    problems = []
    week: list[list[Interval]] = []
    for weekday, day in enumerate(raw):
        week.append([])
        if not isinstance(day, list | tuple):
            problems.append(f"{DAY_NAMES[weekday]}: daftar interval / a list of intervals")
            continue
        for interval in day:
            try:
                week[weekday].append(_parse_interval(interval))
            except ValueError as err:
                problems.append(f"{DAY_NAMES[weekday]}: {err}")
    if not problems:
        try:
            return WorkingCalendar(office_hours=week).office_hours
        except ValueError as err:
            problems.append(str(err))
    raise InvalidInput("Jam kerja tidak valid / invalid office hours", {"office_hours": problems})


def week_rows(week: WeeklyHours) -> list[list[list[str]]]:
    """Office hours as stored and shown: ``[["07:30", "16:00"]]`` for each day."""

    def clock(at: time, closing: bool) -> str:
        return _CLOSING_MIDNIGHT if closing and at == MIDNIGHT else at.strftime("%H:%M")

    return [[[clock(opens, False), clock(closes, True)] for opens, closes in day] for day in week]


def _weekly_open(calendar: WorkingCalendar) -> timedelta:
    if calendar.always_open:
        return timedelta(days=7)
    total = timedelta(0)
    for day in calendar.office_hours:
        for opens, closes in day:
            end = timedelta(days=1) if closes == MIDNIGHT else _since_midnight(closes)
            total += end - _since_midnight(opens)
    return total


def _since_midnight(at: time) -> timedelta:
    return timedelta(hours=at.hour, minutes=at.minute, seconds=at.second)


# --- the calendar an instance's clocks run on -----------------------------------------


def _office_hours_rows(
    session: Session, agency: Agency | None
) -> tuple[OfficeHours | None, OfficeHours | None]:
    """The PD's own row and the default row, in one query."""
    scope = OfficeHours.agency_id.is_(None)
    if agency is not None:
        scope = or_(scope, OfficeHours.agency_id == agency.id)
    rows = session.scalars(select(OfficeHours).where(scope).order_by(OfficeHours.id)).all()
    own = next((r for r in rows if agency is not None and r.agency_id == agency.id), None)
    default = next((r for r in rows if r.agency_id is None), None)
    return own, default


def _regional_days(
    session: Session, agency: Agency | None, years: Sequence[int]
) -> list[RegionalDay]:
    """Regional days for every PD and the PD's own, in `years`, by date."""
    scope = RegionalDay.agency_id.is_(None)
    if agency is not None:
        scope = or_(scope, RegionalDay.agency_id == agency.id)
    rows = session.scalars(
        select(RegionalDay)
        .where(scope, RegionalDay.day.between(date(min(years), 1, 1), date(max(years), 12, 31)))
        .order_by(RegionalDay.day, RegionalDay.id)
    ).all()
    wanted = set(years)
    return [r for r in rows if r.day.year in wanted]


def calendar_for(
    session: Session,
    agency: Agency | None,
    service: Service | None,
    years: Iterable[int] | None = None,
) -> WorkingCalendar:
    """Build the calendar the SLA clocks of an instance about `service` run on.

    Called on every task completion, so it costs two small queries (none for a 24x7
    service) and national holidays are cached per year.

    Args:
        session: the caller's session.
        agency: the provider PD; None falls back to the service's PD, and without a
            service to the kabupaten-wide default calendar in Asia/Jakarta.
        service: the service the instance is about; "24x7" support hours give an
            always-open calendar in the PD's time zone.
        years: the years whose days off are needed, e.g. `years_around` of the clock's
            start; default: `years_around` the system clock's now.

    Returns:
        The calendar: office hours (the PD's own, else the default row, else the built-in
        government default), national holidays, cuti bersama and regional days.
    """
    if agency is None and service is not None:
        agency = service.agency
    time_zone = agency.timezone if agency is not None else DEFAULT_TIME_ZONE
    if service is not None and service.support_hours == ALWAYS_OPEN_HOURS:
        return WorkingCalendar(time_zone=time_zone, always_open=True)
    wanted = sorted(set(years if years is not None else years_around(SystemClock().now())))
    days: dict[date, tuple[str, str]] = _national(wanted)
    regional = _regional_days(session, agency, wanted)
    for day in sorted(regional, key=lambda r: r.agency_id is not None):  # the PD's own wins
        days[day.day] = (day.name, REGIONAL)
    own, default = _office_hours_rows(session, agency)
    row = own or default
    if row is None:
        return indonesian_government_default(time_zone, days)
    return WorkingCalendar(
        time_zone=time_zone, office_hours=parse_week(row.office_hours), non_working_days=days
    )


# --- what the API shows ---------------------------------------------------------------


@dataclass(frozen=True)
class DayOff:
    """A non-working day as listed: `agency` is the PD of a PD-only regional day."""

    day: date
    name: str
    category: str
    agency: str | None = None


@dataclass(frozen=True)
class CalendarView:
    """A PD's (or the default) calendar: office hours and where they come from, days off."""

    key: str  # the agency code, or "default"
    agency: str | None
    time_zone: str
    source: str  # SOURCE_OWN | SOURCE_DEFAULT | SOURCE_BUILT_IN
    office_hours: list[list[list[str]]]
    updated_at: datetime | None
    year: int
    regional_days: list[DayOff]
    holidays: list[DayOff]


@dataclass(frozen=True)
class Deadline:
    """Working time added on a calendar, every time in the calendar's zone."""

    start: datetime
    duration: timedelta
    due_at: datetime
    time_zone: str
    segments: list[Segment]


class CalendarService:
    """Read the working calendars, compute deadlines, and (Admin Sistem) edit them."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor

    def _audit(self, kind: str, data: dict[str, Any]) -> None:
        audit(self.session, self.actor, kind, self.clock.now(), data)

    def _agency(self, code: str | None) -> Agency | None:
        if code is None:
            return None
        agency = self.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise NotFound(f"PD '{code}' tidak ada / no agency '{code}'")
        return agency

    def view(self, agency_code: str | None, year: int | None = None) -> CalendarView:
        """The calendar of a PD (None: the default) with the days off of `year`.

        Raises:
            NotFound: no agency has this code.
        """
        agency = self._agency(agency_code)
        year = year if year is not None else self.clock.now().year
        own, default = _office_hours_rows(self.session, agency)
        row = own or default
        source = SOURCE_OWN if own else SOURCE_DEFAULT if default else SOURCE_BUILT_IN
        week = parse_week(row.office_hours) if row else indonesian_government_default().office_hours
        return CalendarView(
            key=agency.code if agency else DEFAULT_KEY,
            agency=agency.code if agency else None,
            time_zone=agency.timezone if agency else DEFAULT_TIME_ZONE,
            source=source,
            office_hours=week_rows(week),
            updated_at=row.updated_at if row else None,
            year=year,
            regional_days=[
                DayOff(r.day, r.name, REGIONAL, agency_code if r.agency_id is not None else None)
                for r in _regional_days(self.session, agency, [year])
            ],
            holidays=[
                DayOff(day, name, category) for day, (name, category) in _national([year]).items()
            ],
        )

    def set_office_hours(self, agency_code: str | None, week: object) -> CalendarView:
        """Give a PD (None: every PD without its own) these office hours.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: no agency has this code.
            InvalidInput: as `parse_week`.
        """
        require(self.session, self.actor, ADMINISTER)
        agency = self._agency(agency_code)
        rows = week_rows(parse_week(week))
        before = self.view(agency_code)
        own, default = _office_hours_rows(self.session, agency)
        row = own if agency else default
        if row is None:
            row = OfficeHours(agency_id=agency.id if agency else None)
            self.session.add(row)
        row.office_hours = rows
        row.updated_at = self.clock.now()
        self._audit(
            "working_calendar_updated",
            {
                "calendar": before.key,
                "before": before.office_hours,
                "before_source": before.source,
                "after": rows,
            },
        )
        self.session.flush()
        return self.view(agency_code)

    def reset(self, agency_code: str | None) -> CalendarView:
        """Return a PD to the default office hours (nothing to do when it has none of its own).

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: no agency has this code.
            InvalidInput: `agency_code` is None: the default has nothing to fall back to.
        """
        require(self.session, self.actor, ADMINISTER)
        agency = self._agency(agency_code)
        if agency is None:
            raise InvalidInput(
                "Kalender bawaan tidak dapat dikembalikan; ubah jam kerjanya / the default "
                "calendar has nothing to fall back to; change its office hours instead",
                {"calendar": ["hanya kalender PD / a PD's calendar only"]},
            )
        own, _ = _office_hours_rows(self.session, agency)
        if own is not None:
            self._audit(
                "working_calendar_reset", {"calendar": agency_code, "before": own.office_hours}
            )
            self.session.delete(own)
            self.session.flush()
        return self.view(agency_code)

    def add_regional_day(self, agency_code: str | None, day: date, name: str) -> DayOff:
        """Add a regional day off for one PD (None: for every PD).

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: no agency has this code.
            InvalidInput: an empty name.
            Conflict: that day is already a regional day of this calendar.
        """
        require(self.session, self.actor, ADMINISTER)
        agency = self._agency(agency_code)
        name = name.strip()
        if not name:
            raise InvalidInput(
                "Nama hari libur kosong / empty name", {"name": ["wajib diisi / required"]}
            )
        if self._regional_day(agency, day) is not None:
            raise Conflict(f"{day} sudah hari libur daerah / already a regional day")
        self.session.add(RegionalDay(agency_id=agency.id if agency else None, day=day, name=name))
        key = agency_code or DEFAULT_KEY
        self._audit("regional_day_added", {"calendar": key, "day": day.isoformat(), "name": name})
        self.session.flush()
        return DayOff(day, name, REGIONAL, agency_code)

    def remove_regional_day(self, agency_code: str | None, day: date) -> None:
        """Remove a regional day off of one PD (None: one for every PD).

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: no such agency, or no such regional day in this calendar.
        """
        require(self.session, self.actor, ADMINISTER)
        agency = self._agency(agency_code)
        regional = self._regional_day(agency, day)
        if regional is None:
            raise NotFound(f"{day} bukan hari libur daerah / not a regional day")
        key = agency_code or DEFAULT_KEY
        self._audit(
            "regional_day_removed", {"calendar": key, "day": day.isoformat(), "name": regional.name}
        )
        self.session.delete(regional)
        self.session.flush()

    def _regional_day(self, agency: Agency | None, day: date) -> RegionalDay | None:
        return self.session.scalar(
            select(RegionalDay).where(
                RegionalDay.agency_id.is_not_distinct_from(agency.id if agency else None),
                RegionalDay.day == day,
            )
        )

    def deadline(
        self,
        agency_code: str | None,
        service_code: str | None,
        start: datetime,
        duration: timedelta,
    ) -> Deadline:
        """Add `duration` of working time to `start` on a PD's calendar, and explain it.

        Args:
            agency_code: the PD; None for the default calendar.
            service_code: a service of that PD, whose support hours (24x7) may apply.
            start: when the clock starts (aware).
            duration: the working time to add.

        Returns:
            The deadline and its segments, in the calendar's time zone.

        Raises:
            NotFound: no such agency or service.
            InvalidInput: a naive or out-of-range start, a negative duration, one longer
                than `MAX_DEADLINE_WEEKS` of office hours, or a service of another PD.
        """
        agency = self._agency(agency_code)
        service = self._service(service_code, agency)
        if start.tzinfo is None or start.utcoffset() is None:
            raise InvalidInput(
                "Waktu mulai tanpa zona / start without offset",
                {"start": ["sertakan zona waktu / include a UTC offset"]},
            )
        if not FIRST_YEAR <= start.year <= LAST_YEAR:
            raise InvalidInput(
                "Waktu mulai di luar jangkauan / start out of range",
                {"start": [f"tahun {FIRST_YEAR}..{LAST_YEAR} / year {FIRST_YEAR}..{LAST_YEAR}"]},
            )
        if duration < timedelta(0):
            raise InvalidInput(
                "Durasi negatif / negative duration", {"duration": ["tidak negatif / not negative"]}
            )
        calendar = calendar_for(
            self.session, agency, service, range(start.year - 1, start.year + 4)
        )
        if duration > _weekly_open(calendar) * MAX_DEADLINE_WEEKS:
            raise InvalidInput(
                "Durasi terlalu panjang / duration too long",
                {
                    "duration": [
                        f"paling lama {MAX_DEADLINE_WEEKS} minggu kerja / at most "
                        f"{MAX_DEADLINE_WEEKS} working weeks"
                    ]
                },
            )
        due = add_working_time(start, duration, calendar)
        zone = calendar.zone
        return Deadline(
            start=start.astimezone(zone),
            duration=duration,
            due_at=due.astimezone(zone),
            time_zone=calendar.time_zone,
            segments=[
                s._replace(start=s.start.astimezone(zone), end=s.end.astimezone(zone))
                for s in explain(start, due, calendar)
            ],
        )

    def _service(self, code: str | None, agency: Agency | None) -> Service | None:
        if code is None:
            return None
        service = self.session.scalar(select(Service).where(Service.code == code))
        if service is None:
            raise NotFound(f"Layanan '{code}' tidak ada / no service '{code}'")
        if agency is None or service.agency_id != agency.id:
            owner = service.agency.code
            raise InvalidInput(
                f"Layanan '{code}' milik PD {owner} / the service belongs to {owner}",
                {"service": [f"gunakan kalender {owner} / use the calendar of {owner}"]},
            )
        return service


_CALENDARS: StampedCache[WorkingCalendar] = StampedCache()


def scope_calendar(
    session: Session, service_id: int | None, agency_id: int | None, around: datetime
) -> WorkingCalendar:
    """The calendar an instance's clocks and scripts run on: its service's support hours
    in its PD's working calendar, with the holidays of the years around `around`.

    Every transition asks for it (the engine's scripts, the clocks, the timers) and it
    changes rarely, so it is kept per process under the change stamp: an edit of a
    calendar, a regional day, a PD or a service applies from the next request.
    """
    years = years_around(around)

    def build() -> WorkingCalendar:
        service = session.get(Service, service_id) if service_id is not None else None
        agency = service.agency if service is not None else None
        if agency is None and agency_id is not None:
            agency = session.get(Agency, agency_id)
        return calendar_for(session, agency, service, years=years)

    return _CALENDARS.get(session, (service_id, agency_id, years.start, years.stop), build)
