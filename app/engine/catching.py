"""What a workflow waits for from outside, and the events that hand it a message or a
signal (issue 16, item 2).

A workflow waits for a message at a message catch event, a receive task, a message
boundary event or a branch of an event-based gateway, and for a signal at the same kinds
of elements with a signal definition. SpiffWorkflow keeps every waiting catching task in
the top workflow's event manager; this module reads them and builds the `BpmnEvent` that
SpiffWorkflow's own `send_event` delivers, with the correlation the diagram declares
(`bpmn:correlationProperty` with its retrieval expression per message, grouped by
`bpmn:correlationKey`; `spiffworkflow:processVariableCorrelation` on the catch event), so
that SpiffWorkflow, not the app, decides whether a waiting task catches it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.errors import Conflict, FormInvalid, NotFound

MESSAGE = "message"
SIGNAL = "signal"


@dataclass(frozen=True)
class Waiting:
    """One message or signal an instance waits for.

    Attributes:
        kind: "message" or "signal".
        name: the message's or signal's name in the diagram.
        correlation: the message's correlation properties, each with the value the
            instance holds for it (None while nothing set it: SpiffWorkflow then takes
            the first message, and its value from that message).
        element_id: the waiting element.
    """

    kind: str
    name: str
    correlation: dict[str, Any]
    element_id: str


@dataclass(frozen=True)
class Delivery:
    """A message or signal sent from outside.

    Attributes:
        kind: "message" or "signal".
        name: what the diagram calls it.
        payload: a JSON object; SpiffWorkflow stores it under the catch event's
            `messageVariable` (a signal's `variableName`).
        correlation: property -> value naming which waiting instance it is for; a
            property the message reads from the payload (its retrieval expression) is
            read from it, as SpiffWorkflow does, and must agree with the value given.
    """

    kind: str
    name: str
    payload: dict[str, Any]
    correlation: dict[str, Any] = field(default_factory=dict)


def _kind(definition: Any) -> str | None:
    if isinstance(definition, MessageEventDefinition):
        return MESSAGE
    if isinstance(definition, SignalEventDefinition):
        return SIGNAL
    return None


def _waiting_definitions(workflow: BpmnWorkflow) -> Iterator[tuple[Any, Any]]:
    """(task, definition) for each message or signal a waiting task would catch; an
    event-based gateway or a multiple event waits for each of its definitions."""
    for task in list(workflow.event_manager.tasks.values()):
        if task.state != SpiffState.WAITING:
            continue
        definition = task.task_spec.event_definition
        parts = (
            definition.event_definitions
            if isinstance(definition, MultipleEventDefinition)
            else [definition]
        )
        for part in parts:
            if _kind(part) is not None:
                yield task, part


def catchable(spec: Any, subprocess_specs: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(kind, name) of every message and signal some element of the process (or of its
    subprocesses and called processes) may wait for: what makes its instances worth
    asking whether they wait for one now."""
    found: set[tuple[str, str]] = set()
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            if not isinstance(task_spec, CatchingEvent):
                continue
            definition = task_spec.event_definition
            parts = (
                definition.event_definitions
                if isinstance(definition, MultipleEventDefinition)
                else [definition]
            )
            for part in parts:
                kind = _kind(part)
                if kind is not None:
                    found.add((kind, part.name))
    return found


def _properties(definition: Any) -> dict[str, Any]:
    """The correlation properties of a message definition by name (the message's own,
    then those the catch event fills from process data)."""
    found: dict[str, Any] = {}
    for prop in [
        *getattr(definition, "correlation_properties", []),
        *getattr(definition, "process_correlations", []),
    ]:
        found.setdefault(prop.name, prop)
    return found


def _held(task: Any, prop: Any) -> Any:
    """The value the task's workflow holds for a correlation property, or None."""
    correlations = task.workflow.correlations
    for key in prop.correlation_keys:
        values = correlations.get(key) or {}
        if prop.name in values:
            return values[prop.name]
    return None


def waiting_for(workflow: BpmnWorkflow) -> list[Waiting]:
    """Every message and signal the workflow waits for, in the order its tasks wait."""
    seen: set[tuple[str, str, str]] = set()
    result = []
    for task, definition in _waiting_definitions(workflow):
        kind = _kind(definition) or ""
        key = (kind, definition.name, task.task_spec.bpmn_id)
        if key in seen:
            continue
        seen.add(key)
        correlation = (
            {name: _held(task, prop) for name, prop in _properties(definition).items()}
            if kind == MESSAGE
            else {}
        )
        result.append(Waiting(kind, definition.name, correlation, task.task_spec.bpmn_id))
    return result


def _correlations(
    workflow: BpmnWorkflow, definition: Any, delivery: Delivery
) -> dict[str, dict[str, Any]] | None:
    """The event's correlations for one waiting message definition, keyed as SpiffWorkflow
    keys them ({correlation key: {property: value}}): a message's property read from the
    payload, a property the catch event fills from process data from `correlation`; None
    when `correlation` names a property this definition does not have.

    Raises:
        FormInvalid: the payload lacks what a property's retrieval expression reads
            (`payload`), or `correlation` gives another value than the payload
            (`correlation.<property>`).
    """
    properties = {p.name: p for p in getattr(definition, "correlation_properties", [])}
    declared = _properties(definition)
    if any(name not in declared for name in delivery.correlation):
        return None
    correlations: dict[str, dict[str, Any]] = {}
    for name, prop in declared.items():
        if name in properties:
            # SpiffWorkflow reads it from the payload when the message is caught, so the
            # payload must carry it whatever `correlation` says.
            value = _from_payload(workflow, prop, delivery.payload)
            if name in delivery.correlation and delivery.correlation[name] != value:
                raise FormInvalid(
                    "Korelasi berbeda dari payload / correlation differs from the payload",
                    {
                        f"correlation.{name}": [
                            f"Payload memberi {value!r}. / The payload gives {value!r}."
                        ]
                    },
                )
        elif name in delivery.correlation:
            value = delivery.correlation[name]
        else:
            continue  # filled from process data by the catch event itself
        for key in prop.correlation_keys:
            correlations.setdefault(key, {})[name] = value
    return correlations


def _from_payload(workflow: BpmnWorkflow, prop: Any, payload: dict[str, Any]) -> Any:
    """A correlation property's value read from the payload by its retrieval expression.

    Raises:
        FormInvalid: (`payload`) the expression cannot be evaluated on the payload.
    """
    try:
        return workflow.script_engine.environment.evaluate(prop.retrieval_expression, dict(payload))
    except Exception:  # noqa: BLE001 - any failure of the diagram's expression
        raise FormInvalid(
            "Payload tidak memuat nilai korelasi / the payload lacks a correlation value",
            {
                "payload": [
                    f"Payload harus memuat '{prop.name}' ({prop.retrieval_expression}). / "
                    f"The payload must carry '{prop.name}'."
                ]
            },
        ) from None


def event_for(workflow: BpmnWorkflow, delivery: Delivery) -> BpmnEvent:
    """The event SpiffWorkflow catches for `delivery`.

    Raises:
        NotFound: nothing in the workflow waits for a message or signal of that name.
        Conflict: something waits for the message, but its correlation does not match.
        FormInvalid: (`payload`) as `_correlations`.
    """
    candidates = [
        (task, definition)
        for task, definition in _waiting_definitions(workflow)
        if _kind(definition) == delivery.kind and definition.name == delivery.name
    ]
    if not candidates:
        raise NotFound(
            f"Instans tidak menunggu {delivery.kind} '{delivery.name}' / the instance is not "
            f"waiting for {delivery.kind} '{delivery.name}'"
        )
    for task, definition in candidates:
        # The waiting definition's own class: SpiffWorkflow matches events by class.
        sent = type(definition)(definition.name)
        if delivery.kind == SIGNAL:
            return BpmnEvent(sent, delivery.payload)
        correlations = _correlations(workflow, definition, delivery)
        if correlations is None:
            continue
        event = BpmnEvent(sent, delivery.payload, correlations)
        if task.task_spec.catches(task, event):
            return event
    raise Conflict(
        f"Korelasi pesan '{delivery.name}' tidak cocok dengan instans ini / the message's "
        "correlation does not match this instance",
        {"correlation": ["Tidak cocok / does not match"]},
    )


def payload_problem(payload: Any) -> dict[str, list[str]] | None:
    """Field errors for a payload that is not a JSON object (None when it is one)."""
    if isinstance(payload, Mapping):
        return None
    return {"payload": ["Payload harus objek JSON. / The payload must be a JSON object."]}
