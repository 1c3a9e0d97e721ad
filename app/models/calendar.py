"""The working calendar as data: office hours per PD and regional days off.

National holidays and cuti bersama come from the `holidays` package (`app.sla.holidays_id`)
and the built-in office hours from Perpres 21/2023 (`app.sla.calendar`); these tables hold
only what an Admin Sistem changed or added on top of them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class OfficeHours(Base):
    """The office hours of one PD, or (``agency_id`` NULL) the kabupaten-wide default.

    A PD without a row of its own works the default row's hours; without a default row,
    the built-in government default. The database does not stop a second NULL row (NULLs
    are distinct in a unique constraint), so `app.services.deadlines.calendars` keeps it to one.
    """

    __tablename__ = "working_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), unique=True)
    #: Seven lists, Monday..Sunday, of ``["HH:MM", "HH:MM"]`` intervals in local time.
    office_hours: Mapped[list[Any]] = mapped_column()
    updated_at: Mapped[datetime]


class RegionalDay(Base):
    """A regional day off (libur daerah): for one PD, or (``agency_id`` NULL) for every PD."""

    __tablename__ = "regional_day"
    __table_args__ = (UniqueConstraint("agency_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(200))
