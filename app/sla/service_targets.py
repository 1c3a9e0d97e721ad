"""A service's own response and resolution targets, agreed for it, as validated data.

Perbup Bangka 21/2025, 2.1.1.1, says the service-level targets are "melekat pada
masing-masing layanan": each service may carry figures of its own, agreed with its users,
instead of the kabupaten-wide tables (Tabel 2 and 4, or the example SLA's Tabel 11-14 for a
PD on the urgency scheme). Any level the service leaves out keeps the table's figure, so a
service without figures of its own is timed exactly as before (`app.sla.targets`,
`app.sla.urgency`).

A figure is a whole number with a unit, "menit" or "jam", the units the regulation writes
its tables in ("<15 menit", "kurang dari 12 jam"); days are left out on purpose, since
"hari" would be read as calendar days by some and as working days by others. Levels are
named as `app.sla` names them: the priorities P1-P6 (Tabel 3 and 4) and the urgencies
Tinggi, Sedang, Rendah (Tabel 11, urgency 1-3); both may be set, so a service keeps its
figures when its PD changes scheme.

Checks: each figure is positive and at most `LONGEST` (a month: a longer target measures
nothing), and where the service sets both figures of one level, resolution is not shorter
than response. A figure the service leaves to a table is not compared: the tables are
edited apart from the catalog, and a check here could not hold after such an edit.

Standard library only, like the rest of `app.sla`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType

from app.sla.matrix import Priority, UnknownValue, normalise_priority
from app.sla.urgency import Urgency, normalise_urgency


class Unit(StrEnum):
    """The unit of a figure, as the regulation's tables write it."""

    MENIT = "menit"
    JAM = "jam"


_MINUTES = {Unit.MENIT: 1, Unit.JAM: 60}
#: The longest target a service may agree: thirty days.
LONGEST = timedelta(days=30)
#: The clocks a service sets figures for, by their name in the API.
CLOCKS = ("response", "resolution")
#: Every level a figure may be given for: the priorities, then the urgencies.
PRIORITY_LEVELS: tuple[str, ...] = tuple(p.value for p in Priority)
URGENCY_LEVELS: tuple[str, ...] = tuple(u.name.capitalize() for u in Urgency)
LEVELS = PRIORITY_LEVELS + URGENCY_LEVELS


def level_name(value: object) -> str:
    """Read a level as stored: "P1" (or "Prioritas 1") to "P6", or an urgency as
    "Tinggi", "Sedang", "Rendah" (1, "2", "tinggi" and "1 (tinggi)" accepted too).

    Raises:
        UnknownValue: `value` is neither a priority nor an urgency.
    """
    try:
        return normalise_priority(value).value
    except UnknownValue:
        pass
    try:
        return normalise_urgency(value).name.capitalize()
    except UnknownValue:
        raise UnknownValue("level", value, LEVELS) from None


def urgency_level(urgency: Urgency) -> str:
    """The name a figure for `urgency` is stored under ("Tinggi" for urgency 1)."""
    return urgency.name.capitalize()


@dataclass(frozen=True)
class Figure:
    """A target as agreed: a whole number of minutes or hours.

    Attributes:
        value: The number, 1 or more.
        unit: "menit" or "jam".
    """

    value: int
    unit: Unit

    @property
    def duration(self) -> timedelta:
        """The figure as working time."""
        return timedelta(minutes=self.value * _MINUTES[self.unit])

    def to_json(self) -> dict[str, object]:
        """The figure as the API and the column hold it."""
        return {"value": self.value, "unit": self.unit.value}

    def __str__(self) -> str:
        """As the regulation writes it: "15 menit", "4 jam"."""
        return f"{self.value} {self.unit.value}"


class TargetsInvalid(ValueError):
    """Figures that cannot be agreed, every problem named by its field.

    Attributes:
        errors: Field path ("targets.resolution.P1.value") to its messages, in
            Indonesian / English as every field error of the API.
    """

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        """Keep `errors` and say how many fields they name."""
        self.errors = dict(errors)
        super().__init__(f"target layanan tidak valid / invalid service targets: {self.errors}")


