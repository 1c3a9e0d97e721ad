"""Every way through Rilis Layanan (Perbup Bangka 21/2025, 2.2.2.3), through the API.

Who does each step is Tabel 10's: the Pengelola Infrastruktur dan Aplikasi (the
Administrator Infrastruktur dan Aplikasi) develops, plans, executes, tests, evaluates and
reports (no. 1); the Penyedia Layanan of the service's PD checks and approves the plan and
gets the result (no. 2). The Penanggung Jawab Penyedia Layanan, and the Penyedia Layanan of
another PD, are refused both steps. A successful release whose execution asks for it
(`perlu_verifikasi`) starts Verifikasi Komponen Konfigurasi as its child as it ends
(Kepbup Polewali Mandar 685/2021, II.3.e.3).
"""

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
    PERLU_VERIFIKASI,
    RENCANA,
    ROLLBACK_HENTIKAN,
    ROLLBACK_ULANG,
)
from tests.paths.driver import Driver

MODEL = "rilis-layanan"
# SIMPEG has no service-level administrator: its tasks go to the holders everywhere.
INFRA = "admin.infra"
# SIMPEG is BKPSDM's: its Penyedia Layanan approves the plan and gets the result (Tabel 10
# no. 2); SIPKD is BPKAD's.
PROVIDER, SIPKD_PROVIDER = "penyedia.bkpsdm", "penyedia.bpkad"
# The service owner, everywhere: Tabel 10 does not name the Penanggung Jawab.
OWNER = "pj.layanan"
PROVIDERS = (PROVIDER, SIPKD_PROVIDER, "penyedia")  # BKPSDM, BPKAD, DISKOMINFO


def _wrong_users(provider: str) -> tuple[str, ...]:
    """Who may not act for `provider`: the service owner and the other PDs' providers."""
    return (OWNER, *(p for p in PROVIDERS if p != provider))


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _developed(drive: Driver, data: dict[str, Any] = PENGAJUAN, infra: str = INFRA) -> int:
    instance = drive.start(infra, MODEL, data)
    assert instance["reference"].startswith("RIL-2026-")
    assert instance["data"]["nomor_referensi"] == instance["reference"]
    drive.complete(infra, instance["id"], "pengembangan_layanan", PENGEMBANGAN, outsider="pengguna")
    return instance["id"]


def _refused(drive: Driver, holder: str, instance_id: int, name: str, *others: str) -> None:
    """Task `name`, in `holder`'s inbox, is in no inbox of `others`, who may not complete it."""
    task_id = drive.task(holder, instance_id, name)
    for username in others:
        inbox = drive.auth.get(username, "/api/v1/tasks?per_page=200").json["items"]
        assert task_id not in [t["id"] for t in inbox], (username, name)
        refused = drive.auth.post(username, f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
        assert refused.status_code == 403, (username, name, refused.json)


def _planned(
    drive: Driver,
    instance_id: int,
    rejections: int = 0,
    infra: str = INFRA,
    provider: str = PROVIDER,
    eksekusi: dict[str, Any] = EKSEKUSI,
) -> None:
    for _ in range(rejections):
        drive.complete(infra, instance_id, "penyusunan_rencana_rilis", RENCANA)
        drive.complete(provider, instance_id, "persetujuan_rencana_rilis", DITOLAK, outsider=infra)
    drive.complete(infra, instance_id, "penyusunan_rencana_rilis", RENCANA, outsider=provider)
    _refused(drive, provider, instance_id, "persetujuan_rencana_rilis", *_wrong_users(provider))
    drive.complete(provider, instance_id, "persetujuan_rencana_rilis", DISETUJUI)
    drive.complete(infra, instance_id, "eksekusi_rilis", eksekusi, outsider=provider)


def _reported(
    drive: Driver,
    instance_id: int,
    laporan: dict[str, Any],
    infra: str = INFRA,
    provider: str = PROVIDER,
) -> dict[str, Any]:
    drive.complete(infra, instance_id, "evaluasi_rilis", EVALUASI)
    drive.complete(infra, instance_id, "laporan_hasil_rilis", laporan, outsider=provider)
    _refused(drive, provider, instance_id, "penerimaan_laporan_rilis", *_wrong_users(provider))
    return drive.complete(
        provider, instance_id, "penerimaan_laporan_rilis", PENERIMAAN, outsider="pengguna"
    )


def _undelivered(drive: Driver, instance_id: int) -> list[dict[str, Any]]:
    """A release started by hand has no parent waiting for `rilis-layanan-selesai`."""
    events = drive.instance(INFRA, instance_id)["events"]
    return [e for e in events if e["kind"] == "message_undelivered"]


def test_approved_tested_and_released(drive: Driver) -> None:
    instance_id = _developed(drive)
    _planned(drive, instance_id)
    drive.complete(INFRA, instance_id, "pengujian_rilis", BERHASIL, outsider=PROVIDER)
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
    # BPKAD's Penyedia Layanan approves the plan and gets the result; BKPSDM's may not.
    _planned(drive, instance_id, infra=infra, provider=SIPKD_PROVIDER)
    drive.complete(infra, instance_id, "pengujian_rilis", GAGAL, outsider=INFRA)
    drive.complete(infra, instance_id, "rollback_rilis", ROLLBACK_HENTIKAN, outsider=INFRA)
    done = _reported(drive, instance_id, LAPORAN_GAGAL, infra=infra, provider=SIPKD_PROVIDER)
    assert done["status"] == "complete"
    assert done["data"]["status_rilis"] == "gagal"
    assert done["data"]["rilis_berhasil"] is False
    assert drive.kinds(infra, instance_id).count("task_completed") == 9


def test_released_with_a_configuration_verification(drive: Driver) -> None:
    """The execution asks for a verification: the successful release starts
    `verifikasi-konfigurasi` for its service as its child, citing it."""
    instance_id = _developed(drive)
    _planned(drive, instance_id, eksekusi=PERLU_VERIFIKASI)
    drive.complete(INFRA, instance_id, "pengujian_rilis", BERHASIL)
    assert drive.instance(INFRA, instance_id)["children"] == []  # not before it ends
    done = _reported(drive, instance_id, LAPORAN)
    assert done["status"] == "complete"
    assert done["data"]["status_rilis"] == "berhasil"
    release = drive.instance(INFRA, instance_id)
    [child] = release["children"]
    assert child["process_model_id"] == "verifikasi-konfigurasi"
    verification = drive.instance(INFRA, child["id"])
    assert verification["status"] == "running"
    assert verification["parent"]["id"] == instance_id
    assert verification["service"] == release["service"] == "SIMPEG"
    assert verification["data"]["alasan_verifikasi"] == "rilis"
    assert verification["data"]["rujukan"] == release["reference"]
    assert drive.task(INFRA, child["id"], "pemeriksaan_komponen")
