"""Engine-only checks of processes/manajemen-masalah.bpmn (periodic incident review and
problem management) and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py); the model starts with a message start event, which
`Runtime.start` delivers for a start by hand (docs/bpmn-conventions.md, "Links between
procedures"). Beside it a timer start event declares the monthly review, which only the
app's scheduler fires (app/engine/timer_start.py, "Periodic procedures"). The runtime's
`Outcome` carries the `manajemen-perubahan` message the instance throws when a permanent fix
needs a change; the problem does not wait for the change.

A problem that is not solved (the permanent fix is not effective, or the provider does not
accept the report) goes back to the root-cause investigation.

A review that finds a problem files a ticket on the complaint form (Perbup Bangka 21/2025,
2.2.1.3, Tabel 7 no. 1 angka 2: "membuat tiket gangguan (Formulir Penanganan Aduan)"); the
ticket is kept whole in `tiket_gangguan`, and its impact and urgency leave the instance data
so that the problem gets no complaint's SLA clocks.
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
from app.engine.sandbox import check_script
from app.engine.validation import validate_model
from app.services.catalog.known_errors import known_error_fields
from tests.engine import diagram
from tests.engine.diagram import FORMS_DIR, NS
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file, gateway_flows

MODEL_ID = "manajemen-masalah"
BPMN_FILE = bpmn_file(MODEL_ID)
CHANGE_START_FORM = FORMS_DIR / "manajemen-perubahan-pengajuan.schema.json"
PROCESS_ID = "manajemen_masalah"
START_EVENT = "pengajuan_reviu"
TIMER_START = "jadwal_reviu_bulanan"
CHANGE_MESSAGE = "manajemen-perubahan"
CHANGE_PAYLOAD = (
    '{"layanan": layanan, "judul": judul_perubahan, "uraian_perubahan": uraian_perubahan, '
    '"alasan_perubahan": alasan_perubahan, "nomor_masalah": nomor_masalah}'
)
CITATION = "Perbup Bangka 21/2025, 2.2.1.3"
CITATIONS = (CITATION, "Kepbup Polewali Mandar 685/2021, II.")
SPLITS = 6
LOOPS = {"f_efektif_tidak", "f_laporan_ditolak"}

STARTER_LANE = "Pemohon"
ADMIN = "Administrator Layanan"
INFRA = "Administrator Infrastruktur dan Aplikasi"
PJ_PENYEDIA = "Penanggung Jawab Penyedia Layanan"

# What the runtime puts into the instance data at start (besides the start form);
# `nomor_referensi` because the start event has a `referencePrefix`.
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
    "pengaturan",
}
# Fields that would give the instance a complaint's or a request's SLA clocks
# (`clock_kind` in app/services/deadlines/service_levels.py), or start an RTO clock:
# a problem must not set them.
CLOCK_FIELDS = {"dampak", "urgensi", "jenis_permintaan", "drp_diaktifkan", "layanan_pulih"}


T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
NOMOR = "MSL-2026-000001"

PENGAJUAN = {
    "layanan": "SIMPEG",
    "judul": "Reviu gangguan SIMPEG November 2026",
    "uraian": "Reviu bulanan aduan SIMPEG; login gagal dilaporkan berulang setiap Senin pagi.",
    "sumber_identifikasi": "reviu_berkala",
    "nomor_aduan": "ADU-2026-000120",
    "pola_insiden": "Login gagal (galat 504) pada Senin 08.00-09.00, empat pekan berturut-turut.",
}
REVIU_ADA = {
    "periode_reviu_mulai": "2026-11-01",
    "periode_reviu_selesai": "2026-11-22",
    "jumlah_insiden": 31,
    "insiden_terkait": ["ADU-2026-000101", "ADU-2026-000109", "ADU-2026-000120"],
    "hasil_reviu": "Empat aduan login gagal pada jam yang sama; penyebabnya tidak diketahui.",
    "masalah_ditemukan": True,
}
REVIU_TIDAK = {
    "periode_reviu_mulai": "2026-11-01",
    "periode_reviu_selesai": "2026-11-22",
    "jumlah_insiden": 3,
    "hasil_reviu": "Tiga aduan dengan penyebab berbeda dan sudah tertangani.",
    "masalah_ditemukan": False,
    "alasan_tidak_ada_masalah": "Tidak ada gangguan yang berulang.",
}
COMPLAINT_FORM = "penanganan-aduan-pelaporan.schema.json"
TIKET = {
    "layanan": "SIMPEG",
    "judul": "Login SIMPEG gagal setiap Senin pagi",
    "nip_nik": "198501012010011001",
    "instansi": "Diskominfo",
    "telepon": "081234567890",
    "metode_pelaporan": "web",
    "kategori": "server",
    "gejala": "Galat 504 saat login pada Senin 08.00-09.00, empat pekan berturut-turut.",
    "dampak": "Mayor",
    "urgensi": 2,
    "komponen_konfigurasi": ["srv-simpeg-01"],
}
KLASIFIKASI = {
    "kategori_masalah": "server",
    "urgensi_masalah": 1,
    "dampak_masalah": "Mayor",
    "prioritas_masalah": "P2",
    "analisis_masalah": "Login gagal pada beban puncak Senin; diduga koneksi basis data habis.",
    "estimasi_penyelesaian": "2026-11-30T16:00:00+07:00",
    "komponen_konfigurasi": ["srv-simpeg-01", "db-simpeg"],
}
AKAR_DITEMUKAN = {
    "metode_investigasi": "analisis_log",
    "hasil_investigasi": "Log menunjukkan kumpulan koneksi basis data penuh pada 08.02.",
    "akar_masalah_ditemukan": True,
}
AKAR_TIDAK = {
    "metode_investigasi": "reproduksi",
    "hasil_investigasi": "Gangguan tidak dapat direproduksi di lingkungan uji.",
    "akar_masalah_ditemukan": False,
    "alasan_eskalasi": "Perlu analisis kinerja server dan basis data produksi.",
}
TEKNIS = {
    "hasil_investigasi_teknis": "Batas koneksi basis data 100; beban Senin pagi mencapai 180.",
    "komponen_penyebab": ["db-simpeg"],
}
KNOWN_ERROR = {
    "gejala_known_error": "Login SIMPEG gagal dengan galat 504 pada Senin pagi.",
    "akar_masalah": "Batas koneksi basis data terlalu kecil untuk beban puncak.",
    "solusi_sementara": "Jalankan ulang layanan aplikasi SIMPEG untuk melepas koneksi.",
}
TANPA_PERUBAHAN = {
    "known_error": KNOWN_ERROR,
    "solusi_permanen": "Naikkan batas koneksi basis data menjadi 300 (parameter operasional).",
    "perlu_perubahan": False,
}
DENGAN_PERUBAHAN = {
    "known_error": KNOWN_ERROR,
    "solusi_permanen": "Tambahkan pengelola kumpulan koneksi pada aplikasi SIMPEG.",
    "perlu_perubahan": True,
    "judul_perubahan": "Pengelola kumpulan koneksi SIMPEG",
    "uraian_perubahan": "Memasang pengelola kumpulan koneksi antara aplikasi dan basis data.",
    "alasan_perubahan": "Menghilangkan akar masalah login gagal saat beban puncak.",
}
PENANGANAN = {
    "aktivitas_penanganan_akar": "Batas max_connections dinaikkan; basis data dijalankan ulang.",
    "hasil_penanganan_akar": "Batas koneksi 300 aktif sejak 24 November.",
}
EFEKTIF = {
    "perkembangan_solusi": "Dua Senin berturut-turut tanpa aduan login gagal.",
    "solusi_permanen_efektif": True,
}
TIDAK_EFEKTIF = {
    "perkembangan_solusi": "Perubahan terpasang, tetapi login masih gagal pada Senin pagi.",
    "nomor_perubahan_terkait": "PRB-2026-000015",
    "solusi_permanen_efektif": False,
    "alasan_tidak_efektif": "Galat 504 masih muncul; akar masalah belum tepat.",
}
LAPORAN = {
    "ringkasan_penyelesaian": "Akar masalah: batas koneksi basis data; solusi permanen diterapkan.",
    "metode_informasi": "email",
}
DITERIMA = {"laporan_diterima": True}
DITOLAK = {"laporan_diterima": False, "catatan_penyedia": "Pengguna masih melaporkan login lambat."}


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester="admin.layanan")


def open_problem(run, ticket=TIKET):
    run.complete("reviu_gangguan", ADMIN, REVIU_ADA)
    assert run.ready_ids() == ["buat_tiket_gangguan"]
    run.complete("buat_tiket_gangguan", ADMIN, ticket)
    run.complete("klasifikasi_masalah", ADMIN, KLASIFIKASI)


def report_and_close(run):
    run.complete("laporan_penyelesaian", ADMIN, LAPORAN)
    run.complete("penerimaan_laporan", PJ_PENYEDIA, DITERIMA)


def run_no_problem(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("reviu_gangguan", ADMIN, REVIU_TIDAK)
    return run


def run_fixed_directly(procedure):
    run = procedure.start(PENGAJUAN)
    open_problem(run)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_DITEMUKAN)
    run.complete("pencatatan_known_error", ADMIN, TANPA_PERUBAHAN)
    run.complete("penanganan_akar_masalah", ADMIN, PENANGANAN)
    run.complete("pemantauan_solusi_permanen", ADMIN, EFEKTIF)
    report_and_close(run)
    return run


def run_escalated_changed_and_reinvestigated(procedure):
    """Escalated investigation, a change, a fix that does not work, a report sent back."""
    run = procedure.start(PENGAJUAN)
    open_problem(run)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_TIDAK)
    run.complete("investigasi_teknis", INFRA, TEKNIS)
    run.complete("pencatatan_known_error", ADMIN, DENGAN_PERUBAHAN)
    # The change procedure is started by the message; the problem does not wait for it.
    run.complete("pemantauan_solusi_permanen", ADMIN, TIDAK_EFEKTIF)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_DITEMUKAN)
    run.complete("pencatatan_known_error", ADMIN, TANPA_PERUBAHAN)
    run.complete("penanganan_akar_masalah", ADMIN, PENANGANAN)
    run.complete("pemantauan_solusi_permanen", ADMIN, EFEKTIF)
    run.complete("laporan_penyelesaian", ADMIN, LAPORAN)
    run.complete("penerimaan_laporan", PJ_PENYEDIA, DITOLAK)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_DITEMUKAN)
    run.complete("pencatatan_known_error", ADMIN, TANPA_PERUBAHAN)
    run.complete("penanganan_akar_masalah", ADMIN, PENANGANAN)
    run.complete("pemantauan_solusi_permanen", ADMIN, EFEKTIF)
    report_and_close(run)
    return run


def run_closed_without_acceptance(procedure):
    """`penerimaan_laporan` off (the PD's choice): informing the provider closes it."""
    data = {**procedure.start_data(PENGAJUAN), "pengaturan": {"penerimaan_laporan": False}}
    run = procedure.start_from(data)
    open_problem(run)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_DITEMUKAN)
    run.complete("pencatatan_known_error", ADMIN, TANPA_PERUBAHAN)
    run.complete("penanganan_akar_masalah", ADMIN, PENANGANAN)
    run.complete("pemantauan_solusi_permanen", ADMIN, EFEKTIF)
    run.complete("laporan_penyelesaian", ADMIN, LAPORAN)
    return run


