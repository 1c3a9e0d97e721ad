"""SLA clocks of complaints and requests, and escalation when a deadline nears or passes.

Which instances have clocks (docs/bpmn-conventions.md, "SLA clocks and escalation"):
those about a service (`layanan`) whose data names an impact or urgency (`dampak`,
`urgensi`: a complaint) or a request type (`jenis_permintaan`: a request).

The clocks are derived, never counted: from the instance's events alone, folded as they
are recorded (app/services/deadlines/clock_history.py). Whenever what the targets depend
on changes (priority, service, urgency, the agency's scheme), `refresh` appends an
`sla_changed` event holding the new inputs and the targets then in force, with the
deadlines before and after; later edits of the reference tables do not move the deadlines
of complaints already filed. The instance columns (`priority`, `response_due_at`, ...)
are the latest reading, for lists.

The diagram's escalation timers read the `sla` variable this module keeps in the
workflow: the warning point and the deadline of each clock (far in the future when there
is none), re-armed whenever the reading changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.routing import role_holders
from app.engine.runtime import Runtime
from app.engine.script_context import ScriptContext
from app.engine.specs import ParsedModel
from app.models import (
    Agency,
    Event,
    Instance,
    InstanceStatus,
    Service,
    User,
)
from app.services.audit.events import record
from app.services.deadlines.availability import report_figures
from app.services.deadlines.calendars import scope_calendar
from app.services.deadlines.clock_history import (
    CLOSED_UNCONFIRMED,
    ESCALATED,
    REPORTED_AT,
    SLA_CHANGED,
    ClockHistory,
)
from app.services.deadlines.reference_tables import PRIORITY_TABLE, ReferenceService
from app.services.deadlines.service_targets import ServiceLevels, service_level_targets
from app.services.notifications.messages import MailConfig, NotificationService
from app.sla.calendar import ALWAYS_OPEN, WorkingCalendar, is_working_time
from app.sla.matrix import UnknownValue, normalise_priority
from app.sla.stopwatch import ClockReading, Pause, Target, read_clock, target_met
from app.sla.urgency import escalation_level

COMPLAINT = "aduan"
REQUEST = "permintaan"
#: The workflow variable the escalation timers read (docs/bpmn-conventions.md).
SLA_VARIABLE = "sla"
#: The due time an escalation timer gets when its clock has no deadline.
NEVER = "9999-12-31T23:59:59+00:00"
#: Impact to urgency, for agencies on the urgency scheme when the reporter gave none
#: (Tabel 11: urgency 1 affects all users, as a Mayor impact does).
URGENCY_OF_IMPACT = {"Mayor": 1, "Minor": 2}


def scripts_context(
    session: Session, clock: Clock, service_id: int | None, agency_id: int | None
) -> ScriptContext:
    """What an instance's scripts compute with now: its scope's calendar, Tabel 3 as it
    stands (an administrator's edit applies to the next step that reads it) and the
    availability of a service over a month, as its records give it now."""
    tables = ReferenceService(session, clock)

    def availability(service: str, period: str) -> dict[str, Any]:
        return report_figures(session, clock, service, period)

    return ScriptContext(
        calendar=scope_calendar(session, service_id, agency_id, clock.now()),
        table_3=lambda: (tables.table(PRIORITY_TABLE), tables.basis(PRIORITY_TABLE)),
        availability=availability,
    )


def push_variables(
    runtime: Runtime,
    clock: Clock,
    instance: Instance,
    model: ParsedModel,
    variables: dict[str, Any],
    context: ScriptContext,
) -> None:
    """Write facts the app learnt after a step into the workflow and the instance row."""
    state, next_timer = runtime.update_data(model, instance.state, variables, clock, context)
    instance.state = state
    instance.next_timer_at = next_timer
    instance.data = {**(instance.data or {}), **variables}


def _priority_basis(data: dict[str, Any], priority: str | None) -> str | None:
    """What decided a complaint's priority: the version of Tabel 3 the diagram's
    `prioritas_tabel_3` read (its `dasar_prioritas`), or a person who set another."""
    table = data.get("dasar_prioritas")
    if priority is None or not isinstance(table, str):
        return None
    given = data.get("prioritas_menurut_tabel_3")
    if given == priority:
        return table
    return f"petugas (menurut {table}: {given or '-'})"


def _reported_at(instance: Instance) -> datetime | None:
    """When the clocks of an instance started by a link start: the report the parent
    received (`waktu_laporan` in the link's payload), if it is a moment before this start.

    Only a link sets it: a start by hand always counts from the start, so nobody can
    move their own clocks.
    """
    text = (instance.data or {}).get(REPORTED_AT)
    if instance.parent_id is None or not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment > instance.started_at:
        return None
    return moment


def _clock_start(instance: Instance, inputs: dict[str, Any]) -> datetime:
    """Where the response and resolution clocks start: the report (see `_reported_at`),
    as the targets fixed it, else the instance's start."""
    reported = inputs.get(REPORTED_AT)
    return datetime.fromisoformat(reported) if reported else instance.started_at


def clock_kind(data: dict[str, Any]) -> str | None:
    """Tell which clocks an instance has: "aduan", "permintaan", or None for none."""
    if data.get("layanan") is None:
        return None
    if "dampak" in data or "urgensi" in data:
        return COMPLAINT
    if "jenis_permintaan" in data:
        return REQUEST
    return None


@dataclass
class SlaReport:
    """The clocks of one instance as read from its history, with their explanation."""

    kind: str
    inputs: dict[str, Any]
    response: ClockReading
    resolution: ClockReading
    rto: ClockReading | None
    warnings: list[str]
    changes: list[Event] = field(default_factory=list)
    escalations: list[Event] = field(default_factory=list)

    @property
    def priority(self) -> str | None:
        """The priority in force (P1-P6), if one was set."""
        return self.inputs.get("prioritas")

    def timer_values(self) -> dict[str, str]:
        """The `sla` workflow variable: warnings, warning points and deadlines (ISO-8601)."""

        def iso(moment: datetime | None) -> str:
            return moment.isoformat() if moment is not None else NEVER

        return {
            "peringatan": list(self.warnings),
            "respons_peringatan": iso(self.response.warning_at),
            "respons_batas": iso(self.response.due_at),
            "penyelesaian_peringatan": iso(self.resolution.warning_at),
            "penyelesaian_batas": iso(self.resolution.due_at),
        }


def _target_dict(target: Target) -> dict[str, Any]:
    return {
        "detik": None if target.duration is None else int(target.duration.total_seconds()),
        "dasar": target.basis,
        "hari_kerja_berikutnya": target.end_of_next_working_day,
    }


def _target(stored: dict[str, Any]) -> Target:
    seconds = stored.get("detik")
    return Target(
        None if seconds is None else timedelta(seconds=seconds),
        str(stored.get("dasar", "")),
        bool(stored.get("hari_kerja_berikutnya")),
    )


def sla_summary(instance: Instance, now: datetime) -> dict[str, Any] | None:
    """The `sla` object of api.md from the instance's columns; None when it has no clocks.

    Lists show it for every row, so it reads no events: the columns are the latest
    reading, and only "met" depends on `now` (a deadline passes without any event).
    """
    variable = (instance.data or {}).get(SLA_VARIABLE)
    if not isinstance(variable, dict):
        return None
    return {
        "priority": instance.priority,
        "response_due_at": instance.response_due_at,
        "resolution_due_at": instance.resolution_due_at,
        "responded_at": instance.responded_at,
        "resolved_at": instance.resolved_at,
        "response_met": target_met(instance.response_due_at, instance.responded_at, now),
        "resolution_met": target_met(instance.resolution_due_at, instance.resolved_at, now),
        "paused": instance.status == InstanceStatus.SUSPENDED,
        "warnings": list(variable.get("peringatan") or []),
    }


class SlaService:
    """Reads, refreshes and escalates the SLA clocks of instances."""

    def __init__(self, session: Session, clock: Clock, runtime: Runtime, mail: MailConfig) -> None:
        self.session = session
        self.clock = clock
        self.runtime = runtime
        self.mail = mail
        self.tables = ReferenceService(session, clock)

    # -- what the targets are ------------------------------------------------------------

    def _calendar(self, instance: Instance, at: datetime) -> WorkingCalendar:
        return scope_calendar(self.session, instance.service_id, instance.agency_id, at)

    def _inputs(self, instance: Instance, kind: str, service: Service) -> dict[str, Any]:
        """What the targets depend on, from the instance's current data and its PD."""
        data = instance.data or {}
        priority = data.get("prioritas") or None
        if kind == COMPLAINT and priority is not None:
            try:
                priority = normalise_priority(priority).value
            except UnknownValue:
                priority = None  # the form's enum prevents it; a script may not
        inputs = {
            "jenis": kind,
            "skema": service.agency.sla_scheme,
            "layanan": service.code,
            "prioritas": priority,
            "urgensi": data.get("urgensi") or URGENCY_OF_IMPACT.get(str(data.get("dampak"))),
            "jenis_permintaan": data.get("jenis_permintaan") if kind == REQUEST else None,
            "pendampingan_lokasi": bool(data.get("pendampingan_lokasi")),
        }
        reported = _reported_at(instance)
        if reported is not None:
            inputs[REPORTED_AT] = reported.isoformat()
        basis = _priority_basis(data, priority) if kind == COMPLAINT else None
        if basis is not None:
            # left out rather than null: complaints filed before priorities named their
            # table compare equal, so their targets are not fixed again
            inputs["dasar_prioritas"] = basis
        return inputs

    def _targets(
        self,
        instance: Instance,
        inputs: dict[str, Any],
        service: Service,
        calendar: WorkingCalendar,
    ) -> tuple[dict[str, Any], list[str]]:
        """The targets in force for `inputs` (`service_level_targets`: the service's own
        figures, else the reference tables), and warnings."""
        warnings: list[str] = []
        levels = service_level_targets(self.session, self.tables, service)
        if inputs["jenis"] == REQUEST:
            # Tabel 4 and Tabel 12 time responses to complaints ("aduan", "kendala"); a
            # request's own target is its type's fulfilment time (the catalog).
            response = Target(None, "target respons hanya untuk aduan / complaints only")
            resolution = levels.fulfilment_of(inputs["jenis_permintaan"])
        elif inputs["skema"] == "urgensi":
            urgency = inputs["urgensi"]
            if urgency is None:
                response = Target(None, "menunggu penetapan urgensi / urgency not set yet")
            else:
                response = levels.response(
                    urgency,
                    in_working_hours=is_working_time(_clock_start(instance, inputs), calendar),
                    on_site_support=inputs["pendampingan_lokasi"],
                )
            resolution = levels.resolution(urgency)
        else:
            response = self._priority_response(
                levels, inputs["prioritas"], inputs.get("dasar_prioritas")
            )
            resolution = levels.resolution(inputs["prioritas"])
            if not resolution.is_set:
                warnings.append(
                    f"Tidak ada target penyelesaian ({resolution.basis}); administrator perlu "
                    "menetapkannya / no resolution target: an administrator must set one"
                )
        targets = {"respons": _target_dict(response), "penyelesaian": _target_dict(resolution)}
        if service.classification == "Kritis" and service.rto_minutes:
            rto = Target(
                timedelta(minutes=service.rto_minutes), f"RTO layanan {service.rto_minutes} menit"
            )
            targets["rto"] = _target_dict(rto)
        return targets, warnings

    @staticmethod
    def _priority_response(
        levels: ServiceLevels, priority: str | None, basis: str | None
    ) -> Target:
        if priority is None:
            return Target(None, "menunggu penetapan prioritas / priority not set yet")
        target = levels.response(priority)
        decided = f"; prioritas dari {basis}" if basis else ""
        return Target(target.duration, f"{target.basis}{decided}")

    # -- reading from the history --------------------------------------------------------

    def history(self, instance: Instance) -> list[Event]:
        """The instance's events, those of the transaction in progress included.

        Read without flushing, so that a transition's changes reach the database in one
        flush at commit rather than one before and one after this read.
        """
        with self.session.no_autoflush:
            stored = list(
                self.session.scalars(
                    select(Event).where(Event.instance_id == instance.id).order_by(Event.id)
                )
            )
        pending = [
            o for o in self.session.new if isinstance(o, Event) and o.instance_id == instance.id
        ]
        return stored + sorted(pending, key=lambda e: e.at)

    def clock_history(self, instance: Instance) -> ClockHistory:
        """The instance's folded history: stored, or folded from the whole log once (an
        instance recorded before the column existed), then kept current by `record`."""
        if instance.sla_history is None:
            instance.sla_history = ClockHistory.of_events(self.history(instance)).to_json()
        return ClockHistory.from_json(instance.sla_history)

    def read(self, instance: Instance) -> SlaReport | None:
        """The clocks with the changes and escalations behind them, from the whole log,
        at the platform clock's now; None if unclocked. For pages that explain them."""
        events = self.history(instance)
        report = self._report(instance, ClockHistory.of_events(events))
        if report is not None:
            report.changes = [e for e in events if e.kind == SLA_CHANGED]
            report.escalations = [e for e in events if e.kind == ESCALATED]
        return report

    def _report(
        self, instance: Instance, history: ClockHistory, explained: bool = True
    ) -> SlaReport | None:
        """The clocks as `history` says, at the platform clock's now; None if unclocked.
        `explained`: with each clock's explanation (see `read_clock`)."""
        latest = history.latest
        if latest is None:
            return None
        now = self.clock.now()
        calendar = self._calendar(instance, instance.started_at)
        pauses = history.pause_list()
        fraction = self._warning_fraction(instance)
        targets = latest["targets"]
        started = _clock_start(instance, latest["inputs"])

        def clock(
            name: str,
            started: datetime,
            stopped: datetime | None,
            cal: WorkingCalendar,
            paused: Sequence[Pause],
        ) -> ClockReading:
            return read_clock(
                name,
                started,
                _target(targets[name]),
                cal,
                now,
                pauses=paused,
                stopped_at=stopped,
                warning_fraction=fraction,
                explained=explained,
            )

        rto = None
        if history.activated is not None and "rto" in targets:
            rto = clock("rto", history.activated, history.restored, ALWAYS_OPEN, ())
        return SlaReport(
            kind=latest["inputs"]["jenis"],
            inputs=latest["inputs"],
            response=clock("respons", started, history.responded, calendar, pauses),
            resolution=clock("penyelesaian", started, history.resolved, calendar, pauses),
            rto=rto,
            warnings=list(latest.get("peringatan", [])),
        )

    def _warning_fraction(self, instance: Instance) -> float:
        agency = instance.service.agency if instance.service is not None else None
        if agency is None and instance.agency_id is not None:
            agency = self.session.get(Agency, instance.agency_id)
        percent = agency.escalation_warning_percent if agency is not None else 75
        return percent / 100

    # -- keeping it current --------------------------------------------------------------

    def refresh(self, instance: Instance, model: ParsedModel, actor: User | None) -> None:
        """Bring the clocks up to date after a transition, in the caller's transaction.

        Appends `sla_changed` when the inputs changed, writes the reading into
        the instance columns, and re-arms the escalation timers when the warning points or
        deadlines moved.
        """
        kind = clock_kind(instance.data or {})
        if kind is None or instance.service is None:
            return
        calendar = self._calendar(instance, instance.started_at)
        inputs = self._inputs(instance, kind, instance.service)
        history = self.clock_history(instance)
        if history.latest is None or history.latest["inputs"] != inputs:
            # Targets are fixed when their inputs change: a later edit of a reference
            # table applies to new reports, not to deadlines already given.
            targets, warnings = self._targets(instance, inputs, instance.service, calendar)
            before = self._report(instance, history, explained=False)
            change = record(
                self.session,
                instance,
                SLA_CHANGED,
                self.clock.now(),
                actor,
                data={"inputs": inputs, "targets": targets, "peringatan": warnings},
            )
            # With the change; the refresh keeps moments and verdicts, not explanations.
            report = self._report(instance, self.clock_history(instance), explained=False)
            assert report is not None  # the event just recorded makes it clocked
            change.data = {
                **change.data,
                "sebelum": before.timer_values() if before else None,
                "sesudah": report.timer_values(),
            }
        else:
            report = self._report(instance, history, explained=False)
        assert report is not None
        instance.priority = report.priority
        instance.response_due_at = report.response.due_at
        instance.resolution_due_at = report.resolution.due_at
        instance.responded_at = report.response.stopped_at
        instance.resolved_at = report.resolution.stopped_at
        values = report.timer_values()
        open_ = instance.status not in (InstanceStatus.COMPLETE, InstanceStatus.TERMINATED)
        if open_ and (instance.data or {}).get(SLA_VARIABLE) != values:
            context = scripts_context(
                self.session, self.clock, instance.service_id, instance.agency_id
            )
            push_variables(
                self.runtime, self.clock, instance, model, {SLA_VARIABLE: values}, context
            )

    def after_step(
        self, instance: Instance, model: ParsedModel, fired: Sequence[str], actor: User | None
    ) -> None:
        """After an engine step: escalate for the boundary timers that fired, note a case
        closed unconfirmed, then bring the clocks up to date."""
        if fired:
            self.escalate(instance, model, fired)
            if model.closes_unconfirmed.intersection(fired):
                record(self.session, instance, CLOSED_UNCONFIRMED, self.clock.now(), None)
        self.refresh(instance, model, actor)

    def escalate(self, instance: Instance, model: ParsedModel, fired: Sequence[str]) -> None:
        """Record and announce the escalations among the boundary timers that fired.

        A clock escalates to a level once: a later task's timer for the same clock and
        level (the resolution clock spans several tasks) adds nothing.
        """
        done = set(self.clock_history(instance).escalated)
        report = None
        for bpmn_id in fired:
            escalation = model.escalations.get(bpmn_id)
            if escalation is None or (escalation.clock, escalation.level) in done:
                continue
            done.add((escalation.clock, escalation.level))
            report = report or self._report(instance, self.clock_history(instance))
            level = escalation_level(escalation.level, self.tables.table("skema-urgensi"))
            now = self.clock.now()
            recipients = sorted(
                {
                    name
                    for role in level.roles
                    for name in role_holders(
                        self.session, role, instance.service_id, instance.agency_id, now
                    )
                }
            )
            reading = None
            if report is not None:
                reading = report.response if escalation.clock == "respons" else report.resolution
            due = reading.due_at.isoformat() if reading and reading.due_at else None
            record(
                self.session,
                instance,
                ESCALATED,
                now,
                None,
                data={
                    "clock": escalation.clock,
                    "level": escalation.level,
                    "element": bpmn_id,
                    "roles": list(level.roles),
                    "recipients": recipients,
                    "due_at": due,
                },
            )
            clock_name = "respons" if escalation.clock == "respons" else "penyelesaian"
            NotificationService(self.session, self.clock, self.mail).notify(
                recipients,
                "escalation",
                f"Eskalasi level {escalation.level}: #{instance.id} ({clock_name})",
                f"Waktu {clock_name} permohonan #{instance.id} "
                + (f"jatuh tempo {due}" if due else "tanpa batas waktu")
                + f". Anda menerima eskalasi level {escalation.level} (Tabel 14).",
                f"/api/v1/process-instances/{instance.id}",
                instance,
            )
