"""Periodic procedures per agency (monthly review, semester evaluation...): Admin Sistem
configures them; `spbe tick` / `spbe worker` start what is due."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import ScheduleCreateSchema, SchedulePatchSchema, ScheduleSchema
from app.services.accounts.permissions import ADMINISTER, require
from app.services.instances.schedules import ScheduleService

blp = Blueprint(
    "schedules", __name__, url_prefix="/api/v1/schedules", description="Jadwal prosedur berkala"
)


def _service() -> ScheduleService:
    return platform().schedules(session(), current_user())


@blp.route("", methods=["GET"])
@authenticated
@blp.response(200, ScheduleSchema(many=True))
@blp.alt_response(403, description="Admin Sistem only")
def list_schedules() -> list[dict[str, Any]]:
    """Every schedule, soonest first (Admin Sistem)."""
    require(session(), current_user(), ADMINISTER)
    service = _service()
    return [service.facts(s) for s in service.all()]


@blp.route("", methods=["POST"])
@authenticated
@blp.arguments(ScheduleCreateSchema)
@blp.response(201, ScheduleSchema)
@blp.alt_response(422, description="Unknown cycle, or start data the start form refuses")
def create_schedule(body: dict[str, Any]) -> dict[str, Any]:
    """Start a procedure every cycle from `next_at`, as `owner` (Admin Sistem)."""
    service = _service()
    schedule = service.create(
        body["process_model_id"],
        body["cycle"],
        body["next_at"],
        body["owner"],
        body.get("agency"),
        body.get("start_data"),
    )
    session().commit()
    return service.facts(schedule)


@blp.route("/<int:schedule_id>", methods=["PATCH"])
@authenticated
@blp.arguments(SchedulePatchSchema)
@blp.response(200, ScheduleSchema)
def patch_schedule(body: dict[str, Any], schedule_id: int) -> dict[str, Any]:
    """Pause (`active: false`) or resume a schedule (Admin Sistem)."""
    service = _service()
    schedule = service.set_active(schedule_id, body["active"])
    session().commit()
    return service.facts(schedule)


@blp.route("/<int:schedule_id>", methods=["DELETE"])
@authenticated
@blp.response(204)
def delete_schedule(schedule_id: int) -> None:
    """Remove a schedule (Admin Sistem); the instances it started stay."""
    _service().delete(schedule_id)
    session().commit()
