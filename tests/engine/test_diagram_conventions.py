"""Every shipped diagram follows docs/bpmn-conventions.md: the checks run over each
processes/*.bpmn found, so a new procedure is checked without being listed here.

Diagram interchange and layout (section 7), lanes (section 2), citations (section 6),
gateways and expressions (section 5), message and timer starts ("Links between procedures",
"Periodic procedures"). What is particular to one procedure (its lanes, decisions, loops)
stays in its tests/engine/test_<model>_model.py.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest

from app.engine.sandbox import check_script
from app.engine.script_context import script_context_helpers
from app.engine.timer_start import cycle_of
from tests.engine.diagram import (
    ACTIVITY_TAGS,
    KNOWN_ROLES,
    NS,
    PROCESSES,
    SIZES,
    STARTER_LANE,
    Diagram,
    centre_x,
    check_restricted,
    diagram_files,
    inside,
    kind,
    load,
    load_form,
    on_border,
    overlaps,
    read_names,
    segment_box,
    stored_names,
)

#: The functions scripts and expressions may call besides the data.
HELPERS = frozenset(script_context_helpers())

REGULATIONS = ("Perbup Bangka 21/2025", "Kepbup Polewali Mandar 685/2021")
CITATION = re.compile(
    r"(Perbup Bangka 21/2025|Kepbup Polewali Mandar 685/2021), ([0-9IVX]+(?:\.[0-9a-z]+)*)"
)
#: Start form fields that give an instance SLA clocks (app/services/deadlines/service_levels.py).
CLOCK_FIELDS = {"dampak", "urgensi", "jenis_permintaan"}


@pytest.fixture(params=diagram_files(), ids=lambda path: path.stem)
def diagram(request: pytest.FixtureRequest) -> Diagram:
    path: Path = request.param
    return load(path)


def test_every_procedure_is_checked():
    assert len(diagram_files()) >= 9
    assert all(path.parent == PROCESSES for path in diagram_files())


# --------------------------------------------------------------------------- section 1, 7


def test_one_executable_process_in_a_collaboration_with_one_participant(diagram):
    processes = diagram.tree.findall("bpmn:process", NS)
    assert len(processes) == 1
    process_id = diagram.model_id.replace("-", "_")
    assert diagram.process.get("id") == process_id
    assert diagram.process.get("isExecutable") == "true"
    [participant] = diagram.tree.findall("bpmn:collaboration/bpmn:participant", NS)
    assert participant.get("processRef") == process_id
    collaboration = diagram.tree.find("bpmn:collaboration", NS)
    assert diagram.plane.get("bpmnElement") == collaboration.get("id")


def test_every_node_has_a_shape_of_its_kind_and_a_label_when_named(diagram):
    for node_id, node in diagram.nodes.items():
        assert node_id in diagram.shapes, f"no shape for {node_id}"
        _, _, width, height = diagram.box(node_id)
        assert (width, height) == SIZES[kind(node)], node_id
        if kind(node) == "exclusiveGateway":
            assert diagram.shapes[node_id].get("isMarkerVisible") == "true", node_id
        if node.get("name") and kind(node) not in ACTIVITY_TAGS:
            assert node_id in diagram.labels, f"{node_id} is named but has no label"


def test_the_drawing_names_only_elements_of_the_process(diagram):
    drawn = {diagram.tree.find("bpmn:collaboration/bpmn:participant", NS).get("id")}
    drawn |= {lane.get("id") for lane in diagram.lanes} | set(diagram.nodes)
    assert set(diagram.shapes) == drawn
    assert set(diagram.edges) == set(diagram.flows)


def test_pool_and_lanes_are_stacked_horizontal_swimlanes(diagram):
    participant = diagram.tree.find("bpmn:collaboration/bpmn:participant", NS).get("id")
    assert diagram.shapes[participant].get("isHorizontal") == "true"
    px, py, pw, ph = pool = diagram.box(participant)
    assert diagram.lanes, "no lanes"
    for lane in diagram.lanes:
        lane_id = lane.get("id")
        assert diagram.shapes[lane_id].get("isHorizontal") == "true", lane_id
        lx, ly, lw, lh = box = diagram.box(lane_id)
        assert lx == px + 30, lane_id
        assert lx + lw == px + pw, lane_id
        assert inside(box, pool), lane_id
    for a, b in combinations([lane.get("id") for lane in diagram.lanes], 2):
        (_, ay, _, ah), (_, by, _, bh) = diagram.box(a), diagram.box(b)
        assert ay + ah <= by or by + bh <= ay, f"lanes {a} and {b} overlap"


def test_every_flow_has_an_orthogonal_edge_from_border_to_border(diagram):
    for flow_id, flow in diagram.flows.items():
        points = diagram.waypoints(flow_id)
        assert len(points) >= 2, flow_id
        assert on_border(points[0], diagram.box(flow.get("sourceRef"))), flow_id
        assert on_border(points[-1], diagram.box(flow.get("targetRef"))), flow_id
        for (x1, y1), (x2, y2) in diagram.segments(flow_id):
            assert x1 == x2 or y1 == y2, f"{flow_id} is not orthogonal"
        if flow.get("name"):
            assert flow_id in diagram.labels, f"{flow_id} is named but has no label"
    for flow_id in diagram.conditions():
        assert diagram.flows[flow_id].get("name"), f"conditional flow {flow_id} has no name"


def test_shapes_do_not_overlap_and_sit_inside_their_lane(diagram):
    for a, b in combinations(diagram.nodes, 2):
        if diagram.attached.get(a) == b or diagram.attached.get(b) == a:
            continue
        assert not overlaps(diagram.box(a), diagram.box(b)), f"{a} overlaps {b}"
    listed = [ref.text for lane in diagram.lanes for ref in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(listed) == sorted(diagram.nodes), "every node in exactly one lane"
    for lane in diagram.lanes:
        box = diagram.box(lane.get("id"))
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert inside(diagram.box(ref.text), box), f"{ref.text} outside {lane.get('name')}"
    for event, host in diagram.attached.items():
        assert diagram.lane_of[event] == diagram.lane_of[host], event


def test_boundary_events_sit_on_the_border_of_their_activity(diagram):
    for event, host in diagram.attached.items():
        x, y, w, h = diagram.box(event)
        assert on_border((x + w / 2, y + h / 2), diagram.box(host)), event


def test_labels_and_edges_keep_clear_of_unrelated_shapes(diagram):
    """Tidy: no label over a shape or another label, no edge through an unrelated shape."""
    boxes = {node_id: diagram.box(node_id) for node_id in diagram.nodes}
    for owner, label in diagram.labels.items():
        for node_id, box in boxes.items():
            assert not overlaps(label, box), f"label of {owner} covers {node_id}"
    for (a, box_a), (b, box_b) in combinations(diagram.labels.items(), 2):
        assert not overlaps(box_a, box_b), f"labels of {a} and {b} overlap"
    for flow_id, flow in diagram.flows.items():
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        ends |= {diagram.attached[end] for end in ends if end in diagram.attached}
        for a, b in diagram.segments(flow_id):
            segment = segment_box(a, b)
            for node_id, box in boxes.items():
                if node_id not in ends:
                    assert not overlaps(segment, box), f"{flow_id} crosses {node_id}"
            for owner, label in diagram.labels.items():
                if owner != flow_id:
                    assert not overlaps(segment, label), f"{flow_id} crosses label of {owner}"


def test_flow_runs_left_to_right_and_loops_go_back_to_a_merge(diagram):
    """Every flow ends right of where it starts, or straight below or above it; a loop (a
    flow back to a node already passed) ends left of it, in a merge gateway."""
    loops = diagram.loops()
    for flow_id, flow in diagram.flows.items():
        source = centre_x(diagram.box(flow.get("sourceRef")))
        target = centre_x(diagram.box(flow.get("targetRef")))
        if flow_id in loops:
            assert target < source, f"loop {flow_id} does not go back"
            merge = diagram.nodes[flow.get("targetRef")]
            assert kind(merge) == "exclusiveGateway", f"loop {flow_id} ends in {merge.get('id')}"
            assert len(diagram.outgoing(merge.get("id"))) == 1, f"loop {flow_id}: not a merge"
            continue
        vertical = len({x for x, _ in diagram.waypoints(flow_id)}) == 1
        assert source < target or (vertical and source == target), f"{flow_id} runs left"


# --------------------------------------------------------------------------- section 2


def test_lanes_are_roles_and_the_starts_are_the_starters(diagram):
    names = diagram.lane_names()
    assert len(names) == len(set(names)), names
    for name in names:
        assert name in KNOWN_ROLES or name == STARTER_LANE, name
    for task in diagram.of_kind("userTask", "manualTask"):
        assert task.get("id") in diagram.lane_of, f"{task.get('id')} outside any lane"
    for start in diagram.of_kind("startEvent"):
        assert diagram.lane_of[start.get("id")] == STARTER_LANE, start.get("id")


# --------------------------------------------------------------------------- section 6


def test_the_process_tasks_and_events_cite_the_regulations(diagram):
    """The process names its home section (its first citation); every activity and every
    event but an end event cites that section and the other regulation."""
    process_doc = diagram.documentation(diagram.process)
    cited = CITATION.findall(process_doc)
    assert {regulation for regulation, _ in cited} == set(REGULATIONS), process_doc[:200]
    home = "{}, {}".format(*cited[0])
    [other] = [r for r in REGULATIONS if r != cited[0][0]]
    for node in diagram.cited_nodes():
        doc = diagram.documentation(node)
        assert home in doc, f"{node.get('id')} does not cite {home}"
        assert f"{other}, " in doc, f"{node.get('id')} does not cite {other}"


# --------------------------------------------------------------------------- section 5


def test_splits_have_a_default_merges_are_explicit(diagram):
    for gateway in diagram.of_kind("exclusiveGateway"):
        gateway_id = gateway.get("id")
        outgoing = diagram.outgoing(gateway_id)
        if len(outgoing) > 1:
            assert gateway.get("name", "").endswith("?"), gateway_id
            default = gateway.get("default")
            assert default in {f.get("id") for f in outgoing}, gateway_id
            assert diagram.flows[default].find("bpmn:conditionExpression", NS) is None
            for flow in outgoing:
                if flow.get("id") != default:
                    assert flow.get("id") in diagram.conditions(), flow.get("id")
        else:
            assert len(outgoing) == 1, gateway_id
            assert len(diagram.incoming(gateway_id)) > 1, f"{gateway_id} neither splits nor merges"
    assert not set(diagram.conditions()) - {
        f.get("id")
        for gw in diagram.of_kind("exclusiveGateway")
        for f in diagram.outgoing(gw.get("id"))
    }, "a condition outside an exclusive gateway"
    # Loops go back into merge gateways, never into an activity with two incoming flows.
    for activity in diagram.of_kind(*ACTIVITY_TAGS):
        assert len(diagram.incoming(activity.get("id"))) == 1, activity.get("id")


def _runtime_variables(diagram: Diagram) -> set[str]:
    """What the runtime puts into an instance at start (section 4), for this diagram."""
    known = {"pemohon", "waktu_permintaan"}
    for start in diagram.of_kind("startEvent"):
        properties = diagram.properties(start)
        fields = set()
        if "formJsonSchemaFilename" in properties:
            fields = set(load_form(properties["formJsonSchemaFilename"])["properties"])
        if "layanan" in fields:
            known.add("layanan_info")
            if fields & CLOCK_FIELDS:
                known.add("sla")
        if "perangkat_daerah" in fields:
            known.add("perangkat_daerah_info")
        if "jenis_permintaan" in fields:
            known.add("perlu_persetujuan")
        if "referencePrefix" in properties:
            known.add("nomor_referensi")
    if any(name.startswith("setting:") for name in diagram.properties(diagram.process)):
        known.add("pengaturan")
    return known


def _set_in_the_diagram(diagram: Diagram) -> set[str]:
    """Every field a form, a script, a decision table or a message sets in the diagram."""
    known: set[str] = set()
    for node in diagram.nodes.values():
        properties = diagram.properties(node)
        if "formJsonSchemaFilename" in properties:
            known |= set(load_form(properties["formJsonSchemaFilename"])["properties"])
        if kind(node) == "businessRuleTask":
            for table in PROCESSES.glob("*.dmn"):
                known |= set(re.findall(r'<output [^>]*name="([^"]+)"', table.read_text()))
    for script in _scripts(diagram):
        known |= stored_names(script)
    for variable in diagram.process.iterfind(".//spiffworkflow:messageVariable", NS):
        known.add(variable.text.strip())
    return known


def _scripts(diagram: Diagram) -> list[str]:
    scripts = [s.text for s in diagram.process.iterfind(".//bpmn:scriptTask/bpmn:script", NS)]
    for tag in ("spiffworkflow:preScript", "spiffworkflow:postScript"):
        scripts += [s.text for s in diagram.process.iterfind(f".//{tag}", NS)]
    return scripts


def test_scripts_and_expressions_are_restricted_and_read_only_data_set_before(diagram):
    """Scripts, conditions, message payloads and timer texts keep to the sandbox; the
    expressions read only the start data, the runtime's fields and what the diagram sets."""
    for script in _scripts(diagram):
        check_restricted(script)
        assert check_script(script) == [], script
    # ... and may call the app's script helpers (docs/bpmn-conventions.md, section 5)
    known = _runtime_variables(diagram) | _set_in_the_diagram(diagram) | set(HELPERS)
    expressions = list(diagram.conditions().values())
    expressions += [p.text for p in diagram.process.iterfind(".//spiffworkflow:messagePayload", NS)]
    expressions += [t.text for t in diagram.process.iterfind(".//bpmn:timerEventDefinition/*", NS)]
    for expression in expressions:
        check_restricted(expression)
        assert check_script(expression.strip(), "eval") == [], expression
        read = read_names(expression)
        assert read <= known, f"{expression} reads {read - known}"


