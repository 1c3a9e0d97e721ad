"""Every timer a workflow waits on: when the next one is due, and which ones fired.

SpiffWorkflow keeps the waiting catch events of a workflow and of all its sub-workflows
(embedded subprocesses, transactions, event subprocesses, call activities) in the top
workflow's event manager, and `refresh_timers` fires those whose moment has passed by
comparing it with `datetime.now` (pointed at the injected clock by app/engine/spiff_time.py).
Its `waiting_events()` summary is not enough for a scheduler: an event-based gateway waits
as one `MultipleEventDefinition` that reports no time for its timer branch, and a cycle
keeps its next occurrence inside a dict. So the due times are read here from the same
`event_value` Spiff compares, and the app wakes exactly when Spiff would fire. One
`refresh_timers` fires every occurrence of a cycle already past (a worker that was away
catches up in one tick).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.util.task import TaskState as SpiffState

#: Timers that fire once. Spiff fires a cycle as a series and never fires a cycle held by
#: an event-based gateway (its `has_fired` is the plain event's), so that one waits forever.
_ONE_SHOT = (DurationTimerEventDefinition, TimeDateEventDefinition)

#: The states of a task whose timer may have fired: done, or a cycle still waiting.
_SEEN = SpiffState.COMPLETED | SpiffState.WAITING


def _moment(value: Any) -> datetime | None:
    """The due time in a timer's `event_value`: an ISO date or date-time (a duration's is
    stored as its end), or a cycle's `{"cycles", "next", "duration"}`, due at `next`
    until no occurrence is left."""
    if isinstance(value, dict):
        value = value.get("next") if value.get("cycles") != 0 else None
    if not isinstance(value, str) or not value:
        return None
    moment = TimerEventDefinition.parse_time_or_duration(value)
    return moment if isinstance(moment, datetime) else None


def _timed(definition: Any) -> bool:
    """Whether Spiff fires an event of this definition by the clock."""
    if isinstance(definition, MultipleEventDefinition):  # an event-based gateway
        return any(isinstance(item, _ONE_SHOT) for item in definition.event_definitions)
    return isinstance(definition, TimerEventDefinition)


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """Earliest due time of every timer the workflow or its sub-workflows wait on, for the
    scheduler column (`process_instance.next_timer_at`)."""
    dues = [
        _moment(task.internal_data.get("event_value"))
        for task in workflow.event_manager.tasks.values()
        if _timed(task.task_spec.event_definition)
    ]
    return min((due for due in dues if due is not None), default=None)


def fired_timers(workflow: BpmnWorkflow) -> dict[Any, str]:
    """One mark per timer firing so far, each with the bpmn id of the timer event that fired.

    Compare the marks before and after a call to learn what fired during it: a one-shot
    timer is marked by its completed task; each occurrence of a cycle by the child it adds
    for its first outgoing flow (the cycle's task stays waiting); an event-based gateway
    whose timer won by the gateway's task, naming the timer's catch event.
    """
    marks: dict[Any, str] = {}
    # The task dicts of the workflow and its sub-workflows, not Spiff's tree iterator: this
    # runs twice on every completion, and most tasks carry no event definition at all.
    for flow in (workflow, *workflow.subprocesses.values()):
        for task in flow.tasks.values():
            definition = getattr(task.task_spec, "event_definition", None)
            if definition is None or not task.state & _SEEN:
                continue
            spec = task.task_spec
            if isinstance(definition, CycleTimerEventDefinition):
                first = spec.outputs[0] if spec.outputs else None
                for child in task.children:
                    if child.task_spec is first:
                        marks[child.id] = spec.bpmn_id
            elif task.state != SpiffState.COMPLETED:
                continue
            elif isinstance(definition, _ONE_SHOT):
                marks[task.id] = spec.bpmn_id
            elif isinstance(spec, EventBasedGateway):
                for event in task.internal_data.get("seen_events", []):
                    if isinstance(event.event_definition, TimerEventDefinition):
                        branch = definition.event_definitions.index(event.event_definition)
                        marks[task.id] = spec.outputs[branch].bpmn_id
    return marks
