"""Who may act on a user task: lane -> role -> holders for the instance's scope.

A lane names a role. Its candidates are the active users holding that role for the
instance's service; if nobody does, for the service's PD; if nobody does, everywhere.
The lane `Pemohon` (and a task outside any lane) goes to the user who started the
instance. A task whose `assigneeVariable` names a user goes to that user only, who must
still hold the lane's role at some level covering the scope.

A user's `Reach` (their own assignments and the grants lent to them as an acting
official (Plt/Plh) for the moment, plus which services and PDs already have closer
holders of those roles) is read in a few small queries. From it come both an SQL clause
made only of plain column comparisons, which the task indexes serve, for the inbox,
and `Reach.may_act`, the same rules in Python, for checking one task. `candidates()`
answers the other way round (who may act on this task). Tests keep the three equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from app.engine.specs import UserTaskInfo
from app.models import REQUESTER_LANE, Delegation, RoleAssignment, Task, User


@dataclass(frozen=True)
class Route:
    """How one task is routed: to a role, or to one named user (with or without role)."""

    lane: str | None
    assignee: str | None
    requires_role: bool


def route_for(info: UserTaskInfo, data: Mapping[str, Any], started_by: str) -> Route:
    """Decide the route of a user task from its lane, its properties and the data."""
    if info.lane is None or info.lane == REQUESTER_LANE:
        return Route(info.lane, started_by, requires_role=False)
    if info.assignee_variable:
        chosen = data.get(info.assignee_variable)
        return Route(info.lane, chosen if isinstance(chosen, str) and chosen else "", True)
    return Route(info.lane, None, requires_role=True)


@dataclass(frozen=True)
class Grant:
    """One role a user holds, at one scope (both ids empty: everywhere).

    A grant lent by a delegation names the principal it acts for, the kind (Plt/Plh)
    and the decree, so that what the delegate does can say so.
    """

    role: str
    service_id: int | None
    agency_id: int | None
    acting_for: str | None = None
    acting_kind: str | None = None
    decree: str | None = None

    def covers(self, lane: str | None, service_id: int | None, agency_id: int | None) -> bool:
        """The grant is for this role at a level that includes the scope."""
        if self.role != lane:
            return False
        if self.service_id is not None:
            return self.service_id == service_id
        if self.agency_id is not None:
            return self.agency_id == agency_id
        return True


@dataclass
class Reach:
    """What one user's roles reach, with the facts the fallback rule needs."""

    username: str
    grants: list[Grant]
    #: role -> services that have an active service-level holder of it
    service_held: dict[str, set[int]] = field(default_factory=dict)
    #: role -> PDs that have an active PD-level holder of it
    agency_held: dict[str, set[int]] = field(default_factory=dict)

    def _takes_by_role(self, grant: Grant, service_id: int | None, agency_id: int | None) -> bool:
        if grant.service_id is not None:
            return grant.service_id == service_id
        closer_service = service_id is not None and service_id in self.service_held.get(
            grant.role, set()
        )
        if grant.agency_id is not None:
            return grant.agency_id == agency_id and not closer_service
        closer_agency = agency_id is not None and agency_id in self.agency_held.get(
            grant.role, set()
        )
        return not closer_service and not closer_agency

    def _allows(self, grant: Grant, task: Task) -> bool:
        if task.assignee is not None:
            return grant.covers(task.lane, task.service_id, task.agency_id)
        return grant.role == task.lane and self._takes_by_role(
            grant, task.service_id, task.agency_id
        )

    def may_act(self, task: Task) -> bool:
        """Whether the user is a candidate for `task` (claims not considered)."""
        if task.assignee is not None:
            if task.assignee != self.username:
                return False
            if not task.requires_role:
                return True
        elif not task.requires_role:
            return False
        return any(self._allows(grant, task) for grant in self.grants)

    def acting_for(self, task: Task) -> Grant | None:
        """The delegated grant the user acts on `task` by, when not by their own right."""
        if not self.may_act(task) or not task.requires_role:
            return None
        if any(self._allows(g, task) for g in self.grants if g.acting_for is None):
            return None
        return next(g for g in self.grants if self._allows(g, task))

    def clause(self) -> ColumnElement[bool]:
        """SQL truth of `may_act` for task rows, as plain comparisons the indexes serve."""
        if not self.username:
            return false()
        if not self.grants:
            return and_(Task.assignee == self.username, Task.requires_role.is_(False))
        by_role: list[ColumnElement[bool]] = []
        covers: list[ColumnElement[bool]] = []
        for grant in self.grants:
            if grant.service_id is not None:
                scope = Task.service_id == grant.service_id
                by_role.append(and_(Task.lane == grant.role, scope))
            elif grant.agency_id is not None:
                scope = Task.agency_id == grant.agency_id
                by_role.append(
                    and_(
                        Task.lane == grant.role,
                        scope,
                        _not_in(Task.service_id, self.service_held, grant.role),
                    )
                )
            else:
                scope = true()
                by_role.append(
                    and_(
                        Task.lane == grant.role,
                        _not_in(Task.service_id, self.service_held, grant.role),
                        _not_in(Task.agency_id, self.agency_held, grant.role),
                    )
                )
            covers.append(and_(Task.lane == grant.role, scope))
        return or_(
            and_(Task.assignee == self.username, or_(Task.requires_role.is_(False), *covers)),
            and_(Task.assignee.is_(None), Task.requires_role.is_(True), or_(*by_role)),
        )


