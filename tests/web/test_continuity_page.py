"""The continuity page of a service (/layanan/<code>/drp, issue 14, item 7): staff read its
DRP versions and trainings, its keepers get the forms, and a refused form comes back with
what was typed and each error beside its field. In Chromium: tests/web/
test_continuity_browser.py."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app.services.context import Platform
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("demo")

URL = "/layanan/EMAIL/drp"
PLAN = {
    "rpo_minutes": "30",
    "rto_minutes": "120",
    "recovery_option": "fast",
    "recovery_strategy": "Pindah ke server cadangan di DRC.",
    "backup_strategy": "Cadangan basis data tiap 15 menit.",
    "contacts.0.name": "Budi",
    "contacts.0.role": "Penyedia Layanan",
    "contacts.0.telephone": "0812000111",
}


@pytest.fixture(autouse=True)
def storage(platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    limits = replace(platform.settings.attachments, directory=tmp_path / "lampiran")
    monkeypatch.setattr(platform.settings, "attachments", limits)
    return limits.directory


def test_staff_read_keepers_get_the_forms_requesters_are_refused(client: FlaskClient) -> None:
    client_sign_in(client, "admin.layanan")
    read = client.get(URL)
    assert read.status_code == 200
    assert "Layanan ini belum memiliki DRP." in read.get_data(as_text=True)
    assert 'id="drp-baru"' not in read.get_data(as_text=True)  # no keeper of EMAIL
    assert client.get("/layanan/TIDAK-ADA/drp").status_code == 404
    client_sign_in(client, "penyedia")
    assert 'id="drp-baru"' in client.get(URL).get_data(as_text=True)
    token = client_sign_in(client, "penyedia.bkpsdm")  # staff, another PD's provider
    assert 'id="drp-baru"' not in client.get(URL).get_data(as_text=True)
    assert client.post(URL, data={**PLAN, "csrf_token": token}).status_code == 403
    token = client_sign_in(client, "pengguna")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={**PLAN, "csrf_token": token}).status_code == 403


def test_a_refused_version_keeps_what_was_typed_with_errors_beside_fields(
    client: FlaskClient,
) -> None:
    token = client_sign_in(client, "penyedia")
    refused = client.post(
        URL,
        data={
            **PLAN,
            "rto_minutes": "0",
            "contacts.0.telephone": "",
            "contacts.1.name": "Sari",
            "contacts.1.role": "Admin",
            "contacts.1.telephone": "0813",
            "note": "Hasil uji 2026",
            "file": (io.BytesIO(b"bukan pdf"), "DRP.pdf", "application/pdf"),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    for field in ("rto_minutes", "contacts.0.telephone", "file"):
        assert f'id="f-{field}-error"' in page, field
    assert 'value="Sari"' in page
    assert "Hasil uji 2026</textarea>" in page
    assert "Pilih lagi berkas DRP.pdf" in page
    assert "Layanan ini belum memiliki DRP." in page


def test_a_training_is_recorded_and_a_future_one_refused_beside_its_date(
    client: FlaskClient,
) -> None:
    token = client_sign_in(client, "penyedia")
    training = {"title": "Simulasi pemulihan surel", "participants": "12", "csrf_token": token}
    future = client.post(f"{URL}/pelatihan", data={**training, "held_on": "2027-01-01"})
    assert future.status_code == 422
    assert 'id="f-held_on-error"' in future.get_data(as_text=True)
    assert 'value="Simulasi pemulihan surel"' in future.get_data(as_text=True)
    held = client.post(f"{URL}/pelatihan", data={**training, "held_on": "2026-11-10"})
    assert held.status_code == 302
    assert "Simulasi pemulihan surel</td>" in client.get(URL).get_data(as_text=True)


def test_the_catalog_form_links_here(
    client: FlaskClient,
) -> None:
    client_sign_in(client, "admin")
    assert f'href="{URL}"' in client.get("/admin/katalog/EMAIL").get_data(as_text=True)
