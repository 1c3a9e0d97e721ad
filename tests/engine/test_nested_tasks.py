"""A called process's tasks, run by the app's `Runtime`, and the lanes and containers
`nesting` reads from a drawing (issue 16, item 1).

A model holds one executable process per file today, so a call activity cannot be
deployed yet (bundles are item 3); the runtime's part (the called process's task offered,
routed by the call activity's lane, completed by its id, the same end as SpiffWorkflow
alone) is tested on the parsed specs directly.
"""

from __future__ import annotations

from SpiffWorkflow.spiff.parser import VALIDATOR

from app.clock import FixedClock
from app.engine.nesting import Container, containers, resolved_lanes
from app.engine.runtime import Runtime
from app.engine.specs import AppBpmnParser, ParsedModel, sub_workflow_tasks
from app.engine.xmlsafe import parse_xml
from tests.api.test_nested_tasks import NESTED, answer, spiff_alone
from tests.conftest import T0

CALLER = "sub_panggilan"


def called_model() -> ParsedModel:
    root = parse_xml((NESTED / "panggilan.bpmn").read_bytes())
    parser = AppBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename="panggilan.bpmn")
    spec, called = parser.get_spec(CALLER), parser.get_subprocess_specs(CALLER)
    roots = {"panggilan.bpmn": root}
    tasks, call_lanes = sub_workflow_tasks(roots, spec, called)
    return ParsedModel(
        model_id="uji-panggilan",
        process_id=CALLER,
        name=spec.description,
        spec=spec,
        subprocess_specs=called,
        user_tasks={info.bpmn_id: info for info in tasks},
        start_form=None,
        forms={},
        roots=roots,
        call_lanes=call_lanes,
    )


def test_a_called_process_task_takes_the_call_activitys_lane_and_completes() -> None:
    model = called_model()
    runtime, clock = Runtime(), FixedClock(T0)
    started = runtime.start(model, {"judul": "Uji"}, clock)
    [ready] = started.ready
    assert ready.info.bpmn_id == "beri_bantuan"
    # the called process draws no lanes: the call activity's lane routes its task
    assert ready.info.lane == "Penanggung Jawab Penyedia Layanan"
    assert ready.info.container == Container("bantuan", "Bantuan")
    assert model.user_tasks["beri_bantuan"].lane is None
    done = runtime.complete(
        model, started.state, ready.id, answer("beri_bantuan", ready.data), clock
    )
    assert (done.status, done.ready) == ("complete", [])
    assert done.data == spiff_alone("panggilan", {"judul": "Uji"})


def test_lanes_and_containers_of_nested_subprocesses() -> None:
    root = parse_xml(
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">'
        b'<process id="utama"><laneSet id="ls"><lane id="la" name="A">'
        b"<flowNodeRef>luar</flowNodeRef><flowNodeRef>atas</flowNodeRef></lane></laneSet>"
        b'<task id="atas"/><subProcess id="luar" name="Luar">'
        b'<laneSet id="ls_luar"><lane id="lb" name="B"><flowNodeRef>milik_b</flowNodeRef>'
        b'</lane></laneSet><task id="milik_b"/>'
        b'<subProcess id="dalam"><task id="terdalam"/></subProcess></subProcess></process>'
        b'<process id="dipanggil"><task id="tanpa_lajur"/></process></definitions>'
    )
    roots = {"x.bpmn": root}
    ids = ["atas", "milik_b", "terdalam", "tanpa_lajur"]
    assert resolved_lanes(roots, ids) == {"atas": "A", "milik_b": "B", "terdalam": "A"}
    assert containers(roots, ids, "utama") == {
        "milik_b": Container("luar", "Luar"),
        "terdalam": Container("dalam", "dalam"),
        "tanpa_lajur": Container("dipanggil", "dipanggil"),
    }
