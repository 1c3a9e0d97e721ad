"""Every way through Pemulihan Layanan (Perbup Bangka 21/2025, 2.2.2.2, Tabel 9), through
the API: started by hand, and started by a complaint that activates the DRP and waits for
the procedure's end message.

Who does each step is Tabel 9's: the Pengelola Infrastruktur dan Aplikasi (the
Administrator Infrastruktur dan Aplikasi) assesses, analyses, activates, normalises,
evaluates and establishes the DRP (no. 1 angka 1-7); the Penyedia Layanan of the service's
PD approves it (no. 2). The two Penanggung Jawab, and the Penyedia Layanan of another PD,
are refused those steps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.clock import FixedClock
from app.web.tasks import instructions
from tests.conftest import Auth
from tests.paths.aduan import (
    ACCEPT,
    ACTIVATED,
    APPROVED,
    ASSESSED,
    DISASTER,
    DRP,
    EVALUATED,
    NO_DISASTER,
    NOT_SET,
    NOT_YET,
    REFUSED,
    REPORTER,
    RESTORED,
    SET,
    drp_activated,
)
from tests.paths.driver import Driver

DONE = "pemulihan-layanan-selesai"
INFRA = "admin.infra"
# SIAK is Disdukcapil's: its Penyedia Layanan approves the DRP (Tabel 9 no. 2), not the
# Penyedia Layanan of DISKOMINFO (the complaint's reporter) nor the service owner.
PROVIDER = "penyedia.disdukcapil"
OWNER, INFRA_OWNER = "pj.layanan", "pj.infra"
BY_HAND = {
    "layanan": "EMAIL",
    "judul": "Catu daya pusat data padam",
    "uraian_kejadian": "Catu daya ruang server padam sejak pukul 07.00; genset gagal menyala.",
    "lokasi_terdampak": "Ruang server Diskominfo",
}


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _refused(drive: Driver, holder: str, instance_id: int, name: str, *others: str) -> None:
    """Task `name`, in `holder`'s inbox, is in no inbox of `others`, who may not complete it."""
    task_id = drive.task(holder, instance_id, name)
    for username in others:
        inbox = drive.auth.get(username, "/api/v1/tasks?per_page=200").json["items"]
        assert task_id not in [t["id"] for t in inbox], (username, name)
        refused = drive.auth.post(username, f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
        assert refused.status_code == 403, (username, name, refused.json)


def _sla_clocks(drive: Driver, instance_id: int) -> dict[str, dict]:
    response = drive.auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}/sla")
    assert response.status_code == 200, response.json
    return {clock["name"]: clock for clock in response.json["clocks"]}


def test_started_by_hand_and_not_a_disaster(drive: Driver) -> None:
    instance = drive.start("admin.infra", DRP, BY_HAND)
    instance_id = instance["id"]
    assert instance["reference"].startswith("DRP-2026-")
    assert instance["parent"] is None
    assert instance["sla"] is None  # no complaint, no clocks
    drive.complete("admin.infra", instance_id, "asesmen_pusat_data", ASSESSED, outsider="pj.infra")
    done = drive.complete(
        "admin.infra", instance_id, "analisa_asesmen", NO_DISASTER, outsider=REPORTER
    )
    assert done["status"] == "complete"
    assert done["data"]["status_pemulihan"] == "bukan_bencana"
    assert done["data"]["drp_diaktifkan"] is False
    detail = drive.instance("admin.infra", instance_id)
    assert detail["children"] == []
    # Nobody started it, so nobody waits for its end message: recorded, not lost.
    [undelivered] = [e for e in detail["events"] if e["kind"] == "message_undelivered"]
    assert undelivered["data"]["message"] == DONE


