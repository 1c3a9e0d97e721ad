"""The API's lists sorted (`sort`) and exported as CSV and XLSX (issue 12, item 6)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from app.services import spreadsheet
from app.services.catalog import spreadsheet as catalog_sheet
from app.services.context import Platform
from app.services.demo import SAMPLE_REQUEST
from app.services.instances.sorting import SORTS
from app.services.tasks.inbox import INBOX_SORTS
from tests.conftest import T0, Auth
from tests.services.tracking_data import complaint, service_request

pytestmark = pytest.mark.usefixtures("deployed")

HOSTILE_TITLES = ['=HYPERLINK("http://contoh.test","klik")', "+1 akun baru", "-1 akun", "@x akun"]


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_sheet(body: bytes) -> Workbook:
    return load_workbook(io.BytesIO(body)).active


class TestSpreadsheetRule:
    @pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\t=1", "\r=1"])
    def test_formula_like_text_is_marked_in_csv_and_kept_as_text_in_xlsx(self, value: str):
        assert csv_rows(spreadsheet.write_csv(["a"], [[value]]))[1] == [f"'{value}"]
        cell = xlsx_sheet(spreadsheet.write_xlsx("t", ["a"], [[value]]))["A2"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
        assert spreadsheet.restored(f"'{value}") == value

    def test_numbers_and_plain_text_are_left_alone(self):
        assert csv_rows(spreadsheet.write_csv(["a", "b"], [[-1, "biasa"]]))[1] == ["-1", "biasa"]
        sheet = xlsx_sheet(spreadsheet.write_xlsx("t", ["a"], [[-1]]))
        assert (sheet["A2"].value, sheet["A2"].data_type) == (-1, "n")

    def test_the_catalog_export_uses_the_rule_and_reads_its_own_files_back(self):
        entry = {"code": "X", "name": "=1+2", "description": "-tanpa rumus", "agency": "@pd"}
        written = catalog_sheet.write_csv([entry])
        assert "'=1+2" in written.decode("utf-8-sig")
        entries, problems = catalog_sheet.read_catalog(written, "katalog.csv")
        assert problems == []
        assert (entries[0]["name"], entries[0]["description"], entries[0]["agency"]) == (
            "=1+2",
            "-tanpa rumus",
            "@pd",
        )
        cell = xlsx_sheet(catalog_sheet.write_xlsx([entry]))["B2"]
        assert (cell.value, cell.data_type) == ("=1+2", "s")


class TestSort:
    def test_the_instance_list_sorts_and_documents_its_values(self, auth: Auth, platform: Platform):
        request = service_request(platform)
        report = complaint(platform)  # P3; the request has no priority
        listed = auth.get("pj.layanan", "/api/v1/process-instances?sort=-priority").json
        assert [i["id"] for i in listed["items"]] == [report, request]
        spec = auth.client.get("/api/v1/openapi.json").json
        for path, values in (("/api/v1/process-instances", SORTS), ("/api/v1/tasks", INBOX_SORTS)):
            params = spec["paths"][path]["get"]["parameters"]
            sort = next(p for p in params if p["name"] == "sort")
            assert sort["schema"]["enum"] == list(values)

    @pytest.mark.parametrize(
        "url",
        [
            "/api/v1/process-instances?sort=judul",
            "/api/v1/tasks?sort=nomor",
            "/api/v1/process-instances/export?sort=-",
            "/api/v1/tasks/export?format=pdf",
        ],
    )
    def test_an_unknown_value_is_422_naming_the_field(self, auth: Auth, url: str):
        response = auth.get("admin.layanan", url)
        assert response.status_code == 422
        field = "format" if "format" in url else "sort"
        assert field in str(response.json["errors"])
        assert "/" in str(response.json["errors"])  # Indonesian / English

    def test_the_inbox_sorts_by_a_column(self, auth: Auth, platform: Platform):
        service_request(platform)
        complaint(platform)
        newest = auth.get("admin.layanan", "/api/v1/tasks").json["items"]
        by_due = auth.get("admin.layanan", "/api/v1/tasks?sort=due").json["items"]
        assert by_due[0]["process_model_id"] == "penanganan-aduan"  # 1 hour to respond
        assert sorted(t["id"] for t in by_due) == sorted(t["id"] for t in newest)


class TestInstanceExport:
    def test_csv_neutralises_formulas_and_holds_no_personal_field(
        self, auth: Auth, platform: Platform
    ):
        for title in HOSTILE_TITLES:
            service_request(platform, judul=title)
        response = auth.get("pj.layanan", "/api/v1/process-instances/export?format=csv")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        header, *rows = csv_rows(response.data)
        assert header[:3] == ["Nomor", "Judul", "Prosedur"]
        titles = {row[1] for row in rows}
        assert titles == {f"'{title}" for title in HOSTILE_TITLES}
        body = response.data.decode("utf-8-sig")
        for personal in ("nip_nik", "telepon"):
            assert SAMPLE_REQUEST[personal] not in body

    def test_xlsx_keeps_titles_as_text_with_headers_in_the_readers_language(
        self, auth: Auth, platform: Platform
    ):
        for title in HOSTILE_TITLES:
            service_request(platform, judul=title)
        response = auth.client.get(
            "/api/v1/process-instances/export?format=xlsx&sort=reference",
            headers={**auth.headers("pj.layanan"), "Accept-Language": "en"},
        )
        assert response.status_code == 200
        sheet = xlsx_sheet(response.data)
        assert [c.value for c in sheet[1]][:3] == ["Number", "Title", "Procedure"]
        cells = [row[1] for row in sheet.iter_rows(min_row=2)]
        assert [c.value for c in cells] == HOSTILE_TITLES  # PMT-...01 to 04, by number
        assert {c.data_type for c in cells} == {"s"}
        assert [row[5].value for row in sheet.iter_rows(min_row=2)] == ["Running"] * 4
        started = sheet["L2"]  # a real date, in UTC from the API
        assert (sheet["L1"].value, started.is_date) == ("Started", True)
        assert started.value == T0.replace(tzinfo=None)

    def test_the_filter_and_the_readers_scope_decide_the_rows(self, auth: Auth, platform: Platform):
        service_request(platform)
        complaint(platform)
        complaint(platform, layanan="SIAK")

        def numbers(username: str, query: str = "") -> list[str]:
            url = f"/api/v1/process-instances/export?format=csv{query}"
            return [row[0] for row in csv_rows(auth.get(username, url).data)[1:]]

        assert numbers("pj.layanan", "&process_model_id=penanganan-aduan") == [
            "ADU-2026-000002",
            "ADU-2026-000001",
        ]
        assert numbers("pengguna") == ["PMT-2026-000001"]  # only what they filed
        assert numbers("petugas.siak") == ["ADU-2026-000002"]  # only their service

    def test_more_rows_than_the_cap_end_with_a_row_saying_so(
        self, auth: Auth, platform: Platform, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setattr("app.services.instances.tracking.EXPORT_MAX", 2)
        for _ in range(3):
            service_request(platform)
        rows = csv_rows(auth.get("pj.layanan", "/api/v1/process-instances/export").data)
        assert len(rows) == 1 + 2 + 1
        assert rows[-1][0].startswith("Dipotong: lebih dari 2 baris")


class TestInboxExport:
    def test_the_inbox_exports_what_the_caller_may_act_on(self, auth: Auth, platform: Platform):
        service_request(platform, judul=HOSTILE_TITLES[0])
        complaint(platform)
        response = auth.get("admin.layanan", "/api/v1/tasks/export?format=xlsx&sort=due")
        sheet = xlsx_sheet(response.data)
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == ["ADU-2026-000001", "PMT-2026-000001"]
        assert rows[1][1] == HOSTILE_TITLES[0]
        assert sheet["B3"].data_type == "s"
        nobody = csv_rows(auth.get("pengguna", "/api/v1/tasks/export").data)
        assert len(nobody) == 1  # the headers alone
        assert nobody[0][0] == "Nomor"
