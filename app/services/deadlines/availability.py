"""The availability of services over a period, measured from the records.

Kepbup Polewali Mandar 685/2021, III.4.b asks for availability, reliability and
maintainability to be monitored, measured and reported; III.4.a.2 for downtime to be
defined and agreed; III.4.a.3 for targets. Here they are gathered from what the app
already records, never typed, and handed to the arithmetic in `app.sla.availability`:

* **Service hours**: the service's support hours (catalog, Perbup Bangka 21/2025,
  2.1.1.2 butir 9): 24x7, or its PD's working calendar with its days off, the same
  calendar its SLA clocks run on (`scope_calendar`).
* **Target**: the catalog's availability target (butir 7), a percentage; None when unset.
* **Agreed downtime** (III.4.a.2): the published window of each approved change of the
  service (Manajemen Perubahan: `jadwal_mulai` to `jadwal_selesai`, set at scheduling,
  which follows approval or a pre-approved standard category, II.4.g.10-11) and of each
  approved release plan that announces downtime (Rilis Layanan: `rilis_disetujui`,
  `perkiraan_henti_layanan` > 0 minutes, `jadwal_mulai_rilis` to `jadwal_selesai_rilis`).
  A change's whole window counts, since its form records the downtime risk only as text
  (II.4.g.8). Terminated changes and releases, and rejected ones, are not agreed.
* **Outages**: each complaint (Penanganan Aduan) about the service whose impact is Mayor,
  "layanan gagal beroperasi secara keseluruhan" (Perbup Bangka 2.1.1.1, Tabel 3), as
  classified last; from its report (where its SLA clocks start: the request or monitoring
  report it came from, else its start) to its resolution (the reporter's confirmation, or
  the close without one, as the resolution clock stops; a complaint closed otherwise, at
  its end); one still open runs to the end of the period. A terminated complaint was
  withdrawn and is no record of an outage.

A period reaching past now is measured up to now (`measured_until`): availability is not
forecast.

Who may see what. The figures of a service are the catalog's "ketersediaan layanan"
(Perbup Bangka 2.1.1.2 butir 11), which every signed-in user reads, so everyone gets the
same figures: measured from all records, never from the ones the reader happens to see,
which would give each reader another availability. Which record each outage and window
is, its id and reference, is shown only to those who may see that instance
(`InstanceService.visible_clause`, the instance list's own rule); others get its times
and minutes without naming it.

Which instances bear on a service is a `RecordScope`. The default is the CMDB's
(`configuration.dependencies.ServiceAndItemRecords`, issue 14, items 2 and 6): the
instances about the service itself, and the cases linked (`configuration_item_case`) to an
item the service runs on (`configuration_item_service`) or, transitively, to what that
depends on, so an outage of a shared database, reported as a Mayor complaint about another
service but naming the database, counts against every service on it, and so does the
window of an approved change naming it. `OWN_RECORDS` keeps to the service's own records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, load_only

from app.clock import Clock
from app.engine.script_context import UNMEASURED
from app.errors import InvalidInput, NotFound
from app.models import Agency, Instance, InstanceStatus, Service, User
from app.services.catalog.change_calendar import CHANGE_MODEL, ENDS, STARTS
from app.services.configuration.dependencies import ServiceAndItemRecords
from app.services.deadlines.calendars import FIRST_YEAR, LAST_YEAR, scope_calendar
from app.services.deadlines.clock_history import REPORTED_AT
from app.sla.availability import Availability, Outage, Window, measure_availability

COMPLAINT_MODEL = "penanganan-aduan"
RELEASE_MODEL = "rilis-layanan"
#: The complaint's impact field and the value that makes it an outage (Tabel 3).
IMPACT, MAYOR = "dampak", "Mayor"
#: The change approval's field and the refusal (II.4.g.10).
CHANGE_DECISION, REFUSED = "keputusan_perubahan", "tolak"
RELEASE_APPROVED = "rilis_disetujui"
RELEASE_DOWNTIME = "perkiraan_henti_layanan"
RELEASE_STARTS, RELEASE_ENDS = "jadwal_mulai_rilis", "jadwal_selesai_rilis"
#: The longest period measured at once: a year, leap day included.
MAX_PERIOD_DAYS = 366

_RECORD_COLUMNS = (
    Instance.id,
    Instance.reference,
    Instance.process_model_id,
    Instance.status,
    Instance.started_at,
    Instance.ended_at,
    Instance.resolved_at,
    Instance.data,
    Instance.sla_history,
)


class RecordScope(Protocol):
    """Which instances' records bear on a service's availability."""

    def clause(self, service: Service) -> ColumnElement[bool]:
        """The SQL condition on `Instance` selecting them."""
        ...


class OwnRecords:
    """The instances about the service itself, without the CMDB's links."""

    def clause(self, service: Service) -> ColumnElement[bool]:
        """Instances whose service is `service`."""
        return Instance.service_id == service.id


OWN_RECORDS = OwnRecords()


