"""ItemService: register, change, retire, list; duplicates; history; who may."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import Conflict, FormInvalid, NotFound, NotPermitted
from app.models import ConfigurationItem, ConfigurationItemHistory, ItemStatus
from app.services.configuration.items import ItemFilter, ItemService
from tests.services.configuration.cmdb_data import entry, make
from tests.services.configuration.conftest import user
from tests.services.tracking_data import complaint

pytestmark = pytest.mark.usefixtures("demo")


def as_user(session: Session, clock: FixedClock, username: str) -> ItemService:
    return ItemService(session, clock, user(session, username))


def refused(error: type[Exception], call: Any, *args: Any) -> dict[str, list[str]]:
    """The field errors `call(*args)` raises as `error`."""
    with pytest.raises(error) as raised:
        call(*args)
    return raised.value.errors  # type: ignore[attr-defined]


class TestCreate:
    def test_stores_every_field(self, items: ItemService, session: Session) -> None:
        item = make(
            items,
            "server",
            location="Ruang server Diskominfo, rak 2",
            labels=["produksi", "kritis", "produksi"],
            administrators=["admin.infra"],
            services=["SIMPEG", "SRIKANDI"],
            retain_until="2031-12-31",
            status="planned",
        )
        session.commit()
        stored = items.get(item.id)
        assert stored.type.code == "server"
        assert stored.agency.code == "DISKOMINFO"
        assert stored.status == ItemStatus.PLANNED
        assert [label.label for label in stored.labels] == ["kritis", "produksi"]
        assert [u.username for u in stored.administrators] == ["admin.infra"]
        assert [s.code for s in stored.services] == ["SIMPEG", "SRIKANDI"]
        assert stored.retain_until == date(2031, 12, 31)
        assert stored.attributes == {"serial_number": "SN-001", "ram_gb": 8}

    def test_status_defaults_to_active(self, items: ItemService) -> None:
        assert make(items, "server").status == ItemStatus.ACTIVE

    def test_history_starts_with_what_was_registered(
        self, items: ItemService, clock: FixedClock
    ) -> None:
        item = make(items, "server", labels=["produksi"])
        [created] = items.history(item.id)
        assert created.action == "created"
        assert created.at == clock.now()
        assert created.user.username == "admin"
        assert created.changes["status"] == {"before": None, "after": "active"}
        assert created.changes["attributes.ram_gb"] == {"before": None, "after": 8}
        assert created.changes["labels"] == {"before": None, "after": ["produksi"]}
        assert "location" not in created.changes  # empty fields are not history

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"type": "printer"}, "type"),
            ({"agency": "TIDAK-ADA"}, "agency"),
            ({"status": "broken"}, "status"),
            ({"status": "retired"}, "status"),
            ({"name": "  "}, "name"),
            ({"name": "srv-1"}, "name"),
            ({"name": "SRV-\x00"}, "name"),
            ({"labels": "produksi"}, "labels"),
            ({"labels": ["a\nb"]}, "labels.0"),
            ({"services": ["TIDAK-ADA"]}, "services"),
            ({"administrators": ["nobody"]}, "administrators"),
            ({"retain_until": "31-12-2031"}, "retain_until"),
            ({"attributes": {"serial_number": "SN", "ram_gb": "banyak"}}, "attributes.ram_gb"),
            ({"attributes": {"serial_number": "SN", "warna": "abu"}}, "attributes.warna"),
            ({"attributes": []}, "attributes"),
            ({"licences": [{"holder": "x", "seats": 1}]}, "licences"),
        ],
    )
    def test_a_wrong_field_is_named(
        self, items: ItemService, fields: dict[str, Any], field: str
    ) -> None:
        errors = refused(FormInvalid, items.create, entry("server", **fields))
        assert field in errors
        assert all(" / " in message for message in errors[field])

    def test_a_licence_item_keeps_its_licence_records(self, items: ItemService) -> None:
        licences = [
            {"holder": "DISKOMINFO", "seats": 25, "expires_on": "2026-12-31", "reference": "K1"},
            {"holder": "BKPSDM", "seats": 5, "expires_on": None},
        ]
        item = make(items, "licence", licences=licences)
        assert [(x.holder, x.seats, x.expires_on) for x in item.licences] == [
            ("DISKOMINFO", 25, date(2026, 12, 31)),
            ("BKPSDM", 5, None),
        ]

    @pytest.mark.parametrize(
        ("licence", "field"),
        [
            ({"seats": 1}, "licences.0.holder"),
            ({"holder": "x", "seats": -1}, "licences.0.seats"),
            ({"holder": "x", "seats": True}, "licences.0.seats"),
            ({"holder": "x", "seats": 1, "expires_on": "soon"}, "licences.0.expires_on"),
            ({"holder": "x", "seats": 1, "key": "ABC"}, "licences.0.key"),
        ],
    )
    def test_a_wrong_licence_record_is_named(
        self, items: ItemService, licence: dict[str, Any], field: str
    ) -> None:
        assert field in refused(FormInvalid, items.create, entry("licence", licences=[licence]))


class TestDuplicates:
    def test_the_same_name_in_another_case_is_a_duplicate(self, items: ItemService) -> None:
        first = make(items, "server")
        first.type.naming_pattern = None  # a kabupaten without a naming standard
        errors = refused(
            Conflict,
            items.create,
            entry("server", name=" srv-DC1-01 ", attributes={"serial_number": "other"}),
        )
        assert list(errors) == ["name"]
        assert f"komponen {first.id}" in errors["name"][0]

    def test_the_same_identifying_attributes_are_a_duplicate(self, items: ItemService) -> None:
        first = make(items, "server", attributes={"serial_number": "SN 123"})
        errors = refused(
            Conflict,
            items.create,
            entry("server", name="SRV-DC1-02", attributes={"serial_number": " sn  123"}),
        )
        assert list(errors) == ["attributes.serial_number"]
        assert f"komponen {first.id}" in errors["attributes.serial_number"][0]

    def test_every_identifying_attribute_is_named(self, items: ItemService) -> None:
        make(items, "database")
        errors = refused(Conflict, items.create, entry("database", name="DB-SIMPEG-COPY"))
        assert set(errors) == {
            "attributes.host",
            "attributes.port",
            "attributes.database_name",
        }

    def test_identity_is_per_type(self, items: ItemService) -> None:
        make(items, "server", attributes={"serial_number": "X1"})
        other = make(items, "network_device", attributes={"serial_number": "X1"})
        assert other.id

    def test_items_without_identifying_attributes_are_not_duplicates(
        self, items: ItemService
    ) -> None:
        make(items, "server", attributes={})
        assert make(items, "server", name="SRV-DC1-02", attributes={}).id

    def test_a_change_into_a_duplicate_is_refused(
        self, items: ItemService, session: Session
    ) -> None:
        make(items, "server")
        second = make(items, "server", name="SRV-DC1-02", attributes={"serial_number": "SN-2"})
        session.commit()
        errors = refused(Conflict, items.update, second.id, {"name": "SRV-DC1-01"}, "typo")
        assert "name" in errors
        session.rollback()  # one call, one transaction: a refused one is rolled back
        errors = refused(
            Conflict, items.update, second.id, {"attributes": {"serial_number": "sn-001"}}, "x"
        )
        assert "attributes.serial_number" in errors

    def test_the_database_refuses_a_duplicate_name_too(
        self, items: ItemService, session: Session
    ) -> None:
        first = make(items, "server")
        session.commit()
        twin = ConfigurationItem(
            type=first.type,
            name="SRV-DC1-01",
            name_key=first.name_key,
            agency_id=first.agency_id,
            created_at=first.created_at,
            updated_at=first.updated_at,
        )
        session.add(twin)
        with pytest.raises(Exception, match="(?i)unique"):
            session.flush()
        session.rollback()


class TestUpdate:
    @pytest.mark.usefixtures("deployed")
    def test_records_who_when_why_what_and_the_source_case(
        self, items: ItemService, session: Session, clock: FixedClock, platform: Any
    ) -> None:
        item = make(items, "server")
        session.commit()
        change = complaint(platform)
        clock.advance(timedelta(hours=2))
        items.update(
            item.id,
            {"status": "maintenance", "attributes": {"ram_gb": 16, "cpu_cores": 8}},
            "  Penambahan RAM  ",
            change,
        )
        session.commit()
        updated = session.scalars(
            select(ConfigurationItemHistory).where(
                ConfigurationItemHistory.item_id == item.id,
                ConfigurationItemHistory.action == "updated",
            )
        ).one()
        assert updated.reason == "Penambahan RAM"
        assert updated.at == clock.now()
        assert updated.user.username == "admin"
        assert updated.source_instance_id == change
        assert updated.changes == {
            "status": {"before": "active", "after": "maintenance"},
            "attributes.ram_gb": {"before": 8, "after": 16},
            "attributes.cpu_cores": {"before": None, "after": 8},
        }
        assert items.get(item.id).updated_at == clock.now()

    def test_attributes_are_merged_and_null_removes_one(self, items: ItemService) -> None:
        item = make(items, "server", attributes={"serial_number": "S", "ram_gb": 8, "model": "M"})
        items.update(item.id, {"attributes": {"ram_gb": 16, "model": None}}, "upgrade")
        assert items.get(item.id).attributes == {"serial_number": "S", "ram_gb": 16}

    def test_the_merged_attributes_are_checked_whole(self, items: ItemService) -> None:
        item = make(items, "server")
        errors = refused(FormInvalid, items.update, item.id, {"attributes": {"cpu_cores": 0}}, "x")
        assert list(errors) == ["attributes.cpu_cores"]

    def test_a_change_that_changes_nothing_writes_no_history(self, items: ItemService) -> None:
        item = make(items, "server", labels=["a"])
        items.update(item.id, {"labels": ["a"], "attributes": {"ram_gb": 8}}, "check")
        assert [h.action for h in items.history(item.id)] == ["created"]

    def test_labels_services_administrators_and_agency_change(self, items: ItemService) -> None:
        item = make(items, "server", labels=["a", "b"], services=["SIMPEG"])
        items.update(
            item.id,
            {
                "labels": ["b", "c"],
                "services": ["SRIKANDI"],
                "administrators": ["admin.infra", "pj.infra"],
                "agency": "BKPSDM",
                "location": "DC cadangan",
            },
            "pindah",
        )
        changed = items.history(item.id)[-1].changes
        assert changed["labels"] == {"before": ["a", "b"], "after": ["b", "c"]}
        assert changed["services"] == {"before": ["SIMPEG"], "after": ["SRIKANDI"]}
        assert changed["agency"] == {"before": "DISKOMINFO", "after": "BKPSDM"}
        assert changed["administrators"]["after"] == ["admin.infra", "pj.infra"]
        assert changed["location"] == {"before": "", "after": "DC cadangan"}

    @pytest.mark.parametrize("reason", [None, "", "   ", 3, "x" * 2001, "a\x00b"])
    def test_a_reason_is_required(self, items: ItemService, reason: Any) -> None:
        item = make(items, "server")
        assert "reason" in refused(FormInvalid, items.update, item.id, {"location": "x"}, reason)

    @pytest.mark.parametrize("source", [999999, 2**40, "1", True])
    def test_an_unknown_source_case_is_named(self, items: ItemService, source: Any) -> None:
        item = make(items, "server")
        errors = refused(FormInvalid, items.update, item.id, {"location": "x"}, "r", source)
        assert list(errors) == ["source_instance_id"]

    def test_an_unknown_item_is_not_found(self, items: ItemService) -> None:
        with pytest.raises(NotFound):
            items.update(424242, {"location": "x"}, "r")

    def test_a_retired_item_may_come_back(self, items: ItemService) -> None:
        item = make(items, "server")
        items.retire(item.id, "dipensiunkan")
        items.update(item.id, {"status": "active"}, "dipakai lagi")
        assert items.get(item.id).status == ItemStatus.ACTIVE


class TestRetire:
    def test_retires_with_reason_and_retention(self, items: ItemService) -> None:
        item = make(items, "server")
        items.retire(item.id, "Diganti server baru", date(2030, 1, 1))
        retired = items.get(item.id)
        assert retired.status == ItemStatus.RETIRED
        assert retired.retain_until == date(2030, 1, 1)
        last = items.history(item.id)[-1]
        assert last.action == "retired"
        assert last.reason == "Diganti server baru"
        assert last.changes["status"] == {"before": "active", "after": "retired"}

    def test_twice_is_a_conflict(self, items: ItemService) -> None:
        item = make(items, "server")
        items.retire(item.id, "r")
        assert "status" in refused(Conflict, items.retire, item.id, "again")

    def test_without_a_reason_is_refused(self, items: ItemService) -> None:
        item = make(items, "server")
        assert "reason" in refused(FormInvalid, items.retire, item.id, "")


class TestList:
    @pytest.fixture
    def three(self, items: ItemService) -> list[ConfigurationItem]:
        return [
            make(items, "server", labels=["produksi"], services=["SIMPEG"]),
            make(
                items,
                "virtual_machine",
                agency="BKPSDM",
                location="Rak 2 Diskominfo",
                labels=["produksi", "uji"],
                status="maintenance",
            ),
            make(items, "application", services=["SIMPEG", "SRIKANDI"]),
        ]

    @pytest.mark.parametrize(
        ("filters", "names"),
        [
            ({}, ["APP-SIMPEG", "SRV-DC1-01", "VM-SIMPEG-01"]),
            ({"type": "server"}, ["SRV-DC1-01"]),
            ({"agency": "BKPSDM"}, ["VM-SIMPEG-01"]),
            ({"status": "maintenance"}, ["VM-SIMPEG-01"]),
            ({"label": "produksi"}, ["SRV-DC1-01", "VM-SIMPEG-01"]),
            ({"service": "SIMPEG"}, ["APP-SIMPEG", "SRV-DC1-01"]),
            ({"q": "simpeg"}, ["APP-SIMPEG", "VM-SIMPEG-01"]),
            ({"q": "rak 2"}, ["VM-SIMPEG-01"]),
            ({"q": "%"}, []),
            ({"type": "server", "label": "uji"}, []),
            ({"type": "printer"}, []),
        ],
    )
    def test_filters(
        self, items: ItemService, three: list[Any], filters: dict[str, str], names: list[str]
    ) -> None:
        page = items.page(ItemFilter(**filters))
        assert [item.name for item in page.items] == names
        assert page.total == len(names)

    def test_pages(self, items: ItemService, three: list[Any]) -> None:
        page = items.page(ItemFilter(), page=2, per_page=2)
        assert [item.name for item in page.items] == ["VM-SIMPEG-01"]
        assert page.total == 3


class TestWhoMay:
    def test_staff_read_and_requesters_do_not(
        self, items: ItemService, session: Session, clock: FixedClock
    ) -> None:
        item = make(items, "server")
        assert as_user(session, clock, "penyedia").get(item.id).id == item.id
        with pytest.raises(NotPermitted):
            as_user(session, clock, "pengguna").get(item.id)
        with pytest.raises(NotPermitted):
            as_user(session, clock, "pengguna").page(ItemFilter())

    @pytest.mark.parametrize("username", ["admin", "admin.infra", "pj.infra"])
    def test_admin_sistem_and_kabupaten_wide_keepers_register(
        self, session: Session, clock: FixedClock, username: str
    ) -> None:
        assert as_user(session, clock, username).create(entry("server")).id

    @pytest.mark.parametrize("username", ["penyedia", "admin.layanan", "analis", "pimpinan"])
    def test_other_staff_do_not(self, session: Session, clock: FixedClock, username: str) -> None:
        with pytest.raises(NotPermitted):
            as_user(session, clock, username).create(entry("server"))

    def test_a_keeper_of_one_service_keeps_that_service_s_items(
        self, items: ItemService, session: Session, clock: FixedClock
    ) -> None:
        teknis = as_user(session, clock, "teknis.sipkd")  # SIPKD's, at BPKAD
        with pytest.raises(NotPermitted):
            teknis.create(entry("server", agency="BPKAD"))
        mine = teknis.create(entry("server", agency="BPKAD", services=["SIPKD"]))
        teknis.update(mine.id, {"location": "BPKAD"}, "pindah")
        with pytest.raises(NotPermitted):  # giving it away is not theirs to do
            teknis.update(mine.id, {"services": []}, "lepas")
        theirs = make(items, "application", services=["SIMPEG"])
        with pytest.raises(NotPermitted):
            teknis.update(theirs.id, {"location": "x"}, "r")
        with pytest.raises(NotPermitted):
            teknis.retire(theirs.id, "r")
