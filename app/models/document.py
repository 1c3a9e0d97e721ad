"""Documents the app generates from its records and keeps, version by version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class SlaDocument(Base):
    """One version of a service's SLA document (Kepbup Polewali Mandar 685/2021, III.1.b:
    "penyusunan dan pemutakhiran dokumen manajemen tingkat layanan").

    A version is never changed: when the data it was generated from change (`data_hash`
    differs), the next reading generates the next version. The PDF is kept in the row, not
    regenerated, so version N reads tomorrow exactly as it was issued (a few tens of KB).
    """

    __tablename__ = "sla_document"
    __table_args__ = (UniqueConstraint("service_id", "version", name="uq_sla_document_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    version: Mapped[int]
    generated_at: Mapped[datetime]
    #: Whose reading generated it; None for the system.
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: SHA-256 of `data` as canonical JSON.
    data_hash: Mapped[str] = mapped_column(String(64))
    #: The figures it was generated from (the catalog entry, its targets, its contacts).
    data: Mapped[dict[str, Any]]
    #: The PDF; loaded only when read (a list of versions needs none of it).
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int]
