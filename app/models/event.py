"""The append-only history of every instance: who did what, when, with which data."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User

if TYPE_CHECKING:
    from app.models.instance import Instance


class Event(Base):
    """One thing that happened to an instance. Rows are only ever inserted."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    user: Mapped[User | None] = relationship()
    #: Set by `record`, so that an event of an instance started in the same transaction
    #: gets the instance's id when both are written (no back reference: never loaded
    #: from this side).
    instance: Mapped[Instance | None] = relationship()
