"""Service continuity: a service's DRP kept as numbered versions, and the training held on
it (Kepbup Polewali Mandar 685/2021, III.3; issue 14, item 7).

III.3.a asks for a recovery strategy that meets the service's needs (the recovery option:
manual, gradual, intermediate, fast or immediate; the backup strategy), III.3.b for the
emergency recovery plan and its tests, III.3.c for training and for changing the plan after
evaluation and tests. A version is never changed: a test or an evaluation that changes the
plan records a new one, naming the case it comes from.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.attachment import Attachment
from app.models.base import Base


class RecoveryOption(StrEnum):
    """The recovery options III.3.a names, by their stored value."""

    MANUAL = "manual"  # prosedur manual
    GRADUAL = "gradual"  # pemulihan gradual
    INTERMEDIATE = "intermediate"  # pemulihan intermediasi
    FAST = "fast"  # pemulihan cepat
    IMMEDIATE = "immediate"  # pemulihan segera


class ContinuityPlan(Base):
    """One version of a service's DRP (rencana pemulihan bencana)."""

    __tablename__ = "continuity_plan"
    __table_args__ = (
        UniqueConstraint("service_id", "version", name="uq_continuity_plan_version"),
        CheckConstraint("rpo_minutes >= 0 AND rto_minutes > 0", name="objectives"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    version: Mapped[int]
    rpo_minutes: Mapped[int]
    rto_minutes: Mapped[int]
    recovery_option: Mapped[str] = mapped_column(String(20))
    recovery_strategy: Mapped[str] = mapped_column(Text)
    backup_strategy: Mapped[str] = mapped_column(Text)
    #: [{"name", "role", "telephone"}]: whom to call when it is activated.
    contacts: Mapped[list[Any]] = mapped_column(default=list)
    #: Where the signed document is kept (a number, a link), beside these fields.
    document_reference: Mapped[str] = mapped_column(String(200), default="")
    #: Why this version: what changed and from which test or evaluation.
    note: Mapped[str] = mapped_column(Text, default="")
    source_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    #: The DRP document itself (PDF, DOCX or ODT), kept with the forms' files; a file a
    #: version holds is never an abandoned upload (`AttachmentService.delete_abandoned`).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"), unique=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    document: Mapped[Attachment | None] = relationship()


class ContinuityTraining(Base):
    """A training or awareness session on a service's recovery procedures (III.3.c)."""

    __tablename__ = "continuity_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    held_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    plan_version: Mapped[int | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