def assert_closed(run):
    assert run.completed
    assert run.reached("masalah_ditutup") == 1
    assert not run.reached("reviu_selesai")
    assert run.data["status_masalah"] == "ditutup"
    assert run.data["nomor_masalah"] == NOMOR


# --------------------------------------------------------------------------- paths


def test_run_review_without_problem_ends(procedure):
    run = run_no_problem(procedure)
    assert run.completed
    assert run.reached("reviu_selesai") == 1
    assert not run.reached("klasifikasi_masalah")
    assert not run.reached("buat_tiket_gangguan")
    assert run.data["status_masalah"] == "tidak_ada_masalah"
    assert run.thrown() == []


def test_run_known_error_fixed_without_a_change(procedure):
    run = run_fixed_directly(procedure)
    assert_closed(run)
    assert not run.reached("investigasi_teknis")
    assert not run.reached("ajukan_perubahan")
    assert run.reached("penanganan_akar_masalah") == 1
    assert run.data["known_error"] == KNOWN_ERROR
    assert run.data["prioritas_masalah"] == "P2"
    assert run.thrown() == []


def test_run_escalated_with_a_change_and_investigated_again(procedure):
    run = run_escalated_changed_and_reinvestigated(procedure)
    assert_closed(run)
    assert run.reached("investigasi_teknis") == 1
    assert run.reached("ajukan_perubahan") == 1
    assert run.reached("investigasi_akar_masalah") == 3
    assert run.reached("pemantauan_solusi_permanen") == 3
    assert run.reached("penerimaan_laporan") == 2
    assert run.reached("klasifikasi_masalah") == 1
    assert run.thrown() == [
        (
            CHANGE_MESSAGE,
            {
                "layanan": "SIMPEG",
                "judul": DENGAN_PERUBAHAN["judul_perubahan"],
                "uraian_perubahan": DENGAN_PERUBAHAN["uraian_perubahan"],
                "alasan_perubahan": DENGAN_PERUBAHAN["alasan_perubahan"],
                "nomor_masalah": NOMOR,
            },
        )
    ]


