"""The priority helpers read Tabel 3 from the context the services layer gives each engine
call, so an edited table applies without redeploying the complaint procedure."""

from __future__ import annotations

from datetime import UTC, datetime

from app.clock import FixedClock
from app.engine.script_context import (
    REGULATION_TABLE_3,
    ScriptContext,
    akhir_hari_kerja,
    prioritas_tabel_3,
    script_context,
    versi_tabel_3,
)
from app.engine.spiff_time import engine_clock
from app.sla.calendar import WorkingCalendar, indonesian_government_default
from app.sla.holidays_id import indonesian_holidays
from app.sla.matrix import DEFAULT_PRIORITY_MATRIX, PriorityMatrix


def _edited() -> PriorityMatrix:
    rows = DEFAULT_PRIORITY_MATRIX.to_rows()
    for row in rows:
        if (row["impact"], row["group"], row["classification"]) == ("Minor", "Publik", "Normal"):
            row["priority"] = "P2"
    return PriorityMatrix.from_rows(rows)


def test_outside_any_context_the_regulation_decides() -> None:
    assert prioritas_tabel_3("Minor", "Publik", "Normal") == "P5"
    assert prioritas_tabel_3("Mayor", "Layanan Publik", "Kritis") == "P1"
    assert versi_tabel_3() == REGULATION_TABLE_3


def test_the_context_table_decides_and_names_its_version() -> None:
    edited = _edited()
    context = ScriptContext(table_3=lambda: (edited, "Tabel 3, diubah kemarin oleh admin"))
    with script_context(context):
        assert prioritas_tabel_3("Minor", "Publik", "Normal") == "P2"
        assert versi_tabel_3() == "Tabel 3, diubah kemarin oleh admin"
    assert prioritas_tabel_3("Minor", "Publik", "Normal") == "P5"


def test_values_outside_the_table_leave_the_priority_to_staff() -> None:
    assert prioritas_tabel_3("Sedang", "Publik", "Normal") is None
    assert prioritas_tabel_3("Mayor", None, "Kritis") is None


def test_working_days_count_from_the_engine_clock_on_the_context_calendar() -> None:
    calendar = indonesian_government_default("Asia/Jakarta", indonesian_holidays([2026]))
    friday_evening = FixedClock(datetime(2026, 11, 27, 13, tzinfo=UTC))  # 20:00 WIB
    with engine_clock(friday_evening), script_context(ScriptContext(calendar=calendar)):
        assert akhir_hari_kerja(3) == "2026-12-02T09:00:00+00:00"  # Wednesday 16:00 WIB
    always = ScriptContext(calendar=WorkingCalendar(always_open=True))
    with engine_clock(friday_evening), script_context(always):
        assert akhir_hari_kerja(1) == "2026-11-28T17:00:00+00:00"  # midnight WIB
