"""Response and resolution targets from the Bangka regulation, kept as editable data.

Source: Peraturan Bupati Bangka Nomor 21 Tahun 2025 tentang Pedoman Manajemen Layanan SPBE
(Perbup Bangka 21/2025):

- subbab 2.1.1.1, Tabel 4 "Target Waktu Tanggap": the response target by priority, counted
  "sejak aduan dilaporkan hingga penyedia layanan pertama kali memberikan respons";
- subbab 2.1.1.1, Tabel 2 "Target Pelayanan Pengguna": the resolution target by service
  group and classification, counted "sejak aduan dilaporkan hingga konsumen layanan
  mengkonfirmasi penyelesaian aduan".

BAB III, "Contoh isi Dokumen SLA", Tabel 11-14, gives an example scheme by urgency that an
agency may adopt instead; it lives in `app.sla.urgency`.

Tabel 2 and 4 say "kurang dari" / "<": a target is met only when the time taken is strictly
less than it. Whether hours are working hours is for the calendar of the service's support
hours (`app.sla.calendar`) to decide, not this module.

Tabel 2 has no row for Layanan Publik / Normal. That cell is `None` with the source
"not set by the regulation", never a guessed value, until an administrator sets one.

As in `app.sla.matrix`, each table is a default that functions take as a parameter, and each
can be built from plain rows and dumped back to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from app.sla.matrix import (
    Classification,
    Priority,
    ServiceGroup,
    TableInvalid,
    UnknownValue,
    check_complete,
    column,
    keyed,
    normalise_classification,
    normalise_group,
    normalise_priority,
    parse_rows,
)


def _positive_int(value: object, what: str = "hours") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{what} harus bilangan bulat positif, bukan {value!r} / "
            f"{what} must be a positive whole number, not {value!r}"
        )
    return value


def _optional_hours(value: object) -> int | None:
    return None if value is None else _positive_int(value)


# --- Tabel 4: response targets -------------------------------------------------------------


@dataclass(frozen=True)
class ResponseTargets:
    """The time before which the first response is due, for each priority (Tabel 4).

    Attributes:
        minutes: For each priority P1 to P6, the limit in whole minutes.
    """

    minutes: Mapping[Priority, int]

    def __post_init__(self) -> None:
        """Check that every priority has a positive limit, then freeze the table.

        Raises:
            TableInvalid: A priority is missing or unknown, or its limit is not a positive
                whole number of minutes.
        """
        # A comprehension, because mypy types list(Priority) as list[str].
        limits = check_complete("Tabel 4", self.minutes, [p for p in Priority], int)
        bad = [
            f"{key}: {value!r} menit / minutes"
            for key, value in limits.items()
            if isinstance(value, bool) or value <= 0
        ]
        if bad:
            raise TableInvalid("Tabel 4", bad)
        object.__setattr__(self, "minutes", limits)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> ResponseTargets:
        """Build the table from rows like ``{"priority": "P1", "minutes": 15}``.

        Raises:
            TableInvalid: A row has a missing or wrong value, or a priority appears twice or
                not at all.
        """

        def parse(row: Mapping[str, object]) -> tuple[Priority, int]:
            minutes = column(row, "minutes", lambda value: _positive_int(value, "minutes"))
            return column(row, "priority", normalise_priority), minutes

        return cls(keyed("Tabel 4", parse_rows("Tabel 4", rows, parse)))

    def to_rows(self) -> list[dict[str, object]]:
        """Dump the table as plain rows, P1 first, for a database or the API."""
        return [{"priority": key.value, "minutes": value} for key, value in self.minutes.items()]


DEFAULT_RESPONSE_TARGETS = ResponseTargets.from_rows(
    {"priority": priority, "minutes": minutes}
    for priority, minutes in [
        # Perbup Bangka 21/2025, Tabel 4 "Target Waktu Tanggap", rows as printed.
        ("Prioritas 1", 15),  # "<15 menit"
        ("Prioritas 2", 30),  # "<30 menit"
        ("Prioritas 3", 60),  # "<1 jam"
        ("Prioritas 4", 90),  # "<1,5 jam"
        ("Prioritas 5", 120),  # "<2 jam"
        ("Prioritas 6", 150),  # "<2,5 jam"
    ]
)
"""The regulation's response targets: Perbup Bangka 21/2025, subbab 2.1.1.1, Tabel 4."""


