"""Every way through Permintaan Layanan (Perbup Bangka 21/2025, 2.2.1.1), through the API."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth
from tests.paths.driver import Driver

MODEL = "permintaan-layanan"
DIRECT = {**SAMPLE_REQUEST, "jenis_permintaan": "RESET-SANDI"}  # no approval needed
APPROVAL = SAMPLE_REQUEST  # AKUN-BARU needs approval
CLASSIFY = {
    "klasifikasi": "akses",
    "prioritas": "sedang",
    "gangguan": False,
    "pelaksana": "pelaksana",
}
FULFIL = {"hasil_pemenuhan": "Kata sandi direset dan dikirim lewat surel dinas."}
ACCEPT = {"konfirmasi": "diterima", "kepuasan": 5, "saran": "Cepat."}
REJECT = {"konfirmasi": "ditolak", "alasan_penolakan": "Sandi baru belum diterima."}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _classified(drive: Driver, data: dict[str, Any], classify: dict[str, Any]) -> int:
    instance = drive.start("pengguna", MODEL, data)
    drive.complete(
        "admin.layanan", instance["id"], "klasifikasi_prioritas", classify, outsider="pengguna"
    )
    return instance["id"]


def test_a_disruption_becomes_a_complaint(drive: Driver) -> None:
    classify = {"klasifikasi": "akses", "prioritas": "tinggi", "gangguan": True, "dampak": "Mayor"}
    instance_id = _classified(drive, DIRECT, classify)
    request = drive.instance("pengguna", instance_id)
    assert request["status"] == "complete"
    [complaint] = request["children"]
    assert complaint["process_model_id"] == "penanganan-aduan"
    assert request["sla"]["responded_at"] is not None


def test_without_approval_rejected_once_then_accepted(drive: Driver) -> None:
    instance_id = _classified(drive, DIRECT, CLASSIFY)
    for answer in (REJECT, ACCEPT):
        drive.complete(
            "pelaksana", instance_id, "pemenuhan_permintaan", FULFIL, outsider="admin.layanan"
        )
        done = drive.complete(
            "pengguna", instance_id, "konfirmasi_pemenuhan", answer, outsider="admin.layanan"
        )
    assert done["status"] == "complete"
    assert done["data"]["status_permintaan"] == "selesai"
    assert done["sla"]["resolved_at"] is not None
    assert drive.kinds("pengguna", instance_id).count("task_completed") == 5


def test_approval_refused(drive: Driver) -> None:
    instance_id = _classified(drive, APPROVAL, CLASSIFY)
    done = drive.complete(
        "pj.layanan",
        instance_id,
        "persetujuan_permintaan",
        {"disetujui": False, "catatan_persetujuan": "Belum ada SK penempatan."},
        outsider="admin.layanan",
    )
    assert done["status"] == "complete"
    assert done["data"]["status_permintaan"] == "ditolak"


def test_approval_granted_then_fulfilled_and_accepted(drive: Driver) -> None:
    instance_id = _classified(drive, APPROVAL, CLASSIFY)
    drive.complete(
        "pj.layanan",
        instance_id,
        "persetujuan_permintaan",
        {"disetujui": True},
        outsider="pengguna",
    )
    drive.complete("pelaksana", instance_id, "pemenuhan_permintaan", FULFIL, outsider="pengguna")
    done = drive.complete("pengguna", instance_id, "konfirmasi_pemenuhan", ACCEPT)
    assert done["status"] == "complete"
    assert done["sla"]["resolution_met"] is True
