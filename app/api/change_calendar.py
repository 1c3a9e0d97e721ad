"""The change calendar: scheduled changes in a date range (Kepbup Polewali Mandar
685/2021, II.4: changes are scheduled and the schedule is published)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.present import linked_dict
from app.api.schemas import ChangeCalendarQuerySchema, ScheduledChangeSchema
from app.services.catalog.change_calendar import scheduled_changes

blp = Blueprint(
    "change_calendar",
    __name__,
    url_prefix="/api/v1/change-calendar",
    description="Kalender perubahan",
)


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(ChangeCalendarQuerySchema, location="query")
@blp.response(200, ScheduledChangeSchema(many=True))
@blp.alt_response(422, description="`to` not after `from`, or more than a year")
def calendar(query: dict[str, Any]) -> list[dict[str, Any]]:
    """Changes the caller may see whose window overlaps [from, to), earliest first."""
    changes = scheduled_changes(
        platform().instances(session()), current_user(), query["from_"], query["to"]
    )
    return [
        {
            **linked_dict(change.instance),
            "title": change.instance.data.get("judul"),
            "service": change.instance.service.code if change.instance.service else None,
            "starts_at": change.starts_at,
            "ends_at": change.ends_at,
        }
        for change in changes
    ]
