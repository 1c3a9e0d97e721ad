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
from app.services.accounts.permissions import supervisors_of
from app.services.audit.events import record
from app.services.notifications.messages import (
    MailConfig,
    NotificationService,
    notify_task_candidates,
)


def offer(
    session: Session,
    clock: Clock,
    mail: MailConfig,
    instance: Instance,
    tasks: Sequence[Task],
) -> None:
    """Notify the candidates of each new task, or mark it unroutable and tell the
    instance's supervisors, who can hand it to someone (`SupervisionService.assign`).

    Args:
        mail: whether notifications also go out by e-mail, and from whom.
    """
    now = clock.now()
    for row in tasks:
        names = candidates(session, row, now)
        if names:
            notify_task_candidates(session, clock, mail.enabled, row, names)
            continue
        row.unroutable = True
        NotificationService(session, clock, mail).notify(
            supervisors_of(session, instance.service_id, instance.agency_id),
            "task_unroutable",
            f"Tugas tanpa penerima: {row.title}",
            f'Tidak ada yang dapat mengerjakan tugas "{row.title}" (lajur {row.lane}) pada '
            f"permohonan #{instance.id}; serahkan kepada pemegang peran lajurnya.",
            f"/api/v1/tasks/{row.id}",
            instance,
        )
        record(
            session,
            instance,
            "task_unroutable",
            now,
            None,
            row.id,
            {"task": row.bpmn_id, "lane": row.lane, "assignee": row.assignee},
        )
