"""The CMDB as a CSV or XLSX sheet: one row per item, the columns import reads and export
writes (Kepbup Polewali Mandar 685/2021, II.3 c.1: registering the items; issue 14,
item 1).

Columns, headed in Indonesian like the catalog's sheet: `jenis` (a type's code), `nama`,
`pd` (the owner PD's code), `status`, `lokasi`, `label`, `layanan` (service codes) and
`administrator` (usernames), several values in one cell separated by `;`,
`simpan_sampai` (retention, YYYY-MM-DD), `lisensi` (licence records, `pemegang|kursi|
berlaku_sampai|referensi; ...`), `relasi` (relations from the item, `runs_on:VM-X;
uses_licence:LIC-Y`, the target named by its name) and one `atribut.<name>` column per
attribute, its cell read as the type's JSON Schema says (whole number, number, yes/no,
text; JSON for lists and objects).

Reading turns cells into raw entries, for `check_entry` when a row registers an item
(`entry`) or for `ItemService.update` when it names one (`change`), and reports the cells
it cannot read; it never evaluates anything: an XLSX formula is read as the text of the
formula, not as its result, and a CSV cell the export marked as text (`'=...`) as it
was, so what is stored is what was typed, and every export marks it again
(`app.services.spreadsheet`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from app.errors import InvalidInput
from app.models import ConfigurationItem, ConfigurationItemType
from app.services import spreadsheet

#: (header, entry key) of the fixed columns, in the order files are written.
COLUMNS = (
    ("jenis", "type"),
    ("nama", "name"),
    ("pd", "agency"),
    ("status", "status"),
    ("lokasi", "location"),
    ("label", "labels"),
    ("layanan", "services"),
    ("administrator", "administrators"),
    ("simpan_sampai", "retain_until"),
    ("lisensi", "licences"),
    ("relasi", "relations"),
)
HEADERS = {header: key for header, key in COLUMNS}
COLUMN_OF = {key: header for header, key in COLUMNS}
REQUIRED_HEADERS = ("jenis", "nama", "pd")
ATTRIBUTE_PREFIX = "atribut."
#: Cells holding several values, and what separates them.
LISTS = ("labels", "services", "administrators")
SEPARATOR = ";"
#: The most item rows one import takes, and the most columns a sheet may have.
IMPORT_MAX = 2000
COLUMNS_MAX = 200
_YES = {"ya", "y", "yes", "true", "1", "benar"}
_NO = {"tidak", "t", "no", "false", "0", "salah"}
_WHOLE = re.compile(r"^[+-]?\d{1,18}$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass
class Row:
    """One item's row: its number in the file (the header is row 1) and its cells by
    header (`atribut.<name>` for attributes), empty cells left out."""

    number: int
    cells: dict[str, Any]


@dataclass
class Sheet:
    """The columns a file has (empty headers left out) and its rows that hold something."""

    headers: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


@dataclass
class Entry:
    """A row read for `check_entry`: the raw fields, the relations it asks for as
    (type, target name), and the cells that could not be read, by column."""

    raw: dict[str, Any]
    relations: list[tuple[str, str]]
    problems: dict[str, list[str]]


def field_of(column_name: str) -> str:
    """The API's name for a column: `atribut.ram_gb` is `attributes.ram_gb`, `pd` is
    `agency`; a column that is no field keeps its header."""
    if column_name.startswith(ATTRIBUTE_PREFIX):
        return "attributes." + column_name[len(ATTRIBUTE_PREFIX) :]
    return HEADERS.get(column_name, column_name)


def problem(
    row: int, column_name: str, message: str, field_name: str | None = None
) -> dict[str, Any]:
    """One entry of an import's refusal: the row and column it is about, what is wrong,
    and the API's name for the field (`attributes.ram_gb`; `field_of` unless given)."""
    return {
        "row": row,
        "column": column_name,
        "field": field_name or field_of(column_name),
        "message": message,
    }


# -- reading -------------------------------------------------------------------------------


