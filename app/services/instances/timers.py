"""Advancing timers: what `spbe tick` does once and `spbe worker` does in a loop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.models import OPEN_STATUSES, Instance
from app.services.instances.lifecycle import InstanceService
from app.services.instances.races import lost_race_is_conflict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fired:
    """One instance whose timers fired in a tick."""

    instance_id: int
    elements: list[str]
    status: str


class TimerService:
    """Fire due timers, one instance per transaction.

    Several workers may tick at once: each claims due instances with
    `FOR UPDATE SKIP LOCKED` (PostgreSQL), so no timer fires twice and nobody waits for
    another worker's rows. SQLite has one writer at a time, which serialises ticks.
    """

    def __init__(
        self, sessions: Callable[[], Session], instances_for: Callable[[Session], InstanceService]
    ) -> None:
        """`sessions` opens a session (one per instance fired); `instances_for` gives the
        instance service for a session (`Platform.instances`)."""
        self.sessions = sessions
        self.instances_for = instances_for

    def due_ids(self, limit: int) -> list[int]:
        """Ids of open instances with a timer due now (a snapshot; re-checked under lock)."""
        with self.sessions() as session:
            now = self.instances_for(session).clock.now()
            return list(
                session.scalars(
                    select(Instance.id)
                    .where(
                        Instance.status.in_(OPEN_STATUSES),
                        Instance.next_timer_at <= now,
                    )
                    .order_by(Instance.next_timer_at)
                    .limit(limit)
                )
            )

    def tick(self, limit: int = 100) -> list[Fired]:
        """Fire every timer due at the clock's now (at most `limit` instances)."""
        fired: list[Fired] = []
        for instance_id in self.due_ids(limit):
            result = self._fire_one(instance_id)
            if result is not None:
                fired.append(result)
        return fired

    def _fire_one(self, instance_id: int) -> Fired | None:
        """Fire one instance's due timers in its own transaction.

        Without SKIP LOCKED (SQLite) two workers may both load the instance; the version
        column lets only the first commit, and the other's work is rolled back whole.
        """
        try:
            with lost_race_is_conflict():
                return self._fire_in_transaction(instance_id)
        except Conflict:
            log.info("instance %s was advanced by another worker", instance_id)
            return None

    def _fire_in_transaction(self, instance_id: int) -> Fired | None:
        with self.sessions() as session, session.begin():
            service = self.instances_for(session)
            now = service.clock.now()
            instance = session.scalar(
                select(Instance)
                .where(
                    Instance.id == instance_id,
                    Instance.status.in_(OPEN_STATUSES),
                    Instance.next_timer_at <= now,
                )
                .with_for_update(skip_locked=True)
            )
            if instance is None:
                return None  # another worker has it, or it moved on
            model = service.model_for(instance)
            outcome = service.runtime.fire_timers(
                model, instance.state, service.clock, service.scripts_of(instance)
            )
            if outcome is None:
                return None
            service.apply(instance, model, outcome, None)
            log.info("timers fired on instance %s: %s", instance.id, outcome.fired)
            return Fired(instance.id, outcome.fired, instance.status)
