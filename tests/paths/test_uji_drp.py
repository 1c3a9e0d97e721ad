"""Every way through Uji DRP (Kepbup Polewali Mandar 685/2021, III.3.b-c), through the API.

EMAIL is Diskominfo's Kritis service. Its continuity keepers start the test; the
Administrator Infrastruktur dan Aplikasi plans, runs and reports it (Perbup Bangka 21/2025,
2.2.2.2 Tabel 9); the Penanggung Jawab Penyedia Layanan, the service's owner, approves the
report or sends it back. Its follow-up starts a change (III.3.c: through change management)
and records the next DRP version, whose source is the test and whose RPO and RTO become the
catalog's.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Auth
from tests.engine.test_uji_drp_model import (
    DIKEMBALIKAN,
    DISETUJUI,
    DRP_BARU,
    LAPORAN,
    PELAKSANAAN,
    RENCANA,
    TANPA_TINDAK_LANJUT,
)
from tests.paths.driver import Driver

MODEL = "uji-drp"
KEEPER, INFRA, OWNER = "penyedia", "admin.infra", "pj.layanan"
DRP = "/api/v1/services/EMAIL/drp"
PLAN = {
    "rpo_minutes": 30,
    "rto_minutes": 120,
    "recovery_option": "fast",
    "recovery_strategy": "Pindah ke server cadangan di DRC; DNS dialihkan.",
    "backup_strategy": "Cadangan basis data tiap 15 menit, salinan harian ke DRC.",
    "contacts": [{"name": "Budi", "role": "Penyedia Layanan", "telephone": "0812000111"}],
}
START = {"layanan": "EMAIL", "judul": "Uji DRP surel 2026"}


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def run_to_report(drive: Driver, auth: Auth) -> dict[str, Any]:
    assert auth.post(KEEPER, DRP, json=PLAN).status_code == 201
    instance = drive.start(KEEPER, MODEL, START)
    drp = instance["data"]["drp_berlaku"]
    assert (drp["versi"], drp["rpo_menit"], drp["rto_menit"]) == (1, 30, 120)
    assert drp["kontak"] == [{"nama": "Budi", "peran": "Penyedia Layanan", "telepon": "0812000111"}]
    drive.complete(INFRA, instance["id"], "rencana_pengujian", RENCANA)
    drive.complete(INFRA, instance["id"], "pelaksanaan_pengujian", PELAKSANAAN)
    return instance


def test_a_test_sent_back_then_approved_starts_a_change_and_records_the_next_version(
    drive: Driver, auth: Auth
) -> None:
    instance = run_to_report(drive, auth)
    iid = instance["id"]
    drive.complete(INFRA, iid, "laporan_evaluasi", LAPORAN)
    name = "persetujuan_laporan"
    drive.complete(OWNER, iid, name, DIKEMBALIKAN, outsider="pengguna")
    assert auth.get(KEEPER, DRP).json["current"]["version"] == 1  # nothing yet
    drive.complete(INFRA, iid, "laporan_evaluasi", LAPORAN)
    done = drive.complete(OWNER, iid, name, DISETUJUI)
    assert done["status"] == "complete"
    assert done["data"]["versi_drp_diuji"] == 1
    current = auth.get(KEEPER, DRP).json["current"]
    assert current["version"] == 2
    assert current["source_instance_id"] == iid
    assert (current["rpo_minutes"], current["rto_minutes"]) == (60, 300)
    assert current["recovery_strategy"] == DRP_BARU["strategi_pemulihan"]
    assert current["note"].startswith(f"uji-drp {instance['reference']}: ")
    assert current["created_by"] == OWNER
    service = auth.get(KEEPER, "/api/v1/services/EMAIL").json
    assert (service["rto_minutes"], service["drp_reference"]) == (300, "DRP EMAIL v2")
    record = drive.instance(KEEPER, iid)
    assert "drp_version_recorded" in [e["kind"] for e in record["events"]]
    [child] = record["children"]
    change = drive.instance(KEEPER, child["id"])
    assert change["process_model_id"] == "manajemen-perubahan"
    assert change["data"]["judul"] == LAPORAN["judul_perubahan"]


def test_a_test_without_follow_up_changes_nothing(drive: Driver, auth: Auth) -> None:
    instance = run_to_report(drive, auth)
    iid = instance["id"]
    drive.complete(INFRA, iid, "laporan_evaluasi", TANPA_TINDAK_LANJUT)
    drive.complete(OWNER, iid, "persetujuan_laporan", DISETUJUI)
    assert auth.get(KEEPER, DRP).json["current"]["version"] == 1
    assert drive.instance(KEEPER, iid)["children"] == []


def test_only_kritis_services_or_those_with_a_drp_are_tested_by_their_keepers(
    auth: Auth,
) -> None:
    start = {"process_model_id": MODEL, "data": {"layanan": "SIMPEG"}}  # Esensial, no DRP
    refused = auth.post("penyedia.bkpsdm", "/api/v1/process-instances", json=start)
    assert refused.status_code == 422, refused.json
    assert "layanan" in refused.json["errors"]
    by_user = {"process_model_id": MODEL, "data": START}
    assert auth.post("pengguna", "/api/v1/process-instances", json=by_user).status_code == 403
    # Only the service's continuity keepers start its test: not another PD's provider.
    other = auth.post("penyedia.bpkad", "/api/v1/process-instances", json=by_user)
    assert other.status_code == 403, other.json
    assert auth.post("pj.infra", "/api/v1/process-instances", json=by_user).status_code == 201
