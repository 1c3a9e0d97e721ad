"""SpiffWorkflow on its own: whole instances in memory (a) and one stored transition (e).

These are the floors the service layer is compared with: (a) never serializes, (e) adds
what any persistent engine must do per transition (load the state with the cached spec,
complete the task, step, dump the state) and nothing of ours.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.util.task import TaskState

from app.clock import SystemClock
from app.engine.runtime import Runtime
from app.engine.sandbox import make_script_engine
from app.engine.script_context import script_context_helpers
from app.engine.serializer import dump_state, state_from_json, state_to_json
from app.engine.specs import ParsedModel
from bench.flow import STEPS
from bench.stats import Samples, Summary

SCRIPT_ENGINES = ("default", "restricted")


def script_engine(name: str) -> PythonScriptEngine:
    """SpiffWorkflow's own engine (`default`) or the app's sandbox (`restricted`), both
    with the helpers the diagrams call (`script_context`)."""
    if name == "default":
        return PythonScriptEngine(environment=TaskDataEnvironment(script_context_helpers()))
    return make_script_engine(helpers=script_context_helpers())


@dataclass(frozen=True)
class InMemoryResult:
    """Start-to-end runs with one script engine, and their two phases."""

    script_engine: str
    instances: Summary
    starts: Summary
    completions: Summary


def _ready_task(workflow: BpmnWorkflow) -> Any:
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    if len(ready) != 1:
        raise RuntimeError(f"expected one ready user task, found {len(ready)}")
    return ready[0]


def _drive(
    model: ParsedModel,
    engine: PythonScriptEngine,
    data: dict[str, Any],
    starts: Samples,
    completions: Samples,
) -> BpmnWorkflow:
    """Run one instance to its end, timing the start and each completion."""
    began = time.perf_counter()
    workflow = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=engine)
    workflow.task_tree.data.update(data)
    workflow.do_engine_steps()
    starts.add(time.perf_counter() - began)
    while not workflow.is_completed():
        began = time.perf_counter()
        task = _ready_task(workflow)
        task.data.update(STEPS[task.task_spec.bpmn_id].data)
        task.run()
        workflow.do_engine_steps()
        completions.add(time.perf_counter() - began)
    if workflow.data.get("status_permintaan") != "selesai":
        raise RuntimeError(f"the path ended elsewhere: {workflow.data.get('status_permintaan')}")
    return workflow


def run_in_memory(
    model: ParsedModel, data: dict[str, Any], engine_name: str, count: int, warmup: int
) -> InMemoryResult:
    """Drive `count` instances start to end with no persistence at all (a)."""
    engine = script_engine(engine_name)
    for _ in range(warmup):
        _drive(model, engine, data, Samples(), Samples())
    instances, starts, completions = Samples(), Samples(), Samples()
    for _ in range(count):
        began = time.perf_counter()
        _drive(model, engine, data, starts, completions)
        instances.add(time.perf_counter() - began)
    return InMemoryResult(engine_name, instances.summary(), starts.summary(), completions.summary())


@dataclass(frozen=True)
class Transition:
    """A state just before a user task is completed, and what completes it.

    `state` is the engine's JSON (for the engine's own cost, e); `stored` is what the app
    keeps (compressed, for `Runtime.complete`).
    """

    state: str
    stored: bytes
    task_id: str
    data: dict[str, Any]


def record_transitions(model: ParsedModel, data: dict[str, Any]) -> list[Transition]:
    """The path's states before each user task, made with the app's script engine."""
    workflow = BpmnWorkflow(
        model.spec, model.subprocess_specs, script_engine=script_engine("restricted")
    )
    workflow.task_tree.data.update(data)
    workflow.do_engine_steps()
    transitions = []
    while not workflow.is_completed():
        task = _ready_task(workflow)
        step = STEPS[task.task_spec.bpmn_id]
        transitions.append(
            Transition(state_to_json(workflow), dump_state(workflow), str(task.id), step.data)
        )
        task.data.update(step.data)
        task.run()
        workflow.do_engine_steps()
    return transitions


@dataclass(frozen=True)
class TransitionResult:
    """One persistent transition split into its engine parts (e), plus our wrapper."""

    deserialize: Summary
    complete: Summary
    serialize: Summary
    total: Summary
    runtime_complete: Summary
    runtime_start: Summary


def _transition(
    model: ParsedModel,
    engine: PythonScriptEngine,
    step: Transition,
    parts: tuple[Samples, Samples, Samples, Samples],
) -> None:
    """Load, complete, step and dump once, timing each part."""
    began = time.perf_counter()
    workflow = state_from_json(step.state, model.spec, model.subprocess_specs)
    workflow.script_engine = engine
    loaded = time.perf_counter()
    task = workflow.get_task_from_id(UUID(step.task_id))
    task.data.update(step.data)
    task.run()
    workflow.do_engine_steps()
    stepped = time.perf_counter()
    state_to_json(workflow)
    dumped = time.perf_counter()
    for samples, elapsed in zip(
        parts, (loaded - began, stepped - loaded, dumped - stepped, dumped - began), strict=True
    ):
        samples.add(elapsed)


def measure_transitions(
    model: ParsedModel, data: dict[str, Any], count: int, warmup: int
) -> TransitionResult:
    """Time `count` transitions round-robin over the path's user tasks (e).

    Also times `Runtime.complete` and `Runtime.start` on the same inputs: the app's
    engine wrapper, which adds the outcome (ready tasks, data copies, timers) that the
    service layer writes to its query tables.
    """
    transitions = record_transitions(model, data)
    engine = script_engine("restricted")
    runtime, clock = Runtime(), SystemClock()
    parts = (Samples(), Samples(), Samples(), Samples())
    wrapped, started = Samples(), Samples()
    for index in range(warmup + count):
        step = transitions[index % len(transitions)]
        measured = index >= warmup
        _transition(model, engine, step, parts if measured else _scratch())
        began = time.perf_counter()
        runtime.complete(model, step.stored, step.task_id, step.data, clock)
        middle = time.perf_counter()
        runtime.start(model, data, clock)
        ended = time.perf_counter()
        if measured:
            wrapped.add(middle - began)
            started.add(ended - middle)
    deserialize, complete, serialize, total = (p.summary() for p in parts)
    return TransitionResult(
        deserialize, complete, serialize, total, wrapped.summary(), started.summary()
    )


def _scratch() -> tuple[Samples, Samples, Samples, Samples]:
    return Samples(), Samples(), Samples(), Samples()
