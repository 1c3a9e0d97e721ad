"""Engine-only checks of processes/perencanaan.bpmn and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py). The procedure starts with a message start event
(`perencanaan`), which `Runtime.start` delivers for a start by hand. Beside it the timer
start event declares the yearly plan, which only the app's scheduler fires
(`Runtime.start(..., by_timer=True)`). Each kind of planning document (`jenis_dokumen`) is
drafted and approved by the roles Perbup Bangka 21/2025 names (2.1.2.2-2.1.2.5), with a
revision loop back to the draft: the Administrator Layanan drafts every document (the
infrastructure policy too, 2.1.2.3 angka 1-2), the Administrator Infrastruktur dan Aplikasi
fills in its own check of the service-needs list (2.1.2.2 angka 3), and the Pimpinan PD
adopts the service change plan (2.1.2.5).

A plan is about a PD unless it names a service: the app then adds `perangkat_daerah_info`
from the PD register (`resolve_scope`), which needs the database, so the harness leaves it
out; no script or expression of the diagram reads it.
"""

from datetime import UTC, datetime

import pytest
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.engine.routing import route_for
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file

MODEL_ID = "perencanaan"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "perencanaan"
START_EVENT = "mulai_perencanaan"
TIMER_START = "jadwal_perencanaan_tahunan"
CITATION = "Perbup Bangka 21/2025, 2.1"
POLEWALI = "Kepbup Polewali Mandar 685/2021, "

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
OFFICIAL = "Penanggung Jawab Penyedia Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
INFRA_OFFICIAL = "Penanggung Jawab Infrastruktur dan Aplikasi"
HEAD = "Pimpinan PD Penyedia Layanan"

# What the runtime may put into the instance data at start (besides the start form):
# `layanan_info` when a service is named, `perangkat_daerah_info` for a PD, and
# `nomor_referensi` because the start event has a `referencePrefix`.
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "perangkat_daerah_info",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
}
# Data keys that give an instance SLA clocks (app/services/deadlines/service_levels.py).
SLA_TRIGGERS = {"dampak", "urgensi", "jenis_permintaan"}

LOOPS = {
    "f_setujui_kebutuhan_revisi",
    "f_setujui_target_revisi",
    "f_setujui_perubahan_revisi",
    "f_setujui_kebijakan_revisi",
}
LANE_NAMES = [STARTER_LANE, ADMIN, INFRA, OFFICIAL, HEAD, INFRA_OFFICIAL]
SPLIT_GATEWAYS = 5
CONDITIONS = 7

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
STARTER = "pj.layanan"

MULAI = {
    "jenis_dokumen": "daftar_kebutuhan_layanan",
    "periode": "2027",
    "judul": "Daftar Kebutuhan Layanan Kepegawaian 2027",
    "perangkat_daerah": "BKPSDM",
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
PEMASTIAN = {
    "teknologi_sesuai": True,
    "kesesuaian_teknologi_pemeliharaan": "SIMPEG berbasis web di pusat data memenuhi kebutuhan.",
    "mekanisme_pemeliharaan": "Pemeliharaan bulanan dan pembaruan keamanan triwulanan.",
}
DISETUJUI = {"keputusan_persetujuan": "disetujui", "nomor_dokumen": "800/123/BKPSDM/2026"}
REVISI = {"keputusan_persetujuan": "revisi", "catatan_persetujuan": "Lengkapi uraian risiko."}

# --------------------------------------------------------------------------- helpers


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester=STARTER)


def start(procedure, jenis, extra):
    """Start a plan of kind `jenis`; `extra` adds to the start form."""
    return procedure.start({**MULAI, "jenis_dokumen": jenis, **extra})


def assert_adopted(run):
    assert run.completed
    assert run.reached("perencanaan_selesai") == 1
    assert run.data["status_perencanaan"] == "ditetapkan"
    assert run.data["keputusan_persetujuan"] == "disetujui"


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
    "rencana_perubahan": ("susun_perubahan", "setujui_perubahan", ADMIN, HEAD, PERUBAHAN, {}),
    "kebijakan_infrastruktur": (
        "susun_kebijakan",
        "setujui_kebijakan",
        ADMIN,
        INFRA_OFFICIAL,
        KEBIJAKAN,
        {},
    ),
}
#: Steps between the draft and its approval, by document: (task, lane, data).
CHECKS = {"daftar_kebutuhan_layanan": [("pastikan_teknologi", INFRA, PEMASTIAN)]}


