"""TransferService: the CMDB imported from CSV and XLSX, all or nothing, and exported
with the list's filters (issue 14, item 1)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import InvalidInput, NotPermitted
from app.models import ConfigurationItem, ConfigurationItemHistory, ConfigurationRelation
from app.services.configuration import spreadsheet as sheet_format
from app.services.configuration.items import ItemFilter, ItemService
from app.services.configuration.transfer import TransferService
from tests.services.configuration.cmdb_data import make
from tests.services.configuration.conftest import user

pytestmark = pytest.mark.usefixtures("demo")

HEADER = "jenis,nama,pd,status,lokasi,label,layanan,relasi,lisensi"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def transfer(session: Session, clock: FixedClock) -> TransferService:
    return TransferService(session, clock, user(session, "admin.infra"))


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ConfigurationItem)) or 0


def refusal(transfer: TransferService, content: bytes, name: str = "cmdb.csv") -> Any:
    with pytest.raises(InvalidInput) as raised:
        transfer.import_file(content, name)
    return raised.value


def places(problems: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(problem["row"], problem["column"]) for problem in problems]


class TestImport:
    def test_registers_the_items_their_relations_and_history(
        self, transfer: TransferService, items: ItemService, session: Session
    ) -> None:
        server = make(items, "server")  # in the CMDB already: a target by name
        content = csv_file(
            "virtual_machine,VM-SIMPEG-01,BKPSDM,planned,Rak 2,produksi; uji,SIMPEG,"
            "runs_on:srv-dc1-01,,simpeg-01,8.5,4",
            "application,APP-SIMPEG,BKPSDM,,,,SIMPEG,runs_on:VM-SIMPEG-01; "
            "uses_licence:LIC-OFFICE-2026,,,,",
            "licence,LIC-OFFICE-2026,DISKOMINFO,,,,,,DISKOMINFO|25|2027-01-31|K-1; BKPSDM|5,,,",
            header=HEADER + ",atribut.hostname,atribut.ram_gb,atribut.cpu_cores",
        )

        result = transfer.import_file(content, "cmdb.csv")

        assert [item.name for item in result.items] == [
            "VM-SIMPEG-01",
            "APP-SIMPEG",
            "LIC-OFFICE-2026",
        ]
        assert result.relations == 3
        vm, app, licence = result.items
        assert vm.status == "planned"
        assert vm.location == "Rak 2"
        assert [label.label for label in vm.labels] == ["produksi", "uji"]
        assert [service.code for service in vm.services] == ["SIMPEG"]
        assert vm.attributes == {"hostname": "simpeg-01", "ram_gb": 8.5, "cpu_cores": 4}
        assert app.status == "active"
        assert [(x.holder, x.seats, x.expires_on, x.reference) for x in licence.licences] == [
            ("DISKOMINFO", 25, date(2027, 1, 31), "K-1"),
            ("BKPSDM", 5, None, ""),
        ]
        related = session.execute(
            select(ConfigurationRelation.source_id, ConfigurationRelation.type)
            .add_columns(ConfigurationRelation.target_id)
            .order_by(ConfigurationRelation.id)
        ).all()
        assert [tuple(r) for r in related] == [
            (vm.id, "runs_on", server.id),
            (app.id, "runs_on", vm.id),
            (app.id, "uses_licence", licence.id),
        ]
        [created] = items.history(vm.id)
        assert created.reason == "Diimpor dari berkas cmdb.csv"
        assert created.user.username == "admin.infra"
        assert created.changes["attributes.cpu_cores"] == {"before": None, "after": 4}
        assert [row.action for row in transfer.relations.history(app.id)] == ["added"] * 2

    def test_reads_xlsx_cells_as_typed_and_a_formula_as_its_text(
        self, transfer: TransferService
    ) -> None:
        content = xlsx_file(
            [
                [
                    "Jenis",
                    "NAMA",
                    "pd",
                    "lokasi",
                    "simpan_sampai",
                    "atribut.serial_number",
                    "atribut.ram_gb",
                    "label",
                ],
                [
                    "server",
                    "SRV-DC1-07",
                    "DISKOMINFO",
                    "=1+1",
                    datetime(2031, 12, 31),
                    123456,
                    16,
                    '=HYPERLINK("http://x")',
                ],
            ]
        )

        [server] = transfer.import_file(content, "CMDB.XLSX").items

        assert server.location == "=1+1"  # the formula's text, never its result
        assert [label.label for label in server.labels] == ['=HYPERLINK("http://x")']
        assert server.retain_until == date(2031, 12, 31)
        assert server.attributes == {"serial_number": "123456", "ram_gb": 16}

    def test_a_csv_cell_the_export_marked_as_text_is_read_as_it_was(
        self, transfer: TransferService
    ) -> None:
        content = csv_file("server,SRV-DC1-07,DISKOMINFO,,'=cmd|' /C calc'!A0,,,,")
        [server] = transfer.import_file(content, "cmdb.csv").items
        assert server.location == "=cmd|' /C calc'!A0"

    def test_bad_rows_are_all_reported_and_nothing_is_stored(
        self, transfer: TransferService, items: ItemService, session: Session
    ) -> None:
        make(items, "server")  # SRV-DC1-01, SN-001
        session.commit()
        before = count(session)
        content = csv_file(
            "server,srv-kecil,TIDAK-ADA,rusak,,,,,,SN-009,banyak",
            "server,SRV-DC1-02,DISKOMINFO,,,,TIDAK-ADA,,,SN-001,4",
            "printer,PRN-01,DISKOMINFO,,,,,,,,",
            "virtual_machine,VM-OK-01,DISKOMINFO,,,,,,,,",
            "licence,LIC-X,DISKOMINFO,,,,,,DISKOMINFO|banyak,,",
            ",,,,,,,,,,",  # an empty row is skipped
            "server,SRV-DC1-03,DISKOMINFO,,,,,,,,-1",
            header=HEADER + ",atribut.serial_number,atribut.ram_gb",
        )

        error = refusal(transfer, content)

        assert places(error.errors) == [
            (2, "atribut.ram_gb"),
            (2, "nama"),
            (2, "pd"),
            (2, "status"),
            (3, "layanan"),
            (3, "atribut.serial_number"),
            (4, "jenis"),
            (6, "lisensi"),
            (8, "atribut.ram_gb"),
        ]
        by_place = {(p["row"], p["column"]): p for p in error.errors}
        assert by_place[(3, "atribut.serial_number")]["field"] == "attributes.serial_number"
        assert "SRV-DC1-01" in by_place[(3, "atribut.serial_number")]["message"]
        assert by_place[(8, "atribut.ram_gb")]["message"].startswith("nilai tidak sesuai")
        assert all(" / " in p["message"] for p in error.errors)
        assert "9 kesalahan" in error.message
        assert not session.new
        assert count(session) == before

    def test_duplicates_inside_the_file_are_named_with_the_first_row(
        self, transfer: TransferService
    ) -> None:
        content = csv_file(
            "server,SRV-DC1-01,DISKOMINFO,,,,,,,SN-1",
            "server,SRV-DC1-01,DISKOMINFO,,,,,,,SN-2",
            "server,SRV-DC1-02,DISKOMINFO,,,,,,,sn-1",
            header=HEADER + ",atribut.serial_number",
        )
        problems = refusal(transfer, content).errors
        assert places(problems) == [(3, "nama"), (4, "atribut.serial_number")]
        assert "baris 2" in problems[0]["message"]
        assert "row 2" in problems[1]["message"]

    def test_a_row_naming_an_item_updates_it_and_clears_its_empty_cells(
        self, transfer: TransferService, items: ItemService
    ) -> None:
        app = make(items, "application", location="Rak 1", labels=["produksi"])
        content = csv_file(
            "application,APP-SIMPEG,BKPSDM,maintenance,,uji,SIMPEG,,",
            header=HEADER + ",atribut.url",
        )

        result = transfer.import_file(content, "cmdb.csv")

        assert (result.items, result.updated) == ([], [app])
        assert (app.agency.code, app.status, app.location) == ("BKPSDM", "maintenance", "")
        assert [label.label for label in app.labels] == ["uji"]
        assert app.attributes == {}  # the empty url cell removed it
        last = items.history(app.id)[-1]
        assert (last.action, last.reason) == ("updated", "Diimpor dari berkas cmdb.csv")
        assert last.changes["location"] == {"before": "Rak 1", "after": ""}

    def test_an_updating_row_s_relations_become_the_item_s(
        self, transfer: TransferService, items: ItemService, session: Session
    ) -> None:
        old_host = make(items, "server")
        vm = make(items, "virtual_machine")
        transfer.relations.add(vm.id, "runs_on", old_host.id)
        retired = make(items, "application")
        items.retire(retired.id, "diganti")
        content = csv_file(
            "server,SRV-DC1-02,DISKOMINFO,,,,,,,SN-002",
            "virtual_machine,VM-SIMPEG-01,DISKOMINFO,,,,,runs_on:SRV-DC1-02,,",
            "application,APP-SIMPEG,DISKOMINFO,retired,,,,runs_on:VM-SIMPEG-01,,",
            header=HEADER + ",atribut.serial_number",
        )
        problems = refusal(transfer, content).errors
        assert places(problems) == [(4, "relasi")]  # a retired item takes no new relation
        assert "pensiun" in problems[0]["message"]

        content = content.replace(b"retired,,,,runs_on:VM-SIMPEG-01", b"retired,,,,")
        result = transfer.import_file(content, "cmdb.csv")

        [new_host] = result.items
        assert result.updated == [vm]  # the retired application stays as it was
        assert (result.relations, result.relations_removed) == (1, 1)
        targets = session.scalars(
            select(ConfigurationRelation.target_id).where(ConfigurationRelation.source_id == vm.id)
        ).all()
        assert targets == [new_host.id]
        assert [row.action for row in transfer.relations.history(vm.id)] == [
            "added",
            "added",
            "removed",
        ]

    def test_a_row_may_not_change_an_item_s_type(
        self, transfer: TransferService, items: ItemService
    ) -> None:
        make(items, "application")
        problems = refusal(transfer, csv_file("server,APP-SIMPEG,DISKOMINFO,,,,,,")).errors
        assert places(problems) == [(2, "jenis")]
        assert "application" in problems[0]["message"]

    def test_wrong_relations_are_named(self, transfer: TransferService, items: ItemService) -> None:
        retired = make(items, "server")
        items.retire(retired.id, "diganti")
        content = csv_file(
            "server,SRV-B-01,DISKOMINFO,,,,,runs_on SRV-DC1-01,",
            "server,SRV-B-02,DISKOMINFO,,,,,powers:SRV-B-01,",
            "server,SRV-B-03,DISKOMINFO,,,,,depends_on:SRV-B-03,",
            "server,SRV-B-04,DISKOMINFO,,,,,depends_on:SRV-NOWHERE,",
            "server,SRV-B-05,DISKOMINFO,,,,,depends_on:SRV-DC1-01,",
            "server,SRV-B-06,DISKOMINFO,,,,,uses_licence:SRV-B-01,",
            "server,SRV-B-07,DISKOMINFO,,,,,depends_on:PRN-01,",
            "printer,PRN-01,DISKOMINFO,,,,,,",
        )
        problems = refusal(transfer, content).errors
        assert places(problems) == [
            (2, "relasi"),
            (3, "relasi"),
            (4, "relasi"),
            (5, "relasi"),
            (6, "relasi"),
            (7, "relasi"),
            (9, "jenis"),  # the printer's row, not the relation naming it
        ]
        assert [p["field"] for p in problems[:-1]] == ["relations"] * 6
        assert "pensiun" in problems[4]["message"]

    @pytest.mark.parametrize(
        ("content", "name", "column"),
        [
            (b"nama,pd\nSRV-A,DISKOMINFO", "a.csv", "jenis"),
            (b"jenis,nama,pd,warna\nserver,SRV-A,DISKOMINFO,abu", "a.csv", "warna"),
            (b"jenis,nama,pd,nama\n", "a.csv", "nama"),
        ],
    )
    def test_wrong_columns_are_named_on_row_one(
        self, transfer: TransferService, content: bytes, name: str, column: str
    ) -> None:
        problems = refusal(transfer, content, name).errors
        assert (1, column) in places(problems)

    @pytest.mark.parametrize(
        ("content", "name"),
        [
            (b"jenis,nama,pd\n", "a.csv"),
            ("jenis,nama,pd\nserver,SRV-É,DISKOMINFO".encode("latin-1"), "a.csv"),
            (b"not a zip", "a.xlsx"),
            (b"jenis,nama,pd", "a.txt"),
        ],
    )
    def test_an_empty_unreadable_or_other_file_is_refused(
        self, transfer: TransferService, content: bytes, name: str
    ) -> None:
        assert " / " in refusal(transfer, content, name).message

    def test_too_many_rows_are_refused(
        self, transfer: TransferService, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sheet_format, "IMPORT_MAX", 2)
        rows = [f"server,SRV-A-0{n},DISKOMINFO,,,,,," for n in range(3)]
        assert places(refusal(transfer, csv_file(*rows)).errors) == [(4, "")]

    def test_only_keepers_import_and_only_their_items(
        self, session: Session, clock: FixedClock
    ) -> None:
        content = csv_file("server,SRV-A-01,BPKAD,,,,,,", "server,SRV-A-02,BPKAD,,,,SIPKD,,")
        with pytest.raises(NotPermitted):
            TransferService(session, clock, user(session, "penyedia")).import_file(content, "a.csv")
        teknis = TransferService(session, clock, user(session, "teknis.sipkd"))
        problems = refusal(teknis, content).errors
        assert places(problems) == [(2, "pd")]  # the SIPKD row is theirs


class TestExport:
    @pytest.fixture
    def hostile(self, items: ItemService) -> ConfigurationItem:
        licence = make(
            items,
            "licence",
            labels=["@SUM(A1)"],
            location="=cmd|' /C calc'!A0",
            licences=[{"holder": "DISKOMINFO", "seats": 5, "expires_on": "2027-01-31"}],
        )
        make(items, "server", services=["SIMPEG"], administrators=["admin.infra"])
        return licence

    def test_writes_the_columns_import_reads(
        self,
        transfer: TransferService,
        items: ItemService,
        relations: Any,
        hostile: ConfigurationItem,
    ) -> None:
        server = items.page(ItemFilter(type="server")).items[0]
        relations.add(server.id, "uses_licence", hostile.id)
        table = transfer.export(ItemFilter())
        content = table.to("csv")
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        assert [row["nama"] for row in rows] == ["LIC-OFFICE-2026", "SRV-DC1-01"]
        licence, server_row = rows
        assert licence["lokasi"] == "'=cmd|' /C calc'!A0"  # neutralised
        assert licence["label"] == "'@SUM(A1)"
        assert licence["lisensi"] == "DISKOMINFO|5|2027-01-31"
        assert server_row["relasi"] == "uses_licence:LIC-OFFICE-2026"
        assert server_row["administrator"] == "admin.infra"
        assert server_row["atribut.ram_gb"] == "8"
        # every cell reads back as the fields the item has
        sheet = sheet_format.read_sheet(content, "x.csv")
        read = sheet_format.entry(sheet.rows[1], server.type)
        assert read.problems == {}
        assert read.relations == [("uses_licence", "LIC-OFFICE-2026")]
        assert read.raw["attributes"] == server.attributes
        assert read.raw["services"] == ["SIMPEG"]
        assert sheet_format.entry(sheet.rows[0], hostile.type).raw["location"] == (hostile.location)

    def test_xlsx_keeps_formula_like_text_as_text(
        self, transfer: TransferService, hostile: ConfigurationItem
    ) -> None:
        content = transfer.export(ItemFilter(type="licence")).to("xlsx")
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        headers = [cell.value for cell in sheet[1]]
        cell = sheet.cell(row=2, column=headers.index("lokasi") + 1)
        assert cell.data_type == "s"
        assert cell.value == hostile.location
        # a licence-only export has the licence type's attribute columns only
        assert [h for h in headers if h.startswith("atribut.")] == [
            "atribut.product",
            "atribut.vendor",
            "atribut.agreement_number",
            "atribut.licence_kind",
        ]

    def test_the_filters_and_the_sort_apply(
        self, transfer: TransferService, hostile: ConfigurationItem
    ) -> None:
        names = [row[1] for row in transfer.export(ItemFilter(), "-type").rows]
        assert names == ["SRV-DC1-01", "LIC-OFFICE-2026"]
        assert [row[1] for row in transfer.export(ItemFilter(service="SIMPEG")).rows] == [
            "SRV-DC1-01"
        ]
        assert transfer.export(ItemFilter(q="tidak-ada")).rows == []
        for sort in ("type", "-agency"):  # sorting by a table a filter joins too
            filters = ItemFilter(type="licence", agency="DISKOMINFO")
            assert [row[1] for row in transfer.export(filters, sort).rows] == ["LIC-OFFICE-2026"]

    def test_requesters_may_not_export(self, session: Session, clock: FixedClock) -> None:
        with pytest.raises(NotPermitted):
            TransferService(session, clock, user(session, "pengguna")).export(ItemFilter())

    def test_an_import_leaves_one_history_row_per_item(
        self, transfer: TransferService, session: Session
    ) -> None:
        content = csv_file("server,SRV-A-01,DISKOMINFO,,,,,,", "server,SRV-A-02,DISKOMINFO,,,,,,")
        transfer.import_file(content, "a.csv")
        assert session.scalar(select(func.count()).select_from(ConfigurationItemHistory)) == 2
