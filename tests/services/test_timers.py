"""Timers advanced by `spbe tick` with an injected clock; several workers at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.clock import FixedClock
from app.engine.specs import Bundle
from app.models import Event, Instance, Task, User
from app.services.context import Platform
from app.services.process_models.deploy import DeployService
from tests.conftest import T0
from tests.ticks import tick

PENGINGAT = Path(__file__).parent.parent / "engine" / "data" / "pengingat.bpmn"


@pytest.fixture
def timed(platform: Platform, demo: None) -> Platform:
    with platform.sessions() as session, session.begin():
        DeployService(session, platform.clock, platform.specs).deploy(
            Bundle({"pengingat.bpmn": PENGINGAT.read_bytes()})
        )
    return platform


def start(platform: Platform, count: int = 1) -> list[int]:
    ids = []
    with platform.sessions() as session, session.begin():
        starter = session.scalars(select(User).where(User.username == "pengguna")).one()
        for _ in range(count):
            instance = platform.instances(session).start(
                "pengingat",
                {
                    "mulai_pada": (T0 + timedelta(hours=1)).isoformat(),
                    "batas_peringatan": "PT2H",
                },
                starter,
            )
            ids.append(instance.id)
    return ids


def test_spbe_tick_fires_only_what_is_due(timed: Platform) -> None:
    [instance_id] = start(timed)
    with timed.sessions() as session:
        instance = session.get_one(Instance, instance_id)
        assert instance.status == "waiting"
        assert instance.next_timer_at == T0 + timedelta(hours=1)

    assert "0 instance(s) advanced" in tick(timed, T0 + timedelta(minutes=30))
    output = tick(timed, T0 + timedelta(hours=1, seconds=1))
    assert f"instance {instance_id}: fired tunggu_jadwal -> running" in output
    with timed.sessions() as session:
        [task] = session.scalars(select(Task).where(Task.instance_id == instance_id)).all()
        assert task.bpmn_id == "kerjakan"
        assert task.assignee == "pengguna"


def test_interrupting_timer_cancels_the_task_and_escalates(timed: Platform) -> None:
    [instance_id] = start(timed)
    clock = timed.clock
    assert isinstance(clock, FixedClock)
    for hours in (1, 3, 5):
        clock.set(T0 + timedelta(hours=hours, seconds=hours))
        timed.timers().tick()
    with timed.sessions() as session:
        tasks = {
            t.bpmn_id: t.state
            for t in session.scalars(select(Task).where(Task.instance_id == instance_id))
        }
        assert tasks == {"kerjakan": "cancelled", "eskalasi": "ready"}
        kinds = [
            e.kind
            for e in session.scalars(
                select(Event).where(Event.instance_id == instance_id).order_by(Event.id)
            )
        ]
        assert kinds.count("timer_fired") == 3
        assert "task_cancelled" in kinds


def test_suspended_instances_do_not_fire(timed: Platform) -> None:
    [instance_id] = start(timed)
    with timed.sessions() as session, session.begin():
        session.get_one(Instance, instance_id).status = "suspended"
    timed.clock.set(T0 + timedelta(hours=2))  # type: ignore[attr-defined]
    assert timed.timers().tick() == []


def test_several_workers_never_fire_a_timer_twice(timed: Platform) -> None:
    ids = start(timed, count=12)
    timed.clock.set(T0 + timedelta(hours=1, seconds=1))  # type: ignore[attr-defined]
    results: list[list[int]] = [[], [], []]
    barrier = threading.Barrier(3)

    def work(index: int) -> None:
        barrier.wait(timeout=10)
        results[index] = [f.instance_id for f in timed.timers().tick()]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    fired = sorted(i for part in results for i in part)
    assert fired == sorted(ids)
    with timed.sessions() as session:
        assert session.scalar(
            select(func.count()).select_from(Event).where(Event.kind == "timer_fired")
        ) == len(ids)
