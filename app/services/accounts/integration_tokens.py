"""Integration tokens: how a monitoring tool (Zabbix, Prometheus Alertmanager) pushes
capacity measurements without a person's account (issue 14, item 5).

A token is shown once, when Admin Sistem creates it; only its SHA-256 is stored, so a copy
of the database gives no working token. It allows recording measurements and nothing else,
and stays valid until revoked (a tool cannot sign in again every 12 hours as people do).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import Conflict, FormInvalid, NotFound
from app.models import IntegrationToken, User
from app.services.accounts.permissions import ADMINISTER, require
from app.services.audit.events import audit

#: What every integration token starts with, so the API tells it from a person's token.
PREFIX = "spbe_it_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    """A new token and the only time its secret is seen."""

    row: IntegrationToken
    token: str


class IntegrationTokenService:
    """Create, list and revoke tokens (Admin Sistem); check one (anyone holding it)."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor

    def valid(self, token: str) -> bool:
        """Whether `token` is an integration token that was issued and not revoked."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return False
        row = self.session.scalar(
            select(IntegrationToken).where(IntegrationToken.token_hash == _digest(token))
        )
        return row is not None and row.revoked_at is None

    def all(self) -> list[IntegrationToken]:
        """Every token, newest first (their secrets are not kept)."""
        require(self.session, self.actor, ADMINISTER)
        return list(
            self.session.scalars(select(IntegrationToken).order_by(IntegrationToken.id.desc()))
        )

    def create(self, name: object) -> Issued:
        """Issue a token named `name` (which tool, where).

        Raises:
            NotPermitted: the caller is not Admin Sistem.
            FormInvalid: naming `name`.
        """
        require(self.session, self.actor, ADMINISTER)
        if not isinstance(name, str) or not 0 < len(name.strip()) <= 100:
            raise FormInvalid("Nama tidak valid / invalid name", {"name": ["1-100 karakter"]})
        token = PREFIX + secrets.token_urlsafe(32)
        row = IntegrationToken(
            name=name.strip(),
            token_hash=_digest(token),
            created_by_id=self.actor.id if self.actor else None,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        audit(
            self.session,
            self.actor,
            "integration_token_created",
            row.created_at,
            {"id": row.id, "name": row.name},
        )
        return Issued(row, token)

    def revoke(self, token_id: int) -> IntegrationToken:
        """Revoke a token; it is refused from the next request.

        Raises:
            NotPermitted: the caller is not Admin Sistem.
            NotFound: no such token.
            Conflict: already revoked.
        """
        require(self.session, self.actor, ADMINISTER)
        row = self.session.get(IntegrationToken, token_id)
        if row is None:
            raise NotFound("Token tidak ada / no such token")
        if row.revoked_at is not None:
            raise Conflict("Token sudah dicabut / token already revoked")
        row.revoked_at = self.clock.now()
        audit(
            self.session,
            self.actor,
            "integration_token_revoked",
            row.revoked_at,
            {"id": row.id, "name": row.name},
        )
        return row
