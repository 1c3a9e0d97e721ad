"""Tests for app/sla/holidays_id.py: the adapter over the `holidays` package."""

from __future__ import annotations

from datetime import date

from app.sla.holidays_id import indonesian_holidays


class TestIndonesianHolidays:
    def test_2026_has_indonesian_names(self) -> None:
        days = indonesian_holidays(2026)
        assert days[date(2026, 1, 1)] == ("Tahun Baru Masehi", "public")
        assert days[date(2026, 3, 21)] == ("Hari Raya Idul Fitri", "public")
        assert days[date(2026, 8, 17)] == ("Hari Kemerdekaan Republik Indonesia", "public")

    def test_2026_marks_cuti_bersama_as_government(self) -> None:
        days = indonesian_holidays(2026)
        idul_fitri_leave = [date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)]
        for day in idul_fitri_leave:
            assert days[day] == ("Cuti Bersama Hari Raya Idul Fitri", "government")
        government = {day for day, (_, category) in days.items() if category == "government"}
        assert len(government) == 8
        assert all(days[day][0].startswith("Cuti Bersama") for day in government)

    def test_only_public_and_government_without_extra(self) -> None:
        categories = {category for _, category in indonesian_holidays([2026, 2027]).values()}
        assert categories == {"public", "government"}

    def test_several_years_are_sorted(self) -> None:
        days = list(indonesian_holidays(range(2025, 2028)))
        assert days == sorted(days)
        assert {day.year for day in days} == {2025, 2026, 2027}

    def test_extra_adds_regional_days_and_wins(self) -> None:
        extra = {
            date(2026, 11, 24): ("Hari Jadi Kabupaten", "regional"),
            date(2026, 12, 24): ("Cuti bersama dipindah", "regional"),
        }
        days = indonesian_holidays(2026, extra)
        assert days[date(2026, 11, 24)] == ("Hari Jadi Kabupaten", "regional")
        assert days[date(2026, 12, 24)] == ("Cuti bersama dipindah", "regional")
