"""Checks an analyst's model must pass before it is stored.

SpiffWorkflow only checks that a diagram parses; a misspelt lane, a missing form or a
script that uses a forbidden name would otherwise surface when a citizen's request is
already running. Everything that can be seen statically is reported here, located by
file, line and element id, as errors (the deploy is refused) or warnings (stored, shown).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from lxml import etree

from app.engine.data_names import NAMESPACES, owner_id, qualified, undefined_names
from app.engine.form_options import bound_fields, bound_row_fields, source_problem
from app.engine.sandbox import check_script
from app.engine.specs import (
    DRP_INFO_PROPERTY,
    SETTINGS_VARIABLE,
    START_ROLES_PROPERTY,
    ParsedModel,
)
from app.errors import DeployProblem
from app.models.org import REQUESTER_LANE

#: `drpInfo` on a start event (app/services/continuity/case_plans.py): the DRP in force is
#: added at the start; "required" also refuses a service neither Kritis nor with a DRP.
DRP_INFO_VALUES = ("optional", "required")

_TIMER_TEXT = ".//bpmn:timerEventDefinition/*"


def _script_problems(
    file: str, element: etree._Element, code: str, mode: str, what: str
) -> list[DeployProblem]:
    element_id = owner_id(element)
    base = element.sourceline or 1
    problems = []
    for problem in check_script(code, mode):  # type: ignore[arg-type]
        line = base + (problem.line - 1) if problem.line else base
        problems.append(DeployProblem(file, f"{what}: {problem.message}", line, element_id))
    return problems


def _code_elements(root: etree._Element) -> Iterable[tuple[etree._Element, str, str, str]]:
    """Every piece of Python in the diagram: (element, code, eval|exec, what it is)."""
    for script in root.iter(qualified("bpmn:script")):
        yield script, script.text or "", "exec", "script task"
    for tag, label in (
        ("spiffworkflow:preScript", "pre-script"),
        ("spiffworkflow:postScript", "post-script"),
    ):
        for script in root.iter(qualified(tag)):
            yield script, script.text or "", "exec", label
    for condition in root.iter(qualified("bpmn:conditionExpression")):
        yield condition, (condition.text or "").strip(), "eval", "condition"
    for timer in root.xpath(_TIMER_TEXT, namespaces=NAMESPACES):
        yield timer, (timer.text or "").strip(), "eval", "timer expression"


def _setting_names_read(code: str) -> list[str]:
    """The names an expression reads as `pengaturan["<name>"]`."""
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        return []
    return [
        node.slice.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == SETTINGS_VARIABLE
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ]


def _undeclared_settings(
    model: ParsedModel, file: str, root: etree._Element
) -> list[DeployProblem]:
    """Conditions reading a setting the process does not declare: the instance's
    `pengaturan` would not have it, and the gateway would fail at run time."""
    problems = []
    for condition in root.iter(qualified("bpmn:conditionExpression")):
        for name in _setting_names_read((condition.text or "").strip()):
            if name not in model.settings:
                problems.append(
                    DeployProblem(
                        file,
                        f"kondisi membaca {SETTINGS_VARIABLE}['{name}'] yang tidak dideklarasikan "
                        f"proses (setting:{name}) / condition reads setting '{name}', which the "
                        "process does not declare",
                        condition.sourceline,
                        owner_id(condition),
                    )
                )
    return problems


def validate_model(model: ParsedModel, known_roles: set[str]) -> list[DeployProblem]:
    """Errors and warnings for a parsed model; errors refuse the deploy.

    Args:
        model: the parsed bundle.
        known_roles: role names lanes may use (the requester lane is always allowed).
    """
    problems: list[DeployProblem] = []
    file = model.bpmn_file
    root = model.roots[file]
    # Every BPMN file of a bundle (app/engine/bundles.py), the entry's first.
    bpmn_roots = {file: root} | {
        n: r for n, r in sorted(model.roots.items()) if r.tag == qualified("bpmn:definitions")
    }
    allowed_lanes = known_roles | {REQUESTER_LANE}
    lanes = [(n, lane) for n, r in bpmn_roots.items() for lane in r.iter(qualified("bpmn:lane"))]
    for lane_file, lane in lanes:
        name = (lane.get("name") or "").strip()
        if name not in allowed_lanes:
            problems.append(
                DeployProblem(
                    lane_file,
                    f"lajur '{name}' bukan peran yang dikenal / lane '{name}' names no known role",
                    lane.sourceline,
                    lane.get("id"),
                )
            )
    for role in model.start_roles:
        if role not in known_roles:
            prop = root.xpath(
                "//spiffworkflow:property[@name=$n]", namespaces=NAMESPACES, n=START_ROLES_PROPERTY
            )
            problems.append(
                DeployProblem(
                    file,
                    f"{START_ROLES_PROPERTY}: '{role}' bukan peran yang dikenal / "
                    "names no known role",
                    prop[0].sourceline if prop else None,
                    owner_id(prop[0]) if prop else None,
                )
            )
    if model.drp_info is not None and model.drp_info not in DRP_INFO_VALUES:
        problems.append(
            DeployProblem(
                file,
                f"{DRP_INFO_PROPERTY} harus salah satu dari / must be one of "
                f"{', '.join(DRP_INFO_VALUES)}, got {model.drp_info!r}",
            )
        )
    for name, schema in model.forms.items():
        bound = [*bound_fields(schema)]
        bound += [(f"{array}.{field}", source) for array, field, source in bound_row_fields(schema)]
        for field, source in bound:
            why = source_problem(source, known_roles)
            if why is not None:
                problems.append(DeployProblem(name, f"{field}: {why}"))
    refs = [(info.bpmn_id, info.form) for info in model.user_tasks.values()]
    if model.start_form:
        refs.append((None, model.start_form))
    for element_id, ref in refs:
        if ref is None:
            continue
        for name in filter(None, (ref.schema_file, ref.ui_file)):
            if name not in model.forms:
                named_in = next(
                    (n for n, r in bpmn_roots.items() if _property(r, name) is not None), file
                )
                problems.append(
                    DeployProblem(
                        named_in,
                        f"berkas formulir '{name}' tidak ada / form file '{name}' is missing",
                        _line_of_property(bpmn_roots[named_in], name),
                        element_id or _id_of_property(bpmn_roots[named_in], name),
                    )
                )
    for name, dmn_root in model.roots.items():
        if name in bpmn_roots:
            continue
        for element, code, mode, what in _dmn_code(dmn_root):
            problems += _script_problems(name, element, code, mode, what)
    for code_file, code_root in bpmn_roots.items():
        for element, code, mode, what in _code_elements(code_root):
            if code:
                problems += _script_problems(code_file, element, code, mode, what)
        problems += _undeclared_settings(model, code_file, code_root)
    if not any(p.severity == "error" for p in problems):
        problems += undefined_names(model, file, root)
    return problems


def _dmn_code(root: etree._Element) -> Iterable[tuple[etree._Element, str, str, str]]:
    for entry in root.xpath(
        "//*[local-name()='inputEntry' or local-name()='outputEntry']/*[local-name()='text']"
    ):
        text = (entry.text or "").strip()
        if text and text != "-":
            # `?` stands for the input value in SpiffWorkflow's DMN entries.
            yield entry, text.replace("?", "value"), "eval", "decision table entry"


def _property(root: etree._Element, value: str) -> etree._Element | None:
    found = root.xpath("//spiffworkflow:property[@value=$v]", namespaces=NAMESPACES, v=value)
    return found[0] if found else None


def _line_of_property(root: etree._Element, value: str) -> int | None:
    prop = _property(root, value)
    return prop.sourceline if prop is not None else None


def _id_of_property(root: etree._Element, value: str) -> str | None:
    prop = _property(root, value)
    return owner_id(prop) if prop is not None else None
