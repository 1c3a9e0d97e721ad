"""Scripts and timer expressions that use `datetime`, `timedelta` and `math` (issue 16,
item 5): deployed and run through the API they end as SpiffWorkflow alone ends the same
diagram, and deploy warns about names nothing sets, naming the element and the name."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from app.clock import FixedClock
from app.engine.serializer import to_jsonable
from app.engine.spiff_time import engine_clock
from app.services.context import Platform
from tests.bpmn import form, linear
from tests.conftest import T0, Auth
from tests.ticks import tick

pytestmark = pytest.mark.usefixtures("demo")

STARTER = "pengguna"
START_FORM = json.dumps(
    {
        "type": "object",
        "properties": {"mulai": {"type": "string"}, "hari": {"type": "integer"}},
        "required": ["mulai", "hari"],
    }
).encode()
START = {"mulai": "2026-11-23T09:00:00+07:00", "hari": 3}  # the test clock's T0, in WIB
DUE = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # mulai + 3 days + 2 hours - 1 hour

HITUNG = """
awal = datetime.fromisoformat(mulai)
batas = awal + timedelta(days=hari, hours=2)
batas_teks = batas.isoformat()
nama_hari = batas.strftime("%A")
jam = (batas - awal) / timedelta(hours=1)
hari_bulat = math.ceil(jam / 24)
"""
CATAT = "lama_hari = (batas - awal).days\nringkas = f'{batas:%d/%m/%Y %H:%M}'"
TIMER = "(datetime.fromisoformat(batas_teks) - timedelta(hours=1)).isoformat()"


def diagram(script: str = HITUNG, timer: str = TIMER) -> bytes:
    """start (form: mulai, hari) -> script `hitung` -> timer `tunggu` -> script `catat`."""
    return linear(
        f'<bpmn:scriptTask id="hitung"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>',
        '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition>'
        f'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">{timer}</bpmn:timeDate>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>",
        f'<bpmn:scriptTask id="catat"><bpmn:script>{CATAT}</bpmn:script></bpmn:scriptTask>',
    ).replace(
        b'<bpmn:startEvent id="start" />',
        f'<bpmn:startEvent id="start">{form("mulai.schema.json")}</bpmn:startEvent>'.encode(),
    )


def deploy(auth: Auth, model_id: str, bpmn: bytes) -> list[dict[str, Any]]:
    files = {f"{model_id}.bpmn": bpmn, "mulai.schema.json": START_FORM}
    response = auth.post(
        "analis",
        "/api/v1/process-models",
        data={"file": [(io.BytesIO(content), name) for name, content in files.items()]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    warnings: list[dict[str, Any]] = response.json["warnings"]
    return warnings


def spiff_alone(bpmn: bytes, initial: dict[str, Any]) -> dict[str, Any]:
    """The diagram in SpiffWorkflow alone, its script environment given the same names as
    a SpiffWorkflow user gives them (the standard library's classes and `math`), the timer
    fired when due on the same clock; its end data as the app stores data."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn, filename="uji.bpmn")
    [process_id] = parser.get_process_ids()
    names = {"datetime": datetime, "timedelta": timedelta, "timezone": timezone, "math": math}
    workflow = BpmnWorkflow(
        parser.get_spec(process_id),
        parser.get_subprocess_specs(process_id),
        script_engine=PythonScriptEngine(environment=TaskDataEnvironment(names)),
    )
    workflow.task_tree.data.update(initial)
    with engine_clock(FixedClock(T0)):
        workflow.do_engine_steps()
    for moment in (DUE - timedelta(minutes=1), DUE + timedelta(minutes=1)):
        with engine_clock(FixedClock(moment)):
            workflow.refresh_timers()
            workflow.do_engine_steps()
    assert workflow.is_completed()
    return dict(to_jsonable(dict(workflow.data)))


def test_dates_in_scripts_and_timers_end_as_in_spiffworkflow_alone(
    auth: Auth, platform: Platform
) -> None:
    assert deploy(auth, "uji-tanggal", diagram()) == []
    started = auth.post(
        STARTER,
        "/api/v1/process-instances",
        json={"process_model_id": "uji-tanggal", "data": START},
    )
    assert started.status_code == 201, started.json
    path = f"/api/v1/process-instances/{started.json['id']}"
    assert auth.get(STARTER, path).json["status"] == "waiting"
    tick(platform, DUE - timedelta(minutes=1))
    assert auth.get(STARTER, path).json["status"] == "waiting"  # the timer computed its due
    tick(platform, DUE + timedelta(minutes=1))  # SpiffWorkflow fires a timer once past due
    body = auth.get(STARTER, path).json
    assert body["status"] == "complete"
    data = body["data"]
    initial = {**START, "pemohon": data["pemohon"], "waktu_permintaan": data["waktu_permintaan"]}
    assert data == spiff_alone(diagram(), initial)
    assert (data["nama_hari"], data["jam"], data["hari_bulat"]) == ("Thursday", 74.0, 4)
    assert data["batas_teks"] == "2026-11-26T11:00:00+07:00"
    assert (data["lama_hari"], data["ringkas"]) == (3, "26/11/2026 11:00")


def test_deploy_warns_about_names_nothing_sets_in_scripts_and_timers(auth: Auth) -> None:
    script = HITUNG.replace("days=hari", "days=hari_kerja")
    timer = TIMER.replace("batas_teks", "tenggat")
    warnings = deploy(auth, "uji-nama", diagram(script, timer))
    found = sorted((w["element_id"], w["message"].split("'")[1]) for w in warnings)
    assert found == [("hitung", "hari_kerja"), ("tunggu", "tenggat")]
    assert all(w["file"] == "uji-nama.bpmn" and w["line"] for w in warnings)
