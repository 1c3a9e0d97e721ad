"""The service-level report page (/laporan/tingkat-layanan, staff): per service and
procedure the figures `ServiceLevelService` counts for the API's
`/api/v1/reports/service-levels`, each a link to the cases behind it
(/laporan/tingkat-layanan/kasus), the trend by month, and the XLSX export.

Filters are the page's own names (`dari`, `sampai`, `pd`, `layanan`) for the service's
(`from`, `to`, `agency`, `service`); the service checks them, and a refusal is shown beside
its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import InvalidInput
from app.models import Agency, ProcessModel, Service
from app.request_scope import platform, session
from app.services.accounts.permissions import STAFF
from app.services.reports.service_level_document import report_pdf
from app.services.reports.service_level_table import report_table
from app.services.reports.service_levels import (
    AGEING,
    MEASURES,
    RATINGS,
    Period,
    ReportRow,
    ServiceLevelReport,
    ServiceLevelService,
)
from app.services.spreadsheet import MIME_TYPES
from app.web import nav
from app.web.access import me, permission_required
from app.web.i18n import current_language, half
from app.web.instances import deadline_badge, status_badge
from app.web.pages import blueprint

bp = blueprint("reports_page", __name__)
nav.register("reports_page.service_levels", _l("Laporan"), STAFF, order=48)

#: The page's query names for the service's fields.
FIELDS = {"from": "dari", "to": "sampai", "agency": "pd", "service": "layanan"}
#: How the table may be sorted: a key and the value it sorts a row by.
SORTS: dict[str, Callable[[ReportRow], Any]] = {
    "layanan": lambda row: (row.service.code, row.procedure or ""),
    "kasus": lambda row: row.cases,
    "median": lambda row: row.median_hours,
    "p90": lambda row: row.p90_hours,
    "ketersediaan": lambda row: row.availability.achieved if row.availability else None,
    "kepuasan": lambda row: row.rating_mean,
    "backlog": lambda row: row.backlog,
}
DEFAULT_SORT = "layanan"
#: What each figure of the drill-down is, in words.
MEASURE_LABELS = {
    "cases": _l("Kasus dalam periode"),
    "response_met": _l("Respons tercapai"),
    "response_missed": _l("Respons terlewat"),
    "resolution_met": _l("Penyelesaian tercapai"),
    "resolution_missed": _l("Penyelesaian terlewat"),
    "fulfilment_met": _l("Pemenuhan tercapai"),
    "fulfilment_missed": _l("Pemenuhan terlewat"),
    "timed": _l("Kasus dengan waktu selesai"),
    "rated": _l("Kasus yang dinilai"),
    "backlog": _l("Backlog"),
}


def _service() -> ServiceLevelService:
    return ServiceLevelService(session(), platform().clock, platform().instances(session()))


def _args() -> dict[str, str]:
    """The filters as given, for links that keep them."""
    return {v: request.args[v] for v in FIELDS.values() if request.args.get(v)}


def _period(service: ServiceLevelService, errors: dict[str, str]) -> Period | None:
    try:
        return service.period(request.args.get("dari"), request.args.get("sampai"))
    except InvalidInput as refused:
        _name_errors(refused, errors)
        return None


def _name_errors(refused: InvalidInput, errors: dict[str, str]) -> None:
    """The service's refusal, each message under the page's name of its field."""
    for field, messages in (refused.errors or {}).items():
        errors[FIELDS.get(field, field)] = half(messages[0])


def _sorted(rows: list[ReportRow], sort: str) -> list[ReportRow]:
    """`rows` by `sort` ("key" or "-key"); rows without a value last both ways."""
    key = SORTS[sort.lstrip("-")]
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=sort.startswith("-")) + missing


def _report(service: ServiceLevelService, errors: dict[str, str]) -> ServiceLevelReport | None:
    """The report the filters ask for, with its months; None after a refusal (in `errors`)."""
    period = _period(service, errors)
    if period is None or errors:
        return None
    try:
        return service.report(
            me(),
            period,
            agency=request.args.get("pd") or None,
            service=request.args.get("layanan") or None,
            by_month=True,
        )
    except InvalidInput as refused:
        _name_errors(refused, errors)
        return None


def _page(refusal: dict[str, str] | None = None) -> Any:
    """The report page; `refusal` names what is wrong besides the filters (the export's
    format) and withholds the report."""
    service = _service()
    errors = dict(refusal or {})
    sort = request.args.get("urut", DEFAULT_SORT)
    if sort.lstrip("-") not in SORTS:
        errors["urut"] = half("Urutan tidak dikenal / unknown sort order")
        sort = DEFAULT_SORT
    report = _report(service, errors)
    args = _args()
    return render_template(
        "reports/service_levels.html",
        report=None if errors else report,
        rows=_sorted(report.rows, sort) if report and not errors else [],
        errors=errors,
        args=args,
        sort=sort,
        sorted_by=lambda value: url_for(".service_levels", **{**args, "urut": value}),
        drill=lambda row, measure: url_for(
            ".cases",
            **args,
            layanan=row.service.code,
            **({"prosedur": row.procedure} if row.procedure else {}),
            ukuran=measure,
        ),
        ratings=RATINGS,
        ageing=[key for key, _ in AGEING],
        agencies=session().execute(select(Agency.code, Agency.name).order_by(Agency.name)),
        services=session().execute(select(Service.code, Service.name).order_by(Service.name)),
    ), (422 if errors else 200)


@bp.get("/laporan/tingkat-layanan")
@permission_required(STAFF)
def service_levels() -> Any:
    """The report for the chosen period, PD and service, sorted by `urut`."""
    return _page()


@bp.get("/laporan/tingkat-layanan/unduh")
@permission_required(STAFF)
def export() -> Any:
    """The report as XLSX or PDF (`format=xlsx|pdf`), with its months; a bad filter or
    format shows the page with its message (422)."""
    fmt = request.args.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf"):
        return _page(
            {
                "format": half(
                    "Format tidak dikenal; pilih xlsx atau pdf / unknown format; use xlsx or pdf"
                )
            }
        )
    errors: dict[str, str] = {}
    report = _report(_service(), errors)
    if report is None:
        return _page()
    if fmt == "pdf":
        content = report_pdf(
            session(),
            platform().clock,
            me(),
            report,
            agency=request.args.get("pd") or None,
            service=request.args.get("layanan") or None,
        )
        mimetype = "application/pdf"
    else:
        content = report_table(report, current_language()).to("xlsx", get_timezone())
        mimetype = MIME_TYPES["xlsx"]
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=tingkat-layanan.{fmt}"},
    )


@bp.get("/laporan/tingkat-layanan/kasus")
@permission_required(STAFF)
def cases() -> Any:
    """The cases behind one figure: `layanan`, `prosedur` (none: every procedure) and
    `ukuran` (the figure, `MEASURES`), over the report's period."""
    service = _service()
    errors: dict[str, str] = {}
    measure = request.args.get("ukuran", "")
    if measure not in MEASURES:
        errors["ukuran"] = half("Ukuran tidak dikenal / unknown measure")
    period = _period(service, errors)
    found = []
    if period is not None and not errors:
        try:
            found = service.cases(
                me(),
                period,
                measure,
                service=request.args.get("layanan") or None,
                procedure=request.args.get("prosedur") or None,
                agency=request.args.get("pd") or None,
            )
        except InvalidInput as refused:
            _name_errors(refused, errors)
    names = {m: n for m, n in session().execute(select(ProcessModel.id, ProcessModel.name))}
    return render_template(
        "reports/cases.html",
        cases=found,
        errors=errors,
        args=_args(),
        measure=MEASURE_LABELS.get(measure, measure),
        period=period,
        procedure=request.args.get("prosedur"),
        procedures=names,
        status_badge=status_badge,
        deadline_badge=deadline_badge,
        now=platform().clock.now(),
    ), (422 if errors else 200)
