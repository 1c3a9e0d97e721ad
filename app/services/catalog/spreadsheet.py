"""The service catalog as CSV or XLSX: the spreadsheet administrators already keep.

One row per service, Indonesian column headers. Request types share one cell, written
`KODE|Nama|ya|24; KODE2|Nama 2|tidak|` (code, name, needs approval, fulfilment target
in hours); administrators are usernames separated by `;`. `target_pelayanan_pengguna` is
written from the targets in force (`deadlines.service_targets`) and ignored when read: the
figures are edited in the catalog, so the text can never disagree with them; a file sent
back keeps each service's own figures as they are. Reading only turns cells into
raw entries (and reports cells it cannot read); the catalog validates them. Files are
written by `app.services.spreadsheet`, which keeps formula-like text as text; a CSV cell it
marked that way is read back as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import InvalidInput
from app.services import spreadsheet

#: (header, entry key), in the order files are written.
COLUMNS = (
    ("kode", "code"),
    ("nama", "name"),
    ("deskripsi", "description"),
    ("pd", "agency"),
    ("kelompok", "group"),
    ("klasifikasi", "classification"),
    ("cara_akses", "access_method"),
    ("target_ketersediaan", "availability_target"),
    ("kontak_bantuan", "help_contact"),
    ("waktu_pelayanan_bantuan", "support_hours"),
    ("target_pelayanan_pengguna", "user_service_target"),
    ("fungsi_kerja_vital", "vital_business_functions"),
    ("ketersediaan", "availability"),
    ("rpo_menit", "rpo_minutes"),
    ("rto_menit", "rto_minutes"),
    ("dokumen_drp", "drp_reference"),
    ("administrator_layanan", "service_administrators"),
    ("administrator_infrastruktur", "infrastructure_administrators"),
    ("jenis_permintaan", "request_types"),
)
REQUIRED_HEADERS = ("kode", "nama", "pd", "kelompok", "klasifikasi")
_KEYS = dict(COLUMNS)
_LISTS = ("service_administrators", "infrastructure_administrators")
_YES = {"ya", "y", "yes", "true", "1"}
_NO = {"tidak", "t", "no", "false", "0", ""}


def _request_types_from_cell(cell: str) -> list[dict[str, Any]]:
    types = []
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        fields = [f.strip() for f in part.split("|")]
        if len(fields) != 4 or fields[2].lower() not in _YES | _NO:
            raise ValueError(
                f"'{part}': tulis KODE|Nama|ya/tidak|jam / write CODE|Name|ya/tidak|hours"
            )
        types.append(
            {
                "code": fields[0],
                "name": fields[1],
                "needs_approval": fields[2].lower() in _YES,
                "fulfilment_hours": fields[3] or None,
            }
        )
    return types


def _request_types_to_cell(types: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{t['code']}|{t['name']}|{'ya' if t['needs_approval'] else 'tidak'}|"
        f"{t['fulfilment_hours'] if t['fulfilment_hours'] is not None else ''}"
        for t in types
    )


def _entries(rows: Iterable[list[Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    iterator = iter(rows)
    headers = [str(h or "").strip().lower() for h in next(iterator, [])]
    unknown = [h for h in headers if h and h not in _KEYS]
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if unknown or missing:
        raise InvalidInput(
            "Kolom tidak sesuai / wrong columns",
            [
                {"row": 1, "field": h, "message": "kolom tidak dikenal / unknown column"}
                for h in unknown
            ]
            + [
                {"row": 1, "field": h, "message": "kolom wajib tidak ada / required column missing"}
                for h in missing
            ],
        )
    entries, problems = [], []
    for number, row in enumerate(iterator, start=2):
        cells = ["" if v is None else spreadsheet.restored(str(v).strip()) for v in row]
        if not any(cells):
            continue
        entry: dict[str, Any] = {}
        for header, value in zip(headers, cells, strict=False):
            if not header:
                continue
            key = _KEYS[header]
            if key in _LISTS:
                entry[key] = [n.strip() for n in value.split(";") if n.strip()]
            elif key == "request_types":
                try:
                    entry[key] = _request_types_from_cell(value)
                except ValueError as err:
                    problems.append({"row": number, "field": header, "message": str(err)})
            else:
                entry[key] = value
        entry["_row"] = number
        entries.append(entry)
    return entries, problems


def read_catalog(
    content: bytes, filename: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Raw entries (with their `_row`) and cell problems from a CSV or XLSX upload.

    Raises:
        InvalidInput: not a CSV or XLSX file, unreadable, or with wrong columns.
    """
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("CSV harus UTF-8 / CSV must be UTF-8") from None
        return _entries(csv.reader(io.StringIO(text)))
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as err:
            raise InvalidInput(f"XLSX tidak dapat dibaca / unreadable XLSX: {err}") from None
        try:
            return _entries(list(r) for r in workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
    raise InvalidInput("Unggah berkas .csv atau .xlsx / upload a .csv or .xlsx file")


def _cells(entry: dict[str, Any]) -> list[Any]:
    cells = []
    for _, key in COLUMNS:
        value = entry.get(key)
        if key in _LISTS:
            value = "; ".join(value or [])
        elif key == "request_types":
            value = _request_types_to_cell(value or [])
        cells.append("" if value is None else value)
    return cells


def write_csv(entries: list[dict[str, Any]]) -> bytes:
    """The catalog as UTF-8 CSV (with a BOM, so spreadsheet programs read it right)."""
    return spreadsheet.write_csv([h for h, _ in COLUMNS], [_cells(e) for e in entries])


def write_xlsx(entries: list[dict[str, Any]]) -> bytes:
    """The catalog as an XLSX workbook with one sheet, `Katalog Layanan`."""
    return spreadsheet.write_xlsx(
        "Katalog Layanan", [h for h, _ in COLUMNS], [_cells(e) for e in entries]
    )
