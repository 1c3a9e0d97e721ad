"""Where an element sits in its diagram: the lane that holds it and the subprocess around it.

SpiffWorkflow runs embedded subprocesses, transactions, event subprocesses and call
activities as sub-workflows, and hands their user tasks out like any other; the app
must route them and show where they are. Both facts are read from the XML once, when
a bundle is parsed:

- A task's lane is the lane that names it, else the lane of its nearest enclosing
  subprocess that has one (a subprocess that draws no lanes of its own belongs to the
  enclosing process's lane), else none. SpiffWorkflow itself prefers the enclosing
  subprocess's lane even where the subprocess draws its own lanes; the drawing inside
  is what an analyst reads, so it wins here.
- A task's container is its nearest enclosing subprocess, or the process it is drawn in
  when that is not the model's main process (a process reached by a call activity).

A task of a called process that sits in no lane takes the lane of the call activity
that started it, which only the running workflow knows (`Runtime`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_CONTAINERS = {f"{{{BPMN_NS}}}{tag}" for tag in ("subProcess", "transaction", "adHocSubProcess")}
_PROCESS = f"{{{BPMN_NS}}}process"
_FLOW_NODE_REF = f"{{{BPMN_NS}}}flowNodeRef"
_LANE = f"{{{BPMN_NS}}}lane"


@dataclass(frozen=True)
class Container:
    """The subprocess (or called process) a task is drawn in.

    Attributes:
        bpmn_id: the subprocess's (or process's) element id; bpmn-js draws a collapsed
            subprocess's content on the plane `<bpmn_id>_plane`.
        name: its name, or the id when it has none.
    """

    bpmn_id: str
    name: str


def _drawn_lanes(roots: Iterable[etree._Element]) -> dict[str, str]:
    """Element id -> the name of the lane whose `flowNodeRef` names it."""
    lanes: dict[str, str] = {}
    for root in roots:
        for ref in root.iter(_FLOW_NODE_REF):
            lane = ref.getparent()
            # The name as SpiffWorkflow reads it for a task at a process's top level.
            name = lane.get("name") if lane is not None and lane.tag == _LANE else None
            if ref.text and name:
                lanes.setdefault(ref.text.strip(), name)
    return lanes


def _enclosing(element: etree._Element) -> Iterable[etree._Element]:
    """The subprocess elements around `element`, innermost first."""
    parent = element.getparent()
    while parent is not None and parent.tag != _PROCESS:
        if parent.tag in _CONTAINERS:
            yield parent
        parent = parent.getparent()


def _elements(roots: Iterable[etree._Element], ids: Iterable[str]) -> dict[str, etree._Element]:
    wanted = set(ids)
    found: dict[str, etree._Element] = {}
    for root in roots:
        for element in root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if element_id in wanted and element_id not in found:
                found[element_id] = element
    return found


def resolved_lanes(roots: Mapping[str, etree._Element], ids: Iterable[str]) -> dict[str, str]:
    """The lane of each element of `ids` that has one, by the rule in the module doc."""
    roots_list = list(roots.values())
    drawn = _drawn_lanes(roots_list)
    lanes: dict[str, str] = {}
    for element_id, element in _elements(roots_list, ids).items():
        lane = drawn.get(element_id)
        for container in _enclosing(element):
            if lane is not None:
                break
            lane = drawn.get(container.get("id") or "")
        if lane is not None:
            lanes[element_id] = lane
    return lanes


def containers(
    roots: Mapping[str, etree._Element], ids: Iterable[str], main_process: str
) -> dict[str, Container]:
    """The container of each element of `ids` drawn inside a subprocess or in a process
    other than `main_process`; elements of the main process at its top level are absent."""
    found: dict[str, Container] = {}
    for element_id, element in _elements(list(roots.values()), ids).items():
        around = next(iter(_enclosing(element)), None)
        if around is None:
            around = next(element.iterancestors(_PROCESS), None)
            if around is None or around.get("id") == main_process:
                continue
        container_id = around.get("id") or ""
        name = " ".join((around.get("name") or "").split()) or container_id
        found[element_id] = Container(container_id, name)
    return found
