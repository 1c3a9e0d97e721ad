"""Every way through Evaluasi Manajemen Layanan (Perbup Bangka 21/2025, 2.3), through the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.engine.script_context import EVALUATION_CHAPTERS, empty_chapter
from tests.conftest import Auth
from tests.engine.test_evaluasi_model import (
    DISAHKAN,
    DISETUJUI,
    LAPORAN,
    MULAI,
    PELAYANAN,
    PENGOPERASIAN,
    TANPA_TINDAK_LANJUT,
    tracked,
)
from tests.paths.driver import Driver
from tests.web.conftest import client_sign_in

MODEL = "evaluasi"
ADMIN, INFRA, OFFICIAL, HEAD = "admin.layanan", "admin.infra", "pj.layanan", "pimpinan"
REVISI_REVIU = {"keputusan_reviu": "revisi", "catatan_reviu": "Bab pemulihan belum memuat RTO."}
REVISI_PENGESAHAN = {
    "keputusan_pengesahan": "revisi",
    "catatan_pengesahan": "Tambahkan komitmen anggaran.",
}
BELUM = {
    "daftar_tindak_lanjut": tracked("dalam_proses", "selesai"),
    "tindak_lanjut_selesai": False,
}
SELESAI = {"daftar_tindak_lanjut": tracked("selesai", "selesai"), "tindak_lanjut_selesai": True}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _inbox(drive: Driver, username: str, instance_id: int) -> list[str]:
    items = drive.auth.get(username, "/api/v1/tasks?per_page=200").json["items"]
    return [t["name"] for t in items if t["process_instance_id"] == instance_id]


def _started(drive: Driver) -> int:
    # A PD-wide evaluation: no service, scoped to the PD by its code, so the PD's own
    # Pimpinan (the demo's `pimpinan`, DISKOMINFO) gets the head's task.
    instance = drive.start(ADMIN, MODEL, {**MULAI, "perangkat_daerah": "DISKOMINFO"})
    assert instance["reference"].startswith("EVA-2026-")
    assert instance["service"] is None
    assert instance["data"]["perangkat_daerah_info"]["kode"] == "DISKOMINFO"
    # The chapters open with their recap counted from the records. The deployed demo has
    # no case yet, so no service is counted but in the monitoring chapter, where each
    # service's availability (no outage: 100 %) is its target;
    # tests/services/test_evaluation_recap.py has cases.
    for chapter in EVALUATION_CHAPTERS:
        recap = instance["data"][f"rekap_{chapter}"]
        if chapter != "pemantauan_pemeliharaan":
            assert recap == empty_chapter(), chapter
            continue
        assert recap["jumlah_layanan"] == recap["jumlah_mencapai_target"] > 0
        assert {s["ketersediaan_tercapai_persen"] for s in recap["layanan"]} == {100.0}
    return instance["id"]


def _written(drive: Driver, instance_id: int, laporan: dict[str, Any]) -> None:
    """Both chapters at once, each in its own role's inbox; then the report."""
    assert _inbox(drive, ADMIN, instance_id) == ["evaluasi_pelayanan_pengguna"]
    assert _inbox(drive, INFRA, instance_id) == ["evaluasi_pengoperasian"]
    drive.complete(INFRA, instance_id, "evaluasi_pengoperasian", PENGOPERASIAN, outsider=ADMIN)
    assert _inbox(drive, ADMIN, instance_id) == ["evaluasi_pelayanan_pengguna"]
    assert _inbox(drive, INFRA, instance_id) == []
    drive.complete(ADMIN, instance_id, "evaluasi_pelayanan_pengguna", PELAYANAN, outsider=INFRA)
    drive.complete(ADMIN, instance_id, "penyusunan_laporan", laporan, outsider=OFFICIAL)


def _reviewed(drive: Driver, instance_id: int, decision: dict[str, Any]) -> dict[str, Any]:
    return drive.complete(OFFICIAL, instance_id, "reviu_penanggung_jawab", decision, outsider=ADMIN)


def _adopted(drive: Driver, instance_id: int, decision: dict[str, Any]) -> dict[str, Any]:
    return drive.complete(HEAD, instance_id, "pengesahan_pimpinan", decision, outsider=OFFICIAL)


