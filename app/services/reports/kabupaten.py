"""The kabupaten-wide view (issue 15, item 5): for Diskominfo, which runs SPBE for every
PD, and the Pimpinan, the service-level report folded by PD, by month and by service.

Nothing is counted here: every figure is a sum of the service-level report's rows
(`ServiceLevelService.report`, one total row per service), so the view, the report and its
drill-down agree and only what the reader may see is counted. What this adds is the fold:

* **By PD**: cases reported in the period, targets met and missed (response, resolution
  and fulfilment together) and the open backlog at the period's end.
* **By month**: the same for each month of the period (the trend).
* **Worst services**: those that missed the largest share of their decided targets,
  then the most targets, at most `WORST` of them; a service with none missed is not
  listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.models import Agency, Service
from app.services.reports.service_levels import ReportRow, ServiceLevelReport
from app.services.spreadsheet import Table, in_language

#: How many services the worst-services list holds.
WORST = 10


@dataclass
class Figures:
    """Cases, targets met and missed, and backlog, of a PD, a month or a service."""

    cases: int = 0
    met: int = 0
    missed: int = 0
    backlog: int = 0

    def add(self, row: ReportRow) -> None:
        """Add a service's total row."""
        self.cases += row.cases
        for tally in (row.response, row.resolution, row.fulfilment):
            if tally is not None:
                self.met += tally.met
                self.missed += tally.missed
        self.backlog += row.backlog

    @property
    def missed_share(self) -> float | None:
        """Missed over decided targets, in percent (one decimal); None without any."""
        decided = self.met + self.missed
        return round(100 * self.missed / decided, 1) if decided else None


@dataclass
class KabupatenView:
    """The fold of one report over the chosen PDs."""

    agencies: list[tuple[Agency, Figures]] = field(default_factory=list)
    months: list[tuple[str, Figures]] = field(default_factory=list)
    worst: list[tuple[Service, Figures]] = field(default_factory=list)

    @property
    def total(self) -> Figures:
        """Every chosen PD together."""
        whole = Figures()
        for _agency, figures in self.agencies:
            whole.cases += figures.cases
            whole.met += figures.met
            whole.missed += figures.missed
            whole.backlog += figures.backlog
        return whole


def _totals(rows: Iterable[ReportRow], codes: set[str]) -> list[ReportRow]:
    """The services' total rows (no procedure) of the chosen PDs."""
    return [r for r in rows if r.procedure is None and r.service.agency.code in codes]


def fold(report: ServiceLevelReport, agencies: Sequence[Agency]) -> KabupatenView:
    """`report` (asked for every PD, with its trend) folded over `agencies`, in their order."""
    codes = {agency.code for agency in agencies}
    rows = _totals(report.rows, codes)
    view = KabupatenView()
    by_agency = {agency.code: Figures() for agency in agencies}
    by_service: dict[int, tuple[Service, Figures]] = {}
    for row in rows:
        by_agency[row.service.agency.code].add(row)
        by_service.setdefault(row.service.id, (row.service, Figures()))[1].add(row)
    view.agencies = [(agency, by_agency[agency.code]) for agency in agencies]
    for month, month_rows in report.trend:
        figures = Figures()
        for row in _totals(month_rows, codes):
            figures.add(row)
        view.months.append((month, figures))
    ranked = [item for item in by_service.values() if item[1].missed]
    ranked.sort(key=lambda item: (-(item[1].missed_share or 0), -item[1].missed, item[0].code))
    view.worst = ranked[:WORST]
    return view


#: The view's three tables, as the page shows them and the exports write them.
TABLES = {
    "pd": (
        "Per PD / By agency",
        (
            "PD / Agency",
            "Kasus / Cases",
            "Target tercapai / Targets met",
            "Target terlewat / Targets missed",
            "% terlewat / % missed",
            "Backlog / Backlog",
        ),
    ),
    "bulan": (
        "Per bulan / By month",
        (
            "Bulan / Month",
            "Kasus / Cases",
            "Target tercapai / Targets met",
            "Target terlewat / Targets missed",
            "% terlewat / % missed",
            "Backlog / Backlog",
        ),
    ),
    "layanan": (
        "Layanan terburuk / Worst services",
        (
            "Layanan / Service",
            "PD / Agency",
            "Kasus / Cases",
            "Target tercapai / Targets met",
            "Target terlewat / Targets missed",
            "% terlewat / % missed",
            "Backlog / Backlog",
        ),
    ),
}


def _numbers(figures: Figures) -> list[int | float | None]:
    return [figures.cases, figures.met, figures.missed, figures.missed_share, figures.backlog]


def view_table(view: KabupatenView, name: str, language: str = "id") -> Table:
    """One of `TABLES` (`name`: "pd", "bulan" or "layanan") in `language`."""
    title, headers = TABLES[name]
    table = Table(in_language(title, language), [in_language(h, language) for h in headers])
    if name == "pd":
        table.rows = [[a.name, *_numbers(f)] for a, f in view.agencies]
    elif name == "bulan":
        table.rows = [[month, *_numbers(f)] for month, f in view.months]
    else:
        table.rows = [[s.name, s.agency.name, *_numbers(f)] for s, f in view.worst]
    return table
