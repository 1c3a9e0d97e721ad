"""Models of several files: which process a bundle starts, and calls across models.

A model is a bundle: BPMN files (each with one or more processes, or a collaboration of
pools), DMN files and forms, deployed together as one version. All its BPMN is parsed by
one SpiffWorkflow parser, so a call activity finds its called process in any file of the
bundle. One process is the entry, the one an instance starts (docs/bpmn-conventions.md,
"Models of several files"):

1. the executable process marked `spiffworkflow:property name="entryProcess"
   value="true"` (two marked: refused);
2. else the executable process, not called by another, whose id is the model id (with
   `_` for `-`, or as written);
3. else the executable processes no call activity of the bundle calls, narrowed to the
   file named like the model when it holds any: exactly one is the entry; several that
   are the pools of one collaboration make the collaboration the entry (every executable
   pool starts); none, or several otherwise, refuse the deploy.

A `calledElement` no process of the bundle has is the entry process of another deployed
model: its newest version when the calling instance starts, kept for the instance's life
(`with_called`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from lxml import etree

from app.errors import DeploymentInvalid, DeployProblem

if TYPE_CHECKING:
    from app.engine.specs import ParsedModel

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
#: On a process: this is the process the model's instances start.
ENTRY_PROPERTY = "entryProcess"
_NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}


@dataclass(frozen=True)
class Entry:
    """What an instance of the bundle starts.

    Attributes:
        process_id: the entry process's id, or the collaboration's when several pools run.
        bpmn_file: the file that holds it.
        collaboration: True when the entry is a collaboration of executable pools.
        name: the process's (or collaboration's) name, else its id.
    """

    process_id: str
    bpmn_file: str
    collaboration: bool = False
    name: str = ""


@dataclass(frozen=True)
class CallSite:
    """A call activity: where it is drawn and what it calls."""

    file: str
    element_id: str
    called: str
    line: int | None


def call_sites(roots: Mapping[str, etree._Element]) -> list[CallSite]:
    """Every call activity of the bundle's BPMN files, in file order."""
    return [
        CallSite(
            name,
            call.get("id") or "",
            (call.get("calledElement") or "").strip(),
            call.sourceline,
        )
        for name, root in sorted(roots.items())
        for call in root.iter(f"{{{BPMN_NS}}}callActivity")
    ]


def _processes(roots: Mapping[str, etree._Element]) -> dict[str, tuple[str, etree._Element]]:
    """Executable processes by id: (file, element). SpiffWorkflow reads a process
    without `isExecutable` as executable, so this does too."""
    found: dict[str, tuple[str, etree._Element]] = {}
    for name, root in sorted(roots.items()):
        if root.tag != f"{{{BPMN_NS}}}definitions":
            continue  # a DMN file
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("isExecutable", "true") == "true" and process.get("id"):
                found.setdefault(str(process.get("id")), (name, process))
    return found


def _marked(process: etree._Element) -> bool:
    return bool(
        process.xpath(
            "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
            "[@name=$name and @value='true']",
            namespaces=_NS,
            name=ENTRY_PROPERTY,
        )
    )


def _collaboration_of(
    roots: Mapping[str, etree._Element], file: str, process_ids: set[str]
) -> etree._Element | None:
    """The collaboration in `file` whose executable pools are exactly `process_ids`."""
    for collaboration in roots[file].iter(f"{{{BPMN_NS}}}collaboration"):
        pools = {
            p.get("processRef")
            for p in collaboration.iter(f"{{{BPMN_NS}}}participant")
            if p.get("processRef") in process_ids
        }
        if pools == process_ids:
            return collaboration
    return None


