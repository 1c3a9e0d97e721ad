"""Conformance harness: one diagram run through the HTTP API and by SpiffWorkflow alone.

Issue 16, item 7: a diagram an analyst draws must end the same way in the app as in
SpiffWorkflow itself. Each test names a diagram of `diagrams/`, the data it starts with and
a script of steps; `conform` runs the script twice and asserts that both runs end alike:

(a) **through the API**, as people would: the diagram is deployed (`POST
    /api/v1/process-models` as `analis`, after the models it calls), started (`POST
    /api/v1/process-instances` as `pengguna`), each `Complete` step finds its task in
    `GET /api/v1/tasks` of the demo user its lane names (`LANE_USERS`; the lane `Pemohon`,
    and a task in no lane, belong to the starter) and submits it with `POST
    /api/v1/tasks/{id}/complete`, each `Message` or `Signal` is sent through the API, and
    each `Wait` step moves time on with `spbe tick --at` (tests/ticks.py), as the worker
    would;
(b) **by SpiffWorkflow alone**: the same file parsed by `SpiffBpmnParser`, a `BpmnWorkflow`
    with SpiffWorkflow's own `PythonScriptEngine` (given `SCRIPT_NAMES`), the same starting
    data (the start data plus what the app adds to every instance, from
    `start_variables`), the same user tasks completed with the same data in the same
    order, the same messages and signals, and timers read against the same moments
    (`engine_clock` points Spiff's timer module at a `FixedClock` that the `Wait` steps
    move as far as the app's clock);
(c) the two `Result`s, compared whole: status (`complete`, `open` or `error`), the end
    events reached, every element passed and how often, the user tasks and the events
    waiting, the element a failure stopped at, and the data (the finished workflow's
    data; while open, the data of the task shown last, as the instance's `data` in the
    API is; datetimes as SpiffWorkflow's serializer writes them). The app's side is read
    from the API, and the elements passed and waiting from the instance's stored state.

`conform` returns the result, so a test also asserts what the diagram must do (which end,
which value): two runs that agree on the wrong answer must still fail.

Adding a diagram:

- Write `diagrams/<name>.bpmn` by hand, small, starting with an XML comment saying what it
  exercises: an executable process with the model's id (`<name>` with `_` for `-`), ids
  in snake_case, every exclusive gateway with a default flow, scripts within the
  sandbox's rules (docs/bpmn-conventions.md, section 5).
  User tasks sit in lanes named after roles (`LANE_USERS` lists those a demo user holds
  everywhere) or `Pemohon`. Diagram interchange is not needed: nothing draws these.
- A model of several files (issue 16, item 3) is a folder `diagrams/<name>/` holding its
  BPMN and DMN files, deployed as one bundle with `model_id` `<name>`. Its entry process
  is named after the model (`<name>` with `_` for `-`), unless the file is a
  collaboration of several executable pools. A model that calls another deployed model
  passes `calls=["<other>"]`: the other is deployed first and parsed with it.
- A user task may name a form (`formJsonSchemaFilename`); put the file in
  `diagrams/forms/`. The app keeps only the fields a form declares, so a test sends only
  those.
- `Message` and `Signal` steps send from outside, as `SUPERVISOR` (through
  `POST /api/v1/process-instances/{id}/messages`, `/api/v1/messages` with a correlation,
  `/api/v1/signals`); SpiffWorkflow alone gets the same event through `send_event`, with
  the correlation its waiting catch event reads from the payload.
- Scripts may use the names of `SCRIPT_NAMES` (`datetime`, `timedelta`, `math`...), which
  SpiffWorkflow alone is given as its users give them; not the clock (`datetime.now()`).
- Write the test: `conform(auth, platform, "<name>", start={...}, steps=[Complete(...),
  Wait(...)])`, then assert on the result. Each test deploys its diagram afresh (the
  fixtures reset the database per test; parses are cached by content, so this is cheap).
- A new kind of step is a dataclass beside `Complete`, `Wait`, `Message` and `Signal`,
  handled by both `_ApiRun.step` and `_SpiffRun.step`.

A diagram SpiffWorkflow itself cannot parse (compensation, in 3.2) is checked with
`refused`: the deploy must be refused at the element SpiffWorkflow names. A diagram that
fails in the app only, or in both, is not committed as a failing test; the conformance
tests hold what works.
"""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import (
    MessageEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.clock import FixedClock
from app.engine.serializer import load_state
from app.engine.spiff_time import engine_clock
from app.models import Instance
from app.models.org import REQUESTER_LANE
from app.services.context import Platform
from app.services.demo import USERS
from app.services.instances.start_data import start_variables
from tests.conftest import Auth
from tests.ticks import tick

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
FORMS = DIAGRAMS / "forms"
#: Who starts every instance, and so who holds the `Pemohon` lane's tasks.
STARTER = "pengguna"
#: Who deploys the diagrams.
ANALYST = "analis"
#: Who sends messages and signals: they reach only instances the sender supervises, and
#: an instance without a service or PD is supervised by those holding the role everywhere.
SUPERVISOR = "pj.layanan"
#: The names a SpiffWorkflow user gives its script environment for dates and arithmetic
#: (SpiffWorkflow 3.2's default one has none; the app's sandbox offers these, issue 16
#: item 5). Scripts that read the clock (`datetime.now()`) cannot be compared: SpiffWorkflow
#: alone reads the real one.
SCRIPT_NAMES: dict[str, Any] = {
    "datetime": datetime,
    "date": date,
    "time": time,
    "timedelta": timedelta,
    "timezone": timezone,
    "math": math,
}


def _lane_users() -> dict[str, str]:
    """The demo user who acts for each role lane: the first who holds the role
    everywhere (an instance without a service or PD is routed to those only)."""
    users: dict[str, str] = {}
    for username, _, _, grants in USERS:
        for role, scope, _ in grants:
            if scope is None:
                users.setdefault(str(role), username)
    return users


LANE_USERS = _lane_users()
FULL_NAMES = {username: full_name for username, full_name, _, _ in USERS}

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
#: Task data as SpiffWorkflow's serializer writes it (what the app stores, too).
_ENCODER = create_encoder(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))


