"""Which outgoing flows of which gateways the path tests drove, read from real instances.

A path test drives a procedure through the HTTP API; after each test the instances it
left in the database are loaded and every completed decision gateway contributes the
flows it took. `test_zz_coverage.py` then checks that every outgoing flow of every
decision gateway of every diagram in `processes/` was taken at least once.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.engine.serializer import load_state
from app.models import Instance
from app.services.context import Platform
from app.services.process_models.deploy import DeployService

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DECISIONS = ("exclusiveGateway", "inclusiveGateway", "eventBasedGateway")
_TAKEN_STATES = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED

Flow = tuple[str, str]  # (gateway id, target id)

#: model id -> flows taken, over the whole test session
TAKEN: dict[str, set[Flow]] = defaultdict(set)


def decision_flows(bpmn_file: Path) -> set[Flow]:
    """Every outgoing flow of every gateway with more than one way out."""
    root = etree.parse(str(bpmn_file)).getroot()  # noqa: S320 - our own shipped files
    flows: set[Flow] = set()
    for tag in DECISIONS:
        for gateway in root.iter(f"{BPMN}{tag}"):
            out = [
                flow.get("targetRef")
                for flow in root.iter(f"{BPMN}sequenceFlow")
                if flow.get("sourceRef") == gateway.get("id")
            ]
            if len(out) > 1:
                flows |= {(gateway.get("id"), target) for target in out}
    return flows


def record(platform: Platform) -> None:
    """Add the gateway decisions of every instance in the database to `TAKEN`."""
    with platform.sessions() as session:
        deployments = DeployService(session, platform.clock, platform.specs)
        for instance in session.scalars(select(Instance)):
            model = deployments.parsed(instance.version_id)
            workflow = load_state(instance.state, model.spec, model.subprocess_specs)
            for task in workflow.get_tasks(state=TaskState.COMPLETED):
                spec = task.task_spec
                if not type(spec).__name__.endswith("Gateway"):
                    continue
                for child in task.children:
                    if not child.state & _TAKEN_STATES:
                        continue
                    # A task with boundary events sits behind Spiff's BoundaryEventSplit,
                    # which has no bpmn id: the flow's target is among the split's children.
                    targets = [child] if child.task_spec.bpmn_id else child.children
                    for target in targets:
                        if target.task_spec.bpmn_id:
                            TAKEN[instance.process_model_id].add(
                                (spec.bpmn_id, target.task_spec.bpmn_id)
                            )
