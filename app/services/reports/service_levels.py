"""The service-level report: per service and procedure, how many cases, how many met or
missed their targets, how long they took in working time, the service's availability, the
requesters' satisfaction and the backlog (issue 15, item 2; Perbup Bangka 21/2025, 2.3:
the evaluation report's recap of how many services met their targets).

Nothing here has a rule of its own; each figure asks the place that already decides it:

* **Which cases** are counted: those the reader may see (`visible_clause`, the instance
  list's rule), about a service, reported in the period (started in it, in the
  kabupaten's zone) for every figure but the backlog.
* **Met and missed** (`app.sla.stopwatch.target_met`, the clocks' own verdict, which
  `app.services.deadlines.met` states in SQL): a clock stopped before its deadline met
  it, one stopped at or after it, or still running when it came, missed it; one still
  running before its deadline is neither yet. A complaint has a response and a
  resolution clock; a request's one clock is its type's fulfilment time (the catalog),
  so it counts as fulfilment. A terminated case was withdrawn and is judged on nothing.
* **Times** in working time (`app.sla.stopwatch.counted_time` on the calendar the case's
  clocks run on, `scope_calendar`, less its suspensions): a clocked case from its report
  (`availability.reported_at`) to its resolution, any other from its start to its
  completion. The median is the middle value (the mean of the two middle ones); p90 the
  nearest rank, the smallest time at least 90% of the cases took no longer than.
* **Availability** (`AvailabilityService`, the figures of /ketersediaan and the catalog,
  the same for every reader) on each service's total row only.
* **Satisfaction**: the rating (`kepuasan`, 1-5) the requester gave when confirming a
  request or a complaint; counted on the rows of clocked cases.
* **Backlog**: the cases open at the end of the period (or now, if earlier), whenever
  they were reported, with their age then.

A measure that does not apply to a row (no complaint for response, no request for
fulfilment, no availability on a procedure's row) is None. Each figure's cases are
`ServiceLevelService.cases` with the figure's `measure`: the drill-down reads the same
facts the count came from.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, load_only

from app.clock import Clock
from app.errors import InvalidInput
from app.models import Agency, Instance, InstanceStatus, ProcessModel, Service, User
from app.services.catalog.codes import catalog_codes
from app.services.deadlines.availability import (
    MAX_PERIOD_DAYS,
    AvailabilityService,
    Visibility,
    reported_at,
)
from app.services.deadlines.calendars import (
    DEFAULT_TIME_ZONE,
    FIRST_YEAR,
    LAST_YEAR,
    scope_calendar,
)
from app.services.deadlines.clock_history import ClockHistory
from app.services.deadlines.service_levels import COMPLAINT, REQUEST
from app.sla.stopwatch import counted_time, target_met

#: What a figure's drill-down may ask for (`ServiceLevelService.cases`).
MEASURES = (
    "cases",
    "response_met",
    "response_missed",
    "resolution_met",
    "resolution_missed",
    "fulfilment_met",
    "fulfilment_missed",
    "timed",
    "rated",
    "backlog",
)
#: The backlog's ageing: a bucket's key and its upper bound in days (None: no bound).
AGEING: tuple[tuple[str, int | None], ...] = (
    ("0-1", 1),
    ("1-7", 7),
    ("7-30", 30),
    ("30+", None),
)
#: The requester's rating field and its scale (the confirmation forms).
RATING, RATINGS = "kepuasan", range(1, 6)
_HOUR = timedelta(hours=1)
_COLUMNS = (
    Instance.id,
    Instance.process_model_id,
    Instance.service_id,
    Instance.agency_id,
    Instance.status,
    Instance.started_at,
    Instance.ended_at,
    Instance.response_due_at,
    Instance.responded_at,
    Instance.resolution_due_at,
    Instance.resolved_at,
    Instance.sla_history,
    Instance.data,
)


@dataclass(frozen=True)
class Period:
    """Whole days from `first` to `last` (both included) in `zone`."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def begins(self) -> datetime:
        """The first day's midnight."""
        return datetime.combine(self.first, time(), self.zone)

    @property
    def ends(self) -> datetime:
        """The midnight after the last day (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    def months(self) -> list[tuple[str, Period]]:
        """The period cut at month boundaries, each part with its month "YYYY-MM"."""
        parts = []
        first = self.first
        while first <= self.last:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            last = min(self.last, following - timedelta(days=1))
            parts.append((f"{first.year:04d}-{first.month:02d}", Period(first, last, self.zone)))
            first = following
        return parts


def period_of(first: str | None, last: str | None, today: date) -> Period:
    """The period `first`..`last` given as ISO dates (YYYY-MM-DD), in the kabupaten's
    zone. Without `last`: `today` (or `first`, when that is later); without `first`: the
    first day of `last`'s month, so no dates at all give this month up to today.

    Raises:
        InvalidInput: a date that is none or outside the calendars' years ("from", "to"),
            `last` before `first`, or more than `MAX_PERIOD_DAYS` days in all ("to").
    """
    errors: dict[str, list[str]] = {}
    days: dict[str, date | None] = {}
    for name, text in (("from", first), ("to", last)):
        days[name] = None
        if not text:
            continue
        try:
            day = date.fromisoformat(text)
        except ValueError:
            errors[name] = ["tulis tanggal TTTT-BB-HH / write the date as YYYY-MM-DD"]
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = [f"tahun {FIRST_YEAR}..{LAST_YEAR} / year {FIRST_YEAR}..{LAST_YEAR}"]
        days[name] = day
    if errors:
        raise InvalidInput("Periode tidak valid / invalid period", errors)
    start, end = days["from"], days["to"]
    end = end or (max(start, today) if start else today)
    start = start or end.replace(day=1)
    if end < start:
        errors["to"] = ["tidak boleh sebelum 'from' / must not be before 'from'"]
    elif (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors["to"] = [f"paling lama {MAX_PERIOD_DAYS} hari / at most {MAX_PERIOD_DAYS} days"]
    if errors:
        raise InvalidInput("Periode tidak valid / invalid period", errors)
    return Period(start, end, ZoneInfo(DEFAULT_TIME_ZONE))


@dataclass
class Tally:
    """Targets met and missed."""

    met: int = 0
    missed: int = 0

    def add(self, verdict: bool | None) -> None:
        """Count one clock's verdict (None: not decided, counted in neither)."""
        if verdict is True:
            self.met += 1
        elif verdict is False:
            self.missed += 1


