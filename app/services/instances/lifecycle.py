"""Process instances: start, read, list, suspend, resume, terminate, and keep the query
tables (instance, task, event) equal to the engine state in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.clock import Clock
from app.config import AttachmentLimits
from app.engine.forms import declared_only, validate_form
from app.engine.routing import reach_of
from app.engine.runtime import Message, Outcome, Runtime
from app.engine.script_context import ScriptContext
from app.engine.specs import ParsedModel
from app.errors import Conflict, FormInvalid, NotFound, NotPermitted
from app.models import (
    OPEN_STATUSES,
    Agency,
    Event,
    Instance,
    InstanceStatus,
    ProcessModelVersion,
    RoleAssignment,
    RoleName,
    Service,
    Task,
    TaskState,
    User,
)
from app.models.change_stamp import remember_token, token_column
from app.services.accounts.permissions import SUPERVISE, require_start, supervises
from app.services.audit.attachments import AttachmentClaims, Claimed
from app.services.audit.events import record
from app.services.casework.indexing import index_instance
from app.services.catalog.options import FormOptions
from app.services.catalog.services import resolve_scope
from app.services.configuration.case_forms import CaseForms
from app.services.continuity.case_plans import drp_start_facts
from app.services.deadlines.clock_history import ClockHistory
from app.services.deadlines.service_levels import (
    COMPLAINT,
    SlaService,
    clock_kind,
    push_variables,
    scripts_context,
)
from app.services.evaluation.recap import with_evaluation
from app.services.evaluation.report_document import attach_adopted_report
from app.services.instances.links import dispatch
from app.services.instances.numbering import next_reference
from app.services.instances.offering import offer
from app.services.instances.personal_data import Disclosure
from app.services.instances.projection import project_end, project_instance, project_tasks
from app.services.instances.races import lost_race_is_conflict
from app.services.instances.recurrence import open_problem_if_recurring
from app.services.instances.requester_news import tell_requester, tell_requester_terminated
from app.services.instances.sorting import DEFAULT_SORT, InstanceOrder
from app.services.instances.start_data import start_variables
from app.services.notifications.messages import MailConfig
from app.services.ports import Specs
from app.services.process_models.deploy import DeployService
from app.services.process_models.settings import effective_values


@dataclass
class InstancePage:
    """One page of a filtered instance list."""

    items: list[Instance]
    total: int


def _creation(task: Task) -> tuple[Any, str]:
    return task.created_at, task.id


def status_conflict(instance: Instance) -> Conflict:
    """The 409 for an action the instance's status does not allow."""
    return Conflict(f"Instans berstatus {instance.status} / instance is {instance.status}")


@cache
def _task_lock() -> Select[Any]:
    """The statement `InstanceService.lock_of_task` sends, for the task named by the bound
    parameter `task_id`: built once per process, since building it anew was a measurable
    share of a completion (issue 13, item 1) and only the task's id changes.

    The related rows are entities of their own, not joined eager loads: the instance's
    many-to-one attributes then find them in the identity map, and building the loaders
    of four joined eager loads cost more than the statement itself.
    """
    owner = select(Task.instance_id).where(Task.id == bindparam("task_id")).scalar_subquery()
    return (
        select(Instance, Task, Service, Agency, ProcessModelVersion, User, token_column())
        .join(ProcessModelVersion, ProcessModelVersion.id == Instance.version_id)
        .join(User, User.id == Instance.started_by_id)
        .outerjoin(Service, Service.id == Instance.service_id)
        .outerjoin(Agency, Agency.id == Service.agency_id)
        .outerjoin(Task, and_(Task.instance_id == Instance.id, Task.state == TaskState.READY))
        .where(Instance.id == owner)
        .with_for_update(of=Instance)
        .execution_options(populate_existing=True)
    )


