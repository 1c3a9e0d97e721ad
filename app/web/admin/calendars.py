"""Working calendars: office hours per PD or the kabupaten default, regional days off, and
a deadline tryout that shows which stretches count and why.

The same `CalendarService` calls as /api/v1/calendars/{key}; `key` is a PD code or
`default`. Office hours are typed one line per day ("07:30-12:00, 13:00-16:00"; empty
is closed) and judged by the service, whose problems name the day they are about.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import Conflict, DomainError
from app.request_scope import platform, session
from app.services.catalog.agencies import AgencyService
from app.services.catalog.services import CatalogService
from app.services.deadlines.calendars import (
    DEFAULT_KEY,
    FIRST_YEAR,
    LAST_YEAR,
    CalendarService,
    CalendarView,
    Deadline,
)
from app.sla.calendar import DAY_NAMES
from app.web.access import me
from app.web.admin.audit import trail
from app.web.admin.forms import REFUSED, FormState, local_moment, whole_number
from app.web.i18n import half

bp = Blueprint("calendars", __name__, url_prefix="/kalender")

#: Monday..Sunday as the form labels them (the service's problems use DAY_NAMES).
DAY_LABELS = (
    _l("Senin"),
    _l("Selasa"),
    _l("Rabu"),
    _l("Kamis"),
    _l("Jumat"),
    _l("Sabtu"),
    _l("Minggu"),
)
DAY_FIELDS = tuple(f"day{index}" for index in range(7))
SOURCE_LABELS = {
    "own": _l("jam kerja PD sendiri"),
    "default": _l("jam kerja bawaan kabupaten"),
    "built-in": _l("jam kerja pemerintah (Perpres 21/2023)"),
}
DEADLINE_FIELDS = ("start", "hours", "minutes", "service")


def _service() -> CalendarService:
    return CalendarService(session(), platform().clock, me())


def _agency_code(key: str) -> str | None:
    return None if key == DEFAULT_KEY else key


def _year() -> int | None:
    text = request.args.get("year", "")
    if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    return None


def _hours_state(view: CalendarView) -> FormState:
    return FormState(
        values={
            field: ", ".join(f"{opens}-{closes}" for opens, closes in day)
            for field, day in zip(DAY_FIELDS, view.office_hours, strict=True)
        }
    )


def _week(state: FormState) -> list[list[list[str]]]:
    """The typed days as the service takes them; a piece without '-' stays one value,
    so the service says it is not an [opens, closes] pair."""
    return [
        [
            [part.strip() for part in piece.split("-", 1)]
            for piece in state.values[field].split(",")
            if piece.strip()
        ]
        for field in DAY_FIELDS
    ]


def _local(moment: Any, zone: str) -> str:
    return format_datetime(moment, "EEE d MMM y HH:mm", tzinfo=ZoneInfo(zone), locale=get_locale())


def _render(
    key: str,
    status: int = 200,
    hours: FormState | None = None,
    regional: FormState | None = None,
    tryout: FormState | None = None,
    deadline: Deadline | None = None,
) -> Any:
    view = _service().view(_agency_code(key), _year())
    services = [
        (s.code, f"{s.code} — {s.name} ({s.support_hours})")
        for s in CatalogService(session(), platform().clock).all()
        if s.agency.code == view.agency
    ]
    return (
        render_template(
            "admin/calendar.html",
            view=view,
            days=list(zip(DAY_FIELDS, DAY_LABELS, strict=True)),
            sources=SOURCE_LABELS,
            hours=hours or _hours_state(view),
            regional=regional or FormState(),
            tryout=tryout or FormState(values={"hours": "3", "minutes": "0"}),
            deadline=deadline,
            local=lambda moment: _local(moment, view.time_zone),
            services=services,
            history=trail("calendar", view.key),
        ),
        status,
    )


@bp.get("/")
def index() -> Any:
    """The default calendar and every PD's, with where their office hours come from."""
    service = _service()
    views = [service.view(None)] + [
        service.view(agency.code) for agency in AgencyService(session(), platform().clock).all()
    ]
    return render_template("admin/calendars.html", views=views, sources=SOURCE_LABELS)


