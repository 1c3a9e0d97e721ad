"""What supervisors do to a running instance beyond the API's suspend and resume:
terminate it with a stated reason, and hand an open task to another role holder.

Both go through `InstanceService`'s own checks (visible, in the supervisor's scope, row
locked), so the web pages refuse exactly what the API refuses, with the same statuses.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.routing import reach_of
from app.engine.runtime import Runtime
from app.errors import Conflict, FormInvalid, NotFound, TaskNotReady
from app.models import REQUESTER_LANE, Instance, InstanceStatus, Task, TaskState, User
from app.services.audit.events import record
from app.services.instances.lifecycle import InstanceService, status_conflict
from app.services.instances.races import lost_race_is_conflict
from app.services.notifications.messages import MailConfig, notify_task_candidates
from app.services.ports import Specs

#: Longest reason or note kept with a supervisor's action.
REASON_MAX = 500
#: Instance statuses in which a task may change hands (held tasks of a suspended one too).
REASSIGNABLE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.SUSPENDED)


def _reason(text: str | None, required: bool) -> str:
    """The stripped reason, or FormInvalid naming the field `reason`."""
    reason = (text or "").strip()
    if required and not reason:
        raise FormInvalid(
            "Alasan wajib diisi / a reason is required", {"reason": ["Alasan wajib diisi."]}
        )
    if len(reason) > REASON_MAX:
        raise FormInvalid(
            "Alasan terlalu panjang / reason too long",
            {"reason": [f"Paling banyak {REASON_MAX} karakter."]},
        )
    return reason


class SupervisionService:
    """Supervisor actions that the instance service offers no reason or target for."""

    def __init__(
        self, session: Session, clock: Clock, specs: Specs, runtime: Runtime, mail: MailConfig
    ) -> None:
        self.session = session
        self.clock = clock
        self.mail = mail
        self.instances = InstanceService(session, clock, specs, runtime, mail)

    def terminate(self, instance_id: int, user: User, reason: str | None) -> Instance:
        """End an instance for good and record why, in one transaction.

        Raises:
            FormInvalid: no reason, or a reason longer than `REASON_MAX` (checked first,
                so nothing changes).
            NotFound, NotPermitted, Conflict: as `InstanceService.terminate`.
        """
        return self.instances.terminate(instance_id, user, _reason(reason, required=True))

    def reassign(
        self, instance_id: int, task_id: str, username: str, user: User, note: str | None = None
    ) -> Task:
        """Give an open task of the instance to `username`, who must be one of its
        candidates by the routing rules (`app.engine.routing`).

        A task waiting in the role's pool is claimed for the new person; a task routed to
        one named person (`assigneeVariable`) is routed to the new person instead. Tasks
        for the requester (lane `Pemohon`) stay with the requester.

        Raises:
            NotFound: no such instance, or no such task in it.
            NotPermitted: the user may not supervise the instance.
            Conflict: the instance or task is closed, the task belongs to the requester,
                or it is already with that person.
            FormInvalid: unknown or inactive user, not a candidate, or a note too long.
        """
        stated = _reason(note, required=False)
        with lost_race_is_conflict():
            instance = self.instances.supervised(instance_id, user)
            task = self.session.get(Task, task_id)
            if task is None or task.instance_id != instance.id:
                raise NotFound("Tugas tidak ditemukan / task not found")
            self.session.refresh(task)
            if instance.status not in REASSIGNABLE_STATUSES:
                raise status_conflict(instance)
            if task.state not in (TaskState.READY, TaskState.HELD):
                raise TaskNotReady("Tugas sudah selesai / task is no longer open")
            if not task.requires_role or task.lane in (None, REQUESTER_LANE):
                raise Conflict(
                    "Tugas untuk pemohon tidak dapat dialihkan / a requester's task stays "
                    "with the requester"
                )
            target = self._candidate(task, username)
            previous = task.claimed_by.username if task.claimed_by else task.assignee
            if previous == target.username:
                raise Conflict(
                    "Tugas sudah dipegang pengguna ini / the task is already with this user"
                )
            if task.assignee is not None:
                task.assignee = target.username
            task.claimed_by = target
            task.unroutable = False
            now = self.clock.now()
            record(
                self.session,
                instance,
                "task_reassigned",
                now,
                user,
                task.id,
                {
                    "task": task.bpmn_id,
                    "lane": task.lane,
                    "from": previous,
                    "to": target.username,
                    "note": stated,
                },
            )
            self.session.flush()
            notify_task_candidates(
                self.session,
                self.clock,
                self.mail.enabled,
                task,
                [target.username],
            )
            self.session.flush()
        return task

    def assign(self, task_id: str, username: str, user: User, note: str | None = None) -> Task:
        """`reassign` by the task's id alone (the API's `POST /tasks/{id}/assign`): hand
        any open task of an instance `user` supervises, unroutable ones included, to a
        holder of its lane's role for the scope.

        Raises:
            NotFound: no such task.
            NotPermitted, Conflict, FormInvalid: as `reassign`.
        """
        task = self.session.get(Task, task_id)
        if task is None:
            raise NotFound("Tugas tidak ditemukan / task not found")
        return self.reassign(task.instance_id, task_id, username, user, note)

    def _candidate(self, task: Task, username: str) -> User:
        """The active user `username` if the routing rules let them act on `task`.

        A pool task takes the holders the rules route it to; a task for one named person
        takes anyone holding the lane's role at a level covering the scope, as it would
        if the diagram had named them.
        """
        target = self.session.scalar(select(User).where(User.username == username.strip()))
        if target is None or not target.active:
            raise FormInvalid(
                "Pengguna tidak dikenal / unknown user",
                {"username": ["Pengguna tidak dikenal atau tidak aktif."]},
            )
        reach = reach_of(self.session, target, self.clock.now())
        if task.assignee is None:
            allowed = reach.may_act(task)
        else:
            allowed = any(
                grant.covers(task.lane, task.service_id, task.agency_id) for grant in reach.grants
            )
        if not allowed:
            raise FormInvalid(
                "Pengguna bukan pemegang peran lajur ini / not a holder of the lane's role",
                {"username": [f"{target.username} tidak memegang peran {task.lane}."]},
            )
        return target
