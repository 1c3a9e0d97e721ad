"""A PD's maturity (/kematangan): the level of Tabel 15 it reached in a period, each
level's criteria, the evidence found in its records with links to them, and what is
missing for the next (issue 15, item 4), as `MaturityService` reads it for the API's
`/api/v1/maturity`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput
from app.request_scope import platform, session
from app.services.accounts.permissions import VIEW_DASHBOARDS
from app.services.deadlines.calendars import DEFAULT_TIME_ZONE
from app.services.evaluation.maturity import Maturity, MaturityService
from app.services.evaluation.maturity_bundle import EXPORTS, export
from app.services.instances.dashboard import DashboardService
from app.web import nav
from app.web.access import me, permission_required
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("maturity_page", __name__)
nav.register("maturity_page.index", _l("Kematangan"), VIEW_DASHBOARDS, order=48)


def _assessed() -> tuple[str, Maturity | None, str | None]:
    """The period asked for (`periode`, default this year), the maturity of the PD asked
    for (`pd`, default the reader's), or the period's error."""
    user = me()
    now = platform().clock.now()
    period = request.args.get("periode") or str(now.astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).year)
    visible = platform().instances(session()).visible_clause(user)
    try:
        maturity = MaturityService(session(), platform().clock).for_reader(
            user, request.args.get("pd") or None, period, visible
        )
    except InvalidInput as err:
        return period, None, half(err.message)
    return period, maturity, None


@bp.get("/kematangan")
@permission_required(VIEW_DASHBOARDS)
def index() -> Any:
    """`?pd=CODE&periode=2026` (or `2026-S1`, `2026-S2`); by default the reader's PD and
    the current year."""
    period, maturity, error = _assessed()
    scopes = DashboardService(session(), platform().clock.now()).scopes(me())
    return render_template(
        "maturity/index.html",
        scopes=scopes,
        chosen=maturity.agency.code if maturity else request.args.get("pd", ""),
        period=period,
        error=error,
        maturity=maturity,
        split=half,
    ), (422 if error else 200)


@bp.get("/kematangan/unduh")
@permission_required(VIEW_DASHBOARDS)
def download() -> Any:
    """The assessment as `format=pdf` (with links to its evidence) or `format=zip` (the
    evidence bundle: that PDF and the evidence cases' files), for the same `pd` and
    `periode` as the page; a bad choice shows the page with its message (422)."""
    period, maturity, error = _assessed()
    fmt = request.args.get("format", "pdf")
    if fmt not in EXPORTS:
        error = _("Format unduhan tidak dikenal; pilih pdf atau zip.")
    if maturity is None or error:
        scopes = DashboardService(session(), platform().clock.now()).scopes(me())
        return render_template(
            "maturity/index.html",
            scopes=scopes,
            chosen=request.args.get("pd", ""),
            period=period,
            error=error,
            maturity=None,
            split=half,
        ), 422
    content, mimetype, filename = export(
        session(),
        maturity,
        fmt,
        request.host_url.rstrip("/"),
        platform().clock.now(),
        platform().attachments(session()),
        me(),
    )
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
