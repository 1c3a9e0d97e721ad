"""Projecting an engine outcome into the query tables.

The engine's state is the truth; the instance row, its task rows and its events are what
inboxes, lists and histories read. After every step the instance service writes the
outcome here first, then runs the follow-ups (clocks, offering the new tasks, messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.routing import route_for, username_of
from app.engine.runtime import Outcome
from app.models import Instance, InstanceStatus, Task, TaskState, User
from app.services.audit.events import record


@dataclass
class TaskRows:
    """The instance's ready task rows after a step, and which of them the step created."""

    open: list[Task]
    new: list[Task]


def project_instance(
    session: Session, instance: Instance, outcome: Outcome, now: datetime
) -> dict[str, Any] | None:
    """Write the engine's state, data, status and next timer into the instance row.

    A suspended instance stays suspended through a step (a message may still arrive),
    unless the step ended or failed it.

    Returns:
        The data before the step, for the search index (`index_instance`); None for a
        new instance, whose row already holds the outcome's data.
    """
    previous = None if instance.data is outcome.data else instance.data
    instance.state = outcome.state
    instance.data = outcome.data
    instance.updated_at = now
    instance.next_timer_at = outcome.next_timer_at
    if instance.status != InstanceStatus.SUSPENDED or outcome.status in ("complete", "error"):
        instance.status = outcome.status
    if outcome.fired:
        record(session, instance, "timer_fired", now, None, data={"elements": outcome.fired})
    return previous


def project_tasks(
    session: Session,
    instance: Instance,
    outcome: Outcome,
    actor: User | None,
    completed_task_id: str | None,
    now: datetime,
    ready_rows: list[Task] | None = None,
) -> TaskRows:
    """Close the rows of tasks the step took away (completed by `actor`, or cancelled by
    the diagram) and add a row, routed by its lane, for each task it made ready.

    `ready_rows` are the instance's ready rows, oldest first, when the caller has them.
    """
    ready_ids = {task.id for task in outcome.ready}
    rows = ready_rows
    if rows is None:
        rows = list(
            session.scalars(
                select(Task)
                .where(Task.instance_id == instance.id, Task.state == TaskState.READY)
                .order_by(Task.created_at, Task.id)
            )
        )
    for row in rows:
        if row.id in ready_ids:
            continue
        row.completed_at = now
        if row.id == completed_task_id:
            row.state = TaskState.COMPLETED
            row.completed_by_id = actor.id if actor else None
        else:
            row.state = TaskState.CANCELLED
            record(session, instance, "task_cancelled", now, None, row.id, {"task": row.bpmn_id})
    existing = {row.id for row in rows}
    new = []
    starter = username_of(session, instance.started_by_id)
    for ready in outcome.ready:
        if ready.id in existing:
            continue
        route = route_for(ready.info, ready.data, starter)
        row = Task(
            id=ready.id,
            instance_id=instance.id,
            process_model_id=instance.process_model_id,
            bpmn_id=ready.info.bpmn_id,
            title=ready.info.title,
            lane=route.lane,
            service_id=instance.service_id,
            agency_id=instance.agency_id,
            assignee=route.assignee,
            requires_role=route.requires_role,
            form_file=ready.info.form.schema_file if ready.info.form else None,
            ui_form_file=ready.info.form.ui_file if ready.info.form else None,
            instructions=ready.info.instructions,
            created_at=now,
        )
        session.add(row)
        new.append(row)
    return TaskRows(rows + new, new)


def project_end(
    session: Session,
    instance: Instance,
    outcome: Outcome,
    actor: User | None,
    rows: TaskRows,
    now: datetime,
) -> None:
    """Hold the ready tasks of a suspended or failed instance; record a failure or the end."""
    if instance.status in (InstanceStatus.SUSPENDED, InstanceStatus.ERROR):
        for row in rows.open:
            if row.state == TaskState.READY:
                row.state = TaskState.HELD
    if outcome.failure is not None:
        instance.error_message = outcome.failure.message
        record(
            session,
            instance,
            "instance_error",
            now,
            actor,
            data={
                "message": outcome.failure.message,
                "kind": outcome.failure.kind,
                "element_id": outcome.failure.element_id,
            },
        )
    if outcome.status == "complete":
        instance.ended_at = now
        record(session, instance, "instance_completed", now, None)
