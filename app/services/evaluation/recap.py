"""The evaluation report's recap, counted from the records (issue 15, item 3).

Perbup Bangka 21/2025, 2.3 angka 6 huruf a asks each chapter of the evaluation report for
the recap of how many services met their targets. Staff typed those figures by hand; the
evaluation procedure (processes/evaluasi.bpmn) now asks `rekap_evaluasi(perangkat_daerah,
periode)` (app/engine/script_context.py) before its chapter tasks, and this module answers
it with the figures of the service-level report (app/services/reports/service_levels.py,
item 2) over the same semester, so the chapters and the report cannot disagree.

Each chapter reads the report's rows of one procedure (`CHAPTER_PROCEDURES`):

* **Services counted** are those with cases of that procedure reported in the semester;
  the monitoring chapter also counts every service whose availability was measured
  (target 2.1.2.4, the figures of /ketersediaan), since availability is its target.
* A service **met its targets** when none of its cases missed a target (response,
  resolution, fulfilment: the clocks' own verdicts) and, in the monitoring chapter, its
  availability did not fall short.
* The **missed cases** are the report's drill-down (`ServiceLevelService.cases`) of the
  missed measures, with the case's page.

The semester is whole days in the PD's zone (the kabupaten's without a PD); the system
counts every case, not what one reader may see: the report is the PD's. A kabupaten-wide
evaluation (no PD; Perbup Bangka 21/2025, 2.3 angka 3) counts every PD's services, each
as its own PD's recap counts it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.clock import Clock
from app.engine.script_context import ScriptContext, empty_chapter
from app.models import Instance
from app.services.catalog.codes import catalog_codes
from app.services.deadlines.availability import Visibility
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE, scope_calendar
from app.services.evaluation.maturity import Period as Semester
from app.services.evaluation.maturity import case_url
from app.services.reports.service_levels import (
    Period,
    ReportRow,
    ServiceLevelService,
    Tally,
)

#: Which procedure (model id) each chapter of 2.3 angka 5 recaps.
CHAPTER_PROCEDURES: dict[str, str] = {
    "permintaan_layanan": "permintaan-layanan",
    "penanganan_gangguan": "penanganan-aduan",
    "pemantauan_pemeliharaan": "pemantauan-pemeliharaan",
    "pemulihan_layanan": "pemulihan-layanan",
    "rilis_layanan": "rilis-layanan",
}
#: The chapter whose target is availability (2.1.2.4; 2.2.2.1).
AVAILABILITY_CHAPTER = "pemantauan_pemeliharaan"
#: The report's measures and the chapter's words for them (target names in Indonesian).
TARGETS = (
    ("response", "tanggap"),
    ("resolution", "penyelesaian"),
    ("fulfilment", "pemenuhan"),
)


class EvaluationRecap:
    """Counts each chapter's recap of a PD's semester; changes nothing."""

    def __init__(self, session: Session, clock: Clock, visibility: Visibility) -> None:
        """`visibility` is the report service's collaborator; the system reads all."""
        self.session = session
        self.clock = clock
        self.report_service = ServiceLevelService(session, clock, visibility)

    def period(self, agency: str | None, semester: str) -> Period:
        """The semester `semester` ("TTTT-S1"/"TTTT-S2") as whole days in the PD's zone.

        Raises:
            InvalidInput: not a semester of 2000-2100, or an unknown PD ("agency").
        """
        dates = Semester.parse(semester)
        zone = DEFAULT_TIME_ZONE
        if agency:
            agency_id = catalog_codes(self.session).agencies.get(agency)
            if agency_id is not None:
                zone = scope_calendar(self.session, None, agency_id, self.clock.now()).time_zone
        return Period(dates.first, dates.end - timedelta(days=1), ZoneInfo(zone))

    def chapters(self, agency: str | None, semester: str) -> dict[str, Any]:
        """Each chapter's recap (`CHAPTER_PROCEDURES`, the engine's `EVALUATION_CHAPTERS`)
        of PD `agency` (None: every PD) over `semester`, as `rekap_evaluasi` gives it to
        the diagram.

        Raises:
            InvalidInput: as `period`, or an unknown PD ("agency").
        """
        period = self.period(agency, semester)
        # A PD's report lists each of its services, with its availability, even without
        # cases; the report of no PD lists only services with cases. The whole kabupaten
        # is therefore every PD's report: each service belongs to exactly one PD.
        codes = [agency] if agency else sorted(catalog_codes(self.session).agencies)
        rows = [
            row
            for code in codes
            for row in self.report_service.report(None, period, agency=code).rows
        ]
        missed = self._missed(period, agency)
        recap = {}
        for chapter, procedure in CHAPTER_PROCEDURES.items():
            entries = [
                _service_entry(row, chapter == AVAILABILITY_CHAPTER)
                for row in _chapter_rows(rows, procedure, chapter == AVAILABILITY_CHAPTER)
            ]
            met = sum(1 for entry in entries if entry["mencapai_target"])
            recap[chapter] = {
                **empty_chapter(),
                "jumlah_layanan": len(entries),
                "jumlah_mencapai_target": met,
                "semua_target_tercapai": met == len(entries),
                "layanan": entries,
                "kasus_tidak_tercapai": missed.get(procedure, []),
            }
        return recap

    def _missed(self, period: Period, agency: str | None) -> dict[str, list[dict[str, Any]]]:
        """The cases that missed a target, by procedure, oldest first, each once with
        every target it missed."""
        targets: dict[int, list[str]] = defaultdict(list)
        cases: dict[int, Instance] = {}
        for measure, words in TARGETS:
            for case in self.report_service.cases(None, period, f"{measure}_missed", agency=agency):
                targets[case.id].append(words)
                cases[case.id] = case
        codes = {v: k for k, v in catalog_codes(self.session).services.items()}
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for case in sorted(cases.values(), key=lambda c: (c.started_at, c.id)):
            found[case.process_model_id].append(
                {
                    "nomor_referensi": case.reference,
                    "tautan": case_url(case.id),
                    "layanan": codes.get(case.service_id or 0),
                    "target_tidak_tercapai": ", ".join(targets[case.id]),
                }
            )
        return dict(found)


