"""Start, step, complete and wake workflows; return plain results, never Spiff objects.

Every call takes the serialized state and gives back a new `Outcome` with the state to
store, so one call fits one database transaction. SpiffWorkflow's `task.run()` runs a
task in any state, so `complete` checks READY and manual itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.exceptions import (
    SpiffWorkflowException,
    TaskNotFoundException,
    WorkflowException,
)
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.clock import Clock
from app.config import DataLimits
from app.engine.catching import Delivery, Waiting, event_for, waiting_for
from app.engine.sandbox import (
    MEMORY_LIMIT_MB,
    ScriptDataRejected,
    ScriptForbidden,
    ScriptMemoryExceeded,
    ScriptTimeout,
    make_script_engine,
)
from app.engine.script_context import ScriptContext, script_context, script_context_helpers
from app.engine.serializer import DataRejected, dump_state, load_state, to_jsonable
from app.engine.specs import ParsedModel, UserTaskInfo
from app.engine.spiff_time import engine_clock
from app.engine.timers import fired_timers, next_timer_due
from app.errors import Conflict, NotFound, TaskNotReady

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineFailure:
    """Why a step failed: shown to people as an event, never as a server error."""

    message: str
    element_id: str | None
    kind: str  # "forbidden" | "timeout" | "memory" | "script" | "engine" | "data"


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a person."""

    id: str
    info: UserTaskInfo
    data: dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A BPMN message the workflow threw for another procedure (the app delivers it)."""

    name: str
    payload: Any


@dataclass
class Outcome:
    """The result of one engine call: what to store and what to show."""

    state: bytes
    status: str  # running | waiting | complete | error
    data: dict[str, Any]
    ready: list[ReadyTask]
    next_timer_at: datetime | None
    failure: EngineFailure | None = None
    #: bpmn ids of the timer events that fired during the call (a timer already due when
    #: its task starts waiting fires inside `start` or `complete`, not only in a tick).
    fired: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


def _failure(err: Exception) -> EngineFailure:
    task = getattr(err, "task", None)
    element_id = task.task_spec.bpmn_id if task is not None else None
    cause = getattr(err, "exception", None) or err.__cause__
    if isinstance(cause, ScriptMemoryExceeded) or isinstance(err, ScriptMemoryExceeded):
        kind = "memory"
    elif isinstance(cause, ScriptForbidden) or isinstance(err, ScriptForbidden):
        kind = "forbidden"
    elif isinstance(cause, ScriptTimeout) or isinstance(err, ScriptTimeout):
        kind = "timeout"
    elif isinstance(cause, ScriptDataRejected) or isinstance(err, ScriptDataRejected):
        kind = "data"
    elif isinstance(err, SpiffWorkflowException):
        kind = "script" if task is not None else "engine"
    else:
        kind = "engine"
    message = str(err).strip() or type(err).__name__
    return EngineFailure(message=message, element_id=element_id, kind=kind)


def _routed_info(model: ParsedModel, workflow: BpmnWorkflow, task: Any) -> UserTaskInfo:
    """The facts of a ready task; one of a called process that sits in no lane takes the
    lane of the call activity that started it (app/engine/nesting.py)."""
    info = model.user_tasks[task.task_spec.bpmn_id]
    if info.lane is not None or task.workflow is workflow:
        return info
    flow = task.workflow
    while flow.parent_task_id is not None:
        caller = workflow.get_task_from_id(flow.parent_task_id)
        lane = model.call_lanes.get(caller.task_spec.bpmn_id)
        if lane is not None:
            return replace(info, lane=lane)
        flow = caller.workflow
    return info


class Runtime:
    """Runs models with the restricted script engine and the injected clock.

    Scripts get the helpers of `script_context` (`tambah_waktu_kerja`, `prioritas_tabel_3`...)
    on the `context` each call is given: the support hours of the instance's service and
    the reference tables in force.
    """

    def __init__(
        self,
        time_limit: float = 2.0,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        limits: DataLimits | None = None,
        memory_limit_mb: int = MEMORY_LIMIT_MB,
    ) -> None:
        self._limits = limits or DataLimits()
        self._script_engine = make_script_engine(
            helpers={**script_context_helpers(), **(helpers or {})},
            time_limit=time_limit,
            memory_limit_mb=memory_limit_mb,
            data_max_bytes=self._limits.max_bytes,
        )

    @property
    def limits(self) -> DataLimits:
        """The caps on task data, which forms check before the engine runs."""
        return self._limits

    def _fresh(self, model: ParsedModel, data: Mapping[str, Any]) -> BpmnWorkflow:
        """A new workflow holding `data`, before any step (what a failed start keeps)."""
        workflow = BpmnWorkflow(
            model.spec, model.subprocess_specs, script_engine=self._script_engine
        )
        workflow.task_tree.data.update(data)
        return workflow

    def _load(self, model: ParsedModel, state: bytes) -> BpmnWorkflow:
        workflow = load_state(state, model.spec, model.subprocess_specs)
        workflow.script_engine = self._script_engine
        return workflow

    def _outcome(
        self,
        model: ParsedModel,
        workflow: BpmnWorkflow,
        before: Callable[[], BpmnWorkflow],
        failure: EngineFailure | None = None,
        fired_before: Mapping[Any, str] | None = None,
    ) -> Outcome:
        """What to store after a call; data a script left that is not JSON or is past the
        caps fails the step instead, and the state from `before` the call is what is kept,
        so nothing the script wrote is stored (issue 13, item 3)."""
        try:
            return self._result(model, workflow, failure, fired_before, self._limits)
        except DataRejected as err:
            where = f" ({err.field})" if err.field else ""
            rejected = EngineFailure(message=f"{err.message}{where}", element_id=None, kind="data")
            log.warning("engine step left bad data: %s", rejected.message)
            prior = before()
            # What was stored before stays readable even if the caps were lowered since.
            return self._result(model, prior, rejected, fired_timers(prior), None)

    def _result(
        self,
        model: ParsedModel,
        workflow: BpmnWorkflow,
        failure: EngineFailure | None,
        fired_before: Mapping[Any, str] | None,
        limits: DataLimits | None,
    ) -> Outcome:
        # Spiff's task iterator walks into every sub-workflow (subprocesses, call
        # activities, multi-instance bodies), so their tasks are offered as well.
        ready = [
            ReadyTask(
                str(task.id),
                _routed_info(model, workflow, task),
                to_jsonable(task.data, limits),
            )
            for task in workflow.get_tasks(state=SpiffState.READY, manual=True)
            if task.task_spec.bpmn_id in model.user_tasks
        ]
        if failure is not None:
            status = "error"
        elif workflow.is_completed():
            status = "complete"
        else:
            status = "running" if ready else "waiting"
        if ready and not workflow.is_completed():
            data = ready[-1].data
        else:
            source = (
                workflow.data
                if workflow.is_completed()
                else (workflow.last_task or workflow.task_tree).data
            )
            data = to_jsonable(dict(source), limits)
        messages = [
            Message(event.event_definition.name, to_jsonable(event.payload, limits))
            for event in workflow.get_events()
            if type(event.event_definition).__name__ == "MessageEventDefinition"
        ]
        try:
            state = dump_state(workflow)
        except (TypeError, ValueError) as err:  # data on a task off the path read above
            raise DataRejected(f"Data bukan JSON / data is not JSON: {err}") from None
        return Outcome(
            state=state,
            status=status,
            data=data,
            ready=ready,
            next_timer_at=None if failure else next_timer_due(workflow),
            failure=failure,
            messages=messages,
            fired=[
                bpmn_id
                for mark, bpmn_id in fired_timers(workflow).items()
                if mark not in (fired_before or {})
            ],
        )

    def _step(
        self, workflow: BpmnWorkflow, action: Callable[[], object] | None = None
    ) -> EngineFailure | None:
        try:
            if action is not None:
                action()
            workflow.do_engine_steps()
        except Exception as err:  # noqa: BLE001 - the edge: a diagram's fault must not crash us
            failure = _failure(err)
            log.warning("engine step failed: %s (%s)", failure.message, failure.element_id)
            return failure
        return None

    def start(
        self,
        model: ParsedModel,
        data: Mapping[str, Any],
        clock: Clock,
        context: ScriptContext | None = None,
        by_timer: bool = False,
    ) -> Outcome:
        """Create a workflow with `data` and run it to its first wait.

        A message start event waits for its message: a start by hand delivers it with the
        start data already in the workflow (docs/bpmn-conventions.md, "Links"). `by_timer`
        fires the timer start event instead, as the scheduler does for periodic starts; a
        model whose only start is a timer start fires it for a start by hand too.
        """
        workflow = self._fresh(model, data)
        timer = model.timer_start
        if by_timer and timer is None:
            raise ValueError(f"{model.model_id} has no timer start event")
        fire_timer = timer is not None and (by_timer or model.start_message is None)

        def begin() -> None:
            workflow.do_engine_steps()
            if fire_timer:
                definition = model.spec.task_specs[timer.bpmn_id].event_definition
                workflow.send_event(BpmnEvent(definition, {}))
            elif model.start_message is not None:
                workflow.send_event(BpmnEvent(MessageEventDefinition(model.start_message), {}))

        with engine_clock(clock), script_context(context):
            failure = self._step(workflow, begin)
            return self._outcome(model, workflow, lambda: self._fresh(model, data), failure)

    def complete(
        self,
        model: ParsedModel,
        state: bytes,
        task_id: str,
        data: Mapping[str, Any],
        clock: Clock,
        context: ScriptContext | None = None,
    ) -> Outcome:
        """Merge `data` into a READY user task, run it and step to the next wait.

        Raises:
            NotFound: the workflow has no task with this id.
            TaskNotReady: the task exists but is not waiting for input.
        """
        workflow = self._load(model, state)
        task = self._task(workflow, task_id)
        if task.state != SpiffState.READY or not task.task_spec.manual:
            raise TaskNotReady("Tugas tidak lagi menunggu / task is no longer ready")

        def run() -> None:
            task.data.update(data)
            task.run()

        with engine_clock(clock), script_context(context):
            before = fired_timers(workflow)
            failure = self._step(workflow, run)
            return self._outcome(model, workflow, lambda: self._load(model, state), failure, before)

    def fire_timers(
        self,
        model: ParsedModel,
        state: bytes,
        clock: Clock,
        context: ScriptContext | None = None,
    ) -> Outcome | None:
        """Fire the timers due at `clock.now()`; None when none was due."""
        workflow = self._load(model, state)
        due = next_timer_due(workflow)
        if due is None or due > clock.now():
            return None
        with engine_clock(clock), script_context(context):
            before = fired_timers(workflow)
            failure = self._step(workflow, workflow.refresh_timers)
            return self._outcome(model, workflow, lambda: self._load(model, state), failure, before)

    def deliver(
        self,
        model: ParsedModel,
        state: bytes,
        message: Message,
        clock: Clock,
        context: ScriptContext | None = None,
    ) -> Outcome:
        """Hand a message from another instance to a catch event waiting for it.

        Raises:
            Conflict: nothing in the workflow waits for a message of that name.
        """
        workflow = self._load(model, state)
        event = BpmnEvent(MessageEventDefinition(message.name), message.payload)
        with engine_clock(clock), script_context(context):
            before = fired_timers(workflow)
            try:
                workflow.send_event(event)
            except WorkflowException:
                raise Conflict(
                    f"Instans tidak menunggu pesan '{message.name}' / the instance is not "
                    f"waiting for '{message.name}'"
                ) from None
            failure = self._step(workflow)
            return self._outcome(model, workflow, lambda: self._load(model, state), failure, before)

    def waiting_for(self, model: ParsedModel, state: bytes) -> list[Waiting]:
        """The messages and signals the workflow in `state` waits for (app/engine/catching.py)."""
        return waiting_for(self._load(model, state))

    def catches(self, model: ParsedModel, state: bytes, delivery: Delivery, clock: Clock) -> bool:
        """Whether the workflow would catch `delivery` now, nothing changed.

        Raises:
            FormInvalid: the payload lacks a correlation value the diagram reads from it.
        """
        workflow = self._load(model, state)
        with engine_clock(clock):
            try:
                event_for(workflow, delivery)
            except (NotFound, Conflict):
                return False
        return True

    def send(
        self,
        model: ParsedModel,
        state: bytes,
        delivery: Delivery,
        clock: Clock,
        context: ScriptContext | None = None,
    ) -> Outcome:
        """Deliver a message or signal from outside through SpiffWorkflow's `send_event`
        and step to the next wait; the payload lands where SpiffWorkflow puts it.

        Raises:
            NotFound: nothing waits for it; Conflict: its correlation does not match.
            FormInvalid: the payload lacks a correlation value the diagram reads from it.
        """
        workflow = self._load(model, state)
        with engine_clock(clock), script_context(context):
            event = event_for(workflow, delivery)
            before = fired_timers(workflow)
            failure = self._step(workflow, lambda: workflow.send_event(event))
            return self._outcome(model, workflow, lambda: self._load(model, state), failure, before)

    def update_data(
        self,
        model: ParsedModel,
        state: bytes,
        variables: Mapping[str, Any],
        clock: Clock,
        context: ScriptContext | None = None,
    ) -> tuple[bytes, datetime | None]:
        """Set `variables` on every ready and waiting task and re-read the escalation
        timers' due times.

        The app learns some facts after an engine step (the SLA clock, whose inputs may
        come from that step, e.g. a DMN priority; a corrected service), while Spiff reads
        a timer's expression once, when the timer starts waiting. Setting the variables
        where the workflow will read them next and forgetting the escalation timers'
        cached due times makes the diagram follow.

        Returns:
            The state to store and the earliest timer due.
        """
        workflow = self._load(model, state)
        with engine_clock(clock), script_context(context):
            for task in workflow.get_tasks(state=SpiffState.READY | SpiffState.WAITING):
                task.data.update(variables)
                if task.state == SpiffState.WAITING and task.task_spec.bpmn_id in model.escalations:
                    task.internal_data.pop("event_value", None)
                    task.internal_data.pop("event_fired", None)
                    task.task_spec.event_definition.has_fired(task)
        return dump_state(workflow), next_timer_due(workflow)

    def task_data(self, model: ParsedModel, state: bytes, task_id: str) -> dict[str, Any]:
        """The current data of a task (what a form is prefilled with)."""
        return to_jsonable(dict(self._task(self._load(model, state), task_id).data))

    @staticmethod
    def _task(workflow: BpmnWorkflow, task_id: str) -> Any:
        try:
            return workflow.get_task_from_id(UUID(task_id))
        except (ValueError, TaskNotFoundException):
            raise NotFound("Tugas tidak ditemukan / task not found") from None
