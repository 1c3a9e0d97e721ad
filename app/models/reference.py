"""Reference tables an administrator has changed from the regulation's values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User


class ReferenceTable(Base):
    """The rows of one SLA reference table (priority matrix, targets, urgency scheme).

    A table without a row here has the regulation's values (Perbup Bangka 21/2025
    Tabel 2, 3, 4, 11-14), which live in `app.sla`; a row is an administrator's edit.
    """

    __tablename__ = "reference_table"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    rows: Mapped[Any] = mapped_column()
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    updated_by: Mapped[User | None] = relationship()