class InstanceService:
    """Everything that changes or reads an instance as a whole."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        specs: Specs,
        runtime: Runtime,
        mail: MailConfig,
        attachments: AttachmentLimits | None = None,
    ) -> None:
        """`attachments`: the per-instance limits a start's files are checked against."""
        self.session = session
        self.clock = clock
        self.specs = specs
        self.runtime = runtime
        self.mail = mail
        self.attachments = AttachmentClaims(session, attachments or AttachmentLimits())
        self.deployments = DeployService(session, clock, specs)
        self.clocks = SlaService(session, clock, runtime, mail)
        self.options = FormOptions(session, clock)

    # -- reading ---------------------------------------------------------------------

    def visible_clause(self, user: User) -> Any:
        """The SQL condition for instances `user` may see: started by them, in a scope
        they hold a staff role for, or with a task they may act on or did.

        The user's scopes are read first and the tasks are one uncorrelated `IN`, so the
        database tests each row against small sets instead of running a subquery per row
        (a requester's list over 100,000 instances: 230 ms before, see bench.instance_list).
        """
        scopes = self.session.execute(
            select(RoleAssignment.service_id, RoleAssignment.agency_id).where(
                RoleAssignment.user_id == user.id, RoleAssignment.role != RoleName.SERVICE_USER
            )
        ).all()
        if any(service_id is None and agency_id is None for service_id, agency_id in scopes):
            return true()
        service_ids = sorted({s for s, _ in scopes if s is not None})
        agency_ids = sorted({a for s, a in scopes if s is None and a is not None})
        worked_on = select(Task.instance_id).where(
            or_(
                Task.completed_by_id == user.id,
                Task.claimed_by_id == user.id,
                reach_of(self.session, user, self.clock.now()).clause(),
            )
        )
        conditions = [Instance.started_by_id == user.id, Instance.id.in_(worked_on)]
        if service_ids:
            conditions.append(Instance.service_id.in_(service_ids))
        if agency_ids:
            conditions.append(Instance.agency_id.in_(agency_ids))
        return or_(*conditions)

    def get(self, instance_id: int, user: User) -> Instance:
        """One instance the user may see.

        Raises:
            NotFound: no such instance.
            NotPermitted: it exists but is outside the user's scope.
        """
        instance = self.session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"Instans {instance_id} tidak ada / no instance {instance_id}")
        visible = self.session.scalar(
            select(func.count())
            .select_from(Instance)
            .where(Instance.id == instance_id, self.visible_clause(user))
        )
        if not visible:
            raise NotPermitted("Instans di luar lingkup Anda / instance outside your scope")
        return instance

    def find(
        self,
        user: User,
        process_model_id: str | None = None,
        status: str | None = None,
        page: int = 1,
        per_page: int = 20,
        reference: str | None = None,
        sort: str = DEFAULT_SORT,
        mine: bool = False,
    ) -> InstancePage:
        """Instances visible to `user` in `sort` order (`sorting.SORTS`, newest first by
        default); `reference` matches a number's start; `mine`: only those `user` started.

        Raises:
            InvalidInput: an unknown sort.
        """
        order = InstanceOrder(sort)
        query = order.joined(select(Instance).where(self.visible_clause(user)))
        if reference:
            query = query.where(Instance.reference.startswith(reference.upper(), autoescape=True))
        if process_model_id:
            query = query.where(Instance.process_model_id == process_model_id)
        if status:
            query = query.where(Instance.status == status)
        if mine:
            query = query.where(Instance.started_by_id == user.id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        items = self.session.scalars(
            query.order_by(*order.order_by()).offset((page - 1) * per_page).limit(per_page)
        ).all()
        return InstancePage(list(items), total)

    def children(self, instance: Instance, user: User) -> list[Instance]:
        """Instances `instance` started that `user` may see, oldest first."""
        return list(
            self.session.scalars(
                select(Instance)
                .where(Instance.parent_id == instance.id, self.visible_clause(user))
                .order_by(Instance.id)
            )
        )

    def open_tasks(
        self, instance: Instance, states: tuple[str, ...] = (TaskState.READY, TaskState.HELD)
    ) -> list[Task]:
        """User tasks of an instance still waiting for someone (held ones included)."""
        return list(
            self.session.scalars(
                select(Task)
                .where(Task.instance_id == instance.id, Task.state.in_(states))
                .order_by(Task.created_at, Task.id)
            )
        )

    def events(self, instance: Instance) -> list[Event]:
        """The instance's history, oldest first."""
        return list(
            self.session.scalars(
                select(Event).where(Event.instance_id == instance.id).order_by(Event.id)
            )
        )

    def disclosure(self, user: User) -> Disclosure:
        """Whose personal data `user` may read (app/services/instances/personal_data.py)."""
        return Disclosure(self.session, user, self.clock.now())

    def scripts_of(self, instance: Instance) -> ScriptContext:
        """What the instance's scripts compute with: its calendar, the tables in force and
        the evaluation's recap (`rekap_evaluasi`)."""
        context = scripts_context(self.session, self.clock, instance.service_id, instance.agency_id)
        return with_evaluation(context, self.session, self.clock, self)

    def model_for(self, instance: Instance) -> ParsedModel:
        """The parsed model of the instance's own version, its calls to other models
        resolved to the versions it started with."""
        return self.deployments.parsed_with(instance.version_id, instance.called_versions)

    # -- changing --------------------------------------------------------------------

    def start(
        self,
        process_model_id: str,
        data: dict[str, Any],
        user: User,
        parent: Instance | None = None,
        schedule_id: int | None = None,
    ) -> Instance:
        """Validate `data` against the start form, start, and run to the first wait.

        `parent` is the instance whose message started this one (app/services/instances/links.py);
        `schedule_id` the periodic schedule that fires the model's timer start event
        (app/services/instances/schedules.py).

        Raises:
            NotFound: no such model.
            NotPermitted: started by hand by someone the diagram does not let start it.
            FormInvalid: the data fails the start form, names an unknown service, or
                references a file that is not the starter's own upload (or too many).
        """
        if not isinstance(data, dict):
            raise FormInvalid("Data harus objek / data must be an object", {"": ["object"]})
        version = self.deployments.latest(process_model_id)
        model = self.deployments.parsed(version.id)
        # Calls to other models run their newest versions, kept for the instance's life.
        called = self.deployments.called_versions(model) if model.external_calls else None
        model = self.deployments.parsed_with(version.id, called)
        if parent is None and schedule_id is None:
            # Children are started on behalf of their parent's step, periodic starts by
            # the schedule an administrator set: only a start by hand is checked.
            require_start(self.session, user, model.start_roles)
        schema = model.form_schema(model.start_form)
        by_hand = parent is None and schedule_id is None
        if schema is not None and by_hand:
            # A person's start keeps only what the form shows; a link's payload stays
            # whole, since the child reads its parent's fields its own form does not show.
            data = declared_only(schema, data)
        errors = validate_form(schema or {}, data, self.runtime.limits)
        if errors:
            raise FormInvalid("Data formulir tidak valid / form data is invalid", errors)
        scope, facts = resolve_scope(self.session, data)
        if model.drp_info:
            starter = user if by_hand else None
            facts = {
                **facts,
                **drp_start_facts(self.session, scope.service, model.drp_info, starter),
            }
        if schema is not None:
            errors = self.options.check(schema, data, scope.service_id, scope.agency_id)
            if errors:
                raise FormInvalid("Data formulir tidak valid / form data is invalid", errors)
        # A child's payload repeats files its parent already holds; only a start by hand
        # brings new ones, which must be the starter's.
        claimed = Claimed(data)
        if parent is None and schedule_id is None:
            claimed = self.attachments.check(data, user, None)
            data = claimed.data
        now = self.clock.now()
        reference = None
        if model.reference_prefix:
            reference = next_reference(self.session, model.reference_prefix, now)
        settings = effective_values(self.session, process_model_id, model.settings, scope.agency_id)
        initial = start_variables(
            data, facts, (user.username, user.full_name), now, reference, settings
        )
        context = with_evaluation(
            scripts_context(self.session, self.clock, scope.service_id, scope.agency_id),
            self.session,
            self.clock,
            self,
        )
        outcome = self.runtime.start(
            model, initial, self.clock, context, by_timer=schedule_id is not None
        )
        instance = Instance(
            process_model_id=process_model_id,
            version_id=version.id,
            status=outcome.status,
            started_by_id=user.id,
            started_at=now,
            updated_at=now,
            service_id=scope.service_id,
            agency_id=scope.agency_id,
            data=outcome.data,
            state=outcome.state,
            sla_history=ClockHistory().to_json(),
            called_versions=called,
        )
        instance.version = version
        instance.started_by = user
        instance.service = scope.service
        if parent is not None:
            instance.parent_id = parent.id
        instance.reference = reference
        self.session.add(instance)
        started: dict[str, Any] = {"parent": parent.id} if parent is not None else {}
        if schedule_id is not None:
            started["schedule"] = schedule_id
        record(self.session, instance, "instance_started", now, user, data={**data, **started})
        self.apply(instance, model, outcome, user, ready_rows=[])  # no task rows yet
        CaseForms(self.session, self.clock, self).after_submit(
            instance, schema, data, {}, instance.data or {}, user
        )
        self.attachments.link(claimed, instance)
        if clock_kind(instance.data or {}) == COMPLAINT:
            open_problem_if_recurring(self, instance)
        return instance

    def apply(
        self,
        instance: Instance,
        model: ParsedModel,
        outcome: Outcome,
        actor: User | None,
        completed_task_id: str | None = None,
        ready_rows: list[Task] | None = None,
    ) -> None:
        """Write an engine outcome into the query tables, then run its follow-ups.

        `ready_rows`: the instance's ready task rows as the caller read them under its lock
        (None: read them here).

        In this order: the instance row; a changed service and the SLA clocks (before any
        flush, so the row is written once per step: a new instance, not yet written, is
        written here with them and so gets its id); the search index; an evaluation
        report's PDF in the step that adopts it (`attach_adopted_report`); the task rows, the
        new ones offered to their candidates; holds, failure and end; the requester told
        of the case's progress; then the messages thrown, which may start children or move
        the parent (each runs `apply` for its own instance).
        """
        now = self.clock.now()
        new = instance.id is None
        previous = project_instance(self.session, instance, outcome, now)
        with self.session.no_autoflush:
            self._follow_service(instance, model, actor)
            self.clocks.after_step(instance, model, outcome.fired, actor)
        if new:
            self.session.flush()
        index_instance(self.session, instance, previous, new)
        limits = self.attachments.limits
        attach_adopted_report(
            self.session, self.clock, self, limits, instance, previous or {}, actor
        )
        rows = project_tasks(
            self.session, instance, outcome, actor, completed_task_id, now, ready_rows
        )
        offer(self.session, self.clock, self.mail, instance, rows.new)
        project_end(self.session, instance, outcome, actor, rows, now)
        tell_requester(self.session, self.clock, self.mail, instance, model, rows.new, actor)
        dispatch(self, instance, outcome.messages, actor)

    def receive(
        self, instance_id: int, message: Message, actor: User | None, context: dict[str, Any]
    ) -> bool:
        """Hand `message` to the instance waiting for it; False when it is not waiting.

        `context` (who sent it, when the service was restored...) goes into the
        `message_received` event beside the message and its payload.
        """
        instance = self.lock(instance_id)
        model = self.model_for(instance)
        try:
            outcome = self.runtime.deliver(
                model, instance.state, message, self.clock, self.scripts_of(instance)
            )
        except Conflict:
            return False
        record(
            self.session,
            instance,
            "message_received",
            self.clock.now(),
            actor,
            data={"message": message.name, "payload": message.payload, **context},
        )
        self.apply(instance, model, outcome, actor)
        return True

    def newest_model(self, process_model_id: str) -> ParsedModel:
        """The newest deployed version of a model, parsed.

        Raises:
            NotFound: no such model.
        """
        return self.deployments.parsed(self.deployments.latest(process_model_id).id)

    def start_message_of(self, process_model_id: str) -> str | None:
        """The message that starts the newest version of a model (None: none does).

        Raises:
            NotFound: no such model.
        """
        return self.newest_model(process_model_id).start_message

    def _follow_service(self, instance: Instance, model: ParsedModel, actor: User | None) -> None:
        """Move the instance and its open tasks when a form changed the service it is about.

        The service decides the scope (who is routed the tasks) and the SLA targets, so a
        service desk correcting a mis-filed `layanan` must move both; audited as an event.
        """
        code = (instance.data or {}).get("layanan")
        current = instance.service.code if instance.service is not None else None
        if code is None or current is None or str(code) == current:
            return
        scope, facts = resolve_scope(self.session, {"layanan": code})
        record(
            self.session,
            instance,
            "service_changed",
            self.clock.now(),
            actor,
            data={"from": current, "to": str(code)},
        )
        instance.service_id = scope.service_id
        instance.agency_id = scope.agency_id
        self.session.flush()
        self.session.refresh(instance, ["service"])
        for row in self.open_tasks(instance):
            row.service_id = scope.service_id
            row.agency_id = scope.agency_id
        if instance.status not in (InstanceStatus.COMPLETE, InstanceStatus.TERMINATED):
            push_variables(
                self.runtime, self.clock, instance, model, facts, self.scripts_of(instance)
            )

    def lock(self, instance_id: int) -> Instance:
        """Load an instance with a row lock (PostgreSQL) so writers take turns."""
        instance = self.session.scalar(
            select(Instance)
            .where(Instance.id == instance_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if instance is None:
            raise NotFound(f"Instans {instance_id} tidak ada / no instance {instance_id}")
        return instance

    def lock_of_task(self, task_id: str) -> tuple[Instance, list[Task]]:
        """Lock the instance a task belongs to, with its ready tasks, its service and PD,
        its version, its starter and the change stamp, in one statement: a completion's
        first read (and all its answer shows).

        Raises:
            NotFound: no such task.
        """
        rows = self.session.execute(_task_lock(), {"task_id": task_id}).all()
        if not rows:
            raise NotFound("Tugas tidak ditemukan / task not found")
        instance, _task, service, agency, version, starter, token = rows[0]
        remember_token(self.session, token)
        # A fresh read (populate_existing) reloads related rows lazily on first use;
        # these are what the same statement read.
        set_committed_value(instance, "service", service)
        set_committed_value(instance, "version", version)
        set_committed_value(instance, "started_by", starter)
        if service is not None:
            set_committed_value(service, "agency", agency)
        ready = sorted((row[1] for row in rows if row[1] is not None), key=_creation)
        return instance, ready

    def may_supervise(self, user: User, instance: Instance) -> bool:
        """Whether `user` may suspend, resume, terminate and reassign in `instance`."""
        return supervises(self.session, user, instance.service_id, instance.agency_id)

    def supervised(self, instance_id: int, user: User) -> Instance:
        self.get(instance_id, user)
        instance = self.lock(instance_id)
        if not self.may_supervise(user, instance):
            raise NotPermitted(SUPERVISE.refusal)
        return instance

    def suspend(self, instance_id: int, user: User) -> Instance:
        """Pause an open instance: its tasks leave inboxes and timers wait."""
        with lost_race_is_conflict():
            instance = self.supervised(instance_id, user)
            if instance.status not in OPEN_STATUSES:
                raise status_conflict(instance)
            instance.status = InstanceStatus.SUSPENDED
            instance.updated_at = self.clock.now()
            for row in self.open_tasks(instance, (TaskState.READY,)):
                row.state = TaskState.HELD
            record(self.session, instance, "instance_suspended", instance.updated_at, user)
            self.clocks.refresh(instance, self.model_for(instance), user)
            self.session.flush()
        return instance

    def resume(self, instance_id: int, user: User) -> Instance:
        """Continue a suspended instance."""
        with lost_race_is_conflict():
            instance = self.supervised(instance_id, user)
            if instance.status != InstanceStatus.SUSPENDED:
                raise status_conflict(instance)
            held = self.open_tasks(instance, (TaskState.HELD,))
            for row in held:
                row.state = TaskState.READY
            instance.status = InstanceStatus.RUNNING if held else InstanceStatus.WAITING
            instance.updated_at = self.clock.now()
            record(self.session, instance, "instance_resumed", instance.updated_at, user)
            self.clocks.refresh(instance, self.model_for(instance), user)
            self.session.flush()
        return instance

    def terminate(self, instance_id: int, user: User, reason: str | None = None) -> Instance:
        """End an instance for good; its open tasks are cancelled. `reason`, when given,
        is kept in the `instance_terminated` event and told to the requester."""
        with lost_race_is_conflict():
            instance = self.supervised(instance_id, user)
            if instance.status in (InstanceStatus.COMPLETE, InstanceStatus.TERMINATED):
                raise status_conflict(instance)
            now = self.clock.now()
            for row in self.open_tasks(instance):
                row.state = TaskState.CANCELLED
                row.completed_at = now
            instance.status = InstanceStatus.TERMINATED
            instance.ended_at = now
            instance.updated_at = now
            instance.next_timer_at = None
            stated = {"reason": reason} if reason else {}
            record(self.session, instance, "instance_terminated", now, user, data=stated)
            self.session.flush()
        tell_requester_terminated(
            self.session, self.clock, self.mail, instance, self.model_for(instance), user, reason
        )
        return instance
