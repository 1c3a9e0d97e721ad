"""Parse a deployable bundle (BPMN, DMN, forms) into a runnable model, and cache it.

Parsing a diagram costs milliseconds; a transition costs a fraction of one. So a bundle
is parsed when it is deployed (to validate it) and again at most once per process per
version afterwards, through `SpecCache`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Generic, TypeVar

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins import CallActivityMixin
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from app.engine.bundles import choose_entry
from app.engine.nesting import Container, containers, resolved_lanes
from app.engine.timer_start import (
    PERIOD_PROPERTY,
    PERIODS,
    ScheduledStartEventDefinition,
    ScheduledStartEventParser,
    TimerStart,
    cycle_of,
)
from app.engine.xmlsafe import XmlRejected, parse_xml
from app.errors import DeploymentInvalid, DeployProblem

FORM_PROPERTY = "formJsonSchemaFilename"
UI_FORM_PROPERTY = "formUiSchemaFilename"
ASSIGNEE_PROPERTY = "assigneeVariable"
REFERENCE_PREFIX_PROPERTY = "referencePrefix"
#: On a start event: the roles whose holders may start the model by hand, comma-separated
#: (docs/bpmn-conventions.md, "Who may start a procedure"); without it, anyone signed in.
START_ROLES_PROPERTY = "startableBy"
#: The start event asks for the service's DRP in force ("optional" or "required").
DRP_INFO_PROPERTY = "drpInfo"
REFERENCE_PREFIX = re.compile(r"^[A-Z]{2,6}$")
#: A boundary timer on a requester's confirmation that closes the case unanswered
#: (docs/bpmn-conventions.md, "SLA clocks and escalation").
CLOSES_UNCONFIRMED_PROPERTY = "closesUnconfirmed"
ESCALATION_CLOCK_PROPERTY = "escalationClock"
ESCALATION_LEVEL_PROPERTY = "escalationLevel"
#: The clocks an escalation timer may watch (docs/bpmn-conventions.md, "Eskalasi").
ESCALATION_CLOCKS = ("respons", "penyelesaian")
#: On the process: one property per setting an administrator can change, named
#: `setting:<name>` with a JSON description as its value (docs/bpmn-conventions.md,
#: "Settings an administrator can change").
SETTING_PREFIX = "setting:"
#: The variable the settings reach the diagram in (`pengaturan["<name>"]`).
SETTINGS_VARIABLE = "pengaturan"
SETTING_TYPES = ("boolean", "integer", "string")
SETTING_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


@dataclass(frozen=True)
class FormRef:
    """The form files a start event or user task names."""

    schema_file: str
    ui_file: str | None = None


@dataclass(frozen=True)
class UserTaskInfo:
    """What the app needs to know about a user task, read once from the spec."""

    bpmn_id: str
    title: str
    lane: str | None
    form: FormRef | None
    assignee_variable: str | None
    instructions: str | None
    #: The subprocess (or called process) it is drawn in; None at the process's top level.
    container: Container | None = None


@dataclass(frozen=True)
class Escalation:
    """A boundary timer that escalates an SLA clock when it fires.

    Attributes:
        bpmn_id: the boundary event's id.
        clock: "respons" or "penyelesaian".
        level: 1, 2 or 3 (Perbup Bangka 21/2025, Tabel 14).
    """

    bpmn_id: str
    clock: str
    level: int


@dataclass(frozen=True)
class SettingSpec:
    """A value the diagram leaves to an administrator (a product addition, switched or
    sized per PD), declared on the process as `setting:<name>`.

    Attributes:
        name: the key in `pengaturan`, e.g. "reviu_laporan".
        type: "boolean", "integer" or "string".
        default: the value when no administrator chose one.
        title: what it changes, in Indonesian, for the admin page.
        minimum, maximum: an integer's bounds, when it has them.
        choices: a string's allowed values (its `enum`).
    """

    name: str
    type: str
    default: Any
    title: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        """Why `value` cannot be this setting's value (Indonesian / English), or None.

        One rule for the deploy (the default) and for an administrator's change.
        """
        if self.type == "boolean":
            return None if isinstance(value, bool) else "harus true/false / must be a boolean"
        if self.type == "integer":
            # bool is an int in Python, but not a number of anything
            if isinstance(value, bool) or not isinstance(value, int):
                return "harus bilangan bulat / must be an integer"
            if self.minimum is not None and value < self.minimum:
                return f"paling kecil {self.minimum} / at least {self.minimum}"
            if self.maximum is not None and value > self.maximum:
                return f"paling besar {self.maximum} / at most {self.maximum}"
            return None
        if not isinstance(value, str):
            return "harus teks / must be a string"
        if self.choices and value not in self.choices:
            return f"salah satu dari {', '.join(self.choices)} / one of them"
        return None

    def json_schema(self) -> dict[str, Any]:
        """The setting as a JSON Schema property, for clients that draw a form from it."""
        schema: dict[str, Any] = {"type": self.type, "title": self.title, "default": self.default}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.choices:
            schema["enum"] = list(self.choices)
        return schema


def _setting(name: str, text: str) -> SettingSpec | str:
    """The setting `setting:<name>` describes in `text`, or why it cannot be one."""
    if not SETTING_NAME.match(name):
        return "nama harus huruf kecil, angka, garis bawah / name must be a snake_case identifier"
    try:
        described = json.loads(text)
    except json.JSONDecodeError as err:
        return f"JSON tidak valid / invalid JSON: {err.msg}"
    if not isinstance(described, dict):
        return "harus objek JSON / must be a JSON object"
    kind = described.get("type")
    if kind not in SETTING_TYPES:
        return f"type harus salah satu dari {', '.join(SETTING_TYPES)} / unknown type {kind!r}"
    title = described.get("title")
    if not isinstance(title, str) or not title.strip():
        return "title wajib diisi / title is required"
    bounds = {key: described.get(key) for key in ("minimum", "maximum")}
    if kind != "integer" and any(v is not None for v in bounds.values()):
        return "minimum/maximum hanya untuk integer / minimum and maximum are for integers only"
    for key, bound in bounds.items():
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int)):
            return f"{key} harus bilangan bulat / {key} must be an integer"
    choices = described.get("enum")
    if choices is not None and (
        kind != "string"
        or not isinstance(choices, list)
        or not choices
        or not all(isinstance(c, str) for c in choices)
    ):
        return "enum hanya daftar teks untuk string / enum is a list of strings, for strings only"
    if "default" not in described:
        return "default wajib diisi / default is required"
    spec = SettingSpec(
        name=name,
        type=kind,
        default=described["default"],
        title=title.strip(),
        minimum=bounds["minimum"],
        maximum=bounds["maximum"],
        choices=tuple(choices or ()),
    )
    why = spec.problem(spec.default)
    return spec if why is None else f"default {why}"


def _settings(root: etree._Element, process_id: str, bpmn_file: str) -> dict[str, SettingSpec]:
    """The settings the process declares (`setting:<name>` properties), checked.

    Raises:
        DeploymentInvalid: every setting that is not valid JSON, has an unknown type or a
            default of another type, located at the process and naming the setting.
    """
    properties = root.xpath(
        "//bpmn:process[@id=$id]/bpmn:extensionElements/spiffworkflow:properties"
        "/spiffworkflow:property[starts-with(@name, $prefix)]",
        namespaces={"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS},
        id=process_id,
        prefix=SETTING_PREFIX,
    )
    settings: dict[str, SettingSpec] = {}
    problems: list[DeployProblem] = []
    for prop in properties:
        name = str(prop.get("name"))[len(SETTING_PREFIX) :]
        found = _setting(name, prop.get("value") or "")
        if isinstance(found, str):
            problems.append(
                DeployProblem(
                    bpmn_file,
                    f"pengaturan '{name}': {found} / setting '{name}' is invalid",
                    prop.sourceline,
                    process_id,
                )
            )
        elif name in settings:
            problems.append(
                DeployProblem(
                    bpmn_file,
                    f"pengaturan '{name}' dideklarasikan dua kali / setting '{name}' twice",
                    prop.sourceline,
                    process_id,
                )
            )
        else:
            settings[name] = found
    if problems:
        raise DeploymentInvalid(problems)
    return settings


@dataclass
class Bundle:
    """The raw files of one deployment, by file name."""

    files: dict[str, bytes]

    @property
    def content_hash(self) -> str:
        """SHA-256 over names and contents, independent of upload order."""
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name] + b"\0")
        return digest.hexdigest()

    def kind(self, name: str) -> str | None:
        """`bpmn`, `dmn` or `form` by file extension; None for anything else."""
        suffix = PurePath(name).suffix.lower()
        return {".bpmn": "bpmn", ".dmn": "dmn", ".json": "form"}.get(suffix)


@dataclass
class ParsedModel:
    """A validated, runnable model: the spec plus the facts read from it."""

    model_id: str
    process_id: str
    name: str
    spec: Any
    subprocess_specs: dict[str, Any]
    user_tasks: dict[str, UserTaskInfo]
    start_form: FormRef | None
    forms: dict[str, dict[str, Any]]
    roots: dict[str, etree._Element] = field(repr=False)
    bpmn_file: str = ""
    escalations: dict[str, Escalation] = field(default_factory=dict)
    #: The message a message start event waits for (docs/bpmn-conventions.md, "Links").
    start_message: str | None = None
    #: The prefix of the instances' reference numbers, e.g. "ADU".
    reference_prefix: str | None = None
    #: The timer start event the scheduler fires for periodic starts (app/engine/timer_start.py).
    timer_start: TimerStart | None = None
    #: Who may start it by hand (`startableBy`); empty: anyone signed in.
    start_roles: tuple[str, ...] = ()
    #: `drpInfo` of the start event: the DRP in force is added at the start (app/services/
    #: continuity/case_plans.py); None: no continuity table is read.
    drp_info: str | None = None
    #: What an administrator may change per PD (`setting:<name>` on the process).
    settings: dict[str, SettingSpec] = field(default_factory=dict)
    #: Boundary timers that close a case its requester left unconfirmed
    #: (`closesUnconfirmed`): the resolution clock then stops when confirmation was asked.
    closes_unconfirmed: frozenset[str] = frozenset()
    #: The lane of each call activity that sits in one: a task of the called process
    #: drawn in no lane of its own is routed by it (app/engine/nesting.py).
    call_lanes: dict[str, str] = field(default_factory=dict)
    #: Processes its call activities call that no file of the bundle has: the entry
    #: processes of other deployed models (app/engine/bundles.py).
    external_calls: tuple[str, ...] = ()

    def default_settings(self) -> dict[str, Any]:
        """Each setting's declared default: `pengaturan` where nobody changed anything."""
        return {name: spec.default for name, spec in self.settings.items()}

    def form_schema(self, ref: FormRef | None) -> dict[str, Any] | None:
        """The JSON Schema behind `ref`, or None when there is no form."""
        return None if ref is None else self.forms.get(ref.schema_file)

    def ui_schema(self, ref: FormRef | None) -> dict[str, Any] | None:
        """The UI schema behind `ref`, if it names one."""
        if ref is None or ref.ui_file is None:
            return None
        return self.forms.get(ref.ui_file)


