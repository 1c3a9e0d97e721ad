"""One configuration item's fields, checked and cleaned: the single rule set for the API
and, later, the importers (as `validate_service` is for the catalog).

Each wrong field is named in `errors` in Indonesian and English: the name against the
type's naming standard (Kepbup Polewali Mandar 685/2021, II.3 b.4), the attributes against
its JSON Schema (II.3 c.1), labels (II.3 b.5), licence records (II.3 c.4), retention
(II.3 c.5). Duplicates are the items service's concern: they need the other items.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Agency,
    ConfigurationItem,
    ConfigurationItemType,
    ItemStatus,
    Service,
    User,
)
from app.services.configuration.checks import attribute_errors, naming_errors

#: The statuses an item may be given by create or update; `retired` is set by retiring.
SETTABLE_STATUSES = (ItemStatus.PLANNED, ItemStatus.ACTIVE, ItemStatus.MAINTENANCE)
NAME_MAX = 200
LOCATION_MAX = 200
LABEL_MAX = 60
LABELS_MAX = 20
ADMINISTRATORS_MAX = 20
SERVICES_MAX = 50
LICENCES_MAX = 50
SEATS_MAX = 2**31 - 1

Errors = dict[str, list[str]]


def _printable(value: Any, key: str, limit: int, errors: Errors, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or not value.isprintable():
        errors.setdefault(key, []).append(
            "teks tanpa karakter kendali / text without control characters"
        )
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(key, []).append("wajib diisi / required")
    elif len(value) > limit:
        errors.setdefault(key, []).append(
            f"paling banyak {limit} karakter / at most {limit} characters"
        )
    return value


def _strings(value: Any, key: str, most: int, errors: Errors) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(key, []).append("daftar teks / a list of strings")
        return None
    if len(value) > most:
        errors.setdefault(key, []).append(f"paling banyak {most} / at most {most}")
        return None
    unprintable = [index for index, v in enumerate(value) if not v.isprintable()]
    for index in unprintable:
        errors.setdefault(f"{key}.{index}", []).append(
            "teks tanpa karakter kendali / text without control characters"
        )
    if unprintable:
        return None
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _day(value: Any, key: str, errors: Errors) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(key, []).append("tanggal YYYY-MM-DD / a date, YYYY-MM-DD")
        return None


def _status(value: Any, errors: Errors) -> str:
    if value == ItemStatus.RETIRED:
        errors["status"] = [
            "gunakan /retire untuk mempensiunkan / retire an item with /retire, with a reason"
        ]
    elif value not in SETTABLE_STATUSES:
        errors["status"] = [
            f"salah satu dari / one of: {', '.join(s.value for s in SETTABLE_STATUSES)}"
        ]
    return str(value)


def _labels(value: Any, errors: Errors) -> list[str]:
    labels = _strings(value, "labels", LABELS_MAX, errors) or []
    for index, label in enumerate(labels):
        _printable(label, f"labels.{index}", LABEL_MAX, errors)
    return labels


def _licence(item: Any, where: str, errors: Errors) -> dict[str, Any]:
    if not isinstance(item, dict):
        errors.setdefault(where, []).append("harus objek / must be an object")
        return {}
    unknown = set(item) - {"holder", "seats", "expires_on", "reference"}
    for key in sorted(unknown):
        errors.setdefault(f"{where}.{key}", []).append("kolom tidak dikenal / unknown field")
    seats = item.get("seats")
    if isinstance(seats, bool) or not isinstance(seats, int) or not 0 <= seats <= SEATS_MAX:
        errors.setdefault(f"{where}.seats", []).append(
            "bilangan bulat 0 atau lebih / a whole number, 0 or more"
        )
    return {
        "holder": _printable(item.get("holder"), f"{where}.holder", 200, errors, required=True),
        "seats": seats,
        "expires_on": _day(item.get("expires_on"), f"{where}.expires_on", errors),
        "reference": _printable(item.get("reference"), f"{where}.reference", 100, errors),
    }


def _licences(value: Any, item_type: ConfigurationItemType, errors: Errors) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        errors["licences"] = ["daftar catatan lisensi / a list of licence records"]
        return []
    if value and not item_type.holds_licences:
        errors["licences"] = [
            f"jenis {item_type.code} tidak mencatat lisensi / type {item_type.code} holds "
            "no licence records"
        ]
        return []
    if len(value) > LICENCES_MAX:
        errors["licences"] = [f"paling banyak {LICENCES_MAX} / at most {LICENCES_MAX}"]
        return []
    return [_licence(item, f"licences.{index}", errors) for index, item in enumerate(value)]


def _rows_by(
    session: Session, model: Any, column: Any, keys: list[str], field: str, errors: Errors
) -> list[Any]:
    if not keys:
        return []  # no query: an importer checks thousands of entries
    rows = {
        getattr(row, column.key): row
        for row in session.scalars(select(model).where(column.in_(keys)))
    }
    unknown = [key for key in keys if key not in rows]
    if unknown:
        errors.setdefault(field, []).append(f"tidak ada / unknown: {', '.join(unknown)}")
    return [rows[key] for key in keys if key in rows]


def _given(raw: dict[str, Any], key: str, empty: Any) -> Any:
    """`raw[key]`, or `empty` when absent or null."""
    value = raw.get(key)
    return empty if value is None else value


def merged_attributes(current: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """`current` with `change` applied as a JSON merge patch one level deep: a key given
    is set, a key given as null is removed, a key not given is kept."""
    result = dict(current)
    for key, value in change.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def check_entry(
    session: Session,
    raw: dict[str, Any],
    item_type: ConfigurationItemType,
    current: ConfigurationItem | None = None,
) -> tuple[dict[str, Any], Errors]:
    """Check an item's fields against its type; returns the cleaned fields and the errors.

    Args:
        session: for the PD, users and services the entry names.
        raw: the fields given: name, agency (a PD code), status, location, labels,
            attributes, administrators (usernames), services (service codes),
            retain_until, licences ([{holder, seats, expires_on, reference}]).
        item_type: the item's type.
        current: the item being changed; None for a new item. A change checks only the
            fields it gives; its attributes are merged into the current ones
            (`merged_attributes`) and the result is checked whole.

    Returns:
        The cleaned fields given (the PD, users and services as rows; for a new item
        every field, with defaults) and the field errors, empty when valid.
    """
    errors: Errors = {}
    clean: dict[str, Any] = {}
    new = current is None

    def given(key: str) -> bool:
        return new or key in raw

    if given("name"):
        clean["name"] = _printable(raw.get("name"), "name", NAME_MAX, errors, required=True)
        breaks = [] if "name" in errors else naming_errors(item_type, clean["name"])
        if breaks:
            errors["name"] = breaks
    if given("agency"):
        code = raw.get("agency")
        agency = (
            session.scalar(select(Agency).where(Agency.code == code))
            if isinstance(code, str) and code.isprintable()
            else None
        )
        if agency is None:
            errors["agency"] = [f"PD '{code}' tidak ada / unknown agency (use its code)"]
        clean["agency"] = agency
    if given("status"):
        clean["status"] = _status(raw.get("status", ItemStatus.ACTIVE), errors)
    if given("location"):
        clean["location"] = _printable(raw.get("location"), "location", LOCATION_MAX, errors)
    if given("labels"):
        clean["labels"] = _labels(_given(raw, "labels", []), errors)
    if given("attributes"):
        change = _given(raw, "attributes", {})
        if not isinstance(change, dict):
            errors["attributes"] = ["harus objek / must be an object"]
        else:
            attributes = (
                change if current is None else merged_attributes(current.attributes, change)
            )
            clean["attributes"] = attributes
            errors.update(attribute_errors(item_type, attributes))
    if given("administrators"):
        names = _strings(
            _given(raw, "administrators", []), "administrators", ADMINISTRATORS_MAX, errors
        )
        clean["administrators"] = _rows_by(
            session, User, User.username, names or [], "administrators", errors
        )
    if given("services"):
        codes = _strings(_given(raw, "services", []), "services", SERVICES_MAX, errors)
        clean["services"] = _rows_by(
            session, Service, Service.code, codes or [], "services", errors
        )
    if given("retain_until"):
        clean["retain_until"] = _day(raw.get("retain_until"), "retain_until", errors)
    if given("licences"):
        clean["licences"] = _licences(_given(raw, "licences", []), item_type, errors)
    return clean, errors
