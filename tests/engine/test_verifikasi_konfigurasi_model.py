"""Engine-only checks of processes/verifikasi-konfigurasi.bpmn and its forms.

No Flask and no database. The paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py). The procedure starts with a message start event
(`verifikasi-konfigurasi`), which `Runtime.start` delivers for a start by hand or from
another procedure; beside it the timer start event declares the periodic verification,
which only the app's scheduler fires. The app completes each row of `hasil_verifikasi`
with `nama_komponen` and `tidak_sah` before the diagram runs
(app/services/configuration/verification.py); here the test submits them as the app would.
A difference not accounted for by a change throws `penanganan-aduan`, another difference
`manajemen-perubahan`; the engine only reports the messages (`Outcome.messages`).
"""

from datetime import UTC, datetime

import pytest
from lxml import etree

from app.engine.forms import validate_form
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.diagram import NS
from tests.engine.forms_check import load_form
from tests.engine.harness import Procedure, bpmn_file

MODEL_ID = "verifikasi-konfigurasi"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "verifikasi_konfigurasi"
START_EVENT = "mulai_verifikasi"
TIMER_START = "jadwal_verifikasi_berkala"
CITATION = "Kepbup Polewali Mandar 685/2021, II.3.e"
BANGKA = "Perbup Bangka 21/2025, "

STARTER_LANE = "Pemohon"
INFRA = "Administrator Infrastruktur dan Aplikasi"
OWNER = "Penanggung Jawab Penyedia Layanan"
LANE_NAMES = [STARTER_LANE, INFRA, OWNER]
SPLIT_GATEWAYS = 2
CONDITIONS = 3
LOOPS = {"f_reviu_periksa_ulang"}

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
STARTER = "admin.infra"

MULAI = {"layanan": "SIMPEG", "alasan_verifikasi": "perubahan", "rujukan": "PRB-2026-000012"}


def row(item: int, finding: str, unauthorised: bool = False, **extra: object) -> dict:
    """A row as the app hands it to the diagram (name and flag completed)."""
    return {
        "komponen": item,
        "keberadaan": finding,
        "nama_komponen": f"SRV-{item}",
        "tidak_sah": unauthorised,
        **extra,
    }


SEMUA_DITEMUKAN = {"hasil_verifikasi": [row(1, "ditemukan"), row(2, "ditemukan")]}
SELISIH_SAH = {
    "hasil_verifikasi": [
        row(1, "ditemukan"),
        row(2, "berbeda", perbedaan="RAM 64 GB, CMDB mencatat 32 GB"),
    ],
    "catatan_pemeriksaan": "RAM ditambah lewat perubahan yang sudah selesai.",
}
SELISIH_TIDAK_SAH = {
    "hasil_verifikasi": [
        row(1, "tidak_ditemukan", True),
        row(2, "berbeda", False, perbedaan="Versi OS berbeda"),
    ]
}
DISETUJUI = {
    "disetujui": True,
    "nip_nik": "198703122010011002",
    "instansi": "Dinas Komunikasi dan Informatika",
    "telepon": "081234567890",
}
PERIKSA_ULANG = {"disetujui": False, "catatan_reviu": "Server cadangan belum diperiksa."}


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester=STARTER)


def verified(run, found, review=DISETUJUI):
    run.complete("pemeriksaan_komponen", INFRA, found)
    run.complete("reviu_verifikasi", OWNER, review)


def assert_kept(run):
    assert run.completed
    assert run.reached("verifikasi_selesai") == 1
    assert run.data["status_verifikasi"] == "selesai"
    assert run.data["simpan_baseline_verifikasi"] is True


def test_everything_found_keeps_the_baseline_and_raises_nothing(procedure):
    run = procedure.start(MULAI)
    assert run.data["nomor_referensi"] == "VKK-2026-000001"
    verified(run, SEMUA_DITEMUKAN)
    assert_kept(run)
    assert run.data["ada_selisih"] is False
    assert run.data["ada_tidak_sah"] is False
    assert run.thrown() == []


