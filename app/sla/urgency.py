"""The example urgency scheme of the Bangka regulation, kept as editable data.

Source: Peraturan Bupati Bangka Nomor 21 Tahun 2025 tentang Pedoman Manajemen Layanan SPBE
(Perbup Bangka 21/2025), BAB III, "Contoh isi Dokumen SLA", Tabel 11-14: an example scheme by
urgency that an agency may adopt instead of the targets of Tabel 2 and 4 (`app.sla.targets`):

- Tabel 11 "Klasifikasi Permasalahan": what urgency 1, 2 and 3 mean;
- Tabel 12 "Kecepatan Respon": the response rules, in and outside working hours and for
  support at the agency's premises;
- Tabel 13 "Waktu Penyelesaian": the resolution time of each urgency;
- Tabel 14 "Dukungan Layanan": who handles each escalation level.

Tabel 13 says "dalam 0 - 48 jam" (within), where Tabel 2 and 4 say "kurang dari" / "<".
Whether hours are working hours is for the calendar of the service's support hours
(`app.sla.calendar`) to decide, not this module.

As in `app.sla.matrix`, the scheme is a default that functions take as a parameter, and it
can be built from plain rows and dumped back to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum, StrEnum

from app.sla.matrix import TableInvalid, UnknownValue, column, parse_rows
from app.sla.targets import _optional_hours, _positive_int


class Urgency(IntEnum):
    """Tingkat urgensi of a problem (Tabel 11): 1 is the most urgent."""

    TINGGI = 1
    SEDANG = 2
    RENDAH = 3


def normalise_urgency(value: object) -> Urgency:
    """Read an urgency given as 1, "1", "tinggi" or, as in the regulation, "1 (tinggi)".

    Raises:
        UnknownValue: `value` is not urgency 1, 2 or 3.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value in set(Urgency):
        return Urgency(value)
    if isinstance(value, str):
        words = set(value.replace("(", " ").replace(")", " ").casefold().split())
        found = [u for u in Urgency if words and words <= {str(int(u)), u.name.casefold()}]
        if len(found) == 1:
            return found[0]
    raise UnknownValue("urgency", value, [f"{int(u)} ({u.name.lower()})" for u in Urgency])


class ResponseCondition(StrEnum):
    """When a response rule of Tabel 12 applies."""

    WORKING_HOURS = "working hours"  # "Bila kendala terjadi pada jam kerja"
    OUTSIDE_WORKING_HOURS = "outside working hours"  # "... di luar jam kerja"
    ON_SITE_SUPPORT = "on-site support"  # "Bila ada aktivitas pendampingan di lokasi PD"


_CONDITIONS = {condition.value: condition for condition in ResponseCondition}


def _condition(value: object) -> ResponseCondition:
    if isinstance(value, str) and value in _CONDITIONS:
        return _CONDITIONS[value]
    raise UnknownValue("condition", value, _CONDITIONS)