def test_activation_refused_reports_back_and_no_rto_clock_runs(drive: Driver) -> None:
    complaint_id, child_id = drp_activated(drive)
    child = drive.instance("pj.layanan", child_id)
    assert child["parent"]["id"] == complaint_id
    assert child["started_by"] == REPORTER  # the child's Pemohon lane is the reporter
    assert "rto" in _sla_clocks(drive, complaint_id)  # running since the activation decision
    drive.complete("admin.infra", child_id, "asesmen_pusat_data", ASSESSED, outsider=REPORTER)
    drive.complete("admin.infra", child_id, "analisa_asesmen", DISASTER, outsider="pj.layanan")
    _refused(drive, PROVIDER, child_id, "persetujuan_aktivasi", OWNER, REPORTER, INFRA)
    done = drive.complete(PROVIDER, child_id, "persetujuan_aktivasi", REFUSED)
    assert done["status"] == "complete"
    assert done["data"]["status_pemulihan"] == "ditolak"
    assert done["data"]["ringkasan_pemulihan"] == (
        "Aktivasi DRP tidak disetujui Penyedia Layanan. " + REFUSED["catatan_persetujuan_drp"]
    )

    complaint = drive.instance("pj.layanan", complaint_id)
    [received] = [e for e in complaint["events"] if e["kind"] == "message_received"]
    assert received["data"]["message"] == DONE
    assert received["data"]["from"] == child_id
    assert received["data"]["payload"]["drp_diaktifkan"] is False
    assert complaint["data"]["hasil_pemulihan_layanan"]["layanan_pulih"] is False
    # No DRP after all: no RTO clock.
    assert set(_sla_clocks(drive, complaint_id)) == {"respons", "penyelesaian"}
    closed = drive.complete(
        REPORTER, complaint_id, "konfirmasi_aduan", ACCEPT, outsider="admin.infra"
    )
    assert closed["status"] == "complete"


def test_recovery_with_a_second_round_and_a_re_evaluation(drive: Driver, clock: FixedClock) -> None:
    clock.set(utc(3))
    complaint_id, child_id = drp_activated(drive)
    drive.complete("admin.infra", child_id, "asesmen_pusat_data", ASSESSED, outsider=REPORTER)
    drive.complete("admin.infra", child_id, "analisa_asesmen", DISASTER, outsider=REPORTER)
    drive.complete(PROVIDER, child_id, "persetujuan_aktivasi", APPROVED, outsider=REPORTER)
    drive.complete("admin.infra", child_id, "aktivasi_drp", ACTIVATED, outsider="pj.layanan")
    for hour, answer in ((4, NOT_YET), (5, RESTORED)):
        clock.set(utc(hour))  # not back yet at 04:00, back at 05:00
        drive.complete(
            "admin.infra", child_id, "normalisasi_operasional", answer, outsider="pj.infra"
        )
    for decision in (NOT_SET, SET):
        drive.complete("admin.infra", child_id, "evaluasi_drp", EVALUATED, outsider="pj.infra")
        clock.set(utc(6, 30))
        # Established by the Pengelola Infrastruktur dan Aplikasi (Tabel 9 no. 1 angka 7).
        _refused(drive, INFRA, child_id, "penetapan_drp", INFRA_OWNER, OWNER, PROVIDER)
        done = drive.complete(INFRA, child_id, "penetapan_drp", decision)
    assert done["status"] == "complete"
    assert done["data"]["status_pemulihan"] == "selesai"
    kinds = drive.kinds("pj.layanan", child_id)
    assert kinds.count("task_completed") == 10
    assert "message_undelivered" not in kinds

    complaint = drive.instance("pj.layanan", complaint_id)
    assert complaint["status"] == "running"
    [received] = [e for e in complaint["events"] if e["kind"] == "message_received"]
    assert received["data"]["payload"] == {
        "layanan_pulih": True,
        "drp_diaktifkan": True,
        "ringkasan_pemulihan": EVALUATED["ringkasan_pemulihan"],
    }
    rto = _sla_clocks(drive, complaint_id)["rto"]
    assert rto["started_at"] == "2026-11-23T03:00:00+00:00"
    # the recovery the child's form reported, not the sign-off at 06:30
    assert rto["stopped_at"] == "2026-11-23T05:00:00+00:00"
    assert rto["met"] is True
    closed = drive.complete(REPORTER, complaint_id, "konfirmasi_aduan", ACCEPT)
    assert closed["status"] == "complete"


