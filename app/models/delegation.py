"""Acting officials (Plt/Plh): a role holder substituted by another user for a while."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.user import User


class Delegation(Base):
    """`delegate` acts as `principal` in one role and scope from `starts_at` to `ends_at`.

    Plt (pelaksana tugas) stands in for a vacant or long-absent post, Plh (pelaksana
    harian) for a short absence; both are appointed by a decree whose reference is kept.
    """

    __tablename__ = "delegation"
    __table_args__ = (
        CheckConstraint("service_id IS NULL OR agency_id IS NULL", name="one_scope"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_delegation_delegate_window", "delegate_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))  # "Plt" | "Plh"
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    principal_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(ForeignKey("role.name"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    decree_reference: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]

    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])
    principal: Mapped[User] = relationship(foreign_keys=[principal_id])
