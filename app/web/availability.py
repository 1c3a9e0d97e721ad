"""Availability per PD and month (/ketersediaan): each service's achieved availability
against its target, MTBF and MTRS, and the outages and agreed downtime behind the figure
(Kepbup Polewali Mandar 685/2021, III.4.b: "pemantauan, pengukuran, analisis tren, dan
pelaporan dari ketersediaan"), computed by `AvailabilityService` as the API's
`/api/v1/agencies/{code}/availability` is."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import Agency
from app.request_scope import platform, session
from app.services.accounts.permissions import STAFF
from app.services.deadlines.availability import AvailabilityService, month_of
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.web import nav
from app.web.access import me, permission_required
from app.web.pages import blueprint

bp = blueprint("availability_page", __name__)
nav.register("availability_page.index", _l("Ketersediaan"), STAFF, order=47)

_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)


def _month(text: str | None, now: datetime) -> tuple[str, datetime, datetime] | None:
    """The month `YYYY-MM` (default: the one before now) as its label and [start, end)
    in the kabupaten's zone (`month_of`); None when `text` is no such month."""
    if not text:
        first = now.astimezone(_ZONE).replace(day=1) - timedelta(days=1)
        text = f"{first.year:04d}-{first.month:02d}"
    month = month_of(text, _ZONE.key)
    if month is None or not 2000 <= month[0].year <= 2100:
        return None
    return text, *month


@bp.get("/ketersediaan")
@permission_required(STAFF)
def index() -> Any:
    """One PD's services over one month; `?pd=CODE&bulan=YYYY-MM` choose them."""
    agencies = list(session().scalars(select(Agency).order_by(Agency.name)))
    user = me()
    wanted = request.args.get("pd")
    agency = next((a for a in agencies if a.code == wanted), None) or next(
        (a for a in agencies if a.id == user.agency_id), agencies[0] if agencies else None
    )
    month = _month(request.args.get("bulan"), platform().clock.now())
    figures = []
    if agency is not None and month is not None:
        service = AvailabilityService(session(), platform().clock, platform().instances(session()))
        figures = service.for_agency(agency.code, user, month[1], month[2])
    return render_template(
        "availability/index.html",
        agencies=agencies,
        agency=agency,
        month=month[0] if month else request.args.get("bulan", ""),
        bad_month=month is None,
        figures=figures,
        minutes=lambda duration: round(duration / timedelta(minutes=1)),
        hours=lambda duration: None if duration is None else duration / timedelta(hours=1),
    )