def parse_figure(value: object, where: str, errors: dict[str, list[str]]) -> Figure | None:
    """Read one figure `{"value", "unit"}`, adding to `errors` under `where` if it is wrong.

    Returns None when it was refused (the problem is in `errors`).
    """
    if not isinstance(value, Mapping):
        errors.setdefault(where, []).append(
            'harus objek {"value", "unit"} / must be an object {"value", "unit"}'
        )
        return None
    unknown = sorted(str(key) for key in value if key not in ("value", "unit"))
    if unknown:
        errors.setdefault(where, []).append(
            f"kolom tidak dikenal / unknown fields: {', '.join(unknown)}"
        )
    unit = value.get("unit")
    if unit not in _MINUTES:
        errors.setdefault(f"{where}.unit", []).append(
            f"salah satu dari / one of: {', '.join(u.value for u in Unit)}"
        )
        return None
    number = value.get("value")
    if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
        errors.setdefault(f"{where}.value", []).append(
            "harus bilangan bulat positif / must be a positive whole number"
        )
        return None
    longest = int(LONGEST.total_seconds() // 60) // _MINUTES[Unit(unit)]
    if number > longest:
        errors.setdefault(f"{where}.value", []).append(
            f"paling lama {longest} {unit} (30 hari) / at most {longest} {unit} (30 days)"
        )
        return None
    return Figure(number, Unit(unit))


@dataclass(frozen=True)
class ServiceTargets:
    """The response and resolution figures one service agreed, by level.

    A level missing from a mapping keeps the table's figure for that clock.

    Attributes:
        response: Level ("P1", "Tinggi", ...) to the response figure.
        resolution: Level to the resolution figure.
    """

    response: Mapping[str, Figure]
    resolution: Mapping[str, Figure]

    @classmethod
    def from_json(cls, value: object, field: str = "targets") -> ServiceTargets:
        """Read and check `{"response": {level: figure}, "resolution": {...}}`.

        None, `{}` and empty mappings mean "no figures of its own". Other keys (the API's
        `fulfilment`) are the caller's to read and are ignored here.

        Args:
            value: The figures as the API, the form or the column give them.
            field: The name errors are filed under.

        Raises:
            TargetsInvalid: Every problem, each under its field path.
        """
        if value is None:
            return NO_TARGETS
        errors: dict[str, list[str]] = {}
        if not isinstance(value, Mapping):
            raise TargetsInvalid({field: ["harus objek / must be an object"]})
        clocks: dict[str, dict[str, Figure]] = {}
        for clock in CLOCKS:
            clocks[clock] = {}
            figures = value.get(clock)
            if figures is None:
                continue
            if not isinstance(figures, Mapping):
                errors.setdefault(f"{field}.{clock}", []).append("harus objek / must be an object")
                continue
            for raw_level, raw in figures.items():
                where = f"{field}.{clock}.{raw_level}"
                try:
                    level = level_name(raw_level)
                except UnknownValue as err:
                    errors.setdefault(where, []).append(str(err))
                    continue
                if raw is None:
                    continue  # left to the table
                if level in clocks[clock]:
                    errors.setdefault(where, []).append("tingkat ganda / level given twice")
                    continue
                figure = parse_figure(raw, where, errors)
                if figure is not None:
                    clocks[clock][level] = figure
        for level, resolution in clocks["resolution"].items():
            response = clocks["response"].get(level)
            if response is not None and resolution.duration < response.duration:
                errors.setdefault(f"{field}.resolution.{level}", []).append(
                    f"penyelesaian ({resolution}) tidak boleh lebih singkat dari respons "
                    f"({response}) / resolution must not be shorter than response"
                )
        if errors:
            raise TargetsInvalid(errors)
        return cls(
            MappingProxyType(_in_order(clocks["response"])),
            MappingProxyType(_in_order(clocks["resolution"])),
        )

    def to_json(self) -> dict[str, dict[str, dict[str, object]]] | None:
        """The figures for the column and the API; None when the service has none."""
        if not self.response and not self.resolution:
            return None
        return {
            "response": {level: f.to_json() for level, f in self.response.items()},
            "resolution": {level: f.to_json() for level, f in self.resolution.items()},
        }


def _in_order(figures: dict[str, Figure]) -> dict[str, Figure]:
    return {level: figures[level] for level in LEVELS if level in figures}


NO_TARGETS = ServiceTargets(MappingProxyType({}), MappingProxyType({}))
"""A service with no figures of its own: every clock reads the tables."""
