"""The service catalog: fields, Kritis rules, request types, CSV/XLSX import and export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.models import Event, RoleAssignment, Service
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

ENTRY = {
    "code": "SIMPUS",
    "name": "Sistem Informasi Puskesmas",
    "description": "Rekam medis elektronik puskesmas",
    "agency": "DISKOMINFO",
    "group": "Publik",
    "classification": "Esensial",
    "access_method": "https://simpus.example.go.id",
    "availability_target": 99.0,
    "help_contact": "0717-123456",
    "support_hours": "kalender",
    "availability": "Senin-Jumat",
    "vital_business_functions": "Pendaftaran dan rekam medis pasien",
    "request_types": [
        {"code": "AKUN", "name": "Akun petugas", "needs_approval": True, "fulfilment_hours": 24},
    ],
}


def test_catalog_is_readable_by_everyone(auth: Auth) -> None:
    services = auth.get("pengguna", "/api/v1/services").json
    simpeg = next(s for s in services if s["code"] == "SIMPEG")
    assert simpeg["agency"] == "BKPSDM"
    assert {t["code"] for t in simpeg["request_types"]} == {"AKUN-BARU", "RESET-SANDI"}
    assert auth.get("pengguna", "/api/v1/services/SIMPEG").json["name"] == simpeg["name"]
    assert auth.get("pengguna", "/api/v1/services/TIDAK-ADA").status_code == 404


def test_create_and_update_with_administrators_and_audit(auth: Auth, platform) -> None:
    created = auth.post(
        "admin", "/api/v1/services", json={**ENTRY, "service_administrators": ["pelaksana"]}
    )
    assert created.status_code == 201, created.json
    assert created.json["request_types"][0]["fulfilment_hours"] == 24
    assert created.json["service_administrators"] == ["pelaksana"]
    assert created.json["vital_business_functions"] == ENTRY["vital_business_functions"]
    changed = auth.client.put(
        "/api/v1/services/SIMPUS",
        headers=auth.headers("admin"),
        json={
            **ENTRY,
            "name": "SIMPUS Terpadu",
            "request_types": [],
            "service_administrators": ["admin.layanan"],
        },
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["name"] == "SIMPUS Terpadu"
    assert changed.json["request_types"] == []
    assert changed.json["service_administrators"] == ["admin.layanan"]
    with platform.sessions() as session:
        events = session.scalars(
            select(Event).where(Event.kind.in_(("service_created", "service_updated")))
        ).all()
        kinds = [e.kind for e in events if e.data["code"] == "SIMPUS"]
        assert kinds == ["service_created", "service_updated"]
        simpus = session.scalar(select(Service.id).where(Service.code == "SIMPUS"))
        holders = session.scalars(
            select(RoleAssignment.role).where(RoleAssignment.service_id == simpus)
        ).all()
        assert holders == ["Administrator Layanan"]


def test_kritis_without_rpo_rto_drp_is_refused(auth: Auth) -> None:
    response = auth.post("admin", "/api/v1/services", json={**ENTRY, "classification": "Kritis"})
    assert response.status_code == 422
    assert {"rpo_minutes", "rto_minutes", "drp_reference"} <= set(response.json["errors"])
    assert "Kritis" in response.json["errors"]["rpo_minutes"][0]
    complete = {
        **ENTRY,
        "classification": "Kritis",
        "rpo_minutes": 15,
        "rto_minutes": 60,
        "drp_reference": "DRP-SIMPUS-2026",
    }
    assert auth.post("admin", "/api/v1/services", json=complete).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"group": "Swasta"}, "group"),
        ({"agency": "TIDAK-ADA"}, "agency"),
        ({"code": "huruf kecil"}, "code"),
        ({"availability_target": 120}, "availability_target"),
        ({"support_hours": "kadang"}, "support_hours"),
        (
            {"request_types": [{"code": "A", "name": "x"}, {"code": "A", "name": "y"}]},
            "request_types.1.code",
        ),
    ],
)
def test_invalid_entries_are_refused(auth: Auth, changes: dict, field: str) -> None:
    response = auth.post("admin", "/api/v1/services", json={**ENTRY, **changes})
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_only_admin_sistem_changes_the_catalog(auth: Auth) -> None:
    assert auth.post("analis", "/api/v1/services", json=ENTRY).status_code == 403
    put = auth.client.put("/api/v1/services/SIMPEG", headers=auth.headers("pimpinan"), json=ENTRY)
    assert put.status_code == 403
    upload = {"file": (io.BytesIO(b"kode,nama,pd,kelompok,klasifikasi\n"), "k.csv")}
    assert (
        auth.post(
            "penyedia", "/api/v1/services/import", data=upload, content_type="multipart/form-data"
        ).status_code
        == 403
    )


def _import(auth: Auth, content: bytes, name: str):
    return auth.post(
        "admin",
        "/api/v1/services/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_export_csv_then_import_it_back_changes_nothing(auth: Auth, platform) -> None:
    exported = auth.get("pengguna", "/api/v1/services/export?format=csv")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].endswith("katalog-layanan.csv")
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    simpeg = next(r for r in rows if r["kode"] == "SIMPEG")
    assert "fungsi_kerja_vital" in simpeg
    assert "AKUN-BARU|Pembuatan akun baru|ya|" in simpeg["jenis_permintaan"]
    before = auth.get("pengguna", "/api/v1/services").json
    result = _import(auth, exported.data, "katalog.csv")
    assert result.status_code == 200, result.json
    assert result.json == {"created": 0, "updated": len(rows)}
    assert auth.get("pengguna", "/api/v1/services").json == before


def test_xlsx_export_and_import(auth: Auth) -> None:
    exported = auth.get("pengguna", "/api/v1/services/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["kode", "nama", "deskripsi", "pd", "kelompok"]
    workbook = Workbook()
    workbook.active.append(
        [
            "kode",
            "nama",
            "pd",
            "kelompok",
            "klasifikasi",
            "rpo_menit",
            "rto_menit",
            "dokumen_drp",
            "jenis_permintaan",
        ]
    )
    workbook.active.append(
        [
            "SIPD",
            "Sistem Informasi Pemerintahan Daerah",
            "BPKAD",
            "Layanan Administrasi Pemerintahan",
            "Kritis",
            30,
            120,
            "DRP-SIPD",
            "INPUT|Hak input|ya|8",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = _import(auth, buffer.getvalue(), "baru.xlsx")
    assert result.status_code == 200, result.json
    assert result.json == {"created": 1, "updated": 0}
    sipd = auth.get("pengguna", "/api/v1/services/SIPD").json
    assert sipd["group"] == "Administrasi Pemerintahan"
    assert sipd["request_types"] == [
        {"code": "INPUT", "name": "Hak input", "needs_approval": True, "fulfilment_hours": 8}
    ]


def test_csv_import_with_a_bad_row_changes_nothing(auth: Auth, platform) -> None:
    content = (
        b"kode,nama,pd,kelompok,klasifikasi,rpo_menit,rto_menit,dokumen_drp,jenis_permintaan,"
        b"administrator_layanan\n"
        b"BARU-1,Layanan Baru Satu,DISKOMINFO,Publik,Normal,,,,,\n"
        b"SIMPEG,SIMPEG diganti,BKPSDM,Administrasi Pemerintahan,Esensial,,,,,\n"
        b"BARU-2,Layanan Kritis,DISKOMINFO,Publik,Kritis,,,,X|Y,\n"
        b"BARU-3,Layanan Tiga,PD-HILANG,Publik,Normal,,,,,siapa\n"
    )
    with platform.sessions() as session:
        count = session.scalar(select(func.count()).select_from(Service))
    response = _import(auth, content, "katalog.csv")
    assert response.status_code == 422
    errors = response.json["errors"]
    assert {(e["row"], e["field"]) for e in errors} >= {
        (4, "jenis_permintaan"),
        (4, "rpo_minutes"),
        (4, "rto_minutes"),
        (4, "drp_reference"),
        (5, "agency"),
        (5, "service_administrators"),
    }
    assert all(e["row"] not in (2, 3) for e in errors)
    with platform.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Service)) == count
        assert session.scalar(select(Service.name).where(Service.code == "SIMPEG")) != (
            "SIMPEG diganti"
        )


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"kode,nama,warna\nA,B,merah\n", "k.csv"),
        (b"\xff\xfe\x00x", "k.csv"),
        (b"PK\x03\x04 not really a zip", "k.xlsx"),
        (b"kode,nama\n", "k.txt"),
    ],
)
def test_unreadable_or_wrong_files_are_422(auth: Auth, content: bytes, name: str) -> None:
    response = _import(auth, content, name)
    assert response.status_code == 422
    assert response.json["message"]
