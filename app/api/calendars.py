"""Working calendars: anyone signed in reads them and computes deadlines; Admin Sistem edits.

`{key}` is an agency code, or `default` for the kabupaten-wide calendar that every PD
without office hours of its own works by. Times are ISO-8601 with the calendar's offset.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_smorest import Blueprint

from app.api.deps import authenticated, current_user, platform, session
from app.api.schemas import (
    CalendarQuerySchema,
    CalendarSchema,
    DayOffSchema,
    DeadlineQuerySchema,
    DeadlineSchema,
    OfficeHoursSchema,
)
from app.errors import InvalidInput
from app.services.deadlines.calendars import (
    DEFAULT_KEY,
    CalendarService,
    CalendarView,
    DayOff,
    Deadline,
)

blp = Blueprint(
    "calendars",
    __name__,
    url_prefix="/api/v1/calendars",
    description="Kalender kerja: jam kerja PD, hari libur nasional, cuti bersama, libur daerah",
)


def _service() -> CalendarService:
    return CalendarService(session(), platform().clock, current_user())


def _agency_code(key: str) -> str | None:
    """The agency code a key names; None for the default calendar."""
    return None if key == DEFAULT_KEY else key


@blp.route("/<string:key>", methods=["GET"])
@authenticated
@blp.arguments(CalendarQuerySchema, location="query")
@blp.response(200, CalendarSchema)
@blp.alt_response(404, description="No such agency")
def get_calendar(query: dict[str, Any], key: str) -> CalendarView:
    """Office hours, where they come from, and the days off of `year` (default: this year)."""
    return _service().view(_agency_code(key), query.get("year"))


@blp.route("/<string:key>/office-hours", methods=["PUT"])
@authenticated
@blp.arguments(OfficeHoursSchema)
@blp.response(200, CalendarSchema)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(422, description="Malformed or overlapping intervals, or never open")
def set_office_hours(body: dict[str, Any], key: str) -> CalendarView:
    """Replace the office hours (audited with the hours before and after)."""
    view = _service().set_office_hours(_agency_code(key), body["office_hours"])
    session().commit()
    return view


@blp.route("/<string:key>/office-hours", methods=["DELETE"])
@authenticated
@blp.response(200, CalendarSchema)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(422, description="The default calendar has nothing to fall back to")
def reset_office_hours(key: str) -> CalendarView:
    """Return a PD to the default calendar's office hours."""
    view = _service().reset(_agency_code(key))
    session().commit()
    return view


@blp.route("/<string:key>/regional-days", methods=["POST"])
@authenticated
@blp.arguments(DayOffSchema)
@blp.response(201, DayOffSchema)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(409, description="Already a regional day of this calendar")
def add_regional_day(body: dict[str, Any], key: str) -> DayOff:
    """Add a regional day off (libur daerah); on `default`, for every PD."""
    day = _service().add_regional_day(_agency_code(key), body["day"], body["name"])
    session().commit()
    return day


@blp.route("/<string:key>/regional-days/<string:day>", methods=["DELETE"])
@authenticated
@blp.response(204)
@blp.alt_response(403, description="Admin Sistem only")
@blp.alt_response(404, description="Not a regional day of this calendar")
def remove_regional_day(key: str, day: str) -> None:
    """Remove a regional day off."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("Tanggal tidak valid / invalid date", {"day": ["YYYY-MM-DD"]}) from None
    _service().remove_regional_day(_agency_code(key), when)
    session().commit()


@blp.route("/<string:key>/deadline", methods=["GET"])
@authenticated
@blp.arguments(DeadlineQuerySchema, location="query")
@blp.response(200, DeadlineSchema)
@blp.alt_response(404, description="No such agency or service")
@blp.alt_response(422, description="Bad start or duration, or a service of another PD")
def deadline(query: dict[str, Any], key: str) -> Deadline:
    """When `duration` of working time after `start` ends, with the rule of every stretch."""
    return _service().deadline(
        _agency_code(key), query["service"], query["start"], query["duration"]
    )