def test_sent_back_by_the_official_then_up_to_the_head(drive: Driver) -> None:
    instance_id = _started(drive)
    _written(drive, instance_id, TANPA_TINDAK_LANJUT)
    _reviewed(drive, instance_id, REVISI_REVIU)
    # Both chapters open again, each in its own inbox, with the official's note.
    _written(drive, instance_id, TANPA_TINDAK_LANJUT)
    reviewed = _reviewed(drive, instance_id, DISETUJUI)
    assert reviewed["status"] == "running"
    assert reviewed["data"]["catatan_reviu"] == REVISI_REVIU["catatan_reviu"]
    instance = drive.instance(ADMIN, instance_id)
    [head] = instance["tasks"]
    assert (head["name"], head["lane"]) == ("pengesahan_pimpinan", "Pimpinan PD Penyedia Layanan")
    completed = [e["data"]["task"] for e in instance["events"] if e["kind"] == "task_completed"]
    assert completed.count("evaluasi_pelayanan_pengguna") == 2
    assert completed.count("evaluasi_pengoperasian") == 2
    assert completed.count("reviu_penanggung_jawab") == 2
    assert len(completed) == 8


def test_adopted_without_follow_ups(drive: Driver) -> None:
    instance_id = _started(drive)
    _written(drive, instance_id, TANPA_TINDAK_LANJUT)
    _reviewed(drive, instance_id, DISETUJUI)
    done = _adopted(drive, instance_id, DISAHKAN)
    assert done["status"] == "complete"
    assert done["data"]["status_evaluasi"] == "selesai"
    assert done["data"]["ada_tindak_lanjut"] is False
    kinds = drive.kinds(ADMIN, instance_id)
    assert kinds.count("task_completed") == 5
    # The adopted report's PDF is attached in the step that adopted it.
    assert kinds.count("evaluation_report_attached") == 1


def test_sent_back_by_the_head_then_follow_ups_tracked_until_done(drive: Driver) -> None:
    instance_id = _started(drive)
    _written(drive, instance_id, LAPORAN)
    _reviewed(drive, instance_id, DISETUJUI)
    _adopted(drive, instance_id, REVISI_PENGESAHAN)
    _written(drive, instance_id, LAPORAN)
    _reviewed(drive, instance_id, DISETUJUI)
    _adopted(drive, instance_id, DISAHKAN)
    drive.complete(ADMIN, instance_id, "pemantauan_tindak_lanjut", BELUM, outsider=HEAD)
    done = drive.complete(ADMIN, instance_id, "pemantauan_tindak_lanjut", SELESAI)
    assert done["status"] == "complete"
    assert done["data"]["status_evaluasi"] == "selesai"
    assert done["data"]["tindak_lanjut_selesai"] is True
    assert drive.kinds(ADMIN, instance_id).count("task_completed") == 12


def test_an_unknown_pd_is_refused(drive: Driver) -> None:
    response = drive.auth.post(
        ADMIN,
        "/api/v1/process-instances",
        json={"process_model_id": MODEL, "data": {**MULAI, "perangkat_daerah": "TIDAK-ADA"}},
    )
    assert response.status_code == 422
    assert "perangkat_daerah" in response.json["errors"]


@pytest.mark.parametrize(
    ("switched_off", "layers"),
    [("reviu_penanggung_jawab", ["pengesahan_pimpinan"]), ("pengesahan_pimpinan", [])],
)
def test_a_layer_the_pd_switched_off_is_skipped(
    drive: Driver, switched_off: str, layers: list[str]
) -> None:
    """Review and sign-off are product additions (2.3 names neither): each is the PD's
    setting. Off for DISKOMINFO, the evaluation goes past it; with the review off the
    head still adopts, with the sign-off off the official's approval adopts."""
    response = drive.auth.client.put(
        "/api/v1/process-models/evaluasi/settings",
        headers=drive.auth.headers("admin"),
        json={"agency": "DISKOMINFO", "values": {switched_off: False}},
    )
    assert response.status_code == 200, response.json
    instance_id = _started(drive)
    _written(drive, instance_id, TANPA_TINDAK_LANJUT)
    if switched_off != "reviu_penanggung_jawab":
        _reviewed(drive, instance_id, DISETUJUI)
    if "pengesahan_pimpinan" in layers:
        assert _inbox(drive, OFFICIAL, instance_id) == []
        _adopted(drive, instance_id, DISAHKAN)
    done = drive.instance(ADMIN, instance_id)
    assert done["status"] == "complete"
    assert done["data"]["status_evaluasi"] == "selesai"
    assert done["data"]["pengaturan"][switched_off] is False
    assert drive.kinds(ADMIN, instance_id).count("evaluation_report_attached") == 1