def test_acceptance_switched_off_closes_after_informing_the_provider(procedure):
    run = run_closed_without_acceptance(procedure)
    assert_closed(run)
    assert not run.reached("penerimaan_laporan")
    assert "laporan_diterima" not in run.data


def test_acceptance_is_on_by_default(procedure):
    setting = procedure.model.settings["penerimaan_laporan"]
    assert (setting.type, setting.default) == ("boolean", True)
    assert procedure.start_data(PENGAJUAN)["pengaturan"] == {"penerimaan_laporan": True}


def test_the_change_request_satisfies_the_change_start_form(procedure):
    run = procedure.start(PENGAJUAN)
    open_problem(run)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_DITEMUKAN)
    run.complete("pencatatan_known_error", ADMIN, DENGAN_PERUBAHAN)
    # Thrown, not waited for: the monitoring task is ready at once.
    assert run.ready_ids() == ["pemantauan_solusi_permanen"]
    assert "ajukan_perubahan" not in run.waiting_ids()
    [(name, payload)] = run.thrown()
    assert name == CHANGE_MESSAGE
    schema = json.loads(CHANGE_START_FORM.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(payload))


def test_without_a_reference_number_the_problem_number_is_empty(procedure):
    data = procedure.start_data(PENGAJUAN)
    del data["nomor_referensi"]
    run = procedure.start_from(data)
    assert run.outcome.failure is None, run.outcome.failure
    open_problem(run)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_DITEMUKAN)
    run.complete("pencatatan_known_error", ADMIN, DENGAN_PERUBAHAN)
    [(_, payload)] = run.thrown()
    assert payload["nomor_masalah"] == ""


