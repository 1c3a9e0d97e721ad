"""Engine-only checks of processes/evaluasi.bpmn and its forms.

No Flask and no database. The procedure starts with a message start event (`evaluasi`): the
start data are put into the workflow and the start message is delivered, as `Runtime.start`
does for a start by hand. Beside it the timer start event declares the evaluation per
semester, which only the app's scheduler fires (`Runtime.start(..., by_timer=True)`,
app/engine/timer_start.py). The report is written in five chapters, reviewed, adopted, and
its follow-ups tracked until all are done.
"""

import ast
import json
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.clock import FixedClock
from app.engine.routing import route_for
from app.engine.runtime import Runtime
from app.engine.sandbox import make_script_engine
from app.engine.specs import AppBpmnParser, parse_bundle
from app.engine.validation import validate_model
from app.services.deploy import bundle_from_directory

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "evaluasi.bpmn"
FORMS_DIR = ROOT / "forms"
PROCESS_ID = "evaluasi"
MODEL_ID = "evaluasi"
START_EVENT = "mulai_evaluasi"
TIMER_START = "jadwal_evaluasi_semesteran"
CITATION = "Perbup Bangka 21/2025, 2.3"
POLEWALI = "Kepbup Polewali Mandar 685/2021, III."

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
ADMIN = "Administrator Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
OFFICIAL = "Penanggung Jawab Penyedia Layanan"
HEAD = "Pimpinan PD Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form).
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan"}
# Data keys that give an instance SLA clocks (app/services/sla.py).
SLA_TRIGGERS = {"dampak", "urgensi", "jenis_permintaan", "layanan"}

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
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
LOOPS = {"f_reviu_revisi", "f_pengesahan_revisi", "f_tindak_lanjut_belum"}
LANE_NAMES = [STARTER_LANE, ADMIN, INFRA, OFFICIAL, HEAD]
SPLIT_GATEWAYS = 4
CONDITIONS = 4

T0 = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
PEMOHON = {"username": "penjadwal", "nama": "Penjadwal Aplikasi"}
MULAI = {"periode": "2026-S2", "perangkat_daerah": "BKPSDM"}
LAYANAN_INFO = {}


def bab(jumlah, tercapai, **extra):
    data = {
        "jumlah_layanan": jumlah,
        "jumlah_mencapai_target": tercapai,
        "semua_target_tercapai": jumlah == tercapai,
        "rekapitulasi": f"{tercapai} dari {jumlah} layanan mencapai target semester ini.",
        "tindak_lanjut_penyempurnaan": "Pertahankan pemantauan bulanan.",
    }
    if jumlah != tercapai:
        data["analisis_hambatan"] = (
            "Satu layanan melampaui target karena server cadangan belum siap."
        )
    return {**data, **extra}


PELAYANAN = {"bab_permintaan_layanan": bab(12, 12), "bab_penanganan_gangguan": bab(12, 11)}
PENGOPERASIAN = {
    "bab_pemantauan_pemeliharaan": bab(12, 11),
    "bab_pemulihan_layanan": bab(3, 3),
    "bab_rilis_layanan": bab(4, 4),
}
TINDAK_LANJUT = [
    {
        "uraian": "Siapkan server cadangan SIMPEG di pusat data kedua.",
        "bab": "pemulihan_layanan",
        "penanggung_jawab": "Kepala Seksi Infrastruktur",
        "target_selesai": "2027-03-31",
    },
    {
        "uraian": "Usulkan revisi target waktu penyelesaian aduan urgensi 2.",
        "bab": "sla",
        "penanggung_jawab": "Kepala Bidang Layanan",
        "target_selesai": "2027-02-28",
    },
]
LAPORAN = {
    "ringkasan_evaluasi": "Sebagian besar layanan mencapai target; satu layanan belum.",
    "evaluasi_sla": {
        "kesesuaian_komitmen": "Waktu respons terpenuhi; satu aduan urgensi 2 melampaui 72 jam.",
        "perlu_perubahan_sla": True,
        "usulan_perubahan_sla": "Tambah dukungan di luar jam kerja untuk layanan Kritis.",
    },
    "ada_tindak_lanjut": True,
    "daftar_tindak_lanjut": TINDAK_LANJUT,
}
TANPA_TINDAK_LANJUT = {
    "ringkasan_evaluasi": "Seluruh layanan mencapai target semester ini.",
    "evaluasi_sla": {
        "kesesuaian_komitmen": "Seluruh komitmen SLA terpenuhi.",
        "perlu_perubahan_sla": False,
    },
    "ada_tindak_lanjut": False,
}
DISETUJUI = {"keputusan_reviu": "disetujui"}
DISAHKAN = {"keputusan_pengesahan": "disahkan", "arahan_pimpinan": "Prioritaskan server cadangan."}


