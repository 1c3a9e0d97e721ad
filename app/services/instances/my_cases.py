"""A requester's own cases, newest first, as they ask about them (issue 12, item 4).

"Where is my request?" is answered in words, not engine states: who has the case now
(the lane holding its open step), or that it waits for the requester, with the deadline
that applies and whether it is at risk. Only the instances the user started are listed,
so no other rule of visibility is needed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.clock import Clock
from app.models import REQUESTER_LANE, Instance, InstanceStatus, Task, TaskState, User
from app.services.deadlines.time_left import time_left

PAGE_SIZE = 20
_ENDED = {
    InstanceStatus.COMPLETE: "Selesai / Closed",
    InstanceStatus.TERMINATED: "Dihentikan / Terminated",
    InstanceStatus.SUSPENDED: "Ditangguhkan / Suspended",
    InstanceStatus.ERROR: (
        "Terhenti karena galat; petugas memeriksanya / Stopped by an error; staff are on it"
    ),
}


@dataclass(frozen=True)
class MyCase:
    """One of the requester's cases as their list shows it.

    Attributes:
        instance: the case.
        status_text: where it stands, "Indonesian / English".
        steps: the titles of its open steps.
        waiting_for_you: one of them is the requester's own.
        deadline: the SLA deadline that applies now (response until answered, then
            resolution), if the case has one.
        at_risk: that deadline is near (less than a quarter of its target left) or passed.
    """

    instance: Instance
    status_text: str
    steps: list[str]
    waiting_for_you: bool
    deadline: datetime | None
    at_risk: bool


@dataclass(frozen=True)
class MyCasesPage:
    """A page of cases; `next` is the cursor (an id) of the following, older page."""

    items: list[MyCase]
    next: int | None


class MyCases:
    """Reads a requester's cases."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def page(self, user: User, before: int | None = None, size: int = PAGE_SIZE) -> MyCasesPage:
        """The user's cases older than the case `before` (None: from the newest).

        Keyset paging by id, newest first: a new case never shifts the pages read so far.
        """
        query = (
            select(Instance)
            .where(Instance.started_by_id == user.id)
            .options(selectinload(Instance.service))
            .order_by(Instance.id.desc())
            .limit(size + 1)
        )
        if before is not None:
            query = query.where(Instance.id < before)
        rows = list(self.session.scalars(query))
        more = len(rows) > size
        rows = rows[:size]
        return MyCasesPage(self.describe(rows, user), rows[-1].id if more else None)

    def describe(self, instances: Sequence[Instance], user: User) -> list[MyCase]:
        """Each of `instances` (the user's own) as the requester reads it, in one query
        for their open steps."""
        open_tasks: dict[int, list[Task]] = defaultdict(list)
        if instances:
            for task in self.session.scalars(
                select(Task)
                .where(
                    Task.instance_id.in_([row.id for row in instances]),
                    Task.state.in_((TaskState.READY, TaskState.HELD)),
                )
                .order_by(Task.created_at, Task.id)
            ):
                open_tasks[task.instance_id].append(task)
        now = self.clock.now()
        return [self._case(row, open_tasks[row.id], user, now) for row in instances]

    def _case(self, instance: Instance, tasks: list[Task], user: User, now: datetime) -> MyCase:
        mine = [t for t in tasks if t.lane == REQUESTER_LANE and _offered_to(t, user)]
        if instance.status in _ENDED:
            status = _ENDED[instance.status]
        elif mine:
            status = f"Menunggu tindakan Anda: {mine[0].title} / Waiting for you: {mine[0].title}"
        elif tasks:
            lanes = ", ".join(dict.fromkeys(t.lane or "petugas" for t in tasks))
            status = f"Sedang ditangani oleh {lanes} / Being handled by {lanes}"
        else:
            status = "Sedang diproses / In progress"
        deadline, at_risk = None, False
        if instance.status not in (InstanceStatus.COMPLETE, InstanceStatus.TERMINATED):
            running = [c for c in time_left(self.session, instance, now) if c.stopped_at is None]
            if running:
                deadline, at_risk = running[0].due_at, running[0].warning or running[0].late
        return MyCase(
            instance=instance,
            status_text=status,
            steps=[t.title for t in tasks],
            waiting_for_you=bool(mine),
            deadline=deadline,
            at_risk=at_risk,
        )


def _offered_to(task: Task, user: User) -> bool:
    """The requester's lane task is theirs unless claimed by, or named for, someone else."""
    if task.claimed_by_id is not None:
        return task.claimed_by_id == user.id
    return task.assignee in (None, user.username)
