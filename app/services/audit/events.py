"""The append-only event log: instance history and the administrators' audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.models import Event, Instance, User
from app.services.deadlines.clock_history import fold_into


def record(
    session: Session,
    instance: Instance | None,
    kind: str,
    at: datetime,
    user: User | None = None,
    task_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event to an instance's history (and to its clocks' folded history).

    An instance not yet written (a start) has no id: the event then gets it when both
    are written, through `Event.instance`.
    """
    event = Event(
        instance=instance,
        instance_id=instance.id if instance else None,
        task_id=task_id,
        user_id=user.id if user else None,
        kind=kind,
        at=at,
        data=data or {},
    )
    session.add(event)
    if instance is not None:
        fold_into(instance, event)
    return event


def audit(
    session: Session, actor: User | None, kind: str, at: datetime, data: dict[str, Any]
) -> Event:
    """Append one change to users, roles, agencies, the catalog or models.

    `actor` is None when the system acts (the CLI, the demo loader).
    """
    return record(session, None, kind, at, actor, data=data)
