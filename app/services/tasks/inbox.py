"""The inbox and everything a person does to a user task: read, claim, complete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.config import AttachmentLimits
from app.engine.forms import (
    declared_only,
    process_owned,
    validate_form,
    with_process_values,
)
from app.engine.routing import candidates as candidates_of
from app.engine.routing import reach_of
from app.engine.runtime import Runtime
from app.errors import (
    Conflict,
    FormInvalid,
    InvalidInput,
    NotFound,
    NotPermitted,
    TaskNotReady,
)
from app.models import OPEN_STATUSES, Agency, Instance, Service, Task, TaskState, User
from app.services.audit.events import record
from app.services.catalog.known_errors import record_known_error
from app.services.catalog.options import Choice, FormOptions
from app.services.configuration.case_forms import CaseForms
from app.services.deadlines.met import running_late
from app.services.instances.lifecycle import InstanceService, status_conflict
from app.services.instances.personal_data import masked
from app.services.instances.races import lost_race_is_conflict
from app.services.instances.record import CaseRecord, RecordSection
from app.services.instances.sorting import open_deadline
from app.services.notifications.messages import MailConfig
from app.services.ports import Specs
from app.services.process_models.form_order import in_ui_order
from app.services.spreadsheet import EXPORT_MAX, Table, in_language


@dataclass
class TaskView:
    """A task with its form and the data to prefill it with."""

    task: Task
    schema: dict[str, Any] | None
    ui_schema: dict[str, Any] | None
    data: dict[str, Any]
    #: What earlier steps submitted, for the reader (app/services/instances/record.py).
    record: list[RecordSection]


@dataclass
class InboxPage:
    """One page of a user's inbox; `claimed` of `total` are held by the user."""

    items: list[Task]
    total: int
    claimed: int = 0


@dataclass(frozen=True)
class InboxFilter:
    """Narrowing and order of an inbox; every field empty means the whole inbox.

    `service` and `agency` are codes, `reference` the start of a record number
    (PMT-2026-0000...). `overdue` keeps tasks whose instance has passed an open deadline
    (response not given, or not resolved, by its due time). `sort` is one of
    `INBOX_SORTS`: a column of the inbox, descending with a leading `-` ("-created",
    newest first, when none is chosen; "due", the nearest open deadline first).
    `claimed` True keeps the user's claimed tasks, False the unclaimed ones.
    """

    process_model_id: str | None = None
    service: str | None = None
    agency: str | None = None
    priority: str | None = None
    overdue: bool = False
    reference: str | None = None
    claimed: bool | None = None
    sort: str = "-created"


#: Each sort key: its column, whether it may be empty (such rows come last both ways),
#: and which table it needs joined ("instance", "service" or none).
_SORT_KEYS: dict[str, tuple[ColumnElement[Any], bool, str | None]] = {
    "created": (Task.created_at, False, None),
    "reference": (Instance.reference, True, "instance"),
    "task": (Task.title, False, None),
    "service": (Service.name, True, "service"),
    "priority": (Instance.priority, True, "instance"),
    "response": (Instance.response_due_at, True, "instance"),
    "resolution": (Instance.resolution_due_at, True, "instance"),
    "due": (open_deadline(), True, "instance"),
    # claimed (false) before unclaimed (true) when ascending
    "claimed": (Task.claimed_by_id.is_(None), False, None),
}
#: Every accepted inbox `sort`: each key ascending, and descending with `-`.
INBOX_SORTS = tuple(value for key in _SORT_KEYS for value in (key, f"-{key}"))
#: The inbox export's columns ("Indonesian / English"), in order.
EXPORT_HEADERS = (
    "Nomor / Number",
    "Judul / Title",
    "Tugas / Task",
    "Prosedur / Procedure",
    "Lajur / Lane",
    "Layanan / Service",
    "Prioritas / Priority",
    "Tenggat respons / Response due",
    "Tenggat penyelesaian / Resolution due",
    "Diambil / Claimed",
    "Dibuat / Created",
)


def inbox_order(sort: str) -> tuple[list[Any], str | None]:
    """ORDER BY terms for `sort` (ties by task id, in the same direction; rows without
    a value last both ways) and the table they need joined.

    Raises:
        InvalidInput: `sort` is not one of `INBOX_SORTS` (the error names `sort`).
    """
    if sort not in INBOX_SORTS:
        raise InvalidInput(
            "Urutan tidak dikenal / unknown sort order",
            {"sort": [f"pilih salah satu / choose one of: {', '.join(INBOX_SORTS)}"]},
        )
    value, nullable, needs = _SORT_KEYS[sort.removeprefix("-")]
    terms = [value.desc(), Task.id.desc()] if sort.startswith("-") else [value, Task.id]
    return ([value.is_(None), *terms] if nullable else terms), needs


