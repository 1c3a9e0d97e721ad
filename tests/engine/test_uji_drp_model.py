"""Engine-only checks of processes/uji-drp.bpmn (DRP tests, Kepbup Polewali Mandar
685/2021, III.3.b-c) and its forms.

No Flask and no database: the paths are driven through the runtime with the starting data
the app adds (tests/engine/harness.py), the DRP in force (`drp_berlaku`) included, as the
app gives it to a model whose start event has `drpInfo`.
"""

from datetime import UTC, datetime

import pytest

from app.engine.routing import route_for
from app.engine.validation import validate_model
from tests.engine import diagram
from tests.engine.forms_check import assert_invalid, assert_valid, form_validator
from tests.engine.harness import PROCESSES, Procedure, bpmn_file, deployed_model, gateway_flows

MODEL_ID = "uji-drp"
BPMN_FILE = bpmn_file(MODEL_ID)
PROCESS_ID = "uji_drp"
START_EVENT = "pengajuan_uji_drp"
TIMER_START = "jadwal_uji_drp_tahunan"
CHANGE_MESSAGE = "manajemen-perubahan"
CITATION = "Kepbup Polewali Mandar 685/2021, III.3"
BANGKA = "Perbup Bangka 21/2025, "

STARTER = "Pemohon"
# Tabel 9: the Pengelola Infrastruktur dan Aplikasi keeps and tests the DRP; the
# Penanggung Jawab Penyedia Layanan answers for the service's continuity (Tabel 1 no. 2).
INFRA = "Administrator Infrastruktur dan Aplikasi"
OWNER = "Penanggung Jawab Penyedia Layanan"

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DRP_IN_FORCE = {
    "versi": 2,
    "rpo_menit": 60,
    "rto_menit": 240,
    "opsi_pemulihan": "fast",
    "strategi_pemulihan": "Pindah ke DRC Pusat Data Nasional.",
    "strategi_backup": "Cadangan harian penuh, log tiap jam.",
    "kontak": [{"nama": "Andi", "peran": "Admin infrastruktur", "telepon": "0812"}],
    "referensi_dokumen": "DRP-SIMPEG-2026",
    "ditetapkan": "2026-01-10T02:00:00+00:00",
}
MULAI = {"layanan": "SIMPEG", "judul": "Uji DRP SIMPEG 2026"}
RENCANA = {
    "tujuan_pengujian": "Membuktikan SIMPEG pulih di DRC dalam RTO 240 menit.",
    "jenis_pengujian": "simulasi",
    "skenario_pengujian": "Pusat data utama padam total pukul 08.00.",
    "jadwal_pengujian": "2026-11-28T01:00:00+00:00",
    "lokasi_pengujian": "DRC Pusat Data Nasional",
    "tim_pengujian": ["Andi (Diskominfo)"],
    "langkah_pengujian": [
        {"langkah": "Pulihkan basis data", "hasil_diharapkan": "Data sampai pencadangan."},
        {"langkah": "Alihkan DNS ke DRC", "hasil_diharapkan": "Pengguna masuk lewat DRC."},
    ],
}
PELAKSANAAN = {
    "waktu_mulai_pengujian": "2026-11-28T01:00:00+00:00",
    "waktu_selesai_pengujian": "2026-11-28T05:30:00+00:00",
    "rto_tercapai_menit": 270,
    "rpo_tercapai_menit": 45,
    "hasil_langkah": [
        {"langkah": "Pulihkan basis data", "lulus": True},
        {"langkah": "Alihkan DNS ke DRC", "lulus": False, "catatan": "TTL DNS 1 jam."},
    ],
}
DRP_BARU = {
    "rpo_menit": 60,
    "rto_menit": 300,
    "opsi_pemulihan": "fast",
    "strategi_pemulihan": "Pindah ke DRC; TTL DNS 5 menit sebelum pengalihan.",
    "strategi_backup": "Cadangan harian penuh, log tiap jam.",
    "kontak": [{"nama": "Andi", "peran": "Admin infrastruktur", "telepon": "0812"}],
    "catatan": "RTO disesuaikan dengan hasil uji.",
}
LAPORAN = {
    "laporan_pengujian": "Pemulihan berhasil; pengalihan DNS lebih lambat dari rencana.",
    "rto_terpenuhi": False,
    "rpo_terpenuhi": True,
    "evaluasi_pengujian": "TTL DNS terlalu panjang menunda pengalihan.",
    "rekomendasi_penyempurnaan": "Turunkan TTL DNS; RTO 300 menit sampai DRC diperbesar.",
    "ajukan_perubahan": True,
    "judul_perubahan": "Turunkan TTL DNS SIMPEG",
    "uraian_perubahan": "TTL rekaman DNS SIMPEG diubah dari 1 jam menjadi 5 menit.",
    "alasan_perubahan": "Uji DRP: pengalihan ke DRC tertunda oleh TTL DNS.",
    "catat_versi_baru": True,
    "drp_baru": DRP_BARU,
}
TANPA_TINDAK_LANJUT = {
    **{k: v for k, v in LAPORAN.items() if k not in {"judul_perubahan", "drp_baru"}},
    "ajukan_perubahan": False,
    "catat_versi_baru": False,
    "rekomendasi_penyempurnaan": "tidak ada",
}
DISETUJUI = {"laporan_disetujui": True}
DIKEMBALIKAN = {"laporan_disetujui": False, "catatan_persetujuan": "Lampirkan log DNS."}


