"""Every way through Verifikasi Komponen Konfigurasi (Kepbup Polewali Mandar 685/2021,
II.3.e), through the API, with the CMDB: the result kept as a baseline whose source is the
verification, and a difference no closed change accounts for flagged as unauthorised
(`tidak_sah`), raising a complaint rather than a change (issue 14, items 3 and 4)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Auth
from tests.engine.test_manajemen_perubahan_model import (
    IMPLEMENTASI,
    PENERIMAAN,
    TERVERIFIKASI,
    kategorisasi,
    penjadwalan,
)
from tests.engine.test_verifikasi_konfigurasi_model import DISETUJUI, PERIKSA_ULANG
from tests.paths.driver import Driver

MODEL = "verifikasi-konfigurasi"
ITEMS = "/api/v1/configuration-items"
BASELINES = "/api/v1/configuration-baselines"
MULAI = {"layanan": "SRIKANDI", "alasan_verifikasi": "berkala"}
# SRIKANDI is DISKOMINFO's; its holders are those everywhere (and its PD's provider).
INFRA, OWNER, PROVIDER, ADMIN = "admin.infra", "pj.layanan", "penyedia", "admin.layanan"


def _server(name: str, serial: str) -> dict[str, Any]:
    return {
        "type": "server",
        "name": name,
        "agency": "DISKOMINFO",
        "attributes": {"serial_number": serial, "ram_gb": 32},
        "services": ["SRIKANDI"],
    }


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


@pytest.fixture
def servers(auth: Auth) -> list[int]:
    """Two servers SRIKANDI runs on."""
    ids = []
    for name, serial in (("SRV-UJI-SRIKANDI-1", "SN-VK-1"), ("SRV-UJI-SRIKANDI-2", "SN-VK-2")):
        created = auth.post("admin", ITEMS, json=_server(name, serial))
        assert created.status_code == 201, created.json
        ids.append(created.json["id"])
    return ids


def _started(drive: Driver) -> int:
    instance = drive.start(INFRA, MODEL, MULAI)
    assert instance["reference"].startswith("VKK-2026-")
    assert instance["service"] == "SRIKANDI"
    return instance["id"]


def _baseline(auth: Auth, instance_id: int) -> dict[str, Any]:
    listed = auth.get(INFRA, f"{BASELINES}?per_page=100").json["items"]
    [found] = [b for b in listed if b["source_instance_id"] == instance_id]
    return auth.get(INFRA, f"{BASELINES}/{found['id']}").json


def test_everything_found_sent_back_then_kept_as_a_baseline(
    drive: Driver, auth: Auth, servers: list[int]
) -> None:
    instance_id = _started(drive)
    found = {"hasil_verifikasi": [{"komponen": i, "keberadaan": "ditemukan"} for i in servers]}
    drive.complete(INFRA, instance_id, "pemeriksaan_komponen", found, outsider=PROVIDER)
    drive.complete(OWNER, instance_id, "reviu_verifikasi", PERIKSA_ULANG, outsider=INFRA)
    drive.complete(INFRA, instance_id, "pemeriksaan_komponen", found)
    done = drive.complete(OWNER, instance_id, "reviu_verifikasi", DISETUJUI)
    assert done["status"] == "complete"
    assert done["data"]["status_verifikasi"] == "selesai"
    assert [row["tidak_sah"] for row in done["data"]["hasil_verifikasi"]] == [False, False]
    assert [row["nama_komponen"] for row in done["data"]["hasil_verifikasi"]] == [
        "SRV-UJI-SRIKANDI-1",
        "SRV-UJI-SRIKANDI-2",
    ]
    baseline = _baseline(auth, instance_id)
    reference = drive.instance(INFRA, instance_id)["reference"]
    assert baseline["name"] == f"Verifikasi {reference}"
    assert sorted(int(key) for key in baseline["items"]) == sorted(servers)
    assert drive.instance(INFRA, instance_id)["children"] == []
    kinds = drive.kinds(INFRA, instance_id)
    assert kinds.count("configuration_verified") == 1
    assert "configuration_unauthorised" not in kinds
    # Only one baseline, taken when the review accepted the result.
    listed = auth.get(INFRA, f"{BASELINES}?per_page=100").json["items"]
    assert [b["source_instance_id"] for b in listed].count(instance_id) == 1


def test_an_unauthorised_difference_is_flagged_and_raises_a_complaint(
    drive: Driver, auth: Auth, servers: list[int]
) -> None:
    instance_id = _started(drive)
    found = {
        "hasil_verifikasi": [
            {"komponen": servers[0], "keberadaan": "ditemukan"},
            {"komponen": servers[1], "keberadaan": "berbeda", "perbedaan": "RAM 64 GB"},
        ]
    }
    checked = drive.complete(INFRA, instance_id, "pemeriksaan_komponen", found)
    rows = checked["data"]["hasil_verifikasi"]
    assert [row["tidak_sah"] for row in rows] == [False, True]
    assert checked["data"]["ada_tidak_sah"] is True
    [flagged] = [
        e
        for e in drive.instance(INFRA, instance_id)["events"]
        if e["kind"] == "configuration_unauthorised"
    ]
    assert flagged["data"]["items"] == [servers[1]]
    done = drive.complete(OWNER, instance_id, "reviu_verifikasi", DISETUJUI)
    assert done["status"] == "complete"
    [child] = drive.instance(INFRA, instance_id)["children"]
    assert child["process_model_id"] == "penanganan-aduan"
    complaint = drive.instance(INFRA, child["id"])
    assert complaint["data"]["komponen_konfigurasi"] == ["SRV-UJI-SRIKANDI-2"]
    assert complaint["data"]["dampak"] == "Minor"
    baseline = _baseline(auth, instance_id)
    assert "1 tidak sah" in baseline["description"]


def test_a_difference_a_closed_change_accounts_for_raises_a_change(
    drive: Driver, auth: Auth, servers: list[int]
) -> None:
    """A standard change names the server and is carried out: the difference found after
    it is authorised, so the verification asks for a change to bring the CMDB in line."""
    change = drive.start(
        PROVIDER,
        "manajemen-perubahan",
        {
            "layanan": "SRIKANDI",
            "judul": "Penambahan RAM server SRIKANDI",
            "uraian_perubahan": "RAM server kedua ditambah menjadi 64 GB.",
            "alasan_perubahan": "Beban naik menjelang akhir tahun.",
            "sumber_perubahan": "kebutuhan_penyedia",
        },
    )
    change_id = change["id"]
    drive.complete(
        ADMIN,
        change_id,
        "kategorisasi_perubahan",
        {**kategorisasi("standar"), "komponen_cmdb": [servers[1]]},
    )
    drive.complete(INFRA, change_id, "penjadwalan_perubahan", penjadwalan(False))
    drive.complete(INFRA, change_id, "implementasi_perubahan", IMPLEMENTASI)
    drive.complete(ADMIN, change_id, "verifikasi_perubahan", TERVERIFIKASI)
    closed = drive.complete(OWNER, change_id, "penerimaan_perubahan", PENERIMAAN)
    assert closed["data"]["status_perubahan"] == "selesai"

    instance_id = _started(drive)
    found = {
        "hasil_verifikasi": [
            {"komponen": servers[0], "keberadaan": "tidak_ditemukan"},
            {"komponen": servers[1], "keberadaan": "berbeda", "perbedaan": "RAM 64 GB"},
        ]
    }
    # The first server's difference has no change: unauthorised; sent back, it is found.
    checked = drive.complete(INFRA, instance_id, "pemeriksaan_komponen", found)
    assert [row["tidak_sah"] for row in checked["data"]["hasil_verifikasi"]] == [True, False]
    drive.complete(OWNER, instance_id, "reviu_verifikasi", PERIKSA_ULANG)
    found["hasil_verifikasi"][0]["keberadaan"] = "ditemukan"
    checked = drive.complete(INFRA, instance_id, "pemeriksaan_komponen", found)
    assert [row["tidak_sah"] for row in checked["data"]["hasil_verifikasi"]] == [False, False]
    done = drive.complete(OWNER, instance_id, "reviu_verifikasi", DISETUJUI)
    assert done["status"] == "complete"
    [child] = drive.instance(INFRA, instance_id)["children"]
    assert child["process_model_id"] == "manajemen-perubahan"
    requested = drive.instance(INFRA, child["id"])
    assert requested["service"] == "SRIKANDI"
    assert requested["started_by"] == INFRA  # as the verification's starter
    assert "SRV-UJI-SRIKANDI-2: berbeda RAM 64 GB" in requested["data"]["uraian_perubahan"]
    assert _baseline(auth, instance_id)["source_instance_id"] == instance_id

    # A second verification counts changes closed since this baseline only: the same
    # difference is now unauthorised.
    again = _started(drive)
    checked = drive.complete(INFRA, again, "pemeriksaan_komponen", found)
    assert [row["tidak_sah"] for row in checked["data"]["hasil_verifikasi"]] == [False, True]
