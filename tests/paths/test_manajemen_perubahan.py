"""Every way through Manajemen Perubahan (Kepbup Polewali Mandar 685/2021, II.4; Perbup
Bangka 21/2025, 2.1.2.5), through the API.

A change that needs a release starts Rilis Layanan as its child and waits for it: the
release is driven through its own tasks, and its end (`rilis-layanan-selesai`) lets the
change go on to verification, or closes it as failed. A change implemented directly whose
implementation asks for it (`perlu_verifikasi`) starts Verifikasi Komponen Konfigurasi as
its child when it closes (Kepbup Polewali Mandar 685/2021, II.3.e.3).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Auth
from tests.engine import test_rilis_layanan_model as release
from tests.engine.test_manajemen_perubahan_model import (
    GAGAL_VERIFIKASI,
    IMPLEMENTASI,
    KAJIAN,
    PENERIMAAN,
    PENGAJUAN,
    PERLU_VERIFIKASI,
    SETUJU,
    TERVERIFIKASI,
    TOLAK,
    kategorisasi,
    penjadwalan,
)
from tests.paths.driver import Driver

MODEL = "manajemen-perubahan"
RELEASE = "rilis-layanan"
VERIFICATION = "verifikasi-konfigurasi"
DONE = "rilis-layanan-selesai"
REQUESTER = "penyedia"
# SIMPEG has no service-level holders: its tasks go to the holders everywhere.
ADMIN, INFRA, OFFICIAL = "admin.layanan", "admin.infra", "pj.layanan"
# SIPKD has its own Administrator Infrastruktur dan Aplikasi: the one everywhere may not act.
SIPKD_INFRA = "teknis.sipkd"
# The release plan is approved, and its result received, by the Penyedia Layanan of the
# service's PD (Perbup Bangka 21/2025, 2.2.2.3, Tabel 10 no. 2): SIMPEG's BKPSDM, SIPKD's BPKAD.
RELEASE_PROVIDER = {"SIMPEG": "penyedia.bkpsdm", "SIPKD": "penyedia.bpkad"}
SIPKD_CHANGE = {
    "layanan": "SIPKD",
    "judul": "Pembaruan modul penatausahaan SIPKD",
    "uraian_perubahan": "Modul penatausahaan diperbarui ke format SPP/SPM 2027.",
    "alasan_perubahan": "Format dokumen baru wajib mulai tahun anggaran 2027.",
    "sumber_perubahan": "kebutuhan_penyedia",
}
ITEMS = "/api/v1/configuration-items"
#: The server SIPKD runs on, which the change names (issue 14, items 2 and 4).
SIPKD_SERVER = {
    "type": "server",
    "name": "SRV-UJI-SIPKD",
    "agency": "BPKAD",
    "attributes": {"serial_number": "SN-SIPKD-1", "ram_gb": 8},
    "services": ["SIPKD"],
}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _filed(drive: Driver, data: dict[str, Any] = PENGAJUAN) -> int:
    instance = drive.start(REQUESTER, MODEL, data)
    assert instance["reference"].startswith("PRB-2026-")
    assert instance["data"]["nomor_referensi"] == instance["reference"]
    assert instance["data"]["nomor_perubahan"] == instance["reference"]
    assert instance["data"]["status_perubahan"] == "diajukan"
    assert instance["parent"] is None
    return instance["id"]


def _completed(drive: Driver, instance_id: int) -> list[str]:
    return [
        e["data"]["task"]
        for e in drive.instance(ADMIN, instance_id)["events"]
        if e["kind"] == "task_completed"
    ]


def _released(drive: Driver, change_id: int, infra: str = INFRA) -> dict[str, Any]:
    """Scheduled with a release: the change waits for its `rilis-layanan` child."""
    waiting = drive.complete(infra, change_id, "penjadwalan_perubahan", penjadwalan(True))
    assert waiting["status"] == "waiting"
    change = drive.instance(ADMIN, change_id)
    assert change["status"] == "waiting"
    assert change["tasks"] == []
    [started] = [e for e in change["events"] if e["kind"] == "child_started"]
    [child] = [c for c in change["children"] if c["id"] == started["data"]["child"]]
    assert child["process_model_id"] == RELEASE
    assert child["reference"].startswith("RIL-2026-")
    assert started["data"]["reference"] == child["reference"]
    rilis = drive.instance(infra, child["id"])
    assert rilis["parent"] == {
        "id": change_id,
        "reference": change["reference"],
        "process_model_id": MODEL,
        "status": "waiting",
    }
    assert rilis["status"] == "running"
    assert rilis["started_by"] == REQUESTER
    assert rilis["service"] == change["service"]
    assert rilis["data"]["nomor_perubahan"] == change["reference"]
    assert rilis["data"]["nomor_referensi"] == child["reference"]
    assert rilis["data"]["judul"] == change["data"]["judul"]
    assert rilis["data"]["uraian_perubahan"] == change["data"]["uraian_perubahan"]
    return child


def _release_provider(drive: Driver, release_id: int) -> str:
    return RELEASE_PROVIDER[drive.instance(INFRA, release_id)["service"]]


def _release_developed_and_executed(drive: Driver, release_id: int, infra: str = INFRA) -> None:
    provider = _release_provider(drive, release_id)
    drive.complete(infra, release_id, "pengembangan_layanan", release.PENGEMBANGAN)
    drive.complete(infra, release_id, "penyusunan_rencana_rilis", release.RENCANA)
    drive.complete(
        provider, release_id, "persetujuan_rencana_rilis", release.DISETUJUI, outsider=OFFICIAL
    )
    drive.complete(infra, release_id, "eksekusi_rilis", release.EKSEKUSI)


def _release_reported(
    drive: Driver, release_id: int, laporan: dict[str, Any], infra: str = INFRA
) -> dict[str, Any]:
    drive.complete(infra, release_id, "evaluasi_rilis", release.EVALUASI)
    drive.complete(infra, release_id, "laporan_hasil_rilis", laporan)
    provider = _release_provider(drive, release_id)
    return drive.complete(
        provider, release_id, "penerimaan_laporan_rilis", release.PENERIMAAN, outsider=OFFICIAL
    )


def _received(drive: Driver, change_id: int, release_id: int) -> dict[str, Any]:
    """The change got the release's done message from its child."""
    events = drive.instance(ADMIN, change_id)["events"]
    [received] = [e for e in events if e["kind"] == "message_received"]
    assert received["data"]["message"] == DONE
    assert received["data"]["from"] == release_id
    kinds = drive.kinds(INFRA, release_id)
    assert "message_undelivered" not in kinds
    return received