# --------------------------------------------------------------------------- the script


@dataclass(frozen=True)
class Complete:
    """Submit the open user task `task` (its BPMN id) with `data`.

    `where` picks one of several open tasks of the same id (the instances of a parallel
    multi-instance task): the one whose data holds these values (`{"item": "b"}`).
    """

    task: str
    data: Mapping[str, Any] = field(default_factory=dict)
    where: Mapping[str, Any] = field(default_factory=dict)

    def picks(self, data: Mapping[str, Any]) -> bool:
        """Whether a task holding `data` is the one this step means."""
        return all(key in data and data[key] == value for key, value in self.where.items())


@dataclass(frozen=True)
class Wait:
    """Let `duration` pass: the clock moves on and due timers fire."""

    duration: timedelta


@dataclass(frozen=True)
class Message:
    """Send the message `name` with `payload` from outside: to this instance (`POST
    /api/v1/process-instances/{id}/messages`), or, with `correlation`, to whichever
    instance it matches (`POST /api/v1/messages`); sent by `SUPERVISOR`."""

    name: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    correlation: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Signal:
    """Broadcast the signal `name` with `payload` from outside (`POST /api/v1/signals`,
    by `SUPERVISOR`)."""

    name: str
    payload: Mapping[str, Any] = field(default_factory=dict)


Step = Complete | Wait | Message | Signal


@dataclass(frozen=True)
class Result:
    """How a run ended, in terms both runs can state.

    Attributes:
        status: `complete`, `open` (waiting for a person, a timer or a message) or `error`.
        ends: the end events reached.
        passed: every element completed at least once (a path taken).
        runs: how many times each element of `passed` completed.
        open_tasks: the user tasks waiting for a person, by BPMN id, sorted.
        waiting: the events waiting for a timer or a message, by BPMN id, sorted.
        failed_at: the element whose failure stopped the run, or None.
        data: the finished workflow's data; while open, the data of the task shown last.
    """

    status: str
    ends: tuple[str, ...]
    passed: frozenset[str]
    runs: dict[str, int]
    open_tasks: tuple[str, ...]
    waiting: tuple[str, ...]
    failed_at: str | None
    data: dict[str, Any]


