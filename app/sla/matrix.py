"""The priority of a complaint, from the Bangka regulation's Tabel 3, kept as editable data.

Source: Peraturan Bupati Bangka Nomor 21 Tahun 2025 tentang Pedoman Manajemen Layanan SPBE
(Perbup Bangka 21/2025), subbab 2.1.1.1, Tabel 3 "Prioritas Penanganan Aduan".

The regulation's matrix is only the default. An administrator may edit it, and later code keeps
the edited matrix in the database, so `priority` takes the matrix as a parameter and a matrix
can be built from plain rows and dumped back to them. This module also holds the vocabulary
(impact, service group, classification, priority) that `app.sla.targets` shares, the
normalisers that accept the regulation's spelling and the app's, and the errors raised on
values or tables that do not fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar, cast

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class Impact(StrEnum):
    """Dampak: how much of a service a complaint takes down (Tabel 3, Keterangan)."""

    MAYOR = "Mayor"  # "Layanan gagal beroperasi secara keseluruhan": nobody can reach it
    MINOR = "Minor"  # still running, but slower, or one function fails


class ServiceGroup(StrEnum):
    """Kelompok layanan, spelled as the app's `Service.group` stores it.

    The regulation writes "Layanan Publik" and "Layanan Administrasi Pemerintahan";
    `normalise_group` accepts both spellings.
    """

    PUBLIK = "Publik"
    ADMINISTRASI_PEMERINTAHAN = "Administrasi Pemerintahan"


class Classification(StrEnum):
    """Klasifikasi layanan by tolerance of disruption (subbab 2.1.2.1)."""

    KRITIS = "Kritis"
    ESENSIAL = "Esensial"
    NORMAL = "Normal"


class Priority(StrEnum):
    """Prioritas penanganan aduan; the regulation writes "Prioritas 1" for `P1`."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"
    P6 = "P6"


_LABELS: dict[str, tuple[str, str]] = {
    "impact": ("dampak", "impact"),
    "group": ("kelompok layanan", "service group"),
    "classification": ("klasifikasi layanan", "service classification"),
    "priority": ("prioritas", "priority"),
    "urgency": ("tingkat urgensi", "urgency level"),
    "level": ("tingkat prioritas atau urgensi", "priority or urgency level"),
    "source": ("sumber target", "target source"),
    "condition": ("kondisi respons", "response condition"),
    "escalation": ("tingkat eskalasi", "escalation level"),
}


class UnknownValue(ValueError):
    """A value outside the regulation's vocabulary, such as impact "Major" or group "Swasta".

    The message is in Indonesian and English because it reaches administrators through the
    API unchanged. `field`, `value` and `allowed` let a caller build its own message.
    """

    def __init__(self, field: str, value: object, allowed: Iterable[str]) -> None:
        """Describe `value`, given for `field`, and the values that would have been accepted."""
        self.field = field
        self.value = value
        self.allowed = tuple(allowed)
        label_id, label_en = _LABELS.get(field, (field, field))
        choices = ", ".join(self.allowed)
        super().__init__(
            f"{label_id} tidak dikenal: {value!r}, pilih salah satu dari: {choices} / "
            f"unknown {label_en}: {value!r}, choose one of: {choices}"
        )


class TableInvalid(ValueError):
    """Rows or cells that do not make a whole, consistent reference table.

    Every problem is listed (not only the first) so that an administrator who edits a table
    sees all of them at once; `problems` holds one Indonesian / English line per problem.
    """

    def __init__(self, table: str, problems: Iterable[str]) -> None:
        """Name the table (as the regulation numbers it, "Tabel 3") and list its problems."""
        self.table = table
        self.problems = tuple(problems)
        super().__init__(f"{table} tidak valid / {table} is invalid: " + "; ".join(self.problems))


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


def _lookup(field: str, value: object, aliases: Mapping[str, T], allowed: Iterable[str]) -> T:
    if isinstance(value, str) and _key(value) in aliases:
        return aliases[_key(value)]
    raise UnknownValue(field, value, allowed)


_IMPACTS = {_key(item.value): item for item in Impact}
_GROUPS = {_key(item.value): item for item in ServiceGroup} | {
    "layanan publik": ServiceGroup.PUBLIK,
    "layanan administrasi pemerintahan": ServiceGroup.ADMINISTRASI_PEMERINTAHAN,
}
_CLASSIFICATIONS = {_key(item.value): item for item in Classification}
_PRIORITIES = {_key(item.value): item for item in Priority} | {
    f"prioritas {item.value[1:]}": item for item in Priority
}


