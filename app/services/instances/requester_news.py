"""Telling a requester how their case moves (issue 12, item 4).

A requester hears of a task of theirs when it is offered (`offering.offer`), but until now
nothing else: not that the service desk took the case on, not that it moved to the
infrastructure administrator, not that it was closed. Procedures that have a requester's
lane (`Pemohon`: requests, complaints) tell their starter when the case reaches a step of
another lane and when it ends, unless the starter did it themselves. A case a supervisor
terminates ends outside the diagram, so `tell_requester_terminated` says so, with the
supervisor's reason: otherwise the requester would only find it closed on their page.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.routing import username_of
from app.engine.specs import ParsedModel
from app.models import REQUESTER_LANE, Instance, InstanceStatus, Task, User
from app.services.notifications.messages import MailConfig, NotificationService

#: Notification kinds, for the requester's list and its filters.
CASE_PROGRESS = "case_progress"
CASE_CLOSED = "case_closed"


def has_requester(model: ParsedModel) -> bool:
    """Whether the procedure has a requester's lane, so its starter follows the case."""
    return any(info.lane == REQUESTER_LANE for info in model.user_tasks.values())


def tell_requester(
    session: Session,
    clock: Clock,
    mail: MailConfig,
    instance: Instance,
    model: ParsedModel,
    new_tasks: Sequence[Task],
    actor: User | None,
) -> None:
    """Notify the starter of the steps other lanes now hold, and of the end."""
    if not has_requester(model) or (actor is not None and actor.id == instance.started_by_id):
        return
    number = instance.reference or f"#{instance.id}"
    link = f"/proses/{instance.id}"
    notices = NotificationService(session, clock, mail)
    staff_steps = [task for task in new_tasks if task.lane != REQUESTER_LANE]
    if staff_steps:
        steps = ", ".join(f"{task.title} ({task.lane})" for task in staff_steps)
        notices.notify(
            [username_of(session, instance.started_by_id)],
            CASE_PROGRESS,
            f"{number}: {staff_steps[0].title}",
            f"Kasus Anda {number} kini sedang ditangani: {steps}. / "
            f"Your case {number} is now being handled: {steps}.",
            link,
            instance,
        )
    if instance.status == InstanceStatus.COMPLETE:
        notices.notify(
            [username_of(session, instance.started_by_id)],
            CASE_CLOSED,
            f"{number} selesai / closed",
            f"Kasus Anda {number} telah selesai. / Your case {number} is closed.",
            link,
            instance,
        )


def tell_requester_terminated(
    session: Session,
    clock: Clock,
    mail: MailConfig,
    instance: Instance,
    model: ParsedModel,
    actor: User,
    reason: str | None,
) -> None:
    """Notify the starter that `actor` terminated their case, and why (kind
    `case_closed`, as for any other end), unless they terminated it themselves."""
    if not has_requester(model) or actor.id == instance.started_by_id:
        return
    number = instance.reference or f"#{instance.id}"
    why, because = (f" Alasan: {reason}", f" Reason: {reason}") if reason else ("", "")
    NotificationService(session, clock, mail).notify(
        [username_of(session, instance.started_by_id)],
        CASE_CLOSED,
        f"{number} dihentikan / terminated",
        f"Kasus Anda {number} dihentikan oleh petugas.{why} / "
        f"Your case {number} was terminated by staff.{because}",
        f"/proses/{instance.id}",
        instance,
    )
