"""People and the roles they hold for a scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.org import Agency, Service


class User(Base):
    """Someone who signs in. Deactivated users keep their history."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    #: Carried in every API token; bumping it (password change, deactivation, sign-out)
    #: makes every token issued before answer 401 (`AccountService.revoke_tokens`).
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    created_at: Mapped[datetime]

    assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", order_by="RoleAssignment.id"
    )
    agency: Mapped[Agency | None] = relationship()


class RoleAssignment(Base):
    """A role held for one service, one agency, or (both empty) everywhere."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        CheckConstraint("service_id IS NULL OR agency_id IS NULL", name="one_scope"),
        Index("ix_role_assignment_role_service", "role", "service_id"),
        Index("ix_role_assignment_role_agency", "role", "agency_id"),
        Index("ix_role_assignment_user_role", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(ForeignKey("role.name"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    granted_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="assignments")
    service: Mapped[Service | None] = relationship()
    agency: Mapped[Agency | None] = relationship()

    @property
    def scope_label(self) -> str:
        """Human-readable scope, for CLI listings."""
        if self.service_id is not None:
            return f"service:{self.service_id}"
        if self.agency_id is not None:
            return f"agency:{self.agency_id}"
        return "global"


class SignInFailure(Base):
    """One refused sign-in, counted by `SignInGuard` per account and per address while it
    is inside the throttling window, then pruned. Kept in the database so every web and
    worker process sees the same counts."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        Index("ix_sign_in_failure_username_at", "username", "at"),
        Index("ix_sign_in_failure_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The name as typed, whether or not such an account exists.
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(index=True)
