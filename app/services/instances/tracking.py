"""Supervisors' process tracking: the instance list and everything one instance page shows.

The list pages by seeking (on the sort value and the id, newest first unless another
order is chosen: `sorting.py`) instead of OFFSET, and never counts the whole result: at
hundreds of thousands of instances a page costs what its rows cost. Who sees what is
`InstanceService.visible_clause`, exactly as the API's list; the export writes the same
rows, in the same order, with no personal field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.engine.nesting import Container
from app.engine.progress import ElementProgress, element_progress
from app.engine.routing import role_holders
from app.engine.runtime import Runtime
from app.models import (
    REQUESTER_LANE,
    Agency,
    Attachment,
    Event,
    Instance,
    InstanceStatus,
    ProcessModel,
    ProcessModelVersion,
    Service,
    Task,
    User,
)
from app.services.accounts.permissions import READ_RAW_DATA, holds
from app.services.deadlines.met import running_late
from app.services.deadlines.service_levels import SlaReport
from app.services.evaluation.report_document import ATTACHED_EVENT
from app.services.instances.lifecycle import InstanceService
from app.services.instances.personal_data import ShownEvent
from app.services.instances.record import CaseRecord, RecordSection
from app.services.instances.sorting import DEFAULT_SORT, Cursor, InstanceOrder
from app.services.notifications.messages import MailConfig
from app.services.ports import Specs
from app.services.process_models.deploy import DeployService
from app.services.spreadsheet import EXPORT_MAX, Table, in_language

#: Statuses whose clocks still run, so a passed deadline makes them overdue.
RUNNING_CLOCKS = (InstanceStatus.RUNNING, InstanceStatus.WAITING)
PAGE_SIZE = 25
#: Statuses in words, for the export ("Indonesian / English").
STATUS_WORDS = {
    InstanceStatus.RUNNING: "Berjalan / Running",
    InstanceStatus.WAITING: "Menunggu peristiwa / Waiting for an event",
    InstanceStatus.SUSPENDED: "Ditangguhkan / Suspended",
    InstanceStatus.COMPLETE: "Selesai / Complete",
    InstanceStatus.TERMINATED: "Dihentikan / Terminated",
    InstanceStatus.ERROR: "Galat / Error",
}
#: The export's columns ("Indonesian / English"), in order.
EXPORT_HEADERS = (
    "Nomor / Number",
    "Judul / Title",
    "Prosedur / Procedure",
    "Layanan / Service",
    "PD / Agency",
    "Status / Status",
    "Prioritas / Priority",
    "Tenggat respons / Response due",
    "Direspons / Responded",
    "Tenggat penyelesaian / Resolution due",
    "Diselesaikan / Resolved",
    "Dimulai / Started",
    "Dimulai oleh / Started by",
    "Berakhir / Ended",
)
_EXPORT_CHUNK = 500
#: History entries by which the system attached files to a case (a generated document,
#: not a form's upload nor a work note's), each naming its files by reference in its data.
SYSTEM_FILE_EVENTS = frozenset({ATTACHED_EVENT})


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
    #: One of `sorting.SORTS`; the list's column, `-` for descending.
    sort: str = DEFAULT_SORT


@dataclass
class InstanceSlice:
    """One page of the list, with the cursors of its neighbours (None: no such page).

    "Newer" and "older" are the previous and next pages in the chosen order (newest
    first unless another is chosen).
    """

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
    #: The subprocess (or called process) each task drawn inside one sits in, by bpmn id.
    containers: dict[str, Container] = field(default_factory=dict)
    #: The files the system attached to the case (`SYSTEM_FILE_EVENTS`), oldest first.
    files: list[Attachment] = field(default_factory=list)


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
        """A page of the instances `user` may see, in `filters.sort` order.

        Args:
            after: show the instances that follow this id's row (the next page).
            before: show the instances that precede this id's row (the previous page).
            size: rows per page; one more is read to know whether a page follows.

        Raises:
            InvalidInput: an unknown sort, or a cursor that is no instance the user sees.
        """
        order = InstanceOrder(filters.sort)
        conditions = self._conditions(user, filters)
        forward = before is None
        mark = after if forward else before
        cursor = None if mark is None else order.cursor(self.session, mark, conditions[0])
        rows = self._seek(order, conditions, size + 1, cursor, forward)
        if not forward:
            items = list(reversed(rows[:size]))
            return InstanceSlice(
                items,
                newer=items[0].id if items and len(rows) > size else None,
                older=items[-1].id if items else None,
            )
        items = rows[:size]
        return InstanceSlice(
            items,
            newer=items[0].id if items and after is not None else None,
            older=items[-1].id if len(rows) > size else None,
        )

    def _seek(
        self,
        order: InstanceOrder,
        conditions: list[Any],
        size: int,
        cursor: Cursor | None,
        forward: bool,
    ) -> list[Instance]:
        """`size` instances from `cursor` on. In the start order the primary key serves
        the rows at once; in another, only ids are sorted and then their rows read by id,
        since a database sorting whole rows (the engine state with them) takes several
        times longer than one sorting (value, id) pairs."""
        loading = (selectinload(Instance.service), selectinload(Instance.started_by))
        if order.value is None:
            query = select(Instance).where(*conditions).options(*loading)
            return order.seek(self.session, query, size, cursor, forward)
        query = order.joined(select(Instance.id).where(*conditions))
        ids = order.seek(self.session, query, size, cursor, forward)
        found = select(Instance).where(Instance.id.in_(ids)).options(*loading)
        rows = {row.id: row for row in self.session.scalars(found)}
        return [rows[ident] for ident in ids]

    def export(self, user: User, filters: InstanceFilter, language: str = "id") -> Table:
        """Every instance the list shows for `filters`, in its order, as a table in
        `language` ("id" or "en"), at most `EXPORT_MAX` rows (the table says when cut).

        The rows are the list's columns plus the record's title; like the list, no
        personal field (NIP/NIK, telephone, e-mail) is written, so nothing needs masking.

        Raises:
            InvalidInput: an unknown sort.
        """
        order = InstanceOrder(filters.sort)
        query = order.joined(select(Instance.id).where(*self._conditions(user, filters)))
        ids = order.seek(self.session, query, EXPORT_MAX + 1, None, forward=True)
        table = Table.of_list("Instans / Instances", EXPORT_HEADERS, language, len(ids), EXPORT_MAX)
        ids = ids[:EXPORT_MAX]
        for start in range(0, len(ids), _EXPORT_CHUNK):
            chunk = ids[start : start + _EXPORT_CHUNK]
            found = {row[0]: row[1:] for row in self.session.execute(_export_query(chunk))}
            for ident in chunk:
                row = list(found[ident])
                row[0] = row[0] or f"#{ident}"
                word = STATUS_WORDS.get(row[5])
                row[5] = in_language(word, language) if word else row[5]
                table.rows.append(row)
        return table

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
            containers={
                bpmn_id: info.container
                for bpmn_id, info in model.user_tasks.items()
                if info.container is not None
            },
            files=self.system_files(instance, history),
        )

    def system_files(self, instance: Instance, history: list[Event]) -> list[Attachment]:
        """The files the system attached to `instance`, as its history names them: a
        generated document has no form field or work note to show it, so the instance page
        lists these (downloaded by whoever may read the case, like every file of it)."""
        ids = {
            value["attachment_id"]
            for event in history
            if event.kind in SYSTEM_FILE_EVENTS
            for value in (event.data or {}).values()
            if isinstance(value, dict) and isinstance(value.get("attachment_id"), int)
        }
        if not ids:
            return []
        return list(
            self.session.scalars(
                select(Attachment)
                .where(Attachment.id.in_(ids), Attachment.instance_id == instance.id)
                .order_by(Attachment.id)
            )
        )

    def diagram(self, instance_id: int, user: User) -> str:
        """The BPMN XML of the version the instance runs on (same checks as `view`)."""
        instance = self.instances.get(instance_id, user)
        deployments = DeployService(self.session, self.clock, self.specs)
        return deployments.file(instance.version, "bpmn").content


def _export_query(ids: list[int]) -> Any:
    """The id and the export's cells of the instances `ids`, as `EXPORT_HEADERS` orders
    them (the status as stored; the caller puts it in words)."""
    return (
        select(
            Instance.id,
            Instance.reference,
            Instance.data["judul"].as_string(),
            ProcessModel.name,
            Service.name,
            Agency.name,
            Instance.status,
            Instance.priority,
            Instance.response_due_at,
            Instance.responded_at,
            Instance.resolution_due_at,
            Instance.resolved_at,
            Instance.started_at,
            func.coalesce(User.full_name, User.username),
            Instance.ended_at,
        )
        .join(ProcessModel, ProcessModel.id == Instance.process_model_id)
        .join(User, User.id == Instance.started_by_id)
        .outerjoin(Service, Service.id == Instance.service_id)
        .outerjoin(Agency, Agency.id == Instance.agency_id)
        .where(Instance.id.in_(ids))
    )


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