# --------------------------------------------------------------------------- the diagram


@dataclass(frozen=True)
class Diagram:
    """A model of `diagrams/`: the file `<name>.bpmn`, or every BPMN and DMN file of the
    folder `<name>/` (a bundle), with the forms they name."""

    name: str
    files: dict[str, bytes]

    @classmethod
    def load(cls, name: str) -> Diagram:
        folder = DIAGRAMS / name
        paths = (
            sorted(p for p in folder.iterdir() if p.suffix in (".bpmn", ".dmn"))
            if folder.is_dir()
            else [DIAGRAMS / f"{name}.bpmn"]
        )
        files = {path.name: path.read_bytes() for path in paths}
        for root in [etree.fromstring(content) for content in files.values()]:
            for prop in root.iter(f"{_SPIFF}property"):
                if prop.get("name") in ("formJsonSchemaFilename", "formUiSchemaFilename"):
                    form = str(prop.get("value"))
                    files[form] = (FORMS / form).read_bytes()
        return cls(name, files)

    @property
    def roots(self) -> list[etree._Element]:
        """The parsed BPMN files."""
        return [etree.fromstring(c) for n, c in self.files.items() if n.endswith(".bpmn")]

    def add_to(self, parser: SpiffBpmnParser) -> None:
        """Give SpiffWorkflow's parser every BPMN and DMN file of the model."""
        for file_name, content in self.files.items():
            if file_name.endswith(".bpmn"):
                parser.add_bpmn_str(content, filename=file_name)
            elif file_name.endswith(".dmn"):
                parser.add_dmn_str(content, filename=file_name)


def _spec(diagram: Diagram, parser: SpiffBpmnParser) -> tuple[Any, dict[str, Any]]:
    """The spec an instance of `diagram` runs and its subprocess specs: its only
    executable process, else the one named after the model (`<name>` with `_` for `-`,
    as the app's entry rule of docs/bpmn-conventions.md, "Models of several files"),
    else its collaboration of several pools."""
    executable = parser.get_process_ids()
    entry = diagram.name.replace("-", "_")
    own = {
        str(process.get("id")) for root in diagram.roots for process in root.iter(f"{_BPMN}process")
    }
    candidates = [process_id for process_id in executable if process_id in own]
    if len(candidates) == 1 or entry in candidates:
        process_id = candidates[0] if len(candidates) == 1 else entry
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    [collaboration] = [
        str(element.get("id"))
        for root in diagram.roots
        for element in root.iter(f"{_BPMN}collaboration")
    ]
    spec, subprocess_specs = parser.get_collaboration(collaboration)
    return spec, subprocess_specs


def _lanes(roots: Sequence[etree._Element]) -> dict[str, str]:
    """Lane by flow node id, as the app routes (app/engine/nesting.py): the lane that
    names a node, else the lane of its nearest enclosing subprocess, else, in a called
    process, the lane of the call activity calling it (in any of `roots`)."""
    drawn: dict[str, str] = {}
    callers: dict[str, etree._Element] = {}
    for root in roots:
        for lane in root.iter(f"{_BPMN}lane"):
            if lane.find(f"{_BPMN}childLaneSet") is not None:
                continue  # the innermost lanes hold the nodes
            for ref in lane.iter(f"{_BPMN}flowNodeRef"):
                drawn[(ref.text or "").strip()] = str(lane.get("name") or "").strip()
        for call in root.iter(f"{_BPMN}callActivity"):
            callers[str(call.get("calledElement"))] = call
    lanes: dict[str, str] = {}
    for root in roots:
        for element in root.iter():
            element_id = element.get("id")
            if not isinstance(element.tag, str) or element_id is None:
                continue
            node: etree._Element | None = element
            while node is not None and node.get("id") not in drawn:
                called = node.tag == f"{_BPMN}process" and node.get("id") in callers
                node = callers[str(node.get("id"))] if called else node.getparent()
            if node is not None:
                lanes[element_id] = drawn[str(node.get("id"))]
    return lanes


