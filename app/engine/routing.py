"""Who may act on a user task: lane -> role -> holders for the instance's scope.

A lane names a role. Its candidates are the active users holding that role for the
instance's service; if nobody does, for the service's PD; if nobody does, everywhere.
The lane `Pemohon` (and a task outside any lane) goes to the user who started the
instance. A task whose `assigneeVariable` names a user goes to that user only, who must
still hold the lane's role at some level covering the scope.

The same rules exist twice on purpose, kept equal by tests: as one SQL clause (the inbox
and every permission check filter with it, so a role granted or revoked takes effect at
once) and as `candidates()` (which lists names, and flags tasks nobody can take).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select
from sqlalchemy.orm import Session, aliased

from app.engine.specs import UserTaskInfo
from app.models import REQUESTER_LANE, RoleAssignment, Task, User


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


def _holders(role: Any, *, service: Any = None, agency: Any = None, everywhere: bool = False):  # type: ignore[no-untyped-def]
    """EXISTS: an active user holds `role` exactly at this scope level."""
    ra = aliased(RoleAssignment)
    holder = aliased(User)
    if service is not None:
        scope = ra.service_id == service
    elif agency is not None:
        scope = and_(ra.agency_id == agency, ra.service_id.is_(None))
    else:
        scope = and_(ra.agency_id.is_(None), ra.service_id.is_(None))
    return exists(
        select(1)
        .select_from(ra)
        .join(holder, holder.id == ra.user_id)
        .where(ra.role == role, scope, holder.active.is_(True))
    )


def candidate_clause(user: User) -> ColumnElement[bool]:
    """SQL truth of "`user` is a candidate for this task row" (claims not considered)."""
    mine = aliased(RoleAssignment)
    by_role = exists(
        select(1)
        .select_from(mine)
        .where(
            mine.user_id == user.id,
            mine.role == Task.lane,
            or_(
                and_(Task.service_id.is_not(None), mine.service_id == Task.service_id),
                and_(
                    mine.agency_id == Task.agency_id,
                    mine.service_id.is_(None),
                    or_(
                        Task.service_id.is_(None),
                        not_(_holders(Task.lane, service=Task.service_id)),
                    ),
                ),
                and_(
                    mine.agency_id.is_(None),
                    mine.service_id.is_(None),
                    or_(
                        Task.service_id.is_(None),
                        not_(_holders(Task.lane, service=Task.service_id)),
                    ),
                    or_(Task.agency_id.is_(None), not_(_holders(Task.lane, agency=Task.agency_id))),
                ),
            ),
        )
    )
    covering = aliased(RoleAssignment)
    holds_any_level = exists(
        select(1)
        .select_from(covering)
        .where(
            covering.user_id == user.id,
            covering.role == Task.lane,
            or_(
                and_(Task.service_id.is_not(None), covering.service_id == Task.service_id),
                and_(
                    Task.agency_id.is_not(None),
                    covering.agency_id == Task.agency_id,
                    covering.service_id.is_(None),
                ),
                and_(covering.agency_id.is_(None), covering.service_id.is_(None)),
            ),
        )
    )
    if not user.active:
        return false()
    return or_(
        and_(Task.assignee == user.username, or_(Task.requires_role.is_(False), holds_any_level)),
        and_(Task.assignee.is_(None), Task.requires_role.is_(True), by_role),
    )


def candidates(session: Session, task: Task) -> list[str]:
    """Usernames of the task's candidates now, by the rules above."""
    if task.assignee is not None:
        if task.assignee == "":
            return []
        user = session.scalar(
            select(User).where(User.username == task.assignee, User.active.is_(True))
        )
        if user is None:
            return []
        if not task.requires_role:
            return [user.username]
        return (
            [user.username]
            if session.scalar(
                select(candidate_clause(user)).select_from(Task).where(Task.id == task.id)
            )
            else []
        )
    levels = []
    if task.service_id is not None:
        levels.append(and_(RoleAssignment.service_id == task.service_id))
    if task.agency_id is not None:
        levels.append(
            and_(RoleAssignment.agency_id == task.agency_id, RoleAssignment.service_id.is_(None))
        )
    levels.append(and_(RoleAssignment.agency_id.is_(None), RoleAssignment.service_id.is_(None)))
    for level in levels:
        names = session.scalars(
            select(User.username)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == task.lane, level, User.active.is_(True))
            .distinct()
            .order_by(User.username)
        ).all()
        if names:
            return list(names)
    return []