def test_sent_back_then_an_authorised_difference_raises_a_change(procedure):
    run = procedure.start(MULAI)
    verified(run, SEMUA_DITEMUKAN, PERIKSA_ULANG)
    assert run.ready_ids() == ["pemeriksaan_komponen"]
    assert run.reached("simpan_baseline") == 0
    verified(run, SELISIH_SAH)
    assert_kept(run)
    assert run.data["ada_selisih"] is True
    assert run.data["ada_tidak_sah"] is False
    [(name, payload)] = run.thrown()
    assert name == "manajemen-perubahan"
    assert payload["layanan"] == "SIMPEG"
    assert "SRV-2: berbeda RAM 64 GB" in payload["uraian_perubahan"]
    assert validate_form(load_form("manajemen-perubahan-pengajuan.schema.json"), payload) == {}


def test_an_unauthorised_difference_raises_a_complaint_not_a_change(procedure):
    run = procedure.start(MULAI)
    verified(run, SELISIH_TIDAK_SAH)
    assert_kept(run)
    assert run.data["komponen_tidak_sah"] == ["SRV-1"]
    [(name, payload)] = run.thrown()
    assert name == "penanganan-aduan"
    assert payload["komponen_konfigurasi"] == ["SRV-1"]
    assert payload["dampak"] == "Minor"  # not an outage of the service
    assert "SRV-1: tidak_ditemukan" in payload["gejala"]
    assert "SRV-2" not in payload["gejala"]
    assert validate_form(load_form("penanganan-aduan-pelaporan.schema.json"), payload) == {}


def test_a_start_by_the_scheduler_reaches_the_same_first_task(procedure):
    model = procedure.model
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P3M")
    assert model.start_message == MODEL_ID
    run = procedure.start({"layanan": "SIMPEG", "periode": "2026-T4"}, by_timer=True)
    assert [(t.info.bpmn_id, t.info.lane) for t in run.ready] == [("pemeriksaan_komponen", INFRA)]


def test_forms_refuse_what_they_should():
    check = load_form("verifikasi-konfigurasi-pemeriksaan.schema.json")
    assert validate_form(check, {})
    # A service with nothing recorded in the CMDB: nothing to check row by row.
    assert validate_form(check, {"hasil_verifikasi": []}) == {}
    assert validate_form(check, {"hasil_verifikasi": [{"komponen": 1, "keberadaan": "berbeda"}]})
    assert validate_form(check, {"hasil_verifikasi": [{"komponen": 1, "keberadaan": "hilang"}]})
    bound = check["properties"]["hasil_verifikasi"]["items"]["properties"]["komponen"]
    assert bound["x-options"] == "configuration-items"
    review = load_form("verifikasi-konfigurasi-reviu.schema.json")
    assert validate_form(review, {"disetujui": False})
    assert validate_form(review, {"disetujui": True})  # the complaint's reporter
    start = load_form("verifikasi-konfigurasi-mulai.schema.json")
    assert validate_form(start, {})
    assert validate_form(start, {"layanan": "SIMPEG", "alasan_verifikasi": "iseng"})


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert model.start_form.schema_file == "verifikasi-konfigurasi-mulai.schema.json"
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_messages_are_named_after_the_model_ids():
    tree = etree.parse(str(BPMN_FILE))  # noqa: S320 - our own shipped file
    messages = {m.get("id"): m.get("name") for m in tree.findall("bpmn:message", NS)}
    assert set(messages.values()) == {MODEL_ID, "penanganan-aduan", "manajemen-perubahan"}
    start = tree.find(f".//bpmn:startEvent[@id='{START_EVENT}']", NS)
    ref = start.find("bpmn:messageEventDefinition", NS).get("messageRef")
    assert messages[ref] == MODEL_ID


def test_the_diagram_has_its_lanes_decisions_and_loops():
    """What only this diagram has; tests/engine/test_diagram_conventions.py checks the
    conventions every diagram follows."""
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == LANE_NAMES
    assert len(shipped.split_gateways()) == SPLIT_GATEWAYS
    assert len(shipped.conditions()) == CONDITIONS
    assert shipped.loops() == LOOPS
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert BANGKA in shipped.documentation(node), node.get("id")
