"""At its deadline a running clock has lapsed, and a response at the deadline missed it,
in the clock itself and in every list and count (`app/services/deadlines/met.py`; the
targets are "kurang dari", Perbup Bangka 21/2025, Tabel 2 and 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.models import Instance, User
from app.services.context import Platform
from app.services.instances.dashboard import DashboardService
from app.services.instances.tracking import InstanceFilter
from app.services.tasks.inbox import InboxFilter
from app.sla.stopwatch import target_met
from tests.services.tracking_data import CLASSIFY_COMPLAINT, complaint, complete

pytestmark = pytest.mark.usefixtures("deployed")


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def _late(platform: Platform, username: str) -> tuple[set[int], set[int]]:
    """The instances the inbox's and the instance list's overdue filters show."""
    with platform.sessions() as session:
        user = _user(session, username)
        inbox = platform.tasks(session).inbox(user, filters=InboxFilter(overdue=True))
        listed = platform.tracking(session).page(user, InstanceFilter(overdue=True), size=100)
        return (
            {task.instance_id for task in inbox.items},
            {instance.id for instance in listed.items},
        )


def test_the_deadline_itself_is_late_everywhere(platform: Platform, clock: FixedClock):
    answered = complaint(platform)  # P3: respond within 1 working hour
    waiting = complaint(platform, layanan="WEBSITE")
    with platform.sessions() as session:
        due = session.get_one(Instance, answered).response_due_at
    assert due is not None
    clock.set(due - timedelta(seconds=1))
    assert _late(platform, "pj.layanan") == (set(), set())

    clock.set(due)
    complete(platform, answered, "admin.layanan", CLASSIFY_COMPLAINT)  # at the limit
    with platform.sessions() as session:
        row = session.get_one(Instance, answered)
        assert target_met(row.response_due_at, row.responded_at, clock.now()) is False
        other = session.get_one(Instance, waiting)
        assert other.response_due_at == due
        assert target_met(other.response_due_at, other.responded_at, clock.now()) is False
    inbox, listed = _late(platform, "admin.layanan")
    assert waiting in inbox
    assert listed == {waiting}

    with platform.sessions() as session:
        dashboard = DashboardService(session, clock.now())
        who = _user(session, "pj.layanan")
        figures = dashboard.read(dashboard.choose(dashboard.scopes(who), None, who.agency_id))
    assert (figures.response.met, figures.response.missed) == (0, 2)
