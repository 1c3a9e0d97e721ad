"""Every way through Penanganan Aduan (Perbup Bangka 21/2025, 2.2.1.2, Tabel 6), through the
API, with its links: the DRP procedure it starts and waits for, and problem management."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.clock import FixedClock
from app.services.context import Platform
from app.services.demo import SAMPLE_COMPLAINT
from tests.conftest import Auth
from tests.paths.aduan import (
    ACCEPT,
    ACTIVATED,
    APPROVED,
    ASSESSED,
    COMPLAINT,
    DISASTER,
    DRP,
    EVALUATED,
    KAJIAN_DRP,
    NOT_SOLVED,
    REPORTER,
    RESTORED,
    SET,
    drp_activated,
)
from tests.paths.driver import Driver
from tests.ticks import tick

SRIKANDI_DOWN = SAMPLE_COMPLAINT  # Administrasi Pemerintahan, Esensial: P3; global desk
CLASSIFY = {
    "kategori": "aplikasi",
    "dampak": "Mayor",
    "prioritas": "P3",
    "analisis": "Layanan aplikasi berhenti setelah pembaruan.",
    "estimasi_selesai": "2026-11-23T12:00:00+07:00",
}
SOLVED = {
    "aktivitas_penanganan": "Layanan aplikasi dijalankan ulang, konfigurasi dikembalikan.",
    "penyebab": "Konfigurasi tertimpa pembaruan.",
    "terselesaikan": True,
}
RECURRING = {
    **SOLVED,
    "perlu_analisis_akar_masalah": True,
    "pola_insiden": "Ketiga kalinya bulan ini SRIKANDI berhenti setelah pembaruan malam.",
}
REJECT = {
    "konfirmasi": "ditolak",
    "cara_konfirmasi": "web",
    "alasan_penolakan": "Halaman masuk masih galat 502.",
}
NO_DRP = {
    "analisis_infra": "Sertifikat TLS penyeimbang beban kedaluwarsa.",
    "estimasi_selesai_infra": "2026-11-23T12:00:00+07:00",
    "aktivitas_penanganan_infra": "Sertifikat diperbarui dan penyeimbang dijalankan ulang.",
    "drp_diaktifkan": False,
    "kajian_drp": "Pusat data berfungsi normal; DRP tidak diperlukan.",
}


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


@pytest.fixture
def drive(auth: Auth) -> Driver:
    return Driver(auth)


def _classified(drive: Driver) -> int:
    complaint = drive.start(REPORTER, COMPLAINT, SRIKANDI_DOWN)
    assert complaint["reference"].startswith("ADU-2026-")
    assert complaint["sla"]["priority"] == "P3"
    drive.complete(
        "admin.layanan", complaint["id"], "klasifikasi_aduan", CLASSIFY, outsider=REPORTER
    )
    return complaint["id"]


def _clocks(drive: Driver, instance_id: int) -> dict[str, dict]:
    response = drive.auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}/sla")
    assert response.status_code == 200, response.json
    return {clock["name"]: clock for clock in response.json["clocks"]}


def test_solved_by_the_service_desk_rejected_once_then_accepted(drive: Driver) -> None:
    complaint_id = _classified(drive)
    for answer in (REJECT, ACCEPT):
        drive.complete(
            "admin.layanan", complaint_id, "penanganan_aduan_admin", SOLVED, outsider="admin.infra"
        )
        done = drive.complete(
            REPORTER, complaint_id, "konfirmasi_aduan", answer, outsider="admin.layanan"
        )
    assert done["status"] == "complete"
    assert done["data"]["status"] == "ditutup"
    assert done["sla"]["responded_at"] is not None
    assert done["sla"]["resolved_at"] is not None
    assert done["sla"]["resolution_met"] is True
    detail = drive.instance(REPORTER, complaint_id)
    assert detail["children"] == []
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds.count("task_completed") == 5
    assert "child_started" not in kinds
    assert "message_undelivered" not in kinds
    assert set(_clocks(drive, complaint_id)) == {"respons", "penyelesaian"}


def test_escalated_to_infrastructure_without_drp(drive: Driver) -> None:
    complaint_id = _classified(drive)
    not_solved = {**NOT_SOLVED, "aktivitas_penanganan": "Dijalankan ulang tanpa hasil."}
    drive.complete(
        "admin.layanan", complaint_id, "penanganan_aduan_admin", not_solved, outsider=REPORTER
    )
    drive.complete(
        "admin.infra", complaint_id, "penanganan_aduan_infra", NO_DRP, outsider="admin.layanan"
    )
    done = drive.complete(REPORTER, complaint_id, "konfirmasi_aduan", ACCEPT, outsider="pj.infra")
    assert done["status"] == "complete"
    assert done["data"]["drp_diaktifkan"] is False
    assert drive.instance(REPORTER, complaint_id)["children"] == []
    assert "rto" not in _clocks(drive, complaint_id)


def test_drp_activation_starts_pemulihan_layanan_and_waits_for_it(
    drive: Driver, clock: FixedClock
) -> None:
    clock.set(utc(3))
    complaint_id, child_id = drp_activated(drive)
    complaint = drive.instance("pj.layanan", complaint_id)
    assert complaint["status"] == "waiting"
    assert complaint["tasks"] == []  # nothing for a person while the DRP runs
    [started] = [e["data"] for e in complaint["events"] if e["kind"] == "child_started"]
    assert (started["child"], started["process_model_id"]) == (child_id, DRP)
    child = drive.instance("pj.layanan", child_id)
    assert child["parent"] == {
        "id": complaint_id,
        "reference": complaint["reference"],
        "process_model_id": COMPLAINT,
        "status": "waiting",
    }
    assert child["started_by"] == REPORTER
    assert child["service"] == "SIAK"
    assert child["data"]["nomor_aduan"] == complaint["reference"]
    assert child["data"]["uraian_kejadian"] == KAJIAN_DRP
    rto = _clocks(drive, complaint_id)["rto"]
    assert (rto["started_at"], rto["stopped_at"]) == ("2026-11-23T03:00:00+00:00", None)
    assert rto["due_at"] == "2026-11-23T07:00:00+00:00"  # RTO 240 minutes, wall clock

    steps = [
        ("admin.infra", "asesmen_pusat_data", ASSESSED, REPORTER),
        ("admin.infra", "analisa_asesmen", DISASTER, "pj.layanan"),
        ("penyedia.disdukcapil", "persetujuan_aktivasi", APPROVED, "pj.layanan"),
        ("admin.infra", "aktivasi_drp", ACTIVATED, "petugas.siak"),
    ]
    for username, name, data, outsider in steps:
        drive.complete(username, child_id, name, data, outsider=outsider)
    clock.set(utc(6))  # the service is back within the RTO...
    drive.complete(
        "admin.infra", child_id, "normalisasi_operasional", RESTORED, outsider="pj.infra"
    )
    clock.set(utc(8))  # ...and the DRP is evaluated and signed off after it
    drive.complete("admin.infra", child_id, "evaluasi_drp", EVALUATED, outsider="pj.infra")
    done = drive.complete("admin.infra", child_id, "penetapan_drp", SET, outsider="pj.infra")
    assert done["status"] == "complete"

    complaint = drive.instance("pj.layanan", complaint_id)
    assert complaint["status"] == "running"
    assert [c["status"] for c in complaint["children"]] == ["complete"]
    [received] = [e for e in complaint["events"] if e["kind"] == "message_received"]
    assert received["data"]["from"] == child_id
    assert received["data"]["payload"]["layanan_pulih"] is True
    rto = _clocks(drive, complaint_id)["rto"]
    # stopped at the recovery the child's form reported, not at the sign-off at 08:00
    assert rto["stopped_at"] == "2026-11-23T06:00:00+00:00"
    assert rto["met"] is True
    closed = drive.complete(
        REPORTER, complaint_id, "konfirmasi_aduan", ACCEPT, outsider="petugas.siak"
    )
    assert closed["status"] == "complete"
    assert (
        closed["data"]["hasil_pemulihan_layanan"]["ringkasan_pemulihan"]
        == (EVALUATED["ringkasan_pemulihan"])
    )
    assert closed["sla"]["resolution_met"] is True


def test_a_recurring_incident_starts_problem_management_after_acceptance(drive: Driver) -> None:
    complaint_id = _classified(drive)
    drive.complete(
        "admin.layanan", complaint_id, "penanganan_aduan_admin", RECURRING, outsider=REPORTER
    )
    assert drive.instance(REPORTER, complaint_id)["children"] == []  # not before acceptance
    done = drive.complete(REPORTER, complaint_id, "konfirmasi_aduan", ACCEPT)
    assert done["status"] == "complete"
    assert done["data"]["status"] == "ditutup"
    detail = drive.instance("pj.layanan", complaint_id)
    [child] = detail["children"]
    assert child["process_model_id"] == "manajemen-masalah"
    [started] = [e["data"] for e in detail["events"] if e["kind"] == "child_started"]
    assert started["child"] == child["id"]
    problem = drive.instance("pj.layanan", child["id"])
    assert problem["parent"]["id"] == complaint_id
    assert problem["started_by"] == REPORTER
    assert problem["service"] == "SRIKANDI"
    assert problem["data"]["nomor_aduan"] == detail["reference"]
    assert problem["data"]["pola_insiden"] == RECURRING["pola_insiden"]
    assert SRIKANDI_DOWN["gejala"] in problem["data"]["uraian"]


def test_a_complaint_waiting_on_a_long_recovery_still_escalates(
    drive: Driver, platform: Platform
) -> None:
    complaint_id, _child_id = drp_activated(drive)
    resolution = _clocks(drive, complaint_id)["penyelesaian"]
    warning_at = datetime.fromisoformat(resolution["warning_at"])
    due_at = datetime.fromisoformat(resolution["due_at"])
    assert drive.instance("pj.layanan", complaint_id)["status"] == "waiting"

    tick(platform, warning_at + timedelta(minutes=1))
    tick(platform, due_at + timedelta(minutes=1))
    events = drive.instance("pj.layanan", complaint_id)["events"]
    escalated = [
        (e["data"]["clock"], e["data"]["level"], e["data"]["element"])
        for e in events
        if e["kind"] == "escalated"
    ]
    assert escalated == [
        ("penyelesaian", 2, "eskalasi_penyelesaian_2_drp"),
        ("penyelesaian", 3, "eskalasi_penyelesaian_3_drp"),
    ]
    notices = drive.auth.get("pj.layanan", "/api/v1/notifications").json["items"]
    assert any(n["kind"] == "escalation" for n in notices)


def test_unconfirmed_closes_by_itself_and_still_asks_for_the_root_cause(
    drive: Driver, platform: Platform
) -> None:
    """A product addition (setting batas_konfirmasi_hari_kerja, 5 by default): the complaint
    closes accepted, the analysis asked for still starts, and the resolution clock stops
    when the confirmation was asked, within its 48-hour target."""
    complaint_id = _classified(drive)
    drive.complete("admin.layanan", complaint_id, "penanganan_aduan_admin", RECURRING)
    tick(platform, datetime(2026, 11, 30, 9, 1, tzinfo=UTC))  # Monday 16:01 WIB
    closed = drive.instance(REPORTER, complaint_id)
    assert closed["status"] == "complete"
    assert closed["data"]["ditutup_tanpa_konfirmasi"] is True
    assert closed["data"]["status"] == "ditutup"
    [problem] = closed["children"]
    assert problem["process_model_id"] == "manajemen-masalah"
    [handled] = [
        event["at"]
        for event in closed["events"]
        if event["kind"] == "task_completed" and event["data"]["task"] == "penanganan_aduan_admin"
    ]
    assert closed["sla"]["resolved_at"] == handled
    assert closed["sla"]["resolution_met"] is True
