"""Agencies (Perangkat Daerah): the provider of services and the scope of most roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Agency, User
from app.services.accounts.permissions import ADMINISTER, require
from app.services.audit.events import audit

#: Indonesia's three time zones (WIB, WITA, WIT); a PD's deadlines run on its own.
TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
#: "prioritas": Perbup Bangka Tabel 2-4 (impact x group x class); "urgensi": Tabel 11-14.
SLA_SCHEMES = ("prioritas", "urgensi")
#: Escalation warns this far (percent) into a target unless the PD chose otherwise.
DEFAULT_WARNING_PERCENT = 75


class AgencyService:
    """List, create and change agencies; changes are Admin Sistem's, each an audit event."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor

    def _audit(self, kind: str, data: dict[str, object]) -> None:
        audit(self.session, self.actor, kind, self.clock.now(), data)

    def all(self) -> list[Agency]:
        """Every agency, by code."""
        return list(self.session.scalars(select(Agency).order_by(Agency.code)))

    def get(self, code: str) -> Agency:
        """Raises NotFound when no agency has this code."""
        agency = self.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise NotFound(f"PD '{code}' tidak ada / no agency '{code}'")
        return agency

    @staticmethod
    def _check_timezone(timezone: str) -> None:
        if timezone not in TIMEZONES:
            raise InvalidInput(
                "Zona waktu tidak dikenal / unknown time zone",
                {"timezone": [f"salah satu dari {', '.join(TIMEZONES)} / one of them"]},
            )

    @staticmethod
    def _check_scheme(scheme: str) -> None:
        if scheme not in SLA_SCHEMES:
            raise InvalidInput(
                "Skema SLA tidak dikenal / unknown SLA scheme",
                {"sla_scheme": [f"salah satu dari {', '.join(SLA_SCHEMES)} / one of them"]},
            )

    @staticmethod
    def _check_warning_percent(percent: int) -> None:
        # bool is an int; a 0 or 100 percent warning would fire at the start or the deadline
        if isinstance(percent, bool) or not 1 <= percent <= 99:
            raise InvalidInput(
                "Titik peringatan eskalasi tidak valid / invalid escalation warning point",
                {"escalation_warning_percent": ["1..99 (persen target / percent of a target)"]},
            )

    def create(
        self,
        code: str,
        name: str,
        timezone: str = TIMEZONES[0],
        sla_scheme: str = "prioritas",
        escalation_warning_percent: int = DEFAULT_WARNING_PERCENT,
    ) -> Agency:
        """Add an agency.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            Conflict: the code is taken.
            InvalidInput: the time zone is not an Indonesian one, an unknown SLA scheme, or
                a warning point outside 1..99 percent.
        """
        require(self.session, self.actor, ADMINISTER)
        self._check_timezone(timezone)
        if self.session.scalar(select(Agency.id).where(Agency.code == code)):
            raise Conflict(f"Kode PD '{code}' sudah dipakai / agency code taken")
        self._check_scheme(sla_scheme)
        self._check_warning_percent(escalation_warning_percent)
        agency = Agency(
            code=code,
            name=name,
            timezone=timezone,
            sla_scheme=sla_scheme,
            escalation_warning_percent=escalation_warning_percent,
        )
        self.session.add(agency)
        self.session.flush()
        self._audit(
            "agency_created",
            {
                "code": code,
                "name": name,
                "timezone": timezone,
                "sla_scheme": sla_scheme,
                "escalation_warning_percent": escalation_warning_percent,
            },
        )
        return agency

    def update(
        self,
        code: str,
        name: str | None = None,
        timezone: str | None = None,
        sla_scheme: str | None = None,
        escalation_warning_percent: int | None = None,
    ) -> Agency:
        """Rename an agency, move it to another time zone, or change its SLA settings.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            NotFound: no agency has this code.
            InvalidInput: as `create`.
        """
        require(self.session, self.actor, ADMINISTER)
        agency = self.get(code)
        changed: dict[str, object] = {}
        if name is not None and name != agency.name:
            agency.name = changed["name"] = name
        if timezone is not None and timezone != agency.timezone:
            self._check_timezone(timezone)
            agency.timezone = changed["timezone"] = timezone
        if sla_scheme is not None and sla_scheme != agency.sla_scheme:
            self._check_scheme(sla_scheme)
            agency.sla_scheme = changed["sla_scheme"] = sla_scheme
        percent = escalation_warning_percent
        if percent is not None and percent != agency.escalation_warning_percent:
            self._check_warning_percent(percent)
            agency.escalation_warning_percent = changed["escalation_warning_percent"] = percent
        if changed:
            self._audit("agency_updated", {"code": code, "changed": changed})
        self.session.flush()
        return agency