def test_a_kabupaten_wide_evaluation_is_run_by_the_organising_pd(drive: Driver) -> None:
    """Perbup Bangka 21/2025, 2.3 angka 3: for the PD running communication and
    informatics, the evaluation shows SPBE service management as a whole. Left without a
    PD and naming DISKOMINFO as its organiser, the evaluation counts every PD, its
    chapters go to the kabupaten's staff, the review to a Penanggung Jawab holding the
    role everywhere (`pj.layanan`) and the sign-off to Diskominfo's head, no other PD's."""
    own = drive.start(ADMIN, MODEL, {**MULAI, "perangkat_daerah": "DISKOMINFO"})
    instance = drive.start(ADMIN, MODEL, {"periode": "2026-S2", "pd_penyelenggara": "DISKOMINFO"})
    instance_id = instance["id"]
    data = instance["data"]
    assert data["perangkat_daerah"] == ""
    assert data["pd_penyelenggara_info"]["kode"] == "DISKOMINFO"
    assert "perangkat_daerah_info" not in data

    def counted(recap: dict[str, Any]) -> set[str]:
        return {service["layanan"] for service in recap["rekap_pemantauan_pemeliharaan"]["layanan"]}

    # Every PD's services are counted, Diskominfo's among them.
    assert counted(own["data"]) < counted(data)
    assert "SIMPEG" in counted(data)  # BKPSDM's
    _written(drive, instance_id, LAPORAN)
    _reviewed(drive, instance_id, DISETUJUI)
    assert _inbox(drive, "pimpinan.bkpsdm", instance_id) == []
    assert _inbox(drive, HEAD, instance_id) == ["pengesahan_pimpinan"]
    done = _adopted(drive, instance_id, DISAHKAN)
    assert done["status"] == "running"  # the follow-ups are tracked
    assert done["data"]["laporan_evaluasi_disahkan"] is True
    assert drive.kinds(ADMIN, instance_id).count("evaluation_report_attached") == 1
    assert _inbox(drive, ADMIN, instance_id) == ["pemantauan_tindak_lanjut"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "pd_penyelenggara"),  # neither a PD nor an organiser
        ({"perangkat_daerah": ""}, "pd_penyelenggara"),
        ({"pd_penyelenggara": "TIDAK-ADA"}, "pd_penyelenggara"),
        ({"perangkat_daerah": "BKPSDM", "pd_penyelenggara": "DISKOMINFO"}, "pd_penyelenggara"),
    ],
)
def test_a_kabupaten_wide_evaluation_names_its_organiser_alone(
    drive: Driver, data: dict[str, Any], field: str
) -> None:
    response = drive.auth.post(
        ADMIN,
        "/api/v1/process-instances",
        json={"process_model_id": MODEL, "data": {"periode": "2026-S2", **data}},
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_the_start_page_starts_a_kabupaten_wide_evaluation(
    drive: Driver, client: FlaskClient
) -> None:
    """The start page offers the organising PD beside the PD; the PD left empty (a page
    leaves out an empty input) and Diskominfo named, the evaluation is the kabupaten's."""
    token = client_sign_in(client, ADMIN)
    page = client.get("/mulai/evaluasi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="pd_penyelenggara"' in html
    response = client.post(
        "/mulai/evaluasi",
        data={
            "csrf_token": token,
            "periode": "2026-S2",
            "perangkat_daerah": "",
            "pd_penyelenggara": "DISKOMINFO",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    instance_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    data = drive.instance(ADMIN, instance_id)["data"]
    assert (data["perangkat_daerah"], data["pd_penyelenggara_info"]["kode"]) == ("", "DISKOMINFO")
    # Both named: refused beside the organiser's field.
    refused = client.post(
        "/mulai/evaluasi",
        data={
            "csrf_token": token,
            "periode": "2026-S2",
            "perangkat_daerah": "BKPSDM",
            "pd_penyelenggara": "DISKOMINFO",
        },
    )
    assert refused.status_code == 422
