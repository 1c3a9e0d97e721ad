"""Every shipped procedure runs to its end for every demo PD, driven through the HTTP API
by a client that knows nothing but what the API serves (issue 11, the end-to-end test).

The client signs in as the demo users (app/services/demo.py names them; their password is
the demo password) and discovers the rest: who administers (whoever may list the users),
the process models, the PDs and the services of each PD, each start form and each task's
form as served (JSON Schema with `oneOf` for bound fields and `if`/`then` for dependent
ones), who may start a procedure (whoever is not refused with 403), and who may act on a
task (its candidates, checked against their inbox). Forms are filled from their schema
alone (`SchemaFiller`): the required fields, what the prefill holds, and what the data's
`if`/`then`/`else` branches ask. A gateway is steered only by the choices a schema offers: the
first `enum`/`oneOf` value and `False` on a task's first visit, the next ones each time the
instance comes back to that task, and, should a run still not end within `STEP_CAP`, a new
run with every choice shifted by one. No service code, role, username or task name is
written here, so the test keeps working when diagrams move a step to another lane or the
demo data changes who holds what. A task nobody may take fails the case where it sits.

Each case is one procedure for one demo PD: the procedure names come from the shipped
files (processes/*.bpmn) and the PDs from the demo data, and each case first checks that
the API serves that model and that PD.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from re import _parser as regex_parser  # the stdlib's own parse of a pattern, to sample it
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from app.clock import FixedClock
from app.services.demo import AGENCIES, USERS
from tests.conftest import PROCESSES, Auth

#: The deployed demo with its CMDB: the configuration verification asks for items.
pytestmark = pytest.mark.usefixtures("cmdb")

PROCEDURES = sorted(path.stem for path in PROCESSES.glob("*.bpmn"))
DEMO_PDS = [code for code, _name in AGENCIES]
#: Task completions per run, over the instance and every instance it started.
STEP_CAP = 60
#: Runs per case, each with every choice shifted by one more place.
RUN_CAP = 3
MISSING = object()


class Unsatisfiable(AssertionError):
    """A served schema no value can satisfy (a product bug, reported with the field)."""


class NoServiceOfPd(Unsatisfiable):
    """A form offers services, none of them the PD's: at the start, the procedure is not
    about this PD (a DRP test offers only Kritis services and those with a DRP)."""


def _valid(schema: dict[str, Any], value: Any) -> bool:
    return Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(value)


def _pattern_sample(pattern: str) -> str:
    """The shortest string the regular expression matches, choosing the first of every
    alternative and the low end of every range (enough for the patterns forms use)."""
    return "".join(_emit(regex_parser.parse(pattern)))


def _emit(items: Any) -> Iterator[str]:
    for op, arg in items:
        if op is regex_parser.LITERAL:
            yield chr(arg)
        elif op is regex_parser.IN:
            yield _first_in(arg)
        elif op in (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT):
            low, _high, repeated = arg
            for _ in range(low):
                yield from _emit(repeated)
        elif op is regex_parser.SUBPATTERN:
            yield from _emit(arg[-1])
        elif op is regex_parser.BRANCH:
            yield from _emit(arg[1][0])
        elif op is regex_parser.ANY:
            yield "a"
        elif op is not regex_parser.AT:
            raise NotImplementedError(f"pattern element {op} {arg}")


def _first_in(members: list[tuple[Any, Any]]) -> str:
    op, arg = members[0]
    if op is regex_parser.LITERAL:
        return chr(arg)
    if op is regex_parser.RANGE:
        return chr(arg[0])
    if op is regex_parser.CATEGORY:
        return {"CATEGORY_DIGIT": "0", "CATEGORY_SPACE": " "}.get(str(arg), "a")
    raise NotImplementedError(f"character set {members}")


@dataclass
class SchemaFiller:
    """Valid data for a served JSON Schema, built from the schema alone.

    `pd` is the PD the run is about (one of `pds`, the PDs served): a field offering PDs
    gets it, a field offering services the first service of that PD (`services` maps
    each service code the catalog serves to its PD). Other choices (`enum`, `oneOf`,
    booleans) take the value at (visit + shift) in their list, so the first visit of a task
    takes the first value.
    """

    pd: str
    pds: list[str]
    services: dict[str, str]
    now: datetime
    shift: int = 0

    def form(self, schema: dict[str, Any], prefill: dict[str, Any], visit: int) -> dict[str, Any]:
        """What a person fills in: the required fields and those the form came prefilled
        with (a prefilled value is kept where it is valid, but not for a choice met again:
        coming back to a task means trying another way); then what the data's
        `if`/`then`/`else` branches require or narrow, and the first `anyOf` alternative
        that can be met.

        Raises:
            Unsatisfiable: no data meets the form.
        """
        properties = schema.get("properties", {})
        data: dict[str, Any] = {}
        for name in properties:
            if name in schema.get("required", ()) or name in prefill:
                data[name] = self.value(name, properties[name], prefill.get(name, MISSING), visit)
        for _round in range(len(properties) + 1):
            before = dict(data)
            for branch in _branches(schema):
                met = _valid(branch["if"], data)
                self._meet(branch.get("then" if met else "else", {}), properties, data, visit)
            if not _valid({"anyOf": schema.get("anyOf", [{}])}, data):
                self._meet_one(schema["anyOf"], properties, data, visit)
            if data == before:
                break
        if not _valid(schema, data):
            errors = Draft202012Validator(schema, format_checker=FormatChecker())
            raise Unsatisfiable(
                f"no data satisfies the form: {[e.message for e in errors.iter_errors(data)]}"
            )
        return data

    def _meet(
        self,
        part: dict[str, Any],
        properties: dict[str, Any],
        data: dict[str, Any],
        visit: int,
    ) -> None:
        """Fill what `part` requires and narrow the fields it constrains, keeping values
        that already meet it."""
        for name in part.get("required", ()):
            if name not in data:
                data[name] = self.value(name, properties.get(name, {}), MISSING, visit)
        for name, extra in part.get("properties", {}).items():
            if name in data:
                merged = {**properties.get(name, {}), **extra}
                data[name] = self.value(name, merged, data[name], 0)

    def _meet_one(
        self,
        alternatives: list[dict[str, Any]],
        properties: dict[str, Any],
        data: dict[str, Any],
        visit: int,
    ) -> None:
        """Meet the first alternative that can be met (a PD without services cannot
        name one)."""
        for alternative in alternatives:
            attempt = dict(data)
            try:
                self._meet(alternative, properties, attempt, visit)
            except Unsatisfiable:
                continue
            data.update(attempt)
            return

    def value(self, name: str, prop: dict[str, Any], prefilled: Any, visit: int) -> Any:
        """A valid value of one property."""
        choices = self.choices(name, prop)
        fresh = choices is None or visit == 0 or len(choices) == 1
        if fresh and prefilled is not MISSING and _valid(prop, prefilled):
            return prefilled
        if choices is not None:
            return choices[(visit + self.shift) % len(choices)]
        kind = prop.get("type")
        if kind in ("integer", "number"):
            return self._number(prop)
        if kind == "array":
            return self._rows(name, prop, visit)
        if kind == "object":
            return self.form(prop, prefilled if isinstance(prefilled, dict) else {}, visit)
        return self._text(name, prop)

    def choices(self, name: str, prop: dict[str, Any]) -> list[Any] | None:
        """The values a choice field offers, in the order it is served; None: no choice.

        Raises:
            Unsatisfiable: the field is served with no valid value at all.
        """
        if "not" in prop and prop["not"] == {}:
            raise Unsatisfiable(f"{name}: served with no valid value ({prop.get('description')})")
        if "const" in prop:
            return [prop["const"]]
        if "oneOf" in prop:
            offered = [option["const"] for option in prop["oneOf"]]
            if set(offered) <= set(self.pds):
                if self.pd not in offered:
                    raise Unsatisfiable(f"{name}: PD {self.pd} is not offered")
                return [self.pd]
            if set(offered) <= set(self.services):
                ours = [code for code in offered if self.services[code] == self.pd]
                if not ours:
                    raise NoServiceOfPd(f"{name}: no service of PD {self.pd} is offered")
                return ours
            return offered
        if "enum" in prop:
            return list(prop["enum"])
        if prop.get("type") == "boolean":
            return [False, True]
        return None

    def _number(self, prop: dict[str, Any]) -> int | float:
        """The lowest bound the property allows, else a point inside its bounds, else 0."""
        low, high = prop.get("exclusiveMinimum"), prop.get("maximum")
        candidates = [
            prop.get("minimum"),
            None if low is None else low + 1,
            None if low is None or high is None else (low + high) / 2,
            high,
            0,
        ]
        for candidate in candidates:
            if candidate is not None and _valid(prop, candidate):
                return candidate
        raise Unsatisfiable(f"no number satisfies {prop}")

    def _rows(self, name: str, prop: dict[str, Any], visit: int) -> list[Any]:
        count = prop.get("minItems", 0)
        items = prop.get("items", {"type": "string"})
        return [
            self.value(f"{name} {row + 1}", items, MISSING, visit + row) for row in range(count)
        ]

    def _text(self, name: str, prop: dict[str, Any]) -> str:
        """Plain text of the allowed length, else the first of the time-shaped strings,
        the e-mail address or the pattern's own sample that the property accepts."""
        low, high = prop.get("minLength", 0), prop.get("maxLength", 200)
        text = f"Uji {name}".ljust(low, ".")[: max(high, low)]
        candidates = [
            text,
            self.now.isoformat(),
            self.now.date().isoformat(),
            self.now.strftime("%Y-%m"),
            self.now.strftime("%Y"),
            "uji@contoh.go.id",
        ]
        if "pattern" in prop:
            candidates.append(_pattern_sample(prop["pattern"]))
        for candidate in candidates:
            if _valid(prop, candidate):
                return candidate
        raise Unsatisfiable(f"{name}: no string satisfies {prop}")


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The form's `if`/`then`/`else` conditions, at the top and inside `allOf`."""
    found = [schema] if "if" in schema else []
    return found + [part for part in schema.get("allOf", []) if "if" in part]


