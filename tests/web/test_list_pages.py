"""The inbox and instance-list pages sorted by their column headers, their exports, and
the print view of one case (issue 12, item 6)."""

from __future__ import annotations

import html
import io
import re

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from tests.services.tracking_data import complaint, service_request
from tests.web.conftest import client_sign_in

pytestmark = pytest.mark.usefixtures("deployed")


def header(page: str, label: str) -> str:
    """The <th> of the column named `label`."""
    found = re.search(rf"<th [^>]*>\s*<a [^>]*>{label}.*?</th>", page, re.S)
    assert found, label
    return found.group(0)


def link(cell: str) -> str:
    found = re.search(r'href="([^"]+)"', cell)
    assert found
    return html.unescape(found.group(1))


class TestInstanceList:
    def test_headers_sort_both_ways_keeping_the_filters(
        self, client: FlaskClient, platform: Platform
    ):
        service_request(platform)
        complaint(platform)
        client_sign_in(client, "pj.layanan")
        page = client.get("/proses").get_data(as_text=True)
        assert 'aria-sort="descending"' in header(page, "Dimulai")  # newest first
        assert "aria-sort" not in header(page, "Prioritas")
        sorted_page = client.get("/proses?status=running&urut=priority").get_data(as_text=True)
        cell = header(sorted_page, "Prioritas")
        assert 'aria-sort="ascending"' in cell
        assert "urutkan turun" in cell
        toggled = link(cell)
        assert "urut=-priority" in toggled
        assert "status=running" in toggled
        descending = client.get(toggled).get_data(as_text=True)
        assert 'aria-sort="descending"' in header(descending, "Prioritas")
        assert descending.index("ADU-2026-000001") < descending.index("PMT-2026-000001")
        assert client.get("/proses?urut=judul").status_code == 422

    def test_next_page_in_another_order(self, client: FlaskClient, platform: Platform):
        for _ in range(26):
            service_request(platform)
        client_sign_in(client, "pj.layanan")
        first = client.get("/proses?urut=reference").get_data(as_text=True)
        assert "PMT-2026-000001" in first
        assert "PMT-2026-000026" not in first
        following = re.search(r'rel="next" href="([^"]+)"', first)
        assert following
        assert "Berikutnya" in first
        second = client.get(html.unescape(following.group(1))).get_data(as_text=True)
        assert "PMT-2026-000026" in second
        assert "PMT-2026-000025" not in second

    def test_export_as_xlsx_in_the_readers_language(self, client: FlaskClient, platform: Platform):
        service_request(platform, judul='=HYPERLINK("http://contoh.test")')
        complaint(platform)
        client_sign_in(client, "pj.layanan")
        page = client.get("/proses?proses=permintaan-layanan").get_data(as_text=True)
        assert "paling banyak 10.000 baris" in page
        export = link(re.search(r'<a href="[^"]*format=xlsx[^"]*">', page).group(0))
        assert "proses=permintaan-layanan" in export
        response = client.get(export)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:2] == ("Nomor", "Judul")
        assert [row[0] for row in rows[1:]] == ["PMT-2026-000001"]  # the filter holds
        assert sheet["B2"].data_type == "s"
        token = client_sign_in(client, "pj.layanan")
        client.post("/bahasa", data={"lang": "en", "next": "/proses", "csrf_token": token})
        english = client.get("/proses/ekspor?format=csv").get_data(as_text=True)
        assert english.lstrip("\ufeff").startswith("Number,Title,Procedure")
        assert client.get("/proses/ekspor?format=pdf").status_code == 422


class TestInbox:
    def test_headers_sort_and_export_what_the_filter_shows(
        self, client: FlaskClient, platform: Platform
    ):
        service_request(platform)
        complaint(platform)
        client_sign_in(client, "admin.layanan")
        page = client.get("/tugas?urut=-reference&proses=penanganan-aduan").get_data(as_text=True)
        cell = header(page, "Nomor")
        assert 'aria-sort="descending"' in cell
        assert "urut=reference" in link(cell)
        assert "proses=penanganan-aduan" in link(cell)
        assert "aria-sort" not in header(page, "Tugas")
        exported = client.get("/tugas/ekspor?format=csv&proses=penanganan-aduan&urut=-reference")
        rows = exported.get_data(as_text=True).lstrip("\ufeff").splitlines()
        assert rows[0].startswith("Nomor,Judul,Tugas")
        assert [r.split(",")[0] for r in rows[1:]] == ["ADU-2026-000001"]
        assert client.get("/tugas/ekspor?format=pdf").status_code == 422
        assert client.get("/tugas?urut=nomor").status_code == 200  # old links: default order


class TestPrintView:
    def test_one_case_for_paper_with_its_record_and_clocks(
        self, client: FlaskClient, platform: Platform
    ):
        made = service_request(platform)
        client_sign_in(client, "pj.layanan")
        assert f"/proses/{made}/cetak" in client.get(f"/proses/{made}").get_data(as_text=True)
        page = client.get(f"/proses/{made}/cetak").get_data(as_text=True)
        assert "PMT-2026-000001" in page
        assert SAMPLE_REQUEST["judul"] in page
        assert "Jam SLA" in page
        assert "Rekaman kasus" in page
        assert "Riwayat" in page
        assert 'class="mainnav"' not in page  # no navigation on paper
        assert SAMPLE_REQUEST["nip_nik"] in page  # a supervisor of the service reads it

    def test_personal_data_is_masked_for_a_reader_who_may_not_see_it(
        self, client: FlaskClient, platform: Platform
    ):
        made = service_request(platform)
        client_sign_in(client, "analis")
        page = client.get(f"/proses/{made}/cetak").get_data(as_text=True)
        assert "PMT-2026-000001" in page
        assert SAMPLE_REQUEST["nip_nik"] not in page
        assert SAMPLE_REQUEST["telepon"] not in page
        assert "••••" in page

    def test_an_outsider_is_refused(self, client: FlaskClient, platform: Platform):
        made = complaint(platform)
        client_sign_in(client, "pengguna")
        assert client.get(f"/proses/{made}/cetak").status_code == 403
