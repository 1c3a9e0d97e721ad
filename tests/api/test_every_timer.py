"""Every timer SpiffWorkflow fires is fired by `spbe tick` (issue 16, item 4): a date on an
intermediate event, a cycle on a non-interrupting boundary event, the timer branch of an
event-based gateway, a timer inside an embedded subprocess and an interrupting boundary
duration. Each diagram is deployed and started through the API, time is moved with
`spbe tick --at` as the worker would, and the end data are those SpiffWorkflow alone gives
the same diagram with its timers read at the same moments."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.clock import FixedClock
from app.engine.spiff_time import engine_clock
from app.models import Instance
from app.services.context import Platform
from tests.conftest import T0, Auth
from tests.ticks import tick

pytestmark = pytest.mark.usefixtures("demo")

DIAGRAMS = Path(__file__).resolve().parents[1] / "engine" / "data" / "timers"
STARTER = "analis"  # the diagrams draw no lanes: their user tasks are the starter's
MINUTE = timedelta(minutes=1)


def deploy_and_start(auth: Auth, name: str, data: dict[str, Any] | None = None) -> int:
    """Deploy tests/engine/data/timers/<name>.bpmn as `uji-pewaktu-<name>` and start it."""
    model_id = f"uji-pewaktu-{name}"
    content = (DIAGRAMS / f"{name}.bpmn").read_bytes()
    deployed = auth.post(
        STARTER,
        "/api/v1/process-models",
        data={"file": [(io.BytesIO(content), f"{model_id}.bpmn")]},
        content_type="multipart/form-data",
    )
    assert deployed.status_code == 201, deployed.json
    started = auth.post(
        STARTER,
        "/api/v1/process-instances",
        json={"process_model_id": model_id, "data": {"judul": "Uji pewaktu", **(data or {})}},
    )
    assert started.status_code == 201, started.json
    return int(started.json["id"])


def instance(auth: Auth, instance_id: int) -> dict[str, Any]:
    return auth.get(STARTER, f"/api/v1/process-instances/{instance_id}").json


def next_timer_at(platform: Platform, instance_id: int) -> datetime | None:
    """The instance's scheduler column, what `spbe tick` selects due instances by."""
    with platform.sessions() as session:
        row = session.get(Instance, instance_id)
        assert row is not None
        due = row.next_timer_at
    return None if due is None else due.replace(tzinfo=T0.tzinfo)


def fired(auth: Auth, instance_id: int) -> list[list[str]]:
    """The timers each firing moved, from the instance's history."""
    return [
        event["data"]["elements"]
        for event in instance(auth, instance_id)["events"]
        if event["kind"] == "timer_fired"
    ]


def open_tasks(auth: Auth, instance_id: int) -> list[dict[str, Any]]:
    items = auth.get(STARTER, "/api/v1/tasks?per_page=100").json["items"]
    return [item for item in items if item["process_instance_id"] == instance_id]


def complete_all(auth: Auth, instance_id: int) -> None:
    for item in open_tasks(auth, instance_id):
        done = auth.post(STARTER, f"/api/v1/tasks/{item['id']}/complete", json={"data": {}})
        assert done.status_code == 200, done.json