@dataclass(frozen=True)
class Kabupaten:
    """What the API tells the demo users about the demo kabupaten."""

    users: list[str]
    admin: str
    models: list[str]
    pds: list[str]
    services: dict[str, str]

    @classmethod
    def discover(cls, auth: Auth) -> Kabupaten:
        """Sign in as the demo users; whoever may list the users is the administrator,
        and the users they list are the ones a run may sign in as.

        Every case starts from the same deployed demo state, so the first case's answer
        is every case's: it is asked once per test process (`_KNOWN`).
        """
        if not _KNOWN:
            demo = [username for username, *_rest in USERS]
            admin = next(u for u in demo if auth.get(u, "/api/v1/users").status_code == 200)
            listed = {user["username"] for user in auth.get(admin, "/api/v1/users").json}
            _KNOWN.append(
                cls(
                    users=[u for u in demo if u in listed],
                    admin=admin,
                    models=[m["id"] for m in auth.get(admin, "/api/v1/process-models").json],
                    pds=[a["code"] for a in auth.get(admin, "/api/v1/agencies").json],
                    services={
                        s["code"]: s["agency"] for s in auth.get(admin, "/api/v1/services").json
                    },
                )
            )
        return _KNOWN[0]


_KNOWN: list[Kabupaten] = []