@bp.get("/<key>")
def show(key: str) -> Any:
    """One calendar: office hours, regional days and holidays of a year, the tryout."""
    return _render(key)


@bp.post("/<key>/jam-kerja")
def office_hours(key: str) -> Any:
    """Replace the office hours; every bad interval is named beside its day."""
    state = FormState.posted(request.form, DAY_FIELDS)
    try:
        _service().set_office_hours(_agency_code(key), _week(state))
    except DomainError as err:
        _place_hours(state, err)
        return _render(key, REFUSED, hours=state)
    session().commit()
    flash(_("Jam kerja disimpan."), "success")
    return redirect(url_for(".show", key=key))


def _place_hours(state: FormState, err: DomainError) -> None:
    problems = err.errors.get("office_hours") if isinstance(err.errors, dict) else None
    if not problems:
        state.refuse(err)
        return
    state.refuse(DomainError(err.message))  # the summary on top, each day's problem beside it
    for problem in problems:
        day = next((i for i, name in enumerate(DAY_NAMES) if problem.startswith(f"{name}:")), None)
        if day is None:
            state.messages.append(problem)
        else:
            state.add(DAY_FIELDS[day], problem)


@bp.post("/<key>/jam-kerja/reset")
def reset_office_hours(key: str) -> Any:
    """Return a PD to the default office hours."""
    try:
        _service().reset(_agency_code(key))
    except DomainError as err:
        if err.status in (403, 404):
            raise
        session().rollback()
        flash(half(err.message), "error")
        return _render(key, REFUSED)
    session().commit()
    flash(_("PD kembali memakai jam kerja bawaan."), "success")
    return redirect(url_for(".show", key=key))


@bp.post("/<key>/libur-daerah")
def add_regional_day(key: str) -> Any:
    """Add a regional day off (on the default calendar: for every PD)."""
    state = FormState.posted(request.form, ("day", "name"))
    try:
        day = date.fromisoformat(state.values["day"])
    except ValueError:
        state.add("day", _("Tanggal tidak valid (YYYY-MM-DD)."))
    if state.ok:
        try:
            _service().add_regional_day(_agency_code(key), day, state.values["name"])
        except DomainError as err:
            state.refuse(err, default="day" if isinstance(err, Conflict) else "name")
        else:
            session().commit()
            flash(_("Libur daerah %(day)s ditambahkan.", day=day.isoformat()), "success")
            return redirect(url_for(".show", key=key, year=day.year))
    return _render(key, REFUSED, regional=state)


@bp.post("/<key>/libur-daerah/<day>/hapus")
def remove_regional_day(key: str, day: str) -> Any:
    """Remove one regional day off of this calendar."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    _service().remove_regional_day(_agency_code(key), when)
    session().commit()
    flash(_("Libur daerah %(day)s dihapus.", day=day), "success")
    return redirect(url_for(".show", key=key, year=when.year))


@bp.get("/<key>/tenggat")
def deadline(key: str) -> Any:
    """Try a deadline: working time after a start, with the rule of every stretch."""
    view = _service().view(_agency_code(key))
    state = FormState.posted(request.args, DEADLINE_FIELDS)
    start = local_moment(state, "start", view.time_zone)
    hours = whole_number(state, "hours", low=0)
    minutes = whole_number(state, "minutes", required=False, low=0) or 0
    if not state.ok or start is None or hours is None:
        return _render(key, REFUSED, tryout=state)
    try:
        result = _service().deadline(
            _agency_code(key),
            state.values["service"] or None,
            start,
            timedelta(hours=hours, minutes=minutes),
        )
    except DomainError as err:
        state.refuse(err, default="start", aliases={"duration": "hours"})
        return _render(key, REFUSED, tryout=state)
    return _render(key, tryout=state, deadline=result)