def starting_data(start: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """What the app starts an instance of a diagram without a service or settings with."""
    return start_variables(dict(start), {}, (STARTER, FULL_NAMES[STARTER]), now, None, {})


def tasks_in(workflow: BpmnWorkflow, state: TaskState) -> list[Any]:
    """Every task of the workflow in `state`, subprocesses included. Asked for a state,
    Spiff's iterator does not descend below tasks in a lower one (the runs of a cycle
    timer hang under the waiting timer), so the whole tree is walked and filtered here."""
    return [task for task in workflow.get_tasks() if task.state == state]


def _runs(workflow: BpmnWorkflow) -> dict[str, int]:
    """How many times each element completed (loops, cycles and instances counted)."""
    return dict(
        Counter(
            task.task_spec.bpmn_id
            for task in tasks_in(workflow, TaskState.COMPLETED)
            if task.task_spec.bpmn_id
        )
    )


def _waiting(workflow: BpmnWorkflow) -> tuple[str, ...]:
    """The events a workflow waits on (a timer, a message, a boundary event of an open
    task), by BPMN id."""
    return tuple(
        sorted(
            task.task_spec.bpmn_id
            for task in tasks_in(workflow, TaskState.WAITING)
            if task.task_spec.bpmn_id and hasattr(task.task_spec, "event_definition")
        )
    )


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(dict(data), cls=_ENCODER))
    return result


# --------------------------------------------------------------------------- the two runs


class _SpiffRun:
    """The last of `models` in SpiffWorkflow alone (the others are the models it calls,
    parsed with it), on its own clock."""

    def __init__(
        self,
        models: Sequence[Diagram],
        start: Mapping[str, Any],
        now: datetime,
        end_events: frozenset[str],
    ) -> None:
        self.end_events = end_events
        self.clock = FixedClock(now)
        parser = SpiffBpmnParser()
        for model in models:
            model.add_to(parser)
        spec, subprocess_specs = _spec(models[-1], parser)
        self.workflow = BpmnWorkflow(
            spec,
            subprocess_specs,
            script_engine=PythonScriptEngine(environment=TaskDataEnvironment(SCRIPT_NAMES)),
        )
        self.workflow.task_tree.data.update(starting_data(start, now))
        self.failed_at: str | None = None
        self._run(self.workflow.do_engine_steps)

    def _run(self, action: Any) -> None:
        if self.failed_at is not None:
            return
        with engine_clock(self.clock):
            try:
                action()
            except WorkflowException as err:
                task = getattr(err, "task", None)
                self.failed_at = task.task_spec.bpmn_id if task is not None else "?"

    def _tasks(self, state: TaskState) -> list[Any]:
        return tasks_in(self.workflow, state)

    def step(self, step: Step) -> None:
        if isinstance(step, Wait):
            self.clock.set(self.clock.now() + step.duration)

            def fire() -> None:
                self.workflow.refresh_timers()
                self.workflow.do_engine_steps()

            self._run(fire)
            return
        if isinstance(step, Message | Signal):
            self._run(lambda: self._send(step))
            return
        ready = [
            task
            for task in self._tasks(TaskState.READY)
            if task.task_spec.manual
            and task.task_spec.bpmn_id == step.task
            and step.picks(_plain(task.data))
        ]
        assert len(ready) == 1, f"SpiffWorkflow: no single open {step} ({self._open()})"
        task = ready[0]

        def run() -> None:
            task.data.update(step.data)
            task.run()
            self.workflow.do_engine_steps()

        self._run(run)

    def _send(self, step: Message | Signal) -> None:
        """Deliver a message or signal as a SpiffWorkflow user does: `send_event` with the
        correlation the waiting catch event's properties read from the payload."""
        if isinstance(step, Signal):
            event = BpmnEvent(SignalEventDefinition(step.name), dict(step.payload))
        else:
            definition = MessageEventDefinition(step.name)
            properties = [
                property_
                for task in self._tasks(TaskState.WAITING)
                if isinstance(
                    getattr(task.task_spec, "event_definition", None), MessageEventDefinition
                )
                and task.task_spec.event_definition.name == step.name
                for property_ in task.task_spec.event_definition.correlation_properties
            ]
            correlations = definition.calculate_correlations(
                self.workflow.script_engine, properties, dict(step.payload)
            )
            event = BpmnEvent(definition, dict(step.payload), correlations)
        self.workflow.send_event(event)
        self.workflow.do_engine_steps()

    def _open(self) -> tuple[str, ...]:
        return tuple(
            sorted(
                task.task_spec.bpmn_id
                for task in self._tasks(TaskState.READY)
                if task.task_spec.manual
            )
        )

    def result(self) -> Result:
        workflow = self.workflow
        runs = _runs(workflow)
        passed = frozenset(runs)
        if self.failed_at is not None:
            status = "error"
        elif workflow.is_completed():
            status = "complete"
        else:
            status = "open"
        ready = [task for task in self._tasks(TaskState.READY) if task.task_spec.manual]
        if status == "complete":
            data = workflow.data
        elif ready and status == "open":
            data = ready[-1].data
        else:
            data = (workflow.last_task or workflow.task_tree).data
        return Result(
            status=status,
            ends=tuple(sorted(passed & self.end_events)),
            passed=passed,
            runs=runs,
            open_tasks=self._open() if status == "open" else (),
            waiting=_waiting(workflow) if status == "open" else (),
            failed_at=self.failed_at,
            data=_plain(data),
        )


