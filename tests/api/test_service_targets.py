"""Targets carried by each service (issue 15, item 1): the clocks of a case on a service with
its own figures run to them, a level it leaves out keeps the reference tables' figure, the
catalog shows the same figures, and figures that cannot be agreed are refused by field."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from app.services.demo import SAMPLE_REQUEST
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("deployed")

COMPLAINT = {
    "layanan": "SRIKANDI",  # DISKOMINFO, Administrasi Pemerintahan, Esensial, office hours
    "judul": "SRIKANDI tidak dapat diakses",
    "metode_pelaporan": "telepon",
    "kategori": "aplikasi",
    "gejala": "Halaman masuk menampilkan galat 502 untuk semua pengguna.",
    "dampak": "Mayor",  # P3 by Tabel 3
    "nip_nik": "198501012010011001",
    "instansi": "Diskominfo",
    "telepon": "081234567890",
}


def _entry(auth: Auth, code: str) -> dict[str, Any]:
    """The catalog entry as read, to be sent back."""
    return auth.get("admin", f"/api/v1/services/{code}").json


def _put(auth: Auth, code: str, entry: dict[str, Any]) -> Any:
    return auth.client.put(f"/api/v1/services/{code}", headers=auth.headers("admin"), json=entry)


def _set_targets(auth: Auth, code: str, targets: dict[str, Any]) -> dict[str, Any]:
    response = _put(auth, code, {**_entry(auth, code), "targets": targets})
    assert response.status_code == 200, response.json
    return response.json


def _start(auth: Auth, model: str, data: dict[str, Any], user: str) -> dict[str, Any]:
    response = auth.post(
        user, "/api/v1/process-instances", json={"process_model_id": model, "data": data}
    )
    assert response.status_code == 201, response.json
    return response.json


def _bases(auth: Auth, instance_id: int) -> list[str]:
    explanation = auth.get("penyedia", f"/api/v1/process-instances/{instance_id}/sla").json
    return [clock["target"]["basis"] for clock in explanation["clocks"]]


def test_a_complaint_runs_to_its_services_own_targets_and_the_rest_to_the_tables(
    auth: Auth,
) -> None:
    entry = _set_targets(
        auth,
        "SRIKANDI",
        {
            "response": {"P3": {"value": 2, "unit": "jam"}},
            "resolution": {"Prioritas 3": {"value": 8, "unit": "jam"}},
        },
    )
    assert entry["targets"]["response"] == {"P3": {"value": 2, "unit": "jam"}}
    assert entry["targets"]["resolution"] == {"P3": {"value": 8, "unit": "jam"}}
    # the catalog's text is the figures in force: the service's for P3, the tables' else
    assert "P3: respons 2 jam, penyelesaian 8 jam" in entry["user_service_target"]
    assert "P5: respons 2 jam, penyelesaian 48 jam" in entry["user_service_target"]
    assert "P1: respons 15 menit, penyelesaian 48 jam" in entry["user_service_target"]

    # Monday 09:00 WIB. P3: response in 2 working hours (11:00 WIB); resolution in 8:
    # Monday to 16:00 (7 h), Tuesday 07:30 + 1 h = 08:30 WIB.
    mayor = _start(auth, "penanganan-aduan", COMPLAINT, "penyedia")
    assert mayor["sla"]["priority"] == "P3"
    assert mayor["sla"]["response_due_at"] == "2026-11-23T04:00:00+00:00"
    assert mayor["sla"]["resolution_due_at"] == "2026-11-24T01:30:00+00:00"
    assert _bases(auth, mayor["id"]) == [
        "Target layanan SRIKANDI: P3 < 2 jam; prioritas dari Tabel 3, nilai regulasi",
        "Target layanan SRIKANDI: P3 < 8 jam",
    ]

    # Minor: P5, which the service left to the tables (Tabel 4 < 2 h, Tabel 2 < 48 h)
    minor = _start(auth, "penanganan-aduan", {**COMPLAINT, "dampak": "Minor"}, "penyedia")
    assert minor["sla"]["priority"] == "P5"
    assert _bases(auth, minor["id"]) == [
        "Tabel 4: P5 < 2 jam; prioritas dari Tabel 3, nilai regulasi",
        "Tabel 2: Layanan Administrasi Pemerintahan / Esensial < 48 jam",
    ]


def test_a_service_without_targets_of_its_own_reads_the_tables(auth: Auth) -> None:
    entry = auth.get("pengguna", "/api/v1/services/SRIKANDI").json
    assert entry["targets"]["response"] == {}
    assert entry["targets"]["resolution"] == {}
    complaint = _start(auth, "penanganan-aduan", COMPLAINT, "penyedia")
    assert complaint["sla"]["response_due_at"] == "2026-11-23T03:00:00+00:00"  # P3 < 1 h
    assert complaint["sla"]["resolution_due_at"] == "2026-11-30T07:00:00+00:00"  # 48 h
    assert _bases(auth, complaint["id"])[1] == (
        "Tabel 2: Layanan Administrasi Pemerintahan / Esensial < 48 jam"
    )


def test_on_the_urgency_scheme_the_services_figures_replace_tabel_12_and_13(
    auth: Auth,
) -> None:
    changed = auth.client.patch(
        "/api/v1/agencies/DISKOMINFO",
        json={"sla_scheme": "urgensi"},
        headers=auth.headers("admin"),
    )
    assert changed.status_code == 200, changed.json
    entry = _set_targets(
        auth,
        "SRIKANDI",
        {
            "response": {"2": {"value": 30, "unit": "menit"}},
            "resolution": {"sedang": {"value": 10, "unit": "jam"}},
        },
    )
    assert set(entry["targets"]["response"]) == {"Sedang"}
    assert "Sedang: respons 30 menit, penyelesaian 10 jam" in entry["user_service_target"]
    assert "Tinggi: respons 3 jam, penyelesaian 48 jam" in entry["user_service_target"]
    # Monday 09:00 WIB, urgency 2: response by 09:30; 10 working hours: Tuesday 10:30 WIB
    sla = _start(auth, "penanganan-aduan", {**COMPLAINT, "urgensi": 2}, "penyedia")["sla"]
    assert sla["response_due_at"] == "2026-11-23T02:30:00+00:00"
    assert sla["resolution_due_at"] == "2026-11-24T03:30:00+00:00"


def test_a_request_types_fulfilment_is_a_target_of_the_service(auth: Auth) -> None:
    entry = _entry(auth, "SIMPEG")
    assert entry["targets"]["fulfilment"]["AKUN-BARU"] == {"value": 16, "unit": "jam"}
    contradicting = {**entry, "targets": {"fulfilment": {"AKUN-BARU": {"value": 4, "unit": "jam"}}}}
    refused = _put(auth, "SIMPEG", contradicting)
    assert refused.status_code == 422
    assert "targets.fulfilment.AKUN-BARU" in refused.json["errors"]

    types = [
        {**t, "fulfilment_hours": None} if t["code"] == "AKUN-BARU" else t
        for t in entry["request_types"]
    ]
    saved = _put(auth, "SIMPEG", {**contradicting, "request_types": types})
    assert saved.status_code == 200, saved.json
    assert "pemenuhan Pembuatan akun baru: 4 jam" in saved.json["user_service_target"]
    # Monday 09:00 WIB + 4 working hours
    sla = _start(auth, "permintaan-layanan", SAMPLE_REQUEST, "pengguna")["sla"]
    assert sla["resolution_due_at"] == "2026-11-23T06:00:00+00:00"


def test_an_update_without_targets_keeps_them_and_the_export_shows_them(auth: Auth) -> None:
    _set_targets(auth, "SRIKANDI", {"response": {"P1": {"value": 10, "unit": "menit"}}})
    entry = _entry(auth, "SRIKANDI")
    entry.pop("targets")
    assert _put(auth, "SRIKANDI", {**entry, "name": "SRIKANDI Baru"}).status_code == 200
    assert _entry(auth, "SRIKANDI")["targets"]["response"] == {"P1": {"value": 10, "unit": "menit"}}
    exported = auth.get("admin", "/api/v1/services/export?format=csv")
    rows = {r["kode"]: r for r in csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig")))}
    assert "P1: respons 10 menit" in rows["SRIKANDI"]["target_pelayanan_pengguna"]
    # the file sent back changes nothing: the text is not read, the figures stay
    upload = {"file": (io.BytesIO(exported.data), "katalog.csv")}
    imported = auth.client.post(
        "/api/v1/services/import",
        headers=auth.headers("admin"),
        data=upload,
        content_type="multipart/form-data",
    )
    assert imported.status_code == 200, imported.json
    assert _entry(auth, "SRIKANDI")["targets"]["response"] == {"P1": {"value": 10, "unit": "menit"}}


@pytest.mark.parametrize(
    ("targets", "field"),
    [
        ({"response": {"P1": {"value": 0, "unit": "jam"}}}, "targets.response.P1.value"),
        ({"response": {"P1": {"value": 1.5, "unit": "jam"}}}, "targets.response.P1.value"),
        ({"response": {"P1": {"value": 721, "unit": "jam"}}}, "targets.response.P1.value"),
        ({"response": {"P1": {"value": 1, "unit": "hari"}}}, "targets.response.P1.unit"),
        ({"response": {"P7": {"value": 1, "unit": "jam"}}}, "targets.response.P7"),
        ({"resolution": {"P1": 4}}, "targets.resolution.P1"),
        (
            {
                "response": {"P2": {"value": 2, "unit": "jam"}},
                "resolution": {"P2": {"value": 90, "unit": "menit"}},
            },
            "targets.resolution.P2",
        ),
        ({"response": []}, "targets.response"),
        ({"fulfilment": {"NOPE": {"value": 1, "unit": "jam"}}}, "targets.fulfilment.NOPE"),
        (
            {"fulfilment": {"PERBAIKAN": {"value": 30, "unit": "menit"}}},
            "targets.fulfilment.PERBAIKAN.unit",
        ),
        ("empat jam", "targets"),
    ],
)
def test_targets_that_cannot_be_agreed_are_refused_by_field(
    auth: Auth, targets: Any, field: str
) -> None:
    entry = _entry(auth, "SRIKANDI")
    entry["request_types"] = [{"code": "PERBAIKAN", "name": "Perbaikan"}]
    response = _put(auth, "SRIKANDI", {**entry, "targets": targets})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_the_derived_text_sent_back_is_ignored(auth: Auth) -> None:
    entry = {**_entry(auth, "SRIKANDI"), "user_service_target": "Selesai dalam 1 jam"}
    response = _put(auth, "SRIKANDI", entry)
    assert response.status_code == 200, response.json
    assert response.json["user_service_target"].startswith("P1: respons 15 menit")


def test_the_openapi_document_names_the_levels_and_units(auth: Auth) -> None:
    spec = auth.client.get("/api/v1/openapi.json").json
    targets = spec["components"]["schemas"]["Service"]["properties"]["targets"]
    response = targets["properties"]["response"]
    assert {"P1", "P6", "Tinggi", "Rendah"} <= set(response["properties"])
    assert response["properties"]["P1"]["properties"]["unit"]["enum"] == ["menit", "jam"]
