"""Names a diagram's code reads that nothing before it can set: the deploy's warnings.

A condition, script or timer expression that reads a name no form, script, start data,
runtime field or helper provides fails with a NameError only when a case reaches it, so
deploy warns about it with the element and the name. What is "before" follows the
diagram: sequence flows, boundary events (a boundary timer is evaluated when its task
starts, before the task's form), subprocesses (their inside runs after what precedes
them, an event subprocess after anything of its parent) and call activities within the
bundle. Where the diagram cannot tell, the check gives way rather than warn falsely: a
call to a process outside the bundle may set anything, and the names messages, signals,
errors, escalations, service tasks, multi-instance items and data objects deliver count
everywhere.
"""

from __future__ import annotations

import ast
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator

from lxml import etree

from app.engine.sandbox import SAFE_BUILTINS
from app.engine.sandbox.standard_names import STANDARD_NAMES
from app.engine.script_context import script_context_helpers
from app.engine.specs import BPMN_NS, SETTINGS_VARIABLE, SPIFF_NS, ParsedModel
from app.errors import DeployProblem

#: Data the runtime itself puts into every instance (see docs/bpmn-conventions.md).
PROVIDED_VARIABLES = frozenset(
    {"layanan", "layanan_info", "perlu_persetujuan", "pemohon", "waktu_permintaan"}
)

#: The form fields that give an instance SLA clocks and with them the runtime's `sla`
#: (`app.services.deadlines.service_levels.clock_kind`): a service and an impact, an
#: urgency or a request type.
_SLA_FIELDS = frozenset({"dampak", "urgensi", "jenis_permintaan"})

#: The namespaces the deploy checks read diagrams in (prefix -> URI), for XPath.
NAMESPACES = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
_ANY = "*"  # a node that may set any name: a call to a process outside the bundle
_CONTAINERS = ("subProcess", "transaction", "adHocSubProcess")
_DMN_OUTPUT = "//*[local-name()='output']/@name"
_DECLARED = (
    "//spiffworkflow:messageVariable/text()",
    "//spiffworkflow:variableName/text()",
    "//@resultVariable",
    "//bpmn:loopDataOutputRef/text()",
    "//bpmn:inputDataItem/@id | //bpmn:inputDataItem/@name",
    "//bpmn:outputDataItem/@id | //bpmn:outputDataItem/@name",
    "//bpmn:dataObject/@id | //bpmn:dataObject/@name",
    "//bpmn:dataObjectReference/@id | //bpmn:dataObjectReference/@name",
    "//bpmn:dataInput/@id | //bpmn:dataInput/@name",
    "//bpmn:dataOutput/@id | //bpmn:dataOutput/@name",
)
_LABELS = {
    "script task": "skrip",
    "pre-script": "pre-script",
    "post-script": "post-script",
    "timer expression": "ekspresi timer",
}