@dataclass(frozen=True)
class AvailabilityFigures:
    """A service's availability over the period: percent, and whether it met the target."""

    target: float | None
    achieved: float | None
    met: bool | None


@dataclass(frozen=True)
class CaseFacts:
    """What one case adds to the report.

    Attributes:
        counted: reported in the period (every figure but the backlog).
        kind: "aduan", "permintaan", or None for a case without SLA clocks.
        response, resolution, fulfilment: each clock's verdict (`target_met`), None when
            undecided or when the case has no such clock.
        hours: working time to resolution or completion, None while it lasts.
        rating: the requester's rating, 1-5.
        age: for a case open at the period's end, how long it had been open.
    """

    instance_id: int
    service_id: int
    procedure: str
    counted: bool
    kind: str | None
    response: bool | None
    resolution: bool | None
    fulfilment: bool | None
    hours: float | None
    rating: int | None
    age: timedelta | None

    def measures(self) -> frozenset[str]:
        """The figures this case is among (`MEASURES`)."""
        found = set()
        if self.counted:
            found.add("cases")
            for name, verdict in (
                ("response", self.response),
                ("resolution", self.resolution),
                ("fulfilment", self.fulfilment),
            ):
                if verdict is not None:
                    found.add(f"{name}_met" if verdict else f"{name}_missed")
            if self.hours is not None:
                found.add("timed")
            if self.rating is not None:
                found.add("rated")
        if self.age is not None:
            found.add("backlog")
        return frozenset(found)


@dataclass
class ReportRow:
    """One service's figures, for one procedure or (`procedure` None) all of them."""

    service: Service
    procedure: str | None
    procedure_name: str | None
    month: str | None = None
    cases: int = 0
    response: Tally | None = None
    resolution: Tally | None = None
    fulfilment: Tally | None = None
    hours: list[float] = field(default_factory=list)
    rated: bool = False
    ratings: Counter[int] = field(default_factory=Counter)
    ages: list[timedelta] = field(default_factory=list)
    availability: AvailabilityFigures | None = None

    def add(self, facts: CaseFacts) -> None:
        """Take one case into the figures."""
        if facts.age is not None:
            self.ages.append(facts.age)
        if not facts.counted:
            return
        self.cases += 1
        if facts.kind == COMPLAINT:
            self.response = self.response or Tally()
            self.resolution = self.resolution or Tally()
            self.response.add(facts.response)
            self.resolution.add(facts.resolution)
        elif facts.kind == REQUEST:
            self.fulfilment = self.fulfilment or Tally()
            self.fulfilment.add(facts.fulfilment)
        if facts.kind is not None:
            self.rated = True
        if facts.hours is not None:
            self.hours.append(facts.hours)
        if facts.rating is not None:
            self.ratings[facts.rating] += 1

    @property
    def median_hours(self) -> float | None:
        """The middle working time, in hours (two decimals)."""
        return round(statistics.median(self.hours), 2) if self.hours else None

    @property
    def p90_hours(self) -> float | None:
        """The nearest-rank 90th percentile of the working times, in hours."""
        if not self.hours:
            return None
        ordered = sorted(self.hours)
        return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 2)

    @property
    def rating_count(self) -> int:
        """How many ratings were given."""
        return sum(self.ratings.values())

    @property
    def rating_mean(self) -> float | None:
        """The mean rating (two decimals); None without one."""
        count = self.rating_count
        if not count:
            return None
        return round(sum(r * n for r, n in self.ratings.items()) / count, 2)

    @property
    def backlog(self) -> int:
        """Cases open at the period's end."""
        return len(self.ages)

    def ageing(self) -> dict[str, int]:
        """The backlog by age bucket (`AGEING`: days open, upper bound excluded)."""
        buckets = dict.fromkeys((key for key, _ in AGEING), 0)
        for age in self.ages:
            for key, bound in AGEING:
                if bound is None or age < timedelta(days=bound):
                    buckets[key] += 1
                    break
        return buckets


