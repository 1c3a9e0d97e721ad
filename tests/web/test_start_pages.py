"""The catalog of what a user may start, and the start form, with the Flask client."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.services.demo import SAMPLE_REQUEST
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def test_a_user_is_offered_requests_per_service_and_nothing_else(client: FlaskClient):
    """A Pengguna Layanan files requests; disruptions too, which the desk turns into
    complaints (Perbup Bangka 21/2025, Tabel 5): the diagrams' `startableBy`."""
    client_sign_in(client, "pengguna")
    html = client.get("/layanan").get_data(as_text=True)
    assert "/mulai/permintaan-layanan?layanan=SIMPEG" in html
    assert "/mulai/penanganan-aduan" not in html  # the provider files complaints
    assert "/mulai/perencanaan" not in html  # staff only
    assert "Prosedur lain untuk petugas" not in html


def test_the_provider_files_complaints_and_sees_its_procedures(client: FlaskClient):
    client_sign_in(client, "penyedia")
    html = client.get("/layanan").get_data(as_text=True)
    assert "/mulai/penanganan-aduan?layanan=SRIKANDI" in html
    assert "Prosedur lain untuk petugas" in html
    assert "/mulai/perencanaan" in html
    assert "/mulai/pemantauan-pemeliharaan" in html
    assert "/mulai/rilis-layanan" not in html  # the infrastructure administrator's


def test_the_infrastructure_administrator_sees_releases_and_recovery(client: FlaskClient):
    client_sign_in(client, "admin.infra")
    html = client.get("/layanan").get_data(as_text=True)
    assert "/mulai/rilis-layanan" in html
    assert "/mulai/pemulihan-layanan" in html
    assert "/mulai/penanganan-aduan" not in html


def test_start_form_is_fixed_to_the_service_with_its_request_types(client: FlaskClient):
    client_sign_in(client, "pengguna")
    page = client.get("/mulai/permintaan-layanan?layanan=SIMPEG")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'id="f-layanan" name="layanan" value="SIMPEG"[^>]* readonly', html)
    assert '<select id="f-jenis_permintaan" name="jenis_permintaan"' in html
    assert 'value="AKUN-BARU"' in html


def test_start_with_errors_keeps_input_then_starts(client: FlaskClient):
    token = client_sign_in(client, "pengguna")
    url = "/mulai/permintaan-layanan?layanan=SIMPEG"
    bad = client.post(
        url,
        data={**SAMPLE_REQUEST, "nip_nik": "12ab", "judul": "", "csrf_token": token},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="f-nip_nik-error">Formatnya tidak sesuai.</span>' in html
    assert 'id="f-judul-error">Wajib diisi.</span>' in html
    assert 'value="12ab"' in html
    assert "pengajuan belum terkirim" in html

    good = client.post(url, data={**SAMPLE_REQUEST, "csrf_token": token})
    assert good.status_code == 302
    done = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "PMT-2026-000001" in done
    assert "Klasifikasi" in done  # the next step


def test_start_refusals(client: FlaskClient):
    token = client_sign_in(client, "pengguna")
    assert client.get("/mulai/perencanaan").status_code == 403
    assert client.post("/mulai/perencanaan", data={"csrf_token": token}).status_code == 403
    assert client.get("/mulai/tidak-ada").status_code == 404
    assert client.get("/mulai/permintaan-layanan?layanan=TIDAK-ADA").status_code == 404
    assert client.post("/mulai/permintaan-layanan", data=SAMPLE_REQUEST).status_code == 400
    assert client.get("/mulai/terkirim/999999").status_code == 404


def test_a_user_reports_a_disruption_on_the_request_form(client: FlaskClient):
    """'Laporkan gangguan' opens the request form marked as a disruption report, which
    needs no request type (Perbup Bangka 21/2025, 2.2.1.1 Tabel 5 no. 2)."""
    token = client_sign_in(client, "pengguna")
    catalog = client.get("/layanan").get_data(as_text=True)
    url = "/mulai/permintaan-layanan?layanan=SRIKANDI&amp;gangguan=1"
    assert url in catalog
    page = client.get(url.replace("&amp;", "&")).get_data(as_text=True)
    assert "<h1>Laporkan gangguan — " in page
    assert re.search(r'<input[^>]*name="laporan_gangguan"[^>]*checked', page), page
    report = {k: v for k, v in SAMPLE_REQUEST.items() if k != "jenis_permintaan"}
    started = client.post(
        "/mulai/permintaan-layanan?layanan=SRIKANDI",
        data={**report, "layanan": "SRIKANDI", "laporan_gangguan": "true", "csrf_token": token},
    )
    assert started.status_code == 302, started.get_data(as_text=True)
    plain = client.post(
        "/mulai/permintaan-layanan?layanan=SRIKANDI",
        data={**report, "layanan": "SRIKANDI", "csrf_token": token},
    )
    assert plain.status_code == 422
    assert 'id="f-jenis_permintaan-error">Wajib diisi.</span>' in plain.get_data(as_text=True)
