"""Every way through Rilis Layanan (Perbup Bangka 21/2025, 2.2.2.3), through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Auth
from tests.engine.test_rilis_layanan_model import (
    BERHASIL,
    DISETUJUI,
    DITOLAK,
    EKSEKUSI,
    EVALUASI,
    GAGAL,
    LAPORAN,
    LAPORAN_GAGAL,
    PENERIMAAN,
    PENGAJUAN,
    PENGEMBANGAN,
    RENCANA,
    ROLLBACK_HENTIKAN,
    ROLLBACK_ULANG,
)
from tests.paths.driver import Driver

MODEL = "rilis-layanan"
# SIMPEG has no service-level administrator: its tasks go to the holders everywhere.
INFRA, OFFICIAL = "admin.infra", "pj.layanan"


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _developed(drive: Driver, data: dict[str, Any] = PENGAJUAN, infra: str = INFRA) -> int:
    instance = drive.start(infra, MODEL, data)
    assert instance["reference"].startswith("RIL-2026-")
    assert instance["data"]["nomor_referensi"] == instance["reference"]
    drive.complete(infra, instance["id"], "pengembangan_layanan", PENGEMBANGAN, outsider="pengguna")
    return instance["id"]


def _planned(drive: Driver, instance_id: int, rejections: int = 0, infra: str = INFRA) -> None:
    for _ in range(rejections):
        drive.complete(infra, instance_id, "penyusunan_rencana_rilis", RENCANA)
        drive.complete(OFFICIAL, instance_id, "persetujuan_rencana_rilis", DITOLAK, outsider=infra)
    drive.complete(infra, instance_id, "penyusunan_rencana_rilis", RENCANA, outsider=OFFICIAL)
    drive.complete(OFFICIAL, instance_id, "persetujuan_rencana_rilis", DISETUJUI)
    drive.complete(infra, instance_id, "eksekusi_rilis", EKSEKUSI)


def _reported(
    drive: Driver, instance_id: int, laporan: dict[str, Any], infra: str = INFRA
) -> dict[str, Any]:
    drive.complete(infra, instance_id, "evaluasi_rilis", EVALUASI)
    drive.complete(infra, instance_id, "laporan_hasil_rilis", laporan)
    return drive.complete(
        OFFICIAL, instance_id, "penerimaan_laporan_rilis", PENERIMAAN, outsider="pengguna"
    )


def _undelivered(drive: Driver, instance_id: int) -> list[dict[str, Any]]:
    """A release started by hand has no parent waiting for `rilis-layanan-selesai`."""
    events = drive.instance(INFRA, instance_id)["events"]
    return [e for e in events if e["kind"] == "message_undelivered"]


def test_approved_tested_and_released(drive: Driver) -> None:
    instance_id = _developed(drive)
    _planned(drive, instance_id)
    drive.complete(INFRA, instance_id, "pengujian_rilis", BERHASIL, outsider=OFFICIAL)
    done = _reported(drive, instance_id, LAPORAN)
    assert done["status"] == "complete"
    assert done["data"]["status_rilis"] == "berhasil"
    assert done["data"]["rilis_berhasil"] is True
    kinds = drive.kinds(INFRA, instance_id)
    assert kinds.count("task_completed") == 8
    assert "child_started" not in kinds
    [undelivered] = _undelivered(drive, instance_id)
    assert undelivered["data"]["message"] == "rilis-layanan-selesai"


def test_plan_rejected_release_failed_rolled_back_planned_again(drive: Driver) -> None:
    instance_id = _developed(drive)
    _planned(drive, instance_id, rejections=1)
    drive.complete(INFRA, instance_id, "pengujian_rilis", GAGAL)
    drive.complete(INFRA, instance_id, "rollback_rilis", ROLLBACK_ULANG, outsider="pimpinan")
    # Back to the plan and its approval, then executed and tested again.
    _planned(drive, instance_id)
    drive.complete(INFRA, instance_id, "pengujian_rilis", BERHASIL)
    done = _reported(drive, instance_id, LAPORAN)
    assert done["status"] == "complete"
    assert done["data"]["status_rilis"] == "berhasil"
    completed = [
        e["data"]["task"]
        for e in drive.instance(INFRA, instance_id)["events"]
        if e["kind"] == "task_completed"
    ]
    assert completed.count("penyusunan_rencana_rilis") == 3
    assert completed.count("persetujuan_rencana_rilis") == 3
    assert completed.count("pengujian_rilis") == 2
    assert completed.count("rollback_rilis") == 1
    assert len(completed) == 15


def test_failed_release_rolled_back_and_ended_on_a_service_with_its_own_administrator(
    drive: Driver,
) -> None:
    # SIPKD has a service-level administrator (teknis.sipkd): the one everywhere may not act.
    infra = "teknis.sipkd"
    instance_id = _developed(drive, {**PENGAJUAN, "layanan": "SIPKD"}, infra=infra)
    assert drive.instance(infra, instance_id)["service"] == "SIPKD"
    _planned(drive, instance_id, infra=infra)
    drive.complete(infra, instance_id, "pengujian_rilis", GAGAL, outsider=INFRA)
    drive.complete(infra, instance_id, "rollback_rilis", ROLLBACK_HENTIKAN, outsider=INFRA)
    done = _reported(drive, instance_id, LAPORAN_GAGAL, infra=infra)
    assert done["status"] == "complete"
    assert done["data"]["status_rilis"] == "gagal"
    assert done["data"]["rilis_berhasil"] is False
    assert drive.kinds(infra, instance_id).count("task_completed") == 9
