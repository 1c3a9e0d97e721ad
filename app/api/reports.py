"""Reports counted from the records (issue 15): the service-level report per service and
procedure, and the cases behind each of its figures. Anyone signed in may ask; only the
cases the caller may see are counted (the instance list's rule), while availability is
the catalog's figure, the same for every reader."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.deps import authenticated, current_user, platform, reader_language, session
from app.services.reports.service_level_document import report_pdf
from app.services.reports.service_level_table import report_table
from app.services.reports.service_levels import (
    AGEING,
    MEASURES,
    RATINGS,
    ReportRow,
    ServiceLevelService,
    Tally,
)
from app.services.spreadsheet import MIME_TYPES

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Laporan dari catatan: tingkat layanan per layanan dan prosedur",
)

_PLAIN = validate.Length(min=1, max=40)


class ServiceLevelQuerySchema(Schema):
    from_ = fields.String(
        data_key="from",
        validate=validate.Length(max=10),
        metadata={
            "format": "date",
            "description": "First day (YYYY-MM-DD, in the kabupaten's zone); default the "
            "first of `to`'s month",
        },
    )
    to = fields.String(
        validate=validate.Length(max=10),
        metadata={
            "format": "date",
            "description": "Last day, included; not before `from`, at most 366 days in all; "
            "default today (or `from`, when later)",
        },
    )
    agency = fields.String(
        validate=_PLAIN,
        metadata={"description": "A PD's code: its services only", "x-options": "agencies"},
    )
    service = fields.String(
        validate=_PLAIN,
        metadata={"description": "A service's code: that service only", "x-options": "services"},
    )
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "xlsx", "pdf"]),
        metadata={
            "description": "`json`, or the report as a file: `xlsx` (one row per report "
            "row), `pdf` (the PD's letterhead, totals, procedures, trend, how it is counted)"
        },
    )
    by = fields.String(
        load_default="period",
        validate=validate.OneOf(["period", "month"]),
        metadata={
            "description": "`month` adds `trend`: the same rows for each month of the "
            "period (in the XLSX, after the period's rows, their month in the first column)"
        },
    )


class ServiceLevelCasesQuerySchema(ServiceLevelQuerySchema):
    class Meta:
        exclude = ("format", "by")

    measure = fields.String(
        required=True,
        validate=validate.OneOf(MEASURES),
        metadata={"description": "The figure whose cases to list"},
    )
    procedure = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "A procedure's id (its row); none: the service's total row"},
    )


class TallySchema(Schema):
    met = fields.Integer()
    missed = fields.Integer()


class AvailabilityFiguresSchema(Schema):
    target = fields.Float(allow_none=True, metadata={"description": "Percent, from the catalog"})
    achieved = fields.Float(allow_none=True, metadata={"description": "Percent, floored"})
    met = fields.Boolean(allow_none=True)


class SatisfactionSchema(Schema):
    mean = fields.Float(allow_none=True)
    count = fields.Integer()
    distribution = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Rating 1-5"}
    )


class ServiceLevelRowSchema(Schema):
    service = fields.String()
    service_name = fields.String()
    agency = fields.String()
    procedure = fields.String(
        allow_none=True, metadata={"description": "null: the service's total row"}
    )
    procedure_name = fields.String(allow_none=True)
    month = fields.String(allow_none=True, metadata={"description": "YYYY-MM, in `trend`"})
    cases = fields.Integer(metadata={"description": "Cases reported in the period"})
    response = fields.Nested(TallySchema, allow_none=True)
    resolution = fields.Nested(TallySchema, allow_none=True)
    fulfilment = fields.Nested(TallySchema, allow_none=True)
    median_hours = fields.Float(allow_none=True, metadata={"description": "Working hours"})
    p90_hours = fields.Float(allow_none=True, metadata={"description": "Nearest rank"})
    availability = fields.Nested(AvailabilityFiguresSchema, allow_none=True)
    satisfaction = fields.Nested(SatisfactionSchema, allow_none=True)
    backlog = fields.Integer(metadata={"description": "Open at the end of the period"})
    backlog_ageing = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "The backlog by days open: " + ", ".join(k for k, _ in AGEING)},
    )


class ServiceLevelMonthSchema(Schema):
    month = fields.String()
    rows = fields.List(fields.Nested(ServiceLevelRowSchema))


class ServiceLevelReportSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    rows = fields.List(fields.Nested(ServiceLevelRowSchema))
    trend = fields.List(fields.Nested(ServiceLevelMonthSchema))


class ServiceLevelCaseSchema(Schema):
    id = fields.Integer()
    reference = fields.String(allow_none=True)
    process_model_id = fields.String()
    status = fields.String()
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)


class ServiceLevelCasesSchema(Schema):
    items = fields.List(fields.Nested(ServiceLevelCaseSchema))


def _tally(tally: Tally | None) -> dict[str, int] | None:
    return None if tally is None else {"met": tally.met, "missed": tally.missed}


def row_dict(row: ReportRow) -> dict[str, Any]:
    """One report row as `ServiceLevelRowSchema` dumps it."""
    availability = row.availability
    return {
        "service": row.service.code,
        "service_name": row.service.name,
        "agency": row.service.agency.code,
        "procedure": row.procedure,
        "procedure_name": row.procedure_name,
        "month": row.month,
        "cases": row.cases,
        "response": _tally(row.response),
        "resolution": _tally(row.resolution),
        "fulfilment": _tally(row.fulfilment),
        "median_hours": row.median_hours,
        "p90_hours": row.p90_hours,
        "availability": None
        if availability is None
        else {
            "target": availability.target,
            "achieved": availability.achieved,
            "met": availability.met,
        },
        "satisfaction": {
            "mean": row.rating_mean,
            "count": row.rating_count,
            "distribution": {str(r): row.ratings[r] for r in RATINGS},
        }
        if row.rated
        else None,
        "backlog": row.backlog,
        "backlog_ageing": row.ageing(),
    }


def _service() -> ServiceLevelService:
    return ServiceLevelService(session(), platform().clock, platform().instances(session()))


@blp.route("/service-levels", methods=["GET"])
@authenticated
@blp.arguments(ServiceLevelQuerySchema, location="query")
@blp.response(200, ServiceLevelReportSchema)
@blp.alt_response(
    422,
    description="A bad date, `to` before `from` or more than 366 days, or an unknown PD or "
    "service (errors name the field)",
)
def service_levels(query: dict[str, Any]) -> Any:
    """Per service (its total row, `procedure` null) and per procedure: cases, response,
    resolution and fulfilment targets met and missed, median and p90 working hours,
    availability against target, satisfaction and backlog; null where it does not apply."""
    service = _service()
    period = service.period(query.get("from_"), query.get("to"))
    report = service.report(
        current_user(),
        period,
        agency=query.get("agency"),
        service=query.get("service"),
        by_month=query["by"] == "month",
    )
    if query["format"] == "pdf":
        content = report_pdf(
            session(),
            platform().clock,
            current_user(),
            report,
            agency=query.get("agency"),
            service=query.get("service"),
        )
        return Response(
            content,
            mimetype="application/pdf",
            headers={"Content-Disposition": "attachment; filename=tingkat-layanan.pdf"},
        )
    if query["format"] == "xlsx":
        return Response(
            report_table(report, reader_language()).to("xlsx"),
            mimetype=MIME_TYPES["xlsx"],
            headers={"Content-Disposition": "attachment; filename=tingkat-layanan.xlsx"},
        )
    return {
        "from_": period.first,
        "to": period.last,
        "rows": [row_dict(row) for row in report.rows],
        "trend": [
            {"month": month, "rows": [row_dict(row) for row in rows]}
            for month, rows in report.trend
        ],
    }


@blp.route("/service-levels/cases", methods=["GET"])
@authenticated
@blp.arguments(ServiceLevelCasesQuerySchema, location="query")
@blp.response(200, ServiceLevelCasesSchema)
@blp.alt_response(422, description="As for the report, or an unknown measure")
def service_level_cases(query: dict[str, Any]) -> dict[str, Any]:
    """The cases behind one figure of the report: the row of `service` and `procedure`,
    the figure `measure` (e.g. `fulfilment_missed`, `backlog`), oldest first."""
    service = _service()
    period = service.period(query.get("from_"), query.get("to"))
    cases = service.cases(
        current_user(),
        period,
        query["measure"],
        service=query.get("service"),
        procedure=query.get("procedure"),
        agency=query.get("agency"),
    )
    return {
        "items": [
            {
                "id": case.id,
                "reference": case.reference,
                "process_model_id": case.process_model_id,
                "status": case.status,
                "started_at": case.started_at,
                "ended_at": case.ended_at,
            }
            for case in cases
        ]
    }
