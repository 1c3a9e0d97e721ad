"""Who may act on a user task: lane -> role -> holders for the instance's scope.

A lane names a role. Its candidates are the active users holding that role for the
instance's service; if nobody does, for the service's PD; if nobody does, everywhere.
The lane `Pemohon` (and a task outside any lane) goes to the user who started the
instance. A task whose `assigneeVariable` names a user goes to that user only, who must
still hold the lane's role at some level covering the scope.

A user's `Reach` (their own assignments and the grants lent to them as an acting
official (Plt/Plh) for the moment, plus which services and PDs already have closer
holders of those roles) comes from the `Roster`, everyone's roles and loans, read when the
change stamp moves and kept per process. From it come both an SQL clause
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
from app.models import REQUESTER_LANE, Agency, Delegation, RoleAssignment, Service, Task, User
from app.models.change_stamp import StampedCache


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
    #: every service and PD, so that `clause` can name the ones left to a wider holder
    #: (None: unknown, and the clause says "not held" instead)
    services: frozenset[int] | None = None
    agencies: frozenset[int] | None = None

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

    def clause(self, unclaimed: bool = False) -> ColumnElement[bool]:
        """SQL truth of `may_act` for task rows, as plain comparisons the indexes serve.

        `unclaimed`: only tasks nobody claimed, said inside each branch, beside the lane
        and scope, so that the (state, lane, scope, claimed_by_id) indexes find exactly
        those rows instead of reading every claimed task of the lane and scope too.
        """
        if not self.username:
            return false()
        free = [Task.claimed_by_id.is_(None)] if unclaimed else []
        if not self.grants:
            return and_(Task.assignee == self.username, Task.requires_role.is_(False), *free)
        by_role: list[ColumnElement[bool]] = []
        covers: list[ColumnElement[bool]] = []
        for grant in self.grants:
            if grant.service_id is not None:
                scope = Task.service_id == grant.service_id
                by_role.append(and_(Task.lane == grant.role, scope, *free))
            elif grant.agency_id is not None:
                scope = Task.agency_id == grant.agency_id
                by_role.append(
                    and_(
                        Task.lane == grant.role,
                        scope,
                        _left(Task.service_id, self.service_held, grant.role, self.services),
                        *free,
                    )
                )
            else:
                scope = true()
                by_role.append(
                    and_(
                        Task.lane == grant.role,
                        _left(Task.service_id, self.service_held, grant.role, self.services),
                        _left(Task.agency_id, self.agency_held, grant.role, self.agencies),
                        *free,
                    )
                )
            covers.append(and_(Task.lane == grant.role, scope))
        return or_(
            and_(
                Task.assignee == self.username, or_(Task.requires_role.is_(False), *covers), *free
            ),
            and_(Task.assignee.is_(None), Task.requires_role.is_(True), or_(*by_role)),
        )


def _left(
    column: Any, held: dict[str, set[int]], role: str, every: frozenset[int] | None
) -> ColumnElement[bool]:
    """Rows whose scope has no closer holder of `role`: named as the scopes left over when
    every scope is known, which the (state, lane, scope) indexes answer row by row, where
    "not one of the held" made the database read every task of the lane."""
    ids = held.get(role, set())
    if not ids:
        return true()
    if every is not None:
        return or_(column.is_(None), column.in_(sorted(every - ids)))
    return or_(column.is_(None), column.not_in(sorted(ids)))


@dataclass(frozen=True)
class _Loan:
    """A delegation as routing reads it: who may act, for whom, when, by which decree."""

    delegate_id: int
    principal: str
    role: str
    service_id: int | None
    agency_id: int | None
    kind: str
    decree: str
    starts_at: datetime
    ends_at: datetime

    def lent_at(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


@dataclass(frozen=True)
class Roster:
    """Everyone's roles and loans: what routing answers every question from.

    Read in five small queries when the change stamp moves (app/models/change_stamp.py) and
    kept per process, so a transition asks the database nothing about people.
    """

    #: user id -> (username, active)
    people: dict[int, tuple[str, bool]]
    #: user id -> e-mail address, for those who have one
    emails: dict[int, str]
    #: user id -> full name, as a form's list of a role's holders shows them
    full_names: dict[int, str]
    #: username -> user id
    ids: dict[str, int]
    #: (user id, role, service id, agency id), one per assignment
    assignments: tuple[tuple[int, str, int | None, int | None], ...]
    loans: tuple[_Loan, ...]
    #: role -> services / PDs with an active holder at that level (the fallback rule)
    service_held: dict[str, frozenset[int]]
    agency_held: dict[str, frozenset[int]]
    #: every service and PD id
    services: frozenset[int]
    agencies: frozenset[int]

    def active(self, user_id: int) -> bool:
        """Whether the user exists and is active."""
        return self.people.get(user_id, ("", False))[1]


def _read_roster(session: Session) -> Roster:
    rows = session.execute(
        select(User.id, User.username, User.active, User.email, User.full_name)
    ).all()
    people = {user_id: (username, bool(active)) for user_id, username, active, *_ in rows}
    assignments = tuple(
        (user_id, role, service_id, agency_id)
        for user_id, role, service_id, agency_id in session.execute(
            select(
                RoleAssignment.user_id,
                RoleAssignment.role,
                RoleAssignment.service_id,
                RoleAssignment.agency_id,
            ).order_by(RoleAssignment.id)
        )
    )
    principal = aliased(User)
    loans = tuple(
        _Loan(
            d.delegate_id,
            name,
            d.role,
            d.service_id,
            d.agency_id,
            d.kind,
            d.decree_reference,
            d.starts_at,
            d.ends_at,
        )
        for d, name in session.execute(
            select(Delegation, principal.username)
            .join(principal, principal.id == Delegation.principal_id)
            .order_by(Delegation.id)
        )
    )
    service_held: dict[str, set[int]] = defaultdict(set)
    agency_held: dict[str, set[int]] = defaultdict(set)
    for user_id, role, service_id, agency_id in assignments:
        if not people.get(user_id, ("", False))[1]:
            continue
        if service_id is not None:
            service_held[role].add(service_id)
        elif agency_id is not None:
            agency_held[role].add(agency_id)
    return Roster(
        people=people,
        emails={user_id: email for user_id, _name, _active, email, _full in rows if email},
        full_names={user_id: full_name for user_id, *_, full_name in rows},
        ids={name: user_id for user_id, (name, _active) in people.items()},
        assignments=assignments,
        loans=loans,
        service_held={role: frozenset(ids) for role, ids in service_held.items()},
        agency_held={role: frozenset(ids) for role, ids in agency_held.items()},
        services=frozenset(session.scalars(select(Service.id))),
        agencies=frozenset(session.scalars(select(Agency.id))),
    )


_ROSTERS: StampedCache[Roster] = StampedCache(size=8)


def roster_of(session: Session) -> Roster:
    """The roster as of the session's change stamp (read on its first use after an edit)."""
    return _ROSTERS.get(session, "roster", lambda: _read_roster(session))


