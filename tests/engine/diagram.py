"""Reading a shipped diagram for the convention checks (docs/bpmn-conventions.md).

`Diagram` wraps one processes/*.bpmn file: its flow nodes, sequence flows, lanes and the
shapes, edges and labels of its diagram interchange, in the few forms the checks in
test_diagram_conventions.py and the model tests need.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from functools import cache, cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
FORMS_DIR = ROOT / "forms"

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}

#: Lane names a diagram may use: the runtime's roles (section 2) and the starter's lane.
STARTER_LANE = "Pemohon"
KNOWN_ROLES = frozenset(
    {
        "Pengguna Layanan",
        "Penyedia Layanan",
        "Administrator Layanan",
        "Administrator Infrastruktur dan Aplikasi",
        "Penanggung Jawab Penyedia Layanan",
        "Penanggung Jawab Infrastruktur dan Aplikasi",
        "Pimpinan PD Penyedia Layanan",
        "Analis Proses",
        "Admin Sistem",
    }
)

EVENT_TAGS = (
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
)
ACTIVITY_TAGS = (
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
    "subProcess",
)
GATEWAY_TAGS = ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway")
FLOW_NODE_TAGS = EVENT_TAGS + ACTIVITY_TAGS + GATEWAY_TAGS

#: Shape sizes (section 7): tasks 100x80, gateways 50x50, events 36x36.
SIZES = {
    **dict.fromkeys(EVENT_TAGS, (36.0, 36.0)),
    **dict.fromkeys(ACTIVITY_TAGS, (100.0, 80.0)),
    **dict.fromkeys(GATEWAY_TAGS, (50.0, 50.0)),
}

Box = tuple[float, float, float, float]
Point = tuple[float, float]


def diagram_files() -> list[Path]:
    """Every shipped diagram, found in processes/."""
    return sorted(PROCESSES.glob("*.bpmn"))


@cache
def load(path: Path) -> Diagram:
    """The diagram in `path`, parsed once per test session."""
    return Diagram(path)


def load_form(filename: str) -> dict[str, Any]:
    """A form file from forms/."""
    form: dict[str, Any] = json.loads((FORMS_DIR / filename).read_text(encoding="utf-8"))
    return form


def bounds(element: etree._Element) -> Box:
    """(x, y, width, height) of a shape's or a label's `dc:Bounds`."""
    b = element.find("dc:Bounds", NS)
    x, y, w, h = (float(b.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, w, h


def centre_x(box: Box) -> float:
    return box[0] + box[2] / 2


def overlaps(a: Box, b: Box) -> bool:
    """Whether two rectangles share more than a border."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def inside(inner: Box, outer: Box) -> bool:
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    return ox <= ix and ix + iw <= ox + ow and oy <= iy and iy + ih <= oy + oh


def on_border(point: Point, box: Box) -> bool:
    """Whether a point lies on the border of a box."""
    (px, py), (x, y, w, h) = point, box
    within = x <= px <= x + w and y <= py <= y + h
    return within and (px in (x, x + w) or py in (y, y + h))


def segment_box(a: Point, b: Point) -> Box:
    """A straight edge segment as a thin box, for the overlap test."""
    (x1, y1), (x2, y2) = a, b
    return min(x1, x2), min(y1, y2), abs(x2 - x1) or 0.5, abs(y2 - y1) or 0.5


def check_restricted(code: str) -> None:
    """Asserts `code` keeps to the restricted environment (section 5)."""
    for node in ast.walk(ast.parse(code)):
        assert not isinstance(node, ast.Import | ast.ImportFrom), code
        name = getattr(node, "attr", None) or getattr(node, "id", None)
        assert not (isinstance(name, str) and name.startswith("_")), code
        if isinstance(node, ast.Name):
            assert node.id not in {"open", "eval", "exec", "getattr", "compile", "globals"}, code


