"""The catalog links each service's SLA document; the page serves it as the API does."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("demo")


def test_the_catalog_links_the_sla_document_which_opens_as_pdf(client: FlaskClient) -> None:
    token = client_sign_in(client, "pengguna")
    html = client.get("/layanan").get_data(as_text=True)
    assert 'href="/layanan/SIMPEG/sla.pdf"' in html
    assert "Dokumen SLA (PDF)" in html

    response = client.get("/layanan/SIMPEG/sla.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="SLA-SIMPEG-versi-1.pdf"'
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Sistem Informasi Manajemen Kepegawaian" in text
    assert client.get("/layanan/SIMPEG/sla.pdf?versi=1").data == response.data
    for missing in (
        "/layanan/SIMPEG/sla.pdf?versi=9",
        "/layanan/SIMPEG/sla.pdf?versi=x1",
        "/layanan/TIDAK-ADA/sla.pdf",
    ):
        assert client.get(missing).status_code == 404

    client.post("/bahasa", data={"lang": "en", "csrf_token": token})
    assert "SLA document (PDF)" in client.get("/layanan").get_data(as_text=True)
