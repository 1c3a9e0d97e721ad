"""Timer start events: read at deploy, fired only by the scheduler, cancelled by a start by
hand; the model keeps its message start beside it (app/engine/timer_start.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from SpiffWorkflow.util.task import TaskState

from app.clock import FixedClock
from app.engine.runtime import Runtime
from app.engine.serializer import load_state
from app.engine.specs import Bundle, ParsedModel, parse_bundle
from app.engine.timer_start import cycle_of
from app.errors import DeploymentInvalid
from tests.bpmn import document, sequence
from tests.conftest import T0

MESSAGE = '<bpmn:message id="pesan" name="uji-berkala" />'


def _timer(element_id: str, cycle: str) -> str:
    return (
        f'<bpmn:startEvent id="{element_id}"><bpmn:timerEventDefinition>'
        f'<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">{cycle}</bpmn:timeCycle>'
        "</bpmn:timerEventDefinition></bpmn:startEvent>"
    )


def _model(*starts: str, message: bool = True) -> ParsedModel:
    ids = [start.split('id="')[1].split('"')[0] for start in starts]
    body = "".join(starts)
    if message:
        body += (
            '<bpmn:startEvent id="mulai_pesan"><bpmn:messageEventDefinition '
            'messageRef="pesan" /></bpmn:startEvent>'
        )
        ids.append("mulai_pesan")
    body += (
        '<bpmn:exclusiveGateway id="gabung" />'
        '<bpmn:scriptTask id="catat"><bpmn:script>dicatat = True</bpmn:script></bpmn:scriptTask>'
        '<bpmn:userTask id="tinjau" name="Tinjau" /><bpmn:endEvent id="selesai" />'
        + "".join(
            f'<bpmn:sequenceFlow id="masuk_{i}" sourceRef="{s}" targetRef="gabung" />'
            for i, s in enumerate(ids)
        )
        + sequence("gabung", "catat", "tinjau", "selesai")
    )
    xml = document(body).replace(
        b'<bpmn:process id="proses_uji"', MESSAGE.encode() + b'<bpmn:process id="proses_uji"'
    )
    return parse_bundle("uji-berkala", Bundle({"uji.bpmn": xml}))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(time_limit=1.0)


def test_the_diagram_declares_its_cycle():
    model = _model(_timer("berkala", '"R/P1M"'))
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == ("berkala", "P1M")
    assert model.start_message == "uji-berkala"


def test_the_scheduler_fires_the_timer_start_and_the_message_start_is_cancelled(runtime, clock):
    model = _model(_timer("berkala", '"R/P6M"'))
    outcome = runtime.start(model, {"periode": "2026-S1"}, clock, by_timer=True)
    assert outcome.failure is None
    assert [task.info.bpmn_id for task in outcome.ready] == ["tinjau"]
    assert outcome.data["dicatat"] is True
    workflow = load_state(outcome.state, model.spec, model.subprocess_specs)
    states = {t.task_spec.bpmn_id: t.state for t in workflow.get_tasks()}
    assert states["berkala"] == TaskState.COMPLETED
    assert states["mulai_pesan"] == TaskState.CANCELLED


def test_a_start_by_hand_uses_the_message_and_the_timer_never_fires_by_itself(runtime, clock):
    model = _model(_timer("berkala", '"R/P1M"'))
    outcome = runtime.start(model, {}, clock)
    workflow = load_state(outcome.state, model.spec, model.subprocess_specs)
    states = {t.task_spec.bpmn_id: t.state for t in workflow.get_tasks()}
    assert states["mulai_pesan"] == TaskState.COMPLETED
    assert states["berkala"] == TaskState.CANCELLED
    assert outcome.next_timer_at is None
    clock.advance(timedelta(days=400))
    assert runtime.fire_timers(model, outcome.state, clock) is None


def test_a_model_whose_only_start_is_a_timer_starts_now_by_hand(runtime, clock):
    model = _model(_timer("berkala", '"R/P1Y"'), message=False)
    assert model.start_message is None
    outcome = runtime.start(model, {}, clock)
    assert [task.info.bpmn_id for task in outcome.ready] == ["tinjau"]


def test_by_timer_needs_a_timer_start(runtime, clock):
    model = _model()
    with pytest.raises(ValueError, match="no timer start"):
        runtime.start(model, {}, clock, by_timer=True)


@pytest.mark.parametrize(
    "cycle", ['"R/P2M"', '"R/2020-01-01T00:00:00/P1M"', "R/P1M", '"P1M"', "bulanan", '""']
)
def test_a_cycle_the_scheduler_cannot_keep_is_refused_at_deploy(cycle):
    with pytest.raises(DeploymentInvalid) as caught:
        _model(_timer("berkala", cycle))
    problem = caught.value.problems[0]
    assert problem.element_id == "berkala"
    assert "timeCycle" in problem.message


def test_two_timer_starts_are_refused():
    with pytest.raises(DeploymentInvalid) as caught:
        _model(_timer("berkala", '"R/P1M"'), _timer("tahunan", '"R/P1Y"'))
    assert "satu start event timer" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("expression", "cycle"),
    [('"R/P1W"', "P1W"), ("'r/p3m'", "P3M"), ('" R/P1Y "', "P1Y"), ('"R/P1D"', None), ("1", None)],
)
def test_cycle_of(expression, cycle):
    assert cycle_of(expression) == cycle


def test_the_period_a_start_is_for_is_read_and_checked():
    looks_ahead = (
        "<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property "
        'name="schedulePeriod" value="{}" /></spiffworkflow:properties></bpmn:extensionElements>'
    )

    def timer(value: str) -> str:
        return _timer("berkala", '"R/P1Y"').replace(
            "<bpmn:timerEventDefinition>", looks_ahead.format(value) + "<bpmn:timerEventDefinition>"
        )

    assert _model(_timer("berkala", '"R/P1Y"')).timer_start.period == "previous"
    assert _model(timer("next")).timer_start.period == "next"
    with pytest.raises(DeploymentInvalid) as caught:
        _model(timer("kemarin"))
    assert "schedulePeriod" in caught.value.problems[0].message
