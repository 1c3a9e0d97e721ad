"""Engine-only checks of processes/perencanaan.bpmn and its forms.

No Flask and no database. The procedure starts with a message start event (`perencanaan`):
the start data are put into the workflow and the start message is delivered, as
`Runtime.start` does for a start by hand. Beside it the timer start event declares the
yearly plan, which only the app's scheduler fires (`Runtime.start(..., by_timer=True)`).
Each kind of planning document (`jenis_dokumen`) is drafted and approved by its own roles,
with a revision loop back to the draft.
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
BPMN_FILE = ROOT / "processes" / "perencanaan.bpmn"
FORMS_DIR = ROOT / "forms"
PROCESS_ID = "perencanaan"
MODEL_ID = "perencanaan"
START_EVENT = "mulai_perencanaan"
TIMER_START = "jadwal_perencanaan_tahunan"
CITATION = "Perbup Bangka 21/2025, 2.1"
POLEWALI = "Kepbup Polewali Mandar 685/2021, "

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
OFFICIAL = "Penanggung Jawab Penyedia Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
INFRA_OFFICIAL = "Penanggung Jawab Infrastruktur dan Aplikasi"

# What the runtime puts into the instance data at start (besides the start form).
RUNTIME_START_VARIABLES = {"layanan_info", "pemohon", "waktu_permintaan"}
# Data keys that give an instance SLA clocks (app/services/deadlines/service_levels.py).
SLA_TRIGGERS = {"dampak", "urgensi", "jenis_permintaan"}

LOOPS = {
    "f_setujui_kebutuhan_revisi",
    "f_setujui_target_revisi",
    "f_setujui_perubahan_revisi",
    "f_setujui_kebijakan_revisi",
}
LANE_NAMES = [STARTER_LANE, ADMIN, OFFICIAL, INFRA, INFRA_OFFICIAL]
SPLIT_GATEWAYS = 5
CONDITIONS = 7

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
PEMOHON = {"username": "kabid.layanan", "nama": "Rahmat Hidayat"}

MULAI = {
    "jenis_dokumen": "daftar_kebutuhan_layanan",
    "periode": "2027",
    "judul": "Daftar Kebutuhan Layanan Kepegawaian 2027",
    "perangkat_daerah": "BKPSDM",
}
LAYANAN_INFO = {
    "kode": "SIMPEG",
    "nama": "Sistem Informasi Manajemen Kepegawaian",
    "pd": "BKPSDM",
    "kelompok": "Administrasi Pemerintahan",
    "klasifikasi": "Kritis",
}
KEBUTUHAN = {
    "analisis_kebutuhan": "Proses kenaikan pangkat dan mutasi memerlukan data riwayat yang utuh.",
    "hubungan_antar_aktivitas": "Usulan, verifikasi, persetujuan dan penerbitan SK berurutan.",
    "daftar_kebutuhan_layanan": [
        {
            "nama_kebutuhan": "Usulan kenaikan pangkat daring",
            "proses_bisnis": "Kenaikan pangkat",
            "uraian": "Pegawai mengunggah berkas; verifikator memeriksa.",
            "prioritas_kebutuhan": "tinggi",
        }
    ],
    "desain_layanan": "Layanan swalayan pegawai dengan verifikasi berjenjang.",
    "teknologi_layanan": "Aplikasi web SIMPEG dan tanda tangan elektronik.",
    "proses_bisnis_layanan": "Usulan, verifikasi, persetujuan, penerbitan SK elektronik.",
    "mekanisme_evaluasi": "Survei kepuasan semesteran dan rekap waktu layanan.",
}
TARGET = {
    "klasifikasi_layanan": "Kritis",
    "target_ketersediaan_persen": 99.5,
    "rpo_jam": 24,
    "rto_jam": 4,
    "drp_tersedia": True,
    "prosedur_pemeliharaan": "Pemeliharaan bulanan pada Sabtu pertama pukul 22.00-24.00 WIB.",
}
PERUBAHAN = {
    "jenis_perubahan": "transfer",
    "layanan": "SIMPEG",
    "pd_tujuan_transfer": "Dinas Komunikasi dan Informatika",
    "dasar_perubahan": "kebutuhan_penyedia",
    "faktor_perubahan": "internal",
    "uraian_perubahan": "Pengelolaan server SIMPEG dipindahkan ke pusat data Diskominfo.",
    "strategi_perubahan": "Migrasi bertahap dengan masa paralel dua minggu.",
    "analisis_dampak": "Layanan tidak tersedia 2 jam saat pemindahan; pengguna diberi tahu.",
    "identifikasi_risiko": "Kehilangan data saat migrasi; mitigasi cadangan penuh.",
    "pengendalian_mutu": "Uji fungsi utama setelah migrasi.",
    "informasi_kepada_pengguna": "Pengumuman di SIMPEG dan surat edaran satu minggu sebelumnya.",
    "rencana_waktu_perubahan": "2027-02-06",
}
KEBIJAKAN = {
    "ruang_lingkup_infrastruktur": ["pusat_data", "jaringan_intra"],
    "usulan_kebijakan": "Seluruh layanan PD ditempatkan di pusat data kabupaten.",
    "rencana_pendayagunaan": "Konsolidasi server PD ke pusat data dalam dua tahun.",
    "rencana_pemeliharaan": "Pemeliharaan preventif triwulanan perangkat pusat data.",
    "jadwal_pemeliharaan": "Sabtu pertama setiap triwulan.",
}
DISETUJUI = {"keputusan_persetujuan": "disetujui", "nomor_dokumen": "800/123/BKPSDM/2026"}
REVISI = {"keputusan_persetujuan": "revisi", "catatan_persetujuan": "Lengkapi uraian risiko."}

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


def assert_adopted(wf):
    assert wf.is_completed()
    assert reached(wf, "perencanaan_selesai") == 1
    assert wf.data["status_perencanaan"] == "ditetapkan"
    assert wf.data["keputusan_persetujuan"] == "disetujui"


# --------------------------------------------------------------------------- paths

KINDS = {
    # jenis_dokumen: (draft, approval, drafting lane, approving lane, draft data, start data)
    "daftar_kebutuhan_layanan": (
        "susun_kebutuhan",
        "setujui_kebutuhan",
        ADMIN,
        OFFICIAL,
        KEBUTUHAN,
        {},
    ),
    "target_operasional": (
        "susun_target",
        "setujui_target",
        ADMIN,
        OFFICIAL,
        TARGET,
        {"layanan": "SIMPEG"},
    ),
    "rencana_perubahan": ("susun_perubahan", "setujui_perubahan", ADMIN, OFFICIAL, PERUBAHAN, {}),
    "kebijakan_infrastruktur": (
        "susun_kebijakan",
        "setujui_kebijakan",
        INFRA,
        INFRA_OFFICIAL,
        KEBIJAKAN,
        {},
    ),
}


@pytest.mark.parametrize("jenis", sorted(KINDS))
def test_each_document_is_drafted_and_approved_by_its_roles(parser, spec, jenis):
    draft, approval, drafter, approver, data, extra = KINDS[jenis]
    wf = start(parser, spec, jenis_dokumen=jenis, **extra)
    assert ready_ids(wf) == [draft]
    complete(wf, draft, drafter, data)
    assert ready_ids(wf) == [approval]
    complete(wf, approval, approver, DISETUJUI)
    assert_adopted(wf)
    others = {d for d, *_ in KINDS.values()} - {draft}
    assert not any(reached(wf, other) for other in others)


@pytest.mark.parametrize("jenis", sorted(KINDS))
def test_revision_goes_back_to_the_draft_with_the_note(parser, spec, jenis):
    draft, approval, drafter, approver, data, extra = KINDS[jenis]
    wf = start(parser, spec, jenis_dokumen=jenis, **extra)
    complete(wf, draft, drafter, data)
    complete(wf, approval, approver, REVISI)
    assert not wf.is_completed()
    [again] = ready_user_tasks(wf)
    assert again.task_spec.bpmn_id == draft
    assert again.data["catatan_persetujuan"] == REVISI["catatan_persetujuan"]
    complete(wf, draft, drafter, data)
    complete(wf, approval, approver, DISETUJUI)
    assert_adopted(wf)
    assert reached(wf, draft) == 2
    assert reached(wf, approval) == 2


def test_runtime_starts_by_the_start_message(model, runtime, clock):
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "REN"
    outcome = runtime.start(model, start_data(jenis_dokumen="kebijakan_infrastruktur"), clock)
    assert outcome.failure is None, outcome.failure
    [task] = outcome.ready
    assert task.info.bpmn_id == "susun_kebijakan"
    outcome = runtime.complete(model, outcome.state, task.id, KEBIJAKAN, clock)
    [task] = outcome.ready
    outcome = runtime.complete(model, outcome.state, task.id, DISETUJUI, clock)
    assert outcome.failure is None, outcome.failure
    assert outcome.status == "complete"
    assert outcome.data["status_perencanaan"] == "ditetapkan"
    assert outcome.messages == []


def test_tasks_are_routed_to_their_lanes(model):
    data = start_data()
    for draft, approval, drafter, approver, *_ in KINDS.values():
        for bpmn_id, lane in ((draft, drafter), (approval, approver)):
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
    assert set(props) == {START_EVENT} | {d for d, *_ in KINDS.values()} | {
        a for _, a, *_ in KINDS.values()
    }
    start_form = props[START_EVENT]
    assert_invalid(start_form, {**MULAI, "jenis_dokumen": "rencana_strategis"})
    assert_invalid(start_form, {**MULAI, "periode": "27"})
    assert_invalid(start_form, {**MULAI, "jenis_dokumen": "target_operasional"})
    assert_valid(start_form, {**MULAI, "jenis_dokumen": "target_operasional", "layanan": "SIMPEG"})
    for field in ("jenis_dokumen", "periode", "judul"):
        assert_invalid(start_form, {k: v for k, v in MULAI.items() if k != field})

    kebutuhan = props["susun_kebutuhan"]
    assert_invalid(kebutuhan, {**KEBUTUHAN, "daftar_kebutuhan_layanan": []})
    assert_invalid(kebutuhan, {k: v for k, v in KEBUTUHAN.items() if k != "mekanisme_evaluasi"})

    target = props["susun_target"]
    for field in ("rpo_jam", "rto_jam", "drp_tersedia"):
        assert_invalid(target, {k: v for k, v in TARGET.items() if k != field})
    esensial = {k: v for k, v in TARGET.items() if k not in ("rpo_jam", "rto_jam", "drp_tersedia")}
    assert_valid(target, {**esensial, "klasifikasi_layanan": "Esensial"})
    assert_invalid(target, {**TARGET, "klasifikasi_layanan": "Penting"})
    assert_invalid(target, {**TARGET, "target_ketersediaan_persen": 101})

    perubahan = props["susun_perubahan"]
    assert_invalid(perubahan, {k: v for k, v in PERUBAHAN.items() if k != "pd_tujuan_transfer"})
    assert_invalid(perubahan, {k: v for k, v in PERUBAHAN.items() if k != "layanan"})
    tambah = {k: v for k, v in PERUBAHAN.items() if k not in ("layanan", "pd_tujuan_transfer")}
    assert_invalid(perubahan, {**tambah, "jenis_perubahan": "penambahan"})
    assert_valid(
        perubahan,
        {**tambah, "jenis_perubahan": "penambahan", "nama_layanan_baru": "Layanan Cuti Daring"},
    )
    assert_invalid(perubahan, {**PERUBAHAN, "jenis_perubahan": "penggabungan"})
    assert_invalid(perubahan, {**PERUBAHAN, "rencana_waktu_perubahan": "6 Februari 2027"})

    kebijakan = props["susun_kebijakan"]
    assert_invalid(kebijakan, {**KEBIJAKAN, "ruang_lingkup_infrastruktur": []})
    assert_invalid(kebijakan, {**KEBIJAKAN, "ruang_lingkup_infrastruktur": ["gedung"]})

    for approval in (
        "setujui_kebutuhan",
        "setujui_target",
        "setujui_perubahan",
        "setujui_kebijakan",
    ):
        assert_invalid(props[approval], {"keputusan_persetujuan": "revisi"})
        assert_invalid(props[approval], {"keputusan_persetujuan": "ditolak"})
        assert_valid(props[approval], REVISI)


def test_start_form_and_no_sla_clock_fields(spec):
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    assert start_props["referencePrefix"] == "REN"
    schema = load_form(start_props["formJsonSchemaFilename"])
    assert set(schema["properties"]["jenis_dokumen"]["enum"]) == set(KINDS)
    assert schema["properties"]["layanan"]["type"] == "string"
    assert not RUNTIME_START_VARIABLES & set(schema["properties"])
    for props in form_properties(spec).values():
        fields = set(load_form(props["formJsonSchemaFilename"])["properties"])
        assert not SLA_TRIGGERS & fields, props["formJsonSchemaFilename"]


def test_operation_target_form_has_the_attributes_of_2_1_2_4(spec):
    schema = load_form(form_properties(spec)["susun_target"]["formJsonSchemaFilename"])
    assert schema["properties"]["klasifikasi_layanan"]["enum"] == ["Kritis", "Esensial", "Normal"]
    assert {"target_ketersediaan_persen", "rpo_jam", "rto_jam"} <= set(schema["properties"])


def test_every_user_task_has_a_form(spec):
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 8
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(model):
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"perencanaan.bpmn"}
    assert model.start_form.schema_file == "perencanaan-mulai.schema.json"
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_the_timer_start_declares_the_yearly_plan(model):
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P1Y")
    # The message start stays for a start by hand.
    assert model.start_message == MODEL_ID


def test_a_start_by_the_scheduler_reaches_the_same_first_task(model, runtime, clock):
    by_message = runtime.start(model, start_data(), clock)
    by_timer = runtime.start(model, start_data(periode="2026"), clock, by_timer=True)
    assert by_timer.failure is None, by_timer.failure
    assert by_timer.status == "running"
    assert sorted((t.info.bpmn_id, t.info.lane) for t in by_timer.ready) == sorted(
        (t.info.bpmn_id, t.info.lane) for t in by_message.ready
    )
    assert sorted(t.info.bpmn_id for t in by_timer.ready) == ["susun_kebutuhan"]


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
