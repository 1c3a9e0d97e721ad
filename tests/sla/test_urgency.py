"""Tabel 11-14 of Perbup Bangka 21/2025 (BAB III, the example urgency scheme), cell by cell.

The expected values are written out here, copied from the regulation's text
(`shared/seeds/003_338dc2e5eed237d6.txt`), so a wrong seed in `app/sla` fails a test.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TypeVar, cast

import pytest

from app.sla.matrix import TableInvalid, UnknownValue
from app.sla.urgency import (
    DEFAULT_URGENCY_SCHEME,
    Urgency,
    UrgencyScheme,
    escalation_level,
    normalise_urgency,
    urgency_resolution_target,
    urgency_response_rule,
)

T = TypeVar("T")


def _through_json(rows: T) -> T:
    """Rows must survive JSON, as they do on the way to a database or through the API."""
    return cast(T, json.loads(json.dumps(rows)))


class TestUrgencyScheme:
    @pytest.mark.parametrize(("urgency", "hours"), [(1, 48), (2, 72), (3, 120)])  # Tabel 13
    def test_resolution_matches_tabel_13(self, urgency: int, hours: int) -> None:
        assert urgency_resolution_target(urgency) == timedelta(hours=hours)

    @pytest.mark.parametrize(
        ("urgency", "phrase"),
        [
            (1, "Kendala mempengaruhi semua pengguna"),
            (2, "Kendala terjadi hanya pada beberapa pengguna layanan"),
            (3, "Kendala disebabkan ketidakterampilan pengguna"),
        ],
    )  # Tabel 11
    def test_levels_carry_tabel_11_definitions(self, urgency: int, phrase: str) -> None:
        assert DEFAULT_URGENCY_SCHEME.level(urgency).description.startswith(phrase)

    @pytest.mark.parametrize("urgency", [1, 2, 3])
    def test_response_rules_match_tabel_12(self, urgency: int) -> None:
        working = urgency_response_rule(urgency, in_working_hours=True)
        outside = urgency_response_rule(urgency, in_working_hours=False)
        assert (working.hours, working.next_working_day) == (3, False)
        assert (outside.hours, outside.next_working_day) == (None, True)

    def test_on_site_support_gives_2x24_hours_for_urgency_1(self) -> None:
        rule = urgency_response_rule(1, in_working_hours=True, on_site_support=True)
        assert rule.duration == timedelta(hours=48)
        assert "2x24 jam" in rule.description

    @pytest.mark.parametrize("urgency", [2, 3])
    def test_on_site_support_has_no_own_rule_for_urgency_2_and_3(self, urgency: int) -> None:
        rule = urgency_response_rule(urgency, in_working_hours=True, on_site_support=True)
        assert rule.hours == 3

    def test_escalation_matches_tabel_14(self) -> None:
        assert [escalation_level(level).roles for level in (1, 2, 3)] == [
            ("Administrator Layanan", "Administrator Infrastruktur dan Aplikasi"),
            ("Penanggung Jawab Penyedia Layanan", "Penanggung Jawab Infrastruktur dan Aplikasi"),
            ("Pimpinan PD Penyedia Layanan",),
        ]

    @pytest.mark.parametrize("level", [0, 4, "1", True])
    def test_escalation_unknown_level_raises(self, level: object) -> None:
        with pytest.raises(UnknownValue, match="tingkat eskalasi"):
            escalation_level(level)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1, Urgency.TINGGI),
            ("2", Urgency.SEDANG),
            ("rendah", Urgency.RENDAH),
            ("1 (tinggi)", Urgency.TINGGI),
        ],
    )
    def test_normalise_urgency_accepts_regulation_spellings(
        self, value: object, expected: Urgency
    ) -> None:
        assert normalise_urgency(value) == expected

    @pytest.mark.parametrize("value", [0, 4, True, "1 (rendah)", "", None])
    def test_normalise_urgency_unknown_raises(self, value: object) -> None:
        with pytest.raises(UnknownValue, match="tingkat urgensi tidak dikenal"):
            normalise_urgency(value)

    def test_rows_round_trip(self) -> None:
        rows = _through_json(DEFAULT_URGENCY_SCHEME.to_rows())
        assert UrgencyScheme.from_rows(rows) == DEFAULT_URGENCY_SCHEME

    def test_from_rows_without_outside_hours_rule_raises(self) -> None:
        rows = DEFAULT_URGENCY_SCHEME.to_rows()
        rows["response_rules"] = [
            rule for rule in rows["response_rules"] if rule["condition"] != "outside working hours"
        ]
        with pytest.raises(TableInvalid, match="0 x 'outside working hours'"):
            UrgencyScheme.from_rows(rows)

    def test_from_rows_bad_rule_raises(self) -> None:
        rows = DEFAULT_URGENCY_SCHEME.to_rows()
        rows["response_rules"][0]["next_working_day"] = True  # both hours and next working day
        with pytest.raises(TableInvalid, match="Tabel 12"):
            UrgencyScheme.from_rows(rows)