def test_every_outgoing_flow_of_every_gateway_is_driven(procedure):
    taken = set()
    for drive in (
        run_no_problem,
        run_fixed_directly,
        run_escalated_changed_and_reinvestigated,
        run_closed_without_acceptance,
    ):
        taken |= drive(procedure).taken_flows()
    assert taken == gateway_flows(BPMN_FILE)


def test_the_known_error_is_what_the_register_records(procedure):
    """The app records a known error from the submitted form data
    (app/services/catalog/known_errors.py)."""
    run = procedure.start(PENGAJUAN)
    open_problem(run)
    run.complete("investigasi_akar_masalah", ADMIN, AKAR_DITEMUKAN)
    done = run.complete("pencatatan_known_error", ADMIN, TANPA_PERUBAHAN)
    assert known_error_fields(done) == {
        "workaround": KNOWN_ERROR["solusi_sementara"],
        "root_cause": KNOWN_ERROR["akar_masalah"],
        "symptoms": KNOWN_ERROR["gejala_known_error"],
    }
    assert done["status_masalah"] == "known_error"
    # No earlier form submits a workaround: nothing is recorded before this task.
    for earlier in (REVIU_ADA, TIKET, KLASIFIKASI, AKAR_DITEMUKAN, TEKNIS):
        assert known_error_fields(earlier) is None


