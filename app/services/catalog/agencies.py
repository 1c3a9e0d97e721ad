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
#: A problem opens at this many complaints about one service within the window, and the
#: window in days, unless the PD chose otherwise (a product addition, not the regulation's).
DEFAULT_RECURRING_COMPLAINTS = 3
DEFAULT_RECURRENCE_WINDOW_DAYS = 30
#: The bounds of those two settings (the database checks the same).
RECURRING_COMPLAINTS_RANGE = (2, 100)
RECURRENCE_WINDOW_DAYS_RANGE = (1, 366)


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

    @staticmethod
    def _check_whole(field: str, value: int, bounds: tuple[int, int]) -> None:
        # bool is an int; one complaint is no recurrence, and a window needs at least a day
        low, high = bounds
        if isinstance(value, bool) or not low <= value <= high:
            raise InvalidInput(
                "Pengaturan PD tidak valid / invalid agency setting",
                {field: [f"{low}..{high}"]},
            )

    def create(
        self,
        code: str,
        name: str,
        timezone: str = TIMEZONES[0],
        sla_scheme: str = "prioritas",
        escalation_warning_percent: int = DEFAULT_WARNING_PERCENT,
        recurring_complaints: int = DEFAULT_RECURRING_COMPLAINTS,
        recurrence_window_days: int = DEFAULT_RECURRENCE_WINDOW_DAYS,
    ) -> Agency:
        """Add an agency.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            Conflict: the code is taken.
            InvalidInput: the time zone is not an Indonesian one, an unknown SLA scheme, a
                warning point outside 1..99 percent, a recurrence count outside 2..100 or a
                window outside 1..366 days.
        """
        require(self.session, self.actor, ADMINISTER)
        self._check_timezone(timezone)
        if self.session.scalar(select(Agency.id).where(Agency.code == code)):
            raise Conflict(f"Kode PD '{code}' sudah dipakai / agency code taken")
        self._check_scheme(sla_scheme)
        self._check_warning_percent(escalation_warning_percent)
        self._check_whole("recurring_complaints", recurring_complaints, RECURRING_COMPLAINTS_RANGE)
        self._check_whole(
            "recurrence_window_days", recurrence_window_days, RECURRENCE_WINDOW_DAYS_RANGE
        )
        agency = Agency(
            code=code,
            name=name,
            timezone=timezone,
            sla_scheme=sla_scheme,
            escalation_warning_percent=escalation_warning_percent,
            recurring_complaints=recurring_complaints,
            recurrence_window_days=recurrence_window_days,
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
                "recurring_complaints": recurring_complaints,
                "recurrence_window_days": recurrence_window_days,
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
        recurring_complaints: int | None = None,
        recurrence_window_days: int | None = None,
    ) -> Agency:
        """Rename an agency, move it to another time zone, or change its SLA settings or
        when recurring complaints open a problem.

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
        count = recurring_complaints
        if count is not None and count != agency.recurring_complaints:
            self._check_whole("recurring_complaints", count, RECURRING_COMPLAINTS_RANGE)
            agency.recurring_complaints = changed["recurring_complaints"] = count
        days = recurrence_window_days
        if days is not None and days != agency.recurrence_window_days:
            self._check_whole("recurrence_window_days", days, RECURRENCE_WINDOW_DAYS_RANGE)
            agency.recurrence_window_days = changed["recurrence_window_days"] = days
        if changed:
            self._audit("agency_updated", {"code": code, "changed": changed})
        self.session.flush()
        return agency