def normalise_impact(value: object) -> Impact:
    """Read an impact, ignoring case and extra spaces.

    Raises:
        UnknownValue: `value` is not "Mayor" or "Minor".
    """
    return _lookup("impact", value, _IMPACTS, Impact)


def normalise_group(value: object) -> ServiceGroup:
    """Read a service group in the app's spelling ("Publik") or the regulation's.

    The regulation's "Layanan Publik" and "Layanan Administrasi Pemerintahan" map to the
    app's "Publik" and "Administrasi Pemerintahan"; case and extra spaces are ignored.

    Raises:
        UnknownValue: `value` is neither group in either spelling.
    """
    return _lookup("group", value, _GROUPS, ServiceGroup)


def normalise_classification(value: object) -> Classification:
    """Read a classification (Kritis, Esensial, Normal), ignoring case and extra spaces.

    Raises:
        UnknownValue: `value` is not one of the three classifications.
    """
    return _lookup("classification", value, _CLASSIFICATIONS, Classification)


def normalise_priority(value: object) -> Priority:
    """Read a priority written as "P1" or, as in the regulation, "Prioritas 1".

    Raises:
        UnknownValue: `value` is not P1 to P6 in either spelling.
    """
    return _lookup("priority", value, _PRIORITIES, Priority)


def column(row: Mapping[str, object], key: str, parse: Callable[[object], T]) -> T:
    """Read and parse one column of a plain row (from the database or a JSON body).

    Raises:
        ValueError: The column is missing, or `parse` refused its value.
    """
    if key not in row:
        raise ValueError(f"kolom {key!r} tidak ada / no {key!r} column")
    return parse(row[key])


def parse_rows(
    table: str, rows: Iterable[Mapping[str, object]], parse: Callable[[Mapping[str, object]], T]
) -> list[T]:
    """Parse every row of a table, collecting all problems rather than stopping at the first.

    Shared by the tables here and in `app.sla.targets`, so they all report alike.

    Args:
        table: The regulation's name for the table ("Tabel 3"), for the message.
        rows: Plain rows; columns that `parse` does not read (a database id) are ignored.
        parse: Turns one row into a value; raises `ValueError` when it cannot.

    Raises:
        TableInvalid: At least one row was refused; each problem names its row.
    """
    parsed: list[T] = []
    problems: list[str] = []
    for index, row in enumerate(rows, start=1):
        try:
            parsed.append(parse(row))
        except ValueError as error:
            problems.append(f"baris {index} / row {index}: {error}")
    if problems:
        raise TableInvalid(table, problems)
    return parsed


def keyed(table: str, pairs: Iterable[tuple[K, V]]) -> dict[K, V]:
    """Turn (key, value) pairs into a mapping, refusing a key given twice.

    Raises:
        TableInvalid: A key appears more than once.
    """
    cells: dict[K, V] = {}
    duplicates: list[str] = []
    for key, value in pairs:
        if key in cells:
            duplicates.append(f"{_describe(key)} ganda / given twice")
        cells[key] = value
    if duplicates:
        raise TableInvalid(table, duplicates)
    return cells


def check_complete(
    table: str, cells: Mapping[K, object], keys: Iterable[K], valid: type[V]
) -> MappingProxyType[K, V]:
    """Check that `cells` has a `valid` value for exactly `keys`, and freeze it in that order.

    Tables are always whole: no complaint may go without a priority or a target entry.

    Raises:
        TableInvalid: A key is missing or unknown, or its value is not a `valid`.
    """
    order = tuple(keys)
    problems = [f"{_describe(key)}: tidak dikenal / unknown" for key in cells if key not in order]
    for key in order:
        if key not in cells:
            problems.append(f"{_describe(key)}: tidak ada / missing")
        elif not isinstance(cells[key], valid):
            problems.append(f"{_describe(key)}: {cells[key]!r} tidak valid / invalid")
    if problems:
        raise TableInvalid(table, problems)
    return MappingProxyType({key: cast(V, cells[key]) for key in order})


def _describe(key: object) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return " / ".join(str(part) for part in parts)