def element_line(root: etree._Element | None, element_id: str | None) -> int | None:
    """Source line of the element with `element_id`, for error messages."""
    if root is None or not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


def _escalation(
    bpmn_id: str | None,
    extensions: Mapping[str, Any],
    root: etree._Element | None,
    bpmn_file: str,
) -> Escalation | None:
    """The escalation an element declares, checked, or None when it declares none.

    Raises:
        DeploymentInvalid: a clock or level the app does not know, or only one of the two.
    """
    properties = extensions.get("properties") or {}
    clock = properties.get(ESCALATION_CLOCK_PROPERTY)
    level = properties.get(ESCALATION_LEVEL_PROPERTY)
    if clock is None and level is None:
        return None
    if clock not in ESCALATION_CLOCKS or level not in ("1", "2", "3") or bpmn_id is None:
        raise DeploymentInvalid(
            [
                DeployProblem(
                    bpmn_file,
                    f"eskalasi perlu {ESCALATION_CLOCK_PROPERTY} ({' | '.join(ESCALATION_CLOCKS)})"
                    f" dan {ESCALATION_LEVEL_PROPERTY} (1 | 2 | 3) / an escalation needs a "
                    f"known clock and level; got {clock!r} and {level!r}",
                    element_line(root, bpmn_id),
                    bpmn_id,
                )
            ]
        )
    return Escalation(bpmn_id, clock, int(level))


