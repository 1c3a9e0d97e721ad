"""Periodic procedures per PD (monthly review, semester evaluation...): list, create,
pause, resume and delete, with the same `ScheduleService` calls as /api/v1/schedules."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import DomainError, NotFound
from app.request_scope import platform, session
from app.services.accounts.users import AccountService
from app.services.catalog.agencies import AgencyService
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.instances.schedules import CYCLES, ScheduleService
from app.services.process_models.deploy import DeployService
from app.web.access import me
from app.web.admin.audit import trail
from app.web.admin.forms import REFUSED, FormState, local_moment
from app.web.i18n import half

bp = Blueprint("schedules", __name__, url_prefix="/jadwal")

FIELDS = ("process_model_id", "agency", "cycle", "next_at", "owner", "start_data")
CYCLE_LABELS = {
    "P1W": _l("Mingguan"),
    "P1M": _l("Bulanan"),
    "P3M": _l("Triwulanan"),
    "P6M": _l("Semesteran"),
    "P1Y": _l("Tahunan"),
}
#: Which form field a NotFound from `ScheduleService.create` is about, by its message.
_NOT_FOUND_FIELDS = (("PD ", "agency"), ("Pengguna", "owner"))


def _service() -> ScheduleService:
    return platform().schedules(session(), me())


def _render(state: FormState, status: int = 200) -> Any:
    clock = platform().clock
    models = DeployService(session(), clock, platform().specs).models()
    return (
        render_template(
            "admin/schedules.html",
            schedules=_service().all(),
            state=state,
            models=[(model.id, f"{model.name} ({model.id})") for model, _version in models],
            agencies=[
                (a.code, f"{a.code} — {a.name}") for a in AgencyService(session(), clock).all()
            ],
            owners=[
                (u.username, f"{u.username} — {u.full_name}")
                for u in AccountService(session(), clock).users()
                if u.active
            ],
            cycles=[(cycle, f"{CYCLE_LABELS.get(cycle, cycle)} ({cycle})") for cycle in CYCLES],
            cycle_labels=CYCLE_LABELS,
        ),
        status,
    )


@bp.get("/")
def index() -> Any:
    """Every schedule, soonest first, and the form for a new one."""
    return _render(FormState(values={"cycle": "P1M"}))


def _start_data(state: FormState) -> dict[str, Any] | None:
    text = state.values["start_data"]
    if not text:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        state.add("start_data", _("Bukan JSON yang valid: %(error)s", error=err.msg))
        return None
    if not isinstance(data, dict):
        state.add("start_data", _('Harus objek JSON, mis. {"layanan": "SRIKANDI"}.'))
        return None
    return data


def _place(state: FormState, err: DomainError) -> None:
    """A missing thing beside its field; start-data problems beside the start data."""
    named = err.errors if isinstance(err.errors, dict) else {}
    if not named:
        prefixes = _NOT_FOUND_FIELDS if isinstance(err, NotFound) else ()
        field = next((f for prefix, f in prefixes if err.message.startswith(prefix)), None)
        state.refuse(err, default=field or "process_model_id")
        return
    session().rollback()
    state.messages.append(half(err.message))
    for key, messages in named.items():
        for text in messages:
            if key in FIELDS:
                state.add(key, text)
            else:
                state.add("start_data", f"{key or 'data'}: {text}")


@bp.post("/")
def create() -> Any:
    """Start a procedure every cycle from the first start, as the owner."""
    state = FormState.posted(request.form, FIELDS)
    for name in ("process_model_id", "cycle", "owner"):
        if not state.values[name]:
            state.add(name, _("Wajib diisi."))
    agency_code = state.values["agency"] or None
    zone = DEFAULT_TIME_ZONE
    if agency_code:
        with suppress(NotFound):  # the service names an unknown PD beside its field
            zone = AgencyService(session(), platform().clock).get(agency_code).timezone
    next_at = local_moment(state, "next_at", zone)
    data = _start_data(state)
    if state.ok and next_at is not None and data is not None:
        try:
            schedule = _service().create(
                state.values["process_model_id"],
                state.values["cycle"],
                next_at,
                state.values["owner"],
                agency_code,
                data,
            )
        except DomainError as err:
            _place(state, err)
        else:
            session().commit()
            flash(_("Jadwal %(id)s dibuat.", id=schedule.id), "success")
            return redirect(url_for(".index"))
    return _render(state, REFUSED)


@bp.get("/<int:schedule_id>")
def show(schedule_id: int) -> Any:
    """One schedule and its audit trail."""
    service = _service()
    schedule = service.get(schedule_id)
    return render_template(
        "admin/schedule.html",
        schedule=schedule,
        cycle_labels=CYCLE_LABELS,
        history=trail("schedule", schedule.id),
    )


@bp.post("/<int:schedule_id>/aktif")
def set_active(schedule_id: int) -> Any:
    """Pause (`active=0`) or resume (`active=1`) a schedule."""
    active = request.form.get("active") == "1"
    _service().set_active(schedule_id, active)
    session().commit()
    if active:
        flash(_("Jadwal %(id)s dilanjutkan.", id=schedule_id), "success")
    else:
        flash(_("Jadwal %(id)s dijeda.", id=schedule_id), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:schedule_id>/hapus")
def delete(schedule_id: int) -> Any:
    """Remove a schedule; the instances it started stay."""
    _service().delete(schedule_id)
    session().commit()
    flash(_("Jadwal %(id)s dihapus.", id=schedule_id), "success")
    return redirect(url_for(".index"))
