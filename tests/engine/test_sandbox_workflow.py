"""The sandbox inside a real SpiffWorkflow run: bad code fails its task, good code runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.engine.sandbox import (
    ScriptForbidden,
    ScriptLimitExceeded,
    ScriptTimeout,
    make_script_engine,
    sandbox_error,
)

SHORT = 0.3  # seconds: long enough for ordinary code, short enough for a quick suite


@pytest.fixture(autouse=True)
def _tracer_is_restored() -> Iterator[None]:
    """Coverage and debuggers keep their tracer across every run, failed or not."""
    previous = sys.gettrace()
    yield
    assert sys.gettrace() is previous


BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="uji_skrip" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:scriptTask id="hitung" name="Hitung">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="cek" default="ke_kecil" />
    <bpmn:endEvent id="besar" />
    <bpmn:endEvent id="kecil" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="hitung" />
    <bpmn:sequenceFlow id="f2" sourceRef="hitung" targetRef="cek" />
    <bpmn:sequenceFlow id="ke_besar" sourceRef="cek" targetRef="besar">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">
        {condition}
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="ke_kecil" sourceRef="cek" targetRef="kecil" />
  </bpmn:process>
</bpmn:definitions>
"""


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _workflow(script: str, condition: str = "total > 100", **data: Any) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    xml = BPMN.format(script=_xml_text(script), condition=_xml_text(condition))
    parser.add_bpmn_str(xml.encode(), filename="uji_skrip.bpmn")
    engine = make_script_engine(helpers={"double": lambda value: 2 * value}, time_limit=SHORT)
    workflow = BpmnWorkflow(parser.get_spec("uji_skrip"), script_engine=engine)
    workflow.task_tree.data.update(data)
    return workflow


def _state(workflow: BpmnWorkflow, spec_name: str) -> TaskState:
    [task] = workflow.get_tasks(spec_name=spec_name)
    return task.state


class TestWorkflow:
    def test_good_script_and_condition_run(self) -> None:
        workflow = _workflow("total = double(sum(items))", items=[20, 40])
        workflow.do_engine_steps()
        assert workflow.is_completed()
        assert workflow.data["total"] == 120
        assert "double" not in workflow.data
        assert _state(workflow, "besar") == TaskState.COMPLETED

    @pytest.mark.parametrize(
        ("script", "cause", "line"),
        [
            ("total = 1\nx = ().__class__.__base__.__subclasses__()", ScriptForbidden, 2),
            ("total = 1\nwhile True:\n    pass", ScriptTimeout, None),
            ("total = 1\nx = 'a' * 10**10", ScriptLimitExceeded, 2),
        ],
        ids=["forbidden", "timeout", "limit"],
    )
    def test_bad_script_fails_the_task(
        self, script: str, cause: type[Exception], line: int | None
    ) -> None:
        workflow = _workflow(script)
        with pytest.raises(WorkflowTaskException) as failed:
            workflow.do_engine_steps()
        assert isinstance(failed.value.__cause__, cause)
        assert sandbox_error(failed.value) is failed.value.__cause__
        assert failed.value.error_type == cause.__name__
        if line is not None:
            assert failed.value.line_number == line
        assert _state(workflow, "hitung") == TaskState.ERROR
        # the interpreter and a fresh workflow are fine afterwards
        healthy = _workflow("total = double(60)")
        healthy.do_engine_steps()
        assert healthy.is_completed()
        assert healthy.data["total"] == 120

    @pytest.mark.parametrize(
        ("condition", "cause"),
        [
            ("().__class__ is not None", ScriptForbidden),
            ("len(list(range(10**10))) > 0", ScriptLimitExceeded),
            ("[x for x in range(10**6) for y in range(10**6)]", ScriptTimeout),
        ],
        ids=["forbidden", "limit", "timeout"],
    )
    def test_bad_condition_fails_the_gateway(self, condition: str, cause: type[Exception]) -> None:
        workflow = _workflow("total = 150", condition=condition)
        with pytest.raises(WorkflowTaskException) as failed:
            workflow.do_engine_steps()
        assert isinstance(failed.value.__cause__, cause)
        assert _state(workflow, "hitung") == TaskState.COMPLETED
        assert _state(workflow, "cek") == TaskState.ERROR