def _form_ref(extensions: Mapping[str, Any]) -> FormRef | None:
    properties = extensions.get("properties") or {}
    schema_file = properties.get(FORM_PROPERTY)
    if not schema_file:
        return None
    return FormRef(schema_file, properties.get(UI_FORM_PROPERTY) or None)


def _load_forms(bundle: Bundle, problems: list[DeployProblem]) -> dict[str, dict[str, Any]]:
    from app.engine.forms import schema_problems

    forms: dict[str, dict[str, Any]] = {}
    for name, content in bundle.files.items():
        if bundle.kind(name) != "form":
            continue
        try:
            document = json.loads(content.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(DeployProblem(name, "berkas bukan UTF-8 / file is not UTF-8"))
            continue
        except json.JSONDecodeError as err:
            problems.append(
                DeployProblem(name, f"JSON tidak valid / invalid JSON: {err.msg}", err.lineno)
            )
            continue
        is_ui = name.endswith(".uischema.json") or name.endswith("-uischema.json")
        if is_ui:
            if not isinstance(document, dict):
                problems.append(
                    DeployProblem(name, "UI schema harus objek / UI schema must be an object")
                )
                continue
        else:
            for message in schema_problems(document):
                problems.append(DeployProblem(name, message))
        forms[name] = document
    return forms


def _parse_xml_files(bundle: Bundle, problems: list[DeployProblem]) -> dict[str, etree._Element]:
    roots: dict[str, etree._Element] = {}
    for name, content in bundle.files.items():
        kind = bundle.kind(name)
        if kind is None:
            problems.append(
                DeployProblem(
                    name, "jenis berkas tidak dikenal (.bpmn, .dmn, .json) / unknown file type"
                )
            )
            continue
        if kind == "form":
            continue
        try:
            roots[name] = parse_xml(content)
        except XmlRejected as err:
            problems.append(DeployProblem(name, err.message, err.line))
    return roots


def parse_bundle(model_id: str, bundle: Bundle) -> ParsedModel:
    """Parse and structurally check `bundle`; semantic checks live in `validation`.

    Raises:
        DeploymentInvalid: anything that keeps the model from being parsed, with every
            problem found located by file, line and element id.
    """
    problems: list[DeployProblem] = []
    bpmn_files = sorted(n for n in bundle.files if bundle.kind(n) == "bpmn")
    if not bpmn_files:
        problems.append(
            DeployProblem("-", "unggah minimal satu berkas .bpmn / upload at least one .bpmn file")
        )
    roots = _parse_xml_files(bundle, problems)
    forms = _load_forms(bundle, problems)
    if problems:
        raise DeploymentInvalid(problems)

    # Every file of the bundle in one parser: a call activity finds its process in any
    # of them (app/engine/bundles.py); the entry is chosen by the documented rule.
    bpmn_file = bpmn_files[0]
    parser = AppBpmnParser(validator=VALIDATOR)
    try:
        for name, root in roots.items():
            if bundle.kind(name) == "dmn":
                parser.add_dmn_xml(root, filename=name)
            else:
                parser.add_bpmn_xml(root, filename=name)
        entry = choose_entry(model_id, roots)
        bpmn_file = entry.bpmn_file
        process_id = entry.process_id
        for other in parser.get_process_ids():
            parser.get_spec(other)  # every process is checked, called or not
        _parse_decisions(parser)
        if entry.collaboration:
            spec, subprocess_specs = parser.get_collaboration(process_id)
            spec.description = entry.name
        else:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(
                process_id, require_call_activity_specs=False
            )
        # A process no file of the bundle has: another model's, resolved at deploy and
        # pinned when an instance starts.
        external_calls = tuple(sorted(k for k, v in subprocess_specs.items() if v is None))
        subprocess_specs = {k: v for k, v in subprocess_specs.items() if v is not None}
    except ValidationException as err:
        file_name = PurePath(err.file_name).name if err.file_name else bpmn_file
        line = err.line_number if isinstance(err.line_number, int) and err.line_number else None
        line = line or element_line(roots.get(file_name), err.id)
        message = str(err).strip().rstrip(".").strip()
        raise DeploymentInvalid([DeployProblem(file_name, message, line, err.id or None)]) from None
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        # The parser assumes well-formed BPMN in places; report rather than crash.
        raise DeploymentInvalid(
            [DeployProblem(bpmn_file, f"BPMN tidak dapat diurai / cannot parse BPMN: {err!r}")]
        ) from None

    user_tasks: dict[str, UserTaskInfo] = {}
    escalations: dict[str, Escalation] = {}
    start_form: FormRef | None = None
    start_message: str | None = None
    reference_prefix: str | None = None
    timer_start: TimerStart | None = None
    start_roles: tuple[str, ...] = ()
    drp_info: str | None = None
    closes_unconfirmed: set[str] = set()

    def located(element_id: str, message: str) -> DeploymentInvalid:
        line = element_line(roots.get(bpmn_file), element_id)
        return DeploymentInvalid([DeployProblem(bpmn_file, message, line, element_id)])

    for task_spec in spec.task_specs.values():
        extensions = getattr(task_spec, "extensions", None) or {}
        type_name = type(task_spec).__name__
        escalation = _escalation(task_spec.bpmn_id, extensions, roots.get(bpmn_file), bpmn_file)
        if escalation is not None:
            escalations[escalation.bpmn_id] = escalation
        if (extensions.get("properties") or {}).get(CLOSES_UNCONFIRMED_PROPERTY) == "true":
            closes_unconfirmed.add(task_spec.bpmn_id)
        if type_name == "StartEvent":
            start_form = _form_ref(extensions) or start_form
            definition = getattr(task_spec, "event_definition", None)
            if type(definition).__name__ == "MessageEventDefinition":
                start_message = definition.name
            if isinstance(definition, ScheduledStartEventDefinition):
                timer_start = _timer_start(
                    task_spec.bpmn_id, definition, extensions, timer_start, located
                )
            properties = extensions.get("properties") or {}
            prefix = properties.get(REFERENCE_PREFIX_PROPERTY)
            if prefix is not None and not REFERENCE_PREFIX.match(prefix):
                raise DeploymentInvalid(
                    [
                        DeployProblem(
                            bpmn_file,
                            f"{REFERENCE_PREFIX_PROPERTY} harus 2-6 huruf besar / must be 2-6 "
                            f"capital letters, got {prefix!r}",
                            element_line(roots.get(bpmn_file), task_spec.bpmn_id),
                            task_spec.bpmn_id,
                        )
                    ]
                )
            reference_prefix = prefix or reference_prefix
            starters = properties.get(START_ROLES_PROPERTY)
            if starters is not None:
                start_roles = tuple(r.strip() for r in starters.split(",") if r.strip())
            drp_info = properties.get(DRP_INFO_PROPERTY) or drp_info
        elif getattr(task_spec, "manual", False):
            user_tasks[task_spec.bpmn_id] = _user_task(task_spec, task_spec.lane, None)
    nested, call_lanes = sub_workflow_tasks(roots, spec, subprocess_specs)
    for info in nested:
        user_tasks.setdefault(info.bpmn_id, info)
    return ParsedModel(
        model_id=model_id,
        process_id=process_id,
        name=spec.description or process_id,
        spec=spec,
        subprocess_specs=subprocess_specs,
        user_tasks=user_tasks,
        start_form=start_form,
        forms=forms,
        roots=roots,
        bpmn_file=bpmn_file,
        escalations=escalations,
        start_message=start_message,
        reference_prefix=reference_prefix,
        timer_start=timer_start,
        start_roles=start_roles,
        drp_info=drp_info,
        settings=_settings(roots[bpmn_file], process_id, bpmn_file),
        closes_unconfirmed=frozenset(closes_unconfirmed),
        call_lanes=call_lanes,
        external_calls=external_calls,
    )


def _parse_decisions(parser: Any) -> None:
    """Parse every decision table of the bundle, called or not, so that a broken DMN
    file refuses the deploy instead of failing the first instance that reaches it.

    Raises:
        DeploymentInvalid: a DMN file SpiffWorkflow cannot read, named with the decision.
    """
    for decision_id, dmn in parser.dmn_parsers.items():
        try:
            dmn.parse()
        except ValidationException:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as err:
            raise DeploymentInvalid(
                [
                    DeployProblem(
                        PurePath(dmn.filename or "-").name,
                        f"DMN tidak dapat diurai / cannot parse DMN: {err!r}",
                        element_id=decision_id,
                    )
                ]
            ) from None


def _user_task(task_spec: Any, lane: str | None, container: Container | None) -> UserTaskInfo:
    """What the app keeps of a user, manual or none task's spec."""
    extensions = getattr(task_spec, "extensions", None) or {}
    properties = extensions.get("properties") or {}
    return UserTaskInfo(
        bpmn_id=task_spec.bpmn_id,
        title=task_spec.bpmn_name or task_spec.bpmn_id,
        lane=lane,
        form=_form_ref(extensions),
        assignee_variable=properties.get(ASSIGNEE_PROPERTY) or None,
        instructions=extensions.get("instructionsForEndUser") or None,
        container=container,
    )


def sub_workflow_tasks(
    roots: Mapping[str, etree._Element], spec: Any, subprocess_specs: Mapping[str, Any]
) -> tuple[list[UserTaskInfo], dict[str, str]]:
    """The user tasks of every sub-workflow (embedded, transaction, event subprocess,
    called process), each with the lane and container `nesting` reads from the drawing,
    and the lanes of the call activities. Nothing is read for a model without any."""
    if not subprocess_specs:
        return [], {}
    specs = [s for sub in subprocess_specs.values() for s in sub.task_specs.values()]
    manual = [s for s in specs if getattr(s, "manual", False) and s.bpmn_id]
    calls = [
        s.bpmn_id for s in [*spec.task_specs.values(), *specs] if isinstance(s, CallActivityMixin)
    ]
    ids = [s.bpmn_id for s in manual] + calls
    lanes = resolved_lanes(roots, ids)
    around = containers(roots, ids, spec.name)
    infos = [_user_task(s, lanes.get(s.bpmn_id, s.lane), around.get(s.bpmn_id)) for s in manual]
    return infos, {bpmn_id: lanes[bpmn_id] for bpmn_id in calls if bpmn_id in lanes}


class AppBpmnParser(SpiffBpmnParser):  # type: ignore[misc]
    """Spiff's parser, with a start event's `timeCycle` read as a scheduled start."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (
            ScheduledStartEventParser,
            SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[full_tag("startEvent")][1],
        ),
    }


def _timer_start(
    bpmn_id: str,
    definition: ScheduledStartEventDefinition,
    extensions: Mapping[str, Any],
    found: TimerStart | None,
    located: Callable[[str, str], DeploymentInvalid],
) -> TimerStart:
    """The one timer start event of a process, with a cycle the scheduler knows."""
    if found is not None:
        raise located(
            bpmn_id,
            "proses hanya boleh punya satu start event timer / a process may have only one "
            f"timer start event (also {found.bpmn_id})",
        )
    cycle = cycle_of(definition.expression)
    if cycle is None:
        raise located(
            bpmn_id,
            'timeCycle start event harus salah satu dari "R/P1W", "R/P1M", "R/P3M", '
            '"R/P6M", "R/P1Y" / a timer start\'s timeCycle must be one of these, got '
            f"{definition.expression!r}",
        )
    period = (extensions.get("properties") or {}).get(PERIOD_PROPERTY, PERIODS[0])
    if period not in PERIODS:
        raise located(
            bpmn_id,
            f"{PERIOD_PROPERTY} harus previous atau next / must be previous or next, got "
            f"{period!r}",
        )
    return TimerStart(bpmn_id, cycle, period)


K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):  # noqa: UP046 - Python 3.11 has no PEP 695 syntax
    """A bounded map, least recently used evicted; safe across threads."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
        value = load()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return value


class ParseCache:
    """Parsed bundles by model id and content hash.

    A parse depends on nothing but the files, so the same content is parsed once however
    often it is checked, deployed again unchanged or stored under another version. The
    test suite shares one across its tests; a process keeps one in its `SpecCache`.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._parses: _Lru[tuple[str, str], ParsedModel] = _Lru(capacity)

    def __len__(self) -> int:
        """How many parses are kept."""
        return len(self._parses)

    def parse(self, model_id: str, bundle: Bundle) -> ParsedModel:
        """`parse_bundle(model_id, bundle)`, or the earlier parse of the same content.

        Raises:
            DeploymentInvalid: as `parse_bundle` (failures are not cached).
        """
        key = (model_id, bundle.content_hash)
        return self._parses.get(key, lambda: parse_bundle(model_id, bundle))

    def known(self, model_id: str, content_hash: str, load: Callable[[], Bundle]) -> ParsedModel:
        """The parse of stored content, reading its files with `load` only on a miss."""
        key = (model_id, content_hash)
        return self._parses.get(key, lambda: parse_bundle(model_id, load()))


class SpecCache:
    """Parsed models by version id (and, below that, by content), least recently used
    evicted; safe across threads."""

    def __init__(self, capacity: int = 256, parses: ParseCache | None = None) -> None:
        self._versions: _Lru[int, ParsedModel] = _Lru(capacity)
        self.parses = parses or ParseCache(capacity)
        #: Versions composed with the versions of other models their instances call, by
        #: (version id, the called versions) (app/engine/bundles.py `with_called`).
        self.composed: _Lru[tuple[int, tuple[tuple[str, int], ...]], ParsedModel] = _Lru(capacity)

    def get(self, version_id: int, load: Callable[[], ParsedModel]) -> ParsedModel:
        """Return the cached model for `version_id`, parsing it with `load` on a miss."""
        return self._versions.get(version_id, load)

    def __len__(self) -> int:
        """How many versions are cached."""
        return len(self._versions)
