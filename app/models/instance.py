"""Process instances: engine state plus the columns lists and schedulers query."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base

if TYPE_CHECKING:
    from app.models.org import Service
    from app.models.process_model import ProcessModelVersion
    from app.models.user import User


class InstanceStatus(StrEnum):
    """Where an instance stands, as the API reports it."""

    RUNNING = "running"  # someone has a user task to do
    WAITING = "waiting"  # only timers or messages can move it
    SUSPENDED = "suspended"
    COMPLETE = "complete"
    TERMINATED = "terminated"
    ERROR = "error"


OPEN_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.WAITING)


class Instance(Base):
    """One run of a process model version.

    `state` is SpiffWorkflow's serialized workflow *without* the spec (stored once per
    version), zlib-compressed (see `app.engine.serializer`). `lock_version` makes
    concurrent writers detectable: SQLAlchemy adds it to every UPDATE's WHERE clause and
    raises StaleDataError on a lost race.
    """

    __tablename__ = "process_instance"
    __table_args__ = (
        Index("ix_process_instance_timer", "status", "next_timer_at"),
        Index("ix_process_instance_model_status", "process_model_id", "status"),
        Index("ix_process_instance_resolution_due", "status", "resolution_due_at"),
        # the instance list's seek in these orders (app/services/instances/sorting.py)
        Index("ix_process_instance_status_id", "status", "id"),
        Index("ix_process_instance_priority_id", "priority", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_model_id: Mapped[str] = mapped_column(ForeignKey("process_model.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("process_model_version.id"))
    status: Mapped[str] = mapped_column(String(20), default=InstanceStatus.RUNNING)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    next_timer_at: Mapped[datetime | None]
    error_message: Mapped[str | None] = mapped_column(Text)
    #: The versions of other models its call activities run, by called process id, fixed
    #: at the start (app/engine/bundles.py); None when it calls no other model.
    called_versions: Mapped[dict[str, Any] | None]
    #: The instance that started this one by a message (docs/bpmn-conventions.md, "Links").
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    #: Human-readable number, e.g. ADU-2026-000123 (the model's `referencePrefix`).
    reference: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)
    #: The SLA clocks' latest reading (deadlines/service_levels.py derives it from the events).
    priority: Mapped[str | None] = mapped_column(String(20))
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    #: What the SLA clocks need from the events, folded as they are recorded
    #: (app/services/deadlines/clock_history.py); None before the first fold.
    sla_history: Mapped[dict[str, Any] | None]
    lock_version: Mapped[int] = mapped_column(default=1)

    version: Mapped[ProcessModelVersion] = relationship()
    started_by: Mapped[User] = relationship()
    service: Mapped[Service | None] = relationship()
    parent: Mapped[Instance | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012


class ReferenceSequence(Base):
    """The last reference number given per prefix and year (ADU-2026-000123)."""

    __tablename__ = "reference_sequence"

    prefix: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int]