def test_assessed_approved_released_verified_and_accepted(drive: Driver) -> None:
    change_id = _filed(drive)
    categorised = drive.complete(
        ADMIN, change_id, "kategorisasi_perubahan", kategorisasi("normal"), outsider=REQUESTER
    )
    assert categorised["data"]["tingkat_persetujuan"] == "penanggung_jawab_penyedia_layanan"
    drive.complete(INFRA, change_id, "kajian_perubahan", KAJIAN, outsider=ADMIN)
    drive.complete(OFFICIAL, change_id, "persetujuan_perubahan", SETUJU, outsider=INFRA)
    child = _released(drive, change_id)

    # The release runs through its own tasks; the change waits meanwhile.
    _release_developed_and_executed(drive, child["id"])
    drive.complete(INFRA, child["id"], "pengujian_rilis", release.BERHASIL)
    assert drive.instance(ADMIN, change_id)["status"] == "waiting"
    done_release = _release_reported(drive, child["id"], release.LAPORAN)
    assert done_release["status"] == "complete"
    assert done_release["data"]["status_rilis"] == "berhasil"

    received = _received(drive, change_id, child["id"])
    assert received["data"]["payload"] == {
        "rilis_berhasil": True,
        "laporan_rilis": release.LAPORAN["laporan_rilis"],
    }
    change = drive.instance(ADMIN, change_id)
    assert change["status"] == "running"
    assert change["data"]["rilis_berhasil"] is True
    assert change["data"]["laporan_rilis"] == release.LAPORAN["laporan_rilis"]
    assert [c["status"] for c in change["children"]] == ["complete"]

    drive.complete(ADMIN, change_id, "verifikasi_perubahan", TERVERIFIKASI, outsider="pengguna")
    done = drive.complete(OFFICIAL, change_id, "penerimaan_perubahan", PENERIMAAN, outsider=ADMIN)
    assert done["status"] == "complete"
    assert done["data"]["status_perubahan"] == "selesai"
    assert done["sla"] is None  # a change has no complaint or request clocks
    assert done["data"]["terapkan_pembaruan_komponen"] is True  # nothing recorded to apply
    assert "configuration_updated" not in drive.kinds(ADMIN, change_id)
    assert _completed(drive, change_id) == [
        "kategorisasi_perubahan",
        "kajian_perubahan",
        "persetujuan_perubahan",
        "penjadwalan_perubahan",
        "verifikasi_perubahan",
        "penerimaan_perubahan",
    ]
    # Released: a verification is the release's to ask for, not the change's.
    assert [c["process_model_id"] for c in drive.instance(ADMIN, change_id)["children"]] == [
        RELEASE
    ]


