"""Workflow state in and out of JSON, without the spec.

The spec is stored once per process-model version and kept parsed in the spec cache;
instances store only their tasks and data, about half the size and 40 % cheaper to load
(see the SpiffWorkflow notes). A dump carries the serializer version so that the
library's own migrations can upgrade old states.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

_REGISTRY = BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)
_ENCODER = create_encoder(_REGISTRY)


def state_to_json(workflow: BpmnWorkflow) -> str:
    """Serialize everything but the spec."""
    dct = _SERIALIZER.to_dict(workflow)
    dct.pop("spec")
    dct.pop("subprocess_specs")
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
    return json.dumps(dct, cls=_ENCODER, separators=(",", ":"))


def state_from_json(state: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Rebuild a workflow from its state and the cached, parsed spec."""
    dct = json.loads(state)
    _SERIALIZER.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = dict(subprocess_specs)
    workflow: BpmnWorkflow = _SERIALIZER.from_dict(dct)
    return workflow


def to_jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Task data as plain JSON values (datetimes become ISO strings), for query columns."""
    result: dict[str, Any] = json.loads(json.dumps(data, cls=_ENCODER))
    return result
