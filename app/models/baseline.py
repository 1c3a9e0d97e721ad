"""Configuration baselines: named, immutable snapshots of a set of items.

Kepbup Polewali Mandar 685/2021, II.3 b.3 asks for a configuration baseline ("menetapkan
konfigurasi dasar"), and II.3 e for verification that compares what is recorded with what
is found; a baseline keeps each item's recorded fields and relations as they stood, so two
baselines, or a baseline and now, can be compared item by item (issue 14, item 3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ConfigurationBaseline(Base):
    """A snapshot; rows are only ever inserted.

    `items` maps each item's id (as a string, JSON's keys) to its fields as
    `configuration.history.snapshot` writes them, plus `type` and `relations`.
    """

    __tablename__ = "configuration_baseline"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: The PD whose items it holds; None: the kabupaten's.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The case (a verification, a change, a release) it was taken for, if any.
    source_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    items: Mapped[dict[str, Any]] = mapped_column(default=dict)
