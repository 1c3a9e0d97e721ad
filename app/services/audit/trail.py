"""The administrators' audit trail of one object: who changed it, when, and what.

Every service that changes people, roles, agencies, the catalog, the reference tables,
the calendars or the schedules appends an audit event (`app.services.audit.events.audit`)
without an instance. This reads them back for one object, so the page that edits the
object can show its history. Which event kinds concern an object, and which data key
names it, is listed here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import NotFound
from app.models import Event, User
from app.services.accounts.permissions import ADMINISTER, require


@dataclass(frozen=True)
class Subject:
    """A kind of object: the audit event kinds about it and the data key naming it."""

    kinds: tuple[str, ...]
    key: str


SUBJECTS: dict[str, Subject] = {
    "agency": Subject(("agency_created", "agency_updated"), "code"),
    "user": Subject(
        ("user_created", "user_updated", "user_deactivated", "role_granted", "role_revoked"),
        "username",
    ),
    "service": Subject(("service_created", "service_updated"), "code"),
    "reference_table": Subject(("reference_table_updated", "reference_table_reset"), "table"),
    "calendar": Subject(
        (
            "working_calendar_updated",
            "working_calendar_reset",
            "regional_day_added",
            "regional_day_removed",
        ),
        "calendar",
    ),
    "schedule": Subject(
        (
            "schedule_created",
            "schedule_paused",
            "schedule_resumed",
            "schedule_deleted",
            "schedule_failed",
        ),
        "id",
    ),
}


@dataclass(frozen=True)
class AuditEntry:
    """One audited change: when, what kind, by whom (None: the system) and its data."""

    at: datetime
    kind: str
    actor: str | None
    data: dict[str, Any]


class AuditTrail:
    """Read the audit trail of an object (Admin Sistem only, like the changes themselves)."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        """`clock` is unused: reading the trail needs no time. It stays so that every
        administrator's service is built the same way."""
        self.session = session
        self.actor = actor

    def of(self, subject: str, name: object, limit: int = 50) -> list[AuditEntry]:
        """The newest `limit` audit events about one object, newest first.

        Args:
            subject: a key of `SUBJECTS` ("agency", "user", "service", ...).
            name: what the events' data calls the object (a code, a username, an id).
            limit: how many entries at most.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: `subject` is not a known kind of object.
        """
        require(self.session, self.actor, ADMINISTER)
        about = SUBJECTS.get(subject)
        if about is None:
            raise NotFound(f"Jenis objek '{subject}' tidak dikenal / unknown object kind")
        # The data column is JSON on every backend, so the object's name is matched here
        # rather than in SQL: audit events are few next to instances' events.
        rows = self.session.execute(
            select(Event.at, Event.kind, User.username, Event.data)
            .outerjoin(User, User.id == Event.user_id)
            .where(Event.instance_id.is_(None), Event.kind.in_(about.kinds))
            .order_by(Event.at.desc(), Event.id.desc())
        )
        matching = (
            AuditEntry(at, kind, username, data or {})
            for at, kind, username, data in rows
            if (data or {}).get(about.key) == name
        )
        return list(islice(matching, limit))
