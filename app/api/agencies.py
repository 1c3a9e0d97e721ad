"""Agencies (PD): anyone signed in reads; Admin Sistem creates and changes."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.present import agency_dict
from app.api.schemas import AgencySchema, AgencyUpdateSchema
from app.services.catalog.agencies import AgencyService

blp = Blueprint("agencies", __name__, url_prefix="/api/v1/agencies", description="Perangkat Daerah")


def _service() -> AgencyService:
    return AgencyService(session(), platform().clock, current_user())


@blp.route("", methods=["GET"])
@authenticated
@blp.response(200, AgencySchema(many=True))
def list_agencies() -> list[dict[str, Any]]:
    """Every agency."""
    return [agency_dict(a) for a in _service().all()]


@blp.route("", methods=["POST"])
@authenticated
@blp.arguments(AgencySchema)
@blp.response(201, AgencySchema)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(409, description="Code taken")
def create_agency(body: dict[str, Any]) -> dict[str, Any]:
    """Add an agency."""
    agency = _service().create(
        body["code"],
        body["name"],
        body["timezone"],
        body["sla_scheme"],
        body["escalation_warning_percent"],
        body["recurring_complaints"],
        body["recurrence_window_days"],
    )
    session().commit()
    return agency_dict(agency)


@blp.route("/<string:code>", methods=["GET"])
@authenticated
@blp.response(200, AgencySchema)
def get_agency(code: str) -> dict[str, Any]:
    """One agency."""
    return agency_dict(_service().get(code))


@blp.route("/<string:code>", methods=["PATCH"])
@authenticated
@blp.arguments(AgencyUpdateSchema)
@blp.response(200, AgencySchema)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(
    422,
    description="Unknown time zone or scheme, warning point outside 1..99, recurrence count "
    "outside 2..100 or window outside 1..366 days",
)
def update_agency(body: dict[str, Any], code: str) -> dict[str, Any]:
    """Rename an agency, change its time zone, SLA scheme, escalation warning point, or how
    many complaints within how many days open a problem."""
    agency = _service().update(
        code,
        body.get("name"),
        body.get("timezone"),
        body.get("sla_scheme"),
        body.get("escalation_warning_percent"),
        body.get("recurring_complaints"),
        body.get("recurrence_window_days"),
    )
    session().commit()
    return agency_dict(agency)
