"""The CMDB's pages without a browser (issue 14): who sees and changes what, the forms'
refusals beside their fields, export, import and retire, over the demo CMDB."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConfigurationItem
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("cmdb")


def item_id(session: Session, name: str) -> int:
    return session.scalars(select(ConfigurationItem.id).where(ConfigurationItem.name == name)).one()


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


class TestWhoMay:
    def test_requesters_are_refused_and_strangers_sent_to_sign_in(
        self, client: FlaskClient
    ) -> None:
        assert client.get("/cmdb/").status_code == 302
        client_sign_in(client, "pengguna")
        assert client.get("/cmdb/").status_code == 403
        assert client.get("/cmdb/1").status_code == 403
        nav = text(client.get("/"))
        assert "/cmdb/" not in nav

    def test_staff_read_and_only_keepers_are_offered_changes(
        self, client: FlaskClient, session: Session
    ) -> None:
        token = client_sign_in(client, "pj.layanan")
        listing = text(client.get("/cmdb/"))
        assert 'href="/cmdb/"' in listing  # the navigation entry
        assert "Tambah komponen" not in listing
        assert 'action="/cmdb/impor"' not in listing
        server = item_id(session, "SRV-DC1-01")
        page = text(client.get(f"/cmdb/{server}"))
        assert "SRV-DC1-01" in page
        assert f"/cmdb/{server}/ubah" not in page
        assert client.get(f"/cmdb/{server}/ubah").status_code == 403
        assert client.get(f"/cmdb/{server}/pensiun").status_code == 403
        assert client.get("/cmdb/baru").status_code == 403
        refused = client.post(
            "/cmdb/impor",
            data={"csrf_token": token, "file": (io.BytesIO(b"jenis,nama,pd\n"), "a.csv")},
        )
        assert refused.status_code == 403

    def test_a_keeper_of_one_service_changes_that_service_s_items_only(
        self, client: FlaskClient, session: Session
    ) -> None:
        client_sign_in(client, "teknis.sipkd")
        sipkd = item_id(session, "APP-SIPKD")
        assert client.get(f"/cmdb/{sipkd}/ubah").status_code == 200
        assert f"/cmdb/{sipkd}/ubah" in text(client.get(f"/cmdb/{sipkd}"))
        other = item_id(session, "DB-LAYANAN")
        assert client.get(f"/cmdb/{other}/ubah").status_code == 403


def test_an_item_page_shows_its_capacity_and_forecast_and_one_without_none(
    client: FlaskClient, session: Session
) -> None:
    client_sign_in(client, "pj.layanan")
    page = text(client.get(f"/cmdb/{item_id(session, 'VM-DB-01')}"))
    capacity = page[page.index('id="kapasitas"') : page.index('id="kasus"')]
    assert "storage (GB)" in capacity
    assert "Ambang peringatan</dt><dd>1600.0" in capacity
    assert re.search(r"per hari</dt><dd>\+(9\.9\d|10\.0\d)</dd>", capacity)  # ~10 GB a day
    assert capacity.count("<tr><td>") == 20  # the latest measurements, newest first
    assert 'id="kapasitas-data"' in capacity
    other = text(client.get(f"/cmdb/{item_id(session, 'APP-SIMPEG')}"))
    assert 'id="kapasitas"' not in other


def test_an_item_page_lists_the_cases_naming_it(client: FlaskClient, session: Session) -> None:
    client_sign_in(client, "pj.layanan")
    page = text(client.get(f"/cmdb/{item_id(session, 'APP-SRIKANDI')}"))
    cases = page[page.index('id="kasus"') : page.index('id="riwayat"')]
    assert re.search(r">ADU-\d{4}-\d+</a>", cases)
    assert "Penanganan Aduan" in cases
    other = text(client.get(f"/cmdb/{item_id(session, 'APP-SIMPEG')}"))
    assert "Belum ada kasus yang menyebut komponen ini." in other


class TestForms:
    def test_register_an_item_with_its_attributes_and_licence(
        self, client: FlaskClient, session: Session
    ) -> None:
        token = client_sign_in(client, "admin.infra")
        chooser = text(client.get("/cmdb/baru"))
        assert "/cmdb/baru?jenis=licence" in chooser
        form = {
            "csrf_token": token,
            "name": "LIC-POSTGRES-SUPPORT",
            "agency": "DISKOMINFO",
            "status": "active",
            "labels": "basis-data, dukungan",
            "services": ["SIMPEG", "SRIKANDI"],
            "attributes.vendor": "EDB",
            "attributes.agreement_number": "PKS/031/2026",
            "licences.0.holder": "Diskominfo",
            "licences.0.seats": "4",
            "licences.0.expires_on": "2027-06-30",
        }
        created = client.post("/cmdb/baru?jenis=licence", data=form)
        assert created.status_code == 302, text(created)[:2000]
        page = text(client.get(created.headers["Location"]))
        assert "LIC-POSTGRES-SUPPORT" in page
        assert "PKS/031/2026" in page
        assert "Diskominfo" in page
        item = session.scalars(
            select(ConfigurationItem).where(ConfigurationItem.name == "LIC-POSTGRES-SUPPORT")
        ).one()
        assert [label.label for label in item.labels] == ["basis-data", "dukungan"]
        assert [service.code for service in item.services] == ["SIMPEG", "SRIKANDI"]

    def test_a_refused_form_names_each_field_and_keeps_what_was_typed(
        self, client: FlaskClient
    ) -> None:
        token = client_sign_in(client, "admin.infra")
        form = {
            "csrf_token": token,
            "name": "server baru",
            "agency": "DISKOMINFO",
            "status": "active",
            "attributes.serial_number": "7H2K9R3",  # SRV-DC1-01's
            "attributes.ram_gb": "banyak",
        }
        refused = client.post("/cmdb/baru?jenis=server", data=form)
        assert refused.status_code == 422
        page = text(refused)
        assert 'id="f-attributes.ram_gb-error"' in page
        assert "Harus angka." in page
        assert 'value="server baru"' in page
        form["attributes.ram_gb"] = "64"
        again = text(client.post("/cmdb/baru?jenis=server", data=form))
        assert 'id="f-name-error"' in again
        assert "standar penamaan" in again

    def test_edit_with_a_reason_then_retire(self, client: FlaskClient, session: Session) -> None:
        token = client_sign_in(client, "admin.infra")
        server = item_id(session, "SRV-DRC-01")
        form = text(client.get(f"/cmdb/{server}/ubah"))
        values = dict(re.findall(r'name="([^"]+)" type="[^"]+" value="([^"]*)"', form))
        values.update(
            {"csrf_token": token, "agency": "DISKOMINFO", "status": "maintenance", "reason": ""}
        )
        assert client.post(f"/cmdb/{server}/ubah", data=values).status_code == 422
        values["reason"] = "Ganti disk"
        assert client.post(f"/cmdb/{server}/ubah", data=values).status_code == 302
        page = text(client.get(f"/cmdb/{server}"))
        assert "Pemeliharaan" in page
        assert "Ganti disk" in page
        assert client.post(f"/cmdb/{server}/pensiun", data={"csrf_token": token}).status_code == 422
        done = client.post(
            f"/cmdb/{server}/pensiun",
            data={"csrf_token": token, "reason": "Diganti", "retain_until": "2031-12-31"},
        )
        assert done.status_code == 302
        page = text(client.get(f"/cmdb/{server}"))
        assert "Pensiun" in page
        assert "/pensiun" not in page

    def test_relations_are_added_by_name_and_removed(
        self, client: FlaskClient, session: Session
    ) -> None:
        token = client_sign_in(client, "admin.infra")
        app = item_id(session, "APP-PPID")
        unknown = client.post(
            f"/cmdb/{app}/relasi",
            data={"csrf_token": token, "type": "uses_licence", "target": "LIC-TIDAK-ADA"},
        )
        assert unknown.status_code == 422
        assert "Tidak ada komponen bernama ini." in text(unknown)
        wrong = client.post(
            f"/cmdb/{app}/relasi",
            data={"csrf_token": token, "type": "uses_licence", "target": "db-website"},
        )
        assert wrong.status_code == 422
        assert "uses_licence" in text(wrong)
        added = client.post(
            f"/cmdb/{app}/relasi",
            data={"csrf_token": token, "type": "uses_licence", "target": "lic-ssl-wildcard"},
        )
        assert added.status_code == 302
        page = text(client.get(f"/cmdb/{app}"))
        found = re.search(rf'action="/cmdb/{app}/relasi/(\d+)/hapus"', page)
        assert found
        assert "LIC-SSL-WILDCARD" in page
        removed = client.post(
            f"/cmdb/{app}/relasi/{found.group(1)}/hapus", data={"csrf_token": token}
        )
        assert removed.status_code == 302
        assert "dihapus" in text(client.get(f"/cmdb/{app}"))


class TestListAndFiles:
    def test_bad_filters_are_named_and_the_list_withheld(self, client: FlaskClient) -> None:
        client_sign_in(client, "pj.layanan")
        response = client.get("/cmdb/?jenis=printer&urut=warna&halaman=0")
        assert response.status_code == 422
        page = text(response)
        assert 'id="jenis-galat"' in page
        assert 'id="urut-galat"' in page
        assert 'table class="cmdb-list"' not in page

    def test_export_follows_the_filters_and_reads_back(self, client: FlaskClient) -> None:
        client_sign_in(client, "pj.layanan")
        response = client.get("/cmdb/ekspor?format=csv&layanan=SIMPEG&urut=-name")
        assert response.status_code == 200
        assert "komponen-konfigurasi.csv" in response.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert [row["nama"] for row in rows] == ["APP-SIMPEG"]
        assert rows[0]["relasi"] == (
            "runs_on:VM-SIMPEG-APP01; depends_on:DB-SIMPEG; depends_on:LNK-INTRANET-FO"
        )
        assert client.get("/cmdb/ekspor?format=pdf").status_code == 422

    def test_an_import_shows_every_row_s_problem_then_takes_a_good_file(
        self, client: FlaskClient
    ) -> None:
        token = client_sign_in(client, "admin.infra")
        bad = b"jenis,nama,pd\nprinter,PRN-1,DISKOMINFO\nvirtual_machine,SRV-DC1-01,DISKOMINFO\n"
        refused = client.post(
            "/cmdb/impor", data={"csrf_token": token, "file": (io.BytesIO(bad), "a.csv")}
        )
        assert refused.status_code == 422
        page = text(refused)
        assert "<td>2</td><td><code>jenis</code></td>" in page
        assert "<td>3</td><td><code>jenis</code></td>" in page  # a server stays one
        good = b"jenis,nama,pd\nserver,SRV-DC1-05,DISKOMINFO\n"
        taken = client.post(
            "/cmdb/impor", data={"csrf_token": token, "file": (io.BytesIO(good), "a.csv")}
        )
        assert taken.status_code == 302
        assert "SRV-DC1-05" in text(client.get("/cmdb/?q=SRV-DC1-05"))

    def test_pages_speak_english_when_asked(self, client: FlaskClient, session: Session) -> None:
        token = client_sign_in(client, "pj.layanan")
        client.post("/bahasa", data={"csrf_token": token, "lang": "en", "next": "/cmdb/"})
        assert "Configuration items (CMDB)" in text(client.get("/cmdb/"))
        page = text(client.get(f"/cmdb/{item_id(session, 'LIC-VMWARE-VSPHERE')}"))
        assert "21 days left" in page
        assert "Virtual machine" in page  # the impact's VMs, by their type's English name
        assert "Mesin virtual" not in page
        assert "Licence records" in page