def _header(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if text.lower().startswith(ATTRIBUTE_PREFIX):
        return ATTRIBUTE_PREFIX + text[len(ATTRIBUTE_PREFIX) :].strip()
    return text.lower()


def _check_headers(headers: list[str]) -> None:
    problems = []
    if len(headers) > COLUMNS_MAX:
        problems.append(
            problem(1, "", f"paling banyak {COLUMNS_MAX} kolom / at most {COLUMNS_MAX} columns")
        )
    seen: set[str] = set()
    for header in headers:
        if not header:
            continue
        if header in seen:
            problems.append(problem(1, header, "kolom ganda / the column appears twice"))
        seen.add(header)
        known = header in HEADERS or (
            header.startswith(ATTRIBUTE_PREFIX) and len(header) > len(ATTRIBUTE_PREFIX)
        )
        if not known:
            problems.append(problem(1, header, "kolom tidak dikenal / unknown column"))
    for header in REQUIRED_HEADERS:
        if header not in seen:
            problems.append(problem(1, header, "kolom wajib tidak ada / required column missing"))
    if problems:
        raise InvalidInput("Kolom tidak sesuai / wrong columns", problems)


def _plain_cell(value: Any) -> Any:
    """A cell as text, number, boolean or date; CSV cells the export marked come back."""
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet.restored(value.strip())
    if isinstance(value, (bool, int, float, date, time)):
        return value
    # array and data-table formulas: their text, never a result
    return str(getattr(value, "text", value)).strip()


def _sheet(rows: Iterator[Iterable[Any]]) -> Sheet:
    headers = [_header(h) for h in next(rows, [])]
    _check_headers(headers)
    sheet = Sheet([header for header in headers if header])
    for number, values in enumerate(rows, start=2):
        cells = {
            header: cell
            for header, value in zip(headers, values, strict=False)
            if header and (cell := _plain_cell(value)) != ""
        }
        if not cells:
            continue
        if len(sheet.rows) == IMPORT_MAX:
            raise InvalidInput(
                f"Paling banyak {IMPORT_MAX} baris per impor / at most {IMPORT_MAX} rows "
                "per import",
                [problem(number, "", f"lebih dari {IMPORT_MAX} baris / over {IMPORT_MAX} rows")],
            )
        sheet.rows.append(Row(number, cells))
    return sheet


def read_sheet(content: bytes, filename: str) -> Sheet:
    """The rows of a CSV (UTF-8) or XLSX (first sheet) upload.

    Raises:
        InvalidInput: neither format, unreadable, wrong columns (row 1 named), or more
            than `IMPORT_MAX` rows.
    """
    return _sheet(spreadsheet.read_rows(content, filename))


# -- cells to fields -------------------------------------------------------------------------


def text(value: Any) -> str:
    """A cell as the text a person sees: whole numbers without ".0", dates as YYYY-MM-DD."""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _values(value: Any) -> list[str]:
    return [part.strip() for part in text(value).split(SEPARATOR) if part.strip()]


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE.match(value.strip()):
        return int(value.strip())
    raise ValueError


def _attribute(value: Any, schema: dict[str, Any]) -> Any:
    """A cell as the value the attribute's schema expects; ValueError when it cannot be.

    Text a schema does not expect as a number, yes/no, list or object stays text, so the
    schema check names what is wrong with it.
    """
    kind = schema.get("type")
    if kind == "integer":
        return _whole(value)
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        written = text(value).strip()
        if not _NUMBER.match(written):
            raise ValueError
        number = float(written.replace(",", "."))
        return int(number) if number.is_integer() and "." not in written else number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        word = text(value).strip().lower()
        if word in _YES | _NO:
            return word in _YES
        raise ValueError
    written = text(value)
    if kind in ("array", "object") or (kind is None and written[:1] in ("[", "{")):
        try:
            return json.loads(written)
        except json.JSONDecodeError:
            if kind is not None:
                raise ValueError from None
    return written


_EXPECTED = {
    "integer": "bilangan bulat / a whole number",
    "number": "angka / a number",
    "boolean": "ya atau tidak / yes or no",
    "array": "daftar JSON / a JSON list",
    "object": "objek JSON / a JSON object",
}


def _licences(value: Any) -> list[dict[str, Any]]:
    """`pemegang|kursi|berlaku_sampai|referensi; ...` as licence records; ValueError
    naming the record that is not written so."""
    records = []
    for part in _values(value):
        fields = [f.strip() for f in part.split("|")]
        if not 2 <= len(fields) <= 4:
            raise ValueError(part)
        fields += [""] * (4 - len(fields))
        try:
            seats: Any = _whole(fields[1])
        except ValueError:
            seats = fields[1]  # check_entry names it as licences.<n>.seats
        records.append(
            {
                "holder": fields[0],
                "seats": seats,
                "expires_on": fields[2] or None,
                "reference": fields[3],
            }
        )
    return records


def _relations(value: Any) -> tuple[list[tuple[str, str]], list[str]]:
    relations, problems = [], []
    for part in _values(value):
        kind, colon, target = part.partition(":")
        if not colon or not kind.strip() or not target.strip():
            problems.append(
                f"'{part[:80]}': tulis jenis:nama, mis. runs_on:VM-SIMPEG-01 / write "
                "type:name, e.g. runs_on:VM-SIMPEG-01"
            )
        else:
            relations.append((kind.strip(), target.strip()))
    return list(dict.fromkeys(relations)), problems


def entry(row: Row, item_type: ConfigurationItemType) -> Entry:
    """The raw fields of a row of `item_type`, as `check_entry` takes them."""
    cells = row.cells
    problems: dict[str, list[str]] = {}
    raw: dict[str, Any] = {"type": item_type.code}
    for header, key in COLUMNS:
        if header not in cells or key in ("type", "licences", "relations"):
            continue
        if key in LISTS:
            raw[key] = _values(cells[header])
        elif key == "retain_until":
            raw[key] = text(cells[header]).strip()
        else:
            raw[key] = text(cells[header])
    raw.setdefault("status", "active")
    if "lisensi" in cells:
        try:
            raw["licences"] = _licences(cells["lisensi"])
        except ValueError as err:
            problems.setdefault("lisensi", []).append(
                f"'{str(err)[:80]}': tulis pemegang|kursi|berlaku_sampai|referensi / write "
                "holder|seats|expires_on|reference"
            )
    relations, relation_problems = _relations(cells.get("relasi", ""))
    if relation_problems:
        problems["relasi"] = relation_problems
    properties = item_type.attribute_schema.get("properties", {})
    attributes: dict[str, Any] = {}
    for header, value in cells.items():
        if not header.startswith(ATTRIBUTE_PREFIX):
            continue
        name = header[len(ATTRIBUTE_PREFIX) :]
        schema = properties.get(name, {})
        try:
            attributes[name] = _attribute(value, schema)
        except ValueError:
            expected = _EXPECTED.get(schema.get("type", ""), "")
            problems.setdefault(header, []).append(f"harus / must be: {expected}")
    raw["attributes"] = attributes
    return Entry(raw, relations, problems)


#: What an empty cell of a column sets on an existing item (`change`).
CLEARED: dict[str, Any] = {
    "agency": "",
    "location": "",
    "labels": [],
    "services": [],
    "administrators": [],
    "retain_until": None,
    "licences": [],
}


def change(row: Row, item_type: ConfigurationItemType, headers: Iterable[str]) -> Entry:
    """The raw change of an existing item of `item_type` a row asks for, as
    `ItemService.update` takes it.

    A row is the item as it should be: every column the file has is given, so an empty
    cell clears its field (an empty `atribut.<name>` removes the attribute, an empty
    `pd` is refused as no PD), while a column the file lacks leaves its field alone. An
    empty `status` keeps the item's status, and the type is never changed. A cell that
    cannot be read is left out (its problem is in `problems`), so it changes nothing.
    """
    read = entry(row, item_type)
    raw = read.raw
    del raw["type"]
    if "status" not in row.cells:
        del raw["status"]
    for header in headers:
        if header in row.cells or header in read.problems:
            continue
        if header.startswith(ATTRIBUTE_PREFIX):
            raw["attributes"][header[len(ATTRIBUTE_PREFIX) :]] = None
        elif HEADERS.get(header) in CLEARED:
            raw[HEADERS[header]] = CLEARED[HEADERS[header]]
    return read


def column(field_name: str) -> str:
    """The column a field error of `check_entry` is about: `attributes.ram_gb` is
    `atribut.ram_gb`, `licences.0.seats` is `lisensi`, `labels.2` is `label`."""
    if field_name.startswith("attributes."):
        return ATTRIBUTE_PREFIX + field_name.split(".")[1]
    if field_name == "attributes":
        return "atribut"
    return COLUMN_OF.get(field_name.split(".")[0], field_name)


# -- writing -------------------------------------------------------------------------------


def attribute_names(types: Iterable[ConfigurationItemType], items: Iterable[Any]) -> list[str]:
    """The attribute columns of an export: each type's properties in its schema's order,
    then any attribute an item holds that its schema no longer names."""
    names: dict[str, None] = {}
    for item_type in types:
        names.update(dict.fromkeys(item_type.attribute_schema.get("properties", {})))
    for item in items:
        names.update(dict.fromkeys(sorted(item.attributes or {})))
    return list(names)


def _attribute_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def headers(attributes: list[str]) -> list[str]:
    """The header row for an export with these attribute columns."""
    return [header for header, _ in COLUMNS] + [ATTRIBUTE_PREFIX + name for name in attributes]


def cells(
    item: ConfigurationItem, relations: list[tuple[str, str]], attributes: list[str]
) -> list[Any]:
    """An item's row: `relations` are its own as (type, target name)."""
    licences = "; ".join(
        "|".join(
            [
                licence.holder,
                str(licence.seats),
                licence.expires_on.isoformat() if licence.expires_on else "",
                licence.reference,
            ]
        ).rstrip("|")
        for licence in item.licences
    )
    return [
        item.type.code,
        item.name,
        item.agency.code,
        item.status,
        item.location,
        "; ".join(label.label for label in item.labels),
        "; ".join(service.code for service in item.services),
        "; ".join(user.username for user in item.administrators),
        item.retain_until,
        licences,
        "; ".join(f"{kind}:{target}" for kind, target in relations),
        *(_attribute_cell((item.attributes or {}).get(name)) for name in attributes),
    ]