def qualified(tag: str) -> str:
    """`prefix:local` (a prefix of `NAMESPACES`) as lxml's `{uri}local`."""
    prefix, local = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def owner_id(element: etree._Element) -> str | None:
    """The id of `element` or of its nearest ancestor that has one: the element a problem
    is reported on."""
    node: etree._Element | None = element
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def _bound_names(tree: ast.AST) -> set[str]:
    """Names the code itself binds: assignments, loop and comprehension variables,
    function names and arguments, exception names."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def assigned_names(code: str) -> set[str]:
    """The names a script binds (empty when it does not parse: deploy refuses it anyway)."""
    try:
        return _bound_names(ast.parse(code))
    except SyntaxError:
        return set()


def read_names(code: str, mode: str) -> list[tuple[str, int]]:
    """The names `code` reads that it does not bind itself, each once with the line (of
    the code) where it is first read, in the order they appear."""
    try:
        tree = ast.parse(code, mode=mode)
    except SyntaxError:
        return []
    own = _bound_names(tree)
    reads = sorted(
        (node.lineno, node.col_offset, node.id)
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in own
    )
    first: dict[str, int] = {}
    for line, _column, name in reads:
        first.setdefault(name, line)
    return list(first.items())


class _Flow:
    """Which data names each node may set, and which nodes may run before it."""

    def __init__(self, model: ParsedModel) -> None:
        self.sets: dict[str, set[str]] = defaultdict(set)
        self.before: dict[str, set[str]] = defaultdict(set)
        self.processes: dict[str, etree._Element] = {}
        bpmn_roots = [r for r in model.roots.values() if r.tag == qualified("bpmn:definitions")]
        dmn_outputs = {str(name) for r in model.roots.values() for name in r.xpath(_DMN_OUTPUT)}
        for root in bpmn_roots:
            self.processes.update((p.get("id"), p) for p in root.iter(qualified("bpmn:process")))
        for root in bpmn_roots:
            self._collect_sets(model, root, dmn_outputs)
            self._collect_order(root)
        self._link_calls([c for r in bpmn_roots for c in r.iter(qualified("bpmn:callActivity"))])
        self.declared = {
            str(v)
            for r in bpmn_roots
            for path in _DECLARED
            for v in r.xpath(path, namespaces=NAMESPACES)
        }

    def _collect_sets(self, model: ParsedModel, root: etree._Element, dmn: set[str]) -> None:
        """What each element sets itself, added to it and to every element around it, so
        that a subprocess (or a process) sets what anything inside it sets."""
        for element in root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if not element_id:
                continue
            own: set[str] = set()
            for prop in element.iter(qualified("spiffworkflow:property")):
                if prop.get("name") == "formJsonSchemaFilename" and owner_id(prop) == element_id:
                    schema = model.forms.get(prop.get("value") or "") or {}
                    own.update((schema.get("properties") or {}).keys())
            for tag in ("bpmn:script", "spiffworkflow:preScript", "spiffworkflow:postScript"):
                for script in element.iter(qualified(tag)):
                    if owner_id(script) == element_id:
                        own |= assigned_names(script.text or "")
            if element.tag == qualified("bpmn:businessRuleTask"):
                own |= dmn
            node: etree._Element | None = element
            while node is not None:
                if node.get("id"):
                    self.sets[node.get("id")] |= own
                node = node.getparent()

    def _collect_order(self, root: etree._Element) -> None:
        for flow in root.iter(qualified("bpmn:sequenceFlow")):
            self.before[flow.get("targetRef", "")].add(flow.get("sourceRef", ""))
        for boundary in root.iter(qualified("bpmn:boundaryEvent")):
            self.before[boundary.get("id", "")].add(boundary.get("attachedToRef", ""))
        containers = [e for tag in _CONTAINERS for e in root.iter(qualified(f"bpmn:{tag}"))]
        for container in containers:
            starts = [c.get("id", "") for c in container.iterchildren(qualified("bpmn:startEvent"))]
            if container.get("triggeredByEvent") == "true":
                parent = container.getparent()
                siblings = {c.get("id") for c in parent.iterchildren() if c.get("id")}
                preceding = siblings - {container.get("id")}
            else:
                preceding = self.before[container.get("id", "")]
            for start in starts:
                self.before[start] |= preceding

    def _link_calls(self, calls: list[etree._Element]) -> None:
        """A call activity sets what its process sets (a call inside it included, so this
        repeats until nothing changes); the process starts after what precedes the call.
        A process outside the bundle may set anything."""
        for call in calls:
            called = self.processes.get(call.get("calledElement", ""))
            for start in (
                called.iterchildren(qualified("bpmn:startEvent")) if called is not None else ()
            ):
                self.before[start.get("id", "")] |= self.before[call.get("id", "")]
        changed = True
        while changed:
            changed = False
            for call in calls:
                called = self.processes.get(call.get("calledElement", ""))
                sets = {_ANY} if called is None else self.sets[called.get("id", "")]
                node: etree._Element | None = call
                while node is not None:
                    if node.get("id") and not sets <= self.sets[node.get("id")]:
                        self.sets[node.get("id")] |= sets
                        changed = True
                    node = node.getparent()

    def before_node(self, node: str) -> set[str]:
        """What the nodes that may run before `node` set (itself only through a loop)."""
        names: set[str] = set()
        seen: set[str] = set()
        queue = deque(self.before.get(node, ()))
        while queue:
            previous = queue.popleft()
            if previous in seen:
                continue
            seen.add(previous)
            names |= self.sets.get(previous, set())
            queue.extend(self.before.get(previous, ()))
        return names


def _known_everywhere(model: ParsedModel, flow: _Flow, helpers: Iterable[str]) -> set[str]:
    """Names every piece of code may read: builtins, standard names, helpers, the start
    form and what the runtime adds to the start data (docs/bpmn-conventions.md, section 4)."""
    start_schema = model.form_schema(model.start_form) or {}
    start_fields = set((start_schema.get("properties") or {}).keys())
    all_fields = {
        field for schema in model.forms.values() for field in (schema.get("properties") or {})
    }
    known = {*SAFE_BUILTINS, *STANDARD_NAMES, *helpers, *PROVIDED_VARIABLES, *start_fields}
    known |= flow.declared
    runtime = {
        SETTINGS_VARIABLE: bool(model.settings),
        "drp_berlaku": model.drp_info is not None,
        "nomor_referensi": model.reference_prefix is not None,
        "periode": model.timer_start is not None,
        "perangkat_daerah_info": "perangkat_daerah" in start_fields,
        "pd_penyelenggara_info": "pd_penyelenggara" in start_fields,
        "sla": "layanan" in all_fields and bool(_SLA_FIELDS & all_fields),
    }
    return known | {name for name, provided in runtime.items() if provided}


def _code(
    root: etree._Element, flow: _Flow
) -> Iterator[tuple[etree._Element, str, str, str, set[str]]]:
    """Every script and timer expression: (element, its id, code, what, names before it)."""
    for script in root.iter(qualified("bpmn:script")):
        owner = owner_id(script) or ""
        yield script, owner, script.text or "", "script task", flow.before_node(owner)
    for script in root.iter(qualified("spiffworkflow:preScript")):
        owner = owner_id(script) or ""
        yield script, owner, script.text or "", "pre-script", flow.before_node(owner)
    for script in root.iter(qualified("spiffworkflow:postScript")):
        owner = owner_id(script) or ""
        available = flow.before_node(owner) | flow.sets.get(owner, set())
        yield script, owner, script.text or "", "post-script", available
    for timer in root.xpath(".//bpmn:timerEventDefinition/*", namespaces=NAMESPACES):
        event = timer.getparent().getparent()
        event_id = event.get("id", "")
        if event.tag == qualified("bpmn:boundaryEvent"):
            task = event.get("attachedToRef", "")
            available = flow.before_node(task) | _pre_script_names(root, task)
        else:
            available = flow.before_node(event_id)
        yield timer, event_id, (timer.text or "").strip(), "timer expression", available


def _pre_script_names(root: etree._Element, task_id: str) -> set[str]:
    """What a task's preScript sets: it runs when the task starts, with its boundary timers."""
    found = root.xpath("//*[@id=$id]//spiffworkflow:preScript", namespaces=NAMESPACES, id=task_id)
    return assigned_names(found[0].text or "") if found else set()


