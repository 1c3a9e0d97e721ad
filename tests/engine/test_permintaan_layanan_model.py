"""Engine-only checks of processes/permintaan-layanan.bpmn and its forms.

No Flask and no database: the model is parsed with XSD validation on and every path is
driven in memory with the default script engine, the start data set as the runtime would.
"""

from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from tests.engine import diagram
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator, load_form

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "permintaan-layanan.bpmn"
PROCESS_ID = "permintaan_layanan"

STARTER_LANE = "Pemohon"

# What the runtime puts into the instance data at start (besides the start form).
RUNTIME_START_VARIABLES = {
    "layanan_info",
    "perlu_persetujuan",
    "pemohon",
    "waktu_permintaan",
    "nomor_referensi",
}


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
