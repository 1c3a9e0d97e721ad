"""Engine-only checks of processes/pemantauan-pemeliharaan.bpmn and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py). The procedure starts with a message start event
(`pemantauan-pemeliharaan`), which `Runtime.start` delivers for a start by hand. Beside it
the timer start event declares the monthly report, which only the app's scheduler fires
(`Runtime.start(..., by_timer=True)`, app/engine/timer_start.py). An anomaly throws the
message `penanganan-aduan`; the engine only reports it (`Outcome.messages`): the app
delivers it. As Tabel 8 (Perbup Bangka 21/2025, 2.2.2.1) gives each step to both the
Penyedia Layanan (no. 1) and the Pengelola Infrastruktur dan Aplikasi (no. 2), both handle
an anomaly and both analyse the results, each on their own task, in parallel.
"""

import ast
import json
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.engine.routing import route_for
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.diagram import FORMS_DIR, NS
from tests.engine.forms_check import assert_invalid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file

MODEL_ID = "pemantauan-pemeliharaan"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "pemantauan_pemeliharaan"
START_EVENT = "mulai_pemantauan"
TIMER_START = "jadwal_pemantauan_bulanan"
CITATION = "Perbup Bangka 21/2025, 2.2.2.1"
POLEWALI = "Kepbup Polewali Mandar 685/2021, III."
COMPLAINT_MESSAGE = "penanganan-aduan"
COMPLAINT_START_FORM = FORMS_DIR / "penanganan-aduan-pelaporan.schema.json"

STARTER_LANE = "Pemohon"
PROVIDER = "Penyedia Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
OFFICIAL = "Penanggung Jawab Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form);
# `nomor_referensi` because the start event has a `referencePrefix`, `pengaturan` because
# the process declares a setting (`setting:reviu_laporan`).
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
    "pengaturan",
}
# Data keys that give an instance SLA clocks (app/services/deadlines/service_levels.py):
# a monitoring period must not carry them, or the app would time it like a complaint or a request.
SLA_TRIGGERS = {"dampak", "urgensi", "jenis_permintaan"}

LOOPS = {"f_reviu_revisi"}
LANE_NAMES = [STARTER_LANE, PROVIDER, INFRA, OFFICIAL]
SPLIT_GATEWAYS = 3
CONDITIONS = 3

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
STARTER = "penyedia"