def test_an_activation_carries_the_drp_in_force_and_establishes_the_next_version(
    drive: Driver,
) -> None:
    """The DRP in force is the instance's from its start (Kepbup Polewali Mandar 685/2021,
    III.3.b); its end records the version used, and the establishment after the evaluation
    records the next version, whose source is this activation (III.3.c)."""
    plan = {
        "rpo_minutes": 30,
        "rto_minutes": 120,
        "recovery_option": "fast",
        "recovery_strategy": "Pindah ke server cadangan di DRC; DNS dialihkan.",
        "backup_strategy": "Cadangan basis data tiap 15 menit, salinan harian ke DRC.",
        "contacts": [{"name": "Budi", "role": "Penyedia Layanan", "telephone": "0812000111"}],
    }
    drp = "/api/v1/services/EMAIL/drp"
    assert drive.auth.post("penyedia", drp, json=plan).status_code == 201
    instance = drive.start(INFRA, DRP, BY_HAND)
    iid = instance["id"]
    in_force = instance["data"]["drp_berlaku"]
    assert (in_force["versi"], in_force["rpo_menit"], in_force["rto_menit"]) == (1, 30, 120)
    assert in_force["opsi_pemulihan"] == "fast"
    drive.complete(INFRA, iid, "asesmen_pusat_data", ASSESSED)
    drive.complete(INFRA, iid, "analisa_asesmen", DISASTER)
    drive.complete("penyedia", iid, "persetujuan_aktivasi", APPROVED)
    task_id = drive.task(INFRA, iid, "aktivasi_drp")
    template = drive.auth.get(INFRA, f"/api/v1/tasks/{task_id}").json["instructions"]
    shown = str(instructions(template, drive.instance(INFRA, iid)["data"]))  # as the page does
    assert "versi 1 ()" not in shown
    assert "RTO 120 menit" in shown, shown
    assert "Budi (Penyedia Layanan, 0812000111)" in shown
    drive.complete(INFRA, iid, "aktivasi_drp", ACTIVATED)
    drive.complete(INFRA, iid, "normalisasi_operasional", RESTORED)
    drive.complete(INFRA, iid, "evaluasi_drp", EVALUATED)
    new_version = {
        "rpo_menit": 15,
        "rto_menit": 90,
        "opsi_pemulihan": "immediate",
        "strategi_pemulihan": "Server siaga panas di DRC; DNS dialihkan otomatis.",
        "strategi_backup": "Replikasi basis data berkelanjutan ke DRC.",
        "kontak": [{"nama": "Budi", "peran": "Penyedia Layanan", "telepon": "0812000111"}],
        "catatan": "Hasil evaluasi pemulihan.",
    }
    refused = drive.auth.post(
        INFRA,
        f"/api/v1/tasks/{drive.task(INFRA, iid, 'penetapan_drp')}/complete",
        json={
            "data": {**SET, "catat_versi_baru": True, "drp_baru": {**new_version, "rto_menit": 0}}
        },
    )
    assert refused.status_code == 422, refused.json
    assert "drp_baru.rto_menit" in refused.json["errors"], refused.json
    assert drive.auth.get("penyedia", drp).json["current"]["version"] == 1
    assert drive.task(INFRA, iid, "penetapan_drp")  # the step was not stored
    done = drive.complete(
        INFRA, iid, "penetapan_drp", {**SET, "catat_versi_baru": True, "drp_baru": new_version}
    )
    assert done["status"] == "complete"
    assert done["data"]["versi_drp_digunakan"] == 1
    current = drive.auth.get("penyedia", drp).json["current"]
    assert (current["version"], current["source_instance_id"]) == (2, iid)
    assert (current["rpo_minutes"], current["rto_minutes"]) == (15, 90)
    assert current["created_by"] == INFRA  # the procedure's establishment is the authority
    assert "drp_version_recorded" in drive.kinds(INFRA, iid)
