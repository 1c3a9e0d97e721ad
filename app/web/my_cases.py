"""Permintaan dan aduan saya: a requester follows the cases they filed (issue 12, item 4)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.request_scope import platform, session
from app.services.instances.my_cases import MyCases
from app.web import nav
from app.web.access import me
from app.web.i18n import half
from app.web.pages import blueprint

bp = blueprint("my_cases", __name__)
nav.register("my_cases.index", _l("Permintaan dan aduan saya"), order=15)


@bp.get("/saya")
@login_required
def index() -> Any:
    """The user's cases, newest first, a page at a time (`?sebelum=<id>` for older)."""
    before = request.args.get("sebelum", type=int)
    if before is not None and not 0 < before < 2**31:
        abort(404)
    page = MyCases(session(), platform().clock).page(me(), before)
    return render_template("my_cases/index.html", page=page, half=half)
