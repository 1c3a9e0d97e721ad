"""The figures of one PD's dashboard, each one aggregate query.

Supervisors see a PD's open work by procedure and by priority, how many response and
resolution deadlines were met or missed in the last 30 days, and the oldest open items.
Which PDs a user may choose follows their grants of the supervising roles: a grant
everywhere opens every PD, a PD grant that PD, a service grant that service's figures
within its PD.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.errors import NotPermitted
from app.models import Agency, Instance, InstanceStatus, RoleAssignment, Service, User
from app.services.accounts.permissions import VIEW_DASHBOARDS
from app.services.deadlines.met import lapsed, met, missed

#: Not ended: someone, a timer or a supervisor still has to act.
OPEN = (
    InstanceStatus.RUNNING,
    InstanceStatus.WAITING,
    InstanceStatus.SUSPENDED,
    InstanceStatus.ERROR,
)
WINDOW = timedelta(days=30)
OLDEST = 10


@dataclass(frozen=True)
class PdScope:
    """A PD the user may look at; `service_ids` None means the whole PD."""

    agency: Agency
    service_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class Deadlines:
    """Deadlines decided in the window: met, missed."""

    met: int = 0
    missed: int = 0


@dataclass
class Dashboard:
    """One PD's figures."""

    scope: PdScope
    since: datetime
    by_procedure: list[tuple[str, int]] = field(default_factory=list)
    by_priority: list[tuple[str | None, int]] = field(default_factory=list)
    response: Deadlines = Deadlines()
    resolution: Deadlines = Deadlines()
    oldest: list[Instance] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        """Open instances in the scope."""
        return sum(count for _, count in self.by_procedure)


class DashboardService:
    """Reads dashboards; changes nothing."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now

    def scopes(self, user: User) -> list[PdScope]:
        """The PDs `user` may see a dashboard of, by name."""
        grants = self.session.execute(
            select(RoleAssignment.agency_id, RoleAssignment.service_id).where(
                RoleAssignment.user_id == user.id, RoleAssignment.role.in_(VIEW_DASHBOARDS.roles)
            )
        ).all()
        agencies = {a.id: a for a in self.session.scalars(select(Agency))}
        if any(agency_id is None and service_id is None for agency_id, service_id in grants):
            return sorted((PdScope(a) for a in agencies.values()), key=_by_name)
        whole = {agency_id for agency_id, _ in grants if agency_id is not None}
        services: dict[int, set[int]] = defaultdict(set)
        service_ids = [service_id for _, service_id in grants if service_id is not None]
        if service_ids:
            for service_id, agency_id in self.session.execute(
                select(Service.id, Service.agency_id).where(Service.id.in_(service_ids))
            ):
                if agency_id not in whole:
                    services[agency_id].add(service_id)
        scopes = [PdScope(agencies[a]) for a in whole]
        scopes += [PdScope(agencies[a], frozenset(ids)) for a, ids in services.items()]
        return sorted(scopes, key=_by_name)

    @staticmethod
    def choose(
        scopes: list[PdScope], agency_code: str | None, own_agency_id: int | None
    ) -> PdScope:
        """The scope asked for by `agency_code`, else the user's own PD, else the first
        of `scopes` (what `scopes` gave for the user).

        Raises:
            NotPermitted: the user may see no PD, or not the one asked for.
        """
        if not scopes:
            raise NotPermitted("Tidak ada PD dalam lingkup Anda / no PD in your scope")
        if agency_code:
            for scope in scopes:
                if scope.agency.code == agency_code:
                    return scope
            raise NotPermitted("PD di luar lingkup Anda / PD outside your scope")
        own = [s for s in scopes if s.agency.id == own_agency_id]
        return (own or scopes)[0]

    def read(self, scope: PdScope) -> Dashboard:
        """The figures of one scope, at `now`."""
        since = self.now - WINDOW
        in_scope = [Instance.agency_id == scope.agency.id]
        if scope.service_ids is not None:
            in_scope.append(Instance.service_id.in_(sorted(scope.service_ids)))
        open_rows = [*in_scope, Instance.status.in_(OPEN)]
        dashboard = Dashboard(scope=scope, since=since)
        dashboard.by_procedure = [
            (str(model), int(count))
            for model, count in self.session.execute(
                select(Instance.process_model_id, func.count())
                .where(*open_rows)
                .group_by(Instance.process_model_id)
                .order_by(func.count().desc(), Instance.process_model_id)
            )
        ]
        dashboard.by_priority = sorted(
            (
                (priority, int(count))
                for priority, count in self.session.execute(
                    select(Instance.priority, func.count())
                    .where(*open_rows)
                    .group_by(Instance.priority)
                )
            ),
            key=lambda row: (row[0] is None, row[0] or ""),
        )
        dashboard.response = self._deadlines(
            in_scope, Instance.response_due_at, Instance.responded_at, since
        )
        dashboard.resolution = self._deadlines(
            in_scope, Instance.resolution_due_at, Instance.resolved_at, since
        )
        dashboard.oldest = list(
            self.session.scalars(
                select(Instance)
                .where(*open_rows)
                .order_by(Instance.started_at, Instance.id)
                .limit(OLDEST)
            )
        )
        return dashboard

    def _deadlines(self, in_scope: list[Any], due: Any, stopped: Any, since: datetime) -> Deadlines:
        """Met: stopped before the deadline, stopped in the window. Missed: stopped at or
        after the deadline in the window, or still running with the deadline come in it
        (`app.services.deadlines.met`)."""
        kept = and_(met(due, stopped), stopped >= since)
        late = and_(missed(due, stopped), stopped >= since)
        overdue = and_(
            lapsed(due, stopped, self.now),
            Instance.status.in_((InstanceStatus.RUNNING, InstanceStatus.WAITING)),
            due >= since,
        )
        row = self.session.execute(
            select(
                func.coalesce(func.sum(case((kept, 1), else_=0)), 0),
                func.coalesce(func.sum(case((or_(late, overdue), 1), else_=0)), 0),
            ).where(*in_scope, due.is_not(None))
        ).one()
        return Deadlines(met=int(row[0]), missed=int(row[1]))


def _by_name(scope: PdScope) -> str:
    return scope.agency.name