MULAI = {"layanan": "SIMPEG", "periode": "2026-11"}
PEMANTAUAN_LAYANAN = {
    "alat_pemantauan": "Zabbix",
    "keberlanjutan_infrastruktur": "Server aplikasi dan basis data berjalan di pusat data utama.",
    "proses_bisnis": "Transaksi usulan kenaikan pangkat berjalan normal.",
    "keamanan_informasi": "Tidak ada peringatan keamanan.",
    "anomali_layanan": False,
}
PEMANTAUAN_INFRA = {
    "utilisasi_cpu_persen": 62.5,
    "utilisasi_ram_persen": 71,
    "utilisasi_penyimpanan_persen": 58,
    "utilisasi_bandwidth_persen": 35,
    "ambang_batas_persen": 80,
    "komponen_melewati_ambang": [],
    "waktu_henti_menit": 25,
    "anomali_infrastruktur": False,
}
ANOMALI_INFRA = {
    **PEMANTAUAN_INFRA,
    "utilisasi_ram_persen": 93,
    "komponen_melewati_ambang": ["db-simpeg"],
    "anomali_infrastruktur": True,
    "uraian_anomali_infrastruktur": "RAM db-simpeg 93% sejak 28 November, di atas ambang 80%.",
}
ANALISIS_LAYANAN = {
    "analisis_hasil_pemantauan_layanan": "Ketersediaan 99,94% di atas target; proses normal.",
    "rekomendasi_layanan": "Umumkan jadwal pembaruan satu hari sebelumnya.",
}
PENANGANAN_INFRA = {
    "penanganan_teknis": "Batas memori basis data dinaikkan dan kueri berat dioptimalkan.",
    "komponen_ditangani": ["db-simpeg"],
    "hasil_penanganan_teknis": "RAM turun ke 68%; pemantauan diperketat satu minggu.",
}
ANALISIS = {
    "analisis_hasil_pemantauan": "Utilisasi stabil di bawah ambang; waktu henti karena pembaruan.",
    "rekomendasi_tuning": "Tambah indeks pada tabel riwayat jabatan.",
}
PENANGANAN = {
    "penanganan_awal": "Cache kueri dibersihkan dan layanan basis data dijalankan ulang.",
    "judul_aduan": "RAM basis data SIMPEG melewati ambang batas",
    "kategori_gangguan": "server",
    "gejala_gangguan": "Utilisasi RAM db-simpeg 93% sejak 28 November; waktu respons naik 3x.",
    "dampak_gangguan": "Minor",
    "komponen_terdampak": ["db-simpeg"],
    "nip_nik": "198703122010011002",
    "instansi": "Dinas Komunikasi dan Informatika",
    "telepon": "081234567890",
}
LAPORAN = {
    **MULAI,
    "utilisasi_cpu_persen": 62.5,
    "utilisasi_ram_persen": 71,
    "utilisasi_penyimpanan_persen": 58,
    "utilisasi_bandwidth_persen": 35,
    "target_ketersediaan_persen": 99.5,
    "ketersediaan_tercapai_persen": 99.94,
    "target_ketersediaan_tercapai": True,
    "tren_ketersediaan": "stabil",
    "rencana_pemeliharaan_perangkat": "Penggantian disk server cadangan pada 12 Desember.",
    "perlu_peningkatan_kapasitas": False,
}
LAPORAN_TIDAK_TERCAPAI = {
    **LAPORAN,
    "ketersediaan_tercapai_persen": 98.2,
    "target_ketersediaan_tercapai": False,
    "tren_ketersediaan": "menurun",
    "penyebab_tidak_tercapai": "Basis data kehabisan memori dua kali pada akhir bulan.",
    "perlu_peningkatan_kapasitas": True,
    "rencana_peningkatan_kapasitas": "Penambahan RAM server basis data dari 32 GB ke 64 GB.",
}
DISETUJUI = {"keputusan_laporan": "disetujui"}
REVISI = {"keputusan_laporan": "revisi", "catatan_reviu": "Lengkapi penyebab waktu henti 25 menit."}


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester=STARTER, parallel=True)


def monitor(run, layanan=PEMANTAUAN_LAYANAN, infra=PEMANTAUAN_INFRA):
    assert run.ready_ids() == ["pemantauan_infrastruktur", "pemantauan_layanan"]
    run.complete("pemantauan_layanan", PROVIDER, layanan)
    assert run.ready_ids() == ["pemantauan_infrastruktur"]
    run.complete("pemantauan_infrastruktur", INFRA, infra)


def analyse(run):
    """No anomaly: both analyse, in parallel (Tabel 8 no. 1 angka 3, no. 2 angka 3)."""
    assert run.ready_ids() == ["analisis_pemantauan", "analisis_pemantauan_layanan"]
    run.complete("analisis_pemantauan_layanan", PROVIDER, ANALISIS_LAYANAN)
    assert run.ready_ids() == ["analisis_pemantauan"]
    run.complete("analisis_pemantauan", INFRA, ANALISIS)


def handle(run, penanganan=PENANGANAN):
    """An anomaly: both handle it, in parallel (Tabel 8 no. 1 angka 2, no. 2 angka 2)."""
    assert run.ready_ids() == ["penanganan_anomali", "penanganan_anomali_infrastruktur"]
    run.complete("penanganan_anomali", PROVIDER, penanganan)
    assert run.ready_ids() == ["penanganan_anomali_infrastruktur"]
    run.complete("penanganan_anomali_infrastruktur", INFRA, PENANGANAN_INFRA)


def assert_closed(run):
    assert run.completed
    assert run.reached("pemantauan_selesai") == 1
    assert run.data["status_pemantauan"] == "selesai"
    assert run.data["keputusan_laporan"] == "disetujui"


# --------------------------------------------------------------------------- paths


