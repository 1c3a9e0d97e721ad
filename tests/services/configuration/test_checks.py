"""What an item must meet by its type: naming standard, attribute schema, identity."""

from __future__ import annotations

from typing import Any

import pytest

from app.models import ConfigurationItemType
from app.services.configuration.checks import (
    ATTRIBUTES_MAX_CHARS,
    attribute_errors,
    identity,
    naming_errors,
)

SERVER = ConfigurationItemType(
    code="server",
    name="Server fisik",
    name_en="Physical server",
    naming_pattern=r"^SRV-[A-Z0-9]+(-[A-Z0-9]+)*$",
    naming_example="SRV-DC1-01",
    identifying_attributes=["serial_number"],
    attribute_schema={
        "type": "object",
        "properties": {
            "serial_number": {"type": "string", "maxLength": 100},
            "cpu_cores": {"type": "integer", "minimum": 1},
            "disks": {"type": "array", "items": {"type": "integer"}},
            "bought_on": {"type": "string", "format": "date"},
            "owner": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            },
        },
        "required": ["serial_number"],
        "additionalProperties": False,
    },
)
DATABASE = ConfigurationItemType(
    code="database",
    name="Basis data",
    identifying_attributes=["host", "port", "database_name"],
    attribute_schema={"type": "object"},
)


class TestNamingStandard:
    @pytest.mark.parametrize("name", ["SRV-DC1-01", "SRV-A", "SRV-RACK2-SLOT14"])
    def test_a_name_following_the_standard_passes(self, name: str) -> None:
        assert naming_errors(SERVER, name) == []

    @pytest.mark.parametrize("name", ["srv-dc1-01", "SERVER-1", "SRV-", "SRV-A--B", "SRV-A "])
    def test_a_name_breaking_it_is_refused_in_both_languages(self, name: str) -> None:
        [message] = naming_errors(SERVER, name)
        indonesian, english = message.split(" / ")
        assert "standar penamaan Server fisik" in indonesian
        assert SERVER.naming_pattern in indonesian
        assert "SRV-DC1-01" in indonesian
        assert "naming standard of Physical server" in english

    def test_a_type_without_a_standard_takes_any_name(self) -> None:
        assert naming_errors(DATABASE, "anything at all") == []


class TestAttributeSchema:
    def test_valid_attributes_pass(self) -> None:
        attributes = {"serial_number": "SN1", "cpu_cores": 8, "bought_on": "2025-01-31"}
        assert attribute_errors(SERVER, attributes) == {}

    @pytest.mark.parametrize(
        ("attributes", "field"),
        [
            ({"serial_number": "SN1", "cpu_cores": "eight"}, "attributes.cpu_cores"),
            ({"serial_number": "SN1", "cpu_cores": 0}, "attributes.cpu_cores"),
            ({"serial_number": "SN1", "bought_on": "31/01/2025"}, "attributes.bought_on"),
            ({"serial_number": "SN1", "disks": [1, "x"]}, "attributes.disks.1"),
            ({"serial_number": "SN1", "owner": {}}, "attributes.owner.name"),
            ({"cpu_cores": 2}, "attributes.serial_number"),
            ({"serial_number": "SN1", "colour": "grey"}, "attributes.colour"),
        ],
        ids=["type", "minimum", "format", "array-item", "nested-required", "required", "unknown"],
    )
    def test_each_error_names_the_attribute(self, attributes: dict[str, Any], field: str) -> None:
        errors = attribute_errors(SERVER, attributes)
        assert list(errors) == [field]
        assert all(" / " in message for message in errors[field])

    def test_several_errors_are_named_each(self) -> None:
        errors = attribute_errors(SERVER, {"cpu_cores": -1, "a": 1, "b": 2})
        assert set(errors) == {
            "attributes.serial_number",
            "attributes.cpu_cores",
            "attributes.a",
            "attributes.b",
        }

    def test_too_large_an_object_is_refused_whole(self) -> None:
        errors = attribute_errors(DATABASE, {"notes": "x" * ATTRIBUTES_MAX_CHARS})
        assert list(errors) == ["attributes"]

    def test_a_message_does_not_repeat_a_huge_value(self) -> None:
        errors = attribute_errors(SERVER, {"serial_number": "S" * 5000})
        assert len(errors["attributes.serial_number"][0]) < 300


class TestIdentity:
    def test_all_identifying_attributes_make_an_identity(self) -> None:
        assert identity(DATABASE, {"host": "db1", "port": 5432, "database_name": "simpeg"})

    @pytest.mark.parametrize(
        "attributes",
        [{}, {"host": "db1", "port": 5432}, {"host": "db1", "port": 5432, "database_name": " "}],
    )
    def test_without_all_of_them_there_is_none(self, attributes: dict[str, Any]) -> None:
        assert identity(DATABASE, attributes) is None

    def test_case_spaces_and_number_or_text_do_not_make_another_identity(self) -> None:
        one = identity(DATABASE, {"host": "DB1", "port": 5432, "database_name": "Simpeg  Prod"})
        other = identity(DATABASE, {"host": " db1", "port": "5432", "database_name": "simpeg prod"})
        assert one == other

    def test_other_values_make_another_identity(self) -> None:
        one = identity(DATABASE, {"host": "db1", "port": 5432, "database_name": "simpeg"})
        other = identity(DATABASE, {"host": "db1", "port": 5433, "database_name": "simpeg"})
        assert one != other

    def test_a_type_without_identifying_attributes_gives_none(self) -> None:
        assert identity(ConfigurationItemType(identifying_attributes=[]), {"a": 1}) is None
