"""Perangkat Daerah: list, create and edit (code, name, time zone, SLA scheme, warning point,
and when recurring complaints open a problem)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.request_scope import platform, session
from app.services.catalog.agencies import (
    DEFAULT_RECURRENCE_WINDOW_DAYS,
    DEFAULT_RECURRING_COMPLAINTS,
    DEFAULT_WARNING_PERCENT,
    SLA_SCHEMES,
    TIMEZONES,
    AgencyService,
)
from app.web.access import me
from app.web.admin.audit import trail
from app.web.admin.forms import CODE_PATTERN, REFUSED, FormState, required_text, whole_number

bp = Blueprint("agencies", __name__, url_prefix="/pd")

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
SCHEME_LABELS = {
    "prioritas": _l("Prioritas (Tabel 2-4)"),
    "urgensi": _l("Urgensi (Tabel 11-14)"),
}
FIELDS = (
    "code",
    "name",
    "timezone",
    "sla_scheme",
    "escalation_warning_percent",
    "recurring_complaints",
    "recurrence_window_days",
)
#: The whole-number settings, as the service takes them after the name.
NUMBERS = ("escalation_warning_percent", "recurring_complaints", "recurrence_window_days")


def _service() -> AgencyService:
    return AgencyService(session(), platform().clock, me())


def _render(state: FormState, code: str | None, status: int = 200) -> Any:
    return (
        render_template(
            "admin/agency_form.html",
            state=state,
            code=code,
            timezones=[(zone, f"{zone} ({ZONE_NAMES.get(zone, zone)})") for zone in TIMEZONES],
            schemes=[(scheme, SCHEME_LABELS[scheme]) for scheme in SLA_SCHEMES],
            history=trail("agency", code) if code else [],
        ),
        status,
    )


def _checked(state: FormState) -> tuple[str, list[int] | None]:
    """The name and the whole-number settings (`NUMBERS`) as the service takes them, or
    None for the numbers when one is not a whole number (errors go into `state`)."""
    name = required_text(state, "name", 200)
    numbers = [whole_number(state, field) for field in NUMBERS]
    whole = [n for n in numbers if n is not None]
    return name, whole if len(whole) == len(NUMBERS) else None


@bp.get("/")
def index() -> Any:
    """Every PD with its time zone, scheme, warning point and recurrence rule."""
    return render_template("admin/agencies.html", agencies=_service().all())


@bp.route("/baru", methods=["GET", "POST"])
def create() -> Any:
    """A new PD; the code is fixed once created (services and roles name it)."""
    if request.method == "GET":
        state = FormState(
            values={
                "timezone": TIMEZONES[0],
                "sla_scheme": SLA_SCHEMES[0],
                "escalation_warning_percent": str(DEFAULT_WARNING_PERCENT),
                "recurring_complaints": str(DEFAULT_RECURRING_COMPLAINTS),
                "recurrence_window_days": str(DEFAULT_RECURRENCE_WINDOW_DAYS),
            }
        )
        return _render(state, None)
    state = FormState.posted(request.form, FIELDS)
    code = state.values["code"]
    if not CODE_PATTERN.match(code):
        state.add("code", _("Huruf besar, angka dan '-' (maks. 40), mis. DISKOMINFO."))
    name, numbers = _checked(state)
    if state.ok and numbers is not None:
        try:
            _service().create(
                code, name, state.values["timezone"], state.values["sla_scheme"], *numbers
            )
        except DomainError as err:
            state.refuse(err, default="code")
        else:
            session().commit()
            flash(_("PD %(code)s dibuat.", code=code), "success")
            return redirect(url_for(".edit", code=code))
    return _render(state, None, REFUSED)


@bp.route("/<code>", methods=["GET", "POST"])
def edit(code: str) -> Any:
    """Change a PD's name, time zone, SLA scheme, escalation warning point or recurrence rule."""
    agency = _service().get(code)
    if request.method == "GET":
        state = FormState(
            values={
                "code": agency.code,
                "name": agency.name,
                "timezone": agency.timezone,
                "sla_scheme": agency.sla_scheme,
                "escalation_warning_percent": str(agency.escalation_warning_percent),
                "recurring_complaints": str(agency.recurring_complaints),
                "recurrence_window_days": str(agency.recurrence_window_days),
            }
        )
        return _render(state, code)
    state = FormState.posted(request.form, FIELDS)
    state.values["code"] = code
    name, numbers = _checked(state)
    if state.ok and numbers is not None:
        try:
            _service().update(
                code, name, state.values["timezone"], state.values["sla_scheme"], *numbers
            )
        except DomainError as err:
            state.refuse(err)
        else:
            session().commit()
            flash(_("PD %(code)s disimpan.", code=code), "success")
            return redirect(url_for(".edit", code=code))
    return _render(state, code, REFUSED)