def draft_and_check(run, jenis):
    """Complete the draft of `jenis` and the checks that follow it, each in its lane."""
    draft, _, drafter, _, data, _ = KINDS[jenis]
    run.complete(draft, drafter, data)
    for task, lane, check in CHECKS.get(jenis, []):
        assert run.ready_ids() == [task]
        run.complete(task, lane, check)


@pytest.mark.parametrize("jenis", sorted(KINDS))
def test_each_document_is_drafted_and_approved_by_its_roles(procedure, jenis):
    draft, approval, _, approver, _, extra = KINDS[jenis]
    run = start(procedure, jenis, extra)
    assert run.ready_ids() == [draft]
    draft_and_check(run, jenis)
    assert run.ready_ids() == [approval]
    run.complete(approval, approver, DISETUJUI)
    assert_adopted(run)
    others = {d for d, *_ in KINDS.values()} - {draft}
    assert not any(run.reached(other) for other in others)


@pytest.mark.parametrize("jenis", sorted(KINDS))
def test_revision_goes_back_to_the_draft_with_the_note(procedure, jenis):
    draft, approval, _, approver, _, extra = KINDS[jenis]
    run = start(procedure, jenis, extra)
    draft_and_check(run, jenis)
    run.complete(approval, approver, REVISI)
    assert not run.completed
    assert run.ready_ids() == [draft]
    assert run.task(draft).data["catatan_persetujuan"] == REVISI["catatan_persetujuan"]
    draft_and_check(run, jenis)
    run.complete(approval, approver, DISETUJUI)
    assert_adopted(run)
    assert run.reached(draft) == 2
    assert run.reached(approval) == 2


def test_the_start_waits_for_its_message(procedure):
    assert procedure.model.spec.task_specs[START_EVENT].lane == STARTER_LANE
    wf = procedure.unstarted(procedure.start_data(MULAI))
    assert not wf.get_tasks(state=TaskState.READY, manual=True), (
        "the message start event must wait for its message"
    )
    waiting = wf.get_tasks(state=TaskState.WAITING)
    # The timer start waits too: only the scheduler fires it.
    assert sorted(w.task_spec.bpmn_id for w in waiting) == sorted([START_EVENT, TIMER_START])
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition("evaluasi"), {}))


def test_runtime_starts_by_the_start_message(procedure):
    model = procedure.model
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "REN"
    run = start(procedure, "kebijakan_infrastruktur", {})
    assert run.ready_ids() == ["susun_kebijakan"]
    run.complete("susun_kebijakan", ADMIN, KEBIJAKAN)
    assert run.ready_ids() == ["setujui_kebijakan"]
    run.complete("setujui_kebijakan", INFRA_OFFICIAL, DISETUJUI)
    assert run.status == "complete"
    assert run.data["status_perencanaan"] == "ditetapkan"
    assert run.thrown() == []


def test_tasks_are_routed_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(MULAI)
    routes = [(draft, drafter) for draft, _, drafter, *_ in KINDS.values()]
    routes += [(approval, approver) for _, approval, _, approver, *_ in KINDS.values()]
    routes += [(task, lane) for checks in CHECKS.values() for task, lane, _ in checks]
    for bpmn_id, lane in routes:
        route = route_for(model.user_tasks[bpmn_id], data, STARTER)
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


def test_the_roles_are_those_the_regulation_names(procedure):
    """Perbup Bangka 21/2025: the infrastructure policy is drafted by the Administrator
    Layanan (2.1.2.3 angka 1-2), the infrastructure administrator fills in its own check
    of the service needs (2.1.2.2 angka 3), the Pimpinan PD adopts the change plan
    (2.1.2.5)."""
    user_tasks = procedure.model.user_tasks
    lanes = {bpmn_id: user_tasks[bpmn_id].lane for bpmn_id in user_tasks}
    assert lanes["susun_kebijakan"] == ADMIN
    assert lanes["pastikan_teknologi"] == INFRA
    assert lanes["setujui_perubahan"] == HEAD
    kebutuhan = load_form(user_tasks["susun_kebutuhan"].form.schema_file)
    pemastian = load_form(user_tasks["pastikan_teknologi"].form.schema_file)
    assert "kesesuaian_teknologi_pemeliharaan" not in kebutuhan["properties"]
    assert "kesesuaian_teknologi_pemeliharaan" in pemastian["required"]


