"""A requester's personal data, shown only to those who need it (issue 11, item 7).

NIP/NIK, telephone and e-mail in an instance's data and history are shown to the
requester, to the users who can act on (or did act on) the instance's tasks, and to the
supervisors of its service or PD (Penanggung Jawab, Pimpinan PD); everyone else who may see
the instance (an Analis Proses, Admin Sistem, a coordinator) gets them masked, in the API
and on the pages alike: an instance, the history, and a task read (`TaskService.get`: a
holder of a closed task's lane role who never acted reads it masked). The API's instance
list and its record-number search carry no instance data; the inbox and instance-list
pages, their searches and the exports no personal field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.routing import reach_of, roster_of
from app.models import Event, Instance, Task, TaskState, User
from app.services.accounts.permissions import SUPERVISORS
from app.services.casework.audience import audible

#: The data fields that identify or reach a requester.
PERSONAL_FIELDS = frozenset({"nip_nik", "telepon", "email"})
MASK = "••••"


def masked(value: Any) -> Any:
    """`value` with every personal field, at any depth, replaced by `MASK`."""
    if isinstance(value, dict):
        return {
            key: MASK if key in PERSONAL_FIELDS and item not in (None, "") else masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


@dataclass(frozen=True)
class ShownEvent:
    """A history entry as a reader may see it (its data masked where needed)."""

    id: int
    kind: str
    at: datetime
    user: User | None
    task_id: str | None
    data: Any


class Disclosure:
    """Whose personal data one user may read, decided for many instances at once."""

    def __init__(self, session: Session, user: User, now: datetime) -> None:
        self.session = session
        self.user = user
        self.reach = reach_of(session, user, now)
        grants = [
            (service_id, agency_id)
            for holder, role, service_id, agency_id in roster_of(session).assignments
            if holder == user.id and role in SUPERVISORS
        ]
        self.everywhere = any(s is None and a is None for s, a in grants)
        self.services = {s for s, _ in grants if s is not None}
        self.agencies = {a for s, a in grants if s is None and a is not None}

    def reveals(self, instances: Iterable[Instance]) -> set[int]:
        """Ids of the instances whose personal data the user may read."""
        shown, rest = set(), []
        for instance in instances:
            if instance.started_by_id == self.user.id or self._supervises(instance):
                shown.add(instance.id)
            else:
                rest.append(instance.id)
        if rest:
            for task in self.session.scalars(select(Task).where(Task.instance_id.in_(rest))):
                if self._acts_on(task):
                    shown.add(task.instance_id)
        return shown

    def data(self, instance: Instance, revealed: set[int]) -> dict[str, Any]:
        """The instance's data as this reader may see it."""
        data = instance.data or {}
        return data if instance.id in revealed else masked(data)

    def events(self, instance: Instance, events: Iterable[Event], revealed: set[int]) -> list[Any]:
        """The history as this reader may see it: the rows themselves, or masked copies,
        without the internal notes a requester may not read (casework/audience.py)."""
        events = audible(self.session, self.user, instance, events)
        if instance.id in revealed:
            return list(events)
        return [ShownEvent(e.id, e.kind, e.at, e.user, e.task_id, masked(e.data)) for e in events]

    def _supervises(self, instance: Instance) -> bool:
        return (
            self.everywhere
            or instance.service_id in self.services
            or instance.agency_id in self.agencies
        )

    def _acts_on(self, task: Task) -> bool:
        if self.user.id in (task.completed_by_id, task.claimed_by_id):
            return True
        return task.state in (TaskState.READY, TaskState.HELD) and self.reach.may_act(task)
