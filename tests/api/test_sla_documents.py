"""A service's SLA document (issue 15, item 7): generated from its data as PDF, read back
as text, versioned when the data change, read by whoever holds a role."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

URL = "/api/v1/services/{code}/sla-document"


def pdf_text(content: bytes) -> str:
    """The document's text with every run of whitespace as one space (lines wrap)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def fetch(auth: Auth, username: str, code: str, **query: Any) -> Any:
    return auth.get(username, URL.format(code=code), query_string=query)


def test_the_document_carries_letterhead_date_pages_and_the_services_figures(
    auth: Auth,
) -> None:
    response = fetch(auth, "pengguna", "SIMPEG")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == ('inline; filename="SLA-SIMPEG-versi-1.pdf"')
    text = pdf_text(response.data)
    # the letterhead: BKPSDM provides SIMPEG
    assert "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA" in text
    # T0 is Monday 23 November 2026, 09:00 WIB
    assert "23 November 2026" in text
    assert "Halaman 1 dari " in text
    assert "Sistem Informasi Manajemen Kepegawaian (SIMPEG) · versi 1" in text
    # Esensial: availability 98%; Layanan Administrasi Pemerintahan / Esensial: P3 and P5,
    # resolution < 48 h (Tabel 2); P1 responds within 15 minutes (Tabel 4)
    assert "98%" in text
    assert "Mayor menjadi P3" in text
    assert "Minor menjadi P5" in text
    assert "15 menit" in text
    assert "48 jam" in text
    # request types with their fulfilment targets, office hours, contacts
    assert "Pembuatan akun baru" in text
    assert "16 jam" in text
    assert "Reset kata sandi" in text
    assert "Senin 07.30-16.00" in text
    assert "servicedesk@diskominfo.demo.go.id" in text
    assert "Kepala BKPSDM" in text  # the Pimpinan PD of BKPSDM


def test_changed_data_make_the_next_version_and_unchanged_data_none(auth: Auth) -> None:
    assert fetch(auth, "pengguna", "SIMPEG").status_code == 200
    entry = auth.get("admin", "/api/v1/services/SIMPEG").json
    own = {"response": {"P1": {"value": 10, "unit": "menit"}}}  # its own figure (item 1)
    changed = auth.client.put(
        "/api/v1/services/SIMPEG",
        headers=auth.headers("admin"),
        json={**entry, "availability_target": 1234.5 / 12.5, "targets": own},  # 98.76%
    )
    assert changed.status_code == 200, changed.json

    second = fetch(auth, "pengguna", "SIMPEG")
    assert second.headers["Content-Disposition"].endswith('SLA-SIMPEG-versi-2.pdf"')
    second_text = pdf_text(second.data)
    assert "98,76%" in second_text
    assert "P1 10 menit 48 jam" in second_text
    again = fetch(auth, "admin.layanan", "SIMPEG")
    assert again.headers["Content-Disposition"].endswith('SLA-SIMPEG-versi-2.pdf"')
    assert again.data == second.data

    old = fetch(auth, "pengguna", "SIMPEG", version=1)
    assert old.status_code == 200
    old_text = pdf_text(old.data)
    assert "98%" in old_text
    assert "98,76%" not in old_text
    assert "P1 15 menit 48 jam" in old_text

    listing = auth.get("pengguna", "/api/v1/services/SIMPEG/sla-documents")
    assert listing.status_code == 200
    assert listing.json["total"] == 2
    [newest, first] = listing.json["items"]
    assert (newest["version"], first["version"]) == (2, 1)
    assert newest["generated_by"] == "pengguna"
    assert newest["data_hash"] != first["data_hash"]
    assert newest["url"] == "/api/v1/services/SIMPEG/sla-document?version=2"
    paged = auth.get("pengguna", "/api/v1/services/SIMPEG/sla-documents?per_page=1&page=2")
    assert [item["version"] for item in paged.json["items"]] == [1]


def test_unknown_service_or_version_is_not_found(auth: Auth) -> None:
    assert fetch(auth, "pengguna", "TIDAK-ADA").status_code == 404
    missing = auth.get("pengguna", "/api/v1/services/TIDAK-ADA/sla-documents")
    assert missing.status_code == 404
    assert fetch(auth, "pengguna", "SIMPEG", version=7).status_code == 404
    refused = fetch(auth, "pengguna", "SIMPEG", version=0)
    assert refused.status_code == 422
    assert "version" in str(refused.json["errors"])


def test_an_account_holding_no_role_may_not_read_it(auth: Auth) -> None:
    created = auth.post(
        "admin", "/api/v1/users", json={"username": "tanpa.peran", "password": "rahasia-123"}
    )
    assert created.status_code == 201, created.json
    token = auth.client.post(
        "/api/v1/auth/login", json={"username": "tanpa.peran", "password": "rahasia-123"}
    ).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for url in (URL.format(code="SIMPEG"), "/api/v1/services/SIMPEG/sla-documents"):
        response = auth.client.get(url, headers=headers)
        assert response.status_code == 403
        assert "peran" in response.json["message"]
    assert auth.get("admin", "/api/v1/services/SIMPEG/sla-documents").json["total"] == 0


def test_a_kritis_service_of_a_pd_on_the_urgency_scheme(auth: Auth) -> None:
    """EMAIL is Kritis, 24x7, with RPO, RTO and DRP; DISKOMINFO adopts Tabel 11-14."""
    patched = auth.client.patch(
        "/api/v1/agencies/DISKOMINFO",
        headers=auth.headers("admin"),
        json={"sla_scheme": "urgensi"},
    )
    assert patched.status_code == 200, patched.json
    text = pdf_text(fetch(auth, "penyedia", "EMAIL").data)
    assert "DINAS KOMUNIKASI DAN INFORMATIKA" in text
    assert "24 jam sehari, 7 hari seminggu" in text
    assert "99,5%" in text
    assert "RTO (waktu pemulihan) 4 jam" in text
    assert "RPO (titik pemulihan data) 15 menit" in text
    assert "DRP-EMAIL-2026" in text
    assert "Tinggi 3 jam 48 jam" in text
    assert "Rendah 3 jam 120 jam" in text
    assert "hari kerja berikutnya" in text  # Tabel 12's rule outside working hours
    assert "Pembuatan akun surel 24 jam" in text
