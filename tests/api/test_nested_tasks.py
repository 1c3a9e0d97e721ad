"""Tasks inside subprocesses (issue 16, item 1): an embedded subprocess, a transaction, an
event subprocess fired by a timer and a parallel multi-instance task inside a subprocess,
each deployed, started and completed through the API by the users its lanes name, and
ending with the data SpiffWorkflow alone gives the same diagram and answers."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.services.context import Platform
from tests.conftest import Auth
from tests.ticks import tick

pytestmark = pytest.mark.usefixtures("demo")

NESTED = Path(__file__).resolve().parents[1] / "engine" / "data" / "nested"
ADMIN = "admin.layanan"  # Administrator Layanan, everywhere
SUPERVISOR = "pj.layanan"  # Penanggung Jawab Penyedia Layanan, everywhere
STARTER = "analis"
Answer = Callable[[str, dict[str, Any]], dict[str, Any]]


def answer(bpmn_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """What a person types into each task of the test diagrams (none for the others)."""
    if bpmn_id in ("isi_catatan", "setujui_bayar"):
        return {"catatan": f"dicatat pada {bpmn_id}"}
    if bpmn_id == "tindak_lanjut":
        return {"tindakan": "hubungi pemohon"}
    if bpmn_id == "nilai_butir":
        return {"nilai_ini": {"a": 3, "b": 5, "c": 8}[data["butir_ini"]]}
    return {}


def deploy(auth: Auth, name: str) -> str:
    """Deploy tests/engine/data/nested/<name>.bpmn with the forms as model `uji-<name>`."""
    files = {f"uji-{name}.bpmn": (NESTED / f"{name}.bpmn").read_bytes()}
    files |= {path.name: path.read_bytes() for path in NESTED.glob("*.schema.json")}
    response = auth.post(
        "analis",
        "/api/v1/process-models",
        data={"file": [(io.BytesIO(content), file) for file, content in files.items()]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    return f"uji-{name}"


def start(auth: Auth, model_id: str) -> int:
    response = auth.post(
        STARTER,
        "/api/v1/process-instances",
        json={"process_model_id": model_id, "data": {"judul": "Uji subproses"}},
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def inbox(auth: Auth, username: str, instance_id: int) -> list[dict[str, Any]]:
    items = auth.get(username, "/api/v1/tasks?per_page=100").json["items"]
    return [item for item in items if item["process_instance_id"] == instance_id]


def work(auth: Auth, instance_id: int, username: str, expected: list[str]) -> None:
    """`username` finds exactly the tasks `expected` (by id) in their inbox, each with its
    form, and completes them through the API; nobody else holding no lane sees them.

    Instances of a multi-instance task are completed in the order of their items, the
    order `spiff_alone` completes them in: a parallel multi-instance task collects its
    outputs in the order its instances complete."""
    found = inbox(auth, username, instance_id)
    assert sorted(item["name"] for item in found) == sorted(expected)
    assert inbox(auth, "pengguna", instance_id) == []
    tasks = [auth.get(username, f"/api/v1/tasks/{item['id']}").json for item in found]
    for task in sorted(tasks, key=lambda t: str(t["data"].get("butir_ini", ""))):
        reply = answer(task["name"], task["data"])
        if reply:
            assert set(task["form"]["schema"]["properties"]) == set(reply)
        done = auth.post(username, f"/api/v1/tasks/{task['id']}/complete", json={"data": reply})
        assert done.status_code == 200, done.json


def instance(auth: Auth, instance_id: int) -> dict[str, Any]:
    return auth.get(STARTER, f"/api/v1/process-instances/{instance_id}").json


def spiff_alone(name: str, initial: dict[str, Any], timer_first: bool = False) -> dict[str, Any]:
    """The end data of the same diagram run by SpiffWorkflow's own parser and default
    script engine, every ready task answered as the people above answer it; with
    `timer_first`, the waiting timers fire before anyone answers anything."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(NESTED / f"{name}.bpmn"))
    process_id = parser.get_process_ids()[0]  # the main process comes first in these files
    workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    workflow.task_tree.data.update(initial)
    workflow.do_engine_steps()
    if timer_first:
        for task in workflow.get_tasks(state=TaskState.WAITING):
            if "event_value" in task.internal_data:
                task.internal_data["event_value"] = "2000-01-01T00:00:00+00:00"
        workflow.refresh_timers()
        workflow.do_engine_steps()
    while ready := workflow.get_tasks(state=TaskState.READY, manual=True):
        for task in ready:
            task.data.update(answer(task.task_spec.bpmn_id, dict(task.data)))
            task.run()
        workflow.do_engine_steps()
    assert workflow.is_completed()
    return dict(workflow.data)