def test_the_start_waits_for_its_message(procedure):
    assert procedure.model.spec.task_specs[START_EVENT].lane == STARTER_LANE
    wf = procedure.unstarted(procedure.start_data(PENGAJUAN))
    # Both start events wait: the message for its message, the timer for the scheduler.
    assert not wf.get_tasks(state=TaskState.READY, manual=True)
    waiting = wf.get_tasks(state=TaskState.WAITING)
    assert sorted(w.task_spec.bpmn_id for w in waiting) == sorted([START_EVENT, TIMER_START])
    with pytest.raises(Exception, match="not waiting"):
        wf.send_event(BpmnEvent(MessageEventDefinition("manajemen-perubahan"), {}))


def test_no_form_sets_clock_fields(procedure):
    """A problem has no SLA or RTO clock: no form may name the fields that start one, but
    the ticket's, which is the complaint form itself (Tabel 7 no. 1 angka 2)."""
    for name, task_spec in procedure.model.spec.task_specs.items():
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        if "formJsonSchemaFilename" in properties and name != "buat_tiket_gangguan":
            fields = set(load_form(properties["formJsonSchemaFilename"])["properties"])
            assert not CLOCK_FIELDS & fields, name


def test_the_review_files_its_ticket_on_the_complaint_form(procedure):
    """Tabel 7 no. 1 angka 2: the Administrator Layanan files the ticket on the Formulir
    Penanganan Aduan, the complaint procedure's own form."""
    ticket = procedure.model.user_tasks["buat_tiket_gangguan"]
    assert ticket.lane == ADMIN
    assert ticket.form.schema_file == COMPLAINT_FORM
    assert_valid(
        procedure.model.spec.task_specs["buat_tiket_gangguan"].extensions["properties"], TIKET
    )


@pytest.mark.parametrize("ticket", [TIKET, {k: v for k, v in TIKET.items() if k != "urgensi"}])
def test_the_ticket_is_kept_and_gives_the_problem_no_clock(procedure, ticket):
    run = procedure.start(PENGAJUAN)
    open_problem(run, ticket)
    assert run.data["tiket_gangguan"]["dampak"] == "Mayor"
    assert run.data["tiket_gangguan"]["gejala"] == TIKET["gejala"]
    assert run.data["tiket_gangguan"].get("urgensi") == ticket.get("urgensi")
    assert not CLOCK_FIELDS & set(run.data)
    assert run.data["komponen_konfigurasi"] == KLASIFIKASI["komponen_konfigurasi"]


def test_tasks_route_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(PENGAJUAN)
    expected = {
        "reviu_gangguan": ADMIN,
        "buat_tiket_gangguan": ADMIN,
        "klasifikasi_masalah": ADMIN,
        "investigasi_akar_masalah": ADMIN,
        "investigasi_teknis": INFRA,
        "pencatatan_known_error": ADMIN,
        "penanganan_akar_masalah": ADMIN,
        "pemantauan_solusi_permanen": ADMIN,
        "laporan_penyelesaian": ADMIN,
        "penerimaan_laporan": PJ_PENYEDIA,
    }
    assert set(model.user_tasks) == set(expected)
    for bpmn_id, lane in expected.items():
        route = route_for(model.user_tasks[bpmn_id], data, "admin.layanan")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


