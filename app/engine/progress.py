"""Which diagram elements an instance has passed, is at, and waits on, read from its state.

The instance page marks the diagram with these: a supervisor sees at a glance where a
ticket stands. They come from the stored workflow (the task table only knows user
tasks), so a timer or a message catch the instance waits on shows too. Only element
ids of the instance's own diagram leave this module, never Spiff objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState as SpiffState

from app.engine.serializer import load_state
from app.engine.specs import ParsedModel


@dataclass(frozen=True)
class ElementProgress:
    """BPMN element ids by what the instance is doing with them.

    Attributes:
        completed: elements run at least once and not current now.
        active: user tasks waiting for a person (READY).
        waiting: events waiting for a timer or a message, and other elements the
            workflow is parked on (e.g. a boundary timer of an active task).
    """

    completed: frozenset[str]
    active: frozenset[str]
    waiting: frozenset[str]


def element_progress(model: ParsedModel, state: bytes) -> ElementProgress:
    """Read the element states of a stored workflow of `model`.

    An element that ran before and is current again (a loop back) counts as current.
    """
    workflow = load_state(state, model.spec, model.subprocess_specs)
    completed: set[str] = set()
    active: set[str] = set()
    waiting: set[str] = set()
    for flow in (workflow, *workflow.subprocesses.values()):
        for task in flow.get_tasks():
            bpmn_id = task.task_spec.bpmn_id
            if not bpmn_id:
                continue  # Spiff's own plumbing (start, end, boundary splits)
            if task.state == SpiffState.COMPLETED:
                completed.add(bpmn_id)
            elif task.state == SpiffState.READY and task.task_spec.manual:
                active.add(bpmn_id)
            elif task.state in (SpiffState.WAITING, SpiffState.STARTED) and (
                hasattr(task.task_spec, "event_definition") or task.state == SpiffState.STARTED
            ):
                waiting.add(bpmn_id)
    return ElementProgress(
        completed=frozenset(completed - active - waiting),
        active=frozenset(active),
        waiting=frozenset(waiting - active),
    )
