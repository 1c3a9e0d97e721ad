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

from app.config import DataLimits
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


class DataRejected(ValueError):
    """Task data that is not JSON or is past the caps; `field` is the top-level key at
    fault ("" for the whole). It never leaves the engine: forms turn it into a field
    error, the runtime into a failed step."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _measure(key: str, value: Any, limits: DataLimits, depth: int) -> None:
    """Walk `value` (at `depth`) without recursion, counting its nesting and roughly its
    JSON length, and stop as soon as either is past `limits`: data a script builds may be
    nested thousands deep, share one list many times over (`a = [a, a]` thirty times is a
    billion items once written out) or even contain itself.

    Raises:
        DataRejected: past `limits.max_depth` or `limits.max_bytes`, naming `key`.
    """
    budget = limits.max_bytes
    stack = [(value, depth)]
    while stack:
        item, depth = stack.pop()
        budget -= len(item) + 2 if isinstance(item, str) else 1
        if budget < 0:
            raise _too_large(limits, key)
        if isinstance(item, dict | list | tuple):
            if depth > limits.max_depth:
                raise DataRejected(
                    f"Data bertingkat lebih dari {limits.max_depth} / data nested deeper "
                    f"than {limits.max_depth}",
                    key,
                )
            children = [*item, *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _too_large(limits: DataLimits, key: str) -> DataRejected:
    return DataRejected(
        f"Data lebih dari {limits.max_bytes} bita / data larger than {limits.max_bytes} bytes",
        key,
    )


def check_data(data: Any, limits: DataLimits) -> str:
    """Task data as JSON text, once it is known to be JSON within `limits`.

    Raises:
        DataRejected: a value JSON cannot hold (bytes, NaN, infinity...), or data nested
            deeper than `limits.max_depth` or longer than `limits.max_bytes`, naming the
            top-level key at fault ("" when the whole is too large but no key alone is).
    """
    fields = list(data.items()) if isinstance(data, dict) else [("", data)]
    try:
        _measure("", data, limits, 1)
    except DataRejected:
        # Name the field at fault when one alone is; else the whole is.
        for key, value in fields:
            _measure(str(key), value, limits, 2 if isinstance(data, dict) else 1)
        raise
    try:
        text = json.dumps(data, cls=_ENCODER, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as err:
        raise DataRejected(
            f"Data bukan JSON / data is not JSON: {err}", _first_bad_key(fields)
        ) from None
    if len(text.encode("utf-8")) > limits.max_bytes:
        raise _too_large(limits, "")
    return text


def _first_bad_key(fields: Any) -> str:
    for key, value in fields:
        try:
            json.dumps(value, cls=_ENCODER, allow_nan=False)
        except (TypeError, ValueError):
            return str(key)
    return ""


def to_jsonable(data: Any, limits: DataLimits | None = None) -> Any:
    """Task data as plain JSON values (datetimes become ISO strings), for query columns.

    Args:
        limits: the caps data being written must meet (`check_data`); None when reading
            what is already stored, which must stay readable whatever the caps are now.

    Raises:
        DataRejected: with `limits`, data that is not JSON or is past them.
    """
    text = check_data(data, limits) if limits else json.dumps(data, cls=_ENCODER)
    return json.loads(text)