def undefined_names(
    model: ParsedModel, file: str, root: etree._Element, helpers: Iterable[str] | None = None
) -> list[DeployProblem]:
    """Warnings for names read by conditions, scripts and timer expressions of `root`
    that nothing before them can set, each with the element's id and line.

    Args:
        model: the parsed bundle (its forms, DMN outputs and other processes count).
        file: the BPMN file `root` was read from.
        root: the diagram whose code is checked.
        helpers: the helper names scripts get (default: `script_context_helpers`).
    """
    flow = _Flow(model)
    names = script_context_helpers() if helpers is None else helpers
    known = _known_everywhere(model, flow, names)
    warnings: list[DeployProblem] = []
    for sequence_flow in root.iter(qualified("bpmn:sequenceFlow")):
        condition = sequence_flow.find(qualified("bpmn:conditionExpression"))
        code = (condition.text or "").strip() if condition is not None else ""
        if not code:
            continue
        source = sequence_flow.get("sourceRef", "")
        available = known | flow.before_node(source) | flow.sets.get(source, set())
        if _ANY in available:
            continue
        for name, _line in read_names(code, "eval"):
            if name not in available:
                warnings.append(
                    DeployProblem(
                        file,
                        f"kondisi membaca '{name}' yang tidak diisi formulir atau skrip sebelumnya "
                        f"/ condition reads '{name}', which no form or script before it sets",
                        condition.sourceline,
                        sequence_flow.get("id"),
                        severity="warning",
                    )
                )
    for element, element_id, code, what, before in _code(root, flow):
        available = known | before
        if not code or _ANY in available:
            continue
        mode = "eval" if what == "timer expression" else "exec"
        for name, line in read_names(code, mode):
            if name not in available:
                warnings.append(
                    DeployProblem(
                        file,
                        f"{_LABELS[what]} membaca '{name}' yang tidak diisi formulir, skrip atau "
                        f"data awal sebelumnya / {what} reads '{name}', which no form, script or "
                        "start data before it sets",
                        (element.sourceline or 1) + line - 1,
                        element_id,
                        severity="warning",
                    )
                )
    return warnings