MatrixKey = tuple[Impact, ServiceGroup, Classification]
ALL_MATRIX_KEYS: tuple[MatrixKey, ...] = tuple(
    (impact, group, classification)
    for impact in Impact
    for group in ServiceGroup
    for classification in Classification
)


@dataclass(frozen=True)
class PriorityMatrix:
    """A priority for every impact x service group x classification (12 cells).

    A matrix is always whole: a complaint must never go without a priority, so building one
    with a missing cell fails. The cells are read-only; to change one, build a new matrix.

    Attributes:
        cells: The priority of each (impact, group, classification).
    """

    cells: Mapping[MatrixKey, Priority]

    def __post_init__(self) -> None:
        """Check that every combination has a priority, then freeze the cells.

        Raises:
            TableInvalid: A combination is missing or unknown, or has no valid priority.
        """
        cells = check_complete("Tabel 3", self.cells, ALL_MATRIX_KEYS, Priority)
        object.__setattr__(self, "cells", cells)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> PriorityMatrix:
        """Build a matrix from rows like ``{"impact", "group", "classification", "priority"}``.

        Values are normalised, so the regulation's spellings ("Layanan Publik",
        "Prioritas 1") are accepted. Other columns (a database id, say) are ignored.

        Raises:
            TableInvalid: A row has a missing or unknown value, or a combination appears
                twice or not at all.
        """

        def parse(row: Mapping[str, object]) -> tuple[MatrixKey, Priority]:
            key = (
                column(row, "impact", normalise_impact),
                column(row, "group", normalise_group),
                column(row, "classification", normalise_classification),
            )
            return key, column(row, "priority", normalise_priority)

        return cls(keyed("Tabel 3", parse_rows("Tabel 3", rows, parse)))

    def to_rows(self) -> list[dict[str, str]]:
        """Dump the matrix as plain rows in the regulation's order, for a database or the API."""
        return [
            {
                "impact": impact.value,
                "group": group.value,
                "classification": classification.value,
                "priority": value.value,
            }
            for (impact, group, classification), value in self.cells.items()
        ]


def _regulation_matrix(
    rows: Iterable[tuple[str, str, tuple[str, str, str]]],
) -> PriorityMatrix:
    return PriorityMatrix.from_rows(
        {"impact": impact, "group": group, "classification": classification, "priority": value}
        for impact, group, values in rows
        for classification, value in zip(Classification, values, strict=True)
    )


_PUBLIK = "Layanan Publik"
_ADMINISTRASI = "Layanan Administrasi Pemerintahan"
DEFAULT_PRIORITY_MATRIX = _regulation_matrix(
    [
        # Perbup Bangka 21/2025, Tabel 3, rows as printed; columns Kritis, Esensial, Normal.
        ("Mayor", _PUBLIK, ("Prioritas 1", "Prioritas 2", "Prioritas 3")),
        ("Mayor", _ADMINISTRASI, ("Prioritas 2", "Prioritas 3", "Prioritas 4")),
        ("Minor", _PUBLIK, ("Prioritas 3", "Prioritas 4", "Prioritas 5")),
        ("Minor", _ADMINISTRASI, ("Prioritas 4", "Prioritas 5", "Prioritas 6")),
    ]
)
"""The regulation's priority matrix: Perbup Bangka 21/2025, subbab 2.1.1.1, Tabel 3."""


def priority(
    impact: object,
    group: object,
    classification: object,
    matrix: PriorityMatrix = DEFAULT_PRIORITY_MATRIX,
) -> Priority:
    """Give the priority of a complaint (Tabel 3), from plain strings.

    Args:
        impact: "Mayor" (the whole service is down) or "Minor" (degraded, or one function
            fails).
        group: The affected service's group, "Publik" or "Administrasi Pemerintahan"
            (the regulation's "Layanan ..." spellings are accepted too).
        classification: The affected service's classification: Kritis, Esensial or Normal.
        matrix: The matrix in force; the regulation's unless an administrator changed it.

    Returns:
        The priority, "P1" (most urgent) to "P6"; a `str` subclass.

    Raises:
        UnknownValue: One of the inputs is not in the vocabulary (a `ValueError`).
    """
    key = (
        normalise_impact(impact),
        normalise_group(group),
        normalise_classification(classification),
    )
    return matrix.cells[key]