def test_run_without_anomaly_analyses_and_reports(procedure):
    run = procedure.start(MULAI)
    monitor(run)
    analyse(run)
    # The utilisation measured by the infrastructure administrator prefills the report.
    assert run.ready_ids() == ["laporan_ketersediaan"]
    report = run.task("laporan_ketersediaan")
    assert report.data["utilisasi_ram_persen"] == 71
    assert report.data["ada_anomali"] is False
    assert report.data["analisis_hasil_pemantauan_layanan"].startswith("Ketersediaan")
    assert report.data["analisis_hasil_pemantauan"].startswith("Utilisasi")
    run.complete("laporan_ketersediaan", PROVIDER, LAPORAN)
    run.complete("reviu_laporan", OFFICIAL, DISETUJUI)
    assert_closed(run)
    assert not run.reached("penanganan_anomali")
    assert not run.reached("penanganan_anomali_infrastruktur")
    assert not run.reached("ajukan_aduan")
    assert run.thrown() == []


def test_anomaly_starts_a_complaint_without_waiting(procedure):
    run = procedure.start(MULAI)
    monitor(run, infra=ANOMALI_INFRA)
    handle(run)
    # The throw ran and the flow went on to the report: nothing waits for the complaint.
    assert run.reached("ajukan_aduan") == 1
    assert run.ready_ids() == ["laporan_ketersediaan"]
    assert run.task("laporan_ketersediaan").data["hasil_penanganan_teknis"].startswith("RAM")
    assert "ajukan_aduan" not in run.waiting_ids()
    [(name, payload)] = run.thrown()
    assert name == COMPLAINT_MESSAGE
    assert payload == {
        "layanan": "SIMPEG",
        "judul": PENANGANAN["judul_aduan"],
        "metode_pelaporan": "web",
        "kategori": "server",
        "gejala": PENANGANAN["gejala_gangguan"],
        "dampak": "Minor",
        "nip_nik": PENANGANAN["nip_nik"],
        "instansi": PENANGANAN["instansi"],
        "telepon": PENANGANAN["telepon"],
        "komponen_konfigurasi": ["db-simpeg"],
    }
    complaint_form = json.loads(COMPLAINT_START_FORM.read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(complaint_form).iter_errors(payload))
    assert not errors, [e.message for e in errors]
    run.complete("laporan_ketersediaan", PROVIDER, LAPORAN_TIDAK_TERCAPAI)
    run.complete("reviu_laporan", OFFICIAL, DISETUJUI)
    assert_closed(run)
    assert not run.reached("analisis_pemantauan")
    assert not run.reached("analisis_pemantauan_layanan")
    # Computed, not typed (issue 14, item 6): with no records behind the model run,
    # `ketersediaan_layanan` measures nothing and the typed False is replaced.
    assert run.data["ketersediaan"]["tercapai"] is None
    assert run.data["target_ketersediaan_tercapai"] is None


def test_an_anomaly_seen_by_the_provider_alone_is_handled(procedure):
    run = procedure.start(MULAI)
    monitor(
        run,
        layanan={
            **PEMANTAUAN_LAYANAN,
            "anomali_layanan": True,
            "uraian_anomali_layanan": "Peringatan gagal masuk beruntun dari satu alamat IP.",
        },
    )
    assert run.task("penanganan_anomali").data["ada_anomali"] is True
    handle(run, {**PENANGANAN, "kategori_gangguan": "keamanan"})
    [(name, payload)] = run.thrown()
    assert (name, payload["kategori"]) == (COMPLAINT_MESSAGE, "keamanan")


def test_report_sent_back_for_revision_then_approved(procedure):
    run = procedure.start(MULAI)
    monitor(run)
    analyse(run)
    run.complete("laporan_ketersediaan", PROVIDER, LAPORAN)
    run.complete("reviu_laporan", OFFICIAL, REVISI)
    assert not run.completed
    assert run.ready_ids() == ["laporan_ketersediaan"]
    assert run.task("laporan_ketersediaan").data["catatan_reviu"] == REVISI["catatan_reviu"]
    run.complete("laporan_ketersediaan", PROVIDER, {**LAPORAN, "waktu_henti_menit": 25})
    run.complete("reviu_laporan", OFFICIAL, DISETUJUI)
    assert_closed(run)
    assert run.reached("laporan_ketersediaan") == 2
    assert run.reached("reviu_laporan") == 2


