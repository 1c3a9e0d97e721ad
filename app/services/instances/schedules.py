"""Periodic procedures: the monthly incident review and monitoring report, the yearly
availability plan, the evaluation per semester (issue 4), configured per agency.

A schedule names a procedure, a cycle and the next start; `spbe tick` and `spbe worker`
start what is due, as the schedule's owner, with the period's label in `periode`, by
firing the procedure's timer start event (app/engine/timer_start.py). Only a procedure
whose diagram has one can be scheduled; its `timeCycle` is the default cycle, which each
PD's schedule may change.
"""

from __future__ import annotations

import calendar as month_calendar
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.forms import validate_form
from app.engine.timer_start import CYCLES
from app.errors import DomainError, InvalidInput, NotFound
from app.models import Agency, Schedule, User
from app.services.accounts.permissions import ADMINISTER, require
from app.services.accounts.users import AccountService
from app.services.audit.events import audit
from app.services.catalog.services import AGENCY_FIELD, SERVICE_FIELD
from app.services.instances.lifecycle import InstanceService
from app.services.instances.races import lost_race_is_conflict
from app.services.ports import Specs
from app.services.process_models.deploy import DeployService

log = logging.getLogger(__name__)

PERIOD_FIELD = "periode"


def advance(moment: datetime, cycle: str, zone: ZoneInfo) -> datetime:
    """`moment` moved on by one cycle in local time (the 31st becomes the month's last day)."""
    months, days = CYCLES[cycle]
    local = moment.astimezone(zone) + timedelta(days=days)
    if months:
        month_index = local.month - 1 + months
        year, month = local.year + month_index // 12, month_index % 12 + 1
        day = min(local.day, month_calendar.monthrange(year, month)[1])
        local = local.replace(year=year, month=month, day=day)
    return local.astimezone(moment.tzinfo)


