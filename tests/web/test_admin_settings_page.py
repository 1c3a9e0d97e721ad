"""/admin/pengaturan/: Admin Sistem switches the review layers the regulations do not name,
for the whole kabupaten or one PD, with plain forms (no JavaScript)."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import Event
from app.services.context import Platform
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")

URL = "/admin/pengaturan/"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_page_lists_each_models_settings_per_pd(client: FlaskClient) -> None:
    client_sign_in(client, "admin")
    page = text(client.get(URL))
    for name in ("reviu_laporan", "reviu_penanggung_jawab", "pengesahan_pimpinan"):
        assert f'name="{name}"' in page
    assert "penerimaan_laporan" in page
    assert "tambahan produk, bukan ketentuan regulasi" in page
    assert "Simpan untuk seluruh kabupaten" in page
    assert '<th scope="col">BKPSDM</th>' in page


def test_switching_off_for_one_pd_shows_there_and_is_audited(
    client: FlaskClient, platform: Platform
) -> None:
    token = client_sign_in(client, "admin")
    response = client.post(
        f"{URL}pemantauan-pemeliharaan",
        data={"csrf_token": token, "pd": "BKPSDM", "reviu_laporan": "false"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?pd=BKPSDM")
    page = text(client.get(f"{URL}?pd=BKPSDM"))
    assert "Pengaturan pemantauan-pemeliharaan disimpan." in page
    assert re.search(r'<option value="false" selected>Nonaktif</option>', page)
    assert "Berlaku sekarang: Nonaktif (PD ini)." in page
    assert "Simpan untuk BKPSDM" in page
    with platform.sessions() as session:
        [event] = session.scalars(select(Event).where(Event.kind == "process_settings_changed"))
        assert event.data["agency"] == "BKPSDM"
    # Back to "follow the kabupaten": the choice is removed.
    client.post(
        f"{URL}pemantauan-pemeliharaan",
        data={"csrf_token": token, "pd": "BKPSDM", "reviu_laporan": ""},
    )
    assert "Berlaku sekarang: Aktif (bawaan diagram)." in text(client.get(f"{URL}?pd=BKPSDM"))


def test_a_value_that_is_no_choice_is_refused_beside_its_field(client: FlaskClient) -> None:
    token = client_sign_in(client, "admin")
    response = client.post(
        f"{URL}evaluasi", data={"csrf_token": token, "pd": "", "pengesahan_pimpinan": "mungkin"}
    )
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'id="f-evaluasi-pengesahan_pimpinan-error">Pilih Aktif atau Nonaktif', page)


def test_only_admin_sistem_may_open_or_post(client: FlaskClient) -> None:
    token = client_sign_in(client, "analis")
    assert client.get(URL).status_code == 403
    response = client.post(
        f"{URL}evaluasi", data={"csrf_token": token, "pengesahan_pimpinan": "false"}
    )
    assert response.status_code == 403