def _not_in(column: Any, held: dict[str, set[int]], role: str) -> ColumnElement[bool]:
    ids = sorted(held.get(role, ()))
    if not ids:
        return true()
    return or_(column.is_(None), column.not_in(ids))


def reach_of(session: Session, user: User, at: datetime) -> Reach:
    """Read `user`'s grants at moment `at` and where closer holders already exist."""
    if not user.active:
        return Reach(username="", grants=[])
    grants = [
        Grant(role, service_id, agency_id)
        for role, service_id, agency_id in session.execute(
            select(RoleAssignment.role, RoleAssignment.service_id, RoleAssignment.agency_id).where(
                RoleAssignment.user_id == user.id
            )
        )
    ]
    principal = aliased(User)
    grants += [
        Grant(d.role, d.service_id, d.agency_id, name, d.kind, d.decree_reference)
        for d, name in session.execute(
            select(Delegation, principal.username)
            .join(principal, principal.id == Delegation.principal_id)
            .where(
                Delegation.delegate_id == user.id,
                Delegation.starts_at <= at,
                Delegation.ends_at > at,
            )
        )
    ]
    reach = Reach(username=user.username, grants=grants)
    wide_roles = sorted({g.role for g in grants if g.service_id is None})
    if wide_roles:
        service_held: dict[str, set[int]] = defaultdict(set)
        agency_held: dict[str, set[int]] = defaultdict(set)
        for role, service_id, agency_id in session.execute(
            select(RoleAssignment.role, RoleAssignment.service_id, RoleAssignment.agency_id)
            .join(User, User.id == RoleAssignment.user_id)
            .where(
                RoleAssignment.role.in_(wide_roles),
                User.active.is_(True),
                or_(RoleAssignment.service_id.is_not(None), RoleAssignment.agency_id.is_not(None)),
            )
            .distinct()
        ):
            if service_id is not None:
                service_held[role].add(service_id)
            else:
                agency_held[role].add(agency_id)
        reach.service_held = dict(service_held)
        reach.agency_held = dict(agency_held)
    return reach


def candidates(session: Session, task: Task, at: datetime) -> list[str]:
    """Usernames of the task's candidates at moment `at`, by the rules above.

    An acting official counts at the level of the grant lent to them.
    """
    if task.assignee is not None:
        user = (
            session.scalar(
                select(User).where(User.username == task.assignee, User.active.is_(True))
            )
            if task.assignee
            else None
        )
        if user is None:
            return []
        if not task.requires_role or reach_of(session, user, at).may_act(task):
            return [user.username]
        return []
    if not task.requires_role:
        return []
    return role_holders(session, task.lane or "", task.service_id, task.agency_id, at)


def covers(
    grant: type[RoleAssignment] | type[Delegation], service_id: int | None, agency_id: int | None
) -> ColumnElement[bool]:
    """Grants (or loans of one) that cover an instance of this service and PD: held
    everywhere, for the service, or for the PD (a grant names one scope at most).

    An instance without a service (or PD) has no such scope: only real ids are compared,
    as `column == None` becomes IS NULL and would match the grants of every other scope.
    """
    scopes: list[ColumnElement[bool]] = [
        and_(grant.service_id.is_(None), grant.agency_id.is_(None))
    ]
    if service_id is not None:
        scopes.append(grant.service_id == service_id)
    if agency_id is not None:
        scopes.append(and_(grant.agency_id == agency_id, grant.service_id.is_(None)))
    return or_(*scopes)


def role_holders(
    session: Session, role: str, service_id: int | None, agency_id: int | None, at: datetime
) -> list[str]:
    """Usernames holding `role` for a scope at `at`: the most specific level that has any.

    Holders for the service come first, else for its PD, else everywhere; an acting
    official counts at the level of the grant lent to them. Task routing and SLA
    escalation both ask this one question.
    """
    rows = session.execute(
        select(User.username, RoleAssignment.service_id, RoleAssignment.agency_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == role,
            User.active.is_(True),
            covers(RoleAssignment, service_id, agency_id),
        )
    ).all()
    delegate = aliased(User)
    rows += session.execute(
        select(delegate.username, Delegation.service_id, Delegation.agency_id)
        .join(delegate, delegate.id == Delegation.delegate_id)
        .where(
            Delegation.role == role,
            delegate.active.is_(True),
            Delegation.starts_at <= at,
            Delegation.ends_at > at,
            covers(Delegation, service_id, agency_id),
        )
    ).all()
    by_level: dict[int, set[str]] = defaultdict(set)
    for name, held_service, held_agency in rows:
        level = 0 if held_service is not None else 1 if held_agency is not None else 2
        by_level[level].add(name)
    return sorted(by_level[min(by_level)]) if by_level else []