def test_review_switched_off_closes_the_period_after_the_report(procedure):
    """`reviu_laporan` off (an administrator's choice for the PD): Tabel 8 as written, the
    provider's report closes the period."""
    data = {**procedure.start_data(MULAI), "pengaturan": {"reviu_laporan": False}}
    run = procedure.start_from(data)
    monitor(run)
    analyse(run)
    run.complete("laporan_ketersediaan", PROVIDER, LAPORAN)
    assert run.completed
    assert run.reached("pemantauan_selesai") == 1
    assert run.data["status_pemantauan"] == "selesai"
    assert not run.reached("reviu_laporan")
    assert "keputusan_laporan" not in run.data
    assert ("gw_perlu_reviu", "gw_gabung_tutup") in run.taken_flows()


def test_the_review_is_on_by_default(procedure):
    setting = procedure.model.settings["reviu_laporan"]
    assert (setting.type, setting.default) == ("boolean", True)
    assert procedure.start_data(MULAI)["pengaturan"] == {"reviu_laporan": True}


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
        wf.send_event(BpmnEvent(MessageEventDefinition(COMPLAINT_MESSAGE), {}))


def test_runtime_starts_by_the_start_message_and_reports_the_thrown_complaint(procedure):
    """Through `Runtime`, state serialized between calls, as the app drives it."""
    model = procedure.model
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "PMN"
    run = procedure.start(MULAI)
    assert run.ready_ids() == ["pemantauan_infrastruktur", "pemantauan_layanan"]
    for bpmn_id, lane, data in (
        ("pemantauan_layanan", PROVIDER, PEMANTAUAN_LAYANAN),
        ("pemantauan_infrastruktur", INFRA, ANOMALI_INFRA),
        ("penanganan_anomali_infrastruktur", INFRA, PENANGANAN_INFRA),
        ("penanganan_anomali", PROVIDER, PENANGANAN),  # the last step throws the complaint
    ):
        run.complete(bpmn_id, lane, data)
    assert run.ready_ids() == ["laporan_ketersediaan"]
    messages = run.outcome.messages
    assert [m.name for m in messages] == [COMPLAINT_MESSAGE]
    assert messages[0].payload["judul"] == PENANGANAN["judul_aduan"]
    assert run.status == "running"


def test_tasks_are_routed_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(MULAI)
    for bpmn_id, lane in (
        ("pemantauan_layanan", PROVIDER),
        ("pemantauan_infrastruktur", INFRA),
        ("penanganan_anomali", PROVIDER),
        ("penanganan_anomali_infrastruktur", INFRA),
        ("analisis_pemantauan_layanan", PROVIDER),
        ("analisis_pemantauan", INFRA),
        ("laporan_ketersediaan", PROVIDER),
        ("reviu_laporan", OFFICIAL),
    ):
        route = route_for(model.user_tasks[bpmn_id], data, STARTER)
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