@pytest.mark.parametrize("verify", [True, False], ids=["verifikasi", "tanpa-verifikasi"])
def test_implemented_directly_and_closed_starts_a_verification_when_asked(
    drive: Driver, verify: bool
) -> None:
    """Kepbup Polewali Mandar 685/2021, II.3.e.3): the implementation says whether the
    change needs a configuration verification; when it does, the closed change starts
    `verifikasi-konfigurasi` as its child, for its service (so its PD), citing it."""
    change_id = _filed(drive)
    drive.complete(ADMIN, change_id, "kategorisasi_perubahan", kategorisasi("standar"))
    drive.complete(INFRA, change_id, "penjadwalan_perubahan", penjadwalan(False))
    implemented = PERLU_VERIFIKASI if verify else IMPLEMENTASI
    drive.complete(INFRA, change_id, "implementasi_perubahan", implemented)
    drive.complete(ADMIN, change_id, "verifikasi_perubahan", TERVERIFIKASI)
    assert drive.instance(ADMIN, change_id)["children"] == []  # not before it closes
    done = drive.complete(OFFICIAL, change_id, "penerimaan_perubahan", PENERIMAAN)
    assert done["status"] == "complete"
    assert done["data"]["status_perubahan"] == "selesai"
    assert done["data"]["perlu_verifikasi"] is verify
    change = drive.instance(ADMIN, change_id)
    if not verify:
        assert change["children"] == []
        assert "child_started" not in drive.kinds(ADMIN, change_id)
        return
    [started] = [e for e in change["events"] if e["kind"] == "child_started"]
    [child] = change["children"]
    assert child["process_model_id"] == VERIFICATION
    assert child["reference"].startswith("VKK-2026-")
    assert started["data"]["child"] == child["id"]
    verification = drive.instance(INFRA, child["id"])
    assert verification["status"] == "running"
    assert verification["parent"] == {
        "id": change_id,
        "reference": change["reference"],
        "process_model_id": MODEL,
        "status": "complete",
    }
    assert verification["service"] == change["service"] == "SIMPEG"  # and so its PD
    assert verification["data"]["alasan_verifikasi"] == "perubahan"
    assert verification["data"]["rujukan"] == change["reference"]
    # It waits for the infrastructure administrator's check of the service's items.
    assert drive.task(INFRA, child["id"], "pemeriksaan_komponen")


