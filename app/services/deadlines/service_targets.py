"""The targets in force for one service: its own figures, else the reference tables.

`service_level_targets` is the one place that decides which target a service's clocks
run to. The SLA clocks (`service_levels.SlaService`), the catalog's API and pages, and
the SLA document all read it, so what the catalog shows is what the clocks apply.

Per level, the service's own figure (`Service.targets`, `app.sla.service_targets`) wins;
without one, the table in force gives it, as before per-service figures existed:

- a PD on the priority scheme: response by priority from Tabel 4, resolution from Tabel 2
  by the service's group and classification (the same for every priority);
- a PD on the urgency scheme: response by Tabel 12's rules (in working hours, outside them,
  on-site support), resolution by urgency from Tabel 13. A service's own response figure
  replaces the rules for reports in and outside working hours; on-site support keeps its
  own rule, which times a visit rather than an answer;
- a request: its type's fulfilment target (`RequestType.fulfilment_hours`, the catalog).

Why the service's figures are a JSON column of `service` and not a table of their own:
the clocks already hold the service's row (read once per process under the change stamp,
`catalog.codes.service_by_code`), so its figures come with it and timing a case costs no
statement more (bench/statements.py); the figures are validated and replaced as a whole
with the catalog entry and audited with it; and a service sets at most nine levels per
clock, which nothing queries across services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from app.models import Service
from app.services.catalog.codes import catalog_codes
from app.services.deadlines.reference_tables import ReferenceService
from app.sla.matrix import Priority, normalise_priority
from app.sla.service_targets import (
    PRIORITY_LEVELS,
    URGENCY_LEVELS,
    ServiceTargets,
    urgency_level,
)
from app.sla.stopwatch import Target
from app.sla.targets import resolution_target, response_target
from app.sla.urgency import (
    ResponseCondition,
    Urgency,
    normalise_urgency,
    urgency_resolution_target,
    urgency_response_rule,
)

#: The PD's scheme (`Agency.sla_scheme`) that times complaints by urgency (Tabel 11-14).
URGENCY_SCHEME = "urgensi"
#: Where the tables leave a Layanan Publik / Normal service without a resolution target.
NOT_SET = "tidak diatur regulasi / not set"


def hours_text(duration: timedelta) -> str:
    """A duration as the bases of targets write it: "90 menit", and "2.5 jam" from two hours."""
    minutes = int(duration.total_seconds() // 60)
    return f"{minutes} menit" if minutes < 120 else f"{minutes / 60:g} jam"


@dataclass(frozen=True)
class LevelTargets:
    """The response and resolution targets of one priority or urgency, as in force.

    Attributes:
        level: "P1".."P6" or "Tinggi", "Sedang", "Rendah".
        response: The response target; for the urgency scheme without the service's own
            figure, Tabel 12's rule for a report in working hours
            (`ServiceLevels.response_rules` has the others).
        resolution: The resolution target.
        own_response: Whether `response` is the service's own figure.
        own_resolution: Whether `resolution` is.
    """

    level: str
    response: Target
    resolution: Target
    own_response: bool
    own_resolution: bool


@dataclass(frozen=True)
class FulfilmentTarget:
    """A request type's fulfilment target."""

    code: str
    name: str
    target: Target


