"""The service-level report's period (app/services/reports/service_levels.py, `period_of`):
whole days in the kabupaten's zone, defaults from today, refusals naming the field."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.errors import InvalidInput
from app.services.reports.service_levels import period_of

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (None, None, (date(2026, 11, 1), TODAY)),
        (None, "2026-10-10", (date(2026, 10, 1), date(2026, 10, 10))),
        ("2026-11-03", None, (date(2026, 11, 3), TODAY)),
        ("2026-12-05", None, (date(2026, 12, 5), date(2026, 12, 5))),
        ("2025-11-24", "2026-11-24", (date(2025, 11, 24), date(2026, 11, 24))),  # 366 days
    ],
)
def test_a_period_is_given_or_defaults_from_today(
    first: str | None, last: str | None, expected: tuple[date, date]
) -> None:
    period = period_of(first, last, TODAY)
    assert (period.first, period.last) == expected


def test_a_period_runs_from_midnight_to_the_midnight_after_its_last_day() -> None:
    period = period_of("2026-11-30", "2026-12-01", TODAY)
    wib = ZoneInfo("Asia/Jakarta")
    assert period.begins == datetime(2026, 11, 30, tzinfo=wib)
    assert period.ends == datetime(2026, 12, 2, tzinfo=wib)
    assert [month for month, _ in period.months()] == ["2026-11", "2026-12"]
    assert [(p.first.day, p.last.day) for _, p in period.months()] == [(30, 30), (1, 1)]


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2026-02-30", None, "from"),
        ("1999-12-31", "2000-01-01", "from"),
        (None, "besok", "to"),
        ("2026-11-02", "2026-11-01", "to"),
        ("2025-11-23", "2026-11-24", "to"),  # 367 days
    ],
)
def test_a_bad_period_is_refused_naming_the_field(
    first: str | None, last: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        period_of(first, last, TODAY)
    assert list(refused.value.errors) == [field]