def tracked(*statuses):
    items = []
    for item, status in zip(TINDAK_LANJUT, statuses, strict=True):
        row = {**item, "status_tindak_lanjut": status}
        if status == "selesai":
            row |= {"tanggal_selesai": "2027-02-20", "realisasi": "Selesai dan diuji."}
        items.append(row)
    return items


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def parser():
    parser = AppBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    assert parser.get_process_ids() == [PROCESS_ID]
    return parser


@pytest.fixture(scope="module")
def spec(parser):
    return parser.get_spec(PROCESS_ID)


@pytest.fixture(scope="module")
def tree():
    return etree.parse(str(BPMN_FILE))


@pytest.fixture(scope="module")
def model():
    """The model as the deploy sees it: the BPMN with the forms it names."""
    return parse_bundle(MODEL_ID, bundle_from_directory(BPMN_FILE, FORMS_DIR))


@pytest.fixture
def runtime():
    return Runtime(time_limit=1.0)


@pytest.fixture
def clock():
    return FixedClock(T0)


def load_form(filename):
    path = FORMS_DIR / filename
    assert path.is_file(), f"form file {filename} missing in forms/"
    return json.loads(path.read_text(encoding="utf-8"))


def form_validator(properties):
    """Check the form files a task names and return a validator for its JSON schema."""
    schema = load_form(properties["formJsonSchemaFilename"])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema.get("additionalProperties") is not False
    ui_schema = load_form(properties["formUiSchemaFilename"])
    assert sorted(ui_schema["ui:order"]) == sorted(schema["properties"])
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(properties, data):
    errors = sorted(form_validator(properties).iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]


def assert_invalid(properties, data):
    assert list(form_validator(properties).iter_errors(data)), f"expected {data} to be rejected"


def start_data(**form):
    """Start form data plus what the runtime adds, as `InstanceService.start` builds it."""
    data = {**MULAI, **form}
    if data.get("layanan"):
        data["layanan_info"] = dict(LAYANAN_INFO)
    return {**data, "pemohon": dict(PEMOHON), "waktu_permintaan": T0.isoformat()}


def start(parser, spec, **form):
    """Start an instance in memory: start data in the workflow, then the start message."""
    start_spec = spec.task_specs[START_EVENT]
    assert start_spec.lane == STARTER_LANE
    data = start_data(**form)
    assert_valid(
        start_spec.extensions["properties"],
        {k: v for k, v in data.items() if k not in RUNTIME_START_VARIABLES},
    )
    wf = BpmnWorkflow(
        spec,
        parser.get_subprocess_specs(PROCESS_ID),
        script_engine=make_script_engine(time_limit=1.0),
    )
    wf.task_tree.data.update(data)
    wf.do_engine_steps()
    assert not ready_user_tasks(wf), "the message start event must wait for its message"
    waiting = wf.get_tasks(state=TaskState.WAITING)
    # The timer start waits too: only the scheduler fires it.
    assert sorted(w.task_spec.bpmn_id for w in waiting) == sorted([START_EVENT, TIMER_START])
    wf.send_event(BpmnEvent(MessageEventDefinition(MODEL_ID), {}))
    wf.do_engine_steps()
    return wf


def ready_user_tasks(wf):
    return wf.get_tasks(state=TaskState.READY, manual=True)


def complete(wf, bpmn_id, lane, data):
    """Complete the ready user task `bpmn_id` after checking its lane and form."""
    ready = [t for t in ready_user_tasks(wf) if t.task_spec.bpmn_id == bpmn_id]
    assert len(ready) == 1, [t.task_spec.bpmn_id for t in ready_user_tasks(wf)]
    task = ready[0]
    assert task.task_spec.lane == lane
    assert_valid(task.task_spec.extensions["properties"], data)
    task.data.update(data)
    task.run()
    wf.do_engine_steps()
    return task


