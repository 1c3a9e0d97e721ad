"""Every way through Manajemen Masalah (Perbup Bangka 21/2025, 2.2.1.3; Kepbup Polewali
Mandar 685/2021, II.2), through the API.

A permanent fix that needs a change starts Manajemen Perubahan as a child of the problem,
which does not wait for it. The known error the problem records is searchable by staff.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Auth
from tests.engine.test_manajemen_masalah_model import (
    AKAR_DITEMUKAN,
    AKAR_TIDAK,
    DENGAN_PERUBAHAN,
    DITERIMA,
    DITOLAK,
    EFEKTIF,
    KLASIFIKASI,
    KNOWN_ERROR,
    LAPORAN,
    PENANGANAN,
    PENGAJUAN,
    REVIU_ADA,
    REVIU_TIDAK,
    TANPA_PERUBAHAN,
    TEKNIS,
    TIDAK_EFEKTIF,
    TIKET,
)
from tests.paths.driver import Driver

MODEL = "manajemen-masalah"
CHANGE = "manajemen-perubahan"
# SIMPEG has no service-level holders: its tasks go to the holders everywhere.
ADMIN, INFRA, OFFICIAL = "admin.layanan", "admin.infra", "pj.layanan"
# SIAK has its own service desk officer: the Administrator Layanan everywhere may not act.
SIAK_ADMIN = "petugas.siak"
SIAK_PROBLEM = {
    "layanan": "SIAK",
    "judul": "Reviu gangguan SIAK November 2026",
    "uraian": "Reviu bulanan aduan SIAK; pencetakan KTP-el berhenti berulang kali.",
    "sumber_identifikasi": "aduan_berulang",
    "nomor_aduan": "ADU-2026-000131",
    "pola_insiden": "Antrean cetak KTP-el macet setiap akhir pekan.",
}
SIAK_KNOWN_ERROR = {
    "gejala_known_error": "Antrean cetak KTP-el macet; status dokumen tetap menunggu.",
    "akar_masalah": "Layanan antrean cetak kehabisan ruang penyimpanan sementara.",
    "solusi_sementara": "Kosongkan direktori sementara cetak lalu jalankan ulang antrean.",
}
SIAK_FIX = {
    "known_error": SIAK_KNOWN_ERROR,
    "solusi_permanen": "Pembersihan otomatis direktori sementara setiap malam.",
    "perlu_perubahan": False,
}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _started(drive: Driver, data: dict[str, Any] = PENGAJUAN, admin: str = ADMIN) -> dict[str, Any]:
    instance = drive.start(admin, MODEL, data)
    assert instance["reference"].startswith("MSL-2026-")
    assert instance["data"]["nomor_referensi"] == instance["reference"]
    assert instance["data"]["nomor_masalah"] == instance["reference"]
    assert instance["data"]["status_masalah"] == "reviu"
    return instance


def _opened(drive: Driver, data: dict[str, Any] = PENGAJUAN, admin: str = ADMIN) -> int:
    instance_id = _started(drive, data, admin)["id"]
    drive.complete(admin, instance_id, "reviu_gangguan", REVIU_ADA, outsider="pengguna")
    # The ticket on the complaint form (Tabel 7 no. 1 angka 2), for the problem's service.
    ticket = {**TIKET, "layanan": data["layanan"]}
    filed = drive.complete(admin, instance_id, "buat_tiket_gangguan", ticket, outsider="pengguna")
    assert filed["data"]["tiket_gangguan"]["dampak"] == TIKET["dampak"]
    assert filed["sla"] is None  # the ticket's impact gives the problem no complaint clocks
    opened = drive.complete(admin, instance_id, "klasifikasi_masalah", KLASIFIKASI)
    assert opened["data"]["status_masalah"] == "terbuka"
    return instance_id


def _fixed_and_effective(drive: Driver, instance_id: int, admin: str = ADMIN) -> None:
    """From a known error without a change: the fix applied, then monitored as effective."""
    drive.complete(admin, instance_id, "penanganan_akar_masalah", PENANGANAN)
    drive.complete(admin, instance_id, "pemantauan_solusi_permanen", EFEKTIF)


def _completed(drive: Driver, instance_id: int) -> list[str]:
    return [
        e["data"]["task"]
        for e in drive.instance(ADMIN, instance_id)["events"]
        if e["kind"] == "task_completed"
    ]


def _known_errors(auth: Auth, username: str, **query: str) -> Any:
    return auth.get(username, "/api/v1/known-errors", query_string=query)


def test_review_finds_no_problem(drive: Driver, auth: Auth) -> None:
    instance_id = _started(drive)["id"]
    done = drive.complete(ADMIN, instance_id, "reviu_gangguan", REVIU_TIDAK, outsider="pengguna")
    assert done["status"] == "complete"
    assert done["data"]["status_masalah"] == "tidak_ada_masalah"
    problem = drive.instance(ADMIN, instance_id)
    assert problem["children"] == []
    assert problem["tasks"] == []
    assert _completed(drive, instance_id) == ["reviu_gangguan"]
    # Nothing was recorded as a known error.
    found = _known_errors(auth, ADMIN, service="SIMPEG")
    assert found.status_code == 200, found.json
    assert found.json["total"] == 0


def test_root_cause_found_fixed_directly_and_closed_on_a_service_with_its_own_officer(
    drive: Driver, auth: Auth
) -> None:
    instance_id = _opened(drive, SIAK_PROBLEM, admin=SIAK_ADMIN)
    assert drive.instance(SIAK_ADMIN, instance_id)["service"] == "SIAK"
    drive.complete(
        SIAK_ADMIN, instance_id, "investigasi_akar_masalah", AKAR_DITEMUKAN, outsider=ADMIN
    )
    recorded = drive.complete(
        SIAK_ADMIN, instance_id, "pencatatan_known_error", SIAK_FIX, outsider=ADMIN
    )
    assert recorded["data"]["status_masalah"] == "known_error"
    _fixed_and_effective(drive, instance_id, admin=SIAK_ADMIN)
    drive.complete(SIAK_ADMIN, instance_id, "laporan_penyelesaian", LAPORAN)
    done = drive.complete(
        OFFICIAL, instance_id, "penerimaan_laporan", DITERIMA, outsider=SIAK_ADMIN
    )
    assert done["status"] == "complete"
    assert done["data"]["status_masalah"] == "ditutup"
    assert done["data"]["known_error"] == SIAK_KNOWN_ERROR
    problem = drive.instance(SIAK_ADMIN, instance_id)
    assert problem["children"] == []
    kinds = [e["kind"] for e in problem["events"]]
    assert "child_started" not in kinds
    assert "investigasi_teknis" not in _completed(drive, instance_id)
    assert len(_completed(drive, instance_id)) == 9

    # The service desk finds it by a word of its symptoms, staff only.
    found = _known_errors(auth, ADMIN, q="KTP-el")
    assert found.status_code == 200, found.json
    [known] = found.json["items"]
    assert known["problem"]["id"] == instance_id
    assert known["problem"]["reference"] == problem["reference"]
    assert known["problem"]["status"] == "complete"
    assert known["service"] == "SIAK"
    assert known["symptoms"] == SIAK_KNOWN_ERROR["gejala_known_error"]
    assert known["root_cause"] == SIAK_KNOWN_ERROR["akar_masalah"]
    assert known["workaround"] == SIAK_KNOWN_ERROR["solusi_sementara"]
    assert _known_errors(auth, "petugas.siak", q="antrean", service="SIAK").json["total"] == 1
    assert _known_errors(auth, ADMIN, q="KTP-el", service="SIMPEG").json["total"] == 0
    assert _known_errors(auth, "pengguna", q="KTP-el").status_code == 403


def test_escalated_with_a_change_not_effective_report_sent_back_then_closed(
    drive: Driver, auth: Auth
) -> None:
    """Root cause found only by the technical investigation; the fix needs a change (a
    child change starts), is not effective, is investigated again and fixed directly;
    the provider sends the report back once, then accepts it."""
    instance_id = _opened(drive)
    reference = drive.instance(ADMIN, instance_id)["reference"]
    drive.complete(ADMIN, instance_id, "investigasi_akar_masalah", AKAR_TIDAK, outsider=INFRA)
    drive.complete(INFRA, instance_id, "investigasi_teknis", TEKNIS, outsider=ADMIN)
    # Nothing is recorded before the known-error task.
    assert _known_errors(auth, ADMIN, q="galat 504").json["total"] == 0
    changed = drive.complete(ADMIN, instance_id, "pencatatan_known_error", DENGAN_PERUBAHAN)

    # The problem does not wait for the change: monitoring is ready at once.
    assert changed["status"] == "running"
    problem = drive.instance(ADMIN, instance_id)
    assert [t["name"] for t in problem["tasks"]] == ["pemantauan_solusi_permanen"]
    [started] = [e for e in problem["events"] if e["kind"] == "child_started"]
    [child] = problem["children"]
    assert child["process_model_id"] == CHANGE
    assert child["reference"].startswith("PRB-2026-")
    assert started["data"] == {
        "child": child["id"],
        "reference": child["reference"],
        "process_model_id": CHANGE,
    }
    change = drive.instance(ADMIN, child["id"])
    assert change["parent"] == {
        "id": instance_id,
        "reference": reference,
        "process_model_id": MODEL,
        "status": "running",
    }
    assert change["status"] == "running"
    assert change["service"] == "SIMPEG"
    assert change["started_by"] == ADMIN
    assert change["data"]["nomor_masalah"] == reference
    assert change["data"]["nomor_perubahan"] == child["reference"]
    assert change["data"]["judul"] == DENGAN_PERUBAHAN["judul_perubahan"]
    assert change["data"]["uraian_perubahan"] == DENGAN_PERUBAHAN["uraian_perubahan"]
    assert change["data"]["alasan_perubahan"] == DENGAN_PERUBAHAN["alasan_perubahan"]
    [started_event] = [e for e in change["events"] if e["kind"] == "instance_started"]
    assert started_event["data"]["parent"] == instance_id
    assert started_event["data"]["nomor_masalah"] == reference
    assert drive.task(ADMIN, child["id"], "kategorisasi_perubahan")

    found = _known_errors(auth, ADMIN, q="galat 504")
    assert found.status_code == 200, found.json
    [known] = found.json["items"]
    assert known["problem"]["reference"] == reference
    assert known["service"] == "SIMPEG"
    assert known["symptoms"] == KNOWN_ERROR["gejala_known_error"]
    assert known["workaround"] == KNOWN_ERROR["solusi_sementara"]
    assert _known_errors(auth, "pengguna", q="galat 504").status_code == 403

    # Not effective: back to the investigation, then fixed without a change.
    drive.complete(ADMIN, instance_id, "pemantauan_solusi_permanen", TIDAK_EFEKTIF)
    drive.complete(ADMIN, instance_id, "investigasi_akar_masalah", AKAR_DITEMUKAN)
    drive.complete(ADMIN, instance_id, "pencatatan_known_error", TANPA_PERUBAHAN)
    _fixed_and_effective(drive, instance_id)
    drive.complete(ADMIN, instance_id, "laporan_penyelesaian", LAPORAN, outsider="pengguna")
    # The provider sends the report back: investigated again.
    sent_back = drive.complete(OFFICIAL, instance_id, "penerimaan_laporan", DITOLAK, outsider=ADMIN)
    assert sent_back["status"] == "running"
    drive.complete(ADMIN, instance_id, "investigasi_akar_masalah", AKAR_DITEMUKAN)
    drive.complete(ADMIN, instance_id, "pencatatan_known_error", TANPA_PERUBAHAN)
    _fixed_and_effective(drive, instance_id)
    drive.complete(ADMIN, instance_id, "laporan_penyelesaian", LAPORAN)
    done = drive.complete(OFFICIAL, instance_id, "penerimaan_laporan", DITERIMA)

    assert done["status"] == "complete"
    assert done["data"]["status_masalah"] == "ditutup"
    assert done["data"]["nomor_masalah"] == reference
    assert done["sla"] is None  # a problem has no complaint or request clocks
    completed = _completed(drive, instance_id)
    assert completed.count("investigasi_akar_masalah") == 3
    assert completed.count("investigasi_teknis") == 1
    assert completed.count("pencatatan_known_error") == 3
    assert completed.count("penanganan_akar_masalah") == 2
    assert completed.count("pemantauan_solusi_permanen") == 3
    assert completed.count("penerimaan_laporan") == 2
    assert len(completed) == 19
    problem = drive.instance(ADMIN, instance_id)
    # One change only, still running on its own; one known error, updated in place.
    assert [c["id"] for c in problem["children"]] == [child["id"]]
    assert drive.instance(ADMIN, child["id"])["status"] == "running"
    assert [e["kind"] for e in problem["events"]].count("child_started") == 1
    assert _known_errors(auth, ADMIN, service="SIMPEG").json["total"] == 1


def test_acceptance_switched_off_kabupaten_wide_closes_after_informing(drive: Driver) -> None:
    """The provider's acceptance is a product addition (Tabel 7 no. 1 angka 6 asks only to
    inform the provider): switched off for the whole kabupaten, the report closes it."""
    response = drive.auth.client.put(
        "/api/v1/process-models/manajemen-masalah/settings",
        headers=drive.auth.headers("admin"),
        json={"agency": None, "values": {"penerimaan_laporan": False}},
    )
    assert response.status_code == 200, response.json
    instance_id = _opened(drive)
    drive.complete(ADMIN, instance_id, "investigasi_akar_masalah", AKAR_DITEMUKAN)
    drive.complete(ADMIN, instance_id, "pencatatan_known_error", TANPA_PERUBAHAN)
    _fixed_and_effective(drive, instance_id)
    done = drive.complete(ADMIN, instance_id, "laporan_penyelesaian", LAPORAN)
    assert done["status"] == "complete"
    assert done["data"]["status_masalah"] == "ditutup"
    assert "penerimaan_laporan" not in _completed(drive, instance_id)
