"""CSV and XLSX files people open in a spreadsheet program, written and read one safe way.

Every export (the service catalog, the inbox, the instance list) goes through here, so
the rule against formula injection lives in one place: a text cell that begins with
`=`, `+`, `-` or `@` (or a tab or carriage return, which some programs skip before
reading a formula) would be run as a formula by Excel or LibreOffice when the file is
opened; a requester's title such as `=HYPERLINK("http://...")` must stay text. In CSV
such a cell gets a leading apostrophe (the spreadsheet's own "this is text" mark,
OWASP's advice); in XLSX it is stored as a string with Excel's quote prefix, its text
unchanged. Numbers and dates are not text and are written as they are. Uploads are read
here too (`read_rows`): an XLSX formula is read as its text, never its result, and a CSV
cell this module marked comes back without its mark (`restored`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import InvalidInput

#: What a spreadsheet program may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The CSV text mark put before such a cell.
TEXT_MARK = "'"
#: MIME types of the two formats, for a download's Content-Type.
MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


#: The most rows one list export holds; past it the file says it was cut.
EXPORT_MAX = 10_000


def in_language(text: str, language: str) -> str:
    """The reader's half of an "Indonesian / English" text (Indonesian unless "en")."""
    indonesian, _, english = text.partition(" / ")
    return english if language == "en" and english else indonesian


@dataclass
class Table:
    """A list as an export writes it: a sheet title, headers and rows in one language.

    `truncated` says more rows matched than `EXPORT_MAX`; the file then ends with a row
    saying so, in `note`, so a reader never takes a cut list for the whole.
    """

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False
    note: str = ""

    @classmethod
    def of_list(
        cls, title: str, headers: Sequence[str], language: str, read: int, cap: int
    ) -> Table:
        """An empty export of a list in the reader's language, holding at most `cap` rows:
        cut, and saying so, when more were `read` (a list reads one more than it keeps)."""
        return cls(
            in_language(title, language),
            [in_language(header, language) for header in headers],
            truncated=read > cap,
            note=in_language(
                f"Dipotong: lebih dari {cap} baris cocok; persempit saringan."
                f" / Cut: more than {cap} rows match; narrow the filter.",
                language,
            ),
        )

    def to(self, fmt: str, zone: tzinfo | None = None) -> bytes:
        """The table as `csv` or `xlsx`, times in `zone`."""
        rows = [*self.rows, [self.note]] if self.truncated else self.rows
        if fmt == "xlsx":
            return write_xlsx(self.title, self.headers, rows, zone)
        return write_csv(self.headers, rows, zone)


def is_formula_like(value: Any) -> bool:
    """Whether `value` is text a spreadsheet program would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralised(value: Any) -> Any:
    """`value` for a CSV cell: formula-like text behind the text mark, the rest as is."""
    return TEXT_MARK + value if is_formula_like(value) else value


def restored(value: str) -> str:
    """A CSV cell as it was before `neutralised` (for files read back, e.g. the catalog)."""
    if value.startswith(TEXT_MARK) and is_formula_like(value[len(TEXT_MARK) :]):
        return value[len(TEXT_MARK) :]
    return value


def _local(value: Any, zone: tzinfo | None) -> Any:
    """Aware datetimes in `zone` without their offset: spreadsheets hold no time zones."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return (value.astimezone(zone) if zone else value).replace(tzinfo=None)
    return value


def write_csv(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], zone: tzinfo | None = None
) -> bytes:
    """UTF-8 CSV with a BOM (so spreadsheet programs read it right), formulas neutralised.

    Args:
        headers: the first row.
        rows: the cells; None is an empty cell, aware datetimes are shown in `zone`.
        zone: the reader's time zone (None: as given).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralised(h) for h in headers])
    for row in rows:
        cells = []
        for value in row:
            value = _local(value, zone)
            if isinstance(value, datetime):
                value = value.isoformat(sep=" ", timespec="minutes")
            elif isinstance(value, date):
                value = value.isoformat()
            cells.append("" if value is None else neutralised(value))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    zone: tzinfo | None = None,
) -> bytes:
    """An XLSX workbook with one sheet named `title`; formula-like text stays text.

    Args, as `write_csv`; dates and times become real spreadsheet dates. Written in
    openpyxl's write-only mode, row by row: 10,000 rows take about a second.
    """
    return write_workbook([(title, [headers, *rows])], zone)


def write_workbook(
    sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]], zone: tzinfo | None = None
) -> bytes:
    """An XLSX workbook of several sheets, each `(title, rows)` in order, with the same
    cells as `write_xlsx` (formula-like text stays text, dates are dates). A document
    laid out in blocks (a report's chapters) puts its own headings among the rows.
    """
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
        for row in rows:
            sheet.append([_xlsx_cell(sheet, _local(value, zone)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value as a write-only sheet takes it: plain, or a cell that says how to read it."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XLSX cannot store control characters
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
    elif isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return value


def read_rows(content: bytes, filename: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a CSV (UTF-8) or XLSX (first sheet) upload, the header row first, each
    cell as the file holds it: CSV text, or an XLSX value (a formula's text, never its
    result; `restored` is left to the caller, who knows which cells are text).

    Raises:
        InvalidInput: neither format, not UTF-8, or unreadable.
    """
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("CSV harus UTF-8 / CSV must be UTF-8") from None
        try:
            yield from (tuple(row) for row in csv.reader(io.StringIO(text, newline="")))
        except csv.Error as err:
            raise InvalidInput(f"CSV tidak dapat dibaca / unreadable CSV: {err}") from None
        return
    if name.endswith(".xlsx"):
        try:
            # data_only=False: a formula cell gives the formula's text, never its result
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as err:
            raise InvalidInput(f"XLSX tidak dapat dibaca / unreadable XLSX: {err}") from None
        try:
            yield from workbook.worksheets[0].iter_rows(values_only=True)
        finally:
            workbook.close()
        return
    raise InvalidInput("Unggah berkas .csv atau .xlsx / upload a .csv or .xlsx file")