def ready_ids(wf):
    return sorted(t.task_spec.bpmn_id for t in ready_user_tasks(wf))


def reached(wf, spec_name):
    return len(wf.get_tasks(spec_name=spec_name, state=TaskState.COMPLETED))


def thrown_messages(wf):
    return [
        (event.event_definition.name, event.payload)
        for event in wf.get_events()
        if type(event.event_definition).__name__ == "MessageEventDefinition"
    ]


def write_and_approve(wf, laporan=LAPORAN):
    assert ready_ids(wf) == ["evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"]
    complete(wf, "evaluasi_pelayanan_pengguna", ADMIN, PELAYANAN)
    complete(wf, "evaluasi_pengoperasian", INFRA, PENGOPERASIAN)
    complete(wf, "penyusunan_laporan", ADMIN, laporan)
    complete(wf, "reviu_penanggung_jawab", OFFICIAL, DISETUJUI)
    complete(wf, "pengesahan_pimpinan", HEAD, DISAHKAN)


def assert_closed(wf):
    assert wf.is_completed()
    assert reached(wf, "evaluasi_selesai") == 1
    assert wf.data["status_evaluasi"] == "selesai"
    assert wf.data["keputusan_pengesahan"] == "disahkan"


# --------------------------------------------------------------------------- paths


def test_follow_ups_are_tracked_until_all_are_done(parser, spec):
    wf = start(parser, spec)
    write_and_approve(wf)
    assert ready_ids(wf) == ["pemantauan_tindak_lanjut"]
    complete(
        wf,
        "pemantauan_tindak_lanjut",
        ADMIN,
        {
            "daftar_tindak_lanjut": tracked("dalam_proses", "selesai"),
            "tindak_lanjut_selesai": False,
        },
    )
    assert ready_ids(wf) == ["pemantauan_tindak_lanjut"]
    [task] = ready_user_tasks(wf)
    assert task.data["daftar_tindak_lanjut"][1]["status_tindak_lanjut"] == "selesai"
    complete(
        wf,
        "pemantauan_tindak_lanjut",
        ADMIN,
        {"daftar_tindak_lanjut": tracked("selesai", "selesai"), "tindak_lanjut_selesai": True},
    )
    assert_closed(wf)
    assert reached(wf, "pemantauan_tindak_lanjut") == 2
    assert wf.data["tindak_lanjut_selesai"] is True


def test_without_follow_ups_the_evaluation_closes_when_adopted(parser, spec):
    wf = start(parser, spec)
    write_and_approve(wf, TANPA_TINDAK_LANJUT)
    assert_closed(wf)
    assert not reached(wf, "pemantauan_tindak_lanjut")


def test_official_sends_the_report_back_and_both_chapters_are_revised(parser, spec):
    wf = start(parser, spec)
    complete(wf, "evaluasi_pelayanan_pengguna", ADMIN, PELAYANAN)
    complete(wf, "evaluasi_pengoperasian", INFRA, PENGOPERASIAN)
    complete(wf, "penyusunan_laporan", ADMIN, TANPA_TINDAK_LANJUT)
    revisi = {"keputusan_reviu": "revisi", "catatan_reviu": "Bab pemulihan belum memuat RTO."}
    complete(wf, "reviu_penanggung_jawab", OFFICIAL, revisi)
    # Both chapter tasks open again, prefilled with what was written.
    assert ready_ids(wf) == ["evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"]
    assert ready_user_tasks(wf)[0].data["catatan_reviu"] == revisi["catatan_reviu"]
    write_and_approve(wf, TANPA_TINDAK_LANJUT)
    assert_closed(wf)
    assert reached(wf, "reviu_penanggung_jawab") == 2
    assert reached(wf, "pengesahan_pimpinan") == 1


