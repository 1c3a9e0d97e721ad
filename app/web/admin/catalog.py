"""The service catalog: list, create and edit services, import and export the spreadsheet.

The same `CatalogService` calls as /api/v1/services: `save` validates an entry (a Kritis
service needs RPO, RTO and a DRP document), `import_file` takes all rows or none.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError, NotFound
from app.models import Service
from app.request_scope import platform, session
from app.services.catalog.agencies import AgencyService
from app.services.catalog.services import CLASSIFICATIONS, GROUPS, SUPPORT_HOURS, CatalogService
from app.services.deadlines.service_targets import LevelTargets
from app.sla.service_targets import CLOCKS, LEVELS, PRIORITY_LEVELS, URGENCY_LEVELS, Unit
from app.web.access import me
from app.web.admin.audit import trail
from app.web.admin.forms import CODE_PATTERN, REFUSED, FormState, whole_number

bp = Blueprint("catalog", __name__, url_prefix="/katalog")

FIELDS = (
    "code",
    "name",
    "description",
    "agency",
    "group",
    "classification",
    "access_method",
    "availability_target",
    "help_contact",
    "support_hours",
    "availability",
    "vital_business_functions",
    "rpo_minutes",
    "rto_minutes",
    "drp_reference",
    "service_administrators",
    "infrastructure_administrators",
)
ADMIN_LISTS = ("service_administrators", "infrastructure_administrators")
#: The service's own targets, one value and one unit field per clock and level, named as
#: the catalog's errors name them (`targets.response.P1.value`).
TARGET_FIELDS = tuple(
    f"targets.{clock}.{level}.{part}"
    for clock in CLOCKS
    for level in LEVELS
    for part in ("value", "unit")
)
#: A refusal of a whole figure ("targets.resolution.P1": shorter than the response) is
#: shown beside its value.
TARGET_ALIASES = {
    f"targets.{clock}.{level}": f"targets.{clock}.{level}.value"
    for clock in CLOCKS
    for level in LEVELS
}
TYPE_FIELDS = ("code", "name", "needs_approval", "fulfilment_hours")
#: Empty request-type rows offered under the filled ones.
BLANK_TYPE_ROWS = 2
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_TYPE_KEY = re.compile(r"^request_types\.(\d+)\.(\w+)$")


def _catalog() -> CatalogService:
    return CatalogService(session(), platform().clock, me())


def _values(service: Service) -> dict[str, Any]:
    """A service as the form shows it (numbers as text, administrators comma-separated)."""
    entry = _catalog().entry(service)
    values = {key: "" if entry.get(key) is None else str(entry[key]) for key in FIELDS}
    for key in ADMIN_LISTS:
        values[key] = ", ".join(entry[key])
    for index, item in enumerate(entry["request_types"]):
        values.update(_type_values(index, item))
    for clock in CLOCKS:
        for level, figure in entry["targets"][clock].items():
            values[f"targets.{clock}.{level}.value"] = str(figure["value"])
            values[f"targets.{clock}.{level}.unit"] = figure["unit"]
    return values


def _type_values(index: int, item: dict[str, Any]) -> dict[str, str]:
    hours = item.get("fulfilment_hours")
    return {
        f"request_types.{index}.code": item.get("code") or "",
        f"request_types.{index}.name": item.get("name") or "",
        f"request_types.{index}.needs_approval": "1" if item.get("needs_approval") else "",
        f"request_types.{index}.fulfilment_hours": "" if hours is None else str(hours),
    }


def _posted_types() -> list[dict[str, str]]:
    """The request-type rows posted, in order, without the rows left empty."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in request.form.items():
        match = _TYPE_KEY.match(key)
        if match and match.group(2) in TYPE_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    return [rows[index] for index in sorted(rows) if any(rows[index].values())]


def _posted() -> tuple[FormState, dict[str, Any]]:
    """The form as typed, and the raw entry the catalog service judges."""
    state = FormState.posted(request.form, FIELDS + TARGET_FIELDS)
    raw: dict[str, Any] = {key: state.values[key] for key in FIELDS if key not in ADMIN_LISTS}
    raw["targets"] = {clock: {} for clock in CLOCKS}
    for clock in CLOCKS:
        for level in LEVELS:
            name = f"targets.{clock}.{level}."
            value = whole_number(state, name + "value", required=False, low=1)
            if value is not None:
                unit = state.values[name + "unit"] or Unit.JAM.value
                raw["targets"][clock][level] = {"value": value, "unit": unit}
    for key in ADMIN_LISTS:
        raw[key] = [name for name in re.split(r"[,;\s]+", state.values[key]) if name]
    raw["request_types"] = []
    for index, row in enumerate(_posted_types()):
        prefix = f"request_types.{index}."
        for name in TYPE_FIELDS:
            state.values[prefix + name] = row.get(name, "")
        hours = whole_number(state, prefix + "fulfilment_hours", required=False, low=0)
        raw["request_types"].append(
            {
                "code": row.get("code", ""),
                "name": row.get("name", ""),
                "needs_approval": bool(row.get("needs_approval")),
                "fulfilment_hours": hours,
            }
        )
    return state, raw


