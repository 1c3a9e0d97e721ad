"""The change calendar (Kepbup Polewali Mandar 685/2021, II.4): approved changes with
their schedule, as Manajemen Perubahan records it, for everyone planning work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.errors import InvalidInput
from app.models import Instance, InstanceStatus, User
from app.services.ports import Instances

CHANGE_MODEL = "manajemen-perubahan"
STARTS, ENDS = "jadwal_mulai", "jadwal_selesai"


@dataclass(frozen=True)
class ScheduledChange:
    """One change on the calendar."""

    instance: Instance
    starts_at: datetime
    ends_at: datetime


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def scheduled_changes(
    instances: Instances, user: User, start: datetime, end: datetime
) -> list[ScheduledChange]:
    """Changes the user may see whose window overlaps [start, end), earliest first.

    The schedule lives in the change's data (set by its scheduling task), so open and
    completed changes are read and filtered here; a terminated one is off the calendar.

    Raises:
        InvalidInput: `end` is not after `start`, or the range is over a year.
    """
    if end <= start or (end - start).days > 366:
        raise InvalidInput(
            "Rentang tidak valid / invalid range", {"to": ["after 'from', at most a year"]}
        )
    changes = instances.session.scalars(
        select(Instance).where(
            Instance.process_model_id == CHANGE_MODEL,
            Instance.status != InstanceStatus.TERMINATED,
            instances.visible_clause(user),
        )
    )
    found = []
    for instance in changes:
        starts, ends = _moment(instance.data.get(STARTS)), _moment(instance.data.get(ENDS))
        if starts is not None and ends is not None and starts < end and ends > start:
            found.append(ScheduledChange(instance, starts, ends))
    return sorted(found, key=lambda change: (change.starts_at, change.instance.id))