def test_head_sends_the_report_back_then_adopts_it(parser, spec):
    wf = start(parser, spec)
    complete(wf, "evaluasi_pelayanan_pengguna", ADMIN, PELAYANAN)
    complete(wf, "evaluasi_pengoperasian", INFRA, PENGOPERASIAN)
    complete(wf, "penyusunan_laporan", ADMIN, LAPORAN)
    complete(wf, "reviu_penanggung_jawab", OFFICIAL, DISETUJUI)
    revisi = {
        "keputusan_pengesahan": "revisi",
        "catatan_pengesahan": "Tambahkan komitmen anggaran.",
    }
    complete(wf, "pengesahan_pimpinan", HEAD, revisi)
    assert ready_ids(wf) == ["evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"]
    write_and_approve(wf)
    complete(
        wf,
        "pemantauan_tindak_lanjut",
        ADMIN,
        {"daftar_tindak_lanjut": tracked("selesai", "selesai"), "tindak_lanjut_selesai": True},
    )
    assert_closed(wf)
    assert reached(wf, "pengesahan_pimpinan") == 2
    assert reached(wf, "reviu_penanggung_jawab") == 2


def test_runtime_starts_by_the_start_message(model, runtime, clock):
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "EVA"
    outcome = runtime.start(model, start_data(), clock)
    assert outcome.failure is None, outcome.failure
    assert sorted(t.info.bpmn_id for t in outcome.ready) == [
        "evaluasi_pelayanan_pengguna",
        "evaluasi_pengoperasian",
    ]
    assert outcome.messages == []


def test_tasks_are_routed_to_their_lanes(model):
    data = start_data()
    for bpmn_id, lane in (
        ("evaluasi_pelayanan_pengguna", ADMIN),
        ("evaluasi_pengoperasian", INFRA),
        ("penyusunan_laporan", ADMIN),
        ("reviu_penanggung_jawab", OFFICIAL),
        ("pengesahan_pimpinan", HEAD),
        ("pemantauan_tindak_lanjut", ADMIN),
    ):
        route = route_for(model.user_tasks[bpmn_id], data, PEMOHON["username"])
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- forms


def form_properties(spec):
    return {
        name: task_spec.extensions["properties"]
        for name, task_spec in spec.task_specs.items()
        if (getattr(task_spec, "extensions", None) or {})
        .get("properties", {})
        .get("formJsonSchemaFilename")
    }


def test_forms_reject_invalid_submissions(spec):
    props = form_properties(spec)
    assert set(props) == {
        START_EVENT,
        "evaluasi_pelayanan_pengguna",
        "evaluasi_pengoperasian",
        "penyusunan_laporan",
        "reviu_penanggung_jawab",
        "pengesahan_pimpinan",
        "pemantauan_tindak_lanjut",
    }
    assert_invalid(props[START_EVENT], {"periode": "2026-S3"})
    assert_invalid(props[START_EVENT], {"periode": "2026"})
    assert_invalid(props[START_EVENT], {"perangkat_daerah": "BKPSDM"})

    pelayanan = props["evaluasi_pelayanan_pengguna"]
    missed = {k: v for k, v in bab(12, 11).items() if k != "analisis_hambatan"}
    assert_invalid(pelayanan, {**PELAYANAN, "bab_penanganan_gangguan": missed})
    assert_invalid(pelayanan, {"bab_permintaan_layanan": bab(12, 12)})
    assert_invalid(pelayanan, {**PELAYANAN, "bab_permintaan_layanan": bab(-1, 0)})
    pengoperasian = props["evaluasi_pengoperasian"]
    for chapter in PENGOPERASIAN:
        assert_invalid(pengoperasian, {k: v for k, v in PENGOPERASIAN.items() if k != chapter})
    no_follow_up = {k: v for k, v in bab(3, 3).items() if k != "tindak_lanjut_penyempurnaan"}
    assert_invalid(pengoperasian, {**PENGOPERASIAN, "bab_rilis_layanan": no_follow_up})

    laporan = props["penyusunan_laporan"]
    assert_invalid(laporan, {k: v for k, v in LAPORAN.items() if k != "daftar_tindak_lanjut"})
    assert_invalid(laporan, {**LAPORAN, "daftar_tindak_lanjut": []})
    sla = {k: v for k, v in LAPORAN["evaluasi_sla"].items() if k != "usulan_perubahan_sla"}
    assert_invalid(laporan, {**LAPORAN, "evaluasi_sla": sla})
    assert_invalid(laporan, {k: v for k, v in LAPORAN.items() if k != "evaluasi_sla"})
    bad_item = {**TINDAK_LANJUT[0], "bab": "keuangan"}
    assert_invalid(laporan, {**LAPORAN, "daftar_tindak_lanjut": [bad_item]})

    assert_invalid(props["reviu_penanggung_jawab"], {"keputusan_reviu": "revisi"})
    assert_invalid(props["reviu_penanggung_jawab"], {"keputusan_reviu": "disahkan"})
    assert_invalid(props["pengesahan_pimpinan"], {"keputusan_pengesahan": "revisi"})
    assert_invalid(props["pengesahan_pimpinan"], {"keputusan_pengesahan": "disetujui"})

    tindak_lanjut = props["pemantauan_tindak_lanjut"]
    # "All done" is refused while one follow-up is not done.
    assert_invalid(
        tindak_lanjut,
        {"daftar_tindak_lanjut": tracked("dalam_proses", "selesai"), "tindak_lanjut_selesai": True},
    )
    # A follow-up marked done needs its completion date.
    undated = [{**item, "status_tindak_lanjut": "selesai"} for item in TINDAK_LANJUT]
    assert_invalid(tindak_lanjut, {"daftar_tindak_lanjut": undated, "tindak_lanjut_selesai": True})
    assert_valid(
        tindak_lanjut,
        {"daftar_tindak_lanjut": tracked("belum", "belum"), "tindak_lanjut_selesai": False},
    )


