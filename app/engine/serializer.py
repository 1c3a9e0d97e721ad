"""Workflow state in and out of storage: JSON without the spec, zlib-compressed.

The spec is stored once per process-model version and kept parsed in the spec cache;
instances store only their tasks and data, about half the size and 40 % cheaper to load
(see the SpiffWorkflow notes). SpiffWorkflow keeps every completed task, so the JSON
grows by about 1.2 KB per completed user task; compressed it is a fifth of that (an
8.4 KB state after five completions stores as 1.6 KB, for about 40 us both ways), so a
long-running request stays small on SQLite as well as on PostgreSQL. A dump carries
the serializer version so that the library's own migrations can upgrade old states.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

from app.engine.timer_start import SERIALIZER_CONFIG

_REGISTRY = BpmnWorkflowSerializer.configure({**DEFAULT_CONFIG, **SERIALIZER_CONFIG})
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)
_ENCODER = create_encoder(_REGISTRY)
_LEVEL = 6


def state_to_json(workflow: BpmnWorkflow) -> str:
    """Everything but the spec, as JSON text."""
    dct = _SERIALIZER.to_dict(workflow)
    dct.pop("spec")
    dct.pop("subprocess_specs")
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
    return json.dumps(dct, cls=_ENCODER, separators=(",", ":"))


def state_from_json(state: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Rebuild a workflow from its JSON state and the cached, parsed spec."""
    dct = json.loads(state)
    _SERIALIZER.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = dict(subprocess_specs)
    workflow: BpmnWorkflow = _SERIALIZER.from_dict(dct)
    return workflow


def dump_state(workflow: BpmnWorkflow) -> bytes:
    """The stored form of a workflow's state: compressed JSON without the spec."""
    return zlib.compress(state_to_json(workflow).encode("utf-8"), _LEVEL)


def load_state(blob: bytes, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Rebuild a workflow from its stored state and the cached, parsed spec."""
    return state_from_json(zlib.decompress(blob).decode("utf-8"), spec, subprocess_specs)


def to_jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Task data as plain JSON values (datetimes become ISO strings), for query columns."""
    result: dict[str, Any] = json.loads(json.dumps(data, cls=_ENCODER))
    return result
