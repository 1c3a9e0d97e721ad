"""The service-level report as a PDF document (`app.services.documents`): the issuing PD's
letterhead, the period, each service's totals, its procedures' rows, the trend by month
when the period spans more than one, and how the figures are counted.

Numbers are written as Indonesian documents write them ("3,67"); a measure that does not
apply is a dash, never a zero. The same rows as the page, the API and the XLSX.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.models import Agency, Service, User
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.documents.formatting import indonesian_date, indonesian_number
from app.services.documents.letterhead import letterhead_of
from app.services.documents.pdf import (
    Document,
    Letterhead,
    Paragraph,
    Section,
    Table,
    render_pdf,
)
from app.services.reports.service_levels import ReportRow, ServiceLevelReport, Tally

TITLE = "Laporan Tingkat Layanan"
#: The heading of a report over more than one PD by a reader of none.
KABUPATEN = Letterhead(name="Pemerintah Kabupaten", lines=("Manajemen Layanan SPBE",))
DASH = "—"
_HEADER = (
    "Layanan",
    "Kasus",
    "Respons tercapai/terlewat",
    "Penyelesaian tercapai/terlewat",
    "Pemenuhan tercapai/terlewat",
    "Median / P90 jam kerja",
    "Ketersediaan (target)",
    "Kepuasan (penilaian)",
    "Backlog",
)
_WIDTHS = (1.6, 0.7, 1.1, 1.2, 1.1, 1.1, 1.3, 1.1, 0.8)
HOW = (
    "Dihitung dari kasus yang dapat dilihat pembuat laporan dan dilaporkan dalam periode. "
    "Target respons dan penyelesaian berlaku untuk aduan, target pemenuhan untuk permintaan "
    "layanan: tercapai bila jamnya berhenti sebelum tenggat, terlewat bila berhenti pada atau "
    "setelah tenggat atau tenggat lewat saat masih berjalan. Waktu dihitung dalam jam kerja "
    "layanan, tanpa masa penangguhan, dari laporan sampai penyelesaian (atau dari mulai sampai "
    "selesai untuk prosedur tanpa target); P90 adalah peringkat terdekat. Ketersediaan "
    "dihitung dari aduan berdampak Mayor dalam jam layanan, dikurangi waktu henti yang "
    "disepakati. Kepuasan adalah penilaian pemohon (1-5) saat konfirmasi. Backlog adalah "
    "kasus yang masih terbuka pada akhir periode."
)


def _number(value: float | None) -> str:
    return DASH if value is None else indonesian_number(value)


def _tally(tally: Tally | None) -> str:
    return DASH if tally is None else f"{tally.met} / {tally.missed}"


def _cells(row: ReportRow, first: str) -> tuple[str, ...]:
    availability = row.availability
    if availability is None or availability.achieved is None:
        available = DASH
    else:
        available = f"{_number(availability.achieved)}% ({_number(availability.target)}%)"
    satisfaction = DASH
    if row.rated:
        satisfaction = f"{_number(row.rating_mean)} ({row.rating_count})"
    return (
        first,
        str(row.cases),
        _tally(row.response),
        _tally(row.resolution),
        _tally(row.fulfilment),
        f"{_number(row.median_hours)} / {_number(row.p90_hours)}",
        available,
        satisfaction,
        str(row.backlog),
    )


def _table(rows: list[tuple[str, ...]]) -> Table:
    return Table(rows=tuple(rows), header=_HEADER, widths=_WIDTHS)


def report_document(
    report: ServiceLevelReport, letterhead: Letterhead, issued_on: date, scope: str
) -> Document:
    """The report laid out as a `Document`; `scope` says whose services it covers."""
    period = report.period
    totals = [r for r in report.rows if r.procedure is None]
    procedures = [r for r in report.rows if r.procedure is not None]
    empty = Paragraph("Tidak ada kasus dalam periode ini.")
    sections = [
        Section(
            "Ringkasan per layanan",
            (_table([_cells(r, f"{r.service.code} {r.service.name}") for r in totals]),)
            if totals
            else (empty,),
        ),
        Section(
            "Per layanan dan prosedur",
            (
                _table(
                    [
                        _cells(r, f"{r.service.code}: {r.procedure_name or r.procedure}")
                        for r in procedures
                    ]
                ),
            )
            if procedures
            else (empty,),
        ),
    ]
    if len(report.trend) > 1:
        trend = [
            _cells(row, f"{month} {row.service.code}")
            for month, rows in report.trend
            for row in rows
            if row.procedure is None
        ]
        sections.append(Section("Tren bulanan", (_table(trend),) if trend else (empty,)))
    sections.append(Section("Cara menghitung", (Paragraph(HOW),)))
    span = f"{indonesian_date(period.first)} s.d. {indonesian_date(period.last)}"
    return Document(
        title=TITLE,
        letterhead=letterhead,
        issued_on=issued_on,
        sections=tuple(sections),
        subtitle=f"{scope} · {span}",
        footer=f"{TITLE} {period.first.isoformat()} s.d. {period.last.isoformat()}",
        author=letterhead.name,
    )


def report_heading(
    session: Session, reader: User, agency: str | None, service: str | None
) -> tuple[Letterhead, str]:
    """Whose letterhead the report carries and what it covers: the PD asked for, or the
    PD of the service asked for, else the reader's own PD over every service they see."""
    if service:
        row = session.scalar(select(Service).where(Service.code == service))
        if row is not None:
            return letterhead_of(row.agency), f"Layanan {row.code} {row.name}"
    if agency:
        found = session.scalar(select(Agency).where(Agency.code == agency))
        if found is not None:
            return letterhead_of(found), f"Layanan PD {found.name}"
    own = session.get(Agency, reader.agency_id) if reader.agency_id is not None else None
    heading = letterhead_of(own) if own is not None else KABUPATEN
    return heading, "Semua layanan yang dapat dilihat pembuat laporan"


def report_pdf(
    session: Session,
    clock: Clock,
    reader: User,
    report: ServiceLevelReport,
    agency: str | None = None,
    service: str | None = None,
) -> bytes:
    """The report `reader` asked for (with the PD or service filter they gave) as a PDF
    issued today in the kabupaten's zone, under the heading `report_heading` gives."""
    letterhead, scope = report_heading(session, reader, agency, service)
    today = clock.now().astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date()
    return render_pdf(report_document(report, letterhead, today, scope))
