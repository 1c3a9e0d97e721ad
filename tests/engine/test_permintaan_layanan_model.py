"""Engine-only checks of processes/permintaan-layanan.bpmn and its forms.

No Flask and no database: the model is parsed with XSD validation on and every path is
driven in memory with the default script engine, the start data set as the runtime would.
"""

import ast
import json
from itertools import combinations
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "permintaan-layanan.bpmn"
FORMS_DIR = ROOT / "forms"
PROCESS_ID = "permintaan_layanan"

KNOWN_ROLES = {
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
STARTER_LANE = "Pemohon"

# What the runtime puts into the instance data at start (besides the start form).
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "perlu_persetujuan",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
}

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
FLOW_NODE_TAGS = (
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
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
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
)
TASK_TAGS = ("userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "task")

PENGAJUAN = {
    "layanan": "SIMPEG",
    "jenis_permintaan": "RESET_SANDI",
    "judul": "Reset kata sandi SIMPEG",
    "uraian": "Saya tidak dapat masuk ke SIMPEG sejak pagi karena lupa kata sandi.",
    "nip_nik": "198703122010011002",
    "instansi": "Badan Kepegawaian dan Pengembangan SDM, Bidang Mutasi",
    "telepon": "081234567890",
    "email": "budi@bangka.go.id",
}


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def spec():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    assert parser.get_process_ids() == [PROCESS_ID]
    return parser.get_spec(PROCESS_ID)


@pytest.fixture(scope="module")
def tree():
    return etree.parse(str(BPMN_FILE))


def load_form(filename):
    path = FORMS_DIR / filename
    assert path.is_file(), f"form file {filename} missing in forms/"
    return json.loads(path.read_text(encoding="utf-8"))


def form_validator(properties):
    """Check the form files a task names and return a validator for its JSON schema."""
    schema = load_form(properties["formJsonSchemaFilename"])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema.get("additionalProperties") is not False
    ui_schema = load_form(properties["formUiSchemaFilename"])
    assert sorted(ui_schema["ui:order"]) == sorted(schema["properties"])
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(properties, data):
    errors = sorted(form_validator(properties).iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]


def assert_invalid(properties, data):
    assert list(form_validator(properties).iter_errors(data)), f"expected {data} to be rejected"


def start(spec, **runtime_overrides):
    """Start an instance the way the runtime does: start form data plus runtime data."""
    start_spec = spec.task_specs["pengajuan_permintaan"]
    assert start_spec.lane == STARTER_LANE
    assert_valid(start_spec.extensions["properties"], PENGAJUAN)
    runtime_data = {
        "layanan_info": {
            "kode": "SIMPEG",
            "nama": "Sistem Informasi Manajemen Kepegawaian",
            "pd": "BKPSDM",
            "kelompok": "Layanan Administrasi Pemerintahan",
            "klasifikasi": "Esensial",
        },
        "perlu_persetujuan": False,
        "pemohon": {"username": "pengguna", "nama": "Budi Santoso"},
        "waktu_permintaan": "2025-03-03T09:15:00+07:00",
        "nomor_referensi": "PMT-2025-000042",
        **runtime_overrides,
    }
    assert set(runtime_data) == RUNTIME_START_VARIABLES
    wf = BpmnWorkflow(spec)
    wf.task_tree.data.update(PENGAJUAN)
    wf.task_tree.data.update(runtime_data)
    wf.do_engine_steps()
    return wf


def ready_user_tasks(wf):
    return wf.get_tasks(state=TaskState.READY, manual=True)


def complete(wf, bpmn_id, lane, data):
    """Complete the single ready user task `bpmn_id` after checking its lane and form."""
    ready = ready_user_tasks(wf)
    assert [t.task_spec.bpmn_id for t in ready] == [bpmn_id]
    task = ready[0]
    assert task.task_spec.lane == lane
    assert_valid(task.task_spec.extensions["properties"], data)
    task.data.update(data)
    task.run()
    wf.do_engine_steps()
    return task


def reached(wf, end_id):
    return bool(wf.get_tasks(spec_name=end_id, state=TaskState.COMPLETED))


KLASIFIKASI_BUKAN_GANGGUAN = {
    "klasifikasi": "akses",
    "prioritas": "sedang",
    "gangguan": False,
    "pelaksana": "admin.layanan",
}
PEMENUHAN = {"hasil_pemenuhan": "Kata sandi telah direset dan dikirim melalui surel dinas."}
DITERIMA = {"konfirmasi": "diterima", "kepuasan": 5, "saran": "Respons cepat, terima kasih."}


# --------------------------------------------------------------------------- paths


def test_run_disruption_ends_as_complaint(spec):
    wf = start(spec)
    complete(
        wf,
        "klasifikasi_prioritas",
        "Administrator Layanan",
        {
            "klasifikasi": "akses",
            "prioritas": "tinggi",
            "gangguan": True,
            "dampak": "Mayor",
            "catatan_klasifikasi": "SIMPEG tidak dapat diakses oleh seluruh pengguna.",
        },
    )
    assert wf.is_completed()
    assert reached(wf, "dialihkan_ke_aduan")
    assert wf.data["harus_menjadi_aduan"] is True
    assert wf.data["status_permintaan"] == "dialihkan_ke_aduan"
    # the end event hands the complaint procedure its start data (a BPMN message)
    [message] = wf.get_events()
    assert message.event_definition.name == "penanganan-aduan"
    assert message.payload["dampak"] == "Mayor"
    assert message.payload["kategori"] == "akses"
    assert message.payload["gejala"] == PENGAJUAN["uraian"]
    assert message.payload["nomor_permintaan"] == "PMT-2025-000042"


def test_run_without_approval_fulfils_and_completes(spec):
    wf = start(spec, perlu_persetujuan=False)
    complete(wf, "klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    task = complete(wf, "pemenuhan_permintaan", "Administrator Layanan", PEMENUHAN)
    assert task.task_spec.extensions["properties"]["assigneeVariable"] == "pelaksana"
    assert task.data["pelaksana"] == "admin.layanan"
    complete(wf, "konfirmasi_pemenuhan", STARTER_LANE, DITERIMA)
    assert wf.is_completed()
    assert reached(wf, "permintaan_selesai")
    assert not wf.get_tasks(spec_name="persetujuan_permintaan", state=TaskState.COMPLETED)
    assert wf.data["status_permintaan"] == "selesai"
    assert wf.data["kepuasan"] == 5
    assert "harus_menjadi_aduan" not in wf.data


def test_run_with_approval_approved_completes(spec):
    wf = start(spec, perlu_persetujuan=True)
    complete(wf, "klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    complete(
        wf,
        "persetujuan_permintaan",
        "Penanggung Jawab Penyedia Layanan",
        {"disetujui": True, "catatan_persetujuan": "Disetujui."},
    )
    complete(wf, "pemenuhan_permintaan", "Administrator Layanan", PEMENUHAN)
    complete(wf, "konfirmasi_pemenuhan", STARTER_LANE, DITERIMA)
    assert wf.is_completed()
    assert reached(wf, "permintaan_selesai")
    assert wf.data["disetujui"] is True
    assert wf.data["status_permintaan"] == "selesai"


def test_run_with_approval_rejected_ends_rejected(spec):
    wf = start(spec, perlu_persetujuan=True)
    complete(wf, "klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    complete(
        wf,
        "persetujuan_permintaan",
        "Penanggung Jawab Penyedia Layanan",
        {"disetujui": False, "catatan_persetujuan": "Bukan kewenangan bidang ini."},
    )
    assert wf.is_completed()
    assert reached(wf, "permintaan_ditolak")
    assert not reached(wf, "permintaan_selesai")
    assert not wf.get_tasks(spec_name="pemenuhan_permintaan", state=TaskState.COMPLETED)
    assert wf.data["status_permintaan"] == "ditolak"


def test_run_confirmation_rejected_returns_to_fulfilment(spec):
    wf = start(spec)
    complete(wf, "klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    complete(wf, "pemenuhan_permintaan", "Administrator Layanan", PEMENUHAN)
    complete(
        wf,
        "konfirmasi_pemenuhan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "alasan_penolakan": "Surel reset belum masuk."},
    )
    assert not wf.is_completed()
    complete(
        wf,
        "pemenuhan_permintaan",
        "Administrator Layanan",
        {"hasil_pemenuhan": "Surel dikirim ulang ke alamat yang benar."},
    )
    complete(wf, "konfirmasi_pemenuhan", STARTER_LANE, {"konfirmasi": "diterima", "kepuasan": 4})
    assert wf.is_completed()
    assert reached(wf, "permintaan_selesai")
    assert len(wf.get_tasks(spec_name="pemenuhan_permintaan", state=TaskState.COMPLETED)) == 2
    assert wf.data["konfirmasi"] == "diterima"


# --------------------------------------------------------------------------- forms


def test_forms_reject_invalid_submissions(spec):
    props = {
        name: task_spec.extensions["properties"]
        for name, task_spec in spec.task_specs.items()
        if getattr(task_spec, "extensions", {}).get("properties")
    }
    assert_invalid(props["pengajuan_permintaan"], {**PENGAJUAN, "nip_nik": "12345"})
    no_service = {k: v for k, v in PENGAJUAN.items() if k != "layanan"}
    assert_invalid(props["pengajuan_permintaan"], no_service)
    no_executor = {k: v for k, v in KLASIFIKASI_BUKAN_GANGGUAN.items() if k != "pelaksana"}
    assert_invalid(props["klasifikasi_prioritas"], no_executor)
    bad_priority = {**KLASIFIKASI_BUKAN_GANGGUAN, "prioritas": "P1"}
    assert_invalid(props["klasifikasi_prioritas"], bad_priority)
    assert_invalid(props["persetujuan_permintaan"], {"disetujui": False})
    assert_invalid(props["pemenuhan_permintaan"], {})
    assert_invalid(props["konfirmasi_pemenuhan"], {"konfirmasi": "diterima"})
    assert_invalid(props["konfirmasi_pemenuhan"], {"konfirmasi": "diterima", "kepuasan": 6})
    assert_invalid(props["konfirmasi_pemenuhan"], {"konfirmasi": "diterima", "kepuasan": 0})
    assert_invalid(props["konfirmasi_pemenuhan"], {"konfirmasi": "diterima", "kepuasan": 4.5})
    assert_invalid(props["konfirmasi_pemenuhan"], {"konfirmasi": "ditolak"})
    assert_invalid(props["konfirmasi_pemenuhan"], {"konfirmasi": "mungkin"})


def test_every_user_task_has_a_form_and_start_form_asks_for_service(spec):
    for task_spec in spec.task_specs.values():
        if getattr(task_spec, "manual", False):
            form_validator(task_spec.extensions["properties"])
    start_props = spec.task_specs["pengajuan_permintaan"].extensions["properties"]
    schema = load_form(start_props["formJsonSchemaFilename"])
    assert schema["properties"]["layanan"]["type"] == "string"
    assert {"layanan", "jenis_permintaan"} <= set(schema["required"])
    # The runtime sets these; the requester must not be asked for them.
    assert not RUNTIME_START_VARIABLES & set(schema["properties"])


# --------------------------------------------------------------------------- model


def flow_nodes(tree):
    process = tree.find("bpmn:process", NS)
    return [el for el in process if etree.QName(el).localname in FLOW_NODE_TAGS]


def bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def test_diagram_has_shape_for_every_node_and_edge_for_every_flow(tree):
    process = tree.find("bpmn:process", NS)
    assert process.get("id") == PROCESS_ID
    assert process.get("isExecutable") == "true"
    participants = tree.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == [PROCESS_ID]
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    shapes = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}
    for node in flow_nodes(tree):
        assert node.get("id") in shapes, node.get("id")
    for lane in process.findall("bpmn:laneSet/bpmn:lane", NS):
        assert shapes[lane.get("id")].get("isHorizontal") == "true"
    assert shapes[participants[0].get("id")].get("isHorizontal") == "true"
    for flow in process.findall("bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, flow.get("id")
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        assert len(points) >= 2, flow.get("id")
        assert on_border(points[0], bounds(shapes[flow.get("sourceRef")])), flow.get("id")
        assert on_border(points[-1], bounds(shapes[flow.get("targetRef")])), flow.get("id")


def on_border(point, box):
    """Whether a waypoint lies on the border of a shape's bounding box."""
    (px, py), (x, y, w, h) = point, box
    inside = x <= px <= x + w and y <= py <= y + h
    return inside and (px in (x, x + w) or py in (y, y + h))


def test_layout_has_no_overlaps_and_nodes_inside_their_lanes(tree):
    process = tree.find("bpmn:process", NS)
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    shapes = {s.get("bpmnElement"): bounds(s) for s in plane.findall("bpmndi:BPMNShape", NS)}
    node_ids = [n.get("id") for n in flow_nodes(tree)]
    for a, b in combinations(node_ids, 2):
        ax, ay, aw, ah = shapes[a]
        bx, by, bw, bh = shapes[b]
        overlap = ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
        assert not overlap, f"{a} overlaps {b}"
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    in_lane = {}
    for lane in lanes:
        lx, ly, lw, lh = shapes[lane.get("id")]
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            nx, ny, nw, nh = shapes[ref.text]
            assert lx <= nx, ref.text
            assert nx + nw <= lx + lw, ref.text
            assert ly <= ny, ref.text
            assert ny + nh <= ly + lh, ref.text
            assert ref.text not in in_lane, f"{ref.text} in two lanes"
            in_lane[ref.text] = lane.get("name")
    assert set(in_lane) == set(node_ids)
    for a, b in combinations([lane.get("id") for lane in lanes], 2):
        ax, ay, aw, ah = shapes[a]
        bx, by, bw, bh = shapes[b]
        assert ay + ah <= by or by + bh <= ay, f"lanes {a} and {b} overlap"


def test_lane_names_are_known_roles(spec, tree):
    names = [lane.get("name") for lane in tree.findall("bpmn:process/bpmn:laneSet/bpmn:lane", NS)]
    assert names
    for name in names:
        assert name in KNOWN_ROLES or name == STARTER_LANE, name
    for task_spec in spec.task_specs.values():
        if getattr(task_spec, "manual", False):
            assert task_spec.lane in KNOWN_ROLES | {STARTER_LANE}


def test_tasks_cite_the_regulation(tree):
    for node in flow_nodes(tree):
        if etree.QName(node).localname in TASK_TAGS:
            doc = node.find("bpmn:documentation", NS)
            assert doc is not None, node.get("id")
            assert "Perbup Bangka 21/2025, 2.2.1.1" in doc.text, node.get("id")


def test_gateways_have_default_flows(tree):
    process = tree.find("bpmn:process", NS)
    flows = {f.get("id"): f for f in process.findall("bpmn:sequenceFlow", NS)}
    for gw in process.findall("bpmn:exclusiveGateway", NS):
        outgoing = [f for f in flows.values() if f.get("sourceRef") == gw.get("id")]
        if len(outgoing) > 1:
            default = gw.get("default")
            assert default in flows, gw.get("id")
            assert flows[default].get("sourceRef") == gw.get("id"), gw.get("id")
            assert flows[default].find("bpmn:conditionExpression", NS) is None
            for flow in outgoing:
                if flow.get("id") != default:
                    assert flow.find("bpmn:conditionExpression", NS) is not None, flow.get("id")


def _check_restricted(code):
    for node in ast.walk(ast.parse(code)):
        assert not isinstance(node, (ast.Import, ast.ImportFrom)), code
        name = getattr(node, "attr", None) or getattr(node, "id", None)
        assert not (isinstance(name, str) and name.startswith("_")), code
        if isinstance(node, ast.Name):
            assert node.id not in {"open", "eval", "exec", "getattr", "compile", "globals"}, code


def test_conditions_read_only_variables_set_before(tree):
    """Every name a condition reads comes from a form, a script or the runtime start data."""
    process = tree.find("bpmn:process", NS)
    known = set(RUNTIME_START_VARIABLES)
    for node in flow_nodes(tree):
        props = {
            p.get("name"): p.get("value")
            for p in node.findall("bpmn:extensionElements/*/*", NS)
            if p.get("name")
        }
        if "formJsonSchemaFilename" in props:
            known |= set(load_form(props["formJsonSchemaFilename"])["properties"])
    for script in process.findall("bpmn:scriptTask/bpmn:script", NS):
        _check_restricted(script.text)
        for node in ast.walk(ast.parse(script.text)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                known.add(node.id)
    conditions = process.findall("bpmn:sequenceFlow/bpmn:conditionExpression", NS)
    assert conditions
    for cond in conditions:
        _check_restricted(cond.text)
        expr = ast.parse(cond.text, mode="eval")
        read = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)} - {"True", "False", "None"}
        assert read <= known, f"{cond.text} reads {read - known}"