class Visibility(Protocol):
    """Which instances a user may see (`InstanceService`)."""

    def visible_clause(self, user: User) -> Any:
        """The SQL condition on `Instance` for the instances `user` may see."""
        ...


@dataclass(frozen=True)
class ServiceAvailability:
    """One service's availability over a period, as a reader may see it.

    Attributes:
        service: the catalog entry.
        start: the period's start as asked.
        end: the period's end as asked.
        measured_until: where measuring stopped: `end`, or now when `end` is later.
        time_zone: the service's calendar's zone, for showing times.
        figures: the measures and each record's share (`app.sla.availability`).
        visible: the ids of the records the reader may see, to name them.
    """

    service: Service
    start: datetime
    end: datetime
    measured_until: datetime
    time_zone: str
    figures: Availability
    visible: frozenset[int]


class AvailabilityService:
    """Measures availability per service and period; changes nothing."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        visibility: Visibility,
        scope: RecordScope | None = None,
    ) -> None:
        """`scope`: which instances bear on a service; the CMDB's by default."""
        self.session = session
        self.clock = clock
        self.visibility = visibility
        self.scope = scope if scope is not None else ServiceAndItemRecords(session)

    def for_service(
        self, code: str, user: User | None, start: datetime, end: datetime
    ) -> ServiceAvailability:
        """The availability of the service `code` over ``[start, end)``.

        Args:
            code: the service's catalog code.
            user: the reader, whose view names the records they may see; None for the
                system, which sees every record.
            start: the period's start (aware).
            end: the period's end (aware), after `start`, at most `MAX_PERIOD_DAYS` later.

        Returns:
            The measures, each outage and agreed downtime window with its share.

        Raises:
            InvalidInput: a bad period (`errors` names "from" or "to").
            NotFound: no service has this code.
        """
        check_period(start, end)
        service = self.session.scalar(select(Service).where(Service.code == code))
        if service is None:
            raise NotFound(f"Layanan '{code}' tidak ada / no service '{code}'")
        [result] = self._measure([service], user, start, end)
        return result

    def for_agency(
        self, code: str, user: User | None, start: datetime, end: datetime
    ) -> list[ServiceAvailability]:
        """The availability of every service of the PD `code`, by service code.

        Args and raises as `for_service`, `code` being the PD's code.
        """
        check_period(start, end)
        agency = self.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise NotFound(f"PD '{code}' tidak ada / no agency '{code}'")
        services = self.session.scalars(
            select(Service).where(Service.agency_id == agency.id).order_by(Service.code)
        ).all()
        return self._measure(services, user, start, end)

    def _measure(
        self, services: Sequence[Service], user: User | None, start: datetime, end: datetime
    ) -> list[ServiceAvailability]:
        until = max(start, min(end, self.clock.now()))
        measured = []
        for service in services:
            calendar = scope_calendar(self.session, service.id, service.agency_id, start)
            figures = measure_availability(
                start,
                until,
                calendar,
                self._outages(service, start, until),
                self._agreed_downtime(service),
                service.availability_target,
            )
            measured.append((service, calendar.time_zone, figures))
        keys = {s.key for _, _, f in measured for s in (*f.outages, *f.windows)}
        visible = self._visible(keys, user)
        return [
            ServiceAvailability(service, start, end, until, zone, figures, visible)
            for service, zone, figures in measured
        ]

    def _records(self, service: Service, *conditions: Any) -> Iterable[Instance]:
        return self.session.scalars(
            select(Instance)
            .options(load_only(*_RECORD_COLUMNS))
            .where(Instance.status != InstanceStatus.TERMINATED, self.scope.clause(service))
            .where(*conditions)
            .order_by(Instance.id)
        )

    def _outages(self, service: Service, start: datetime, until: datetime) -> list[Outage]:
        """The Mayor complaints that may overlap ``[start, until)``."""
        complaints = self._records(
            service,
            Instance.process_model_id == COMPLAINT_MODEL,
            # started before the end, or started by a link: the report it came from may
            # be earlier than its start
            or_(Instance.started_at < until, Instance.parent_id.is_not(None)),
            or_(
                Instance.resolved_at > start,
                and_(
                    Instance.resolved_at.is_(None),
                    or_(Instance.ended_at.is_(None), Instance.ended_at > start),
                ),
            ),
        )
        return [
            Outage(c.id, c.reference, reported_at(c), c.resolved_at or c.ended_at)
            for c in complaints
            if (c.data or {}).get(IMPACT) == MAYOR
        ]

    def _agreed_downtime(self, service: Service) -> list[Window]:
        """The windows of the service's approved changes and releases that announce
        downtime, wherever they fall (the arithmetic clips them to the period)."""
        windows = []
        for record in self._records(
            service, Instance.process_model_id.in_((CHANGE_MODEL, RELEASE_MODEL))
        ):
            window = agreed_window(record)
            if window is not None:
                windows.append(Window(record.id, record.reference, *window))
        return windows

    def _visible(self, keys: set[int], user: User | None) -> frozenset[int]:
        if user is None or not keys:
            return frozenset(keys)
        return frozenset(
            self.session.scalars(
                select(Instance.id).where(
                    Instance.id.in_(sorted(keys)), self.visibility.visible_clause(user)
                )
            )
        )


