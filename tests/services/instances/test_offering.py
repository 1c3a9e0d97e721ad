"""Offering a new task to its candidates, or saying nobody can take it
(app/services/instances/offering.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.routing import candidates
from app.models import Event, Instance, Notification, Task, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.instances.offering import offer


def _instance_and_task(session: Session, platform: Platform) -> tuple[Instance, Task]:
    user = session.scalars(select(User).where(User.username == "pengguna")).one()
    instance = platform.instances(session).start("permintaan-layanan", dict(SAMPLE_REQUEST), user)
    (task,) = session.scalars(select(Task).where(Task.instance_id == instance.id)).all()
    return instance, task


def _notified(session: Session, task: Task) -> set[str]:
    return set(
        session.scalars(
            select(User.username)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.link == f"/api/v1/tasks/{task.id}")
        )
    )


def test_the_lanes_role_holders_for_the_scope_are_notified(
    session: Session, platform: Platform, deployed: None
) -> None:
    _, task = _instance_and_task(session, platform)
    # Starting offered it already: every candidate, the service's Administrator Layanan
    # among them, was told.
    told = _notified(session, task)
    assert told == set(candidates(session, task, platform.clock.now()))
    assert "admin.layanan" in told
    assert not task.unroutable


def test_a_task_for_a_user_who_does_not_exist_is_unroutable_with_an_event(
    session: Session, platform: Platform, deployed: None
) -> None:
    instance, task = _instance_and_task(session, platform)
    task.assignee = "tidak.ada"
    offer(session, platform.clock, platform.mail, instance, [task])
    assert task.unroutable
    event = session.scalars(
        select(Event).where(Event.instance_id == instance.id).order_by(Event.id.desc())
    ).first()
    assert event is not None
    assert event.kind == "task_unroutable"
    assert event.data["assignee"] == "tidak.ada"


def test_an_assignee_is_the_only_one_told(
    session: Session, platform: Platform, deployed: None
) -> None:
    instance, task = _instance_and_task(session, platform)
    task.assignee = "pelaksana"
    offer(session, platform.clock, platform.mail, instance, [task])
    assert not task.unroutable
    assert "pelaksana" in _notified(session, task)
