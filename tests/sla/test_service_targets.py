"""A service's own figures as plain values: names of levels, units, bounds, the checks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.sla.matrix import UnknownValue
from app.sla.service_targets import NO_TARGETS, ServiceTargets, TargetsInvalid, level_name


@pytest.mark.parametrize(
    ("given", "stored"),
    [("P1", "P1"), ("Prioritas 6", "P6"), (1, "Tinggi"), ("2", "Sedang"), ("1 (tinggi)", "Tinggi")],
)
def test_levels_are_read_in_the_regulations_spellings(given: object, stored: str) -> None:
    assert level_name(given) == stored


def test_an_unknown_level_names_the_allowed_ones() -> None:
    with pytest.raises(UnknownValue, match="P1, P2, P3, P4, P5, P6, Tinggi, Sedang, Rendah"):
        level_name("P7")


def test_figures_are_kept_in_the_levels_order_with_their_durations() -> None:
    targets = ServiceTargets.from_json(
        {
            "response": {
                "Rendah": {"value": 4, "unit": "jam"},
                "P2": {"value": 20, "unit": "menit"},
            },
            "resolution": {"P2": None},
        }
    )
    assert list(targets.response) == ["P2", "Rendah"]
    assert targets.response["P2"].duration == timedelta(minutes=20)
    assert str(targets.response["Rendah"]) == "4 jam"
    assert targets.resolution == {}
    assert targets.to_json() == {
        "response": {"P2": {"value": 20, "unit": "menit"}, "Rendah": {"value": 4, "unit": "jam"}},
        "resolution": {},
    }


@pytest.mark.parametrize("empty", [None, {}, {"response": {}, "resolution": {}}])
def test_no_figures_leave_every_level_to_the_tables(empty: object) -> None:
    assert ServiceTargets.from_json(empty) == NO_TARGETS
    assert ServiceTargets.from_json(empty).to_json() is None


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(TargetsInvalid) as refused:
        ServiceTargets.from_json(
            {
                "response": {
                    "P1": {"value": 2, "unit": "jam"},
                    "Prioritas 1": {"value": 3, "unit": "jam"},
                    "P2": {"value": 43201, "unit": "menit"},
                },
                "resolution": {"P1": {"value": 1, "unit": "jam"}},
            }
        )
    assert set(refused.value.errors) == {
        "targets.response.Prioritas 1",
        "targets.response.P2.value",
        "targets.resolution.P1",
    }
