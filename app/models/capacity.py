"""Capacity: thresholds per configuration item and the measurements taken of it.

Kepbup Polewali Mandar 685/2021, III.2.b: the use of the components behind SPBE services
is monitored continuously against thresholds set for it ("penentuan ambang batas dan
acuan"), the results analysed and kept in a capacity database. A monitoring tool pushes
measurements with an integration token; a crossing of the critical threshold opens one
complaint, not one per sample (issue 14, item 5).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class CapacityMetric(StrEnum):
    """What is measured of an item (III.2: processor, memory, storage, bandwidth)."""

    CPU = "cpu"
    RAM = "ram"
    STORAGE = "storage"
    BANDWIDTH = "bandwidth"


class CapacityLevel(StrEnum):
    """The threshold a measurement reached."""

    WARNING = "warning"
    CRITICAL = "critical"


class CapacityThreshold(Base):
    """The warning and critical thresholds of one metric of one item, and where the
    newest measurement left it.

    `level` and `complaint_id` make a crossing act once: a complaint is opened when the
    level becomes critical, and again only after a measurement fell below the warning
    threshold. `reporter` holds what the complaint form asks of its reporter (NIP/NIK,
    unit, telephone); `reporter_id` is the person who then confirms its resolution.
    """

    __tablename__ = "capacity_threshold"
    __table_args__ = (
        UniqueConstraint("item_id", "metric", name="uq_capacity_threshold_item_metric"),
        CheckConstraint("warning < critical", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    metric: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20))
    #: The item's capacity in `unit` (64 GB of RAM...), for the chart; None: unstated.
    capacity: Mapped[float | None] = mapped_column(Float)
    warning: Mapped[float] = mapped_column(Float)
    critical: Mapped[float] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(20))
    last_measured_at: Mapped[datetime | None]
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reporter: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class CapacityMeasurement(Base):
    """One measurement of one metric of one item (the capacity database, III.2.b)."""

    __tablename__ = "capacity_measurement"
    __table_args__ = (
        Index("ix_capacity_measurement_item_metric_at", "item_id", "metric", "measured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("configuration_item.id"))
    metric: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    measured_at: Mapped[datetime]
    #: "api" (a tool or person through the API), "alertmanager", "form", "import"
    source: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class IntegrationToken(Base):
    """A long-lived token a monitoring tool pushes measurements with.

    Only its SHA-256 is stored; Admin Sistem creates it (the token is shown once) and
    revokes it. It allows `POST /api/v1/measurements` and nothing else.
    """

    __tablename__ = "integration_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