@dataclass
class ServiceLevelReport:
    """The report: its period, its rows and, when asked, the same rows month by month."""

    period: Period
    rows: list[ReportRow]
    trend: list[tuple[str, list[ReportRow]]] = field(default_factory=list)


class ServiceLevelService:
    """Counts the service-level report for a reader; changes nothing."""

    def __init__(self, session: Session, clock: Clock, visibility: Visibility) -> None:
        """`visibility`: the instance list's rule of who sees which case."""
        self.session = session
        self.clock = clock
        self.visibility = visibility

    def period(self, first: str | None, last: str | None) -> Period:
        """`period_of` with today in the kabupaten's zone (Raises as `period_of`)."""
        today = self.clock.now().astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date()
        return period_of(first, last, today)

    def report(
        self,
        user: User | None,
        period: Period,
        agency: str | None = None,
        service: str | None = None,
        by_month: bool = False,
    ) -> ServiceLevelReport:
        """The figures `user` may see over `period`, for a PD's or one service's cases.

        Args:
            user: the reader: only the cases they may see are counted; None for the
                system, which counts every case (the evaluation's recap,
                app/services/evaluation/recap.py).
            period: the days reported on.
            agency: a PD's code: its services only, each listed even without cases.
            service: a service's code: that service only, listed even without cases.
            by_month: also give the rows of each month of the period (`trend`).

        Raises:
            InvalidInput: an unknown PD or service code (errors name "agency", "service").
        """
        agency_id, service_id = self._codes(agency, service)
        report = ServiceLevelReport(period, self._rows(user, period, agency_id, service_id))
        if by_month:
            for month, part in period.months():
                rows = self._rows(user, part, agency_id, service_id)
                for row in rows:
                    row.month = month
                report.trend.append((month, rows))
        return report

    def cases(
        self,
        user: User | None,
        period: Period,
        measure: str,
        service: str | None = None,
        procedure: str | None = None,
        agency: str | None = None,
    ) -> list[Instance]:
        """The cases behind one figure: those `report` counted in `measure` for the row
        of `service` and `procedure` (None: every one), oldest first.

        Raises:
            InvalidInput: an unknown measure, PD or service (errors name the field).
        """
        if measure not in MEASURES:
            raise InvalidInput(
                "Ukuran tidak dikenal / unknown measure",
                {"measure": [f"salah satu dari / one of: {', '.join(MEASURES)}"]},
            )
        agency_id, service_id = self._codes(agency, service)
        ids = [
            facts.instance_id
            for facts in self._facts(user, period, agency_id, service_id)
            if measure in facts.measures() and procedure in (None, facts.procedure)
        ]
        if not ids:
            return []
        return list(
            self.session.scalars(
                select(Instance)
                .where(Instance.id.in_(ids))
                .order_by(Instance.started_at, Instance.id)
            )
        )

    # -- counting ------------------------------------------------------------------------

    def _codes(self, agency: str | None, service: str | None) -> tuple[int | None, int | None]:
        """The ids of the PD and service codes asked for, checked against the catalog."""
        codes = catalog_codes(self.session)
        errors = {}
        if agency and agency not in codes.agencies:
            errors["agency"] = [f"PD '{agency}' tidak ada / no agency '{agency}'"]
        if service and service not in codes.services:
            errors["service"] = [f"Layanan '{service}' tidak ada / no service '{service}'"]
        if errors:
            raise InvalidInput("Saringan tidak valid / invalid filter", errors)
        return (
            codes.agencies[agency] if agency else None,
            codes.services[service] if service else None,
        )

    def _rows(
        self, user: User | None, period: Period, agency_id: int | None, service_id: int | None
    ) -> list[ReportRow]:
        """Each service's total row, then its procedures' rows, by service code."""
        facts = self._facts(user, period, agency_id, service_id)
        services = self._services({f.service_id for f in facts}, agency_id, service_id)
        names = {m: n for m, n in self.session.execute(select(ProcessModel.id, ProcessModel.name))}
        totals = {s.id: ReportRow(s, None, None) for s in services}
        by_procedure: dict[tuple[int, str], ReportRow] = {}
        for case in facts:
            key = (case.service_id, case.procedure)
            if key not in by_procedure:
                service = totals[case.service_id].service
                by_procedure[key] = ReportRow(service, case.procedure, names.get(case.procedure))
            by_procedure[key].add(case)
            totals[case.service_id].add(case)
        availability = AvailabilityService(self.session, self.clock, self.visibility)
        rows: list[ReportRow] = []
        for service in services:
            measured = availability.for_service(service.code, user, period.begins, period.ends)
            achieved = measured.figures.achieved
            totals[service.id].availability = AvailabilityFigures(
                measured.figures.target,
                None if achieved is None else float(achieved),
                measured.figures.met,
            )
            rows.append(totals[service.id])
            rows += sorted(
                (row for (sid, _), row in by_procedure.items() if sid == service.id),
                key=lambda row: row.procedure or "",
            )
        return rows

    def _services(
        self, seen: set[int], agency_id: int | None, service_id: int | None
    ) -> list[Service]:
        """The services with counted cases, and every one the filter names, by code."""
        wanted = [Service.id.in_(sorted(seen))]
        if service_id is not None:
            wanted.append(Service.id == service_id)
        elif agency_id is not None:
            wanted.append(Service.agency_id == agency_id)
        query = select(Service).join(Agency, Agency.id == Service.agency_id).where(or_(*wanted))
        return list(self.session.scalars(query.order_by(Service.code)))

    def _facts(
        self, user: User | None, period: Period, agency_id: int | None, service_id: int | None
    ) -> list[CaseFacts]:
        """What each case the reader sees adds to the report over `period`."""
        now = self.clock.now()
        as_of = min(period.ends, now)
        reported = and_(Instance.started_at >= period.begins, Instance.started_at < period.ends)
        still_open = and_(
            Instance.started_at < as_of,
            or_(Instance.ended_at.is_(None), Instance.ended_at > as_of),
        )
        conditions: list[Any] = [Instance.service_id.is_not(None), or_(reported, still_open)]
        if user is not None:
            conditions.append(self.visibility.visible_clause(user))
        if agency_id is not None:
            conditions.append(Instance.agency_id == agency_id)
        if service_id is not None:
            conditions.append(Instance.service_id == service_id)
        instances = self.session.scalars(
            select(Instance).options(load_only(*_COLUMNS)).where(*conditions).order_by(Instance.id)
        )
        return [self._case(i, period, now, as_of) for i in instances]

    def _case(
        self, instance: Instance, period: Period, now: datetime, as_of: datetime
    ) -> CaseFacts:
        """One case's facts (see the module's docstring for each rule)."""
        history = ClockHistory.from_json(instance.sla_history or {})
        kind = (history.latest or {}).get("inputs", {}).get("jenis")
        judged = instance.status != InstanceStatus.TERMINATED

        def verdict(due: datetime | None, stopped: datetime | None) -> bool | None:
            return target_met(due, stopped, now) if judged else None

        resolution = verdict(instance.resolution_due_at, instance.resolved_at)
        open_at_end = instance.started_at < as_of and (
            instance.ended_at is None or instance.ended_at > as_of
        )
        rating = (instance.data or {}).get(RATING)
        return CaseFacts(
            instance_id=instance.id,
            service_id=instance.service_id or 0,
            procedure=instance.process_model_id,
            counted=period.begins <= instance.started_at < period.ends,
            kind=kind,
            response=verdict(instance.response_due_at, instance.responded_at)
            if kind == COMPLAINT
            else None,
            resolution=resolution if kind == COMPLAINT else None,
            fulfilment=resolution if kind == REQUEST else None,
            hours=self._hours(instance, kind is not None, history),
            rating=rating if rating in RATINGS and not isinstance(rating, bool) else None,
            age=as_of - instance.started_at if open_at_end else None,
        )

    def _hours(self, instance: Instance, clocked: bool, history: ClockHistory) -> float | None:
        """Working time from report to resolution (clocked) or start to completion."""
        calendar = scope_calendar(
            self.session, instance.service_id, instance.agency_id, instance.started_at
        )
        if clocked:
            if instance.resolved_at is None:
                return None
            spent = counted_time(
                reported_at(instance), instance.resolved_at, calendar, history.pause_list()
            )
        elif instance.status == InstanceStatus.COMPLETE and instance.ended_at is not None:
            spent = counted_time(instance.started_at, instance.ended_at, calendar)
        else:
            return None
        return spent / _HOUR