def period_label(moment: datetime, cycle: str, zone: ZoneInfo, period: str = "previous") -> str:
    """The period a start at `moment` is for, by the timer start's `schedulePeriod`.

    "previous": the one that ended the day before; reviews, reports and evaluations look
    back, so a start on 1 July 2026 is for 2026-S1 and one on 1 December for 2026-11.
    "next": the first one beginning on or after that day; a plan looks ahead, so a yearly
    plan started on 1 October 2026 (or 1 January 2027) is for 2027.
    Labels: 2026-W48, 2026-11, 2026-T3, 2026-S1, 2026.
    """
    day = moment.astimezone(zone).date()
    if period == "previous":
        return _label(day - timedelta(days=1), cycle)
    if cycle == "P1W":
        return _label(day + timedelta(days=(7 - day.weekday()) % 7), cycle)
    months = CYCLES[cycle][0]
    month_index = day.year * 12 + day.month - 1
    if day.day != 1 or month_index % months:
        month_index += months - month_index % months
    return _label(date(month_index // 12, month_index % 12 + 1, 1), cycle)


def _label(day: date, cycle: str) -> str:
    """The label of the period of `cycle` that holds `day`."""
    if cycle == "P1W":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if cycle == "P1M":
        return f"{day.year}-{day.month:02d}"
    if cycle == "P3M":
        return f"{day.year}-T{(day.month - 1) // 3 + 1}"
    if cycle == "P6M":
        return f"{day.year}-S{(day.month - 1) // 6 + 1}"
    return str(day.year)


@dataclass(frozen=True)
class Started:
    """One periodic start a tick made."""

    schedule_id: int
    instance_id: int
    period: str


class ScheduleService:
    """Admin Sistem configures schedules; the worker fires them."""

    def __init__(
        self, session: Session, clock: Clock, specs: Specs, actor: User | None = None
    ) -> None:
        self.session = session
        self.clock = clock
        self.specs = specs
        self.actor = actor
        self.accounts = AccountService(session, clock, actor)

    @staticmethod
    def _zone(schedule: Schedule) -> ZoneInfo:
        return ZoneInfo(schedule.agency.timezone if schedule.agency else "Asia/Jakarta")

    def facts(self, schedule: Schedule) -> dict[str, Any]:
        """A schedule as plain values (codes and usernames)."""
        return {
            "id": schedule.id,
            "process_model_id": schedule.process_model_id,
            "agency": schedule.agency.code if schedule.agency else None,
            "cycle": schedule.cycle,
            "next_at": schedule.next_at,
            "owner": schedule.owner.username,
            "start_data": schedule.start_data,
            "active": schedule.active,
        }

    def _logged(self, schedule: Schedule) -> dict[str, Any]:
        return {**self.facts(schedule), "next_at": schedule.next_at.isoformat()}

    def all(self) -> list[Schedule]:
        """Every schedule, soonest first."""
        return list(self.session.scalars(select(Schedule).order_by(Schedule.next_at, Schedule.id)))

    def get(self, schedule_id: int) -> Schedule:
        """One schedule.

        Raises:
            NotFound: no such schedule.
        """
        schedule = self.session.get(Schedule, schedule_id)
        if schedule is None:
            raise NotFound(f"Jadwal {schedule_id} tidak ada / no schedule {schedule_id}")
        return schedule

    def create(
        self,
        process_model_id: str,
        cycle: str | None,
        next_at: datetime,
        owner: str,
        agency_code: str | None = None,
        start_data: dict[str, Any] | None = None,
    ) -> Schedule:
        """Add a schedule (Admin Sistem), checking its start data against the start form.

        `cycle` None takes the cycle the diagram's timer start event declares.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: unknown model, agency or owner.
            InvalidInput: a model without a timer start event, an unknown cycle, or start
                data the start form refuses.
        """
        require(self.session, self.actor, ADMINISTER)
        deployments = DeployService(self.session, self.clock, self.specs)
        model = deployments.parsed(deployments.latest(process_model_id).id)
        if model.timer_start is None:
            raise InvalidInput(
                "Prosedur ini tidak punya start event timer / this procedure has no timer "
                "start event",
                {"process_model_id": ["no timer start event"]},
            )
        cycle = cycle or model.timer_start.cycle
        if cycle not in CYCLES:
            raise InvalidInput(
                "Siklus tidak dikenal / unknown cycle",
                {"cycle": [f"salah satu dari {', '.join(CYCLES)} / one of them"]},
            )
        agency = None
        if agency_code is not None:
            agency = self.session.scalar(select(Agency).where(Agency.code == agency_code))
            if agency is None:
                raise NotFound(f"PD {agency_code} tidak ada / no agency {agency_code}")
        data = dict(start_data or {})
        schema = model.form_schema(model.start_form)
        if schema is not None:
            zone = ZoneInfo(agency.timezone if agency is not None else "Asia/Jakarta")
            label = period_label(next_at, cycle, zone, model.timer_start.period)
            # As it will start: scoped to the schedule's PD, with its period.
            sample = {**_scoped(data, agency), PERIOD_FIELD: label}
            errors = validate_form(schema, sample)
            if errors:
                raise InvalidInput("Data awal tidak valid / invalid start data", errors)
        schedule = Schedule(
            process_model_id=process_model_id,
            agency=agency,
            cycle=cycle,
            next_at=next_at,
            owner=self.accounts.by_username(owner),
            start_data=data,
            active=True,
            created_at=self.clock.now(),
        )
        self.session.add(schedule)
        self.session.flush()
        audit(
            self.session,
            self.actor,
            "schedule_created",
            schedule.created_at,
            self._logged(schedule),
        )
        return schedule

    def set_active(self, schedule_id: int, active: bool) -> Schedule:
        """Pause or resume a schedule (Admin Sistem)."""
        require(self.session, self.actor, ADMINISTER)
        schedule = self.get(schedule_id)
        schedule.active = active
        audit(
            self.session,
            self.actor,
            "schedule_resumed" if active else "schedule_paused",
            self.clock.now(),
            {"id": schedule.id},
        )
        return schedule

    def delete(self, schedule_id: int) -> None:
        """Remove a schedule (Admin Sistem); instances it started stay."""
        require(self.session, self.actor, ADMINISTER)
        schedule = self.get(schedule_id)
        audit(
            self.session,
            self.actor,
            "schedule_deleted",
            self.clock.now(),
            self._logged(schedule),
        )
        self.session.delete(schedule)

    # -- the worker ----------------------------------------------------------------------

    def due_ids(self) -> list[int]:
        """Active schedules due now (a snapshot; each is re-checked under lock)."""
        now = self.clock.now()
        return list(
            self.session.scalars(
                select(Schedule.id)
                .where(Schedule.active.is_(True), Schedule.next_at <= now)
                .order_by(Schedule.next_at)
            )
        )


def _scoped(start_data: dict[str, Any], agency: Agency | None) -> dict[str, Any]:
    """A schedule's start data, scoped to its PD when it names no service or PD."""
    data = dict(start_data)
    if agency is not None and not ({SERVICE_FIELD, AGENCY_FIELD} & data.keys()):
        data[AGENCY_FIELD] = agency.code
    return data


def _looks(deployments: DeployService, schedule: Schedule) -> str:
    """Which period the schedule's procedure starts for (its timer start's property)."""
    timer = deployments.parsed(deployments.latest(schedule.process_model_id).id).timer_start
    return timer.period if timer is not None else "previous"


def fire_due_schedules(
    sessions: Callable[[], Session], instances_for: Callable[[Session], InstanceService]
) -> list[Started]:
    """Start every due periodic procedure, each in its own transaction.

    A schedule missed for several cycles (the worker was down) starts once, for the
    period now due, and moves past the missed ones. Several workers may run at once:
    the row is locked with SKIP LOCKED, so nothing starts twice.

    Args:
        sessions: opens a session (one per schedule).
        instances_for: the instance service for a session (`Platform.instances`).
    """
    with sessions() as session:
        probe = instances_for(session)
        ids = ScheduleService(session, probe.clock, probe.specs).due_ids()
    started: list[Started] = []
    for schedule_id in ids:
        with sessions() as session, session.begin(), lost_race_is_conflict():
            instances = instances_for(session)
            now = instances.clock.now()
            schedule = session.scalar(
                select(Schedule)
                .where(
                    Schedule.id == schedule_id, Schedule.active.is_(True), Schedule.next_at <= now
                )
                .with_for_update(skip_locked=True)
            )
            if schedule is None:
                continue
            zone = ScheduleService._zone(schedule)
            due = schedule.next_at
            while advance(due, schedule.cycle, zone) <= now:  # skip the missed cycles
                due = advance(due, schedule.cycle, zone)
            period = period_label(
                due, schedule.cycle, zone, _looks(instances.deployments, schedule)
            )
            data = {**_scoped(schedule.start_data, schedule.agency), PERIOD_FIELD: period}
            instance = None
            try:
                with session.begin_nested():  # a failed start leaves nothing behind
                    instance = instances.start(
                        schedule.process_model_id, data, schedule.owner, schedule_id=schedule.id
                    )
            except DomainError as err:
                log.warning("schedule %s could not start: %s", schedule.id, err.message)
                audit(
                    session,
                    None,
                    "schedule_failed",
                    now,
                    {"id": schedule.id, "period": period, "error": err.message},
                )
            schedule.next_at = advance(due, schedule.cycle, zone)
            if instance is not None:
                started.append(Started(schedule.id, instance.id, period))
    return started