class _ApiRun:
    """`models` deployed in order (the called ones first), the last started and driven
    through the HTTP API by the demo users."""

    def __init__(
        self,
        auth: Auth,
        platform: Platform,
        models: Sequence[Diagram],
        start: Mapping[str, Any],
        lanes: Mapping[str, str],
        end_events: frozenset[str],
    ) -> None:
        self.auth = auth
        self.platform = platform
        self.lanes = lanes
        self.end_events = end_events
        for model in models:
            self._deploy(model)
        started = auth.post(
            STARTER,
            "/api/v1/process-instances",
            json={"process_model_id": models[-1].name, "data": dict(start)},
        )
        assert started.status_code == 201, started.json
        self.instance_id: int = started.json["id"]

    def _deploy(self, model: Diagram) -> None:
        form: dict[str, Any] = {
            "files": [(io.BytesIO(content), name) for name, content in model.files.items()],
            "model_id": model.name,
        }
        deployed = self.auth.post(
            ANALYST, "/api/v1/process-models", data=form, content_type="multipart/form-data"
        )
        # Warnings (a condition reading a field no form declares...) are expected of a
        # diagram drawn without forms; only a refusal stops the run.
        assert deployed.status_code == 201, deployed.json
        assert deployed.json["id"] == model.name, deployed.json

    def step(self, step: Step) -> None:
        if isinstance(step, Wait):
            tick(self.platform, self.platform.clock.now() + step.duration)
            return
        if isinstance(step, Message | Signal):
            self._send(step)
            return
        lane = self.lanes.get(step.task)
        user = STARTER if lane in (None, REQUESTER_LANE) else LANE_USERS[str(lane)]
        inbox = self.auth.get(user, "/api/v1/tasks?per_page=100")
        assert inbox.status_code == 200, inbox.json
        found = [
            task
            for task in inbox.json["items"]
            if task["name"] == step.task
            and task["process_instance_id"] == self.instance_id
            and (not step.where or step.picks(self._task_data(user, task["id"])))
        ]
        assert len(found) == 1, f"API: {user} has no single open {step} ({found})"
        done = self.auth.post(
            user, f"/api/v1/tasks/{found[0]['id']}/complete", json={"data": dict(step.data)}
        )
        assert done.status_code == 200, done.json

    def _send(self, step: Message | Signal) -> None:
        payload = dict(step.payload)
        if isinstance(step, Signal):
            sent = self.auth.post(
                SUPERVISOR, "/api/v1/signals", json={"name": step.name, "payload": payload}
            )
        elif step.correlation is not None:
            sent = self.auth.post(
                SUPERVISOR,
                "/api/v1/messages",
                json={
                    "name": step.name,
                    "correlation": dict(step.correlation),
                    "payload": payload,
                },
            )
        else:
            sent = self.auth.post(
                SUPERVISOR,
                f"/api/v1/process-instances/{self.instance_id}/messages",
                json={"name": step.name, "payload": payload},
            )
        assert sent.status_code == 200, sent.json

    def _task_data(self, user: str, task_id: str) -> dict[str, Any]:
        task = self.auth.get(user, f"/api/v1/tasks/{task_id}")
        assert task.status_code == 200, task.json
        data: dict[str, Any] = task.json["data"]
        return data

    def result(self) -> Result:
        shown = self.auth.get(STARTER, f"/api/v1/process-instances/{self.instance_id}")
        assert shown.status_code == 200, shown.json
        instance = shown.json
        status = {"complete": "complete", "error": "error"}.get(instance["status"], "open")
        failures = [e for e in instance["events"] if e["kind"] == "instance_error"]
        with self.platform.sessions() as session:
            row = session.scalars(select(Instance).where(Instance.id == self.instance_id)).one()
            model = self.platform.instances(session).model_for(row)
            workflow = load_state(row.state, model.spec, model.subprocess_specs)
        runs = _runs(workflow)
        passed = frozenset(runs)
        return Result(
            status=status,
            ends=tuple(sorted(passed & self.end_events)),
            passed=passed,
            runs=runs,
            open_tasks=tuple(sorted(t["name"] for t in instance["tasks"]))
            if status == "open"
            else (),
            waiting=_waiting(workflow) if status == "open" else (),
            failed_at=failures[-1]["data"]["element_id"] if failures else None,
            data=instance["data"],
        )


