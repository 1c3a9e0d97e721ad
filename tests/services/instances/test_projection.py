"""The first step of every transition: the engine's outcome written into the instance,
task and event rows (app/services/instances/projection.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.runtime import EngineFailure, Outcome, ReadyTask
from app.engine.specs import FormRef, UserTaskInfo
from app.models import Event, Instance, InstanceStatus, Task, TaskState, User
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.instances.projection import (
    TaskRows,
    project_end,
    project_instance,
    project_tasks,
)
from tests.conftest import T0

LATER = T0 + timedelta(hours=1)
REVIEW = UserTaskInfo(
    bpmn_id="tinjau",
    title="Tinjau",
    lane="Administrator Layanan",
    form=FormRef("tinjau.schema.json", "tinjau.uischema.json"),
    assignee_variable=None,
    instructions="Baca permohonan.",
)
BY_REQUESTER = replace(REVIEW, bpmn_id="lengkapi", title="Lengkapi", lane="Pemohon", form=None)


def _started(session: Session, platform: Platform) -> tuple[Instance, Task, User]:
    user = session.scalars(select(User).where(User.username == "pengguna")).one()
    instance = platform.instances(session).start("permintaan-layanan", dict(SAMPLE_REQUEST), user)
    (row,) = session.scalars(select(Task).where(Task.instance_id == instance.id)).all()
    return instance, row, user


def _outcome(instance: Instance, *ready: ReadyTask, **changes: object) -> Outcome:
    base = Outcome(
        state=b"state-after",
        status="running",
        data={**(instance.data or {}), "x": 1},
        ready=list(ready),
        next_timer_at=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _kinds(session: Session, instance: Instance) -> list[str]:
    return list(
        session.scalars(
            select(Event.kind).where(Event.instance_id == instance.id).order_by(Event.id)
        )
    )


class TestProjectInstance:
    def test_writes_state_data_status_and_next_timer(
        self, session: Session, platform: Platform, deployed: None
    ) -> None:
        instance, _, _ = _started(session, platform)
        outcome = _outcome(instance, status="waiting", next_timer_at=LATER, fired=["t1"])
        project_instance(session, instance, outcome, LATER)
        assert (instance.state, instance.status, instance.data["x"]) == (
            b"state-after",
            "waiting",
            1,
        )
        assert instance.next_timer_at == LATER
        assert instance.updated_at == LATER
        assert _kinds(session, instance)[-1] == "timer_fired"

    def test_a_suspended_instance_stays_suspended_unless_it_ended(
        self, session: Session, platform: Platform, deployed: None
    ) -> None:
        instance, _, _ = _started(session, platform)
        instance.status = InstanceStatus.SUSPENDED
        project_instance(session, instance, _outcome(instance), LATER)
        assert instance.status == InstanceStatus.SUSPENDED
        project_instance(session, instance, _outcome(instance, status="complete"), LATER)
        assert instance.status == InstanceStatus.COMPLETE


class TestProjectTasks:
    def test_the_completed_row_is_closed_and_the_next_task_gets_a_routed_row(
        self, session: Session, platform: Platform, deployed: None
    ) -> None:
        instance, first, user = _started(session, platform)
        ready = ReadyTask("t-tinjau", REVIEW, {})
        rows = project_tasks(session, instance, _outcome(instance, ready), user, first.id, LATER)
        assert first.state == TaskState.COMPLETED
        assert (first.completed_by_id, first.completed_at) == (user.id, LATER)
        (new,) = rows.new
        assert rows.open == [first, new]
        assert (new.id, new.bpmn_id, new.lane, new.requires_role, new.assignee) == (
            "t-tinjau",
            "tinjau",
            "Administrator Layanan",
            True,
            None,
        )
        assert (new.form_file, new.ui_form_file) == ("tinjau.schema.json", "tinjau.uischema.json")
        assert (new.service_id, new.agency_id) == (instance.service_id, instance.agency_id)

    def test_a_task_the_diagram_took_away_is_cancelled_with_an_event(
        self, session: Session, platform: Platform, deployed: None
    ) -> None:
        instance, first, user = _started(session, platform)
        project_tasks(session, instance, _outcome(instance), user, None, LATER)
        assert first.state == TaskState.CANCELLED
        assert first.completed_by_id is None
        assert _kinds(session, instance)[-1] == "task_cancelled"

    def test_a_task_still_ready_is_left_alone_and_the_requesters_lane_goes_to_the_starter(
        self, session: Session, platform: Platform, deployed: None
    ) -> None:
        instance, first, user = _started(session, platform)
        kept = ReadyTask(first.id, REVIEW, {})
        mine = ReadyTask("t-lengkapi", BY_REQUESTER, {})
        rows = project_tasks(session, instance, _outcome(instance, kept, mine), user, None, LATER)
        assert first.state == TaskState.READY
        (new,) = rows.new
        assert (new.assignee, new.requires_role) == ("pengguna", False)


class TestProjectEnd:
    def test_holds_the_ready_tasks_of_a_suspended_instance(
        self, session: Session, platform: Platform, deployed: None
    ) -> None:
        instance, first, user = _started(session, platform)
        instance.status = InstanceStatus.SUSPENDED
        project_end(session, instance, _outcome(instance), user, TaskRows([first], []), LATER)
        assert first.state == TaskState.HELD

    def test_records_a_failure_and_the_end(
        self, session: Session, platform: Platform, deployed: None
    ) -> None:
        instance, first, user = _started(session, platform)
        failed = _outcome(
            instance, status="error", failure=EngineFailure("boom", "skrip", "script")
        )
        project_end(session, instance, failed, user, TaskRows([], []), LATER)
        assert instance.error_message == "boom"
        assert _kinds(session, instance)[-1] == "instance_error"
        done = _outcome(instance, status="complete")
        project_end(session, instance, done, user, TaskRows([], []), LATER)
        assert instance.ended_at == LATER
        assert _kinds(session, instance)[-1] == "instance_completed"
