"""The editable list of item types: the migration's seed, and Admin Sistem's changes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import FixedClock
from app.errors import Conflict, FormInvalid, NotPermitted
from app.models import ConfigurationItemType, Event
from app.services.configuration.items import ItemService
from app.services.configuration.types import TYPE_SAVED, ItemTypeService
from tests.services.configuration.cmdb_data import DEFAULTS, make
from tests.services.configuration.conftest import user

pytestmark = pytest.mark.usefixtures("demo")

SEEDED = {
    "application",
    "server",
    "virtual_machine",
    "database",
    "network_device",
    "link",
    "data_centre",
    "licence",
    "document",
}
PRINTER = {
    "name": "Printer jaringan",
    "name_en": "Network printer",
    "attribute_schema": {
        "type": "object",
        "properties": {"serial_number": {"type": "string"}, "ip_address": {"type": "string"}},
        "additionalProperties": False,
    },
    "identifying_attributes": ["serial_number"],
    "naming_pattern": r"^PRN-[A-Z0-9-]+$",
    "naming_example": "PRN-LT2-01",
}


@pytest.fixture
def types(session: Session, clock: FixedClock) -> ItemTypeService:
    return ItemTypeService(session, clock, user(session, "admin"))


def seeded(session: Session) -> list[ConfigurationItemType]:
    return list(session.scalars(select(ConfigurationItemType)))


class TestSeed:
    def test_the_issue_s_kinds_are_seeded(self, session: Session) -> None:
        assert {t.code for t in seeded(session)} == SEEDED

    def test_each_seeded_type_is_valid_by_its_own_rules(self, session: Session) -> None:
        for item_type in seeded(session):
            Draft202012Validator.check_schema(item_type.attribute_schema)
            properties = item_type.attribute_schema["properties"]
            assert set(item_type.identifying_attributes) <= set(properties), item_type.code
            assert re.fullmatch(item_type.naming_pattern, item_type.naming_example)
            assert item_type.name
            assert item_type.name_en

    def test_only_the_licence_type_holds_licences(self, session: Session) -> None:
        assert [t.code for t in seeded(session) if t.holds_licences] == ["licence"]

    def test_the_test_defaults_cover_every_seeded_type(self) -> None:
        assert set(DEFAULTS) == SEEDED


class TestSave:
    def test_admin_adds_a_type_and_it_is_audited(
        self, types: ItemTypeService, session: Session
    ) -> None:
        printer = types.save("printer", PRINTER)
        assert printer.identifying_attributes == ["serial_number"]
        assert types.get("printer").naming_example == "PRN-LT2-01"
        event = session.scalars(select(Event).where(Event.kind == TYPE_SAVED)).one()
        assert event.data["code"] == "printer"
        assert event.data["created"] is True

    def test_only_admin_sistem_saves_types(self, session: Session, clock: FixedClock) -> None:
        infra = ItemTypeService(session, clock, user(session, "admin.infra"))
        with pytest.raises(NotPermitted):
            infra.save("printer", PRINTER)
        assert {t.code for t in infra.all()} == SEEDED

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"naming_pattern": "^PRN-(["}, "naming_pattern"),
            ({"naming_example": "printer 1"}, "naming_example"),
            ({"identifying_attributes": ["mac_address"]}, "identifying_attributes"),
            ({"attribute_schema": {"type": "object", "properties": 3}}, "attribute_schema"),
            ({"attribute_schema": {"type": "array"}}, "attribute_schema"),
            ({"name": ""}, "name"),
            ({"name": "Printer\x00"}, "name"),
        ],
    )
    def test_a_wrong_field_is_named(
        self, types: ItemTypeService, changes: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(FormInvalid) as refused:
            types.save("printer", {**PRINTER, **changes})
        assert field in refused.value.errors

    def test_a_bad_code_is_named(self, types: ItemTypeService) -> None:
        with pytest.raises(FormInvalid) as refused:
            types.save("Printer Jaringan", PRINTER)
        assert list(refused.value.errors) == ["code"]

    def test_a_new_standard_applies_to_the_next_change(
        self, types: ItemTypeService, items: ItemService
    ) -> None:
        server = types.get("server")
        make(items, "server")
        types.save(
            "server",
            {
                "name": server.name,
                "attribute_schema": server.attribute_schema,
                "identifying_attributes": server.identifying_attributes,
                "naming_pattern": r"^SERVER-\d+$",
                "naming_example": "SERVER-1",
            },
        )
        with pytest.raises(FormInvalid) as refused:
            make(items, "server", name="SRV-DC1-02", attributes={"serial_number": "SN-2"})
        assert "SERVER-1" in refused.value.errors["name"][0]

    def test_new_identifying_attributes_find_duplicates_already_stored(
        self, types: ItemTypeService, items: ItemService
    ) -> None:
        make(items, "server", attributes={"serial_number": "A", "hostname": "same"})
        make(
            items,
            "server",
            name="SRV-DC1-02",
            attributes={"serial_number": "B", "hostname": "same"},
        )
        server = types.get("server")
        definition = {
            "name": server.name,
            "attribute_schema": server.attribute_schema,
            "naming_pattern": server.naming_pattern,
        }
        with pytest.raises(Conflict) as refused:
            types.save("server", {**definition, "identifying_attributes": ["hostname"]})
        assert list(refused.value.errors) == ["identifying_attributes"]

    def test_swapped_identities_are_worked_out_again(
        self, types: ItemTypeService, items: ItemService
    ) -> None:
        one = make(items, "server", attributes={"serial_number": "A", "hostname": "b"})
        two = make(
            items, "server", name="SRV-DC1-02", attributes={"serial_number": "B", "hostname": "a"}
        )
        server = types.get("server")
        types.save(
            "server",
            {
                "name": server.name,
                "attribute_schema": server.attribute_schema,
                "identifying_attributes": ["hostname"],
            },
        )
        # one's new identity (hostname "b") is two's old one (serial number "B")
        assert None not in (one.identity, two.identity)
        assert one.identity != two.identity
        with pytest.raises(Conflict) as refused:
            make(
                items,
                "server",
                name="SRV-DC1-03",
                attributes={"serial_number": "b", "hostname": "A"},
            )
        assert f"komponen {two.id}" in refused.value.errors["attributes.hostname"][0]
