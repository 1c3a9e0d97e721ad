"""A PD's maturity (/kematangan): the level of Tabel 15 it reached in a period, each
level's criteria, the evidence found in its records with links to them, and what is
missing for the next (issue 15, item 4), as `MaturityService` reads it for the API's
`/api/v1/maturity`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput
from app.request_scope import platform, session
from app.services.accounts.permissions import VIEW_DASHBOARDS
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.evaluation.maturity import MaturityService
from app.services.instances.dashboard import DashboardService
from app.web import nav
from app.web.access import me, permission_required
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("maturity_page", __name__)
nav.register("maturity_page.index", _l("Kematangan"), VIEW_DASHBOARDS, order=48)


@bp.get("/kematangan")
@permission_required(VIEW_DASHBOARDS)
def index() -> Any:
    """`?pd=CODE&periode=2026` (or `2026-S1`, `2026-S2`); by default the reader's PD and
    the current year."""
    user = me()
    now = platform().clock.now()
    period = request.args.get("periode") or str(now.astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).year)
    scopes = DashboardService(session(), now).scopes(user)
    visible = platform().instances(session()).visible_clause(user)
    maturity, error = None, None
    try:
        maturity = MaturityService(session(), platform().clock).for_reader(
            user, request.args.get("pd") or None, period, visible
        )
    except InvalidInput as err:
        error = half(err.message)
    return render_template(
        "maturity/index.html",
        scopes=scopes,
        chosen=maturity.agency.code if maturity else request.args.get("pd", ""),
        period=period,
        error=error,
        maturity=maturity,
        split=half,
    ), (422 if error else 200)