def stored_names(code: str) -> set[str]:
    """The names a script assigns."""
    return {
        node.id
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


def read_names(expression: str) -> set[str]:
    """The data names an expression reads (not the constants)."""
    tree = ast.parse(expression.strip(), mode="eval")
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return names - {"True", "False", "None"}


def kind(element: etree._Element) -> str:
    return etree.QName(element).localname


class Diagram:
    """One BPMN file: process, flow nodes, flows, lanes and diagram interchange."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.model_id = path.stem
        self.tree = etree.parse(str(path))
        self.root = self.tree.getroot()
        self.process = self.tree.find("bpmn:process", NS)
        self.plane = self.tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)

    def __repr__(self) -> str:
        return f"Diagram({self.model_id})"

    # -- the process ---------------------------------------------------------------------

    @cached_property
    def nodes(self) -> dict[str, etree._Element]:
        """Flow nodes by id, in document order."""
        return {el.get("id"): el for el in self.process if kind(el) in FLOW_NODE_TAGS}

    def of_kind(self, *kinds: str) -> list[etree._Element]:
        return [node for node in self.nodes.values() if kind(node) in kinds]

    @cached_property
    def flows(self) -> dict[str, etree._Element]:
        """Sequence flows by id."""
        return {f.get("id"): f for f in self.process.findall("bpmn:sequenceFlow", NS)}

    def outgoing(self, node_id: str) -> list[etree._Element]:
        return [f for f in self.flows.values() if f.get("sourceRef") == node_id]

    def incoming(self, node_id: str) -> list[etree._Element]:
        return [f for f in self.flows.values() if f.get("targetRef") == node_id]

    @cached_property
    def attached(self) -> dict[str, str]:
        """Boundary event id -> the activity it is attached to."""
        return {e.get("id"): e.get("attachedToRef") for e in self.of_kind("boundaryEvent")}

    @cached_property
    def lanes(self) -> list[etree._Element]:
        return self.process.findall("bpmn:laneSet/bpmn:lane", NS)

    def lane_names(self) -> list[str]:
        return [lane.get("name") for lane in self.lanes]

    @cached_property
    def lane_of(self) -> dict[str, str]:
        """Flow node id -> the name of the lane listing it."""
        return {
            ref.text: lane.get("name")
            for lane in self.lanes
            for ref in lane.findall("bpmn:flowNodeRef", NS)
        }

    def documentation(self, element: etree._Element) -> str:
        doc = element.find("bpmn:documentation", NS)
        return (doc.text or "") if doc is not None else ""

    def cited_nodes(self) -> list[etree._Element]:
        """The nodes that cite the regulation (section 6): activities and events but the end."""
        return [
            node
            for node in self.nodes.values()
            if kind(node) in ACTIVITY_TAGS or kind(node) in EVENT_TAGS and kind(node) != "endEvent"
        ]

    def properties(self, element: etree._Element) -> dict[str, str]:
        """The element's `spiffworkflow:property` values by name."""
        return {
            p.get("name"): p.get("value")
            for p in element.findall("bpmn:extensionElements/spiffworkflow:properties/*", NS)
        }

    def split_gateways(self) -> list[str]:
        """Ids of the exclusive gateways that split (section 5)."""
        return [
            gw.get("id")
            for gw in self.of_kind("exclusiveGateway")
            if len(self.outgoing(gw.get("id"))) > 1
        ]

    def conditions(self) -> dict[str, str]:
        """Flow id -> its condition expression."""
        return {
            flow_id: flow.find("bpmn:conditionExpression", NS).text or ""
            for flow_id, flow in self.flows.items()
            if flow.find("bpmn:conditionExpression", NS) is not None
        }

    def loops(self) -> set[str]:
        """The flows that go back: a walk from the start events meets their target again.

        The back edges of a depth-first search; boundary events continue their activity's
        path.
        """
        following: dict[str, list[str]] = {node_id: [] for node_id in self.nodes}
        for flow in self.flows.values():
            following[flow.get("sourceRef")].append(flow.get("id"))
        back: set[str] = set()
        state: dict[str, str] = {}

        def visit(node_id: str) -> None:
            state[node_id] = "open"
            branches = [self.flows[f].get("targetRef") for f in following[node_id]]
            for flow_id, target in zip(following[node_id], branches, strict=True):
                if state.get(target) == "open":
                    back.add(flow_id)
                elif target not in state:
                    visit(target)
            for event, host in self.attached.items():
                if host == node_id and event not in state:
                    visit(event)
            state[node_id] = "done"

        for start in self.of_kind("startEvent"):
            if start.get("id") not in state:
                visit(start.get("id"))
        return back

    # -- diagram interchange -------------------------------------------------------------

    @cached_property
    def shapes(self) -> dict[str, etree._Element]:
        """BPMNShape by the id of the element it draws."""
        return {s.get("bpmnElement"): s for s in self.plane.findall("bpmndi:BPMNShape", NS)}

    @cached_property
    def edges(self) -> dict[str, etree._Element]:
        """BPMNEdge by the id of the flow it draws."""
        return {e.get("bpmnElement"): e for e in self.plane.findall("bpmndi:BPMNEdge", NS)}

    def box(self, element_id: str) -> Box:
        return bounds(self.shapes[element_id])

    def waypoints(self, flow_id: str) -> list[Point]:
        return [
            (float(p.get("x")), float(p.get("y")))
            for p in self.edges[flow_id].findall("di:waypoint", NS)
        ]

    def segments(self, flow_id: str) -> Iterator[tuple[Point, Point]]:
        return pairwise(self.waypoints(flow_id))

    @cached_property
    def labels(self) -> dict[str, Box]:
        """Label bounds by the id of the element or flow they belong to."""
        found = {}
        for element_id, element in [*self.shapes.items(), *self.edges.items()]:
            label = element.find("bpmndi:BPMNLabel", NS)
            if label is not None:
                found[element_id] = bounds(label)
        return found