def same_as_spiff(auth: Auth, instance_id: int, name: str, timer_first: bool = False) -> None:
    body = instance(auth, instance_id)
    assert body["status"] == "complete"
    app_data = body["data"]
    # What the app adds to every start (docs/bpmn-conventions.md, "Data the runtime
    # provides") goes into SpiffWorkflow's run as well.
    initial = {
        "judul": "Uji subproses",
        "pemohon": app_data["pemohon"],
        "waktu_permintaan": app_data["waktu_permintaan"],
    }
    assert app_data == spiff_alone(name, initial, timer_first)


def test_tasks_inside_an_embedded_subprocess_go_by_the_enclosing_lane(auth: Auth) -> None:
    instance_id = start(auth, deploy(auth, "subproses"))
    assert instance(auth, instance_id)["status"] == "running"
    assert inbox(auth, SUPERVISOR, instance_id) == []
    # the subprocess draws no lanes: its user and manual tasks are the enclosing lane's
    work(auth, instance_id, ADMIN, ["isi_catatan"])
    assert [t["name"] for t in inbox(auth, "pelaksana", instance_id)] == ["periksa_lapangan"]
    work(auth, instance_id, ADMIN, ["periksa_lapangan"])
    work(auth, instance_id, SUPERVISOR, ["setujui"])
    same_as_spiff(auth, instance_id, "subproses")
    assert instance(auth, instance_id)["data"]["ringkasan"] == "DICATAT PADA ISI_CATATAN"


def test_a_transaction_routes_by_its_own_lanes_before_the_enclosing_one(auth: Auth) -> None:
    instance_id = start(auth, deploy(auth, "transaksi"))
    work(auth, instance_id, ADMIN, ["cek_tagihan"])  # a none task, in no lane of its own
    assert inbox(auth, ADMIN, instance_id) == []
    work(auth, instance_id, SUPERVISOR, ["setujui_bayar"])  # the transaction's own lane
    same_as_spiff(auth, instance_id, "transaksi")


def test_a_timer_event_subprocess_offers_its_task_when_the_tick_fires_it(
    auth: Auth, platform: Platform
) -> None:
    instance_id = start(auth, deploy(auth, "peristiwa"))
    assert [t["name"] for t in inbox(auth, ADMIN, instance_id)] == ["tunggu_jawaban"]
    assert inbox(auth, SUPERVISOR, instance_id) == []
    tick(platform, platform.clock.now() + timedelta(hours=2))
    # the non-interrupting event subprocess offers its task beside the waiting one
    work(auth, instance_id, SUPERVISOR, ["tindak_lanjut"])
    work(auth, instance_id, ADMIN, ["tunggu_jawaban"])
    same_as_spiff(auth, instance_id, "peristiwa", timer_first=True)


def test_each_instance_of_a_multi_instance_task_in_a_subprocess_is_a_task(auth: Auth) -> None:
    instance_id = start(auth, deploy(auth, "multi"))
    found = inbox(auth, ADMIN, instance_id)
    assert [t["name"] for t in found] == ["nilai_butir"] * 3
    assert len({t["id"] for t in found}) == 3
    items = sorted(
        auth.get(ADMIN, f"/api/v1/tasks/{t['id']}").json["data"]["butir_ini"] for t in found
    )
    assert items == ["a", "b", "c"]
    work(auth, instance_id, ADMIN, ["nilai_butir"] * 3)
    same_as_spiff(auth, instance_id, "multi")
    assert instance(auth, instance_id)["data"]["total"] == 16