def response_target(priority: str, table: ResponseTargets = DEFAULT_RESPONSE_TARGETS) -> timedelta:
    """Give the time before which the provider must first respond to a complaint (Tabel 4).

    The response is due strictly before the limit ("<15 menit").

    Args:
        priority: "P1" to "P6" ("Prioritas 1" is accepted too).
        table: The table in force; the regulation's unless an administrator changed it.

    Raises:
        UnknownValue: `priority` is not P1 to P6 (a `ValueError`).
    """
    return timedelta(minutes=table.minutes[normalise_priority(priority)])


# --- Tabel 2: resolution targets -----------------------------------------------------------


class TargetSource(StrEnum):
    """Where a resolution target comes from, shown next to it so that a gap is never hidden."""

    REGULATION = "regulation"
    NOT_SET = "not set by the regulation"
    ADMINISTRATOR = "administrator"


_SOURCES = {source.value: source for source in TargetSource}


def normalise_source(value: object) -> TargetSource:
    """Read a target source by its value, such as "regulation".

    Raises:
        UnknownValue: `value` is not one of the three sources.
    """
    if isinstance(value, str) and value in _SOURCES:
        return _SOURCES[value]
    raise UnknownValue("source", value, _SOURCES)


@dataclass(frozen=True)
class ResolutionTarget:
    """The resolution target of one service group and classification, and where it came from.

    `hours` is None exactly when the source is "not set by the regulation": a complaint on
    such a service gets no resolution deadline and a visible warning, never an invented one.

    Attributes:
        hours: The resolution must come in less than this many hours; None when not set.
        source: "regulation", "not set by the regulation" or "administrator".
    """

    hours: int | None
    source: TargetSource

    def __post_init__(self) -> None:
        """Check that `hours` and `source` agree.

        Raises:
            ValueError: `hours` is not a positive whole number; or it is None and the source
                is not "not set by the regulation"; or it is set and the source is that.
        """
        object.__setattr__(self, "source", normalise_source(self.source))
        _optional_hours(self.hours)
        if (self.hours is None) != (self.source is TargetSource.NOT_SET):
            raise ValueError(
                f"target {self.hours!r} jam tidak cocok dengan sumber {self.source.value!r} / "
                f"a target of {self.hours!r} h does not fit the source {self.source.value!r}"
            )

    @property
    def is_set(self) -> bool:
        """Whether there is a target at all."""
        return self.hours is not None

    @property
    def duration(self) -> timedelta | None:
        """The target as a duration, or None when it is not set."""
        return None if self.hours is None else timedelta(hours=self.hours)


ResolutionKey = tuple[ServiceGroup, Classification]
ALL_RESOLUTION_KEYS: tuple[ResolutionKey, ...] = tuple(
    (group, classification) for group in ServiceGroup for classification in Classification
)

_PUBLIK = "Layanan Publik"
_ADMINISTRASI = "Layanan Administrasi Pemerintahan"
_TABEL_2: dict[ResolutionKey, int | None] = {
    (normalise_group(group), normalise_classification(classification)): hours
    for group, classification, hours in [
        # Perbup Bangka 21/2025, Tabel 2 "Target Pelayanan Pengguna", rows as printed.
        (_ADMINISTRASI, "Kritis", 12),  # "Kurang dari 12 jam"
        (_PUBLIK, "Kritis", 24),  # "Kurang dari 24 jam"
        (_ADMINISTRASI, "Esensial", 48),  # "Kurang dari 48 jam"
        (_PUBLIK, "Esensial", 36),  # "Kurang dari 36 jam"
        (_ADMINISTRASI, "Normal", 72),  # "Kurang dari 72 jam"
        (_PUBLIK, "Normal", None),  # no row: the regulation sets nothing here
    ]
}


