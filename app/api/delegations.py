"""Acting officials (Plt/Plh): Admin Sistem records them; users see their own."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import DelegationQuerySchema, DelegationSchema
from app.services.accounts.delegations import DelegationService

blp = Blueprint(
    "delegations",
    __name__,
    url_prefix="/api/v1/delegations",
    description="Pelaksana tugas / pelaksana harian (Plt/Plh)",
)


def _service() -> DelegationService:
    return DelegationService(session(), platform().clock, current_user())


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(DelegationQuerySchema, location="query")
@blp.response(200, DelegationSchema(many=True))
def list_delegations(query: dict[str, str]) -> list[dict[str, Any]]:
    """Delegations; Admin Sistem sees all, others those they give or receive."""
    service = _service()
    return [service.facts(d) for d in service.all(query.get("username"))]


@blp.route("", methods=["POST"])
@authenticated
@blp.arguments(DelegationSchema)
@blp.response(201, DelegationSchema)
@blp.alt_response(422, description="Invalid delegation")
def create_delegation(body: dict[str, Any]) -> dict[str, Any]:
    """Let a user act as a role holder for a time range, under a decree."""
    service = _service()
    delegation = service.create(
        kind=body["kind"],
        delegate=body["delegate"],
        principal=body["principal"],
        role=body["role"],
        starts_at=body["starts_at"],
        ends_at=body["ends_at"],
        decree_reference=body["decree_reference"],
        service_code=body["service"],
        agency_code=body["agency"],
    )
    session().commit()
    return service.facts(delegation)


@blp.route("/<int:delegation_id>/end", methods=["POST"])
@authenticated
@blp.response(200, DelegationSchema)
def end_delegation(delegation_id: int) -> dict[str, Any]:
    """End a delegation now."""
    service = _service()
    delegation = service.end(delegation_id)
    facts = service.facts(delegation)
    session().commit()
    return facts
