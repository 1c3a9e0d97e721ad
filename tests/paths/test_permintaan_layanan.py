"""Every way through Permintaan Layanan (Perbup Bangka 21/2025, 2.2.1.1), through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth
from tests.paths.driver import Driver
from tests.ticks import tick

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


def test_unconfirmed_for_the_pds_working_days_closes_by_itself(
    drive: Driver, platform: Platform
) -> None:
    """A product addition (setting batas_konfirmasi_hari_kerja, 5 by default): the request
    closes accepted without a rating, and its resolution clock stops when the confirmation
    was asked, not when the timer fired."""
    instance_id = _classified(drive, DIRECT, CLASSIFY)
    asked = drive.complete("pelaksana", instance_id, "pemenuhan_permintaan", FULFIL)
    assert asked["status"] != "complete"
    # Asked on Monday 23 Nov 2026; the close of the 5th working day after is Monday 30
    # Nov 16:00 WIB (09:00 UTC).
    tick(platform, datetime(2026, 11, 30, 8, 59, tzinfo=UTC))
    assert drive.instance("pengguna", instance_id)["status"] != "complete"
    tick(platform, datetime(2026, 11, 30, 9, 1, tzinfo=UTC))
    closed = drive.instance("pengguna", instance_id)
    assert closed["status"] == "complete"
    assert closed["data"]["ditutup_tanpa_konfirmasi"] is True
    assert closed["data"]["status_permintaan"] == "selesai"
    assert "kepuasan" not in closed["data"]
    assert "closed_unconfirmed" in [event["kind"] for event in closed["events"]]
    [fulfilled] = [
        event["at"]
        for event in closed["events"]
        if event["kind"] == "task_completed" and event["data"]["task"] == "pemenuhan_permintaan"
    ]
    assert closed["sla"]["resolved_at"] == fulfilled