@pytest.fixture
def procedure():
    return Procedure(MODEL_ID, T0, requester="pj.layanan", drp=DRP_IN_FORCE)


def run_to_report(procedure, start=MULAI, by_timer=False):
    run = procedure.start(start, by_timer=by_timer)
    run.complete("rencana_pengujian", INFRA, RENCANA)
    run.complete("pelaksanaan_pengujian", INFRA, PELAKSANAAN)
    return run


def run_with_follow_up(procedure, report=LAPORAN):
    run = run_to_report(procedure)
    run.complete("laporan_evaluasi", INFRA, report)
    run.complete("persetujuan_laporan", OWNER, DIKEMBALIKAN)
    run.complete("laporan_evaluasi", INFRA, report)
    run.complete("persetujuan_laporan", OWNER, DISETUJUI)
    return run


def run_without_follow_up(procedure):
    run = run_to_report(procedure)
    run.complete("laporan_evaluasi", INFRA, TANPA_TINDAK_LANJUT)
    run.complete("persetujuan_laporan", OWNER, DISETUJUI)
    return run


# --------------------------------------------------------------------------- paths


def test_a_test_with_a_change_and_a_new_version(procedure):
    run = run_with_follow_up(procedure)
    assert run.completed
    assert run.reached("uji_drp_selesai") == 1
    assert run.reached("laporan_evaluasi") == 2
    data = run.data
    assert data["status_uji_drp"] == "selesai"
    assert data["versi_drp_diuji"] == 2
    # The app records the new version in the step where this flag is set.
    assert data["catat_versi_drp"] is True
    assert data["drp_baru"] == DRP_BARU
    assert data["nomor_referensi"] == "UJD-2026-000001"
    assert run.thrown() == [
        (
            CHANGE_MESSAGE,
            {
                "layanan": "SIMPEG",
                "judul": LAPORAN["judul_perubahan"],
                "uraian_perubahan": LAPORAN["uraian_perubahan"],
                "alasan_perubahan": LAPORAN["alasan_perubahan"],
                "sumber_perubahan": "kebutuhan_penyedia",
            },
        )
    ]


def test_only_a_new_version_or_only_a_change(procedure):
    only_version = {**LAPORAN, "ajukan_perubahan": False}
    run = run_with_follow_up(procedure, only_version)
    assert run.completed
    assert run.thrown() == []
    assert run.data["catat_versi_drp"] is True
    only_change = {**TANPA_TINDAK_LANJUT, **{k: LAPORAN[k] for k in LAPORAN if "perubahan" in k}}
    run = run_with_follow_up(Procedure(MODEL_ID, T0, "pj.layanan", drp=DRP_IN_FORCE), only_change)
    assert run.completed
    assert [name for name, _ in run.thrown()] == [CHANGE_MESSAGE]
    assert "catat_versi_drp" not in run.data


def test_a_test_without_follow_up(procedure):
    run = run_without_follow_up(procedure)
    assert run.completed
    assert run.thrown() == []
    assert "catat_versi_drp" not in run.data
    assert not run.reached("ajukan_perubahan_layanan")


def test_a_kritis_service_without_a_drp_is_tested_too():
    run = run_without_follow_up(Procedure(MODEL_ID, T0, "pj.layanan", drp=None))
    assert run.completed
    assert run.data["drp_berlaku"] is None
    assert run.data["versi_drp_diuji"] is None


def test_every_outgoing_flow_of_every_gateway_is_driven(procedure):
    taken = (
        run_with_follow_up(procedure).taken_flows()
        | run_without_follow_up(
            Procedure(MODEL_ID, T0, "pj.layanan", drp=DRP_IN_FORCE)
        ).taken_flows()
    )
    assert taken == gateway_flows(BPMN_FILE)


