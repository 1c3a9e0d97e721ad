"""A service's continuity page (/layanan/<code>/drp; issue 14, item 7; Kepbup Polewali
Mandar 685/2021, III.3): the DRP version in force and the earlier ones with their
documents, a form to record the next version with its document, and the trainings held
on it with a form to record one.

Staff read it; the forms are offered to the service's continuity keepers and every post
goes through `ContinuityService`, the same calls and checks as /api/v1/services/<code>/drp
and /drp-trainings, so the page and the API keep one rule. A refused form is shown again
with what was typed and each error beside its field (a browser cannot keep a chosen file,
so the page asks for it again).
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import FormInvalid
from app.models import ContinuityPlan, RecoveryOption, User
from app.request_scope import platform, session
from app.services.accounts.permissions import STAFF
from app.services.continuity.plans import DOCUMENT_FIELD, DOCUMENT_KINDS, ContinuityService
from app.web.access import me, permission_required
from app.web.admin.forms import REFUSED, FormState
from app.web.pages import blueprint

bp = blueprint("continuity_page", __name__, url_prefix="/layanan/<code>/drp")

PLAN_FIELDS = (
    "rpo_minutes",
    "rto_minutes",
    "recovery_option",
    "recovery_strategy",
    "backup_strategy",
    "document_reference",
    "note",
)
CONTACT_FIELDS = ("name", "role", "telephone")
TRAINING_FIELDS = ("held_on", "title", "participants", "notes")
#: Empty contact rows offered under the filled ones.
BLANK_CONTACT_ROWS = 2
#: Trainings listed, the latest first (the API pages through all of them).
TRAININGS_SHOWN = 100
OPTION_LABELS = {
    RecoveryOption.MANUAL: _l("Prosedur manual"),
    RecoveryOption.GRADUAL: _l("Pemulihan gradual"),
    RecoveryOption.INTERMEDIATE: _l("Pemulihan intermediasi"),
    RecoveryOption.FAST: _l("Pemulihan cepat"),
    RecoveryOption.IMMEDIATE: _l("Pemulihan segera"),
}
_CONTACT_KEY = re.compile(r"^contacts\.(\d{1,2})\.(\w+)$")
_WHOLE = re.compile(r"\d{1,9}")


def _continuity() -> ContinuityService:
    return ContinuityService(session(), platform().clock, me(), platform().attachments(session()))


def _number(text: str) -> int | str:
    """Digits as the whole number the service takes; anything else as typed, for the
    service to name."""
    return int(text) if _WHOLE.fullmatch(text) else text


def _plan_values(plan: ContinuityPlan | None) -> dict[str, Any]:
    """The version form filled from the version in force, a new version being mostly the
    same plan; the note and the document are the new version's own."""
    if plan is None:
        return {}
    values: dict[str, Any] = {key: str(getattr(plan, key)) for key in PLAN_FIELDS if key != "note"}
    for index, contact in enumerate(plan.contacts):
        for key in CONTACT_FIELDS:
            values[f"contacts.{index}.{key}"] = contact.get(key, "")
    return values


def _posted_plan() -> tuple[FormState, dict[str, Any]]:
    """The version form as typed (contact rows left empty dropped and the rest numbered
    again, so the service's `contacts.N.field` errors land beside the rows shown), and the
    raw version the service judges."""
    state = FormState.posted(request.form, PLAN_FIELDS)
    rows: dict[int, dict[str, str]] = {}
    for key, value in request.form.items():
        match = _CONTACT_KEY.match(key)
        if match and match.group(2) in CONTACT_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    contacts = [rows[index] for index in sorted(rows) if any(rows[index].values())]
    for index, contact in enumerate(contacts):
        for key in CONTACT_FIELDS:
            state.values[f"contacts.{index}.{key}"] = contact.get(key, "")
    raw: dict[str, Any] = {key: state.values[key] for key in PLAN_FIELDS}
    raw["rpo_minutes"] = _number(state.values["rpo_minutes"])
    raw["rto_minutes"] = _number(state.values["rto_minutes"])
    raw["contacts"] = [{key: c.get(key, "") for key in CONTACT_FIELDS} for c in contacts]
    return state, raw


def _username(user_id: int | None) -> str | None:
    """Who recorded a version (None for the system or an account removed)."""
    user = session().get(User, user_id) if user_id else None
    return user.username if user else None


def _contact_rows(state: FormState) -> int:
    filled = {int(m.group(1)) for key in state.values if (m := _CONTACT_KEY.match(key))}
    return (max(filled) + 1 if filled else 0) + BLANK_CONTACT_ROWS


def _render(
    code: str,
    plan_state: FormState | None = None,
    training_state: FormState | None = None,
    status: int = 200,
) -> Any:
    continuity = _continuity()
    service = continuity.service(code)
    versions = continuity.versions(code)
    trainings, total = continuity.trainings(code, 1, TRAININGS_SHOWN)
    plan_state = plan_state or FormState(values=_plan_values(versions[0] if versions else None))
    return (
        render_template(
            "continuity/service.html",
            service=service,
            versions=versions,
            trainings=trainings,
            total=total,
            keeps=continuity.keeps(service),
            plan_state=plan_state,
            training_state=training_state or FormState(),
            contact_rows=_contact_rows(plan_state),
            options=[(option.value, label) for option, label in OPTION_LABELS.items()],
            option_label=lambda value: OPTION_LABELS.get(value, value),
            by=_username,
            accepted=",".join("." + kind for kind in DOCUMENT_KINDS),
            today=platform().clock.now().date().isoformat(),
        ),
        status,
    )


@bp.get("")
@permission_required(STAFF)
def show(code: str) -> Any:
    """The service's DRP versions and trainings, with the forms for its keepers."""
    return _render(code)


@bp.post("")
@permission_required(STAFF)
def record(code: str) -> Any:
    """Record the next DRP version, its document with it when one is chosen."""
    state, raw = _posted_plan()
    upload = request.files.get(DOCUMENT_FIELD)
    document = upload if upload is not None and upload.filename else None
    state.values[DOCUMENT_FIELD] = document.filename if document is not None else ""
    try:
        plan = _continuity().record(code, raw, document=document)
    except FormInvalid as err:
        state.refuse(err)
        return _render(code, plan_state=state, status=REFUSED)
    session().commit()
    flash(_("DRP versi %(version)s dicatat dan berlaku.", version=plan.version), "success")
    return redirect(url_for(".show", code=code, _anchor="drp-berlaku"))


@bp.post("/pelatihan")
@permission_required(STAFF)
def add_training(code: str) -> Any:
    """Record a training held on the service's recovery procedures."""
    state = FormState.posted(request.form, TRAINING_FIELDS)
    raw: dict[str, Any] = {key: state.values[key] for key in TRAINING_FIELDS}
    raw["participants"] = _number(state.values["participants"])
    try:
        _continuity().add_training(code, raw)
    except FormInvalid as err:
        state.refuse(err)
        return _render(code, training_state=state, status=REFUSED)
    session().commit()
    flash(_("Pelatihan dicatat."), "success")
    return redirect(url_for(".show", code=code, _anchor="pelatihan"))


@bp.get("/<int:version>/dokumen")
@permission_required(STAFF)
def document(code: str, version: int) -> Any:
    """Download the document of one DRP version (as the API's .../document)."""
    row, path = _continuity().document(code, version)
    response = send_file(
        path, mimetype=row.content_type, as_attachment=True, download_name=row.name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