def check_period(start: datetime, end: datetime) -> None:
    """Refuse a period that cannot be measured.

    Raises:
        InvalidInput: a naive moment or one outside the calendars' years ("from", "to"),
            `end` not after `start`, or more than `MAX_PERIOD_DAYS` after it ("to").
    """
    errors: dict[str, list[str]] = {}
    for field, moment in (("from", start), ("to", end)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            errors[field] = ["sertakan zona waktu / include a UTC offset"]
        elif not FIRST_YEAR <= moment.year <= LAST_YEAR:
            errors[field] = [f"tahun {FIRST_YEAR}..{LAST_YEAR} / year {FIRST_YEAR}..{LAST_YEAR}"]
    if not errors:
        if end <= start:
            errors["to"] = ["harus setelah 'from' / must be after 'from'"]
        elif end - start > timedelta(days=MAX_PERIOD_DAYS):
            errors["to"] = [
                f"paling lama {MAX_PERIOD_DAYS} hari setelah 'from' / at most "
                f"{MAX_PERIOD_DAYS} days after 'from'"
            ]
    if errors:
        raise InvalidInput("Periode tidak valid / invalid period", errors)


def reported_at(complaint: Instance) -> datetime:
    """When a complaint was reported: where its SLA clocks start, as the targets fixed
    it (the report of the request or monitoring it came from), else its start."""
    latest = (complaint.sla_history or {}).get("latest") or {}
    reported = _moment((latest.get("inputs") or {}).get(REPORTED_AT))
    return reported or complaint.started_at


def agreed_window(record: Instance) -> tuple[datetime, datetime] | None:
    """The agreed downtime window of a change or release, None when it has none: not
    scheduled, rejected, or a release plan not approved or announcing no downtime."""
    data = record.data or {}
    if record.process_model_id == RELEASE_MODEL:
        downtime = data.get(RELEASE_DOWNTIME)
        announced = isinstance(downtime, int) and not isinstance(downtime, bool) and downtime > 0
        if data.get(RELEASE_APPROVED) is not True or not announced:
            return None
        starts, ends = _moment(data.get(RELEASE_STARTS)), _moment(data.get(RELEASE_ENDS))
    else:
        if data.get(CHANGE_DECISION) == REFUSED:
            return None
        starts, ends = _moment(data.get(STARTS)), _moment(data.get(ENDS))
    if starts is None or ends is None or ends <= starts:
        return None
    return starts, ends


def _moment(value: object) -> datetime | None:
    """An aware moment written as ISO-8601 in an instance's data, else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class _SystemReader:
    """The system reads every record (`for_service` with no user): nobody is filtered."""

    def visible_clause(self, user: User) -> Any:
        """Never asked: the system reader is no user."""
        raise AssertionError("the system reader names no user")


def month_of(period: str, time_zone: str) -> tuple[datetime, datetime] | None:
    """The month "YYYY-MM" as ``[start, end)`` in `time_zone`; None when it is not one."""
    try:
        year, month = (int(part) for part in period.split("-"))
        start = datetime(year, month, 1, tzinfo=ZoneInfo(time_zone))
    except ValueError:
        return None
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=ZoneInfo(time_zone))
    return start, following


def report_figures(session: Session, clock: Clock, code: str, period: str) -> dict[str, Any]:
    """What the monitoring procedure's availability report shows of service `code` over
    the month `period` (`ketersediaan_layanan`, app/engine/script_context.py): the
    figures `AvailabilityService.for_service` computes, every record counted.

    Returns:
        `target_persen`, `tercapai_persen` (floored as `Availability.achieved`),
        `tercapai`, `waktu_henti_menit` (rounded to the hundredth) and `gangguan`; the
        first four None when the service or period is unknown or has no agreed time.
    """
    unmeasured = dict(UNMEASURED)
    service = session.scalar(select(Service).where(Service.code == code))
    if service is None:
        return unmeasured
    zone = scope_calendar(session, service.id, service.agency_id, clock.now()).time_zone
    month = month_of(period, zone)
    if month is None:
        return unmeasured
    try:
        measured = AvailabilityService(session, clock, _SystemReader()).for_service(
            code, None, *month
        )
    except (InvalidInput, NotFound):
        return unmeasured
    figures = measured.figures
    achieved = figures.achieved
    return {
        "target_persen": figures.target,
        "tercapai_persen": float(achieved) if achieved is not None else None,
        "tercapai": figures.met,
        "waktu_henti_menit": round(figures.outage_time.total_seconds() / 60, 2)
        if figures.agreed_time
        else None,
        "gangguan": figures.breaks,
    }