# --------------------------------------------------------------------------- through the runtime


def test_runtime_starts_by_the_message_and_reports_the_change_request(procedure):
    model = procedure.model
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "MSL"
    run = procedure.start(PENGAJUAN)
    # "waiting" with nothing ready means the start message was not delivered.
    assert run.status == "running"
    assert run.ready_ids() == ["reviu_gangguan"]
    for bpmn_id, data in (
        ("reviu_gangguan", REVIU_ADA),
        ("buat_tiket_gangguan", TIKET),
        ("klasifikasi_masalah", KLASIFIKASI),
        ("investigasi_akar_masalah", AKAR_DITEMUKAN),
    ):
        assert run.outcome.messages == []
        run.complete(bpmn_id, ADMIN, data)
    run.complete("pencatatan_known_error", ADMIN, DENGAN_PERUBAHAN)
    messages = run.outcome.messages
    assert [m.name for m in messages] == [CHANGE_MESSAGE]
    assert messages[0].payload["nomor_masalah"] == NOMOR
    assert run.ready_ids() == ["pemantauan_solusi_permanen"]
    assert run.status == "running"
    for bpmn_id, lane, data in (
        ("pemantauan_solusi_permanen", ADMIN, EFEKTIF),
        ("laporan_penyelesaian", ADMIN, LAPORAN),
        ("penerimaan_laporan", PJ_PENYEDIA, DITERIMA),
    ):
        run.complete(bpmn_id, lane, data)
        assert run.outcome.messages == []
    assert run.status == "complete"
    assert run.data["status_masalah"] == "ditutup"


def test_the_timer_start_declares_the_monthly_review(procedure):
    model = procedure.model
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P1M")
    # The message start stays for people and for Penanganan Aduan.
    assert model.start_message == MODEL_ID
    assert model.start_form.schema_file == "manajemen-masalah-pengajuan.schema.json"


def test_a_start_by_the_scheduler_reaches_the_same_first_task(procedure):
    by_message = procedure.start(PENGAJUAN)
    by_timer = procedure.start({**PENGAJUAN, "periode": "2026-11"}, by_timer=True)
    assert by_timer.status == "running"
    assert [(t.info.bpmn_id, t.info.lane) for t in by_timer.ready] == [
        (t.info.bpmn_id, t.info.lane) for t in by_message.ready
    ]
    assert by_timer.ready_ids() == ["reviu_gangguan"]
    assert by_timer.data["nomor_masalah"] == NOMOR
    assert by_timer.data["status_masalah"] == "reviu"
    assert by_timer.data["periode"] == "2026-11"


# --------------------------------------------------------------------------- forms


