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
from typing import TypeVar

T = TypeVar("T")


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


def read_cell(row: Mapping[str, object], key: str, index: int, parse: Callable[[object], T]) -> T:
    """Read and parse one column of one row handed to a table's `from_rows`.

    Shared with `app.sla.targets` so that every table reports row problems the same way.

    Args:
        row: One plain row, for example from the database or a JSON body.
        key: The column to read.
        index: The row's position, counted from 1, for the message.
        parse: Turns the raw value into a typed one; raises `ValueError` when it cannot.

    Raises:
        ValueError: The column is missing or `parse` refused its value; the message names
            the row.
    """
    if key not in row:
        raise ValueError(f"baris {index}: kolom {key!r} tidak ada / row {index}: no {key!r}")
    try:
        return parse(row[key])
    except ValueError as error:
        raise ValueError(f"baris {index} / row {index}: {error}") from error


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
        """Check that every combination has a valid priority, then freeze the cells.

        Raises:
            TableInvalid: A combination is missing, unknown or has no valid priority.
        """
        problems = [
            f"kombinasi {key!r} tidak dikenal / unknown combination"
            for key in self.cells
            if key not in ALL_MATRIX_KEYS
        ]
        for key in ALL_MATRIX_KEYS:
            if key not in self.cells:
                problems.append(f"{' / '.join(key)}: prioritas tidak ada / no priority")
            elif not isinstance(self.cells[key], Priority):
                problems.append(f"{' / '.join(key)}: {self.cells[key]!r} bukan / is not P1-P6")
        if problems:
            raise TableInvalid("Tabel 3", problems)
        frozen = MappingProxyType({key: self.cells[key] for key in ALL_MATRIX_KEYS})
        object.__setattr__(self, "cells", frozen)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> PriorityMatrix:
        """Build a matrix from rows like ``{"impact", "group", "classification", "priority"}``.

        Values are normalised, so the regulation's spellings ("Layanan Publik",
        "Prioritas 1") are accepted. Other columns (a database id, say) are ignored.

        Raises:
            TableInvalid: A row has a missing or unknown value, a combination appears twice,
                or one is missing. All problems are reported together.
        """
        cells: dict[MatrixKey, Priority] = {}
        problems: list[str] = []
        for index, row in enumerate(rows, start=1):
            try:
                key = (
                    read_cell(row, "impact", index, normalise_impact),
                    read_cell(row, "group", index, normalise_group),
                    read_cell(row, "classification", index, normalise_classification),
                )
                value = read_cell(row, "priority", index, normalise_priority)
            except ValueError as error:
                problems.append(str(error))
                continue
            if key in cells:
                problems.append(f"baris {index}: {' / '.join(key)} ganda / duplicate")
            cells[key] = value
        if problems:
            problems += [
                f"{' / '.join(key)}: prioritas tidak ada / no priority"
                for key in ALL_MATRIX_KEYS
                if key not in cells
            ]
            raise TableInvalid("Tabel 3", problems)
        return cls(cells)

    def to_rows(self) -> list[dict[str, str]]:
        """Dump the matrix as plain rows in the regulation's order, for a database or the API."""
        return [
            {
                "impact": impact.value,
                "group": group.value,
                "classification": classification.value,
                "priority": self.cells[(impact, group, classification)].value,
            }
            for impact, group, classification in ALL_MATRIX_KEYS
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
    impact: str,
    group: str,
    classification: str,
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
