"""A PD's dashboard (/dasbor): open work by procedure and priority, deadlines met and
missed in the last 30 days, the oldest open items; charts drawn by Chart.js from the
figures `DashboardService` aggregates in SQL, each with its data table beside it."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.request_scope import platform, session
from app.services.accounts.permissions import VIEW_DASHBOARDS
from app.services.instances.dashboard import DashboardService
from app.services.process_models.deploy import DeployService
from app.web import nav
from app.web.access import me, permission_required
from app.web.instances import priority_badge, status_badge
from app.web.pages import blueprint

bp = blueprint("dashboard", __name__)
nav.register("dashboard.index", _l("Dasbor"), VIEW_DASHBOARDS, order=45)


@bp.get("/dasbor")
@permission_required(VIEW_DASHBOARDS)
def index() -> Any:
    """One PD's figures; `?pd=CODE` chooses another PD within the user's scope (403
    outside it)."""
    now = platform().clock.now()
    service = DashboardService(session(), now)
    user = me()
    scopes = service.scopes(user)
    scope = service.choose(scopes, request.args.get("pd") or None, user.agency_id)
    figures = service.read(scope)
    deployments = DeployService(session(), platform().clock, platform().specs)
    names = {model.id: model.name for model, _version in deployments.models()}
    no_priority = _("Tanpa prioritas")
    charts = {
        "procedure": {
            "labels": [names.get(model, model) for model, _count in figures.by_procedure],
            "values": [count for _model, count in figures.by_procedure],
            "label": _("Instans terbuka"),
        },
        "priority": {
            "labels": [priority or no_priority for priority, _count in figures.by_priority],
            "values": [count for _priority, count in figures.by_priority],
            "label": _("Instans terbuka"),
        },
        "deadlines": {
            "labels": [_("Respons"), _("Penyelesaian")],
            "met": [figures.response.met, figures.resolution.met],
            "missed": [figures.response.missed, figures.resolution.missed],
            "met_label": _("Terpenuhi"),
            "missed_label": _("Terlewat"),
        },
        "oldest": {
            "labels": [item.reference or f"#{item.id}" for item in figures.oldest],
            "values": [
                round((now - item.started_at).total_seconds() / 86400, 1) for item in figures.oldest
            ],
            "label": _("Umur (hari)"),
        },
    }
    return render_template(
        "dashboard/index.html",
        figures=figures,
        scopes=scopes,
        names=names,
        charts=charts,
        now=now,
        no_priority=no_priority,
        status_badge=status_badge,
        priority_badge=priority_badge,
    )
