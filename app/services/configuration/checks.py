"""What an item must meet by its type: the naming standard, its attributes' JSON Schema and
the identifying attributes that keep two items from being one (Kepbup Polewali Mandar
685/2021, II.3 b.1 "memastikan tidak ada duplikasi komponen konfigurasi" and b.4
"standar penamaan"). Plain functions of a type and values; no database.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from app.models import ConfigurationItemType

#: Longest attributes object, as JSON text: an item's attributes are facts, not documents.
ATTRIBUTES_MAX_CHARS = 20_000
#: How much of a JSON Schema message an error repeats (it may quote the whole value).
_MESSAGE_MAX = 200
_FORMATS = FormatChecker()


def naming_errors(item_type: ConfigurationItemType, name: str) -> list[str]:
    """Why `name` breaks the type's naming standard, or nothing when it follows it.

    Args:
        item_type: the item's type; no `naming_pattern` means any name is fine.
        name: the item's name, trimmed.

    Returns:
        One bilingual message naming the standard and its example, or an empty list.
    """
    pattern = item_type.naming_pattern
    if not pattern or re.fullmatch(pattern, name):
        return []
    example = item_type.naming_example
    contoh, e_g = (f" (contoh: {example})", f" (e.g. {example})") if example else ("", "")
    return [
        f"Nama tidak sesuai standar penamaan {item_type.name}: {pattern}{contoh} / the name "
        f"does not follow the naming standard of {item_type.name_en or item_type.code}: "
        f"{pattern}{e_g}"
    ]


def _short(message: str) -> str:
    return message if len(message) <= _MESSAGE_MAX else message[: _MESSAGE_MAX - 1] + "…"


def _places(error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) for one schema error, the field named down to the attribute."""
    path = ["attributes", *(str(part) for part in error.absolute_path)]
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        missing = [name for name in error.validator_value if name not in instance]
        return [(".".join([*path, name]), "wajib diisi / required") for name in missing]
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        extra = [
            key
            for key in instance
            if key not in known and not any(re.search(p, key) for p in patterns)
        ]
        message = "atribut tidak dikenal untuk jenis ini / unknown attribute for this type"
        return [(".".join([*path, key]), message) for key in extra]
    return [(".".join(path), f"nilai tidak sesuai / invalid value: {_short(error.message)}")]


def attribute_errors(
    item_type: ConfigurationItemType, attributes: dict[str, Any]
) -> dict[str, list[str]]:
    """Check `attributes` against the type's JSON Schema (draft 2020-12, formats checked).

    Args:
        item_type: the item's type.
        attributes: the item's attributes as they would be stored.

    Returns:
        Field errors keyed `attributes.<name>` (nested: `attributes.<name>.<part>`), or
        `attributes` itself when the whole object is wrong or too large; empty when valid.
    """
    if len(json.dumps(attributes, ensure_ascii=False)) > ATTRIBUTES_MAX_CHARS:
        return {
            "attributes": [
                f"Atribut paling banyak {ATTRIBUTES_MAX_CHARS} karakter sebagai JSON / "
                f"at most {ATTRIBUTES_MAX_CHARS} characters as JSON"
            ]
        }
    validator = Draft202012Validator(item_type.attribute_schema, format_checker=_FORMATS)
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(attributes), key=lambda e: list(e.absolute_path)):
        for field, message in _places(error):
            if message not in errors.setdefault(field, []):
                errors[field].append(message)
    return errors


def _normal(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def identity(item_type: ConfigurationItemType, attributes: dict[str, Any]) -> str | None:
    """The digest of the type's identifying attributes, or None unless all are given.

    Values are compared trimmed, with runs of spaces as one and without regard to case,
    so "SN 123" and "sn  123" identify the same item.

    Args:
        item_type: the item's type.
        attributes: the item's attributes.

    Returns:
        A SHA-256 hex digest, unique per type among items (a database constraint), or
        None when the type names no identifying attribute or one of them is empty.
    """
    values = []
    for name in item_type.identifying_attributes:
        value = attributes.get(name)
        if value is None or _normal(value) == "":
            return None
        values.append(_normal(value))
    if not values:
        return None
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()