def username_of(session: Session, user_id: int) -> str:
    """A user's name, from the roster ("" for no such user)."""
    return roster_of(session).people.get(user_id, ("", False))[0]


def _reach(roster: Roster, user_id: int, at: datetime) -> Reach:
    username, active = roster.people.get(user_id, ("", False))
    if not active:
        return Reach(username="", grants=[])
    grants = [
        Grant(role, service_id, agency_id)
        for holder, role, service_id, agency_id in roster.assignments
        if holder == user_id
    ]
    grants += [
        Grant(loan.role, loan.service_id, loan.agency_id, loan.principal, loan.kind, loan.decree)
        for loan in roster.loans
        if loan.delegate_id == user_id and loan.lent_at(at)
    ]
    reach = Reach(
        username=username, grants=grants, services=roster.services, agencies=roster.agencies
    )
    wide_roles = {g.role for g in grants if g.service_id is None}
    reach.service_held = {
        role: set(roster.service_held[role]) for role in wide_roles if role in roster.service_held
    }
    reach.agency_held = {
        role: set(roster.agency_held[role]) for role in wide_roles if role in roster.agency_held
    }
    return reach


def reach_of(session: Session, user: User, at: datetime) -> Reach:
    """`user`'s grants at moment `at` and where closer holders already exist."""
    if not user.active:
        return Reach(username="", grants=[])
    return _reach(roster_of(session), user.id, at)


def candidates(session: Session, task: Task, at: datetime) -> list[str]:
    """Usernames of the task's candidates at moment `at`, by the rules above.

    An acting official counts at the level of the grant lent to them.
    """
    if task.assignee is not None:
        roster = roster_of(session)
        user_id = roster.ids.get(task.assignee) if task.assignee else None
        if user_id is None or not roster.active(user_id):
            return []
        if not task.requires_role or _reach(roster, user_id, at).may_act(task):
            return [task.assignee]
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
    roster = roster_of(session)
    held = [
        (user_id, Grant(held_role, held_service, held_agency))
        for user_id, held_role, held_service, held_agency in roster.assignments
    ]
    held += [
        (loan.delegate_id, Grant(loan.role, loan.service_id, loan.agency_id))
        for loan in roster.loans
        if loan.lent_at(at)
    ]
    by_level: dict[int, set[str]] = defaultdict(set)
    for user_id, grant in held:
        if not roster.active(user_id) or not grant.covers(role, service_id, agency_id):
            continue
        level = 0 if grant.service_id is not None else 1 if grant.agency_id is not None else 2
        by_level[level].add(roster.people[user_id][0])
    return sorted(by_level[min(by_level)]) if by_level else []
