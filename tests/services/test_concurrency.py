"""Two people completing the same task at the same moment: exactly one wins."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.models import Event, Instance, Task, User
from app.services.context import Platform
from tests.api.test_permintaan_layanan_flow import CLASSIFY, REQUEST

pytestmark = pytest.mark.usefixtures("deployed")


def _start(platform: Platform) -> tuple[int, str]:
    with platform.sessions() as session, session.begin():
        requester = session.scalars(select(User).where(User.username == "pengguna")).one()
        instance = platform.instances(session).start("permintaan-layanan", REQUEST, requester)
        task = session.scalars(select(Task).where(Task.instance_id == instance.id)).one()
        return instance.id, task.id


def _race(platform: Platform, task_id: str, usernames: list[str]) -> list[Any]:
    barrier = threading.Barrier(len(usernames))
    results: list[Any] = [None] * len(usernames)

    def attempt(index: int, username: str) -> None:
        with platform.sessions() as session:
            actor = session.scalars(select(User).where(User.username == username)).one()
            barrier.wait(timeout=10)
            try:
                platform.tasks(session).complete(task_id, CLASSIFY, actor)
                session.commit()
                results[index] = "ok"
            except Conflict as err:
                session.rollback()
                results[index] = err

    threads = [threading.Thread(target=attempt, args=(i, name)) for i, name in enumerate(usernames)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_users_completing_the_same_task_one_wins(platform: Platform, round_: int) -> None:
    instance_id, task_id = _start(platform)
    with platform.sessions() as session:
        started_version = session.get_one(Instance, instance_id).lock_version
    results = _race(platform, task_id, ["admin.layanan", "pelaksana"])
    assert results.count("ok") == 1, results
    [loser] = [r for r in results if r != "ok"]
    assert isinstance(loser, Conflict)
    with platform.sessions() as session:
        instance = session.get_one(Instance, instance_id)
        assert instance.status == "running"
        assert instance.lock_version > started_version  # the winner's writes, once
        completions = session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.instance_id == instance_id, Event.kind == "task_completed")
        )
        assert completions == 1
        ready = session.scalars(
            select(Task.bpmn_id).where(Task.instance_id == instance_id, Task.state == "ready")
        ).all()
        assert ready == ["persetujuan_permintaan"]