def test_forms_reject_invalid_submissions(procedure):
    spec = procedure.model.spec
    props = {
        name: task_spec.extensions["properties"]
        for name, task_spec in spec.task_specs.items()
        if (getattr(task_spec, "extensions", None) or {})
        .get("properties", {})
        .get("formJsonSchemaFilename")
    }
    assert set(props) == {
        START_EVENT,
        "reviu_gangguan",
        "buat_tiket_gangguan",
        "klasifikasi_masalah",
        "investigasi_akar_masalah",
        "investigasi_teknis",
        "pencatatan_known_error",
        "penanganan_akar_masalah",
        "pemantauan_solusi_permanen",
        "laporan_penyelesaian",
        "penerimaan_laporan",
    }
    start_form = props[START_EVENT]
    for field in ("layanan", "judul", "uraian"):
        assert_invalid(start_form, {k: v for k, v in PENGAJUAN.items() if k != field})
    # What another procedure must send at least: the optional fields may be left out.
    assert_valid(start_form, {k: PENGAJUAN[k] for k in ("layanan", "judul", "uraian")})
    assert_invalid(start_form, {**PENGAJUAN, "sumber_identifikasi": "firasat"})

    reviu = props["reviu_gangguan"]
    assert_invalid(reviu, {k: v for k, v in REVIU_TIDAK.items() if k != "alasan_tidak_ada_masalah"})
    assert_invalid(reviu, {**REVIU_ADA, "periode_reviu_mulai": "1 November 2026"})
    assert_invalid(reviu, {**REVIU_ADA, "masalah_ditemukan": "ya"})

    tiket = props["buat_tiket_gangguan"]
    for field in ("layanan", "gejala", "dampak", "kategori", "nip_nik", "telepon"):
        assert_invalid(tiket, {k: v for k, v in TIKET.items() if k != field})
    assert_invalid(tiket, {**TIKET, "dampak": "Major"})

    klasifikasi = props["klasifikasi_masalah"]
    for field in ("kategori_masalah", "urgensi_masalah", "dampak_masalah", "prioritas_masalah"):
        assert_invalid(klasifikasi, {k: v for k, v in KLASIFIKASI.items() if k != field})
    assert_invalid(klasifikasi, {**KLASIFIKASI, "urgensi_masalah": 4})
    assert_invalid(klasifikasi, {**KLASIFIKASI, "dampak_masalah": "Major"})
    assert_invalid(klasifikasi, {**KLASIFIKASI, "prioritas_masalah": "tinggi"})
    assert_invalid(klasifikasi, {**KLASIFIKASI, "estimasi_penyelesaian": "2026-11-30 16:00"})

    investigasi = props["investigasi_akar_masalah"]
    assert_invalid(investigasi, {k: v for k, v in AKAR_TIDAK.items() if k != "alasan_eskalasi"})
    assert_invalid(investigasi, {**AKAR_DITEMUKAN, "metode_investigasi": "tebakan"})
    assert_invalid(props["investigasi_teknis"], {"komponen_penyebab": ["db-simpeg"]})

    known_error = props["pencatatan_known_error"]
    for field in KNOWN_ERROR:
        partial = {k: v for k, v in KNOWN_ERROR.items() if k != field}
        assert_invalid(known_error, {**TANPA_PERUBAHAN, "known_error": partial})
    for field in ("judul_perubahan", "uraian_perubahan", "alasan_perubahan"):
        assert_invalid(known_error, {k: v for k, v in DENGAN_PERUBAHAN.items() if k != field})
    assert_invalid(known_error, {k: v for k, v in TANPA_PERUBAHAN.items() if k != "known_error"})

    assert_invalid(props["penanganan_akar_masalah"], {"hasil_penanganan_akar": "Selesai."})
    pemantauan = props["pemantauan_solusi_permanen"]
    assert_invalid(
        pemantauan, {k: v for k, v in TIDAK_EFEKTIF.items() if k != "alasan_tidak_efektif"}
    )
    assert_invalid(props["laporan_penyelesaian"], {**LAPORAN, "metode_informasi": "sms"})
    assert_invalid(props["penerimaan_laporan"], {"laporan_diterima": False})


def test_start_form_declares_the_start_fields(procedure):
    spec = procedure.model.spec
    start_props = spec.task_specs[START_EVENT].extensions["properties"]
    assert start_props["referencePrefix"] == "MSL"
    schema = load_form(start_props["formJsonSchemaFilename"])
    fields = schema["properties"]
    assert fields["layanan"]["type"] == "string"
    assert set(schema["required"]) == {"layanan", "judul", "uraian"}
    assert fields["nomor_aduan"]["type"] == "string"
    assert fields["pola_insiden"]["type"] == "string"
    # The runtime sets these; the starter must not be asked for them.
    assert set(procedure.start_data(PENGAJUAN)) - set(PENGAJUAN) == RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(fields)


