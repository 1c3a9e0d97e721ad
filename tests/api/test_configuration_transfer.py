"""The CMDB's import and export over HTTP (issue 14, item 1):
`POST /api/v1/configuration-items/import` and `GET /api/v1/configuration-items/export`."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ConfigurationItemHistory, ConfigurationRelationHistory
from tests.api.test_hostile_input import assert_error_shape
from tests.conftest import Auth

pytestmark = pytest.mark.usefixtures("demo")

ITEMS = "/api/v1/configuration-items"
GOOD = (
    "jenis,nama,pd,label,layanan,relasi,atribut.serial_number,atribut.hostname\n"
    "server,SRV-DC1-01,DISKOMINFO,produksi,SRIKANDI,,SN-001,\n"
    "virtual_machine,VM-SRIKANDI-01,DISKOMINFO,,SRIKANDI,runs_on:SRV-DC1-01,,srikandi-01\n"
)


def upload(auth: Auth, content: bytes, name: str = "cmdb.csv", who: str = "admin.infra") -> Any:
    return auth.post(
        who, f"{ITEMS}/import", data={"file": (io.BytesIO(content), name)}, buffered=True
    )


def rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


class TestImport:
    def test_registers_the_items_and_their_relations_201(self, auth: Auth) -> None:
        response = upload(auth, GOOD.encode())
        assert response.status_code == 201, response.json
        assert response.json["created"] == 2
        assert response.json["relations"] == 1
        server, vm = response.json["items"]
        assert server == {
            "id": server["id"],
            "type": "server",
            "name": "SRV-DC1-01",
            "agency": "DISKOMINFO",
            "status": "active",
        }
        detail = auth.get("admin.infra", f"{ITEMS}/{vm['id']}").json
        assert detail["services"] == ["SRIKANDI"]
        [relation] = detail["relations"]
        assert (relation["type"], relation["target_id"]) == ("runs_on", server["id"])
        assert detail["history"][0]["reason"] == "Diimpor dari berkas cmdb.csv"

    def test_bad_rows_are_422_naming_row_and_column_and_nothing_is_stored(self, auth: Auth) -> None:
        content = (
            GOOD + "server,srv-3,DISKOMINFO,,,depends_on:SRV-X,SN-001,\n"
            "virtual_machine,VM-SRIKANDI-01,BPKAD,,,,,srikandi-01\n"
        ).encode()
        body = assert_error_shape(upload(auth, content), 422)
        assert [(e["row"], e["column"], e["field"]) for e in body["errors"]] == [
            (4, "nama", "name"),
            (4, "atribut.serial_number", "attributes.serial_number"),
            (4, "relasi", "relations"),
            (5, "nama", "name"),
            (5, "atribut.hostname", "attributes.hostname"),
        ]
        assert all(set(e) == {"row", "column", "field", "message"} for e in body["errors"])
        assert auth.get("admin.infra", ITEMS).json["total"] == 0

    def test_an_xlsx_formula_is_stored_as_text_and_exported_as_text(self, auth: Auth) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["jenis", "nama", "pd", "lokasi"])
        sheet.append(["data_centre", "DC-UTAMA", "DISKOMINFO", '=HYPERLINK("http://x")'])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = upload(auth, buffer.getvalue(), "cmdb.xlsx")
        assert response.status_code == 201, response.json
        [item] = response.json["items"]
        detail = auth.get("admin", f"{ITEMS}/{item['id']}").json
        assert detail["location"] == '=HYPERLINK("http://x")'
        exported = auth.get("admin", f"{ITEMS}/export?format=csv").data
        assert rows(exported)[0]["lokasi"] == '\'=HYPERLINK("http://x")'

    def test_without_a_file_or_with_another_format_is_422(self, auth: Auth) -> None:
        assert_error_shape(auth.post("admin.infra", f"{ITEMS}/import", data={}), 422)
        assert_error_shape(upload(auth, b"%PDF-1.4", "cmdb.pdf"), 422)

    @pytest.mark.parametrize("username", ["penyedia", "pengguna", "admin.layanan"])
    def test_only_keepers_import(self, auth: Auth, username: str) -> None:
        assert_error_shape(upload(auth, GOOD.encode(), who=username), 403)

    def test_without_a_token_is_401(self, client: FlaskClient) -> None:
        response = client.post(
            f"{ITEMS}/import", data={"file": (io.BytesIO(GOOD.encode()), "a.csv")}
        )
        assert_error_shape(response, 401)


def histories(session: Session) -> tuple[int, int]:
    """How many item and relation history rows there are."""
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (ConfigurationItemHistory, ConfigurationRelationHistory)
    )


def csv_of(table: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode()


class TestImportUpdates:
    """A row naming an item already in the CMDB updates it (by name: see transfer.py)."""

    @pytest.fixture
    def exported(self, auth: Auth) -> list[dict[str, str]]:
        assert upload(auth, GOOD.encode()).status_code == 201
        return rows(auth.get("admin.infra", f"{ITEMS}/export?format=csv").data)

    def test_an_edited_cell_updates_the_item_with_the_import_in_its_history(
        self, auth: Auth, exported: list[dict[str, str]]
    ) -> None:
        vm = next(row for row in exported if row["nama"] == "VM-SRIKANDI-01")
        vm["atribut.hostname"] = "srikandi-02"
        vm["label"] = "produksi; uji"
        vm["relasi"] = ""

        response = upload(auth, csv_of(exported), "cmdb-ubah.csv")

        assert response.status_code == 201, response.json
        body = response.json
        assert (body["created"], body["updated"], body["relations"]) == (0, 1, 0)
        assert body["relations_removed"] == 1
        [updated] = body["updated_items"]
        assert updated["name"] == "VM-SRIKANDI-01"
        detail = auth.get("admin.infra", f"{ITEMS}/{updated['id']}").json
        assert detail["attributes"]["hostname"] == "srikandi-02"
        assert detail["labels"] == ["produksi", "uji"]
        assert detail["relations"] == []
        last = detail["history"][-1]
        assert (last["action"], last["by"]) == ("updated", "admin.infra")
        assert last["reason"] == "Diimpor dari berkas cmdb-ubah.csv"
        assert last["changes"] == {
            "attributes.hostname": {"before": "srikandi-01", "after": "srikandi-02"},
            "labels": {"before": [], "after": ["produksi", "uji"]},
        }
        assert detail["relation_history"][-1]["action"] == "removed"

    def test_an_export_imported_again_unchanged_changes_nothing(
        self, auth: Auth, exported: list[dict[str, str]], session: Session
    ) -> None:
        before = histories(session)
        response = upload(auth, csv_of(exported))
        assert response.status_code == 201, response.json
        assert response.json == {
            "created": 0,
            "updated": 0,
            "relations": 0,
            "relations_removed": 0,
            "items": [],
            "updated_items": [],
        }
        session.expire_all()
        assert histories(session) == before

    @pytest.mark.usefixtures("cmdb")
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_the_whole_demo_cmdb_reimported_unchanged_changes_nothing(
        self, auth: Auth, session: Session, fmt: str
    ) -> None:
        before = histories(session)
        exported = auth.get("admin", f"{ITEMS}/export?format={fmt}").data
        response = upload(auth, exported, f"cmdb.{fmt}", who="admin")
        assert response.status_code == 201, response.json
        assert (response.json["created"], response.json["updated"]) == (0, 0)
        assert response.json["relations"] + response.json["relations_removed"] == 0
        session.expire_all()
        assert histories(session) == before

    def test_a_bad_row_among_updates_stores_nothing(
        self, auth: Auth, exported: list[dict[str, str]], session: Session
    ) -> None:
        server, vm = sorted(exported, key=lambda row: row["nama"])
        server["lokasi"] = "Rak 9"  # good on its own
        vm["atribut.hostname"] = "srikandi-02"
        vm["atribut.serial_number"] = "SN-001"  # not a VM's attribute
        vm["jenis"] = "server"  # and a type never changes
        before = histories(session)

        body = assert_error_shape(upload(auth, csv_of([server, vm])), 422)

        assert [(e["row"], e["column"]) for e in body["errors"]] == [
            (3, "jenis"),
            (3, "atribut.serial_number"),
        ]
        session.expire_all()
        assert histories(session) == before
        after = {row["nama"]: row for row in rows(auth.get("admin", f"{ITEMS}/export").data)}
        assert after["SRV-DC1-01"]["lokasi"] == ""
        assert after["VM-SRIKANDI-01"]["atribut.hostname"] == "srikandi-01"

    def test_the_openapi_document_says_how_rows_name_items(self, client: FlaskClient) -> None:
        document = client.get("/api/v1/openapi.json").json
        operation = document["paths"][f"{ITEMS}/import"]["post"]
        assert "matched by name, not id" in operation["description"]
        answer = document["components"]["schemas"]["ConfigurationItemImport"]["properties"]
        assert {"created", "updated", "relations_removed", "updated_items"} <= set(answer)


class TestExport:
    @pytest.fixture
    def imported(self, auth: Auth) -> None:
        assert upload(auth, GOOD.encode()).status_code == 201

    @pytest.mark.usefixtures("imported")
    def test_csv_with_the_list_s_filters(self, auth: Auth) -> None:
        response = auth.get("penyedia", f"{ITEMS}/export?format=csv&type=virtual_machine")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "komponen-konfigurasi.csv" in response.headers["Content-Disposition"]
        [vm] = rows(response.data)
        assert vm["nama"] == "VM-SRIKANDI-01"
        assert vm["relasi"] == "runs_on:SRV-DC1-01"
        assert vm["atribut.hostname"] == "srikandi-01"
        everything = rows(auth.get("penyedia", f"{ITEMS}/export?sort=-name").data)
        assert [row["nama"] for row in everything] == ["VM-SRIKANDI-01", "SRV-DC1-01"]

    @pytest.mark.usefixtures("imported")
    def test_xlsx_reads_back_as_its_own_columns(self, auth: Auth) -> None:
        response = auth.get("admin", f"{ITEMS}/export?format=xlsx&q=srv")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).active
        assert sheet is not None
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][:3] == ("jenis", "nama", "pd")
        assert [row[1] for row in values[1:]] == ["SRV-DC1-01"]
        # the same file again: the item it names, unchanged
        again = upload(auth, response.data, "cmdb.xlsx")
        assert again.status_code == 201, again.json
        assert (again.json["created"], again.json["updated"]) == (0, 0)

    @pytest.mark.parametrize("query", ["format=pdf", "sort=colour", "status=broken"])
    def test_a_wrong_query_is_422_naming_it(self, auth: Auth, query: str) -> None:
        body = assert_error_shape(auth.get("admin", f"{ITEMS}/export?{query}"), 422)
        assert query.split("=")[0] in str(body["errors"])

    def test_requesters_may_not_export(self, auth: Auth) -> None:
        assert_error_shape(auth.get("pengguna", f"{ITEMS}/export"), 403)

    def test_the_openapi_document_describes_both(self, client: FlaskClient) -> None:
        paths = client.get("/api/v1/openapi.json").json["paths"]
        assert "post" in paths[f"{ITEMS}/import"]
        assert "get" in paths[f"{ITEMS}/export"]
        assert "422" in paths[f"{ITEMS}/import"]["post"]["responses"]