def test_report_has_the_five_chapters_of_2_3(spec):
    props = form_properties(spec)
    chapters = set()
    for bpmn_id in ("evaluasi_pelayanan_pengguna", "evaluasi_pengoperasian"):
        schema = load_form(props[bpmn_id]["formJsonSchemaFilename"])
        for name, field in schema["properties"].items():
            assert set(field["required"]) >= {
                "jumlah_layanan",
                "jumlah_mencapai_target",
                "rekapitulasi",
                "tindak_lanjut_penyempurnaan",
            }
            assert "analisis_hambatan" in field["properties"]
            chapters.add(name)
    assert chapters == {
        "bab_permintaan_layanan",
        "bab_penanganan_gangguan",
        "bab_pemantauan_pemeliharaan",
        "bab_pemulihan_layanan",
        "bab_rilis_layanan",
    }


def test_start_form_and_no_sla_clock_fields(spec):
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    assert start_props["referencePrefix"] == "EVA"
    schema = load_form(start_props["formJsonSchemaFilename"])
    assert schema["required"] == ["periode"]
    assert not RUNTIME_START_VARIABLES & set(schema["properties"])
    for props in form_properties(spec).values():
        fields = set(load_form(props["formJsonSchemaFilename"])["properties"])
        assert not SLA_TRIGGERS & fields, props["formJsonSchemaFilename"]


def test_every_user_task_has_a_form(spec):
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 6
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(model):
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"evaluasi.bpmn"}
    assert model.start_form.schema_file == "evaluasi-mulai.schema.json"
    assert validate_model(model, KNOWN_ROLES) == []


def test_start_event_uses_the_model_id_as_message_name(tree):
    messages = {m.get("id"): m.get("name") for m in tree.findall("bpmn:message", NS)}
    process = tree.find("bpmn:process", NS)
    starts = {s.get("id"): s for s in process.findall("bpmn:startEvent", NS)}
    assert set(starts) == {START_EVENT, TIMER_START}
    [definition] = starts[START_EVENT].findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == MODEL_ID
    assert not starts[TIMER_START].findall("bpmn:messageEventDefinition", NS)


def test_the_timer_start_declares_the_evaluation_per_semester(model):
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P6M")
    # The message start stays for a start by hand.
    assert model.start_message == MODEL_ID


def test_a_start_by_the_scheduler_reaches_the_same_first_task(model, runtime, clock):
    by_message = runtime.start(model, start_data(), clock)
    by_timer = runtime.start(model, start_data(periode="2026-S1"), clock, by_timer=True)
    assert by_timer.failure is None, by_timer.failure
    assert by_timer.status == "running"
    assert sorted((t.info.bpmn_id, t.info.lane) for t in by_timer.ready) == sorted(
        (t.info.bpmn_id, t.info.lane) for t in by_message.ready
    )
    assert sorted(t.info.bpmn_id for t in by_timer.ready) == [
        "evaluasi_pelayanan_pengguna",
        "evaluasi_pengoperasian",
    ]


# --------------------------------------------------------------------------- diagram