def test_known_error_form_uses_the_register_field_names(procedure):
    spec = procedure.model.spec
    props = spec.task_specs["pencatatan_known_error"].extensions["properties"]
    schema = load_form(props["formJsonSchemaFilename"])
    known_error = schema["properties"]["known_error"]
    assert known_error["type"] == "object"
    assert set(known_error["required"]) == {
        "gejala_known_error",
        "akar_masalah",
        "solusi_sementara",
    }
    assert schema["properties"]["perlu_perubahan"]["type"] == "boolean"
    ui_schema = load_form(props["formUiSchemaFilename"])
    assert sorted(ui_schema["known_error"]["ui:order"]) == sorted(known_error["properties"])


def test_every_user_task_has_a_form(procedure):
    spec = procedure.model.spec
    user_tasks = [t for t in spec.task_specs.values() if getattr(t, "manual", False)]
    assert len(user_tasks) == 10
    for task_spec in user_tasks:
        form_validator(task_spec.extensions["properties"])


# --------------------------------------------------------------------------- deploy checks


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert set(model.roots) == {"manajemen-masalah.bpmn"}
    assert model.start_form.schema_file == "manajemen-masalah-pengajuan.schema.json"
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "MSL"
    assert model.escalations == {}
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_messages_link_the_procedure():
    tree = etree.parse(str(BPMN_FILE))
    """Started by the message named after the model; throws the change request, no wait."""
    root = tree.getroot()
    messages = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
    assert sorted(messages.values()) == [MODEL_ID, CHANGE_MESSAGE]
    process = tree.find("bpmn:process", NS)
    starts = {s.get("id"): s for s in process.findall("bpmn:startEvent", NS)}
    assert set(starts) == {START_EVENT, TIMER_START}
    [definition] = starts[START_EVENT].findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == MODEL_ID
    assert not starts[TIMER_START].findall("bpmn:messageEventDefinition", NS)
    [throw] = process.findall("bpmn:intermediateThrowEvent", NS)
    [definition] = throw.findall("bpmn:messageEventDefinition", NS)
    assert messages[definition.get("messageRef")] == CHANGE_MESSAGE
    payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS).text
    assert payload == CHANGE_PAYLOAD
    diagram.check_restricted(payload)
    assert check_script(payload, "eval") == []
    keys = {k.value for k in ast.parse(payload, mode="eval").body.keys}
    change_form = json.loads(CHANGE_START_FORM.read_text(encoding="utf-8"))
    assert set(change_form["required"]) <= keys
    assert not process.findall("bpmn:intermediateCatchEvent", NS)
    # Ends are plain: nobody waits for a problem.
    for end in process.findall("bpmn:endEvent", NS):
        assert not end.findall("bpmn:messageEventDefinition", NS), end.get("id")


# --------------------------------------------------------------------------- diagram


def test_product_additions_say_so_and_name_their_setting():
    """Steps the regulations do not prescribe say so plainly (issue 11, item 9): the
    schedule's default cycle (a PD's schedule sets its own) and the provider's acceptance
    of the report."""
    shipped = diagram.load(BPMN_FILE)
    docs = {node.get("id"): shipped.documentation(node) for node in shipped.cited_nodes()}
    for bpmn_id in (TIMER_START, "penerimaan_laporan"):
        assert "tambahan produk (bukan ketentuan regulasi)" in docs[bpmn_id].lower(), bpmn_id
    assert "/api/v1/schedules" in docs[TIMER_START]
    assert "pengaturan penerimaan_laporan" in docs["penerimaan_laporan"]
    assert "setting:penerimaan_laporan" in shipped.properties(shipped.process)


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER_LANE, ADMIN, INFRA, PJ_PENYEDIA]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == SPLITS
    assert shipped.loops() == LOOPS
    for node in shipped.cited_nodes():
        for citation in CITATIONS:
            assert citation in shipped.documentation(node), (node.get("id"), citation)