def test_forms_reject_invalid_submissions(procedure):
    spec = procedure.model.spec
    props = form_properties(spec)
    assert set(props) == {
        START_EVENT,
        "pemantauan_layanan",
        "pemantauan_infrastruktur",
        "penanganan_anomali",
        "penanganan_anomali_infrastruktur",
        "analisis_pemantauan_layanan",
        "analisis_pemantauan",
        "laporan_ketersediaan",
        "reviu_laporan",
    }
    start_form = props[START_EVENT]
    assert_invalid(start_form, {"layanan": "SIMPEG"})
    assert_invalid(start_form, {**MULAI, "periode": "2026-13"})
    assert_invalid(start_form, {**MULAI, "periode": "November 2026"})

    layanan = props["pemantauan_layanan"]
    assert_invalid(layanan, {**PEMANTAUAN_LAYANAN, "anomali_layanan": True})
    assert_invalid(layanan, {k: v for k, v in PEMANTAUAN_LAYANAN.items() if k != "anomali_layanan"})

    infra = props["pemantauan_infrastruktur"]
    assert_invalid(
        infra, {k: v for k, v in ANOMALI_INFRA.items() if k != "uraian_anomali_infrastruktur"}
    )
    assert_invalid(infra, {**PEMANTAUAN_INFRA, "utilisasi_cpu_persen": 120})
    assert_invalid(infra, {**PEMANTAUAN_INFRA, "waktu_henti_menit": -1})
    for field in ("utilisasi_cpu_persen", "utilisasi_ram_persen", "utilisasi_penyimpanan_persen"):
        assert_invalid(infra, {k: v for k, v in PEMANTAUAN_INFRA.items() if k != field})

    penanganan = props["penanganan_anomali"]
    for field in ("judul_aduan", "gejala_gangguan", "dampak_gangguan", "nip_nik", "telepon"):
        assert_invalid(penanganan, {k: v for k, v in PENANGANAN.items() if k != field})
    assert_invalid(penanganan, {**PENANGANAN, "dampak_gangguan": "Major"})
    assert_invalid(penanganan, {**PENANGANAN, "nip_nik": "12345"})
    assert_invalid(penanganan, {**PENANGANAN, "kategori_gangguan": "listrik"})

    for task, data in (
        ("penanganan_anomali_infrastruktur", PENANGANAN_INFRA),
        ("analisis_pemantauan_layanan", ANALISIS_LAYANAN),
    ):
        for field in load_form(props[task]["formJsonSchemaFilename"])["required"]:
            assert_invalid(props[task], {k: v for k, v in data.items() if k != field})

    laporan = props["laporan_ketersediaan"]
    assert_invalid(
        laporan, {k: v for k, v in LAPORAN_TIDAK_TERCAPAI.items() if k != "penyebab_tidak_tercapai"}
    )
    assert_invalid(
        laporan,
        {k: v for k, v in LAPORAN_TIDAK_TERCAPAI.items() if k != "rencana_peningkatan_kapasitas"},
    )
    assert_invalid(laporan, {**LAPORAN, "tren_ketersediaan": "naik"})
    assert_invalid(laporan, {**LAPORAN, "ketersediaan_tercapai_persen": 100.5})

    reviu = props["reviu_laporan"]
    assert_invalid(reviu, {"keputusan_laporan": "revisi"})
    assert_invalid(reviu, {"keputusan_laporan": "ditolak"})


def test_report_form_has_the_six_items_of_the_monitoring_form(procedure):
    """Bangka 2.2.2.1, Formulir Pemantauan dan Pemeliharaan Layanan butir 1-6."""
    spec = procedure.model.spec
    props = form_properties(spec)["laporan_ketersediaan"]
    schema = load_form(props["formJsonSchemaFilename"])
    fields = set(schema["properties"])
    assert {"layanan", "periode"} <= fields  # butir 1-2
    assert {  # butir 3: CPU, RAM, storage, bandwidth
        "utilisasi_cpu_persen",
        "utilisasi_ram_persen",
        "utilisasi_penyimpanan_persen",
        "utilisasi_bandwidth_persen",
    } <= fields
    assert {"target_ketersediaan_persen", "ketersediaan_tercapai_persen"} <= fields  # butir 4
    assert {"tren_ketersediaan", "penyebab_tidak_tercapai"} <= fields  # butir 5
    assert {"rencana_pemeliharaan_perangkat", "rencana_peningkatan_kapasitas"} <= fields  # 6


def test_start_form_and_no_sla_clock_fields(procedure):
    spec = procedure.model.spec
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    assert start_props["referencePrefix"] == "PMN"
    schema = load_form(start_props["formJsonSchemaFilename"])
    assert schema["properties"]["layanan"]["type"] == "string"
    assert set(schema["required"]) == {"layanan", "periode"}
    assert set(procedure.start_data(MULAI)) - set(MULAI) == RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(schema["properties"])
    for props in form_properties(spec).values():
        fields = set(load_form(props["formJsonSchemaFilename"])["properties"])
        assert not SLA_TRIGGERS & fields, props["formJsonSchemaFilename"]


