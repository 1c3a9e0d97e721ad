"""Engine-only checks of processes/permintaan-layanan.bpmn and its forms.

No Flask and no database: the model is parsed as the deploy parses it and every path is
driven through the runtime with the starting data the app adds (tests/engine/harness.py).
Whether the request needs approval comes from the catalog: SIMPEG's request type
RESET-SANDI does not, AKUN-BARU does (app/services/demo.py).
"""

from datetime import UTC, datetime

import pytest

from app.engine.forms import validate_form
from tests.engine import diagram
from tests.engine.forms_check import assert_invalid, form_validator, load_form
from tests.engine.harness import Procedure, bpmn_file

MODEL_ID = "permintaan-layanan"
BPMN_FILE = bpmn_file(MODEL_ID)
START_EVENT = "pengajuan_permintaan"

STARTER_LANE = "Pemohon"

# What the runtime puts into the instance data at start (besides the start form): a
# request has SLA clocks, so their escalation times too.
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "perlu_persetujuan",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
    "sla",
    "pengaturan",
}

T0 = datetime(2025, 3, 3, 2, 15, tzinfo=UTC)  # Monday 09:15 WIB
NOMOR = "PMT-2025-000001"

PENGAJUAN = {
    "layanan": "SIMPEG",
    "jenis_permintaan": "RESET-SANDI",
    "judul": "Reset kata sandi SIMPEG",
    "uraian": "Saya tidak dapat masuk ke SIMPEG sejak pagi karena lupa kata sandi.",
    "nip_nik": "198703122010011002",
    "instansi": "Badan Kepegawaian dan Pengembangan SDM, Bidang Mutasi",
    "telepon": "081234567890",
    "email": "budi@bangka.go.id",
}
DENGAN_PERSETUJUAN = {**PENGAJUAN, "jenis_permintaan": "AKUN-BARU"}


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0)


KLASIFIKASI_BUKAN_GANGGUAN = {
    "klasifikasi": "akses",
    "prioritas": "sedang",
    "gangguan": False,
    "pelaksana": "admin.layanan",
}
PEMENUHAN = {"hasil_pemenuhan": "Kata sandi telah direset dan dikirim melalui surel dinas."}
DITERIMA = {"konfirmasi": "diterima", "kepuasan": 5, "saran": "Respons cepat, terima kasih."}


# --------------------------------------------------------------------------- paths


