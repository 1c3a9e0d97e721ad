"""Availability per service and period, computed from outages (Kepbup Polewali Mandar
685/2021, III.4): anyone signed in reads the figures, as they read the catalog; an outage
or downtime window is named only to those who may see its case.

Times are ISO-8601 in the service's calendar zone; minutes are rounded to the hundredth,
hours to the thousandth, and the achieved percentage is floored to the thousandth (see
`app.sla.availability`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.deps import authenticated, current_user, platform, session
from app.services.deadlines.availability import AvailabilityService, ServiceAvailability
from app.sla.availability import Share

blp = Blueprint(
    "availability",
    __name__,
    url_prefix="/api/v1",
    description="Ketersediaan layanan: pencapaian terhadap target, MTBF dan MTRS",
)

_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)


class AvailabilityQuerySchema(Schema):
    from_ = fields.AwareDateTime(
        required=True, data_key="from", metadata={"description": "Start, with a UTC offset"}
    )
    to = fields.AwareDateTime(
        required=True,
        metadata={"description": "End (exclusive), after `from`, at most 366 days later"},
    )


class AvailabilityShareSchema(Schema):
    instance_id = fields.Integer(
        allow_none=True, metadata={"description": "The case; null when the reader may not see it"}
    )
    reference = fields.String(allow_none=True)
    from_ = fields.DateTime(data_key="from", metadata={"description": "Clipped to the period"})
    to = fields.DateTime(metadata={"description": "Clipped to the period"})
    minutes = fields.Float(
        metadata={"description": "Its share: agreed service time not counted by an earlier one"}
    )


class AvailabilityOutageSchema(AvailabilityShareSchema):
    open = fields.Boolean(metadata={"description": "Not resolved by the end of the period"})


class AvailabilitySchema(Schema):
    service = fields.String()
    from_ = fields.DateTime(data_key="from")
    to = fields.DateTime()
    measured_until = fields.DateTime(metadata={"description": "`to`, or now if `to` is later"})
    time_zone = fields.String()
    support_hours = fields.String(metadata={"enum": ["24x7", "kalender"]})
    vital_business_functions = fields.String(
        metadata={"description": "What must keep working (Polewali III.4.a.1), from the catalog"}
    )
    target = fields.Float(allow_none=True, metadata={"description": "Percent, from the catalog"})
    achieved = fields.Float(allow_none=True, metadata={"description": "Percent"})
    met = fields.Boolean(allow_none=True)
    service_minutes = fields.Float(metadata={"description": "Service hours in the period"})
    agreed_minutes = fields.Float(metadata={"description": "Service hours less agreed downtime"})
    downtime_minutes = fields.Float(metadata={"description": "Agreed downtime in service hours"})
    outage_minutes = fields.Float()
    breaks = fields.Integer(metadata={"description": "Separate outages with counted time"})
    mtbf_hours = fields.Float(allow_none=True)
    mtrs_hours = fields.Float(allow_none=True)
    outages = fields.List(fields.Nested(AvailabilityOutageSchema))
    agreed_downtime = fields.List(fields.Nested(AvailabilityShareSchema))


class AgencyAvailabilitySchema(Schema):
    agency = fields.String()
    from_ = fields.DateTime(data_key="from")
    to = fields.DateTime()
    services = fields.List(fields.Nested(AvailabilitySchema))


def _availability() -> AvailabilityService:
    return AvailabilityService(session(), platform().clock, platform().instances(session()))


def _minutes(duration: timedelta) -> float:
    return round(duration / _MINUTE, 2)


def _hours(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration / _HOUR, 3)


def _share(share: Share, measured: ServiceAvailability) -> dict[str, Any]:
    """One outage or window; named only when the reader may see its case."""
    named = share.key in measured.visible
    zone = ZoneInfo(measured.time_zone)
    return {
        "instance_id": share.key if named else None,
        "reference": share.reference if named else None,
        "from_": share.start.astimezone(zone),
        "to": share.end.astimezone(zone),
        "minutes": _minutes(share.counted),
    }


def availability_dict(measured: ServiceAvailability) -> dict[str, Any]:
    """A service's availability as `AvailabilitySchema` dumps it."""
    figures = measured.figures
    zone = ZoneInfo(measured.time_zone)
    achieved = figures.achieved
    return {
        "service": measured.service.code,
        "from_": measured.start.astimezone(zone),
        "to": measured.end.astimezone(zone),
        "measured_until": measured.measured_until.astimezone(zone),
        "time_zone": measured.time_zone,
        "support_hours": measured.service.support_hours,
        "vital_business_functions": measured.service.vital_business_functions,
        "target": figures.target,
        "achieved": None if achieved is None else float(achieved),
        "met": figures.met,
        "service_minutes": _minutes(figures.service_time),
        "agreed_minutes": _minutes(figures.agreed_time),
        "downtime_minutes": _minutes(figures.downtime),
        "outage_minutes": _minutes(figures.outage_time),
        "breaks": figures.breaks,
        "mtbf_hours": _hours(figures.mtbf),
        "mtrs_hours": _hours(figures.mtrs),
        "outages": [{**_share(share, measured), "open": share.open} for share in figures.outages],
        "agreed_downtime": [_share(share, measured) for share in figures.windows],
    }


@blp.route("/services/<string:code>/availability", methods=["GET"])
@authenticated
@blp.arguments(AvailabilityQuerySchema, location="query")
@blp.response(200, AvailabilitySchema)
@blp.alt_response(404, description="No such service")
@blp.alt_response(
    422,
    description="`from` or `to` missing, without an offset, or `to` not after `from` or "
    "more than 366 days later (errors name the field)",
)
def service_availability(query: dict[str, Any], code: str) -> dict[str, Any]:
    """The service's availability over [from, to) against its target, outage by outage."""
    measured = _availability().for_service(code, current_user(), query["from_"], query["to"])
    return availability_dict(measured)


@blp.route("/agencies/<string:code>/availability", methods=["GET"])
@authenticated
@blp.arguments(AvailabilityQuerySchema, location="query")
@blp.response(200, AgencyAvailabilitySchema)
@blp.alt_response(404, description="No such agency")
@blp.alt_response(422, description="As for a service's availability")
def agency_availability(query: dict[str, Any], code: str) -> dict[str, Any]:
    """The availability over [from, to) of every service of a PD, by service code."""
    start, end = query["from_"], query["to"]
    measured = _availability().for_agency(code, current_user(), start, end)
    return {
        "agency": code,
        "from_": start,
        "to": end,
        "services": [availability_dict(m) for m in measured],
    }