def test_a_start_by_the_scheduler_reaches_the_same_first_task(procedure):
    run = procedure.start({**MULAI, "periode": "2026"}, by_timer=True)
    assert run.ready_ids() == ["rencana_pengujian"]
    assert run.data["drp_berlaku"] == DRP_IN_FORCE


def test_tasks_route_to_their_lanes(procedure):
    model = procedure.model
    data = procedure.start_data(MULAI)
    lanes = {
        "rencana_pengujian": INFRA,
        "pelaksanaan_pengujian": INFRA,
        "laporan_evaluasi": INFRA,
        "persetujuan_laporan": OWNER,
    }
    assert set(model.user_tasks) == set(lanes)
    for bpmn_id, lane in lanes.items():
        route = route_for(model.user_tasks[bpmn_id], data, "pj.layanan")
        assert (route.lane, route.assignee, route.requires_role) == (lane, None, True)


def test_forms_reject_invalid_submissions(procedure):
    model = procedure.model

    def validator(task):
        properties = model.spec.task_specs[task].extensions["properties"]
        form_validator(properties)  # the schema and its UI schema are sound
        return properties

    rencana = validator("rencana_pengujian")
    assert_valid(rencana, RENCANA)
    assert_invalid(rencana, {**RENCANA, "langkah_pengujian": []})
    pelaksanaan = validator("pelaksanaan_pengujian")
    assert_valid(pelaksanaan, PELAKSANAAN)
    assert_invalid(pelaksanaan, {**PELAKSANAAN, "rto_tercapai_menit": -1})
    assert_invalid(pelaksanaan, {**PELAKSANAAN, "hasil_langkah": [{"langkah": "Uji DNS"}]})
    laporan = validator("laporan_evaluasi")
    assert_valid(laporan, LAPORAN)
    assert_valid(laporan, TANPA_TINDAK_LANJUT)
    assert_invalid(laporan, {k: v for k, v in LAPORAN.items() if k != "drp_baru"})
    assert_invalid(laporan, {k: v for k, v in LAPORAN.items() if k != "judul_perubahan"})
    assert_invalid(laporan, {**LAPORAN, "drp_baru": {**DRP_BARU, "opsi_pemulihan": "x"}})
    persetujuan = validator("persetujuan_laporan")
    assert_valid(persetujuan, DIKEMBALIKAN)
    assert_invalid(persetujuan, {"laporan_disetujui": False})
    start = validator(START_EVENT)
    assert_valid(start, {"layanan": "SIMPEG"})
    assert_invalid(start, {"judul": "tanpa layanan"})


def test_deploy_validation_accepts_the_model_without_warnings(procedure):
    model = procedure.model
    assert model.process_id == PROCESS_ID
    assert model.start_message == MODEL_ID
    assert model.reference_prefix == "UJD"
    assert model.drp_info == "required"
    assert model.timer_start is not None
    assert (model.timer_start.bpmn_id, model.timer_start.cycle) == (TIMER_START, "P1Y")
    assert model.start_roles == (
        "Penyedia Layanan",
        "Penanggung Jawab Penyedia Layanan",
        "Penanggung Jawab Infrastruktur dan Aplikasi",
    )
    assert validate_model(model, diagram.KNOWN_ROLES) == []


def test_the_diagram_has_its_lanes_decisions_and_loops():
    shipped = diagram.load(BPMN_FILE)
    assert shipped.lane_names() == [STARTER, INFRA, OWNER]
    assert len(shipped.split_gateways()) == len(shipped.conditions()) == 3
    assert shipped.loops() == {"f_disetujui_tidak"}
    starts = {start.get("id") for start in shipped.of_kind("startEvent")}
    assert starts == {START_EVENT, TIMER_START}
    for node in shipped.cited_nodes():
        assert CITATION in shipped.documentation(node), node.get("id")
        assert BANGKA in shipped.documentation(node), node.get("id")
    [timer] = [n for n in shipped.cited_nodes() if n.get("id") == TIMER_START]
    assert "tambahan produk (bukan ketentuan regulasi)" in shipped.documentation(timer)


def test_only_the_continuity_procedures_read_the_drp_at_their_start():
    """`drpInfo` makes the start read the service's DRP; no other model pays for it."""
    asking = {path.stem: deployed_model(path.stem).drp_info for path in PROCESSES.glob("*.bpmn")}
    assert {stem: wanted for stem, wanted in asking.items() if wanted} == {
        "pemulihan-layanan": "optional",
        "uji-drp": "required",
    }
