"""Periodic procedures: which model an agency starts, how often, next when, as whom."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.org import Agency
from app.models.user import User


class Schedule(Base):
    """A periodic start (monthly incident review, monthly monitoring report, ...).

    The worker starts `process_model_id` at `next_at`, as `owner` (whose inbox gets the
    starter's tasks), with `start_data` plus the period's label, then moves `next_at`
    one `cycle` on.
    """

    __tablename__ = "schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_model_id: Mapped[str] = mapped_column(ForeignKey("process_model.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    cycle: Mapped[str] = mapped_column(String(10))  # P1W | P1M | P3M | P6M | P1Y
    next_at: Mapped[datetime] = mapped_column(index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    start_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    agency: Mapped[Agency | None] = relationship()
    owner: Mapped[User] = relationship()
