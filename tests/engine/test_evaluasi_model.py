"""Engine-only checks of processes/evaluasi.bpmn and its forms.

No Flask and no database. The procedure starts with a message start event (`evaluasi`): the
start data are put into the workflow and the start message is delivered, as `Runtime.start`
does for a start by hand. Beside it the timer start event declares the evaluation per
semester, which only the app's scheduler fires (`Runtime.start(..., by_timer=True)`,
app/engine/timer_start.py). The report is written in five chapters, reviewed, adopted, and
its follow-ups tracked until all are done.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
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
from app.services.process_models.deploy import bundle_from_directory
from tests.engine import diagram
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "evaluasi.bpmn"
FORMS_DIR = ROOT / "forms"
PROCESS_ID = "evaluasi"
MODEL_ID = "evaluasi"
START_EVENT = "mulai_evaluasi"
TIMER_START = "jadwal_evaluasi_semesteran"
CITATION = "Perbup Bangka 21/2025, 2.3"
POLEWALI = "Kepbup Polewali Mandar 685/2021, III."

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
OFFICIAL = "Penanggung Jawab Penyedia Layanan"
HEAD = "Pimpinan PD Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form).
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan"}
# Data keys that give an instance SLA clocks (app/services/deadlines/service_levels.py).
SLA_TRIGGERS = {"dampak", "urgensi", "jenis_permintaan", "layanan"}

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
    assert validate_model(model, diagram.KNOWN_ROLES) == []


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


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == LANE_NAMES
    assert len(shipped.split_gateways()) == SPLIT_GATEWAYS
    assert len(shipped.conditions()) == CONDITIONS
    assert shipped.loops() == LOOPS
    starts = {start.get("id") for start in shipped.of_kind("startEvent")}
    assert starts == {START_EVENT, TIMER_START}
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert POLEWALI in shipped.documentation(node), node.get("id")
