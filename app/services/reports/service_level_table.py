"""The service-level report as one table, for its XLSX export (API and page alike).

One row per report row: the whole period's rows first, then each month's when the trend
was asked for; a measure that does not apply is an empty cell, never a zero. Written
through `app.services.spreadsheet`, so text that looks like a formula stays text.
"""

from __future__ import annotations

from typing import Any

from app.services.reports.service_levels import (
    AGEING,
    RATINGS,
    ReportRow,
    ServiceLevelReport,
    Tally,
)
from app.services.spreadsheet import Table, in_language

TITLE = "Tingkat layanan / Service levels"
HEADERS = (
    "Periode / Period",
    "Layanan / Service",
    "Nama layanan / Service name",
    "PD / Agency",
    "Prosedur / Procedure",
    "Kasus / Cases",
    "Respons tercapai / Response met",
    "Respons terlewat / Response missed",
    "Penyelesaian tercapai / Resolution met",
    "Penyelesaian terlewat / Resolution missed",
    "Pemenuhan tercapai / Fulfilment met",
    "Pemenuhan terlewat / Fulfilment missed",
    "Median jam kerja / Median working hours",
    "P90 jam kerja / P90 working hours",
    "Target ketersediaan % / Availability target %",
    "Ketersediaan tercapai % / Availability achieved %",
    "Kepuasan rata-rata / Mean satisfaction",
    "Jumlah penilaian / Ratings",
    *(f"Penilaian {r} / Rated {r}" for r in RATINGS),
    "Backlog / Backlog",
    *(f"Backlog {key} hari / Backlog {key} days" for key, _ in AGEING),
)
#: A service's total row names no procedure.
ALL_PROCEDURES = "Semua prosedur / All procedures"


def _tally(tally: Tally | None) -> list[int | None]:
    return [None, None] if tally is None else [tally.met, tally.missed]


def _cells(label: str, row: ReportRow, language: str) -> list[Any]:
    availability = row.availability
    ageing = row.ageing()
    return [
        row.month or label,
        row.service.code,
        row.service.name,
        row.service.agency.code,
        row.procedure_name or row.procedure or in_language(ALL_PROCEDURES, language),
        row.cases,
        *_tally(row.response),
        *_tally(row.resolution),
        *_tally(row.fulfilment),
        row.median_hours,
        row.p90_hours,
        availability.target if availability else None,
        availability.achieved if availability else None,
        row.rating_mean if row.rated else None,
        row.rating_count if row.rated else None,
        *((row.ratings[r] if row.rated else None) for r in RATINGS),
        row.backlog,
        *(ageing[key] for key, _ in AGEING),
    ]


def report_table(report: ServiceLevelReport, language: str = "id") -> Table:
    """The report's rows (and its months') as a table in `language` ("id" or "en")."""
    period = report.period
    label = f"{period.first.isoformat()}..{period.last.isoformat()}"
    table = Table(in_language(TITLE, language), [in_language(h, language) for h in HEADERS])
    table.rows = [_cells(label, row, language) for row in report.rows]
    for _, rows in report.trend:
        table.rows += [_cells(label, row, language) for row in rows]
    return table