def choose_entry(model_id: str, roots: Mapping[str, etree._Element]) -> Entry:
    """The entry of a bundle by the rules in this module's docstring.

    Args:
        model_id: the model's id ("" when the upload names none: rules 1 and 3 only).
        roots: every parsed XML file of the bundle, by file name.

    Raises:
        DeploymentInvalid: no entry, or several that are not one collaboration's pools,
            naming the candidate processes and their files.
    """
    processes = _processes(roots)
    files = sorted(n for n, r in roots.items() if r.tag == f"{{{BPMN_NS}}}definitions")

    def entry(process_id: str) -> Entry:
        file, element = processes[process_id]
        return Entry(process_id, file, name=element.get("name") or process_id)

    marked = [pid for pid, (_, element) in processes.items() if _marked(element)]
    if len(marked) > 1:
        raise DeploymentInvalid(
            [
                DeployProblem(
                    processes[pid][0],
                    f"lebih dari satu proses bertanda {ENTRY_PROPERTY}: {', '.join(marked)} / "
                    f"several processes are marked {ENTRY_PROPERTY}: {', '.join(marked)}",
                    processes[pid][1].sourceline,
                    pid,
                )
                for pid in marked
            ]
        )
    if marked:
        return entry(marked[0])
    called = {site.called for site in call_sites(roots)}
    candidates = [pid for pid in processes if pid not in called]
    for wanted in (model_id.replace("-", "_"), model_id):
        if wanted and wanted in candidates:
            return entry(wanted)
    own_file = [pid for pid in candidates if PurePath(processes[pid][0]).stem == model_id]
    candidates = own_file or candidates
    if len(candidates) == 1:
        return entry(candidates[0])
    if not candidates:
        raise DeploymentInvalid(
            [
                DeployProblem(
                    ", ".join(files) or "-",
                    "tidak ada proses awal: tidak ada proses executable yang tidak dipanggil "
                    "proses lain / no entry process: every executable process is called by "
                    f"another, or there is none; mark one with {ENTRY_PROPERTY}",
                )
            ]
        )
    in_files = {processes[pid][0] for pid in candidates}
    if len(in_files) == 1:
        file = in_files.pop()
        collaboration = _collaboration_of(roots, file, set(candidates))
        if collaboration is not None and collaboration.get("id"):
            collaboration_id = str(collaboration.get("id"))
            return Entry(
                collaboration_id,
                file,
                collaboration=True,
                name=collaboration.get("name") or collaboration_id,
            )
    raise DeploymentInvalid(
        [
            DeployProblem(
                processes[pid][0],
                f"proses awal ambigu: {', '.join(candidates)} / ambiguous entry: "
                f"{', '.join(candidates)} are all uncalled; name the model after one, or mark "
                f"one with {ENTRY_PROPERTY}",
                processes[pid][1].sourceline,
                pid,
            )
            for pid in candidates
        ]
    )


def unresolved_calls(
    roots: Mapping[str, etree._Element], external: Iterable[str], deployed: set[str]
) -> list[DeployProblem]:
    """A problem for every call activity whose `calledElement` neither the bundle nor the
    entry process of a deployed model has, located at the call activity."""
    missing = set(external) - deployed
    return [
        DeployProblem(
            site.file,
            f"calledElement '{site.called}' tidak ada di berkas model maupun model lain yang "
            f"sudah di-deploy / called element '{site.called}' is in no file of the model "
            "and is no deployed model's entry process",
            site.line,
            site.element_id,
        )
        for site in call_sites(roots)
        if site.called in missing or not site.called
    ]


def with_called(model: ParsedModel, called: Mapping[str, ParsedModel]) -> ParsedModel:
    """`model` with its calls to other models resolved to the parses in `called` (process
    id -> the called model's version, its own calls resolved the same way, flat): their
    processes, user tasks, forms and call lanes join the model's. What the model itself
    has wins where an id or a form file name is in both."""
    subprocess_specs: dict[str, Any] = dict(model.subprocess_specs)
    user_tasks = dict(model.user_tasks)
    forms = dict(model.forms)
    call_lanes = dict(model.call_lanes)
    for process_id, other in sorted(called.items()):
        subprocess_specs.setdefault(process_id, other.spec)
        for key, spec in other.subprocess_specs.items():
            subprocess_specs.setdefault(key, spec)
        for key, info in other.user_tasks.items():
            user_tasks.setdefault(key, info)
        for key, form in other.forms.items():
            forms.setdefault(key, form)
        for key, lane in other.call_lanes.items():
            call_lanes.setdefault(key, lane)
    return replace(
        model,
        subprocess_specs=subprocess_specs,
        user_tasks=user_tasks,
        forms=forms,
        call_lanes=call_lanes,
    )