def spiff_alone(name: str, initial: dict[str, Any], moments: Sequence[datetime]) -> dict[str, Any]:
    """The end data of the diagram run by SpiffWorkflow's own parser and default script
    engine from T0: at each of `moments` its timers are refreshed and its engine stepped,
    as one tick does (its timer module reads the same kind of fixed clock as the app's);
    then every ready task is completed with no data, as the tests do through the API."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DIAGRAMS / f"{name}.bpmn"))
    process_id = parser.get_process_ids()[0]
    workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    workflow.task_tree.data.update(initial)
    clock = FixedClock(T0)
    with engine_clock(clock):
        workflow.do_engine_steps()
        for moment in moments:
            clock.set(moment)
            workflow.refresh_timers()
            workflow.do_engine_steps()
        while ready := workflow.get_tasks(state=TaskState.READY, manual=True):
            for task in ready:
                task.run()
            workflow.do_engine_steps()
    assert workflow.is_completed()
    return dict(workflow.data)


def same_as_spiff(
    auth: Auth, instance_id: int, name: str, moments: Sequence[datetime], **start: Any
) -> dict[str, Any]:
    body = instance(auth, instance_id)
    assert body["status"] == "complete"
    data = body["data"]
    # what the app adds to every start (docs/bpmn-conventions.md) goes into Spiff's run too
    initial = {
        "judul": "Uji pewaktu",
        **start,
        "pemohon": data["pemohon"],
        "waktu_permintaan": data["waktu_permintaan"],
    }
    assert data == spiff_alone(name, initial, moments)
    return data


def test_an_intermediate_timer_with_a_date_fires_once_the_date_is_past(
    auth: Auth, platform: Platform
) -> None:
    deadline = T0 + timedelta(days=3)
    instance_id = deploy_and_start(auth, "tanggal", {"tenggat": deadline.isoformat()})
    assert instance(auth, instance_id)["status"] == "waiting"
    assert next_timer_at(platform, instance_id) == deadline

    assert "fired" not in tick(platform, deadline - MINUTE)
    assert instance(auth, instance_id)["status"] == "waiting"
    output = tick(platform, deadline + MINUTE)
    assert f"instance {instance_id}: fired sampai_tenggat -> complete" in output
    assert fired(auth, instance_id) == [["sampai_tenggat"]]
    data = same_as_spiff(
        auth,
        instance_id,
        "tanggal",
        [deadline - MINUTE, deadline + MINUTE],
        tenggat=deadline.isoformat(),
    )
    assert data["status_tenggat"] == f"lewat {deadline.isoformat()}"


def test_a_non_interrupting_cycle_on_a_user_task_fires_three_times(
    auth: Auth, platform: Platform
) -> None:
    instance_id = deploy_and_start(auth, "siklus")
    assert [t["name"] for t in open_tasks(auth, instance_id)] == ["kerjakan"]
    # R3/PT1H: the first occurrence one hour after the task began waiting, then hourly
    assert next_timer_at(platform, instance_id) == T0 + timedelta(hours=1)

    moments = [T0 + timedelta(hours=hours) + MINUTE for hours in (1, 2, 3, 4)]
    outputs = [tick(platform, moment) for moment in moments]
    for output in outputs[:3]:
        assert f"instance {instance_id}: fired pengingat -> running" in output
    assert "fired" not in outputs[3]  # three occurrences, no fourth
    assert fired(auth, instance_id) == [["pengingat"]] * 3
    assert next_timer_at(platform, instance_id) is None
    # the reminder path ran each time and the task stayed open
    assert [t["name"] for t in open_tasks(auth, instance_id)] == ["kerjakan"]
    complete_all(auth, instance_id)
    data = same_as_spiff(auth, instance_id, "siklus", moments)
    assert data["diingatkan"] is True
    assert data["dikerjakan"] is True


def test_a_worker_that_was_away_fires_every_past_occurrence_of_a_cycle_in_one_tick(
    auth: Auth, platform: Platform
) -> None:
    instance_id = deploy_and_start(auth, "siklus")
    late = T0 + timedelta(hours=3, minutes=30)
    output = tick(platform, late)
    assert f"instance {instance_id}: fired pengingat, pengingat, pengingat -> running" in output
    assert "fired" not in tick(platform, late + timedelta(hours=2))
    complete_all(auth, instance_id)
    same_as_spiff(auth, instance_id, "siklus", [late])


def test_the_timer_branch_of_an_event_based_gateway_fires_when_no_message_came(
    auth: Auth, platform: Platform
) -> None:
    instance_id = deploy_and_start(auth, "gerbang")
    assert instance(auth, instance_id)["status"] == "waiting"
    assert next_timer_at(platform, instance_id) == T0 + timedelta(hours=2)

    assert "fired" not in tick(platform, T0 + timedelta(hours=1))
    moment = T0 + timedelta(hours=2) + MINUTE
    output = tick(platform, moment)
    assert f"instance {instance_id}: fired batas_waktu -> complete" in output
    assert fired(auth, instance_id) == [["batas_waktu"]]
    data = same_as_spiff(auth, instance_id, "gerbang", [T0 + timedelta(hours=1), moment])
    assert data["hasil"] == "kedaluwarsa"


def test_a_timer_inside_an_embedded_subprocess_fires(auth: Auth, platform: Platform) -> None:
    instance_id = deploy_and_start(auth, "subproses")
    assert instance(auth, instance_id)["status"] == "waiting"
    assert next_timer_at(platform, instance_id) == T0 + timedelta(hours=1)

    moment = T0 + timedelta(hours=1) + MINUTE
    assert f"instance {instance_id}: fired jeda -> complete" in tick(platform, moment)
    data = same_as_spiff(auth, instance_id, "subproses", [moment])
    assert data["diproses"] == "UJI PEWAKTU"


def test_an_interrupting_boundary_duration_cancels_the_task(auth: Auth, platform: Platform) -> None:
    instance_id = deploy_and_start(auth, "sela")
    assert [t["name"] for t in open_tasks(auth, instance_id)] == ["kerjakan"]
    assert next_timer_at(platform, instance_id) == T0 + timedelta(days=1)

    moment = T0 + timedelta(days=1) + MINUTE
    assert f"instance {instance_id}: fired habis_waktu -> complete" in tick(platform, moment)
    assert open_tasks(auth, instance_id) == []
    data = same_as_spiff(auth, instance_id, "sela", [moment])
    assert data["hasil"] == "habis waktu"
