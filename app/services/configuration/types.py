"""The editable list of configuration item types (Kepbup Polewali Mandar 685/2021, II.3 b.1
and b.4): each with its attributes' JSON Schema, its identifying attributes and its naming
standard. Migration 0024 seeds the kinds the issue names; Admin Sistem adds and changes
them, every change audited.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.errors import Conflict, FormInvalid, NotFound
from app.models import ConfigurationItem, ConfigurationItemType, User
from app.services.accounts.permissions import ADMINISTER, STAFF, allows, require
from app.services.audit.events import audit
from app.services.configuration.checks import identity

TYPE_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: Who adds and changes types: the API's PUT and the CMDB's type page ask `editable`.
EDIT_TYPES = ADMINISTER
#: The audit event of a type added or changed.
TYPE_SAVED = "configuration_item_type_saved"
_TEXTS = (("name", 100, True), ("name_en", 100, False), ("description", 2000, False))


def _text(raw: dict[str, Any], key: str, limit: int, errors: dict[str, list[str]]) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.isprintable():
        errors[key] = ["teks tanpa karakter kendali / text without control characters"]
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[key] = [f"paling banyak {limit} karakter / at most {limit} characters"]
    return value


def _schema(value: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    if value is None:
        return {"type": "object"}
    if not isinstance(value, dict) or value.get("type") != "object":
        errors["attribute_schema"] = [
            'JSON Schema dengan "type": "object" / a JSON Schema with "type": "object"'
        ]
        return {}
    try:
        Draft202012Validator.check_schema(value)
    except SchemaError as err:
        where, detail = err.json_path, err.message[:200]
        errors["attribute_schema"] = [
            f"JSON Schema tidak sah pada {where}: {detail} / not a valid JSON Schema at "
            f"{where}: {detail}"
        ]
        return {}
    return value


def _pattern(raw: dict[str, Any], errors: dict[str, list[str]]) -> str | None:
    pattern = raw.get("naming_pattern")
    if pattern in (None, ""):
        return None
    if not isinstance(pattern, str) or len(pattern) > 200:
        errors["naming_pattern"] = ["ekspresi reguler, maks. 200 / a regex, at most 200"]
        return None
    try:
        re.compile(pattern)
    except re.error as err:
        errors["naming_pattern"] = [f"ekspresi reguler tidak sah / invalid regex: {err}"]
        return None
    return pattern


def validate_type(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check one type definition; returns it cleaned and its field errors (empty: valid).

    The identifying attributes must be properties of the schema; the example name, when
    given, must follow the naming standard.
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {key: _text(raw, key, limit, errors) for key, limit, _ in _TEXTS}
    for key, _, required in _TEXTS:
        if required and not clean[key] and key not in errors:
            errors[key] = ["wajib diisi / required"]
    clean["attribute_schema"] = _schema(raw.get("attribute_schema"), errors)
    properties = clean["attribute_schema"].get("properties", {})
    names = raw.get("identifying_attributes") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        errors["identifying_attributes"] = ["daftar nama atribut / list of attribute names"]
        names = []
    unknown = [n for n in names if n not in properties]
    if unknown and "attribute_schema" not in errors:  # a refused schema names no attribute
        listed = ", ".join(unknown)
        errors["identifying_attributes"] = [
            f"bukan atribut di skema: {listed} / not attributes of the schema: {listed}"
        ]
    clean["identifying_attributes"] = list(dict.fromkeys(names))
    clean["naming_pattern"] = _pattern(raw, errors)
    clean["naming_example"] = _text(raw, "naming_example", 200, errors)
    if (
        clean["naming_pattern"]
        and clean["naming_example"]
        and not re.fullmatch(clean["naming_pattern"], clean["naming_example"])
    ):
        errors["naming_example"] = [
            "contoh tidak sesuai standar penamaan / the example breaks the naming standard"
        ]
    clean["holds_licences"] = bool(raw.get("holds_licences", False))
    return clean, errors


class ItemTypeService:
    """Read the item types (staff) and add or change them (Admin Sistem)."""

    def __init__(self, session: Session, clock: Clock, actor: User | None = None) -> None:
        self.session = session
        self.clock = clock
        self.actor = actor

    def all(self) -> list[ConfigurationItemType]:
        """Every type, by code.

        Raises:
            NotPermitted: the actor is no staff.
        """
        require(self.session, self.actor, STAFF)
        return list(
            self.session.scalars(select(ConfigurationItemType).order_by(ConfigurationItemType.code))
        )

    def editable(self) -> bool:
        """Whether the actor may add and change types (`save` lets them through)."""
        return allows(self.session, self.actor, EDIT_TYPES)

    def item_counts(self) -> dict[int, int]:
        """type id -> how many items it has, retired ones included (a type without
        items is left out).

        Raises:
            NotPermitted: the actor is no staff.
        """
        require(self.session, self.actor, STAFF)
        rows = self.session.execute(
            select(ConfigurationItem.type_id, func.count()).group_by(ConfigurationItem.type_id)
        )
        return {type_id: count for type_id, count in rows}

    def by_code(self, code: str) -> ConfigurationItemType | None:
        """The type with `code`, or None (a code with control characters names none)."""
        if not code.isprintable():
            return None
        return self.session.scalar(
            select(ConfigurationItemType).where(ConfigurationItemType.code == code)
        )

    def save(self, code: str, raw: dict[str, Any]) -> ConfigurationItemType:
        """Add the type `code` or replace its definition; existing items keep their values
        and meet a changed schema or naming standard at their next change, but their
        identity is worked out again at once, so no duplicate slips in.

        Raises:
            NotPermitted: the actor is not Admin Sistem.
            FormInvalid: a field is wrong (`errors` names it; `code` for a bad code).
            Conflict: under the new identifying attributes two items would be one.
        """
        require(self.session, self.actor, EDIT_TYPES)
        clean, errors = validate_type(raw)
        if not TYPE_CODE.match(code):
            errors["code"] = ["huruf kecil, angka dan '_' (maks. 40) / lower-case code"]
        if errors:
            raise FormInvalid("Jenis tidak valid / invalid item type", errors)
        item_type = self.by_code(code)
        created = item_type is None
        if item_type is None:
            item_type = ConfigurationItemType(code=code)
            self.session.add(item_type)
        for key, value in clean.items():
            setattr(item_type, key, value)
        self.session.flush()
        self._reidentify(item_type)
        audit(
            self.session,
            self.actor,
            TYPE_SAVED,
            self.clock.now(),
            {"code": code, "created": created, **clean},
        )
        return item_type

    def get(self, code: str) -> ConfigurationItemType:
        """Raises NotFound when no type has this code."""
        item_type = self.by_code(code)
        if item_type is None:
            raise NotFound(f"Jenis '{code}' tidak ada / no item type '{code}'")
        return item_type

    def _reidentify(self, item_type: ConfigurationItemType) -> None:
        items = self.session.scalars(
            select(ConfigurationItem).where(ConfigurationItem.type_id == item_type.id)
        ).all()
        seen: dict[str, ConfigurationItem] = {}
        for item in items:
            key = identity(item_type, item.attributes)
            if key is not None and key in seen:
                raise Conflict(
                    f"{seen[key].name} dan {item.name} menjadi sama / would be one item",
                    {"identifying_attributes": [f"{seen[key].name} = {item.name}"]},
                )
            if key is not None:
                seen[key] = item
        for item in items:
            item.identity = None  # first clear, so swapping two identities never collides
        self.session.flush()
        for item in items:
            item.identity = identity(item_type, item.attributes)
        self.session.flush()