@dataclass
class Run:
    """One instance of a procedure for one PD, driven to its end or to the step cap."""

    auth: Auth
    world: Kabupaten
    procedure: str
    filler: SchemaFiller
    root: int = 0
    visits: Counter[tuple[str, str]] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)

    def start(self) -> None:
        """File the start form as the first demo user the API lets start it."""
        auth = self.auth
        detail = auth.get(self.world.admin, f"/api/v1/process-models/{self.procedure}").json
        form = detail["start_form"]
        data = self.filler.form(form["schema"], {}, 0) if form else {}
        body = {"process_model_id": self.procedure, "data": data}
        for username in self.world.users:
            started = auth.post(username, "/api/v1/process-instances", json=body)
            if started.status_code != 403:
                assert started.status_code == 201, (username, started.json)
                self.root = started.json["id"]
                self.log.append(f"started #{self.root} as {username}")
                return
        pytest.fail(f"no demo user may start {self.procedure}")

    def tree(self) -> list[dict[str, Any]]:
        """The instance and every instance it started, with their open tasks."""
        found, queue = [], [self.root]
        while queue:
            response = self.auth.get(self.world.admin, f"/api/v1/process-instances/{queue.pop(0)}")
            assert response.status_code == 200, response.json
            found.append(response.json)
            queue += [child["id"] for child in response.json["children"]]
        return found

    def drive(self) -> bool:
        """Complete open tasks until every instance is complete (True) or the cap."""
        for _step in range(STEP_CAP):
            tree = self.tree()
            self.check(tree)
            waiting = [(i, t) for i in tree for t in i["tasks"]]
            if not waiting:
                stuck = [(i["process_model_id"], i["id"], i["status"]) for i in tree]
                assert all(i["status"] == "complete" for i in tree), (
                    f"no task left, yet not complete: {stuck}"
                )
                return True
            self.complete(*waiting[0])
        return False

    def check(self, tree: list[dict[str, Any]]) -> None:
        """No instance failed, and no task is or ever was without someone to take it."""
        for instance in tree:
            where = f"{instance['process_model_id']} #{instance['id']}"
            assert instance["status"] not in ("error", "terminated"), (
                where,
                instance["status"],
                instance["error_message"],
            )
            for task in instance["tasks"]:
                assert not task["unroutable"], f"{where}: task {task['name']} is unroutable"
                assert task["candidates"], f"{where}: task {task['name']} has no candidate"
            unroutable = [e["data"] for e in instance["events"] if e["kind"] == "task_unroutable"]
            assert not unroutable, f"{where}: a task sat unroutable: {unroutable}"

    def complete(self, instance: dict[str, Any], task: dict[str, Any]) -> None:
        """Complete one task as the first candidate whose inbox holds it, its form filled
        from the served schema."""
        where = f"{instance['process_model_id']} #{instance['id']}, task {task['name']}"
        holder = next((u for u in task["candidates"] if self._holds(u, task["id"])), None)
        assert holder is not None, f"{where}: no inbox holds it (candidates {task['candidates']})"
        served = self.auth.get(holder, f"/api/v1/tasks/{task['id']}")
        assert served.status_code == 200, (where, holder, served.json)
        key = (instance["process_model_id"], task["name"])
        form = served.json["form"]
        data = (
            self.filler.form(form["schema"], served.json["data"], self.visits[key]) if form else {}
        )
        self.visits[key] += 1
        done = self.auth.post(holder, f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert done.status_code == 200, (where, holder, done.json)
        self.log.append(f"{where} by {holder}")

    def _holds(self, username: str, task_id: str) -> bool:
        if username not in self.world.users:
            return False
        inbox = self.auth.get(username, "/api/v1/tasks?per_page=200").json["items"]
        return any(item["id"] == task_id for item in inbox)


#: (procedure, PD) pairs whose start form offers none of the PD's services: a DRP test
#: is about Kritis services and those with a DRP, and these demo PDs have neither.
NOT_ABOUT_PD = {("uji-drp", "BKPSDM"), ("uji-drp", "DPMPTSP")}


@pytest.mark.parametrize("pd", DEMO_PDS)
@pytest.mark.parametrize("procedure", PROCEDURES)
def test_every_procedure_ends_for_every_demo_pd(
    auth: Auth, clock: FixedClock, procedure: str, pd: str
) -> None:
    world = Kabupaten.discover(auth)
    assert procedure in world.models
    assert pd in world.pds
    for shift in range(RUN_CAP):
        filler = SchemaFiller(pd, world.pds, world.services, clock.now(), shift)
        run = Run(auth, world, procedure, filler)
        try:
            run.start()
        except NoServiceOfPd:
            # The served start form offers none of the PD's services: expected only where
            # the procedure is about services the PD does not have.
            assert (procedure, pd) in NOT_ABOUT_PD
            return
        if run.drive():
            return
    pytest.fail(
        f"{procedure} for {pd} did not end in {STEP_CAP} steps, in {RUN_CAP} runs; "
        "the last one:\n" + "\n".join(run.log)
    )


def test_the_shipped_procedures_are_the_served_ones(auth: Auth) -> None:
    world = Kabupaten.discover(auth)
    assert sorted(world.models) == PROCEDURES
    assert sorted(world.pds) == sorted(DEMO_PDS)


def test_a_pattern_sample_matches_its_pattern() -> None:
    for pattern in (r"^([0-9]{16}|[0-9]{18})$", r"^\+?[0-9][0-9 -]{5,19}$", r"^[0-9]{4}-S[12]$"):
        assert re.fullmatch(pattern, _pattern_sample(pattern))