def test_run_disruption_ends_as_complaint(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete(
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
    assert run.completed
    assert run.reached("dialihkan_ke_aduan")
    assert run.data["harus_menjadi_aduan"] is True
    assert run.data["status_permintaan"] == "dialihkan_ke_aduan"
    # the end event hands the complaint procedure its start data (a BPMN message)
    [(name, payload)] = run.thrown()
    assert name == "penanganan-aduan"
    assert payload["dampak"] == "Mayor"
    assert payload["kategori"] == "akses"
    assert payload["gejala"] == PENGAJUAN["uraian"]
    assert payload["nomor_permintaan"] == NOMOR


def test_run_without_approval_fulfils_and_completes(procedure):
    run = procedure.start(PENGAJUAN)
    assert run.data["perlu_persetujuan"] is False
    run.complete("klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    done = run.complete("pemenuhan_permintaan", "Administrator Layanan", PEMENUHAN)
    assert procedure.model.user_tasks["pemenuhan_permintaan"].assignee_variable == "pelaksana"
    assert done["pelaksana"] == "admin.layanan"
    run.complete("konfirmasi_pemenuhan", STARTER_LANE, DITERIMA)
    assert run.completed
    assert run.reached("permintaan_selesai")
    assert not run.reached("persetujuan_permintaan")
    assert run.data["status_permintaan"] == "selesai"
    assert run.data["kepuasan"] == 5
    assert "harus_menjadi_aduan" not in run.data


def test_run_with_approval_approved_completes(procedure):
    run = procedure.start(DENGAN_PERSETUJUAN)
    assert run.data["perlu_persetujuan"] is True
    run.complete("klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    run.complete(
        "persetujuan_permintaan",
        "Penanggung Jawab Penyedia Layanan",
        {"disetujui": True, "catatan_persetujuan": "Disetujui."},
    )
    run.complete("pemenuhan_permintaan", "Administrator Layanan", PEMENUHAN)
    run.complete("konfirmasi_pemenuhan", STARTER_LANE, DITERIMA)
    assert run.completed
    assert run.reached("permintaan_selesai")
    assert run.data["disetujui"] is True
    assert run.data["status_permintaan"] == "selesai"


def test_run_with_approval_rejected_ends_rejected(procedure):
    run = procedure.start(DENGAN_PERSETUJUAN)
    run.complete("klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    run.complete(
        "persetujuan_permintaan",
        "Penanggung Jawab Penyedia Layanan",
        {"disetujui": False, "catatan_persetujuan": "Bukan kewenangan bidang ini."},
    )
    assert run.completed
    assert run.reached("permintaan_ditolak")
    assert not run.reached("permintaan_selesai")
    assert not run.reached("pemenuhan_permintaan")
    assert run.data["status_permintaan"] == "ditolak"


def test_run_confirmation_rejected_returns_to_fulfilment(procedure):
    run = procedure.start(PENGAJUAN)
    run.complete("klasifikasi_prioritas", "Administrator Layanan", KLASIFIKASI_BUKAN_GANGGUAN)
    run.complete("pemenuhan_permintaan", "Administrator Layanan", PEMENUHAN)
    run.complete(
        "konfirmasi_pemenuhan",
        STARTER_LANE,
        {"konfirmasi": "ditolak", "alasan_penolakan": "Surel reset belum masuk."},
    )
    assert not run.completed
    run.complete(
        "pemenuhan_permintaan",
        "Administrator Layanan",
        {"hasil_pemenuhan": "Surel dikirim ulang ke alamat yang benar."},
    )
    run.complete("konfirmasi_pemenuhan", STARTER_LANE, {"konfirmasi": "diterima", "kepuasan": 4})
    assert run.completed
    assert run.reached("permintaan_selesai")
    assert run.reached("pemenuhan_permintaan") == 2
    assert run.data["konfirmasi"] == "diterima"


# --------------------------------------------------------------------------- forms


def test_forms_reject_invalid_submissions(procedure):
    spec = procedure.model.spec
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


def test_every_user_task_has_a_form_and_start_form_asks_for_service(procedure):
    spec = procedure.model.spec
    assert spec.task_specs[START_EVENT].lane == STARTER_LANE
    for task_spec in spec.task_specs.values():
        if getattr(task_spec, "manual", False):
            form_validator(task_spec.extensions["properties"])
    start_props = spec.task_specs["pengajuan_permintaan"].extensions["properties"]
    schema = load_form(start_props["formJsonSchemaFilename"])
    assert schema["properties"]["layanan"]["type"] == "string"
    assert "layanan" in schema["required"]
    # A request names its type; a disruption report ("Laporkan gangguan") need not.
    request = {k: v for k, v in PENGAJUAN.items() if k != "jenis_permintaan"}
    assert "jenis_permintaan" in validate_form(schema, request)
    assert validate_form(schema, {**request, "laporan_gangguan": True}) == {}
    # The runtime sets these; the requester must not be asked for them.
    assert set(procedure.start_data(PENGAJUAN)) - set(PENGAJUAN) == RUNTIME_START_VARIABLES
    assert not RUNTIME_START_VARIABLES & set(schema["properties"])


# --------------------------------------------------------------------------- diagram


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows (layout, lanes, citations, gateways, expressions)."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [
        STARTER_LANE,
        "Administrator Layanan",
        "Penanggung Jawab Penyedia Layanan",
    ]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == 4
    assert shipped.loops() == {"f_konfirmasi_ditolak"}
    for node in shipped.cited_nodes():
        assert "Perbup Bangka 21/2025, 2.2.1.1" in shipped.documentation(node), node.get("id")
