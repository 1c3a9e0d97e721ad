"""Complaint clocks and escalation: Tabel 2/3/4 deadlines through the API, escalation at
the warning point and the deadline through `spbe tick` with a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.clock import FixedClock
from app.services.context import Platform
from tests.conftest import Auth
from tests.ticks import tick

pytestmark = pytest.mark.usefixtures("deployed")

MODEL = "penanganan-aduan"
REPORT = {
    "layanan": "SRIKANDI",  # DISKOMINFO, Administrasi Pemerintahan, Esensial, office hours
    "judul": "SRIKANDI tidak dapat diakses",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Halaman masuk menampilkan galat 502 untuk semua pengguna.",
    "dampak": "Mayor",
    "nip_nik": "198501012010011001",
    "instansi": "Diskominfo",
    "telepon": "081234567890",
}
LEVEL_1 = ["admin.infra", "admin.layanan", "pelaksana"]
LEVEL_2 = ["pj.infra", "pj.layanan"]
LEVEL_3 = ["pimpinan"]
STAFF = sorted({*LEVEL_1, *LEVEL_2, *LEVEL_3})


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def _report(auth: Auth, **changes: Any) -> dict[str, Any]:
    response = auth.post(
        "penyedia",
        "/api/v1/process-instances",
        json={"process_model_id": MODEL, "data": {**REPORT, **changes}},
    )
    assert response.status_code == 201, response.json
    return response.json


def _task(auth: Auth, username: str, instance_id: int, name: str) -> str:
    items = auth.get(username, "/api/v1/tasks").json["items"]
    found = [
        t["id"] for t in items if t["process_instance_id"] == instance_id and t["name"] == name
    ]
    assert len(found) == 1, items
    return found[0]


def _complete(auth: Auth, username: str, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    response = auth.post(username, f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == 200, response.json
    return response.json["process_instance"]


def _escalated(auth: Auth, instance_id: int) -> list[tuple[str, int, list[str]]]:
    events = auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}").json["events"]
    return [
        (e["data"]["clock"], e["data"]["level"], e["data"]["recipients"])
        for e in events
        if e["kind"] == "escalated"
    ]


def _escalation_notices(auth: Auth) -> dict[str, list[str]]:
    return {
        user: [
            n["title"]
            for n in auth.get(user, "/api/v1/notifications").json["items"]
            if n["kind"] == "escalation"
        ]
        for user in STAFF
    }


def test_priority_and_deadlines_follow_tabel_3_4_and_2(auth: Auth) -> None:
    instance = _report(auth)
    sla = instance["sla"]
    assert instance["data"]["prioritas"] == "P3"  # Mayor x Administrasi x Esensial (Tabel 3)
    assert sla["priority"] == "P3"
    assert sla["response_due_at"] == "2026-11-23T03:00:00+00:00"  # P3 < 1 h
    # 48 working hours from Monday 09:00 WIB: Monday 14:00 WIB a week later.
    assert sla["resolution_due_at"] == "2026-11-30T07:00:00+00:00"
    assert instance["data"]["sla"]["respons_peringatan"] == "2026-11-23T02:45:00+00:00"
    explanation = auth.get("penyedia", f"/api/v1/process-instances/{instance['id']}/sla").json
    bases = [clock["target"]["basis"] for clock in explanation["clocks"]]
    assert bases == [
        "Tabel 4: P3 < 60 menit; prioritas dari Tabel 3, nilai regulasi",
        "Tabel 2: Layanan Administrasi Pemerintahan / Esensial < 48 jam",
    ]


def test_escalation_at_75_and_100_percent_through_spbe_tick(
    auth: Auth, clock: FixedClock, platform: Platform
) -> None:
    instance = _report(auth)
    instance_id = instance["id"]

    assert "0 instance(s) advanced" in tick(platform, utc(23, 2, 44))
    assert _escalated(auth, instance_id) == []

    assert "1 instance(s) advanced" in tick(platform, utc(23, 2, 46))
    assert _escalated(auth, instance_id) == [("respons", 1, LEVEL_1)]
    notices = _escalation_notices(auth)
    assert all(notices[user] for user in LEVEL_1)
    assert not any(notices[user] for user in LEVEL_2 + LEVEL_3)
    # non-interrupting: the classification still waits for the service desk
    task_id = _task(auth, "admin.layanan", instance_id, "klasifikasi_aduan")

    tick(platform, utc(23, 3, 1))
    assert _escalated(auth, instance_id) == [("respons", 1, LEVEL_1), ("respons", 2, LEVEL_2)]
    assert all(_escalation_notices(auth)[user] for user in LEVEL_2)
    assert "0 instance(s) advanced" in tick(platform, utc(23, 3, 5))

    # Re-prioritised to P2 late: the response was missed, the change audited.
    classified = _complete(
        auth,
        "admin.layanan",
        task_id,
        {
            "kategori": "aplikasi",
            "dampak": "Mayor",
            "prioritas": "P2",
            "alasan_prioritas": "Layanan persuratan seluruh PD terhenti",
            "analisis": "Layanan aplikasi mati",
            "estimasi_selesai": "2026-11-24T09:00:00+07:00",
        },
    )
    assert classified["sla"]["priority"] == "P2"
    assert classified["sla"]["response_due_at"] == "2026-11-23T02:30:00+00:00"
    assert classified["sla"]["responded_at"] == "2026-11-23T03:05:00+00:00"
    assert classified["sla"]["response_met"] is False
    changes = auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}/sla").json["changes"]
    assert [c["inputs"]["prioritas"] for c in changes] == ["P3", "P2"]
    assert changes[1]["by"] == "admin.layanan"
    assert changes[1]["before"]["respons_batas"] == "2026-11-23T03:00:00+00:00"
    assert changes[1]["after"]["respons_batas"] == "2026-11-23T02:30:00+00:00"

    # Resolution: 75 % of 48 working hours is Friday 11:00 WIB, 100 % Monday 14:00 WIB.
    tick(platform, utc(27, 3, 59))
    assert len(_escalated(auth, instance_id)) == 2
    tick(platform, utc(27, 4, 1))
    assert _escalated(auth, instance_id)[2] == ("penyelesaian", 2, LEVEL_2)
    tick(platform, utc(30, 7, 1))
    assert _escalated(auth, instance_id)[3] == ("penyelesaian", 3, LEVEL_3)
    assert _escalation_notices(auth)["pimpinan"]

    handling = _task(auth, "admin.layanan", instance_id, "penanganan_aduan_admin")
    _complete(
        auth,
        "admin.layanan",
        handling,
        {"aktivitas_penanganan": "Layanan web dijalankan ulang", "terselesaikan": True},
    )
    confirm = _task(auth, "penyedia", instance_id, "konfirmasi_aduan")
    done = _complete(
        auth,
        "penyedia",
        confirm,
        {"konfirmasi": "diterima", "cara_konfirmasi": "web", "kepuasan": 5},
    )
    assert done["status"] == "complete"
    assert done["sla"]["resolved_at"] == "2026-11-30T07:01:00+00:00"
    assert done["sla"]["resolution_met"] is False
    # entering the confirmation task re-armed the same timers: no second escalation
    assert len(_escalated(auth, instance_id)) == 4


def test_a_gap_in_tabel_2_gives_no_deadline_and_a_warning_until_an_admin_sets_it(
    auth: Auth,
) -> None:
    instance = _report(auth, layanan="PPID")  # Layanan Publik / Normal
    sla = instance["sla"]
    assert sla["priority"] == "P3"  # Mayor x Publik x Normal
    assert sla["resolution_due_at"] is None
    assert any("Tabel 2" in warning for warning in sla["warnings"])
    assert instance["data"]["sla"]["penyelesaian_batas"].startswith("9999-")

    table = auth.get("admin", "/api/v1/reference-tables/target-penyelesaian").json
    rows = table["rows"]
    (cell,) = [r for r in rows if (r["group"], r["classification"]) == ("Publik", "Normal")]
    cell.update(hours=96, source="administrator")
    updated = auth.client.put(
        "/api/v1/reference-tables/target-penyelesaian",
        json={"rows": rows},
        headers=auth.headers("admin"),
    )
    assert updated.status_code == 200, updated.json
    later = _report(auth, layanan="PPID")
    assert later["sla"]["resolution_due_at"] is not None
    assert later["sla"]["warnings"] == []
    # the earlier complaint keeps the targets in force when it was filed
    again = auth.get("penyedia", f"/api/v1/process-instances/{instance['id']}").json
    assert again["sla"]["resolution_due_at"] is None


def test_the_urgency_scheme_answers_by_the_next_working_day_outside_office_hours(
    auth: Auth, clock: FixedClock
) -> None:
    changed = auth.client.patch(
        "/api/v1/agencies/DISKOMINFO",
        json={"sla_scheme": "urgensi"},
        headers=auth.headers("admin"),
    )
    assert changed.status_code == 200, changed.json
    clock.set(utc(27, 13))  # Friday 20:00 WIB
    sla = _report(auth, urgensi=2, dampak="Minor")["sla"]
    assert sla["response_due_at"] == "2026-11-30T09:00:00+00:00"  # Monday 16:00 WIB
    # Tabel 13: urgency 2 within 72 working hours, from Monday 07:30 WIB
    assert sla["resolution_due_at"] is not None


def test_the_rto_clock_runs_from_drp_activation(auth: Auth, clock: FixedClock) -> None:
    """The complaint activates the DRP; the recovery runs in the Pemulihan Layanan instance
    the complaint starts, and the RTO clock stops when that child reports the service back."""
    # SIAK: Layanan Publik, Kritis, 24x7, RTO 240 minutes; its own service desk officer.
    instance = _report(auth, layanan="SIAK")
    instance_id = instance["id"]
    assert instance["sla"]["priority"] == "P1"
    assert instance["sla"]["response_due_at"] == "2026-11-23T02:15:00+00:00"
    classify = _task(auth, "petugas.siak", instance_id, "klasifikasi_aduan")
    _complete(
        auth,
        "petugas.siak",
        classify,
        {
            "kategori": "server",
            "dampak": "Mayor",
            "prioritas": "P1",
            "analisis": "Server basis data rusak",
            "estimasi_selesai": "2026-11-23T12:00:00+07:00",
        },
    )
    handling = _task(auth, "petugas.siak", instance_id, "penanganan_aduan_admin")
    _complete(
        auth,
        "petugas.siak",
        handling,
        {
            "aktivitas_penanganan": "Tidak dapat dipulihkan di level 1",
            "terselesaikan": False,
            "alasan_eskalasi": "Perangkat keras pusat data",
        },
    )
    clock.set(utc(23, 3))
    infra = _task(auth, "admin.infra", instance_id, "penanganan_aduan_infra")
    waiting = _complete(
        auth,
        "admin.infra",
        infra,
        {
            "analisis_infra": "Kerusakan penyimpanan",
            "estimasi_selesai_infra": "2026-11-23T14:00:00+07:00",
            "aktivitas_penanganan_infra": "Alih ke situs cadangan",
            "drp_diaktifkan": True,
            "kajian_drp": "Pusat data utama tidak dapat dipakai",
        },
    )
    assert waiting["status"] == "waiting"
    complaint = auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}").json
    [link] = complaint["children"]
    assert link["process_model_id"] == "pemulihan-layanan"
    assert link["reference"].startswith("DRP-2026-")
    child_id = link["id"]
    started = [e["data"] for e in complaint["events"] if e["kind"] == "child_started"]
    assert started == [
        {"child": child_id, "reference": link["reference"], "process_model_id": "pemulihan-layanan"}
    ]
    child = auth.get("pj.layanan", f"/api/v1/process-instances/{child_id}").json
    assert child["parent"]["id"] == instance_id
    assert child["started_by"] == "penyedia"  # the DRP's Pemohon lane is the reporter
    assert child["service"] == "SIAK"
    assert child["data"]["nomor_aduan"] == complaint["reference"]
    assert child["data"]["uraian_kejadian"] == "Pusat data utama tidak dapat dipakai"

    # The recovery, in the child: Administrator Infrastruktur, and SIAK's Penyedia Layanan
    # (Disdukcapil) approves (Perbup Bangka 21/2025, 2.2.2.2, Tabel 9).
    steps = [
        (
            "admin.infra",
            "asesmen_pusat_data",
            {
                "kondisi_fisik_pusat_data": "rusak_berat",
                "uraian_kondisi_fisik": "Ruang server terendam air",
                "kelayakan_fungsi_pusat_data": "tidak_berfungsi",
                "uraian_kelayakan_fungsi": "Penyimpanan dan server basis data mati",
            },
        ),
        (
            "admin.infra",
            "analisa_asesmen",
            {
                "analisis_asesmen": "Tidak dapat pulih dalam RTO di pusat data utama",
                "kondisi_bencana": True,
                "jenis_bencana": "bencana_alam",
                "opsi_pemulihan": "pemulihan_segera",
            },
        ),
        ("penyedia.disdukcapil", "persetujuan_aktivasi", {"drp_disetujui": True}),
        (
            "admin.infra",
            "aktivasi_drp",
            {
                "drp_diaktifkan": True,
                "dokumen_drp": "DRP-SIAK-2026",
                "lokasi_pemulihan": "DRC Pusat Data Nasional",
                "langkah_aktivasi": "DNS dialihkan ke DRC; cadangan dipulihkan",
            },
        ),
        (
            "admin.infra",
            "normalisasi_operasional",
            {"aktivitas_normalisasi": "Layanan berjalan di DRC", "layanan_pulih": True},
        ),
        (
            "admin.infra",
            "evaluasi_drp",
            {
                "evaluasi_pelaksanaan": "Pengalihan berjalan sesuai rencana",
                "rekomendasi_perbaikan_drp": "tidak ada",
                "ringkasan_pemulihan": "SIAK pulih di DRC dalam 3 jam",
            },
        ),
    ]
    for username, name, data in steps:
        if name == "normalisasi_operasional":
            clock.set(utc(23, 5))  # the service is back at 05:00...
        _complete(auth, username, _task(auth, username, child_id, name), data)
    clock.set(utc(23, 8))  # ...the DRP is signed off after the RTO due time
    done = _complete(
        auth,
        "admin.infra",
        _task(auth, "admin.infra", child_id, "penetapan_drp"),
        {"drp_ditetapkan": True, "versi_drp": "DRP-SIAK-2026", "catat_versi_baru": False},
    )
    assert done["status"] == "complete"
    assert done["data"]["layanan_pulih"] is True

    # The complaint received the child's end message and goes on to the reporter.
    assert _task(auth, "penyedia", instance_id, "konfirmasi_aduan")
    complaint = auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}").json
    assert complaint["status"] == "running"
    [received] = [e for e in complaint["events"] if e["kind"] == "message_received"]
    assert received["data"]["message"] == "pemulihan-layanan-selesai"
    assert received["data"]["from"] == child_id
    assert received["data"]["payload"]["layanan_pulih"] is True
    assert complaint["data"]["hasil_pemulihan_layanan"]["layanan_pulih"] is True
    clocks = auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}/sla").json["clocks"]
    rto = clocks[2]
    assert rto["name"] == "rto"
    assert rto["started_at"] == "2026-11-23T03:00:00+00:00"
    assert rto["due_at"] == "2026-11-23T07:00:00+00:00"
    assert rto["stopped_at"] == "2026-11-23T05:00:00+00:00"  # the recovery, not the sign-off
    assert rto["met"] is True


def test_a_deadline_passed_before_a_task_starts_escalates_in_that_step(
    auth: Auth, clock: FixedClock
) -> None:
    """The timer of a task entered after the warning point fires inside the completion
    that creates it, with no tick in between; the escalation must not be lost."""
    instance_id = _report(auth)["id"]
    classify = _task(auth, "admin.layanan", instance_id, "klasifikasi_aduan")
    _complete(
        auth,
        "admin.layanan",
        classify,
        {
            "kategori": "aplikasi",
            "dampak": "Mayor",
            "prioritas": "P3",
            "analisis": "Layanan aplikasi mati",
            "estimasi_selesai": "2026-11-24T09:00:00+07:00",
        },
    )
    handling = _task(auth, "admin.layanan", instance_id, "penanganan_aduan_admin")
    clock.set(utc(27, 4, 1))  # past 75 % of the resolution target, no tick
    _complete(
        auth,
        "admin.layanan",
        handling,
        {
            "aktivitas_penanganan": "Belum berhasil",
            "terselesaikan": False,
            "alasan_eskalasi": "Perlu akses server",
        },
    )
    assert ("penyelesaian", 2, LEVEL_2) in _escalated(auth, instance_id)


def test_correcting_the_service_moves_the_ticket_its_tasks_and_its_targets(
    auth: Auth,
) -> None:
    instance_id = _report(auth)["id"]  # filed on SRIKANDI by mistake
    classify = _task(auth, "admin.layanan", instance_id, "klasifikasi_aduan")
    data = {
        "kategori": "server",
        "dampak": "Mayor",
        "prioritas": "P1",
        "analisis": "Yang mati adalah SIAK",
        "estimasi_selesai": "2026-11-23T12:00:00+07:00",
    }
    unknown = auth.post(
        "admin.layanan",
        f"/api/v1/tasks/{classify}/complete",
        json={"data": {**data, "layanan": "TIDAK-ADA"}},
    )
    assert unknown.status_code == 422
    assert "layanan" in unknown.json["errors"]
    assert _task(auth, "admin.layanan", instance_id, "klasifikasi_aduan") == classify

    moved = _complete(auth, "admin.layanan", classify, {**data, "layanan": "SIAK"})
    assert moved["service"] == "SIAK"
    assert moved["data"]["layanan_info"]["kode"] == "SIAK"
    # SIAK is Publik/Kritis, 24x7: Tabel 2 gives 24 hours of wall-clock time.
    assert moved["sla"]["resolution_due_at"] == "2026-11-24T02:00:00+00:00"
    assert moved["sla"]["priority"] == "P1"
    # the next task goes to SIAK's own service desk officer, not the global one
    assert _task(auth, "petugas.siak", instance_id, "penanganan_aduan_admin")
    assert not [
        t
        for t in auth.get("admin.layanan", "/api/v1/tasks").json["items"]
        if t["process_instance_id"] == instance_id
    ]
    detail = auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}").json
    changed = [e for e in detail["events"] if e["kind"] == "service_changed"]
    assert [(e["data"]["from"], e["data"]["to"], e["user"]) for e in changed] == [
        ("SRIKANDI", "SIAK", "admin.layanan")
    ]
    changes = auth.get("pj.layanan", f"/api/v1/process-instances/{instance_id}/sla").json["changes"]
    assert [c["inputs"]["layanan"] for c in changes] == ["SRIKANDI", "SIAK"]


def test_the_warning_point_is_the_pds_setting(
    auth: Auth, clock: FixedClock, platform: Platform
) -> None:
    changed = auth.client.patch(
        "/api/v1/agencies/DISKOMINFO",
        json={"escalation_warning_percent": 50},
        headers=auth.headers("admin"),
    )
    assert changed.status_code == 200, changed.json
    instance = _report(auth)
    assert instance["data"]["sla"]["respons_peringatan"] == "2026-11-23T02:30:00+00:00"
    tick(platform, utc(23, 2, 31))
    assert _escalated(auth, instance["id"]) == [("respons", 1, LEVEL_1)]


def test_the_third_complaint_on_a_service_in_30_days_opens_a_problem(
    auth: Auth, clock: FixedClock
) -> None:
    first = _report(auth)
    clock.set(utc(24, 2))
    second = _report(auth)
    assert (
        auth.get("pj.layanan", f"/api/v1/process-instances/{second['id']}").json["children"] == []
    )
    clock.set(utc(25, 2))
    third = _report(auth)
    [problem] = auth.get("pj.layanan", f"/api/v1/process-instances/{third['id']}").json["children"]
    assert problem["process_model_id"] == "manajemen-masalah"
    assert problem["reference"].startswith("MSL-2026-")
    detail = auth.get("pj.layanan", f"/api/v1/process-instances/{problem['id']}").json
    assert detail["data"]["sumber_identifikasi"] == "aduan_berulang"
    assert detail["data"]["pola_insiden"] == (
        f"Aduan: {first['reference']}, {second['reference']}, {third['reference']}"
    )
    clock.set(utc(26, 2))
    fourth = _report(auth)  # the problem is open: no second one
    assert (
        auth.get("pj.layanan", f"/api/v1/process-instances/{fourth['id']}").json["children"] == []
    )