@dataclass(frozen=True)
class ResolutionTargets:
    """A resolution target for every service group x classification (Tabel 2, 6 cells).

    A cell may claim the source "regulation" only with the regulation's value, and may be
    "not set by the regulation" only where the regulation indeed sets nothing, so the label
    an administrator sees is always true.

    Attributes:
        cells: The target of each (group, classification).
    """

    cells: Mapping[ResolutionKey, ResolutionTarget]

    def __post_init__(self) -> None:
        """Check that every cell is present and that its source tells the truth, then freeze.

        Raises:
            TableInvalid: A cell is missing or unknown, or its source contradicts Tabel 2.
        """
        cells = check_complete("Tabel 2", self.cells, ALL_RESOLUTION_KEYS, ResolutionTarget)
        problems = [
            f"{group} / {classification}: Tabel 2 = {_TABEL_2[group, classification]!r}, "
            f"bukan / not {target.hours!r} ({target.source})"
            for (group, classification), target in cells.items()
            if target.source is not TargetSource.ADMINISTRATOR
            and target.hours != _TABEL_2[group, classification]
        ]
        if problems:
            raise TableInvalid("Tabel 2", problems)
        object.__setattr__(self, "cells", cells)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> ResolutionTargets:
        """Build the table from rows like ``{"group", "classification", "hours", "source"}``.

        `hours` may be None. `source` may be left out: it then defaults to "administrator"
        for a value and to "not set by the regulation" for None.

        Raises:
            TableInvalid: A row has a missing or wrong value, or a combination appears twice
                or not at all.
        """

        def parse(row: Mapping[str, object]) -> tuple[ResolutionKey, ResolutionTarget]:
            key = (
                column(row, "group", normalise_group),
                column(row, "classification", normalise_classification),
            )
            hours = column(row, "hours", _optional_hours)
            if row.get("source") is not None:
                source = column(row, "source", normalise_source)
            else:
                source = TargetSource.NOT_SET if hours is None else TargetSource.ADMINISTRATOR
            return key, ResolutionTarget(hours, source)

        return cls(keyed("Tabel 2", parse_rows("Tabel 2", rows, parse)))

    def to_rows(self) -> list[dict[str, object]]:
        """Dump the table as plain rows (hours None where not set) for a database or the API."""
        return [
            {
                "group": group.value,
                "classification": classification.value,
                "hours": target.hours,
                "source": target.source.value,
            }
            for (group, classification), target in self.cells.items()
        ]


DEFAULT_RESOLUTION_TARGETS = ResolutionTargets(
    {
        key: ResolutionTarget(
            hours, TargetSource.NOT_SET if hours is None else TargetSource.REGULATION
        )
        for key, hours in _TABEL_2.items()
    }
)
"""The regulation's resolution targets: Perbup Bangka 21/2025, subbab 2.1.1.1, Tabel 2."""


def resolution_target(
    group: str,
    classification: str,
    table: ResolutionTargets = DEFAULT_RESOLUTION_TARGETS,
    overrides: Mapping[tuple[str, str], int] | None = None,
) -> ResolutionTarget:
    """Give the resolution target of a complaint on a service (Tabel 2), with its source.

    The result may be unset (`hours` None, source "not set by the regulation"): Tabel 2
    leaves Layanan Publik / Normal empty. Callers must show that, not fill it in.

    Args:
        group: "Publik" or "Administrasi Pemerintahan" (or the regulation's spelling).
        classification: Kritis, Esensial or Normal.
        table: The table in force; the regulation's unless an administrator changed it.
        overrides: Hours an administrator set, by (group, classification); they win over
            `table` and are reported with the source "administrator".

    Raises:
        UnknownValue: `group` or `classification`, or a key of `overrides`, is unknown.
        ValueError: An override is not a positive whole number of hours.
    """
    administrator = {
        (normalise_group(g), normalise_classification(c)): _positive_int(hours)
        for (g, c), hours in (overrides or {}).items()
    }
    key = (normalise_group(group), normalise_classification(classification))
    if key in administrator:
        return ResolutionTarget(administrator[key], TargetSource.ADMINISTRATOR)
    return table.cells[key]