# --------------------------------------------------------------------------- starts


def test_a_message_start_is_named_after_the_model(diagram):
    messages = {m.get("id"): m.get("name") for m in diagram.tree.findall("bpmn:message", NS)}
    for start in diagram.of_kind("startEvent"):
        for definition in start.findall("bpmn:messageEventDefinition", NS):
            assert messages[definition.get("messageRef")] == diagram.model_id, start.get("id")


def test_a_timer_start_sits_beside_the_message_start_and_joins_it_in_a_merge(diagram):
    """Periodic procedures: one timer start with a cycle the scheduler keeps, in the message
    start's lane, its flow joining the message start's path in a merge gateway."""
    timers = [
        start
        for start in diagram.of_kind("startEvent")
        if start.find("bpmn:timerEventDefinition", NS) is not None
    ]
    if not timers:
        return
    [timer] = timers
    cycle = timer.find("bpmn:timerEventDefinition/bpmn:timeCycle", NS)
    assert cycle is not None, "a timer start declares a timeCycle"
    assert cycle_of(cycle.text) is not None, cycle.text
    [message_start] = [
        start
        for start in diagram.of_kind("startEvent")
        if start.find("bpmn:messageEventDefinition", NS) is not None
    ]
    assert diagram.lane_of[timer.get("id")] == diagram.lane_of[message_start.get("id")]
    [flow] = diagram.outgoing(timer.get("id"))
    merge = diagram.nodes[flow.get("targetRef")]
    assert kind(merge) == "exclusiveGateway"
    assert len(diagram.outgoing(merge.get("id"))) == 1
    [from_message] = diagram.outgoing(message_start.get("id"))
    assert from_message.get("targetRef") == merge.get("id")
    # Drawn below the message start, as in the conventions.
    assert diagram.box(timer.get("id"))[1] > diagram.box(message_start.get("id"))[1]
