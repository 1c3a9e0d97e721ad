"""How much working time is left before an instance's SLA deadlines, for inbox badges.

The deadlines themselves are the instance columns `deadlines.service_levels` keeps; this
module only measures the time from now to each of them on the instance's own working calendar,
so "sisa 2 jam kerja" counts office hours, not the night in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.models import Instance
from app.services.deadlines.calendars import scope_calendar
from app.sla.calendar import working_time_between

RESPONSE = "respons"
RESOLUTION = "penyelesaian"
#: Below this share of its target left, a running clock is shown as a warning.
WARNING_SHARE = 0.25


@dataclass(frozen=True)
class TimeLeft:
    """One clock against its deadline.

    Attributes:
        clock: RESPONSE or RESOLUTION.
        due_at: the deadline.
        stopped_at: when the clock stopped (responded or resolved), if it did.
        left: working time from now (or from the stop) to the deadline; negative when
            it passed, by the working time since.
        working_hours: False for a 24x7 service (every hour counts).
        warning: running with less than WARNING_SHARE of its target left.
    """

    clock: str
    due_at: datetime
    stopped_at: datetime | None
    left: timedelta
    working_hours: bool
    warning: bool

    @property
    def late(self) -> bool:
        """The deadline passed before the clock stopped."""
        return self.left < timedelta(0)


def time_left(session: Session, instance: Instance, now: datetime) -> list[TimeLeft]:
    """The response and resolution clocks that have a deadline, in that order."""
    calendar = scope_calendar(session, instance.service_id, instance.agency_id, now)
    readings = []
    for clock, due, stopped in (
        (RESPONSE, instance.response_due_at, instance.responded_at),
        (RESOLUTION, instance.resolution_due_at, instance.resolved_at),
    ):
        if due is None:
            continue
        at = stopped or now
        if at <= due:
            left = working_time_between(at, due, calendar)
        else:
            left = -working_time_between(due, at, calendar)
        total = working_time_between(instance.started_at, due, calendar)
        warning = stopped is None and left >= timedelta(0) and left <= total * WARNING_SHARE
        readings.append(TimeLeft(clock, due, stopped, left, not calendar.always_open, warning))
    return readings
