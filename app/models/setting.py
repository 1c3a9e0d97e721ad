"""The values administrators chose for a diagram's settings (`setting:<name>`), per PD or
for the whole kabupaten."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.org import Agency
from app.models.user import User


class ProcessSetting(Base):
    """One chosen value of one setting of a model: for a PD, or kabupaten-wide when
    `agency_id` is None.

    Only what an administrator chose is stored; the diagram's declared default applies
    where no row does (app/services/process_models/settings.py overlays them). The row
    outlives versions: a new version declaring the same name keeps the choice.
    """

    __tablename__ = "process_setting"
    __table_args__ = (UniqueConstraint("process_model_id", "agency_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_model_id: Mapped[str] = mapped_column(ForeignKey("process_model.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    name: Mapped[str] = mapped_column(String(63))
    value: Mapped[Any]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    agency: Mapped[Agency | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
