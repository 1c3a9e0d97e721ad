"""The kabupaten-wide dashboard (/dasbor/kabupaten, issue 15, item 5): every PD of the
reader's dashboards, or a chosen set, over any dates: cases, targets met and missed and
the backlog by PD, the trend by month and the worst services, each chart beside its data
table and each table exportable as CSV or XLSX. The figures are the service-level
report's (`ServiceLevelService`) folded by `reports.kabupaten.fold`."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput
from app.request_scope import platform, session
from app.services.accounts.permissions import VIEW_DASHBOARDS
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.instances.dashboard import DashboardService
from app.services.reports.kabupaten import TABLES, KabupatenView, fold, view_table
from app.services.reports.service_levels import ServiceLevelService
from app.services.spreadsheet import MIME_TYPES
from app.web import nav
from app.web.access import me, permission_required
from app.web.i18n import current_language, half
from app.web.pages import blueprint

bp = blueprint("kabupaten_page", __name__)
nav.register("kabupaten_page.index", _l("Dasbor kabupaten"), VIEW_DASHBOARDS, order=46)

#: The page's date fields and the report's names for them.
_DATES = {"dari": "from", "sampai": "to"}


def _default_first(today: date) -> date:
    """The first day of the month five months back: six months with this one."""
    month = today.month - 5
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def _view() -> tuple[dict[str, Any], dict[str, str], KabupatenView | None]:
    """The form's values, its errors by field, and the view (None when refused)."""
    user = me()
    now = platform().clock.now()
    today = now.astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date()
    scopes = DashboardService(session(), now).scopes(user)
    agencies = [scope.agency for scope in scopes]
    wanted = request.args.getlist("pd")
    chosen = [a for a in agencies if a.code in wanted] or agencies
    values = {
        "dari": request.args.get("dari") or _default_first(today).isoformat(),
        "sampai": request.args.get("sampai") or today.isoformat(),
        "pd": [a.code for a in chosen],
        "agencies": agencies,
    }
    errors: dict[str, str] = {}
    unknown = sorted(set(wanted) - {a.code for a in agencies})
    if unknown:
        errors["pd"] = _("PD di luar lingkup Anda: %(codes)s", codes=", ".join(unknown))
    reports = ServiceLevelService(session(), platform().clock, platform().instances(session()))
    view = None
    try:
        period = reports.period(values["dari"], values["sampai"])
    except InvalidInput as err:
        for field, api_name in _DATES.items():
            if api_name in (err.errors or {}):
                errors[field] = half(err.errors[api_name][0])
        period = None
    if period is not None and not errors:
        view = fold(reports.report(user, period, by_month=True), chosen)
    return values, errors, view


@bp.get("/dasbor/kabupaten")
@permission_required(VIEW_DASHBOARDS)
def index() -> Any:
    """The dashboard; `?dari=&sampai=` (dates) and `pd=` (repeated) choose it."""
    values, errors, view = _view()
    charts = {}
    if view is not None:
        met_label, missed_label = _("Tercapai"), _("Terlewat")
        charts = {
            "agencies": {
                "labels": [agency.code for agency, _f in view.agencies],
                "met": [f.met for _a, f in view.agencies],
                "missed": [f.missed for _a, f in view.agencies],
                "met_label": met_label,
                "missed_label": missed_label,
            },
            "backlog": {
                "labels": [agency.code for agency, _f in view.agencies],
                "values": [f.backlog for _a, f in view.agencies],
                "label": _("Backlog"),
            },
            "months": {
                "labels": [month for month, _f in view.months],
                "met": [f.met for _m, f in view.months],
                "missed": [f.missed for _m, f in view.months],
                "met_label": met_label,
                "missed_label": missed_label,
            },
            "worst": {
                "labels": [service.code for service, _f in view.worst],
                "values": [f.missed_share for _s, f in view.worst],
                "label": _("Persen target terlewat"),
            },
        }
    return render_template(
        "kabupaten/index.html", values=values, errors=errors, view=view, charts=charts
    ), (422 if errors else 200)


@bp.get("/dasbor/kabupaten/ekspor")
@permission_required(VIEW_DASHBOARDS)
def export() -> Any:
    """One of the dashboard's tables (`tabel=pd|bulan|layanan`) as `format=csv|xlsx`; a
    bad choice shows the dashboard with its message (422)."""
    values, errors, view = _view()
    name, fmt = request.args.get("tabel", "pd"), request.args.get("format", "csv")
    if name not in TABLES:
        errors["tabel"] = _("Tabel tidak dikenal.")
    if fmt not in MIME_TYPES:
        errors["format"] = _("Format unduhan tidak dikenal; pilih csv atau xlsx.")
    if errors or view is None:
        return render_template(
            "kabupaten/index.html", values=values, errors=errors, view=None, charts={}
        ), 422
    table = view_table(view, name, current_language())
    return Response(
        table.to(fmt),
        mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename=kabupaten-{name}.{fmt}"},
    )
