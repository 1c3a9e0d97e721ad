"""Acting officials: Admin Sistem records who stands in for whom, in which role, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import InvalidInput, NotFound
from app.models import Agency, Delegation, Service, User
from app.services.accounts.permissions import ADMINISTER, holds_at, require
from app.services.accounts.users import AccountService
from app.services.audit.events import audit

KINDS = ("Plt", "Plh")


class DelegationService:
    """Create, list and end delegations; every change is an audit event."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor
        self.accounts = AccountService(session, clock, actor)

    def facts(self, delegation: Delegation) -> dict[str, Any]:
        """A delegation as plain values (codes and usernames, not ids)."""
        service = (
            self.session.get(Service, delegation.service_id) if delegation.service_id else None
        )
        agency = self.session.get(Agency, delegation.agency_id) if delegation.agency_id else None
        return {
            "id": delegation.id,
            "kind": delegation.kind,
            "delegate": delegation.delegate.username,
            "principal": delegation.principal.username,
            "role": delegation.role,
            "service": service.code if service else None,
            "agency": agency.code if agency else None,
            "starts_at": delegation.starts_at,
            "ends_at": delegation.ends_at,
            "decree_reference": delegation.decree_reference,
        }

    def all(self, username: str | None = None) -> list[Delegation]:
        """Delegations, optionally those a user gives or receives; newest first.

        Admin Sistem sees every delegation; anyone else only their own (`username` is
        their name).

        Raises:
            NotPermitted: someone else's or everyone's, and the actor is not Admin Sistem.
            NotFound: nobody is called `username`.
        """
        if self.actor is not None and username != self.actor.username:
            require(self.session, self.actor, ADMINISTER)
        query = select(Delegation)
        if username:
            user = self.accounts.by_username(username)
            query = query.where(
                or_(Delegation.delegate_id == user.id, Delegation.principal_id == user.id)
            )
        return list(
            self.session.scalars(query.order_by(Delegation.starts_at.desc(), Delegation.id.desc()))
        )

    def create(
        self,
        *,
        kind: str,
        delegate: str,
        principal: str,
        role: str,
        starts_at: datetime,
        ends_at: datetime,
        decree_reference: str,
        service_code: str | None = None,
        agency_code: str | None = None,
    ) -> Delegation:
        """Let `delegate` act as `principal` in `role` at one of the principal's scopes.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: an unknown user, service or agency.
            InvalidInput: wrong kind, empty decree, a range that ends before it starts,
                the same person twice, or a principal who does not hold that role there.
        """
        require(self.session, self.actor, ADMINISTER)
        errors: dict[str, list[str]] = {}
        if kind not in KINDS:
            errors["kind"] = ["Plt atau Plh / Plt or Plh"]
        if not decree_reference.strip():
            errors["decree_reference"] = ["nomor SK wajib / the decree reference is required"]
        if starts_at.tzinfo is None or ends_at.tzinfo is None:
            errors["starts_at"] = ["waktu harus memuat zona / times need a UTC offset"]
        elif ends_at <= starts_at:
            errors["ends_at"] = ["harus setelah mulai / must be after the start"]
        stand_in = self.accounts.by_username(delegate)
        holder = self.accounts.by_username(principal)
        if stand_in.id == holder.id:
            errors["delegate"] = ["tidak boleh orang yang sama / must be someone else"]
        service_id, agency_id = self.accounts.scope_ids(service_code, agency_code)
        if not holds_at(self.session, holder, role, service_id, agency_id):
            errors["principal"] = [
                f"{principal} tidak memegang peran {role} pada lingkup itu / "
                "does not hold that role at that scope"
            ]
        if errors:
            raise InvalidInput("Penugasan Plt/Plh tidak valid / invalid delegation", errors)
        delegation = Delegation(
            kind=kind,
            delegate_id=stand_in.id,
            principal_id=holder.id,
            role=role,
            service_id=service_id,
            agency_id=agency_id,
            starts_at=starts_at,
            ends_at=ends_at,
            decree_reference=decree_reference.strip(),
            created_at=self.clock.now(),
        )
        self.session.add(delegation)
        self.session.flush()
        audit(
            self.session,
            self.actor,
            "delegation_created",
            self.clock.now(),
            _jsonable(self.facts(delegation)),
        )
        return delegation

    def end(self, delegation_id: int) -> Delegation:
        """End a delegation now (or remove one that has not started); audited."""
        require(self.session, self.actor, ADMINISTER)
        delegation = self.session.get(Delegation, delegation_id)
        if delegation is None:
            raise NotFound(f"Penugasan {delegation_id} tidak ada / no delegation {delegation_id}")
        now = self.clock.now()
        facts = _jsonable(self.facts(delegation))
        if delegation.starts_at >= now:
            self.session.delete(delegation)
        elif delegation.ends_at > now:
            delegation.ends_at = now
        audit(self.session, self.actor, "delegation_ended", now, facts)
        self.session.flush()
        return delegation


def _jsonable(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in facts.items()}
