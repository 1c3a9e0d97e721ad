"""Supervisors' process tracking: the instance list and everything one instance page shows.

The list pages by seeking on the primary key (newest first) instead of OFFSET, and never
counts the whole result: at hundreds of thousands of instances a page costs what its
rows cost. Who sees what is `InstanceService.visible_clause`, exactly as the API's list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.engine.progress import ElementProgress, element_progress
from app.engine.routing import role_holders
from app.engine.runtime import Runtime
from app.models import (
    REQUESTER_LANE,
    Agency,
    Event,
    Instance,
    InstanceStatus,
    ProcessModelVersion,
    Service,
    Task,
    User,
)
from app.services.accounts.permissions import READ_RAW_DATA, holds
from app.services.deadlines.met import running_late
from app.services.deadlines.service_levels import SlaReport
from app.services.instances.lifecycle import InstanceService
from app.services.instances.personal_data import ShownEvent
from app.services.instances.record import CaseRecord, RecordSection
from app.services.notifications.messages import MailConfig
from app.services.ports import Specs
from app.services.process_models.deploy import DeployService

#: Statuses whose clocks still run, so a passed deadline makes them overdue.
RUNNING_CLOCKS = (InstanceStatus.RUNNING, InstanceStatus.WAITING)
PAGE_SIZE = 25


@dataclass(frozen=True)
class InstanceFilter:
    """What the list is narrowed to; empty fields do not filter.

    `started_from` is inclusive and `started_before` exclusive, both aware datetimes
    (the page turns the dates a person picks into them in the PD's time zone).
    """

    process_model_id: str | None = None
    status: str | None = None
    agency_id: int | None = None
    service_id: int | None = None
    priority: str | None = None
    overdue: bool = False
    started_from: datetime | None = None
    started_before: datetime | None = None
    reference: str | None = None


@dataclass
class InstanceSlice:
    """One page of the list, with the cursors of its neighbours (None: no such page)."""

    items: list[Instance]
    newer: int | None = None  # pass as `before` for the previous page
    older: int | None = None  # pass as `after` for the next page


@dataclass
class OpenTask:
    """An open user task with whom a supervisor may hand it to."""

    task: Task
    reassignable: bool
    choices: list[str] = field(default_factory=list)


@dataclass
class InstanceView:
    """Everything the instance page shows, read once."""

    instance: Instance
    version: ProcessModelVersion
    progress: ElementProgress
    element_names: dict[str, str]
    tasks: list[OpenTask]
    #: The history as the reader may see it (personal data masked where needed).
    events: list[Event | ShownEvent]
    sla: SlaReport | None
    parent: Instance | None
    children: list[Instance]
    may_supervise: bool
    #: What the completed steps submitted, as the reader reads it (record.py).
    record: list[RecordSection]
    #: Whether the reader also sees the data and history as stored (`READ_RAW_DATA`).
    raw_data: bool


class TrackingService:
    """Read side of supervision: lists and instance views, no changes."""

    def __init__(
        self, session: Session, clock: Clock, specs: Specs, runtime: Runtime, mail: MailConfig
    ) -> None:
        self.session = session
        self.clock = clock
        self.specs = specs
        self.instances = InstanceService(session, clock, specs, runtime, mail)

    # -- the list ----------------------------------------------------------------------

    def _conditions(self, user: User, filters: InstanceFilter) -> list[Any]:
        conditions: list[Any] = [self.instances.visible_clause(user)]
        if filters.reference:
            conditions.append(
                Instance.reference.startswith(filters.reference.strip().upper(), autoescape=True)
            )
        for column, value in (
            (Instance.process_model_id, filters.process_model_id),
            (Instance.status, filters.status),
            (Instance.agency_id, filters.agency_id),
            (Instance.service_id, filters.service_id),
            (Instance.priority, filters.priority),
        ):
            if value is not None and value != "":
                conditions.append(column == value)
        if filters.started_from is not None:
            conditions.append(Instance.started_at >= filters.started_from)
        if filters.started_before is not None:
            conditions.append(Instance.started_at < filters.started_before)
        if filters.overdue:
            conditions.append(overdue_clause(self.clock.now()))
        return conditions

    def page(
        self,
        user: User,
        filters: InstanceFilter,
        after: int | None = None,
        before: int | None = None,
        size: int = PAGE_SIZE,
    ) -> InstanceSlice:
        """A page of the instances `user` may see, newest first.

        Args:
            after: show the instances older than this id (the next page).
            before: show the instances newer than this id (the previous page).
            size: rows per page; one more is read to know whether a page follows.
        """
        query = select(Instance).where(*self._conditions(user, filters))
        query = query.options(
            selectinload(Instance.service), selectinload(Instance.started_by)
        ).limit(size + 1)
        if before is not None:
            rows = list(
                self.session.scalars(query.where(Instance.id > before).order_by(Instance.id))
            )
            more_newer = len(rows) > size
            items = list(reversed(rows[:size]))
            return InstanceSlice(
                items,
                newer=items[0].id if items and more_newer else None,
                older=items[-1].id if items else None,
            )
        if after is not None:
            query = query.where(Instance.id < after)
        rows = list(self.session.scalars(query.order_by(Instance.id.desc())))
        items = rows[:size]
        return InstanceSlice(
            items,
            newer=items[0].id if items and after is not None else None,
            older=items[-1].id if len(rows) > size else None,
        )

    def options(self) -> dict[str, Any]:
        """What the list's filters offer: procedures, and PDs and services as
        (id, code, name), by name."""
        deployments = DeployService(self.session, self.clock, self.specs)
        return {
            "procedures": {model.id: model.name for model, _ in deployments.models()},
            "agencies": [
                (row[0], row[1], row[2])
                for row in self.session.execute(
                    select(Agency.id, Agency.code, Agency.name).order_by(Agency.name)
                )
            ],
            "services": [
                (row[0], row[1], row[2])
                for row in self.session.execute(
                    select(Service.id, Service.code, Service.name).order_by(Service.name)
                )
            ],
        }

    # -- one instance ------------------------------------------------------------------

    def supervisable(self, instance_id: int, user: User) -> tuple[Instance, bool]:
        """An instance the user may see, and whether they may supervise it.

        Raises:
            NotFound, NotPermitted: as `InstanceService.get`.
        """
        instance = self.instances.get(instance_id, user)
        return instance, self.instances.may_supervise(user, instance)

    def view(self, instance_id: int, user: User, language: str = "id") -> InstanceView:
        """The instance page's content, its record in `language`.

        Raises:
            NotFound: no such instance.
            NotPermitted: the instance is outside the user's scope.
        """
        instance = self.instances.get(instance_id, user)
        model = self.instances.model_for(instance)
        progress = element_progress(model, instance.state)
        if instance.status in (InstanceStatus.TERMINATED, InstanceStatus.COMPLETE):
            # Nobody works on a closed instance: what the engine still holds is history.
            progress = ElementProgress(progress.completed, frozenset(), frozenset())
        may_supervise = self.instances.may_supervise(user, instance)
        now = self.clock.now()
        tasks = []
        for task in self.instances.open_tasks(instance):
            reassignable = task.requires_role and task.lane not in (None, REQUESTER_LANE)
            choices: list[str] = []
            if may_supervise and reassignable:
                holder = task.claimed_by.username if task.claimed_by else task.assignee
                choices = [
                    name
                    for name in role_holders(
                        self.session, task.lane or "", task.service_id, task.agency_id, now
                    )
                    if name != holder
                ]
            tasks.append(OpenTask(task, reassignable, choices))
        disclosure = self.instances.disclosure(user)
        revealed = disclosure.reveals([instance])
        history = self.instances.events(instance)
        return InstanceView(
            instance=instance,
            version=instance.version,
            progress=progress,
            element_names=model_element_names(model.roots),
            tasks=tasks,
            events=disclosure.events(instance, history, revealed),
            sla=self.instances.clocks.read(instance),
            parent=instance.parent,
            children=self.instances.children(instance, user),
            may_supervise=may_supervise,
            record=CaseRecord(self.session, self.clock, language).sections(
                instance, model, history, instance.id in revealed
            ),
            raw_data=holds(self.session, user, *READ_RAW_DATA.roles),
        )

    def diagram(self, instance_id: int, user: User) -> str:
        """The BPMN XML of the version the instance runs on (same checks as `view`)."""
        instance = self.instances.get(instance_id, user)
        deployments = DeployService(self.session, self.clock, self.specs)
        return deployments.file(instance.version, "bpmn").content


def overdue_clause(now: datetime) -> Any:
    """SQL truth of "a running clock passed its deadline": response or resolution due
    before `now` and not yet met. Suspended instances' clocks stand still."""
    return and_(Instance.status.in_(RUNNING_CLOCKS), running_late(now))


def model_element_names(roots: dict[str, Any]) -> dict[str, str]:
    """Element id -> its name in the diagram, for the text list beside the picture."""
    names: dict[str, str] = {}
    for root in roots.values():
        for element in root.iter():
            element_id = element.get("id") if hasattr(element, "get") else None
            name = element.get("name") if element_id else None
            if element_id and name:
                names[element_id] = " ".join(name.split())
    return names