def test_rejected_with_a_reason(drive: Driver) -> None:
    change_id = _filed(drive)
    categorised = drive.complete(
        ADMIN, change_id, "kategorisasi_perubahan", kategorisasi("darurat")
    )
    assert categorised["data"]["tingkat_persetujuan"] == "penanggung_jawab_penyedia_layanan_segera"
    assessment = {
        **KAJIAN,
        "rekomendasi_kajian": "tolak",
        "catatan_rekomendasi": "Risiko terlalu besar.",
    }
    drive.complete(INFRA, change_id, "kajian_perubahan", assessment, outsider="pengguna")
    done = drive.complete(OFFICIAL, change_id, "persetujuan_perubahan", TOLAK, outsider=ADMIN)
    assert done["status"] == "complete"
    assert done["data"]["status_perubahan"] == "ditolak"
    assert done["data"]["alasan_penolakan"] == TOLAK["alasan_penolakan"]
    change = drive.instance(ADMIN, change_id)
    assert change["children"] == []
    assert "child_started" not in [e["kind"] for e in change["events"]]
    assert len(_completed(drive, change_id)) == 3


def test_standard_change_implemented_directly_fails_verification_then_release_fails(
    drive: Driver, auth: Auth
) -> None:
    """Pre-approved; implemented without a release, not verified, scheduled again with a
    release, which fails, is rolled back and given up: the change closes as failed, and
    the item updates its implementation recorded never reach the CMDB."""
    server = auth.post("admin", ITEMS, json=SIPKD_SERVER)
    assert server.status_code == 201, server.json
    item_id = server.json["id"]
    change_id = _filed(drive, SIPKD_CHANGE)
    assert drive.instance(ADMIN, change_id)["service"] == "SIPKD"
    categorised = drive.complete(
        ADMIN,
        change_id,
        "kategorisasi_perubahan",
        {**kategorisasi("standar"), "komponen_cmdb": [item_id]},
    )
    assert categorised["data"]["tingkat_persetujuan"] == "pra_disetujui"
    # No assessment and no approval: straight to scheduling, by SIPKD's own administrator.
    drive.complete(
        SIPKD_INFRA, change_id, "penjadwalan_perubahan", penjadwalan(False), outsider=INFRA
    )
    implemented = {
        **IMPLEMENTASI,
        "pembaruan_komponen": [{"komponen": item_id, "atribut": {"ram_gb": 64}}],
    }
    drive.complete(SIPKD_INFRA, change_id, "implementasi_perubahan", implemented, outsider=INFRA)
    rescheduled = drive.complete(ADMIN, change_id, "verifikasi_perubahan", GAGAL_VERIFIKASI)
    assert rescheduled["status"] == "running"
    assert drive.instance(ADMIN, change_id)["children"] == []

    child = _released(drive, change_id, infra=SIPKD_INFRA)
    _release_developed_and_executed(drive, child["id"], infra=SIPKD_INFRA)
    drive.complete(SIPKD_INFRA, child["id"], "pengujian_rilis", release.GAGAL, outsider=INFRA)
    drive.complete(SIPKD_INFRA, child["id"], "rollback_rilis", release.ROLLBACK_HENTIKAN)
    done_release = _release_reported(drive, child["id"], release.LAPORAN_GAGAL, infra=SIPKD_INFRA)
    assert done_release["status"] == "complete"
    assert done_release["data"]["status_rilis"] == "gagal"

    received = _received(drive, change_id, child["id"])
    assert received["data"]["payload"] == {
        "rilis_berhasil": False,
        "laporan_rilis": release.LAPORAN_GAGAL["laporan_rilis"],
    }
    change = drive.instance(ADMIN, change_id)
    assert change["status"] == "complete"
    assert change["tasks"] == []
    assert change["data"]["status_perubahan"] == "gagal"
    assert change["data"]["rilis_berhasil"] is False
    assert change["data"]["laporan_rilis"] == release.LAPORAN_GAGAL["laporan_rilis"]
    assert _completed(drive, change_id) == [
        "kategorisasi_perubahan",
        "penjadwalan_perubahan",
        "implementasi_perubahan",
        "verifikasi_perubahan",
        "penjadwalan_perubahan",
    ]
    item = auth.get(ADMIN, f"{ITEMS}/{item_id}").json
    assert [row["action"] for row in item["history"]] == ["created"]
    assert item["attributes"]["ram_gb"] == 8
    assert [case["id"] for case in item["cases"]] == [change_id]
    assert "configuration_updated" not in drive.kinds(ADMIN, change_id)
