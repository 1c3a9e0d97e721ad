"""One harness for the model tests: a shipped procedure run by the real `Runtime`.

A `Procedure` is one processes/*.bpmn file as the deploy parses it (`bundle_from_directory`,
`parse_bundle`), with the runtime the app uses, a `FixedClock` and a starter. Its starting
data are built by the app's own functions, `catalog_facts` for the catalog entry the start
form names (the demo catalog, app/services/demo.py, or explicit test entries) and
`start_variables` for the rest, so the model tests cannot drift from
`InstanceService.start`. Only the reference number is fixed here instead of drawn from the
database: `<prefix>-<year>-000001` (`number=` picks another).

`Procedure.start` returns a `Run`: one instance, driven as the app drives it, through
`Runtime.start`, `complete`, `deliver`, `fire_timers` and `update_data` on the serialized
state, the task's form checked the way the app checks it (`validate_form`) and its lane
compared with the lane the test names. `Run.workflow()` loads the state for the few
checks only SpiffWorkflow can answer (tasks reached, timers waiting, flows taken).

`taken_flows` is the one walk over a workflow's gateway decisions; tests/paths/coverage.py
uses it too, with `decision_flows` read from the diagram.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins import (
    BoundaryEventMixin,
    EventBasedGatewayMixin,
    ExclusiveGatewayMixin,
    InclusiveGatewayMixin,
)
from SpiffWorkflow.util.task import TaskState

from app.clock import FixedClock
from app.engine.forms import validate_form
from app.engine.runtime import Message, Outcome, ReadyTask, Runtime
from app.engine.sandbox import make_script_engine
from app.engine.script_context import script_context_helpers
from app.engine.serializer import load_state
from app.engine.specs import ParseCache, ParsedModel
from app.engine.spiff_time import engine_clock
from app.models import Agency, RequestType, Service
from app.services.catalog.services import (
    AGENCY_FIELD,
    REQUEST_TYPE_FIELD,
    SERVICE_FIELD,
    agency_facts,
    catalog_facts,
)
from app.services.continuity.case_plans import DRP_FACT
from app.services.demo import AGENCIES, SERVICES, USERS
from app.services.instances.start_data import start_variables
from app.services.process_models.deploy import bundle_from_directory

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
FORMS_DIR = ROOT / "forms"
#: The year of a reference number is the year in WIB (app/services/instances/numbering.py).
NUMBERING_ZONE = ZoneInfo("Asia/Jakarta")
TIME_LIMIT = 1.0

Flow = tuple[str, str]  # (gateway id, target id): one outgoing flow of a gateway

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
#: The gateways where the engine decides which way to go, by their BPMN tags and Spiff specs.
_DECISION_TAGS = ("exclusiveGateway", "inclusiveGateway", "eventBasedGateway")
_DECISION_SPECS = (ExclusiveGatewayMixin, InclusiveGatewayMixin, EventBasedGatewayMixin)
_TAKEN = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED
#: Parsed once per content, as the app's spec cache does: the tests only read the specs.
_PARSES = ParseCache()


# --------------------------------------------------------------------------- the diagram


def bpmn_file(model_id: str) -> Path:
    """The shipped diagram of `model_id`."""
    return PROCESSES / f"{model_id}.bpmn"


def deployed_model(model_id: str) -> ParsedModel:
    """The model as `spbe deploy processes` parses it: the BPMN with its forms and DMN."""
    bundle = bundle_from_directory(bpmn_file(model_id), FORMS_DIR)
    return _PARSES.parse(model_id, bundle)


def gateway_flows(path: Path) -> set[Flow]:
    """Every outgoing flow of every exclusive, inclusive and event-based gateway, merges
    included."""
    root = etree.parse(str(path)).getroot()  # noqa: S320 - our own shipped files
    sources = {
        gateway.get("id") for tag in _DECISION_TAGS for gateway in root.iter(f"{_BPMN}{tag}")
    }
    return {
        (flow.get("sourceRef"), flow.get("targetRef"))
        for flow in root.iter(f"{_BPMN}sequenceFlow")
        if flow.get("sourceRef") in sources
    }


def decision_flows(path: Path) -> set[Flow]:
    """The flows of `gateway_flows` that leave a gateway with more than one way out."""
    flows = gateway_flows(path)
    ways_out: dict[str, int] = {}
    for gateway, _ in flows:
        ways_out[gateway] = ways_out.get(gateway, 0) + 1
    return {flow for flow in flows if ways_out[flow[0]] > 1}


def taken_flows(workflow: BpmnWorkflow) -> set[Flow]:
    """The outgoing flows this workflow took out of its exclusive, inclusive and
    event-based gateways, as (gateway id, target id).

    A flow counts as taken when its target task was reached (completed, ready, waiting or
    started). A task with boundary events sits behind Spiff's `BoundaryEventSplit`, which
    has no BPMN id: the flow's target is the split's child that is not a boundary event.
    """
    taken: set[Flow] = set()
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        spec = task.task_spec
        if not isinstance(spec, _DECISION_SPECS):
            continue
        for child in task.children:
            if not child.state & _TAKEN:
                continue
            target = child
            if isinstance(child.task_spec, BoundaryEventSplit):
                [target] = [
                    t for t in child.children if not isinstance(t.task_spec, BoundaryEventMixin)
                ]
            taken.add((spec.bpmn_id, target.task_spec.bpmn_id))
    return taken


# --------------------------------------------------------------------------- the catalog


def demo_user(username: str) -> tuple[str, str]:
    """(username, full name) of a demo user, as `InstanceService.start` passes the starter."""
    for name, full_name, *_ in USERS:
        if name == username:
            return name, full_name
    raise LookupError(f"{username} is no demo user (app/services/demo.py)")


def catalog_agency(code: str) -> Agency:
    """The demo PD `code` as an unsaved `Agency`.

    Raises:
        LookupError: the demo has no such PD (the app refuses the start form then).
    """
    for known, name in AGENCIES:
        if known == code:
            return Agency(code=known, name=name)
    raise LookupError(f"{code} is no demo PD (app/services/demo.py)")


def catalog_service(code: str, entries: Iterable[Mapping[str, Any]] = ()) -> Service:
    """The catalog entry `code` as an unsaved `Service` with its agency and request types.

    Args:
        code: the service code a start form names (`layanan`).
        entries: explicit test entries in the demo's form (app/services/demo.py `_service`),
            looked up before the demo catalog.

    Raises:
        LookupError: neither the entries nor the demo catalog have the code (the app
            refuses the start form then).
    """
    agencies = dict(AGENCIES)
    for entry in [*entries, *SERVICES]:
        if entry["code"] != code:
            continue
        agency_code = str(entry["agency"])
        service = Service(
            code=entry["code"],
            name=entry["name"],
            group=entry["group"],
            classification=entry["classification"],
            agency=Agency(code=agency_code, name=agencies.get(agency_code, agency_code)),
        )
        for kind in entry.get("request_types", ()):
            RequestType(
                service=service,
                code=kind["code"],
                name=kind["name"],
                needs_approval=kind["needs_approval"],
            )
        return service
    raise LookupError(f"service {code} is not in the catalog")


def reference_number(prefix: str | None, at: datetime, number: int = 1) -> str | None:
    """The reference number the database would hand out (None without a prefix)."""
    if prefix is None:
        return None
    return f"{prefix}-{at.astimezone(NUMBERING_ZONE).year}-{number:06d}"


# --------------------------------------------------------------------------- running


class Procedure:
    """A shipped model, the runtime, a clock and a starter: starts `Run`s.

    Args:
        model_id: the model, e.g. "penanganan-aduan" (processes/<model_id>.bpmn).
        now: the clock's time at the start; tests move `clock` themselves.
        requester: the demo user who starts instances (`pemohon`).
        services: explicit catalog entries, found before the demo catalog.
        parallel: the procedure has user tasks ready side by side; `Run.complete` then
            looks for its task among them instead of requiring it to be the only one.
        drp: the DRP in force given to a model whose start event has `drpInfo`.
    """

    def __init__(
        self,
        model_id: str,
        now: datetime,
        requester: str = "pengguna",
        services: Iterable[Mapping[str, Any]] = (),
        parallel: bool = False,
        drp: Mapping[str, Any] | None = None,
    ) -> None:
        self.model = deployed_model(model_id)
        #: The DRP in force a model with `drpInfo` starts with (`drp_berlaku`), as the app
        #: reads it from the service's newest version (None: the service has none).
        self.drp = None if drp is None else dict(drp)
        self.runtime = Runtime(time_limit=TIME_LIMIT)
        self.clock = FixedClock(now)
        self.requester = demo_user(requester)
        self.services = list(services)
        self.parallel = parallel

    def service(self, code: str) -> Service:
        """The catalog entry `code` (`catalog_service` with this procedure's entries)."""
        return catalog_service(code, self.services)

    def start_data(
        self, form: Mapping[str, Any], number: int = 1, requester: str | None = None
    ) -> dict[str, Any]:
        """What `InstanceService.start` starts an instance of this model with.

        The catalog facts come from the service the form names (`layanan`) and its request
        type (`jenis_permintaan`), or else from the PD it names (`perangkat_daerah`), as
        `resolve_scope` finds them; the reference number is
        the `number`th of the model's prefix in the clock's year.

        Raises:
            LookupError: the form names a service or request type the catalog lacks.
        """
        facts: dict[str, Any] = {}
        code = form.get(SERVICE_FIELD)
        if code is not None:
            service = self.service(str(code))
            kind = None
            if form.get(REQUEST_TYPE_FIELD) is not None:
                wanted = str(form[REQUEST_TYPE_FIELD])
                kinds = [t for t in service.request_types if t.code == wanted]
                if not kinds:
                    raise LookupError(f"service {code} has no request type {wanted}")
                kind = kinds[0]
            facts = catalog_facts(service, kind.needs_approval if kind else None)
        elif form.get(AGENCY_FIELD):
            facts = agency_facts(catalog_agency(str(form[AGENCY_FIELD])))
        if self.model.drp_info:
            facts = {**facts, DRP_FACT: self.drp}
        now = self.clock.now()
        starter = self.requester if requester is None else demo_user(requester)
        reference = reference_number(self.model.reference_prefix, now, number)
        settings = self.model.default_settings()
        return start_variables(dict(form), facts, starter, now, reference, settings)

    def start(
        self,
        form: Mapping[str, Any],
        by_timer: bool = False,
        number: int = 1,
        requester: str | None = None,
    ) -> Run:
        """Check `form` against the start form as the app does, then start an instance.

        The engine call must not fail; use `start_from` for starting data a test spoils.
        """
        errors = validate_form(self.model.form_schema(self.model.start_form) or {}, dict(form))
        assert not errors, errors
        run = self.start_from(self.start_data(form, number, requester), by_timer)
        assert run.outcome.failure is None, run.outcome.failure
        return run

    def start_from(self, data: Mapping[str, Any], by_timer: bool = False) -> Run:
        """Start an instance with `data` as its whole starting data, unchecked."""
        return Run(self, self.runtime.start(self.model, data, self.clock, by_timer=by_timer))

    def unstarted(self, data: Mapping[str, Any]) -> BpmnWorkflow:
        """A workflow with `data`, run as `Runtime.start` runs it up to the point where it
        delivers the start message (or fires the timer start): what the start events
        wait for can be checked on it."""
        workflow = BpmnWorkflow(
            self.model.spec,
            self.model.subprocess_specs,
            script_engine=make_script_engine(
                helpers=script_context_helpers(), time_limit=TIME_LIMIT
            ),
        )
        workflow.task_tree.data.update(data)
        with engine_clock(self.clock):
            workflow.do_engine_steps()
        return workflow


class Run:
    """One instance of a `Procedure`, its state kept between engine calls as the app does."""

    def __init__(self, procedure: Procedure, outcome: Outcome) -> None:
        self.procedure = procedure
        self.outcome = outcome
        self._thrown: list[Message] = list(outcome.messages)

    def _step(self, outcome: Outcome) -> Outcome:
        self.outcome = outcome
        self._thrown.extend(outcome.messages)
        return outcome

    @property
    def status(self) -> str:
        """running | waiting | complete | error, as `Outcome.status`."""
        return self.outcome.status

    @property
    def completed(self) -> bool:
        """The instance reached its end."""
        return self.outcome.status == "complete"

    @property
    def data(self) -> dict[str, Any]:
        """The instance data the app stores (`Outcome.data`)."""
        return self.outcome.data

    @property
    def ready(self) -> list[ReadyTask]:
        """The user tasks waiting for people."""
        return self.outcome.ready

    def ready_ids(self) -> list[str]:
        """The BPMN ids of the ready user tasks, sorted."""
        return sorted(task.info.bpmn_id for task in self.outcome.ready)

    def task(self, bpmn_id: str) -> ReadyTask:
        """The one ready user task `bpmn_id`."""
        found = [task for task in self.outcome.ready if task.info.bpmn_id == bpmn_id]
        assert len(found) == 1, (bpmn_id, self.ready_ids())
        return found[0]

    def task_data(self, bpmn_id: str) -> dict[str, Any]:
        """The stored data of ready task `bpmn_id`, as the app prefills its form
        (`Runtime.task_data`): unlike `task(...).data`, it sees `set_variables`."""
        procedure = self.procedure
        task_id = self.task(bpmn_id).id
        return procedure.runtime.task_data(procedure.model, self.outcome.state, task_id)

    def complete(self, bpmn_id: str, lane: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Complete ready user task `bpmn_id` as the app does after checking its lane and
        its form; returns the task's data after it ran.

        Unless the procedure is `parallel`, the task must be the only one ready.
        """
        if not self.procedure.parallel:
            assert self.ready_ids() == [bpmn_id], self.ready_ids()
        task = self.task(bpmn_id)
        assert task.info.lane == lane, (bpmn_id, task.info.lane)
        model = self.procedure.model
        errors = validate_form(model.form_schema(task.info.form) or {}, dict(data))
        assert not errors, (bpmn_id, errors)
        done = self._step(
            self.procedure.runtime.complete(
                model, self.outcome.state, task.id, data, self.procedure.clock
            )
        )
        assert done.failure is None, done.failure
        return self.procedure.runtime.task_data(model, done.state, task.id)

    def deliver(self, name: str, payload: Any) -> Outcome:
        """Hand the instance a message from another instance (`Runtime.deliver`).

        Raises:
            Conflict: nothing waits for a message of that name; the state is unchanged.
        """
        procedure = self.procedure
        return self._step(
            procedure.runtime.deliver(
                procedure.model, self.outcome.state, Message(name, payload), procedure.clock
            )
        )

    def fire_timers(self) -> Outcome | None:
        """Fire the timers due at the clock's time; None (state unchanged) when none was."""
        procedure = self.procedure
        fired = procedure.runtime.fire_timers(procedure.model, self.outcome.state, procedure.clock)
        return None if fired is None else self._step(fired)

    def set_variables(self, variables: Mapping[str, Any]) -> datetime | None:
        """Set variables where the workflow reads them next, as the app does after a step
        (`Runtime.update_data`: the SLA clock's due times); returns the next timer due.

        Only the state and the next timer change: `ready` and `data` stay those of the
        last engine call, as the app's rows do.
        """
        procedure = self.procedure
        state, due = procedure.runtime.update_data(
            procedure.model, self.outcome.state, variables, procedure.clock
        )
        self.outcome = replace(self.outcome, state=state, next_timer_at=due)
        return due

    def thrown(self) -> list[tuple[str, Any]]:
        """The messages thrown since the last call, (name, payload), for the app to deliver."""
        thrown, self._thrown = self._thrown, []
        return [(message.name, message.payload) for message in thrown]

    def workflow(self) -> BpmnWorkflow:
        """The stored state loaded, for the checks only SpiffWorkflow can answer."""
        model = self.procedure.model
        return load_state(self.outcome.state, model.spec, model.subprocess_specs)

    def reached(self, bpmn_id: str) -> int:
        """How often task or event `bpmn_id` completed."""
        return len(self.workflow().get_tasks(spec_name=bpmn_id, state=TaskState.COMPLETED))

    def waiting_ids(self) -> list[str]:
        """The BPMN ids of the tasks waiting (timers, catch events, receive tasks), sorted."""
        waiting = self.workflow().get_tasks(state=TaskState.WAITING)
        return sorted(t.task_spec.bpmn_id for t in waiting if t.task_spec.bpmn_id)

    def taken_flows(self) -> set[Flow]:
        """`taken_flows` of this instance's workflow."""
        return taken_flows(self.workflow())