def flow_nodes(tree):
    process = tree.find("bpmn:process", NS)
    return [el for el in process if etree.QName(el).localname in FLOW_NODE_TAGS]


def bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def overlaps(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def on_border(point, box):
    """Whether a waypoint lies on the border of a shape's bounding box."""
    (px, py), (x, y, w, h) = point, box
    inside = x <= px <= x + w and y <= py <= y + h
    return inside and (px in (x, x + w) or py in (y, y + h))


def plane_shapes(tree):
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    return {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}


def plane_edges(tree):
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    return {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}


def waypoints(edge):
    return [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]


def test_diagram_has_shape_for_every_node_and_edge_for_every_flow(tree):
    process = tree.find("bpmn:process", NS)
    assert process.get("id") == PROCESS_ID
    assert process.get("isExecutable") == "true"
    assert CITATION in process.find("bpmn:documentation", NS).text
    participants = tree.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == [PROCESS_ID]
    plane = tree.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == tree.find("bpmn:collaboration", NS).get("id")
    shapes = plane_shapes(tree)
    edges = plane_edges(tree)
    for node in flow_nodes(tree):
        assert node.get("id") in shapes, node.get("id")
        if etree.QName(node).localname == "exclusiveGateway":
            assert shapes[node.get("id")].get("isMarkerVisible") == "true"
    pool = bounds(shapes[participants[0].get("id")])
    for lane in process.findall("bpmn:laneSet/bpmn:lane", NS):
        assert shapes[lane.get("id")].get("isHorizontal") == "true"
        assert bounds(shapes[lane.get("id")])[0] == pool[0] + 30, lane.get("id")
    assert shapes[participants[0].get("id")].get("isHorizontal") == "true"
    for flow in process.findall("bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, flow.get("id")
        points = waypoints(edge)
        assert len(points) >= 2, flow.get("id")
        assert on_border(points[0], bounds(shapes[flow.get("sourceRef")])), flow.get("id")
        assert on_border(points[-1], bounds(shapes[flow.get("targetRef")])), flow.get("id")
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{flow.get('id')} is not orthogonal"
    for node in flow_nodes(tree):
        if node.get("name") and etree.QName(node).localname not in TASK_TAGS:
            assert shapes[node.get("id")].find("bpmndi:BPMNLabel", NS) is not None, node.get("id")
    for flow in process.findall("bpmn:sequenceFlow", NS):
        if flow.get("name"):
            assert edges[flow.get("id")].find("bpmndi:BPMNLabel", NS) is not None, flow.get("id")


def test_layout_has_no_overlaps_and_nodes_inside_their_lanes(tree):
    process = tree.find("bpmn:process", NS)
    shapes = {k: bounds(v) for k, v in plane_shapes(tree).items()}
    node_ids = [n.get("id") for n in flow_nodes(tree)]
    for a, b in combinations(node_ids, 2):
        assert not overlaps(shapes[a], shapes[b]), f"{a} overlaps {b}"
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


def test_labels_and_edges_keep_clear_of_unrelated_shapes(tree):
    """Tidy: no label over a shape or another label, no edge through an unrelated shape."""
    process = tree.find("bpmn:process", NS)
    node_ids = [n.get("id") for n in flow_nodes(tree)]
    shapes = plane_shapes(tree)
    boxes = {n: bounds(shapes[n]) for n in node_ids}
    labels = {}
    for element_id, element in [*shapes.items(), *plane_edges(tree).items()]:
        label = element.find("bpmndi:BPMNLabel", NS)
        if label is not None:
            labels[element_id] = bounds(label)
    for owner, box in labels.items():
        for node, node_box in boxes.items():
            assert not overlaps(box, node_box), f"label of {owner} covers {node}"
    for (a, box_a), (b, box_b) in combinations(labels.items(), 2):
        assert not overlaps(box_a, box_b), f"labels of {a} and {b} overlap"
    edges = plane_edges(tree)
    for flow in process.findall("bpmn:sequenceFlow", NS):
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        points = waypoints(edges[flow.get("id")])
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            segment = (min(x1, x2), min(y1, y2), abs(x2 - x1) or 0.5, abs(y2 - y1) or 0.5)
            for node, box in boxes.items():
                if node not in ends:
                    assert not overlaps(segment, box), f"{flow.get('id')} crosses {node}"
            for owner, box in labels.items():
                if owner != flow.get("id"):
                    assert not overlaps(segment, box), f"{flow.get('id')} crosses label of {owner}"


def test_flow_runs_left_to_right(tree):
    """Apart from the loops back to a merge, every flow ends right of where it starts."""
    process = tree.find("bpmn:process", NS)
    shapes = {k: bounds(v) for k, v in plane_shapes(tree).items()}
    flows = {f.get("id") for f in process.findall("bpmn:sequenceFlow", NS)}
    assert flows >= LOOPS
    for flow in process.findall("bpmn:sequenceFlow", NS):
        if flow.get("id") in LOOPS:
            continue
        sx, _, sw, _ = shapes[flow.get("sourceRef")]
        tx, _, tw, _ = shapes[flow.get("targetRef")]
        assert sx + sw / 2 < tx + tw / 2, flow.get("id")


def test_lane_names_are_known_roles(spec, tree):
    names = [lane.get("name") for lane in tree.findall("bpmn:process/bpmn:laneSet/bpmn:lane", NS)]
    assert names == LANE_NAMES
    for task_spec in spec.task_specs.values():
        if getattr(task_spec, "manual", False):
            assert task_spec.lane in KNOWN_ROLES


def test_tasks_and_events_cite_the_regulation(tree):
    for node in flow_nodes(tree):
        kind = etree.QName(node).localname
        if kind in TASK_TAGS or kind in ("startEvent", "intermediateThrowEvent"):
            doc = node.find("bpmn:documentation", NS)
            assert doc is not None, node.get("id")
            assert CITATION in doc.text, node.get("id")
            assert POLEWALI in doc.text, node.get("id")


def test_gateways_have_default_flows(tree):
    process = tree.find("bpmn:process", NS)
    flows = {f.get("id"): f for f in process.findall("bpmn:sequenceFlow", NS)}
    splits = 0
    for gw in process.findall("bpmn:exclusiveGateway", NS):
        outgoing = [f for f in flows.values() if f.get("sourceRef") == gw.get("id")]
        incoming = [f for f in flows.values() if f.get("targetRef") == gw.get("id")]
        if len(outgoing) > 1:
            splits += 1
            assert gw.get("name", "").endswith("?"), gw.get("id")
            default = gw.get("default")
            assert default in flows, gw.get("id")
            assert flows[default].get("sourceRef") == gw.get("id"), gw.get("id")
            assert flows[default].find("bpmn:conditionExpression", NS) is None
            for flow in outgoing:
                if flow.get("id") != default:
                    assert flow.find("bpmn:conditionExpression", NS) is not None, flow.get("id")
        else:
            assert len(incoming) > 1, f"{gw.get('id')} neither splits nor merges"
    assert splits == SPLIT_GATEWAYS
    # Loops go back into merge gateways, never into a task with two incoming flows.
    for node in flow_nodes(tree):
        if etree.QName(node).localname in TASK_TAGS:
            assert len(node.findall("bpmn:incoming", NS)) == 1, node.get("id")


def _check_restricted(code):
    for node in ast.walk(ast.parse(code)):
        assert not isinstance(node, (ast.Import, ast.ImportFrom)), code
        name = getattr(node, "attr", None) or getattr(node, "id", None)
        assert not (isinstance(name, str) and name.startswith("_")), code
        if isinstance(node, ast.Name):
            assert node.id not in {"open", "eval", "exec", "getattr", "compile", "globals"}, code


def test_conditions_and_payload_read_only_variables_set_before(tree):
    """Every name a condition or the payload reads comes from a form, a script or the runtime."""
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
    scripts = [s.text for s in process.findall("bpmn:scriptTask/bpmn:script", NS)]
    for script in scripts:
        _check_restricted(script)
        for node in ast.walk(ast.parse(script)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                known.add(node.id)
    expressions = [
        c.text for c in process.findall("bpmn:sequenceFlow/bpmn:conditionExpression", NS)
    ]
    assert len(expressions) == CONDITIONS
    expressions += [p.text for p in process.iterfind(".//spiffworkflow:messagePayload", NS)]
    for text in expressions:
        _check_restricted(text)
        expr = ast.parse(text, mode="eval")
        read = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)} - {"True", "False", "None"}
        assert read <= known, f"{text} reads {read - known}"