def test_every_user_task_has_a_form(procedure):
    spec = procedure.model.spec
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 8
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"pemantauan-pemeliharaan.bpmn"}
    assert model.start_form.schema_file == "pemantauan-pemeliharaan-mulai.schema.json"
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_start_event_and_complaint_throw_use_the_model_ids_as_message_names():
    tree = etree.parse(str(BPMN_FILE))
    messages = {m.get("id"): m.get("name") for m in tree.findall("bpmn:message", NS)}
    process = tree.find("bpmn:process", NS)
    starts = {s.get("id"): s for s in process.findall("bpmn:startEvent", NS)}
    assert set(starts) == {START_EVENT, TIMER_START}
    [definition] = starts[START_EVENT].findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == MODEL_ID
    assert not starts[TIMER_START].findall("bpmn:messageEventDefinition", NS)
    [throw] = process.findall("bpmn:intermediateThrowEvent", NS)
    [definition] = throw.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == COMPLAINT_MESSAGE
    payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS).text
    diagram.check_restricted(payload)
    keys = {k.value for k in ast.parse(payload, mode="eval").body.keys}
    complaint_form = json.loads(COMPLAINT_START_FORM.read_text(encoding="utf-8"))
    assert set(complaint_form["required"]) <= keys
    # Nothing waits for the complaint: no catch event in this procedure.
    assert not process.findall("bpmn:intermediateCatchEvent", NS)


def test_the_timer_start_declares_the_monthly_report(procedure):
    model = procedure.model
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P1M")
    # The message start stays for a start by hand.
    assert model.start_message == MODEL_ID


def test_a_start_by_the_scheduler_reaches_the_same_first_task(procedure):
    by_message = procedure.start(MULAI)
    by_timer = procedure.start({**MULAI, "periode": "2026-11"}, by_timer=True)
    assert by_timer.status == "running"
    assert sorted((t.info.bpmn_id, t.info.lane) for t in by_timer.ready) == sorted(
        (t.info.bpmn_id, t.info.lane) for t in by_message.ready
    )
    assert sorted(t.info.bpmn_id for t in by_timer.ready) == [
        "pemantauan_infrastruktur",
        "pemantauan_layanan",
    ]


# --------------------------------------------------------------------------- diagram


def test_each_step_of_tabel_8_is_done_by_both_performers(procedure):
    """Perbup Bangka 21/2025, 2.2.2.1, Tabel 8: monitoring, handling an anomaly and
    analysing the results are each a task of the Penyedia Layanan (no. 1) and of the
    Pengelola Infrastruktur dan Aplikasi (no. 2); only the report is the provider's."""
    lanes = {bpmn_id: info.lane for bpmn_id, info in procedure.model.user_tasks.items()}
    for provider_task, infra_task in (
        ("pemantauan_layanan", "pemantauan_infrastruktur"),
        ("penanganan_anomali", "penanganan_anomali_infrastruktur"),
        ("analisis_pemantauan_layanan", "analisis_pemantauan"),
    ):
        assert (lanes[provider_task], lanes[infra_task]) == (PROVIDER, INFRA)
    assert lanes["laporan_ketersediaan"] == PROVIDER


def test_product_additions_say_so_and_name_their_setting():
    """The monthly cycle and the review of the report are the product's, not Tabel 8's."""
    shipped = diagram.load(BPMN_FILE)
    for bpmn_id in (TIMER_START, "reviu_laporan"):
        [node] = [n for n in shipped.cited_nodes() if n.get("id") == bpmn_id]
        assert "tambahan produk (bukan ketentuan regulasi)" in shipped.documentation(node).lower()
    [timer] = [n for n in shipped.cited_nodes() if n.get("id") == TIMER_START]
    assert "/api/v1/schedules" in shipped.documentation(timer)
    [review] = [n for n in shipped.cited_nodes() if n.get("id") == "reviu_laporan"]
    assert "pengaturan reviu_laporan" in shipped.documentation(review)
    assert "setting:reviu_laporan" in shipped.properties(shipped.process)


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == LANE_NAMES
    assert len(shipped.split_gateways()) == SPLIT_GATEWAYS
    assert len(shipped.conditions()) == CONDITIONS
    assert shipped.loops() == LOOPS
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert POLEWALI in shipped.documentation(node), node.get("id")
