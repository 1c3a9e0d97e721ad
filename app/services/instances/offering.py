"""Offering new tasks: find each one's candidates and tell them, or say nobody can take it.

Candidates are the holders of the lane's role for the instance's scope, or the named
assignee (app/engine/routing.py). A task nobody can take is marked unroutable and its
instance gets a `task_unroutable` event, so supervisors see it instead of a silent wait.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.routing import candidates
from app.models import Instance, Task
from app.services.audit.events import record
from app.services.notifications.messages import notify_task_candidates


def offer(
    session: Session,
    clock: Clock,
    mail_enabled: bool,
    instance: Instance,
    tasks: Sequence[Task],
) -> None:
    """Notify the candidates of each new task, or mark it unroutable.

    Args:
        mail_enabled: whether notifications also go out by e-mail (SMTP configured).
    """
    now = clock.now()
    for row in tasks:
        names = candidates(session, row, now)
        if names:
            session.flush()
            notify_task_candidates(session, clock, mail_enabled, row, names)
            continue
        row.unroutable = True
        record(
            session,
            instance,
            "task_unroutable",
            now,
            None,
            row.id,
            {"task": row.bpmn_id, "lane": row.lane, "assignee": row.assignee},
        )
