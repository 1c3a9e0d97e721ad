"""Tabel 2, 3 and 4 of Perbup Bangka 21/2025, cell by cell.

The expected values are written out here, copied from the regulation's text
(`shared/seeds/003_338dc2e5eed237d6.txt`), so a wrong seed in `app/sla` fails a test.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TypeVar, cast

import pytest

from app.sla.matrix import (
    DEFAULT_PRIORITY_MATRIX,
    PriorityMatrix,
    TableInvalid,
    UnknownValue,
    priority,
)
from app.sla.targets import (
    DEFAULT_RESOLUTION_TARGETS,
    DEFAULT_RESPONSE_TARGETS,
    ResolutionTarget,
    ResolutionTargets,
    ResponseTargets,
    TargetSource,
    resolution_target,
    response_target,
)

T = TypeVar("T")

APP_GROUP = {
    "Layanan Publik": "Publik",
    "Layanan Administrasi Pemerintahan": "Administrasi Pemerintahan",
}

# Tabel 3 "Prioritas Penanganan Aduan": Dampak, Layanan Terdampak, Kritis, Esensial, Normal.
TABEL_3 = [
    ("Mayor", "Layanan Publik", "P1", "P2", "P3"),
    ("Mayor", "Layanan Administrasi Pemerintahan", "P2", "P3", "P4"),
    ("Minor", "Layanan Publik", "P3", "P4", "P5"),
    ("Minor", "Layanan Administrasi Pemerintahan", "P4", "P5", "P6"),
]
TABEL_3_CELLS = [
    (impact, group, classification, expected)
    for impact, group, *priorities in TABEL_3
    for classification, expected in zip(("Kritis", "Esensial", "Normal"), priorities, strict=True)
]

# Tabel 4 "Target Waktu Tanggap".
TABEL_4 = [
    ("P1", timedelta(minutes=15)),  # <15 menit
    ("P2", timedelta(minutes=30)),  # <30 menit
    ("P3", timedelta(hours=1)),  # <1 jam
    ("P4", timedelta(hours=1, minutes=30)),  # <1,5 jam
    ("P5", timedelta(hours=2)),  # <2 jam
    ("P6", timedelta(hours=2, minutes=30)),  # <2,5 jam
]

# Tabel 2 "Target Pelayanan Pengguna"; it has no row for Layanan Publik / Normal.
TABEL_2 = [
    ("Layanan Administrasi Pemerintahan", "Kritis", 12),
    ("Layanan Publik", "Kritis", 24),
    ("Layanan Administrasi Pemerintahan", "Esensial", 48),
    ("Layanan Publik", "Esensial", 36),
    ("Layanan Administrasi Pemerintahan", "Normal", 72),
]


def _through_json(rows: T) -> T:
    """Rows must survive JSON, as they do on the way to a database or through the API."""
    return cast(T, json.loads(json.dumps(rows)))


class TestPriority:
    @pytest.mark.parametrize(("impact", "group", "classification", "expected"), TABEL_3_CELLS)
    def test_priority_matches_tabel_3(
        self, impact: str, group: str, classification: str, expected: str
    ) -> None:
        assert priority(impact, group, classification) == expected
        assert priority(impact, APP_GROUP[group], classification) == expected

    def test_default_matrix_has_exactly_the_regulation_cells(self) -> None:
        expected = sorted((i, APP_GROUP[g], c, p) for i, g, c, p in TABEL_3_CELLS)
        rows = DEFAULT_PRIORITY_MATRIX.to_rows()
        assert sorted(tuple(row.values()) for row in rows) == expected

    def test_priority_ignores_case_and_spaces(self) -> None:
        assert priority(" mayor ", "layanan  PUBLIK", "KRITIS") == "P1"

    @pytest.mark.parametrize(
        ("impact", "group", "classification", "field"),
        [
            ("Major", "Publik", "Kritis", "impact"),
            ("Mayor", "Swasta", "Kritis", "group"),
            ("Mayor", "Publik", "Vital", "classification"),
            ("", "Publik", "Kritis", "impact"),
            (None, "Publik", "Kritis", "impact"),
        ],
    )
    def test_priority_unknown_input_raises(
        self, impact: str, group: str, classification: str, field: str
    ) -> None:
        with pytest.raises(ValueError, match="tidak dikenal.*/ unknown") as caught:
            priority(impact, group, classification)
        assert isinstance(caught.value, UnknownValue)
        assert caught.value.field == field

    def test_priority_uses_the_matrix_given(self) -> None:
        rows = DEFAULT_PRIORITY_MATRIX.to_rows()
        rows[0]["priority"] = "P2"  # Mayor / Publik / Kritis, edited by an administrator
        edited = PriorityMatrix.from_rows(rows)
        assert priority("Mayor", "Publik", "Kritis", edited) == "P2"
        assert priority("Mayor", "Publik", "Kritis") == "P1"

    def test_rows_round_trip(self) -> None:
        rows = _through_json(DEFAULT_PRIORITY_MATRIX.to_rows())
        assert PriorityMatrix.from_rows(rows) == DEFAULT_PRIORITY_MATRIX

    def test_from_rows_missing_cell_raises(self) -> None:
        with pytest.raises(TableInvalid, match="Minor / Administrasi Pemerintahan / Normal"):
            PriorityMatrix.from_rows(DEFAULT_PRIORITY_MATRIX.to_rows()[:-1])

    def test_from_rows_duplicate_cell_raises(self) -> None:
        rows = DEFAULT_PRIORITY_MATRIX.to_rows()
        with pytest.raises(TableInvalid, match="ganda / given twice"):
            PriorityMatrix.from_rows([*rows, rows[0]])

    def test_from_rows_reports_every_bad_row(self) -> None:
        rows = DEFAULT_PRIORITY_MATRIX.to_rows()
        rows[1]["priority"] = "P7"
        del rows[4]["impact"]
        with pytest.raises(TableInvalid) as caught:
            PriorityMatrix.from_rows(rows)
        assert [problem.split(":")[0] for problem in caught.value.problems] == [
            "baris 2 / row 2",
            "baris 5 / row 5",
        ]


class TestResponseTarget:
    @pytest.mark.parametrize(("level", "expected"), TABEL_4)
    def test_response_target_matches_tabel_4(self, level: str, expected: timedelta) -> None:
        assert response_target(level) == expected
        assert response_target(f"Prioritas {level[1]}") == expected

    @pytest.mark.parametrize("level", ["P0", "P7", "Prioritas 7", "", None])
    def test_response_target_unknown_priority_raises(self, level: str) -> None:
        with pytest.raises(UnknownValue, match="prioritas tidak dikenal"):
            response_target(level)

    def test_rows_round_trip(self) -> None:
        rows = _through_json(DEFAULT_RESPONSE_TARGETS.to_rows())
        assert ResponseTargets.from_rows(rows) == DEFAULT_RESPONSE_TARGETS

    def test_response_target_uses_the_table_given(self) -> None:
        rows = DEFAULT_RESPONSE_TARGETS.to_rows()
        rows[0]["minutes"] = 10  # P1
        assert response_target("P1", ResponseTargets.from_rows(rows)) == timedelta(minutes=10)

    @pytest.mark.parametrize("minutes", [0, -15, 1.5, "15", True, None])
    def test_from_rows_bad_minutes_raises(self, minutes: object) -> None:
        rows = [{**row, "minutes": minutes} for row in DEFAULT_RESPONSE_TARGETS.to_rows()]
        with pytest.raises(TableInvalid, match="Tabel 4"):
            ResponseTargets.from_rows(rows)


class TestResolutionTarget:
    @pytest.mark.parametrize(("group", "classification", "hours"), TABEL_2)
    def test_resolution_target_matches_tabel_2(
        self, group: str, classification: str, hours: int
    ) -> None:
        expected = ResolutionTarget(hours, TargetSource.REGULATION)
        assert resolution_target(group, classification) == expected
        assert resolution_target(APP_GROUP[group], classification) == expected
        assert expected.duration == timedelta(hours=hours)

    def test_publik_normal_is_not_set_by_the_regulation(self) -> None:
        target = resolution_target("Publik", "Normal")
        assert target.hours is None
        assert target.source == "not set by the regulation"
        assert not target.is_set
        assert target.duration is None

    def test_override_fills_the_empty_cell(self) -> None:
        overrides = {("Publik", "Normal"): 96}
        target = resolution_target("Layanan Publik", "Normal", overrides=overrides)
        assert target == ResolutionTarget(96, TargetSource.ADMINISTRATOR)
        assert resolution_target("Publik", "Kritis", overrides=overrides).hours == 24

    def test_override_wins_over_the_regulation(self) -> None:
        target = resolution_target("Publik", "Kritis", overrides={("publik", "kritis"): 20})
        assert target == ResolutionTarget(20, TargetSource.ADMINISTRATOR)

    def test_table_edited_by_administrator_fills_the_empty_cell(self) -> None:
        rows = [
            {**row, "hours": 96, "source": None} if row["hours"] is None else row
            for row in DEFAULT_RESOLUTION_TARGETS.to_rows()
        ]
        table = ResolutionTargets.from_rows(rows)
        assert resolution_target("Publik", "Normal", table) == ResolutionTarget(
            96, TargetSource.ADMINISTRATOR
        )

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"hours": 30}, "Publik / Kritis: Tabel 2 = 24"),  # claims "regulation", wrong value
            ({"hours": None, "source": None}, "Publik / Kritis: Tabel 2 = 24"),  # clears it
            ({"hours": 24, "source": "guess"}, "sumber target tidak dikenal"),
        ],
    )
    def test_from_rows_untrue_source_raises(self, change: dict[str, object], message: str) -> None:
        rows = DEFAULT_RESOLUTION_TARGETS.to_rows()
        rows[0] = {**rows[0], **change}
        with pytest.raises(TableInvalid, match=message):
            ResolutionTargets.from_rows(rows)

    def test_regulation_source_on_empty_cell_raises(self) -> None:
        rows = DEFAULT_RESOLUTION_TARGETS.to_rows()
        rows[2] = {**rows[2], "hours": 48, "source": "regulation"}  # Publik / Normal
        with pytest.raises(TableInvalid, match="Publik / Normal: Tabel 2 = None"):
            ResolutionTargets.from_rows(rows)

    @pytest.mark.parametrize(
        ("hours", "source"),
        [
            (None, "administrator"),
            (None, "regulation"),
            (12, "not set by the regulation"),
            (0, "administrator"),
        ],
    )
    def test_resolution_target_inconsistent_raises(self, hours: int | None, source: str) -> None:
        with pytest.raises(ValueError, match="/"):
            ResolutionTarget(hours, source)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "overrides",
        [{("Publik", "Normal"): 0}, {("Publik", "Normal"): "48"}, {("Swasta", "Normal"): 48}],
    )
    def test_bad_override_raises(self, overrides: dict[tuple[str, str], int]) -> None:
        with pytest.raises(ValueError, match="/"):
            resolution_target("Publik", "Normal", overrides=overrides)

    @pytest.mark.parametrize(("group", "classification"), [("Swasta", "Kritis"), ("Publik", "")])
    def test_resolution_target_unknown_input_raises(self, group: str, classification: str) -> None:
        with pytest.raises(UnknownValue):
            resolution_target(group, classification)

    def test_rows_round_trip(self) -> None:
        rows = _through_json(DEFAULT_RESOLUTION_TARGETS.to_rows())
        assert ResolutionTargets.from_rows(rows) == DEFAULT_RESOLUTION_TARGETS