def _type_rows(state: FormState) -> int:
    filled = {int(m.group(1)) for key in state.values if (m := _TYPE_KEY.match(key))}
    return (max(filled) + 1 if filled else 0) + BLANK_TYPE_ROWS


def _in_force(code: str | None) -> dict[str, LevelTargets]:
    """The targets the clocks apply now to the saved service `code`, by level (its PD's
    scheme only): what a level left empty on the form falls back to."""
    if code is None:
        return {}
    catalog = _catalog()
    return {row.level: row for row in catalog.levels(catalog.get(code)).levels}


def _render(state: FormState, code: str | None, status: int = 200) -> Any:
    agencies = AgencyService(session(), platform().clock).all()
    return (
        render_template(
            "admin/service_form.html",
            state=state,
            code=code,
            type_rows=_type_rows(state),
            agencies=[(a.code, f"{a.code} — {a.name}") for a in agencies],
            groups=[(g, g) for g in GROUPS],
            classifications=[(c, c) for c in CLASSIFICATIONS],
            support_hours=[(h, h) for h in SUPPORT_HOURS],
            target_levels=(("prioritas", PRIORITY_LEVELS), ("urgensi", URGENCY_LEVELS)),
            units=[(u.value, u.value) for u in Unit],
            in_force=_in_force(code),
            history=trail("service", code) if code else [],
        ),
        status,
    )


def _list(
    problems: list[dict[str, Any]] | None = None, message: str = "", status: int = 200
) -> Any:
    return (
        render_template(
            "admin/catalog.html",
            services=_catalog().all(),
            problems=problems or [],
            message=message,
        ),
        status,
    )


@bp.get("/")
def index() -> Any:
    """The catalog, with export links and the import form."""
    return _list()


@bp.route("/baru", methods=["GET", "POST"])
def create() -> Any:
    """A new catalog entry; an existing code is refused (edit that service instead)."""
    if request.method == "GET":
        return _render(FormState(values={"support_hours": "kalender"}), None)
    state, raw = _posted()
    catalog = _catalog()
    if not CODE_PATTERN.match(state.values["code"]):
        state.add("code", _("Huruf besar, angka dan '-' (maks. 40), mis. SIMPEG."))
    else:
        try:
            catalog.get(state.values["code"])
        except NotFound:
            pass
        else:
            state.add("code", _("Kode ini sudah ada di katalog; ubah layanan itu dari daftar."))
    if state.ok:
        try:
            service = catalog.save(raw)
        except DomainError as err:
            state.refuse(err, aliases=TARGET_ALIASES)
        else:
            session().commit()
            flash(_("Layanan %(code)s dibuat.", code=service.code), "success")
            return redirect(url_for(".edit", code=service.code))
    return _render(state, None, REFUSED)


@bp.route("/<code>", methods=["GET", "POST"])
def edit(code: str) -> Any:
    """Change a catalog entry, its request types and administrators included."""
    catalog = _catalog()
    service = catalog.get(code)
    if request.method == "GET":
        return _render(FormState(values=_values(service)), code)
    state, raw = _posted()
    state.values["code"] = code
    if state.ok:
        try:
            catalog.save(raw, code=code)
        except DomainError as err:
            state.refuse(err, aliases=TARGET_ALIASES)
        else:
            session().commit()
            flash(_("Layanan %(code)s disimpan.", code=code), "success")
            return redirect(url_for(".edit", code=code))
    return _render(state, code, REFUSED)


@bp.get("/ekspor")
def export() -> Response:
    """Download the catalog as CSV or XLSX (`?format=`), the columns import reads."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORTS:
        abort(404)
    return Response(
        _catalog().export(fmt),
        mimetype=EXPORTS[fmt],
        headers={"Content-Disposition": f"attachment; filename=katalog-layanan.{fmt}"},
    )


@bp.post("/impor")
def import_file() -> Any:
    """Create or update services from a CSV or XLSX file: all rows, or none and why."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _list(message=_("Pilih berkas .csv atau .xlsx untuk diimpor."), status=REFUSED)
    try:
        created, updated = _catalog().import_file(upload.read(), upload.filename)
    except DomainError as err:
        session().rollback()
        problems = err.errors if isinstance(err.errors, list) else []
        return _list(problems, err.message, REFUSED)
    session().commit()
    flash(
        _(
            "Impor selesai: %(created)s dibuat, %(updated)s diubah.",
            created=created,
            updated=updated,
        ),
        "success",
    )
    return redirect(url_for(".index"))