def _chapter_rows(rows: list[ReportRow], procedure: str, availability: bool) -> list[ReportRow]:
    """The service rows a chapter counts: its procedure's, and for the availability
    chapter each service's total row whose availability was measured (merged with the
    procedure's row when both exist: the procedure's cases, the total's availability)."""
    chosen: dict[int, ReportRow] = {}
    for row in rows:
        if row.procedure == procedure:
            chosen[row.service.id] = row
    if availability:
        for row in rows:
            measured = row.availability
            if row.procedure is not None or measured is None or measured.achieved is None:
                continue
            own = chosen.get(row.service.id)
            chosen[row.service.id] = replace(own, availability=measured) if own else row
    return sorted(chosen.values(), key=lambda row: row.service.code)


def _service_entry(row: ReportRow, availability: bool) -> dict[str, Any]:
    """One service's figures in a chapter (keys in the chapter's words)."""
    entry: dict[str, Any] = {
        "layanan": row.service.code,
        "nama_layanan": row.service.name,
        "jumlah_kasus": row.cases if row.procedure is not None else 0,
    }
    missed = False
    for measure, words in TARGETS:
        tally: Tally | None = getattr(row, measure)
        if row.procedure is None:  # a total row stands for availability only
            tally = None
        entry[f"{words}_tercapai"] = tally.met if tally else None
        entry[f"{words}_tidak_tercapai"] = tally.missed if tally else None
        missed = missed or bool(tally and tally.missed)
    figures = row.availability if availability else None
    entry["ketersediaan_target_persen"] = figures.target if figures else None
    entry["ketersediaan_tercapai_persen"] = figures.achieved if figures else None
    entry["ketersediaan_tercapai"] = figures.met if figures else None
    entry["mencapai_target"] = not missed and (figures is None or figures.met is not False)
    return entry


def with_evaluation(
    context: ScriptContext, session: Session, clock: Clock, visibility: Visibility
) -> ScriptContext:
    """`context` whose `rekap_evaluasi` counts from this session's records."""
    return replace(context, evaluation=EvaluationRecap(session, clock, visibility).chapters)
