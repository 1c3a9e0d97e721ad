"""An administrator's edit of a reference table governs the next complaint, not the running
ones (issue 11, item 5): Tabel 3 gives the priority the complaint diagram's
`prioritas_tabel_3` reads, and the SLA explanation names the table's version; Tabel 13
(urgency scheme) gives the targets of complaints filed after its edit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_sla_complaints import _complete, _report, _task
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")


def _put(auth: Auth, name: str, rows: Any) -> None:
    response = auth.client.put(
        f"/api/v1/reference-tables/{name}", headers=auth.headers("admin"), json={"rows": rows}
    )
    assert response.status_code == 200, response.json


def _basis(auth: Auth, instance_id: int) -> str:
    explanation = auth.get("penyedia", f"/api/v1/process-instances/{instance_id}/sla").json
    return explanation["clocks"][0]["target"]["basis"]


def test_a_tabel_3_edit_gives_the_next_complaint_its_priority_not_a_running_one(
    auth: Auth,
) -> None:
    # SRIKANDI: Administrasi Pemerintahan, Esensial; Mayor gives P3 in the regulation.
    before = _report(auth)
    assert before["sla"]["priority"] == "P3"
    assert _basis(auth, before["id"]) == (
        "Tabel 4: P3 < 60 menit; prioritas dari Tabel 3, nilai regulasi"
    )
    due_before = before["sla"]["response_due_at"]

    rows = auth.get("admin", "/api/v1/reference-tables/matriks-prioritas").json["rows"]
    cell = {"impact": "Mayor", "group": "Administrasi Pemerintahan", "classification": "Esensial"}
    for row in rows:
        if all(row[key] == value for key, value in cell.items()):
            row["priority"] = "P1"
    _put(auth, "matriks-prioritas", rows)

    after = _report(auth)
    assert after["data"]["prioritas"] == "P1"
    assert after["sla"]["priority"] == "P1"
    basis = _basis(auth, after["id"])
    assert basis.startswith("Tabel 4: P1 < 15 menit; prioritas dari Tabel 3, diubah ")
    assert basis.endswith(" oleh admin")

    # The complaint filed before keeps its priority and deadlines through its next step.
    classify = _task(auth, "admin.layanan", before["id"], "klasifikasi_aduan")
    running = _complete(
        auth,
        "admin.layanan",
        classify,
        {
            "kategori": "aplikasi",
            "dampak": "Mayor",
            "prioritas": "P3",
            "analisis": "Layanan web berhenti.",
            "estimasi_selesai": "2026-11-24T10:00:00+07:00",
        },
    )
    assert running["sla"]["priority"] == "P3"
    assert running["sla"]["response_due_at"] == due_before


def test_staff_overriding_the_table_is_named_in_the_explanation(auth: Auth) -> None:
    instance = _report(auth)
    classify = _task(auth, "admin.layanan", instance["id"], "klasifikasi_aduan")
    _complete(
        auth,
        "admin.layanan",
        classify,
        {
            "kategori": "aplikasi",
            "dampak": "Mayor",
            "prioritas": "P2",
            "analisis": "Semua pengguna terdampak.",
            "estimasi_selesai": "2026-11-24T10:00:00+07:00",
        },
    )
    assert _basis(auth, instance["id"]) == (
        "Tabel 4: P2 < 30 menit; prioritas dari petugas (menurut Tabel 3, nilai regulasi: P3)"
    )


def test_a_tabel_13_edit_sets_the_targets_of_the_next_complaint_on_the_urgency_scheme(
    auth: Auth,
) -> None:
    changed = auth.client.patch(
        "/api/v1/agencies/DISKOMINFO",
        json={"sla_scheme": "urgensi"},
        headers=auth.headers("admin"),
    )
    assert changed.status_code == 200, changed.json
    before = _report(auth, urgensi=2, dampak="Minor")
    scheme = auth.get("admin", "/api/v1/reference-tables/skema-urgensi").json["rows"]
    level = next(row for row in scheme["levels"] if row["urgency"] == 2)
    assert level["resolution_hours"] != 8
    level["resolution_hours"] = 8
    _put(auth, "skema-urgensi", scheme)

    after = _report(auth, urgensi=2, dampak="Minor")
    explanation = auth.get("penyedia", f"/api/v1/process-instances/{after['id']}/sla").json
    assert explanation["clocks"][1]["target"]["basis"] == "Tabel 13: urgensi 2 dalam 8 jam"
    # Reported at the same moment, the earlier complaint keeps the regulation's target.
    assert after["sla"]["resolution_due_at"] < before["sla"]["resolution_due_at"]
    again = auth.get("penyedia", f"/api/v1/process-instances/{before['id']}").json
    assert again["sla"]["resolution_due_at"] == before["sla"]["resolution_due_at"]
