"""User tasks as a query table: the inbox reads this, never the engine state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User


class TaskState:
    """States a user task row can be in (a subset of the engine's)."""

    READY = "ready"
    HELD = "held"  # ready in the engine, but its instance is suspended or in error
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Task(Base):
    """A user task of an instance, with the scope and routing facts the inbox filters on.

    `assignee` (a username) is set when the task goes to one person: the requester for
    lane `Pemohon`, or the user named by the task's `assigneeVariable`. It is a name, not
    a key, so that a name that matches nobody routes the task to nobody (and flags it)
    instead of falling back to every holder of the role. `requires_role` says whether
    that person must also hold the lane's role.
    """

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_inbox_role", "state", "lane", "service_id", "claimed_by_id", "assignee"),
        Index(
            "ix_task_inbox_role_agency", "state", "lane", "agency_id", "claimed_by_id", "assignee"
        ),
        Index("ix_task_inbox_assignee", "state", "assignee"),
        Index("ix_task_inbox_claimed", "state", "claimed_by_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the engine's task UUID
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    process_model_id: Mapped[str] = mapped_column(String(100))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20), default=TaskState.READY)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    assignee: Mapped[str | None] = mapped_column(String(80))
    requires_role: Mapped[bool] = mapped_column(default=True)
    unroutable: Mapped[bool] = mapped_column(default=False)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    form_file: Mapped[str | None] = mapped_column(String(200))
    ui_form_file: Mapped[str | None] = mapped_column(String(200))
    instructions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime | None]

    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
