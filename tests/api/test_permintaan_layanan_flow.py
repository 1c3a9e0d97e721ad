"""The service request end to end through the HTTP API, each step by the right demo user."""

from __future__ import annotations

from typing import Any

import pytest

from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

REQUEST = SAMPLE_REQUEST
CLASSIFY = {
    "klasifikasi": "akses",
    "prioritas": "sedang",
    "gangguan": False,
    "pelaksana": "pelaksana",
}


def _only_task(auth: Auth, username: str, instance_id: int) -> dict[str, Any]:
    inbox = auth.get(username, "/api/v1/tasks").json
    mine = [t for t in inbox["items"] if t["process_instance_id"] == instance_id]
    assert len(mine) == 1, (username, inbox)
    return mine[0]


def _complete(auth: Auth, username: str, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    response = auth.post(username, f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == 200, response.json
    return response.json["process_instance"]


def _inbox_ids(auth: Auth, username: str) -> set[str]:
    return {t["id"] for t in auth.get(username, "/api/v1/tasks").json["items"]}


def test_service_request_with_approval_rejected_confirmation_and_rating(auth: Auth) -> None:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": REQUEST},
    )
    assert started.status_code == 201, started.json
    instance = started.json
    assert instance["status"] == "running"
    assert instance["data"]["perlu_persetujuan"] is True
    assert instance["data"]["pemohon"]["username"] == "pengguna"
    instance_id = instance["id"]

    task = _only_task(auth, "admin.layanan", instance_id)
    assert task["lane"] == "Administrator Layanan"
    assert task["name"] == "klasifikasi_prioritas"
    assert task["id"] not in _inbox_ids(auth, "pengguna")
    assert auth.get("pengguna", f"/api/v1/tasks/{task['id']}").status_code == 403
    detail = auth.get("admin.layanan", f"/api/v1/tasks/{task['id']}").json
    assert detail["form"]["schema"]["required"]
    assert detail["data"]["layanan"] == "SIMPEG"

    bad = auth.post(
        "admin.layanan",
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"klasifikasi": "bukan-pilihan", "gangguan": False}},
    )
    assert bad.status_code == 422
    assert "klasifikasi" in bad.json["errors"]
    assert "prioritas" in bad.json["errors"]

    _complete(
        auth,
        "admin.layanan",
        task["id"],
        {
            "klasifikasi": "akses",
            "prioritas": "sedang",
            "gangguan": False,
            "pelaksana": "pelaksana",
        },
    )

    approval = _only_task(auth, "pj.layanan", instance_id)
    assert approval["lane"] == "Penanggung Jawab Penyedia Layanan"
    assert approval["id"] not in _inbox_ids(auth, "admin.layanan")
    _complete(auth, "pj.layanan", approval["id"], {"disetujui": True})

    fulfil = _only_task(auth, "pelaksana", instance_id)
    assert fulfil["assignee"] == "pelaksana"
    assert fulfil["id"] not in _inbox_ids(auth, "admin.layanan")
    _complete(auth, "pelaksana", fulfil["id"], {"hasil_pemenuhan": "Akun dibuat."})

    confirm = _only_task(auth, "pengguna", instance_id)
    assert confirm["lane"] == "Pemohon"
    _complete(
        auth,
        "pengguna",
        confirm["id"],
        {"konfirmasi": "ditolak", "alasan_penolakan": "Belum bisa masuk."},
    )

    fulfil_again = _only_task(auth, "pelaksana", instance_id)
    assert fulfil_again["id"] != fulfil["id"]
    _complete(auth, "pelaksana", fulfil_again["id"], {"hasil_pemenuhan": "Hak akses diperbaiki."})

    confirm_again = _only_task(auth, "pengguna", instance_id)
    final = _complete(
        auth,
        "pengguna",
        confirm_again["id"],
        {"konfirmasi": "diterima", "kepuasan": 5, "saran": "Cepat, terima kasih."},
    )
    assert final["status"] == "complete"
    assert final["data"]["kepuasan"] == 5
    assert final["data"]["status_permintaan"] == "selesai"

    history = auth.get("pengguna", f"/api/v1/process-instances/{instance_id}").json
    kinds = [e["kind"] for e in history["events"]]
    assert kinds[0] == "instance_started"
    assert kinds[-1] == "instance_completed"
    completions = [
        (e["user"], e["data"]["task"]) for e in history["events"] if e["kind"] == "task_completed"
    ]
    assert completions == [
        ("admin.layanan", "klasifikasi_prioritas"),
        ("pj.layanan", "persetujuan_permintaan"),
        ("pelaksana", "pemenuhan_permintaan"),
        ("pengguna", "konfirmasi_pemenuhan"),
        ("pelaksana", "pemenuhan_permintaan"),
        ("pengguna", "konfirmasi_pemenuhan"),
    ]
    assert history["tasks"] == []


def test_service_request_found_to_be_a_disruption_becomes_a_linked_complaint(auth: Auth) -> None:
    started = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={
            "process_model_id": "permintaan-layanan",
            "data": {**REQUEST, "jenis_permintaan": "RESET-SANDI"},
        },
    ).json
    assert started["data"]["perlu_persetujuan"] is False
    assert started["reference"] == "PMT-2026-000001"
    task = _only_task(auth, "admin.layanan", started["id"])
    missing_impact = auth.post(
        "admin.layanan",
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"klasifikasi": "akses", "prioritas": "tinggi", "gangguan": True}},
    )
    assert missing_impact.status_code == 422
    assert "dampak" in missing_impact.json["errors"]
    final = _complete(
        auth,
        "admin.layanan",
        task["id"],
        {"klasifikasi": "akses", "prioritas": "tinggi", "gangguan": True, "dampak": "Minor"},
    )
    assert final["status"] == "complete"
    assert final["data"]["harus_menjadi_aduan"] is True

    request = auth.get("pengguna", f"/api/v1/process-instances/{started['id']}").json
    [child] = request["children"]
    assert child["process_model_id"] == "penanganan-aduan"
    assert child["reference"] == "ADU-2026-000001"
    assert [e["data"]["child"] for e in request["events"] if e["kind"] == "child_started"] == [
        child["id"]
    ]
    complaint = auth.get("pengguna", f"/api/v1/process-instances/{child['id']}").json
    assert complaint["parent"]["id"] == started["id"]
    assert complaint["parent"]["reference"] == "PMT-2026-000001"
    assert complaint["started_by"] == "pengguna"  # the requester becomes the reporter
    assert complaint["data"]["nomor_permintaan"] == "PMT-2026-000001"
    assert complaint["data"]["gejala"] == REQUEST["uraian"]
    # Minor x Administrasi Pemerintahan x Esensial (SIMPEG) is P5 (Tabel 3)
    assert complaint["sla"]["priority"] == "P5"
    assert _only_task(auth, "admin.layanan", child["id"])["name"] == "klasifikasi_aduan"
    found = auth.get("pengguna", "/api/v1/process-instances?reference=adu-2026").json
    assert [i["id"] for i in found["items"]] == [child["id"]]


def test_service_request_for_unknown_service_is_refused(auth: Auth) -> None:
    response = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={
            "process_model_id": "permintaan-layanan",
            "data": {**REQUEST, "layanan": "TIDAK-ADA"},
        },
    )
    assert response.status_code == 422
    assert "layanan" in response.json["errors"]