# --------------------------------------------------------------------------- forms


def form_properties(spec):
    return {
        name: task_spec.extensions["properties"]
        for name, task_spec in spec.task_specs.items()
        if (getattr(task_spec, "extensions", None) or {})
        .get("properties", {})
        .get("formJsonSchemaFilename")
    }


def test_forms_reject_invalid_submissions(procedure):
    spec = procedure.model.spec
    props = form_properties(spec)
    checks = {task for tasks in CHECKS.values() for task, *_ in tasks}
    assert (
        set(props)
        == {START_EVENT}
        | {d for d, *_ in KINDS.values()}
        | {a for _, a, *_ in KINDS.values()}
        | checks
    )
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

    pemastian = props["pastikan_teknologi"]
    for field in PEMASTIAN:
        assert_invalid(pemastian, {k: v for k, v in PEMASTIAN.items() if k != field})
    assert_invalid(pemastian, {**PEMASTIAN, "teknologi_sesuai": "ya"})

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


def test_start_form_and_no_sla_clock_fields(procedure):
    spec = procedure.model.spec
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    assert start_props["referencePrefix"] == "REN"
    schema = load_form(start_props["formJsonSchemaFilename"])
    assert set(schema["properties"]["jenis_dokumen"]["enum"]) == set(KINDS)
    assert schema["properties"]["layanan"]["type"] == "string"
    assert set(procedure.start_data(MULAI)) - set(MULAI) <= RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(schema["properties"])
    for props in form_properties(spec).values():
        fields = set(load_form(props["formJsonSchemaFilename"])["properties"])
        assert not SLA_TRIGGERS & fields, props["formJsonSchemaFilename"]


def test_operation_target_form_has_the_attributes_of_2_1_2_4(procedure):
    spec = procedure.model.spec
    schema = load_form(form_properties(spec)["susun_target"]["formJsonSchemaFilename"])
    assert schema["properties"]["klasifikasi_layanan"]["enum"] == ["Kritis", "Esensial", "Normal"]
    assert {"target_ketersediaan_persen", "rpo_jam", "rto_jam"} <= set(schema["properties"])


def test_every_user_task_has_a_form(procedure):
    spec = procedure.model.spec
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 9
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"perencanaan.bpmn"}
    assert model.start_form.schema_file == "perencanaan-mulai.schema.json"
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_the_timer_start_declares_the_yearly_plan(procedure):
    model = procedure.model
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P1Y")
    # The message start stays for a start by hand.
    assert model.start_message == MODEL_ID


def test_a_start_by_the_scheduler_reaches_the_same_first_task(procedure):
    by_message = procedure.start(MULAI)
    by_timer = procedure.start({**MULAI, "periode": "2026"}, by_timer=True)
    assert by_timer.status == "running"
    assert sorted((t.info.bpmn_id, t.info.lane) for t in by_timer.ready) == sorted(
        (t.info.bpmn_id, t.info.lane) for t in by_message.ready
    )
    assert sorted(t.info.bpmn_id for t in by_timer.ready) == ["susun_kebutuhan"]


# --------------------------------------------------------------------------- diagram


def test_the_yearly_default_says_where_it_is_the_products_and_names_its_setting():
    """Polewali III.4.a.3) asks for the availability plan at least yearly; for the other
    documents Bangka 2.1 says only "berkala", so the yearly default is a product addition
    there (issue 11, item 9), and each PD's schedule sets its own cycle."""
    shipped = diagram.load(BPMN_FILE)
    [timer] = [n for n in shipped.cited_nodes() if n.get("id") == TIMER_START]
    documentation = shipped.documentation(timer)
    assert "tambahan produk (bukan ketentuan regulasi)" in documentation
    assert "/api/v1/schedules" in documentation


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
