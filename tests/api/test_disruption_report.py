"""A user reports a disruption through the request form ("Laporkan gangguan"); the service
desk's classification turns it into a complaint that names the user as reporter and runs
its clocks from the user's report (Perbup Bangka 21/2025, 2.2.1.1 Tabel 5 no. 2; issue 11,
item 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.clock import FixedClock
from tests.api.test_sla_complaints import REPORT, _report, utc
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

#: SRIKANDI is down for everyone: as a complaint, Mayor x Administrasi x Esensial is P3.
DISRUPTION = {
    "layanan": "SRIKANDI",
    "laporan_gangguan": True,
    "judul": "SRIKANDI tidak dapat diakses",
    "uraian": "Sejak pagi halaman masuk menampilkan galat 502.",
    "nip_nik": "198501012010011001",
    "instansi": "BKPSDM",
    "telepon": "081234567890",
}


def _start(auth: Auth, data: dict[str, Any]) -> dict[str, Any]:
    response = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": data},
    )
    assert response.status_code == 201, response.json
    return response.json


def _classify(auth: Auth, instance_id: int, data: dict[str, Any]) -> dict[str, Any]:
    [task] = [
        t
        for t in auth.get("admin.layanan", "/api/v1/tasks").json["items"]
        if t["process_instance_id"] == instance_id
    ]
    assert task["name"] == "klasifikasi_prioritas"
    response = auth.post(
        "admin.layanan", f"/api/v1/tasks/{task['id']}/complete", json={"data": data}
    )
    assert response.status_code == 200, response.json
    return response.json["process_instance"]


def test_a_reported_disruption_becomes_a_complaint_timed_from_the_report(
    auth: Auth, clock: FixedClock
) -> None:
    request = _start(auth, DISRUPTION)  # Monday 09:00 WIB, no request type
    assert request["data"]["perlu_persetujuan"] is False
    clock.advance(timedelta(hours=2))
    classified = _classify(
        auth,
        request["id"],
        {"klasifikasi": "akses", "prioritas": "tinggi", "gangguan": True, "dampak": "Mayor"},
    )
    assert classified["status"] == "complete"

    complaints = auth.get(
        "pj.layanan", "/api/v1/process-instances?process_model_id=penanganan-aduan"
    ).json["items"]
    [listed] = [c for c in complaints if (c["parent"] or {}).get("id") == request["id"]]
    complaint = auth.get("pj.layanan", f"/api/v1/process-instances/{listed['id']}").json
    assert complaint["started_by"] == "pengguna"
    assert complaint["data"]["pemohon"]["username"] == "pengguna"
    assert complaint["data"]["nomor_permintaan"] == request["reference"]
    assert complaint["started_at"] == "2026-11-23T04:00:00+00:00"
    # The same deadlines as a complaint filed at the user's report, two hours earlier.
    direct = _report(auth)
    assert direct["started_at"] == complaint["started_at"]
    assert complaint["sla"]["priority"] == "P3"
    assert complaint["sla"]["response_due_at"] == "2026-11-23T03:00:00+00:00"
    assert complaint["sla"]["resolution_due_at"] == "2026-11-30T07:00:00+00:00"
    explanation = auth.get("pj.layanan", f"/api/v1/process-instances/{complaint['id']}/sla").json
    assert explanation["inputs"]["waktu_laporan"] == request["data"]["waktu_permintaan"]
    assert [c["started_at"] for c in explanation["clocks"]] == [utc(23, 2).isoformat()] * 2


def test_a_report_that_is_no_disruption_goes_on_as_a_request(auth: Auth) -> None:
    request = _start(auth, DISRUPTION)
    classified = _classify(
        auth,
        request["id"],
        {
            "klasifikasi": "akses",
            "prioritas": "sedang",
            "gangguan": False,
            "pelaksana": "pelaksana",
        },
    )
    assert classified["status"] != "error", classified
    [task] = [
        t
        for t in auth.get("pelaksana", "/api/v1/tasks").json["items"]
        if t["process_instance_id"] == request["id"]
    ]
    assert task["name"] == "pemenuhan_permintaan"


def test_a_request_still_names_its_type(auth: Auth) -> None:
    without = {k: v for k, v in DISRUPTION.items() if k != "laporan_gangguan"}
    response = auth.post(
        "pengguna",
        "/api/v1/process-instances",
        json={"process_model_id": "permintaan-layanan", "data": without},
    )
    assert response.status_code == 422
    assert "jenis_permintaan" in response.json["errors"]


def test_a_complaint_started_by_hand_counts_from_its_start(auth: Auth) -> None:
    """`waktu_laporan` is honoured only from a link, so nobody moves their own clocks."""
    complaint = _report(auth, waktu_laporan="2026-11-20T02:00:00+00:00")
    assert complaint["sla"]["response_due_at"] == "2026-11-23T03:00:00+00:00"
    explanation = auth.get("pj.layanan", f"/api/v1/process-instances/{complaint['id']}/sla").json
    assert "waktu_laporan" not in explanation["inputs"]
    assert REPORT["layanan"] == complaint["service"]