class ServiceLevels:
    """Every target of one service, as the clocks apply them and the catalog shows them.

    Each answer is worked out when asked, so a clock that needs one target reads no table
    it does not use (a request's fulfilment reads none).

    Attributes:
        service: The service, its PD loaded.
        own: The figures the service itself agreed (empty: the tables throughout).
    """

    def __init__(
        self, session: Session, tables: ReferenceService, service: Service, own: ServiceTargets
    ) -> None:
        """Answer for `service` with its figures `own`, else the `tables` in force."""
        self._session = session
        self._tables = tables
        self.service = service
        self.own = own

    @property
    def scheme(self) -> str:
        """The PD's scheme, "prioritas" (Tabel 2-4) or "urgensi" (Tabel 11-14)."""
        return self.service.agency.sla_scheme

    @property
    def _urgency(self) -> bool:
        return self.scheme == URGENCY_SCHEME

    def _named(self, level: object) -> tuple[str, Priority | Urgency]:
        if self._urgency:
            urgency = normalise_urgency(level)
            return urgency_level(urgency), urgency
        priority = normalise_priority(level)
        return priority.value, priority

    def response(
        self, level: object, *, in_working_hours: bool = True, on_site_support: bool = False
    ) -> Target:
        """The response target of a complaint at `level` (a priority, or an urgency on the
        urgency scheme), reported in or outside working hours, needing on-site support or
        not (the last two matter only where Tabel 12's rules apply).

        Raises:
            UnknownValue: `level` is not a level of the PD's scheme.
        """
        name, key = self._named(level)
        figure = self.own.response.get(name)
        code = self.service.code
        if isinstance(key, Urgency):
            rule = urgency_response_rule(
                key,
                in_working_hours=in_working_hours,
                on_site_support=on_site_support,
                scheme=self._tables.table("skema-urgensi"),
            )
            if figure is not None and rule.condition is not ResponseCondition.ON_SITE_SUPPORT:
                return Target(
                    figure.duration,
                    f"Target layanan {code}: urgensi {int(key)} ({name}) respons dalam {figure}",
                )
            basis = f"Tabel 12: {rule.description}"
            if rule.duration is None:
                return Target(None, basis, end_of_next_working_day=True)
            return Target(rule.duration, basis)
        if figure is not None:
            return Target(figure.duration, f"Target layanan {code}: {name} < {figure}")
        duration = response_target(key, self._tables.table("target-respons"))
        return Target(duration, f"Tabel 4: {name} < {hours_text(duration)}")

    def resolution(self, level: object | None) -> Target:
        """The resolution target of a complaint at `level`; None: the level is not set yet,
        which on the priority scheme still gives Tabel 2's target of the service.

        Raises:
            UnknownValue: `level` is not a level of the PD's scheme.
        """
        if level is None and self._urgency:
            return Target(None, "menunggu penetapan urgensi / urgency not set yet")
        code = self.service.code
        if level is not None:
            name, key = self._named(level)
            figure = self.own.resolution.get(name)
            if isinstance(key, Urgency):
                if figure is not None:
                    return Target(
                        figure.duration,
                        f"Target layanan {code}: urgensi {int(key)} ({name}) dalam {figure}",
                    )
                duration = urgency_resolution_target(key, self._tables.table("skema-urgensi"))
                return Target(
                    duration, f"Tabel 13: urgensi {int(key)} dalam {hours_text(duration)}"
                )
            if figure is not None:
                return Target(figure.duration, f"Target layanan {code}: {name} < {figure}")
        group, classification = self.service.group, self.service.classification
        cell = resolution_target(group, classification, self._tables.table("target-penyelesaian"))
        where = f"Tabel 2: Layanan {group} / {classification}"
        if cell.duration is None:
            return Target(None, f"{where}: {NOT_SET}")
        return Target(cell.duration, f"{where} < {hours_text(cell.duration)}")

    def fulfilment_of(self, type_code: object) -> Target:
        """The fulfilment target of a request of type `type_code` (none: no such type, or
        a type without one)."""
        facts = catalog_codes(self._session).request_types.get((self.service.code, str(type_code)))
        if facts is None or not facts.fulfilment_hours:
            return Target(None, "jenis permintaan tanpa target pemenuhan / no fulfilment target")
        duration = timedelta(hours=facts.fulfilment_hours)
        return Target(duration, f"Target pemenuhan {facts.name}: {hours_text(duration)}")

    @property
    def levels(self) -> tuple[LevelTargets, ...]:
        """Each level of the PD's scheme with its targets, most urgent first; on the
        urgency scheme the response is the rule for a report in working hours."""
        names = URGENCY_LEVELS if self._urgency else PRIORITY_LEVELS
        return tuple(
            LevelTargets(
                level=name,
                response=self.response(name),
                resolution=self.resolution(name),
                own_response=name in self.own.response,
                own_resolution=name in self.own.resolution,
            )
            for name in names
        )

    @property
    def response_rules(self) -> tuple[str, ...]:
        """Tabel 12's rules as the regulation words them, on the urgency scheme (else none):
        what applies where the service has no response figure of its own."""
        if not self._urgency:
            return ()
        return tuple(
            rule.description for rule in self._tables.table("skema-urgensi").response_rules
        )

    @property
    def fulfilment(self) -> tuple[FulfilmentTarget, ...]:
        """Each request type of the service with its fulfilment target, by code."""
        types = catalog_codes(self._session).request_types
        return tuple(
            FulfilmentTarget(code, types[service_code, code].name, self.fulfilment_of(code))
            for service_code, code in sorted(types)
            if service_code == self.service.code
        )

    @property
    def availability_target(self) -> float | None:
        """The catalog's availability target in percent, if set."""
        return self.service.availability_target

    @property
    def support_hours(self) -> str:
        """The support hours: "24x7", or "kalender" (the PD's working calendar)."""
        return self.service.support_hours

    def summary(self) -> str:
        """The targets in one text, for the catalog's "Target pelayanan pengguna"
        (exports, the API's `user_service_target`): derived, so it cannot disagree."""
        parts = [
            f"{row.level}: respons {_shown(row.response)}, penyelesaian {_shown(row.resolution)}"
            for row in self.levels
        ]
        parts += [f"pemenuhan {item.name}: {_shown(item.target)}" for item in self.fulfilment]
        if self.availability_target is not None:
            parts.append(f"ketersediaan {self.availability_target:g}%")
        parts.append(f"waktu layanan {self.support_hours}")
        return "; ".join(parts)


def _shown(target: Target) -> str:
    if target.end_of_next_working_day:
        return "hari kerja berikutnya"
    if target.duration is None:
        return "-"
    return hours_text(target.duration)


def own_targets(service: Service) -> ServiceTargets:
    """The figures `service` agreed itself, as stored (validated when they were saved).

    Raises:
        TargetsInvalid: The column holds figures that no longer pass the checks (an edit
            outside the catalog), rather than timing a case by them.
    """
    return ServiceTargets.from_json(service.targets)


def service_level_targets(
    session: Session, tables: ReferenceService, service: Service
) -> ServiceLevels:
    """The targets in force for `service`: its own figures, else the tables in force.

    The one function the SLA clocks, the catalog and the SLA document read targets
    through. It sends no statement of its own beyond what each answer needs: the service
    row (with its PD) is the caller's, the tables are kept for the session
    (`ReferenceService`) and the request types per process under the change stamp
    (`catalog_codes`).

    Args:
        session: The caller's session (for the catalog's request types).
        tables: The reference tables in force.
        service: The service, its PD loaded.

    Raises:
        TargetsInvalid: The service's stored figures are invalid (see `own_targets`).
    """
    return ServiceLevels(session, tables, service, own_targets(service))