def conform(
    auth: Auth,
    platform: Platform,
    name: str,
    start: Mapping[str, Any] | None = None,
    steps: Sequence[Step] = (),
    calls: Sequence[str] = (),
) -> Result:
    """Run the model `name` of `diagrams/` through the API and in SpiffWorkflow alone with
    the same start data and steps; assert both end alike and return how they ended.

    `calls` names other models of `diagrams/` that `name` calls: deployed before it,
    parsed with it for SpiffWorkflow alone.
    """
    models = [*(Diagram.load(called) for called in calls), Diagram.load(name)]
    roots = [root for model in models for root in model.roots]
    ends = frozenset(str(end.get("id")) for root in roots for end in root.iter(f"{_BPMN}endEvent"))
    start = start or {}
    alone = _SpiffRun(models, start, platform.clock.now(), ends)
    served = _ApiRun(auth, platform, models, start, _lanes(roots), ends)
    for step in steps:
        alone.step(step)
        served.step(step)
    expected, actual = alone.result(), served.result()
    for aspect in (
        "status",
        "ends",
        "failed_at",
        "open_tasks",
        "waiting",
        "passed",
        "runs",
        "data",
    ):
        assert getattr(actual, aspect) == getattr(expected, aspect), (
            f"{name}: {aspect} differs: API {getattr(actual, aspect)!r}, "
            f"SpiffWorkflow {getattr(expected, aspect)!r}"
        )
    return actual


def refused(auth: Auth, name: str) -> list[dict[str, Any]]:
    """Deploy the model `name` of `diagrams/`, which SpiffWorkflow alone cannot parse:
    assert the API refuses it too (422) at the element SpiffWorkflow names, and return
    the API's errors."""
    model = Diagram.load(name)
    parser = SpiffBpmnParser()
    try:
        model.add_to(parser)
        _spec(model, parser)
    except ValidationException as err:
        element_id = err.id
    else:
        raise AssertionError(f"{name}: SpiffWorkflow parses it")
    form: dict[str, Any] = {
        "files": [(io.BytesIO(content), file) for file, content in model.files.items()],
        "model_id": model.name,
    }
    answer = auth.post(
        ANALYST, "/api/v1/process-models", data=form, content_type="multipart/form-data"
    )
    assert answer.status_code == 422, answer.json
    errors: list[dict[str, Any]] = answer.json["errors"]
    assert [error["element_id"] for error in errors] == [element_id], errors
    return errors