def _urgencies(value: object) -> frozenset[Urgency]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable) or not value:
        raise ValueError(f"daftar urgensi kosong / no list of urgencies: {value!r}")
    return frozenset(normalise_urgency(item) for item in value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"harus true/false / must be true or false: {value!r}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"teks kosong / empty text: {value!r}")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


@dataclass(frozen=True)
class UrgencyLevel:
    """One urgency level: what it means (Tabel 11) and its resolution time (Tabel 13).

    Attributes:
        urgency: 1 (tinggi), 2 (sedang) or 3 (rendah).
        description: The regulation's definition, in Indonesian, for display.
        resolution_hours: The problem is solved "dalam 0 - N jam" (within N hours).
    """

    urgency: Urgency
    description: str
    resolution_hours: int

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> UrgencyLevel:
        """Build a level from ``{"urgency", "description", "resolution_hours"}``."""
        return cls(
            column(row, "urgency", normalise_urgency),
            column(row, "description", _text),
            column(row, "resolution_hours", _positive_int),
        )


@dataclass(frozen=True)
class ResponseRule:
    """One response rule of Tabel 12: a limit in hours, or "the next working day".

    Attributes:
        condition: When the rule applies.
        urgencies: The urgency levels it applies to.
        hours: The longest response time in hours; None when it is the next working day.
        next_working_day: Whether the response is due by the next working day instead.
        description: The regulation's wording, in Indonesian, for display.
    """

    condition: ResponseCondition
    urgencies: frozenset[Urgency]
    hours: int | None
    next_working_day: bool
    description: str

    def __post_init__(self) -> None:
        """Check that the rule has exactly one kind of limit.

        Raises:
            ValueError: Both or neither of `hours` and `next_working_day` are given, or
                `hours` is not a positive whole number.
        """
        _optional_hours(self.hours)
        if (self.hours is None) != self.next_working_day:
            raise ValueError(
                "aturan respons perlu jam atau hari kerja berikutnya, salah satu saja / "
                "a response rule needs either hours or the next working day"
            )

    @property
    def duration(self) -> timedelta | None:
        """The limit as a duration, or None when it is the next working day."""
        return None if self.hours is None else timedelta(hours=self.hours)

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> ResponseRule:
        """Build a rule from the row `UrgencyScheme.to_rows` gives for it."""
        return cls(
            column(row, "condition", _condition),
            column(row, "urgencies", _urgencies),
            column(row, "hours", _optional_hours),
            column(row, "next_working_day", _flag),
            column(row, "description", _text),
        )


@dataclass(frozen=True)
class EscalationLevel:
    """Who handles a problem at one escalation level (Tabel 14).

    Attributes:
        level: 1, 2 or 3.
        lead: The role that handles it.
        assisted_by: The role that helps it ("dibantu"), if any.
    """

    level: int
    lead: str
    assisted_by: str | None = None

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles involved, the lead first."""
        return (self.lead,) if self.assisted_by is None else (self.lead, self.assisted_by)

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> EscalationLevel:
        """Build a level from ``{"level", "lead", "assisted_by"}``."""
        return cls(
            column(row, "level", lambda value: _positive_int(value, "level")),
            column(row, "lead", _text),
            column(row, "assisted_by", _optional_text),
        )


@dataclass(frozen=True)
class UrgencyScheme:
    """The example SLA's urgency scheme (Tabel 11-14), which an agency may adopt instead.

    Attributes:
        levels: Urgency 1, 2 and 3, in that order.
        response_rules: The response rules, in the regulation's order.
        escalation: Escalation levels 1 to n, in order.
    """

    levels: tuple[UrgencyLevel, ...]
    response_rules: tuple[ResponseRule, ...]
    escalation: tuple[EscalationLevel, ...]

    def __post_init__(self) -> None:
        """Check that the scheme answers every question it can be asked.

        Raises:
            TableInvalid: The levels are not urgency 1, 2, 3; an urgency lacks a rule for
                working hours or outside them, or has two rules for one condition; or the
                escalation levels are not numbered 1 to n.
        """
        problems: list[str] = []
        if [level.urgency for level in self.levels] != list(Urgency):
            problems.append("tingkat urgensi harus 1, 2, 3 / urgency levels must be 1, 2, 3")
        for urgency in Urgency:
            for condition in ResponseCondition:
                count = sum(
                    rule.condition is condition and urgency in rule.urgencies
                    for rule in self.response_rules
                )
                if count > 1 or (count == 0 and condition is not ResponseCondition.ON_SITE_SUPPORT):
                    problems.append(f"urgensi / urgency {int(urgency)}: {count} x '{condition}'")
        if [e.level for e in self.escalation] != list(range(1, len(self.escalation) + 1)):
            problems.append("eskalasi harus 1..n / escalation levels must be 1..n")
        if problems:
            raise TableInvalid("Tabel 11-14", problems)

    def level(self, urgency: object) -> UrgencyLevel:
        """Give the level of `urgency` (1, "1", "tinggi", "1 (tinggi)").

        Raises:
            UnknownValue: `urgency` is not 1, 2 or 3.
        """
        return self.levels[normalise_urgency(urgency) - 1]

    @classmethod
    def from_rows(cls, rows: Mapping[str, Iterable[Mapping[str, object]]]) -> UrgencyScheme:
        """Build a scheme from the three lists of rows that `to_rows` gives.

        Raises:
            TableInvalid: A list is missing, a row has a missing or wrong value, or the
                scheme is incomplete.
        """
        missing = [f"{name!r} tidak ada / missing" for name in _PARTS if name not in rows]
        if missing:
            raise TableInvalid("Tabel 11-14", missing)
        levels = parse_rows("Tabel 11/13", rows["levels"], UrgencyLevel.from_row)
        return cls(
            tuple(sorted(levels, key=lambda level: level.urgency)),
            tuple(parse_rows("Tabel 12", rows["response_rules"], ResponseRule.from_row)),
            tuple(parse_rows("Tabel 14", rows["escalation"], EscalationLevel.from_row)),
        )

    def to_rows(self) -> dict[str, list[dict[str, object]]]:
        """Dump the scheme as three lists of plain rows, for a database or the API."""
        return {
            "levels": [
                {
                    "urgency": int(level.urgency),
                    "label": level.urgency.name.lower(),
                    "description": level.description,
                    "resolution_hours": level.resolution_hours,
                }
                for level in self.levels
            ],
            "response_rules": [
                {
                    "condition": rule.condition.value,
                    "urgencies": sorted(int(u) for u in rule.urgencies),
                    "hours": rule.hours,
                    "next_working_day": rule.next_working_day,
                    "description": rule.description,
                }
                for rule in self.response_rules
            ],
            "escalation": [
                {"level": e.level, "lead": e.lead, "assisted_by": e.assisted_by}
                for e in self.escalation
            ],
        }


_PARTS = ("levels", "response_rules", "escalation")

DEFAULT_URGENCY_SCHEME = UrgencyScheme(
    levels=(
        # Tabel 11 "Klasifikasi Permasalahan" (definitions), Tabel 13 "Waktu Penyelesaian".
        UrgencyLevel(
            Urgency.TINGGI,
            "Kendala mempengaruhi semua pengguna dan aktivitas pada layanan aplikasi tidak "
            "dapat berlangsung. Contohnya ketika server mati (tidak dapat diakses), aplikasi "
            "tidak dapat diakses seluruhnya, atau terjadi pada semua pengguna",
            48,  # Tabel 13: "1 | Dalam 0 - 48 jam"
        ),
        UrgencyLevel(
            Urgency.SEDANG,
            "Kendala terjadi hanya pada beberapa pengguna layanan",
            72,  # Tabel 13: "2 | Dalam 0 - 72 jam"
        ),
        UrgencyLevel(
            Urgency.RENDAH,
            "Kendala disebabkan ketidakterampilan pengguna dalam menggunakan layanan berupa "
            "aplikasi (pengguna lupa pada alur, atau tidak memahami alur)",
            120,  # Tabel 13: "3 | Dalam 0 - 120 jam"
        ),
    ),
    response_rules=(
        # Tabel 12 "Kecepatan Respon", rows as printed; the first column lists the urgencies.
        ResponseRule(
            ResponseCondition.WORKING_HOURS,
            frozenset(Urgency),  # "1, 2, dan 3"
            3,  # "waktu respon maksimal adalah 3 jam"
            False,
            "Bila kendala terjadi pada jam kerja, waktu respon maksimal adalah 3 jam",
        ),
        ResponseRule(
            ResponseCondition.OUTSIDE_WORKING_HOURS,
            frozenset(Urgency),  # "1, 2, dan 3"
            None,
            True,  # "waktu respon maksimal adalah hari kerja berikutnya"
            "Bila kendala terjadi di luar jam kerja, waktu respon maksimal adalah hari kerja "
            "berikutnya",
        ),
        ResponseRule(
            ResponseCondition.ON_SITE_SUPPORT,
            frozenset({Urgency.TINGGI}),  # "1" only
            48,  # "kecepatan responnya maksimal 2x24 jam"
            False,
            "Bila ada aktivitas pendampingan di lokasi PD, maka kecepatan responnya maksimal "
            "2x24 jam",
        ),
    ),
    escalation=(
        # Tabel 14 "Dukungan Layanan".
        EscalationLevel(1, "Administrator Layanan", "Administrator Infrastruktur dan Aplikasi"),
        EscalationLevel(
            2, "Penanggung Jawab Penyedia Layanan", "Penanggung Jawab Infrastruktur dan Aplikasi"
        ),
        EscalationLevel(3, "Pimpinan PD Penyedia Layanan"),
    ),
)
"""The regulation's example urgency scheme: Perbup Bangka 21/2025, BAB III, Tabel 11-14."""


def urgency_resolution_target(
    urgency: object, scheme: UrgencyScheme = DEFAULT_URGENCY_SCHEME
) -> timedelta:
    """Give the time within which a problem must be solved under the urgency scheme (Tabel 13).

    Raises:
        UnknownValue: `urgency` is not 1, 2 or 3 (a `ValueError`).
    """
    return timedelta(hours=scheme.level(urgency).resolution_hours)


def urgency_response_rule(
    urgency: object,
    *,
    in_working_hours: bool,
    on_site_support: bool = False,
    scheme: UrgencyScheme = DEFAULT_URGENCY_SCHEME,
) -> ResponseRule:
    """Give the response rule for a problem under the urgency scheme (Tabel 12).

    The on-site rule applies when support at the agency is needed and a rule covers the
    urgency (in the regulation, urgency 1 only). Otherwise the rule for working hours or for
    outside them applies, by when the problem was reported.

    Args:
        urgency: 1, 2 or 3.
        in_working_hours: Whether the problem was reported during working hours.
        on_site_support: Whether support at the agency's premises is needed.
        scheme: The scheme in force; the regulation's unless an administrator changed it.

    Raises:
        UnknownValue: `urgency` is not 1, 2 or 3 (a `ValueError`).
    """
    level = normalise_urgency(urgency)
    timed = (
        ResponseCondition.WORKING_HOURS
        if in_working_hours
        else ResponseCondition.OUTSIDE_WORKING_HOURS
    )
    wanted = (ResponseCondition.ON_SITE_SUPPORT, timed) if on_site_support else (timed,)
    matches = [
        rule
        for condition in wanted
        for rule in scheme.response_rules
        if rule.condition is condition and level in rule.urgencies
    ]
    return matches[0]  # UrgencyScheme guarantees a timed rule for every urgency


def escalation_level(
    level: object, scheme: UrgencyScheme = DEFAULT_URGENCY_SCHEME
) -> EscalationLevel:
    """Give who handles a problem at escalation `level` (Tabel 14).

    Raises:
        UnknownValue: `scheme` has no such level (a `ValueError`).
    """
    for candidate in scheme.escalation:
        if type(level) is int and candidate.level == level:
            return candidate
    raise UnknownValue("escalation", level, [str(e.level) for e in scheme.escalation])