class TaskService:
    """User-task use cases; each public call is one transaction's worth of work."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        specs: Specs,
        runtime: Runtime,
        mail: MailConfig,
        attachments: AttachmentLimits | None = None,
    ) -> None:
        """`attachments`: the per-instance limits a completion's files are checked against."""
        self.session = session
        self.clock = clock
        self.runtime = runtime
        self.instances = InstanceService(session, clock, specs, runtime, mail, attachments)
        self.options_of = FormOptions(session, clock)

    def inbox(
        self,
        user: User,
        page: int = 1,
        per_page: int = 50,
        filters: InboxFilter | None = None,
    ) -> InboxPage:
        """Ready tasks `user` may act on, unclaimed or claimed by them, newest first
        unless `filters.sort` says otherwise.

        Tasks of suspended or failed instances are `held`, not `ready`, so without
        filters the query reads the task table alone; the filters and sorts that need
        the instance (priority, deadlines, record number) join it by primary key.

        Raises:
            InvalidInput: an unknown sort.
        """
        query, order = self._query(user, filters or InboxFilter())
        # The totals ride along the page as window counts: one pass over the matching rows
        # instead of a second query; only a page past the end asks for them apart.
        rows = self.session.execute(
            query.add_columns(func.count().over(), func.count(Task.claimed_by_id).over())
            .order_by(*order)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        if rows:
            return InboxPage([row[0] for row in rows], rows[0][1], rows[0][2])
        if page == 1:
            return InboxPage([], 0, 0)
        counted = query.with_only_columns(func.count(), func.count(Task.claimed_by_id)).order_by(
            None
        )
        total, claimed = self.session.execute(counted).one()
        return InboxPage([], total or 0, claimed or 0)

    def export(self, user: User, filters: InboxFilter, language: str = "id") -> Table:
        """The whole inbox `filters` selects, in its order, as a table in `language`
        ("id" or "en"), at most `EXPORT_MAX` rows (the table says when cut).

        Like the inbox page, it holds no personal field of the requester.

        Raises:
            InvalidInput: an unknown sort.
        """
        query, order = self._query(user, filters)
        tasks = list(self.session.scalars(query.order_by(*order).limit(EXPORT_MAX + 1)))
        table = Table.of_list(
            "Kotak tugas / Inbox", EXPORT_HEADERS, language, len(tasks), EXPORT_MAX
        )
        tasks = tasks[:EXPORT_MAX]
        instances = self.instances_of(tasks)
        mine = in_language("Saya ambil / Claimed by me", language)
        free = in_language("Belum diambil / Not claimed", language)
        for task in tasks:
            instance = instances[task.instance_id]
            table.rows.append(
                [
                    instance.reference or f"#{instance.id}",
                    (instance.data or {}).get("judul"),
                    task.title,
                    task.process_model_id,
                    task.lane,
                    instance.service.name if instance.service else None,
                    instance.priority,
                    instance.response_due_at,
                    instance.resolution_due_at,
                    mine if task.claimed_by_id == user.id else free,
                    task.created_at,
                ]
            )
        return table

    def _query(self, user: User, filters: InboxFilter) -> tuple[Any, list[Any]]:
        """The inbox's query with the filters' conditions (all in SQL), and its order."""
        now = self.clock.now()
        reach = reach_of(self.session, user, now)
        # Unclaimed tasks by the indexes on (state, lane, scope, claimed_by_id), and the
        # user's own claims by the index on (state, claimed_by_id).
        query = select(Task).where(
            Task.state == TaskState.READY,
            or_(
                reach.clause(unclaimed=True),
                and_(Task.claimed_by_id == user.id, reach.clause()),
            ),
        )
        order, needs = inbox_order(filters.sort)
        if filters.process_model_id:
            query = query.where(Task.process_model_id == filters.process_model_id)
        if filters.claimed is not None:
            query = query.where(
                Task.claimed_by_id.is_not(None) if filters.claimed else Task.claimed_by_id.is_(None)
            )
        if filters.service:
            query = query.where(
                Task.service_id.in_(select(Service.id).where(Service.code == filters.service))
            )
        if filters.agency:
            query = query.where(
                Task.agency_id.in_(select(Agency.id).where(Agency.code == filters.agency))
            )
        if needs == "service":
            query = query.outerjoin(Service, Service.id == Task.service_id)
        if filters.priority or filters.overdue or filters.reference or needs == "instance":
            query = query.join(Instance, Instance.id == Task.instance_id)
        if filters.priority:
            query = query.where(Instance.priority == filters.priority)
        if filters.overdue:
            query = query.where(running_late(now))
        if filters.reference:
            query = query.where(
                Instance.reference.startswith(filters.reference.strip().upper(), autoescape=True)
            )
        return query, order

    def instances_of(self, tasks: list[Task]) -> dict[int, Instance]:
        """The instances of a page of tasks, with their services, in one query."""
        ids = {task.instance_id for task in tasks}
        if not ids:
            return {}
        rows = self.session.scalars(
            select(Instance).where(Instance.id.in_(ids)).options(selectinload(Instance.service))
        )
        return {row.id: row for row in rows}

    def _task(self, task_id: str) -> Task:
        task = self.session.get(Task, task_id)
        if task is None:
            raise NotFound("Tugas tidak ditemukan / task not found")
        return task

    def _require_actor(self, task: Task, user: User) -> dict[str, Any]:
        """Check the user is one of the task's candidates; say whom they act for.

        A claim alone is not enough: a claimer who lost the role loses the task. The
        answer is the event data that says "X sebagai Plh untuk Y" when the user acts
        by a delegation rather than by their own role (empty otherwise).
        """
        reach = reach_of(self.session, user, self.clock.now())
        if not reach.may_act(task):
            raise NotPermitted("Anda tidak berwenang atas tugas ini / you may not act on this task")
        grant = reach.acting_for(task)
        if grant is None:
            return {}
        return {
            "acting_for": {
                "principal": grant.acting_for,
                "kind": grant.acting_kind,
                "decree": grant.decree,
                "label": f"{user.username} sebagai {grant.acting_kind} untuk {grant.acting_for}",
            }
        }

    def candidates(self, task: Task) -> list[str]:
        """The usernames who may act on `task` now, by the routing rules (lane -> role ->
        holders for the instance's scope, acting officials included).

        No permission check: callers show them with a task or an instance the user may
        already see.
        """
        return candidates_of(self.session, task, self.clock.now())

    def get(self, task_id: str, user: User, language: str = "id") -> TaskView:
        """A task with its form and prefill data, and the case's record in `language`; the
        requester's personal data masked unless the user may read it (`Disclosure`:
        anyone who may act on the open task may).

        Raises:
            NotFound: no such task.
            NotPermitted: the user is not among its candidates.
        """
        task = self._task(task_id)
        self._require_actor(task, user)
        instance = self.session.get_one(Instance, task.instance_id)
        model = self.instances.model_for(instance)
        info = model.user_tasks.get(task.bpmn_id)
        ref = info.form if info else None
        waiting = task.state in (TaskState.READY, TaskState.HELD)
        data = (
            self.runtime.task_data(model, instance.state, task.id)
            if waiting
            else dict(instance.data)
        )
        schema, ui_schema = model.form_schema(ref), model.ui_schema(ref)
        served = None
        if schema is not None:
            bound = self.options_of.serve(
                schema, {**(instance.data or {}), **data}, task.service_id, task.agency_id
            )
            served = in_ui_order(bound, ui_schema)
        disclosure = self.instances.disclosure(user)
        revealed = instance.id in disclosure.reveals([instance])
        if not revealed:
            # A holder of a closed task's lane role who never acted on the instance may
            # read the task, but the requester's personal data only masked (item 7).
            data = masked(data)
        record = CaseRecord(self.session, self.clock, language).sections(
            instance, model, self.instances.events(instance), revealed
        )
        return TaskView(task, served, ui_schema, data, record)

    def options(
        self, task_id: str, user: User, source: str, parent: str | None = None
    ) -> list[Choice]:
        """The valid values of a bound field of a task's form, for one of its candidates,
        in the task's scope (a browser asks again when the parent field changes).

        Raises:
            NotFound: no such task.
            NotPermitted: the user is not among its candidates.
            InvalidInput: an unknown source.
        """
        task = self._task(task_id)
        self._require_actor(task, user)
        self.options_of.require_source(source, for_task=True)
        return self.options_of.choices(source, parent, task.service_id, task.agency_id)

    def claim(self, task_id: str, user: User) -> Task:
        """Take the task so nobody else works on it; claiming one's own claim is a no-op.

        Raises:
            Conflict: someone else holds it, or it is no longer ready.
        """
        with lost_race_is_conflict():
            task, instance, acting, _ready = self._locked_task(task_id, user)
            if task.claimed_by_id not in (None, user.id):
                raise Conflict("Tugas sudah diambil orang lain / task is claimed by someone else")
            if task.claimed_by_id is None:
                task.claimed_by_id = user.id
                record(
                    self.session,
                    instance,
                    "task_claimed",
                    self.clock.now(),
                    user,
                    task.id,
                    {"task": task.bpmn_id, "lane": task.lane, **acting},
                )
            self.session.flush()
        return task

    def unclaim(self, task_id: str, user: User) -> Task:
        """Give the task back to the pool (only its holder may)."""
        with lost_race_is_conflict():
            task, instance, acting, _ready = self._locked_task(task_id, user)
            if task.claimed_by_id not in (None, user.id):
                raise Conflict("Tugas diambil orang lain / task is claimed by someone else")
            if task.claimed_by_id == user.id:
                task.claimed_by_id = None
                record(
                    self.session,
                    instance,
                    "task_unclaimed",
                    self.clock.now(),
                    user,
                    task.id,
                    acting,
                )
            self.session.flush()
        return task

    def _locked_task(
        self, task_id: str, user: User
    ) -> tuple[Task, Instance, dict[str, Any], list[Task]]:
        """Lock the task's instance with its ready tasks, then check the user and states.

        The instance is locked before its tasks are read, the order the timer worker
        locks in too, so the two cannot deadlock. Returns the task, its instance, whom the
        user acts for, and the instance's ready rows.
        """
        instance, ready = self.instances.lock_of_task(task_id)
        task = next((row for row in ready if row.id == task_id), None)
        if task is None:  # not ready any more: read it again for the reason
            task = self.session.get(Task, task_id, populate_existing=True)
            if task is None:
                raise NotFound("Tugas tidak ditemukan / task not found")
        acting = self._require_actor(task, user)
        if instance.status not in OPEN_STATUSES:
            raise status_conflict(instance)
        if task.state != TaskState.READY:
            raise TaskNotReady("Tugas sudah selesai / task is no longer ready")
        return task, instance, acting, ready

    def complete(self, task_id: str, data: Any, user: User) -> Instance:
        """Validate `data` against the task's form, complete it and run the engine on.

        Everything (engine state, task rows, events) is flushed together; the caller
        commits once. A concurrent writer is detected by the instance's version column.

        Raises:
            NotFound, NotPermitted: as for `get`.
            FormInvalid: the data fails the form (field errors in `.errors`), or
                references a file neither the caller's new upload nor the instance's.
            Conflict / TaskNotReady: claimed by someone else, already completed, or lost
                a race with another writer.
        """
        if not isinstance(data, dict):
            raise FormInvalid("Data harus objek / data must be an object", {"": ["object"]})
        with lost_race_is_conflict():
            task, instance, acting, ready = self._locked_task(task_id, user)
            if task.claimed_by_id not in (None, user.id):
                raise Conflict("Tugas diambil orang lain / task is claimed by someone else")
            model = self.instances.model_for(instance)
            info = model.user_tasks.get(task.bpmn_id)
            schema = model.form_schema(info.form if info else None)
            if schema is not None:
                data = declared_only(schema, data)  # a person keeps only what the form shows
                if process_owned(schema):  # ... and the process's figures stay the process's
                    current = self.runtime.task_data(model, instance.state, task.id)
                    data = with_process_values(schema, data, current)
            errors = validate_form(schema or {}, data, self.runtime.limits)
            if not errors and schema is not None:
                errors = self.options_of.check(
                    schema, data, task.service_id, task.agency_id, instance.data
                )
            if errors:
                raise FormInvalid("Data formulir tidak valid / form data is invalid", errors)
            claimed = self.instances.attachments.check(data, user, instance.id)
            data = claimed.data
            self.instances.attachments.link(claimed, instance)
            forms = CaseForms(self.session, self.clock, self.instances)
            data = forms.before_submit(instance, schema, data, user)
            outcome = self.runtime.complete(
                model,
                instance.state,
                task.id,
                data,
                self.clock,
                self.instances.scripts_of(instance),
            )
            forms.after_submit(instance, schema, data, instance.data or {}, outcome.data, user)
            now = self.clock.now()
            record(
                self.session,
                instance,
                "task_completed",
                now,
                user,
                task.id,
                {"task": task.bpmn_id, "lane": task.lane, "data": data, **acting},
            )
            self.instances.apply(
                instance, model, outcome, user, completed_task_id=task.id, ready_rows=ready
            )
            record_known_error(self.session, instance, data, now)
            self.session.flush()
        return instance
