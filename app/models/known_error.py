"""Known errors: a problem's root cause and workaround, for the service desk to find."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.instance import Instance


class KnownError(Base):
    """The known error a problem instance recorded (one per problem, kept current).

    Written when a task of the problem procedure submits a workaround
    (docs/bpmn-conventions.md, "Known errors"); the problem instance stays the record.
    """

    __tablename__ = "known_error"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    symptoms: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    workaround: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    instance: Mapped[Instance] = relationship()
